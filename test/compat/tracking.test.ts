import { useCompat } from '../helpers/compat';
import { waitParked } from '../helpers/fixtures';
import { command, RawClient } from '../helpers/raw-client';

/**
 * A step: which client sends which commands (written at once, as a pipeline), `close` to
 * disconnect it, or `sleep` for a key's TTL to pass (the next step then reads it). `{id:N}` stands for client N's id.
 */
type Step = [client: number, ...commands: string[][]] | ['close', number] | ['sleep', number];

/** Client ids differ between two servers: wherever a reply shows one, mask it. */
function normalise(frame: string): string {
  return frame
    .replace(/(\$8\r\nredirect\r\n:)\d+/g, '$1*')
    .replace(/(\$2\r\nid\r\n:)\d+/g, '$1*')
    .replace(/(tracking-redir-broken\r\n:)\d+/g, '$1*');
}

/**
 * Run a multi-client script on one server and return, per client, every frame it received
 * (replies, invalidation pushes and messages, in order). After each step every open client
 * is synchronised with a PING carrying a unique marker, so whatever the step sent it has
 * arrived; the PING replies stay in the transcript.
 */
async function transcripts(port: number, clients: number, steps: Step[]): Promise<string[][]> {
  const cs = await Promise.all(Array.from({ length: clients }, () => RawClient.connect(port)));
  const logs: string[][] = cs.map(() => []);
  const ids: string[] = [];
  let seq = 0;
  try {
    for (const c of cs) ids.push((await c.call('CLIENT', 'ID')).slice(1, -2));
    await cs[0].call('FLUSHALL');
    for (const step of steps) {
      if (step[0] === 'close') {
        cs[step[1]].close();
        await cs[step[1]].waitClosed();
      } else if (step[0] === 'sleep') {
        // No sync here: an expiry may be noticed by either the active cycle or the next read.
        await new Promise((r) => setTimeout(r, step[1]));
        continue;
      } else {
        const [i, ...commands] = step;
        let out = '';
        for (const argv of commands) out += command(...argv.map((a) => a.replace(/\{id:(\d+)\}/, (_m, n: string) => ids[Number(n)])));
        cs[i].write(out);
      }
      // The client that acted is synchronised first: its commands have then run before any
      // other client's PING arrives, on both servers alike.
      const actor = typeof step[0] === 'number' ? step[0] : 0;
      for (const i of [actor, ...cs.keys()].filter((k, n, all) => all.indexOf(k) === n)) {
        if (cs[i].closed) continue;
        const marker = `sync:${seq++}`;
        cs[i].write(command('PING', marker));
        for (;;) {
          const frame = await cs[i].read();
          logs[i].push(normalise(frame));
          if (frame.endsWith(`$${marker.length}\r\n${marker}\r\n`)) break;
        }
      }
    }
    return logs;
  } finally {
    for (const c of cs) c.close();
  }
}

