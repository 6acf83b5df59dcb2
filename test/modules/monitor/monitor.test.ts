import { useServer } from '../../helpers/fixtures';

describe('MONITOR', () => {
  const f = useServer();

  it('streams other clients commands with sdscatrepr quoting, redacting AUTH and skipping admin commands', async () => {
    const mon = await f.connect();
    expect(await mon.call('MONITOR')).toBe('+OK\r\n');
    await f.raw.call('SET', 'k', 'a"b\\c\nd\te\x01\xff');
    await f.raw.call('CONFIG', 'GET', 'maxmemory');
    await f.raw.call('AUTH', 'user', 'secret');
    await f.raw.call('SELECT', '3');
    await f.raw.call('GET', 'k');
    const lines: string[] = [];
    while (lines.length < 4) lines.push(...(await mon.read()).split('\r\n').filter(Boolean));
    const addr = /^\+\d+\.\d{6} \[(\d+) (\S+)\] (.*)$/;
    expect(lines.map((l) => addr.exec(l)?.[3])).toEqual([
      '"SET" "k" "a\\"b\\\\c\\nd\\te\\x01\\xff"',
      '"AUTH" "(redacted)" "(redacted)"',
      '"SELECT" "3"',
      '"GET" "k"',
    ]);
    expect(lines.map((l) => addr.exec(l)?.[1])).toEqual(['0', '0', '3', '3']);
  });

  it("sets the O flag, refuses keyspace commands and stops on RESET", async () => {
    const mon = await f.connect();
    const id = /:(\d+)/.exec(await mon.call('CLIENT', 'ID'))![1];
    const flags = async (): Promise<string> => /flags=(\S*)/.exec(await f.raw.call('CLIENT', 'LIST', 'ID', id))![1];
    await mon.call('MONITOR');
    expect(await flags()).toBe('O');
    expect(await mon.call('GET', 'k')).toBe("-ERR Replica can't interact with the keyspace\r\n");
    expect(await mon.call('RESET')).toBe('+RESET\r\n');
    expect(await flags()).toBe('N');
    await f.raw.call('PING');
    expect(await mon.call('PING')).toBe('+PONG\r\n');
  });
});
