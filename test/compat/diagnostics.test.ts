import { useCompat } from '../helpers/compat';

describe('diagnostics commands vs redis-server 7.0', () => {
  const h = useCompat();

  it('SLOWLOG, LATENCY and MEMORY help and errors', async () => {
    await h.same(
      ['SLOWLOG', 'HELP'],
      ['SLOWLOG', 'GET', '-2'],
      ['SLOWLOG', 'GET', 'x'],
      ['SLOWLOG', 'RESET'],
      ['SLOWLOG', 'FOO'],
      ['LATENCY', 'HELP'],
      ['LATENCY', 'LATEST'],
      ['LATENCY', 'HISTORY', 'nosuch'],
      ['LATENCY', 'RESET'],
      ['LATENCY', 'GRAPH', 'nosuch'],
      ['LATENCY', 'DOCTOR'],
      ['MEMORY', 'HELP'],
      ['MEMORY', 'USAGE', 'missing'],
      ['SET', 'k', 'v'],
      ['MEMORY', 'USAGE', 'k', 'SAMPLES', 'x'],
      ['MEMORY', 'USAGE', 'k', 'SAMPLES', '-1'],
      ['MEMORY', 'USAGE', 'k', 'FOO'],
      ['MEMORY', 'PURGE'],
      ['LOLWUT', 'VERSION', '1'],
      ['LOLWUT', 'VERSION', 'x'],
      ['MULTI'],
      ['MONITOR'],
      ['EXEC'],
    );
    await h.same3(['LOLWUT', 'VERSION', '4'], ['LATENCY', 'DOCTOR']);
  });

  it('MEMORY USAGE SAMPLES: argument checks, and the same sampling behaviour', async () => {
    await h.same(
      ['RPUSH', 'l', 'a', 'b'],
      ['MEMORY', 'USAGE', 'l', 'SAMPLES'],
      ['MEMORY', 'USAGE', 'l', 'SAMPLES', '1.5'],
      ['MEMORY', 'USAGE', 'l', 'SAMPLES', '99999999999999999999'],
      ['MEMORY', 'USAGE', 'l', 'SAMPLES', '0', 'extra'],
      ['MEMORY', 'USAGE', 'l', 'samples', '1', 'SAMPLES', '-1'],
      ['MEMORY', 'USAGE', 'nokey', 'SAMPLES', '-1'],
      ['MEMORY', 'USAGE', 'nokey', 'SAMPLES', 'x'],
      ['MEMORY', 'USAGE', 'nokey', 'SAMPLES', '0'],
      ['MEMORY', 'USAGE'],
    );
    // A skiplist whose lowest-scored members are short and the rest 1 KB: sampling the first
    // members (in score order) misses the long ones; SAMPLES 0 counts them.
    const fill: string[][] = [];
    for (let i = 0; i < 400; i++) fill.push(['ZADD', 'z', String(i), i < 200 ? `m${i}` : `${'y'.repeat(1000)}${i}`]);
    const sizes = (replies: string[]) => replies.slice(-3).map((r) => Number(r.slice(1, -2)));
    const { ferrous, redis } = await h.both([
      ...fill,
      ['MEMORY', 'USAGE', 'z'],
      ['MEMORY', 'USAGE', 'z', 'SAMPLES', '1'],
      ['MEMORY', 'USAGE', 'z', 'SAMPLES', '0'],
    ]);
    for (const [dflt, one, all] of [sizes(ferrous), sizes(redis)]) {
      expect(all).toBeGreaterThan(200 * 1000);
      expect(dflt).toBeLessThan(all / 2);
      expect(one).toBeLessThan(all / 2);
    }
  });
});
