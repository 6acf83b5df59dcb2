import { useCompat } from '../helpers/compat';
import { RawClient } from '../helpers/raw-client';

/** What a MONITOR connection sees while `commands` run on another connection, times and ports masked. */
async function monitored(port: number, commands: string[][]): Promise<string[]> {
  const monitor = await RawClient.connect(port);
  const client = await RawClient.connect(port);
  try {
    expect(await monitor.call('MONITOR')).toBe('+OK\r\n');
    for (const cmd of commands) await client.call(...cmd);
    // A last command marks the end of what the monitor has to show.
    await client.call('ECHO', 'monitor-end');
    const lines: string[] = [];
    for (;;) {
      const line = await monitor.read();
      if (line.includes('"monitor-end"')) return lines;
      lines.push(line.replace(/^\+\d+\.\d{6} \[(\d+) \d+\.\d+\.\d+\.\d+:\d+\]/, '+T [$1 client]').replace(/^\+\d+\.\d{6} /, '+T '));
    }
  } finally {
    monitor.close();
    client.close();
  }
}

describe('MONITOR vs redis-server 7.0', () => {
  const h = useCompat();

  it("shows a script's EVAL/EVALSHA/FCALL before the commands it runs, failed calls included", async () => {
    const commands = [
      ['SET', 'k', '1'],
      ['EVAL', "redis.call('SET', KEYS[1], 'v') return redis.call('GET', KEYS[1])", '1', 'mk'],
      ['FUNCTION', 'LOAD', 'REPLACE', "#!lua name=mon\nredis.register_function('mf', function(keys) return redis.call('INCR', keys[1]) end)"],
      ['FCALL', 'mf', '1', 'cnt'],
      ['FCALL_RO', 'mf', '1', 'cnt'],
      ['EVALSHA', '0000000000000000000000000000000000000000', '0'],
      ['EVAL', 'return 1', 'x'],
      ['EVAL', "error('boom')", '0'],
      ['EVAL_RO', "return redis.call('GET', KEYS[1])", '1', 'k'],
      ['MULTI'],
      ['EVAL', "return redis.call('PING')", '0'],
      ['INCR', 'k'],
      ['EXEC'],
      ['GET', 'k'],
    ];
    expect(await monitored(h.ferrousPort(), commands)).toEqual(await monitored(h.redisPort(), commands));
  });
});
