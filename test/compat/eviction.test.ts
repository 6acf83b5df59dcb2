import { useCompat } from '../helpers/compat';

/** The `name` of each `name:value` line of an INFO section reply. */
function fieldNames(reply: string): string[] {
  const body = reply.slice(reply.indexOf('\r\n') + 2);
  return body
    .split('\r\n')
    .filter((l) => l !== '' && !l.startsWith('#'))
    .map((l) => l.split(':')[0]);
}

/** A CONFIG GET reply's name/value pairs, sorted by name. */
function pairs(reply: string): string[] {
  const items = reply.split('\r\n').filter((l, i) => i > 0 && !l.startsWith('$') && l !== '');
  const out: string[] = [];
  for (let i = 0; i < items.length; i += 2) out.push(`${items[i]}=${items[i + 1]}`);
  return out.sort();
}

/** Back to no limit and noeviction (the harness's FLUSHALL is no denyoom command, so it runs either way). */
const RESET = [
  ['CONFIG', 'SET', 'maxmemory', '0'],
  ['CONFIG', 'SET', 'maxmemory-policy', 'noeviction'],
];

describe('maxmemory and eviction vs redis-server 7.0', () => {
  const h = useCompat();

  it('CONFIG SET/GET of the eviction parameters, with units and bad input', async () => {
    // A pattern lists parameters in the order of Redis's dict, which changes from one start to the next.
    const globs = await h.both([['CONFIG', 'GET', 'maxmemory*'], ['CONFIG', 'GET', 'lfu-*']]);
    expect(globs.ferrous.map(pairs)).toEqual(globs.redis.map(pairs));
    await h.same(
      ['CONFIG', 'SET', 'maxmemory', '64mb'],
      ['CONFIG', 'GET', 'maxmemory'],
      ['CONFIG', 'SET', 'maxmemory', '1GB'],
      ['CONFIG', 'GET', 'maxmemory'],
      ['CONFIG', 'SET', 'maxmemory', '100k'],
      ['CONFIG', 'GET', 'maxmemory'],
      ['CONFIG', 'SET', 'maxmemory', '1.5mb'],
      ['CONFIG', 'SET', 'maxmemory', '-1'],
      ['CONFIG', 'SET', 'maxmemory', '10xb'],
      ['CONFIG', 'SET', 'maxmemory-policy', 'lru'],
      ['CONFIG', 'SET', 'maxmemory-policy', 'ALLKEYS-LFU'],
      ['CONFIG', 'GET', 'maxmemory-policy'],
      ['CONFIG', 'SET', 'maxmemory-samples', '0'],
      ['CONFIG', 'SET', 'maxmemory-samples', '10'],
      ['CONFIG', 'SET', 'maxmemory-eviction-tenacity', '101'],
      ['CONFIG', 'SET', 'maxmemory-eviction-tenacity', '-1'],
      ['CONFIG', 'SET', 'lfu-log-factor', '-1'],
      ['CONFIG', 'SET', 'lfu-decay-time', 'x'],
      ['CONFIG', 'SET', 'maxmemory-clients', '10%'],
      ['CONFIG', 'GET', 'maxmemory-clients'],
      ['CONFIG', 'SET', 'maxmemory-clients', '0'],
      ['CONFIG', 'SET', 'maxmemory-samples', '5'],
      ...RESET,
    );
  });

  it('OBJECT FREQ and IDLETIME under each kind of policy', async () => {
    const { ferrous, redis } = await h.both([
      ['SET', 'k', 'v'],
      ['OBJECT', 'FREQ', 'k'],
      ['OBJECT', 'FREQ', 'missing'],
      ['OBJECT', 'IDLETIME', 'k'],
      ['CONFIG', 'SET', 'maxmemory-policy', 'volatile-lfu'],
      ['OBJECT', 'IDLETIME', 'k'],
      ['SET', 'n', 'v'],
      ['OBJECT', 'FREQ', 'n'],
      ['GET', 'n'],
      ['OBJECT', 'FREQ', 'n'],
      ['OBJECT', 'FREQ'],
      ['CONFIG', 'SET', 'maxmemory-policy', 'allkeys-lru'],
      ['OBJECT', 'FREQ', 'n'],
      ...RESET,
    ]);
    // IDLETIME just after the SET: 0, or 1 when Redis's one-second LRU clock ticked in between.
    for (const out of [ferrous, redis]) {
      expect(out[3]).toMatch(/^:[01]\r\n$/);
      out[3] = ':0\r\n';
    }
    expect(ferrous).toEqual(redis);
  });

  it('refuses writes out of memory with the OOM error, in MULTI and scripts too', async () => {
    await h.same(
      ['SET', 'k', 'v'],
      ['CONFIG', 'SET', 'maxmemory', '1'],
      ['SET', 'k2', 'v'],
      ['LPUSH', 'l', 'a'],
      ['GET', 'k'],
      ['MULTI'],
      ['GET', 'k'],
      ['EXEC'],
      ['MULTI'],
      ['DISCARD'],
      ['EVAL', "return redis.call('get','k')", '0'],
      ['EVAL', '#!lua\nreturn 1', '0'],
      ['EVAL', '#!lua flags=no-writes\nreturn 1', '0'],
      ['EVAL', "#!lua flags=allow-oom\nreturn redis.call('set','x','y')", '0'],
      ['DEL', 'k', 'x'],
      ['DBSIZE'],
      ...RESET,
    );
    // A script's error names the script and line: the OOM text comes first, as in Redis.
    const { ferrous, redis } = await h.both([['CONFIG', 'SET', 'maxmemory', '1'], ['EVAL', "return redis.call('set','x','y')", '0'], ...RESET]);
    expect(ferrous[1]).toBe(redis[1]);
  });

  it('evicts everything it can under allkeys-lru before refusing', async () => {
    await h.same(
      ['SET', 'a', 'v'],
      ['SELECT', '2'],
      ['SET', 'b', 'v'],
      ['CONFIG', 'SET', 'maxmemory-policy', 'allkeys-lru'],
      ['CONFIG', 'SET', 'maxmemory', '1'],
      ['SET', 'c', 'v'],
      ['DBSIZE'],
      ['SELECT', '0'],
      ['DBSIZE'],
      ...RESET,
    );
  });

  it('INFO memory has the fields Redis prints, in its order', async () => {
    const { ferrous, redis } = await h.both([['INFO', 'memory']]);
    expect(fieldNames(ferrous[0])).toEqual(fieldNames(redis[0]));
    const stats = await h.both([['INFO', 'stats']]);
    expect(fieldNames(stats.ferrous[0])).toContain('evicted_keys');
  });
});