describe('client tracking vs Redis 7.0', () => {
  const h = useCompat();

  async function same(clients: number, steps: Step[]): Promise<void> {
    const redis = await transcripts(h.redisPort(), clients, steps);
    const ferrous = await transcripts(h.ferrousPort(), clients, steps);
    expect(ferrous).toEqual(redis);
    // Every script must show at least one invalidation, or it tests nothing about them.
    expect(redis.flat().join('')).toMatch(/invalidate|tracking-redir-broken/);
  }

  test('option validation and the error texts', async () => {
    await h.same(
      ['CLIENT', 'TRACKING'],
      ['CLIENT', 'TRACKING', 'maybe'],
      ['CLIENT', 'TRACKING', 'on', 'redirect', 'abc'],
      ['CLIENT', 'TRACKING', 'on', 'redirect', '999999'],
      ['CLIENT', 'TRACKING', 'on', 'redirect'],
      ['CLIENT', 'TRACKING', 'on', 'prefix', 'a'],
      ['CLIENT', 'TRACKING', 'on', 'prefix'],
      ['CLIENT', 'TRACKING', 'on', 'optin', 'optout'],
      ['CLIENT', 'TRACKING', 'on', 'bcast', 'optin'],
      ['CLIENT', 'TRACKING', 'on', 'bcast', 'prefix', 'a', 'prefix', 'ab'],
      ['CLIENT', 'TRACKING', 'on', 'bcast', 'prefix', 'ab', 'prefix', 'a'],
      ['CLIENT', 'TRACKING', 'on', 'bogus'],
      ['CLIENT', 'TRACKING', 'off', 'bogus'],
      ['CLIENT', 'CACHING', 'yes'],
      ['CLIENT', 'CACHING'],
      ['CLIENT', 'GETREDIR'],
      ['CLIENT', 'GETREDIR', 'x'],
      ['CLIENT', 'TRACKINGINFO'],
      ['CLIENT', 'TRACKINGINFO', 'x'],
      ['CLIENT', 'TRACKING', 'on', 'bcast', 'prefix', 'a', 'prefix', 'b'],
      ['CLIENT', 'TRACKINGINFO'],
      ['CLIENT', 'TRACKING', 'on', 'bcast', 'prefix', 'a'],
      ['CLIENT', 'TRACKING', 'on', 'bcast', 'prefix', 'bc'],
      ['CLIENT', 'TRACKING', 'on'],
      ['CLIENT', 'TRACKING', 'on', 'BCAST', 'PREFIX', 'c'],
      ['CLIENT', 'TRACKING', 'on', 'bcast'],
      ['CLIENT', 'TRACKINGINFO'],
      ['CLIENT', 'CACHING', 'yes'],
      ['CLIENT', 'CACHING', 'no'],
      ['CLIENT', 'CACHING', 'maybe'],
      ['CLIENT', 'TRACKING', 'off'],
      ['CLIENT', 'GETREDIR'],
      ['CLIENT', 'TRACKING', 'on', 'optin'],
      ['CLIENT', 'TRACKING', 'on', 'optout'],
      ['CLIENT', 'CACHING', 'no'],
      ['CLIENT', 'CACHING', 'yes'],
      ['CLIENT', 'TRACKINGINFO'],
      ['CLIENT', 'TRACKING', 'on', 'optin', 'noloop'],
      ['CLIENT', 'TRACKINGINFO'],
      ['CLIENT', 'TRACKING', 'on', 'bcast'],
      ['CLIENT', 'GETREDIR'],
    );
  });

  test('TRACKINGINFO over RESP3 is a map with a set of flags', async () => {
    await h.same3(
      ['CLIENT', 'TRACKINGINFO'],
      ['CLIENT', 'TRACKING', 'on', 'optout', 'noloop'],
      ['CLIENT', 'CACHING', 'no'],
      ['CLIENT', 'TRACKINGINFO'],
    );
  });

  test('default mode: one invalidation per key read, after the reply for own writes', async () => {
    await same(2, [
      [0, ['HELLO', '3'], ['CLIENT', 'TRACKING', 'on']],
      [0, ['GET', 'k'], ['MGET', 'k', 'k2', 'k']],
      [1, ['SET', 'k', '1']],
      [1, ['SET', 'k', '2']],
      [0, ['GET', 'k'], ['SET', 'k', '3'], ['GET', 'k']],
      [1, ['SELECT', '1'], ['SET', 'k', 'other-db']],
      [0, ['HSET', 'h', 'f', 'v'], ['GET', 'h']],
      [1, ['SELECT', '0'], ['DEL', 'h', 'k2']],
      [0, ['GET', 'w'], ['MULTI'], ['SET', 'w', '1'], ['GET', 'w'], ['SET', 'x', '1'], ['EXEC']],
      [1, ['INCR', 'w']],
      [0, ['GET', 'k']],
      [1, ['FLUSHDB']],
      [0, ['FLUSHALL']],
    ]);
  });

  test('NOLOOP, OPTIN and OPTOUT', async () => {
    await same(2, [
      [0, ['HELLO', '3'], ['CLIENT', 'TRACKING', 'on', 'noloop']],
      [0, ['GET', 'a'], ['SET', 'a', '1'], ['GET', 'a']],
      [1, ['SET', 'a', '2']],
      [0, ['GET', 'a'], ['FLUSHALL']],
      [0, ['CLIENT', 'TRACKING', 'off'], ['CLIENT', 'TRACKING', 'on', 'optin']],
      [0, ['GET', 'o1'], ['CLIENT', 'CACHING', 'yes'], ['CLIENT', 'GETNAME'], ['GET', 'o2'], ['GET', 'o3']],
      [1, ['MSET', 'o1', '1', 'o2', '1', 'o3', '1']],
      [0, ['CLIENT', 'CACHING', 'yes'], ['MULTI'], ['GET', 'o1'], ['GET', 'o2'], ['EXEC'], ['GET', 'o3']],
      [1, ['MSET', 'o1', '1', 'o2', '1', 'o3', '1']],
      [0, ['CLIENT', 'CACHING', 'yes'], ['NOSUCHCOMMAND'], ['GET', 'o1']],
      [0, ['CLIENT', 'CACHING', 'yes'], ['CLIENT', 'CACHING'], ['GET', 'o2']],
      [1, ['MSET', 'o1', '1', 'o2', '1']],
      [0, ['CLIENT', 'TRACKING', 'off'], ['CLIENT', 'TRACKING', 'on', 'optout']],
      [0, ['GET', 'o1'], ['CLIENT', 'CACHING', 'no'], ['GET', 'o2'], ['GET', 'o3']],
      [1, ['MSET', 'o1', '1', 'o2', '1', 'o3', '1']],
    ]);
  });

  test('BCAST: keys batched per prefix, sorted, NOLOOP filtering', async () => {
    await same(3, [
      [0, ['HELLO', '3'], ['CLIENT', 'TRACKING', 'on', 'bcast', 'prefix', 'p:', 'prefix', 'q']],
      [2, ['HELLO', '3'], ['CLIENT', 'TRACKING', 'on', 'bcast', 'noloop']],
      [1, ['SET', 'p:2', 'x'], ['SET', 'p:1', 'x'], ['SET', 'q', '1'], ['SET', 'p:2', 'y'], ['SET', 'z', '1']],
      [0, ['SET', 'p:3', '1'], ['GET', 'zz']],
      [2, ['SET', 'a1', '1'], ['SET', 'a2', '1'], ['SET', 'p:9', '1']],
      [1, ['SET', 'zz', '1']],
      [0, ['CLIENT', 'TRACKINGINFO']],
      [1, ['FLUSHALL']],
    ]);
  });

  test('REDIRECT to a RESP2 subscriber, to a RESP3 client, and a broken redirect', async () => {
    await same(4, [
      [2, ['SUBSCRIBE', '__redis__:invalidate']],
      [0, ['CLIENT', 'TRACKING', 'on', 'redirect', '{id:2}', 'redirect', '{id:2}']],
      [0, ['CLIENT', 'TRACKING', 'on', 'redirect', '{id:2}'], ['GET', 'k'], ['CLIENT', 'TRACKINGINFO']],
      [1, ['SET', 'k', '1']],
      [1, ['FLUSHALL']],
      [0, ['GET', 'k'], ['SET', 'k', '1'], ['FLUSHALL']],
      [0, ['HELLO', '3']],
      [1, ['FLUSHALL']],
      [0, ['HELLO', '2']],
      [3, ['HELLO', '3']],
      [0, ['CLIENT', 'TRACKING', 'on', 'redirect', '{id:3}'], ['GET', 'k']],
      [1, ['SET', 'k', '2']],
      ['close', 3],
      [0, ['GET', 'k'], ['CLIENT', 'TRACKINGINFO']],
      [1, ['SET', 'k', '3']],
      [0, ['CLIENT', 'TRACKINGINFO'], ['HELLO', '3'], ['GET', 'k']],
      [1, ['SET', 'k', '4']],
      [1, ['FLUSHALL']],
    ]);
  });

  test('a key that expires is invalidated', async () => {
    await same(2, [
      [0, ['HELLO', '3'], ['CLIENT', 'TRACKING', 'on']],
      // One write: the GET reads the key before its 30 ms pass, however slow the round trips.
      [0, ['SET', 'e', 'v', 'PX', '30'], ['GET', 'e']],
      ['sleep', 120],
      [1, ['GET', 'e']],
    ]);
  });

  test('scripts: a read inside a script tracks the keys the script declared; a script that only writes tracks nothing; NOLOOP covers its writes', async () => {
    const readK = "return redis.call('GET', KEYS[1])";
    await same(2, [
      [0, ['HELLO', '3'], ['CLIENT', 'TRACKING', 'ON']],
      [0, ['EVAL', readK, '1', 'k1'], ['EVAL', "return redis.call('GET', 'undeclared')", '0'], ['EVAL', "redis.call('SET', KEYS[1], 'x') return 1", '1', 'k2']],
      [0, ['EVAL', "redis.call('GET', KEYS[1]) redis.call('SET', KEYS[2], 'x') return 1", '2', 'k3', 'k4']],
      [0, ['EVAL_RO', readK, '1', 'k5'], ['FUNCTION', 'LOAD', 'REPLACE', "#!lua name=trk\nredis.register_function{function_name='rd', callback=function(keys) return redis.call('GET', keys[1]) end, flags={'no-writes'}}"]],
      [0, ['FCALL', 'rd', '1', 'k6'], ['FCALL_RO', 'rd', '1', 'k7']],
      [1, ['SET', 'k1', 'y'], ['SET', 'undeclared', 'y'], ['SET', 'k2', 'y'], ['SET', 'k3', 'y'], ['SET', 'k4', 'y']],
      [1, ['SET', 'k5', 'y'], ['SET', 'k6', 'y'], ['SET', 'k7', 'y']],
      [0, ['CLIENT', 'TRACKING', 'OFF'], ['CLIENT', 'TRACKING', 'ON', 'NOLOOP'], ['GET', 'n1'], ['EVAL', "redis.call('SET', KEYS[1], 'z') return 1", '1', 'n1']],
      [0, ['GET', 'n1']],
      [1, ['SET', 'n1', 'q']],
      [0, ['CLIENT', 'TRACKING', 'OFF'], ['CLIENT', 'TRACKING', 'ON', 'OPTIN'], ['EVAL', readK, '1', 'o1'], ['CLIENT', 'CACHING', 'YES'], ['EVAL', readK, '1', 'o2']],
      [1, ['SET', 'o1', 'v'], ['SET', 'o2', 'v']],
    ]);
  });

  test('a blocked BLMOVE that a push serves gets its reply before its invalidations, and the pusher after its own', async () => {
    // The transcripts harness syncs every client after each step, which a parked client cannot do.
    async function run(port: number): Promise<string[][]> {
      const [a, b, ctl] = await Promise.all([RawClient.connect(port), RawClient.connect(port), RawClient.connect(port)]);
      try {
        for (const c of [a, b]) {
          await c.call('HELLO', '3');
          await c.call('CLIENT', 'TRACKING', 'ON');
        }
        await a.call('DEL', 'src', 'dst');
        await a.call('GET', 'dst');
        await a.call('GET', 'src');
        await b.call('GET', 'src');
        const aId = await a.id();
        a.write(command('BLMOVE', 'src', 'dst', 'LEFT', 'RIGHT', '0'));
        await waitParked(ctl, aId);
        b.write(command('LPUSH', 'src', 'x') + command('PING', 'b-done'));
        const frames: string[][] = [[], []];
        for (const [i, c, marker] of [[0, a, 'a-done'], [1, b, 'b-done']] as const) {
          if (i === 0) c.write(command('PING', marker));
          for (;;) {
            const f = await c.read();
            frames[i].push(f);
            if (f.includes(marker)) break;
          }
        }
        return frames;
      } finally {
        a.close();
        b.close();
        ctl.close();
      }
    }
    const redis = await run(h.redisPort());
    // Redis: the push's invalidation of src first (someone else's write), then the reply, then dst (its own move).
    expect(redis[0].slice(0, 3)).toEqual(['>2\r\n$10\r\ninvalidate\r\n*1\r\n$3\r\nsrc\r\n', '$1\r\nx\r\n', '>2\r\n$10\r\ninvalidate\r\n*1\r\n$3\r\ndst\r\n']);
    expect(await run(h.ferrousPort())).toEqual(redis);
  });

  test("an eviction's invalidation reaches the evicting client before its command's reply", async () => {
    const MB = 1024 * 1024;
    async function run(port: number): Promise<string[]> {
      const [ctl, t] = await Promise.all([RawClient.connect(port), RawClient.connect(port)]);
      try {
        await ctl.call('FLUSHALL');
        await ctl.call('CONFIG', 'SET', 'maxmemory-policy', 'volatile-ttl');
        // The only key that may be evicted, tracked by t. Short requests and replies only: no
        // client buffer of a megabyte may count in used_memory when it is read below.
        await ctl.call('SETRANGE', 'k1', String(MB - 1), 'x');
        await ctl.call('EXPIRE', 'k1', '1000');
        await t.call('HELLO', '3');
        await t.call('CLIENT', 'TRACKING', 'ON');
        await t.call('STRLEN', 'k1');
        const used = Number(/used_memory:(\d+)/.exec(await ctl.call('INFO', 'memory'))![1]);
        await ctl.call('CONFIG', 'SET', 'maxmemory', String(used + MB));
        // A short request that leaves the server 0.5 MB over its limit (a long one would count in
        // Redis's memory and evict at once): the next write must first evict k1.
        const grown = await ctl.call('SETRANGE', 'big', String(1.5 * MB), 'y');
        t.write(command('SET', 'small', 'v') + command('PING', 't-done'));
        const frames: string[] = [];
        for (;;) {
          const f = await t.read();
          frames.push(f);
          if (f.includes('t-done')) break;
        }
        return [grown, ...frames, await ctl.call('EXISTS', 'k1', 'big', 'small')];
      } finally {
        await ctl.call('CONFIG', 'SET', 'maxmemory', '0');
        await ctl.call('CONFIG', 'SET', 'maxmemory-policy', 'noeviction');
        ctl.close();
        t.close();
      }
    }
    const redis = await run(h.redisPort());
    expect(redis).toEqual([`:${1.5 * MB + 1}\r\n`, '>2\r\n$10\r\ninvalidate\r\n*1\r\n$2\r\nk1\r\n', '+OK\r\n', '$6\r\nt-done\r\n', ':2\r\n']);
    expect(await run(h.ferrousPort())).toEqual(redis);
  });
});
