import { decode } from '../helpers/resp-reader';
import { useCompat } from '../helpers/compat';
import { waitFor } from '../helpers/fixtures';
import { RawClient } from '../helpers/raw-client';

const BIN = ['\x00', 'a\r\nb', '\xff\xfe'];

describe('compat: generic keyspace commands', () => {
  const h = useCompat();

  it('DEL, UNLINK, EXISTS, TOUCH, TYPE', async () => {
    await h.same(
      ['SET', 'a', '1'],
      ['SET', 'b', '2'],
      ['EXISTS', 'a', 'a', 'b', 'c'],
      ['TOUCH', 'a', 'c', 'b'],
      ['TYPE', 'a'],
      ['TYPE', 'c'],
      ['DEL', 'a', 'a', 'c'],
      ['UNLINK', 'b', 'b'],
      ['EXISTS', 'a', 'b'],
      ['DEL'],
      ['UNLINK'],
      ['EXISTS'],
      ['TOUCH'],
      ['TYPE'],
      ['TYPE', 'a', 'b'],
    );
  });

  it('binary keys through every command', async () => {
    const cmds: string[][] = [];
    for (const k of BIN) {
      cmds.push(
        ['SET', k, k],
        ['EXISTS', k],
        ['TYPE', k],
        ['EXPIRE', k, '100'],
        ['TTL', k],
        ['PERSIST', k],
        ['PTTL', k],
        ['OBJECT', 'ENCODING', k],
        ['COPY', k, `${k}copy`],
        ['RENAME', `${k}copy`, `${k}\x00renamed`],
        ['RENAMENX', `${k}\x00renamed`, k],
        ['GET', `${k}\x00renamed`],
        ['KEYS', `${k}*renamed`],
        ['MOVE', `${k}\x00renamed`, '5'],
        ['TOUCH', k],
        ['DEL', k],
        ['EXISTS', k, `${k}\x00renamed`],
      );
    }
    await h.same(...cmds);
  });

  it('EXPIRE family and the TTL readers', async () => {
    await h.same(
      ['SET', 'k', 'v'],
      ['TTL', 'k'],
      ['PTTL', 'k'],
      ['EXPIRETIME', 'k'],
      ['PEXPIRETIME', 'k'],
      ['TTL', 'nokey'],
      ['PEXPIRETIME', 'nokey'],
      ['EXPIRE', 'k', '1000'],
      ['TTL', 'k'],
      ['EXPIREAT', 'k', '4000000000'],
      ['EXPIRETIME', 'k'],
      ['PEXPIRETIME', 'k'],
      ['PEXPIREAT', 'k', '4000000000123'],
      ['PEXPIRETIME', 'k'],
      ['EXPIRETIME', 'k'],
      ['PEXPIREAT', 'k', '9223372036854775807'],
      ['PEXPIRETIME', 'k'],
      ['EXPIRETIME', 'k'],
      ['PERSIST', 'k'],
      ['PERSIST', 'k'],
      ['PERSIST', 'nokey'],
      ['EXPIRE', 'nokey', '10'],
      ['EXPIRE', 'k', '-10'],
      ['EXISTS', 'k'],
      ['SET', 'k', 'v'],
      ['PEXPIREAT', 'k', '0'],
      ['EXISTS', 'k'],
      ['SET', 'k', 'v'],
      ['EXPIREAT', 'k', '-9223372036854775'],
      ['EXISTS', 'k'],
    );
  });

  it('NX / XX / GT / LT', async () => {
    await h.same(
      ['SET', 'k', 'v'],
      ['EXPIRE', 'k', '100', 'XX'],
      ['EXPIRE', 'k', '100', 'GT'],
      ['EXPIRE', 'k', '100', 'LT'],
      ['TTL', 'k'],
      ['EXPIRE', 'k', '200', 'NX'],
      ['EXPIRE', 'k', '200', 'xx'],
      ['TTL', 'k'],
      ['EXPIRE', 'k', '100', 'GT'],
      ['EXPIRE', 'k', '300', 'GT'],
      ['EXPIRE', 'k', '400', 'LT'],
      ['EXPIRE', 'k', '50', 'XX', 'LT'],
      ['TTL', 'k'],
      ['PEXPIRE', 'k', '60000', 'GT', 'XX'],
      ['PEXPIRE', 'k', '40000', 'GT'],
      ['EXPIRE', 'k', '-1', 'GT'],
      ['EXPIRE', 'k', '-1', 'LT'],
      ['EXISTS', 'k'],
      ['SET', 'p', 'v'],
      ['EXPIRE', 'p', '100', 'NX'],
      ['TTL', 'p'],
      ['EXPIRE', 'nokey', '100', 'NX'],
    );
  });

  it('EXPIRE errors', async () => {
    await h.same(
      ['SET', 'k', 'v'],
      ['EXPIRE', 'k', '10', 'NX', 'XX'],
      ['EXPIRE', 'k', '10', 'NX', 'GT'],
      ['EXPIRE', 'k', '10', 'LT', 'NX'],
      ['EXPIRE', 'k', '10', 'GT', 'LT'],
      ['EXPIRE', 'k', '10', 'GT', 'GT'],
      ['EXPIRE', 'k', '10', 'foo'],
      ['EXPIRE', 'k', '10', 'NX', 'foo'],
      ['EXPIRE', 'k', 'abc'],
      ['EXPIRE', 'k', 'abc', 'foo'],
      ['EXPIRE', 'k', ''],
      ['EXPIRE', 'k', ' 10'],
      ['EXPIRE', 'k', '1.5'],
      ['EXPIRE', 'k', '+10'],
      ['EXPIRE', 'k', '9223372036854775808'],
      ['EXPIRE', 'k', '9223372036854775807'],
      ['EXPIRE', 'k', '-9223372036854775808'],
      ['EXPIREAT', 'k', '9223372036854776'],
      ['PEXPIRE', 'k', '9223372036854775807'],
      ['PEXPIREAT', 'k', 'x'],
      ['EXPIRE', 'nokey', '9223372036854775807'],
      ['EXPIRE', 'k'],
      ['PEXPIRE'],
      ['EXPIREAT', 'k'],
      ['PEXPIREAT', 'k'],
      ['TTL'],
      ['PTTL', 'a', 'b'],
      ['EXPIRETIME'],
      ['PEXPIRETIME', 'a', 'b'],
      ['PERSIST'],
      ['TTL', 'k'],
    );
  });

  it('RENAME and RENAMENX', async () => {
    await h.same(
      ['RENAME', 'nokey', 'x'],
      ['RENAMENX', 'nokey', 'x'],
      ['RENAME', 'nokey', 'nokey'],
      ['SET', 'a', '1'],
      ['SET', 'b', '2'],
      ['EXPIRE', 'a', '100'],
      ['RENAME', 'a', 'a'],
      ['RENAMENX', 'a', 'a'],
      ['RENAMENX', 'a', 'b'],
      ['RENAME', 'a', 'b'],
      ['GET', 'b'],
      ['TTL', 'b'],
      ['EXISTS', 'a'],
      ['SET', 'c', '3'],
      ['RENAME', 'c', 'b'],
      ['TTL', 'b'],
      ['RENAMENX', 'b', 'd'],
      ['GET', 'd'],
      ['RENAME', 'a'],
      ['RENAMENX', 'a', 'b', 'c'],
    );
  });

  it('MOVE, COPY and SWAPDB', async () => {
    await h.same(
      ['SET', 'k', 'v'],
      ['EXPIRE', 'k', '100'],
      ['MOVE', 'k', '0'],
      ['MOVE', 'k', '16'],
      ['MOVE', 'k', '-1'],
      ['MOVE', 'k', 'x'],
      ['MOVE', 'k', '99999999999'],
      ['MOVE', 'k', '-2147483649'],
      ['SWAPDB', '99999999999', '0'],
      ['SWAPDB', '0', '-99999999999'],
      ['COPY', 'k', 'c', 'DB', '99999999999'],
      ['MOVE', 'nokey', '1'],
      ['MOVE', 'k', '1'],
      ['EXISTS', 'k'],
      ['SET', 'k', 'again'],
      ['MOVE', 'k', '1'],
      ['SWAPDB', '0', '1'],
      ['GET', 'k'],
      ['TTL', 'k'],
      ['SWAPDB', '1', '0'],
      ['GET', 'k'],
      ['COPY', 'k', 'k'],
      ['COPY', 'k', 'k', 'DB', '0'],
      ['COPY', 'k', 'c', 'DB', '16'],
      ['COPY', 'k', 'c', 'DB', 'x'],
      ['COPY', 'k', 'c', 'DB'],
      ['COPY', 'k', 'c', 'foo'],
      ['COPY', 'nokey', 'c'],
      ['COPY', 'k', 'c'],
      ['COPY', 'k', 'c'],
      ['SET', 'k', 'new'],
      ['COPY', 'k', 'c', 'REPLACE'],
      ['GET', 'c'],
      ['COPY', 'k', 'k', 'DB', '2', 'replace'],
      ['SWAPDB', '0', '2'],
      ['GET', 'k'],
      ['EXISTS', 'c'],
      ['SWAPDB', '0', '0'],
      ['SWAPDB', 'a', '1'],
      ['SWAPDB', '1', 'a'],
      ['SWAPDB', '0', '16'],
      ['SWAPDB', '0'],
      ['MOVE', 'k'],
      ['COPY', 'k'],
    );
  });

  it('OBJECT subcommands', async () => {
    await h.same(
      ['SET', 'i', '123'],
      ['SET', 'big', '123456'],
      ['SET', 'neg', '-5'],
      ['SET', 'e', 'hello'],
      ['SET', 'r', 'x'.repeat(60)],
      ['OBJECT', 'ENCODING', 'i'],
      ['OBJECT', 'ENCODING', 'big'],
      ['OBJECT', 'ENCODING', 'e'],
      ['OBJECT', 'ENCODING', 'r'],
      ['OBJECT', 'ENCODING', 'nokey'],
      ['OBJECT', 'REFCOUNT', 'i'],
      ['OBJECT', 'REFCOUNT', 'big'],
      ['OBJECT', 'REFCOUNT', 'neg'],
      ['OBJECT', 'REFCOUNT', 'e'],
      ['OBJECT', 'REFCOUNT', 'nokey'],
      ['OBJECT', 'IDLETIME', 'nokey'],
      ['OBJECT', 'FREQ', 'i'],
      ['OBJECT', 'FREQ', 'nokey'],
      ['OBJECT', 'HELP'],
      ['object', 'help'],
      ['OBJECT'],
      ['OBJECT', 'ENCODING'],
      ['OBJECT', 'HELP', 'x'],
      ['OBJECT', 'NOPE'],
      ['OBJECT', 'NOPE', 'k'],
    );
  });

  it('SCAN and KEYS errors and small replies', async () => {
    await h.same(
      ['SCAN', '0'],
      ['SCAN', 'abc'],
      ['SCAN', ' 1'],
      ['SCAN', '-'],
      ['SCAN', '18446744073709551616'],
      ['SCAN', '0', 'COUNT', '0'],
      ['SCAN', '0', 'COUNT', '-1'],
      ['SCAN', '0', 'COUNT', 'x'],
      ['SCAN', '0', 'COUNT'],
      ['SCAN', '0', 'MATCH'],
      ['SCAN', '0', 'TYPE'],
      ['SCAN', '0', 'FOO', 'bar'],
      ['SCAN', 'x', 'FOO'],
      ['SCAN'],
      ['SET', 'only', '1'],
      ['SCAN', '0'],
      ['SCAN', '0', 'MATCH', 'o*', 'COUNT', '100', 'TYPE', 'string'],
      ['SCAN', '0', 'TYPE', 'STRING'],
      ['SCAN', '0', 'TYPE', 'list'],
      ['SCAN', '0', 'MATCH', 'x*'],
      ['KEYS', '*'],
      ['KEYS', 'o?ly'],
      ['KEYS', 'x'],
      ['KEYS'],
      ['RANDOMKEY'],
      ['DEL', 'only'],
      ['RANDOMKEY'],
      ['RANDOMKEY', 'x'],
    );
  });

  it('KEYS and a full SCAN return the same key sets as Redis', async () => {
    const setup: string[][] = [];
    for (let i = 0; i < 120; i++) setup.push(['SET', `user:${i}`, String(i)]);
    setup.push(['SET', 'h\x00llo', '1'], ['SET', 'hallo', '1'], ['SET', 'hxllo', '1'], ['SET', '[x]', '1']);
    const patterns = ['*', 'user:1*', 'h?llo', 'h[a-x]llo', 'h[^a]llo', 'user:[0-2]?', '\\[x\\]', 'user:*0', '*[', ''];
    const { ferrous, redis } = await h.both([
      ...setup,
      ...patterns.map((p) => ['KEYS', p]),
      ['SCAN', '0', 'COUNT', '1000'],
      ['SCAN', '0', 'COUNT', '1000', 'MATCH', 'user:1*'],
    ]);
    const sorted = (raw: string): unknown => {
      const v = decode(raw) as unknown[];
      return Array.isArray(v[1]) ? [v[0], (v[1] as string[]).sort()] : (v as string[]).sort();
    };
    const n = setup.length;
    expect(ferrous.slice(0, n)).toEqual(redis.slice(0, n));
    expect(ferrous.slice(n).map(sorted)).toEqual(redis.slice(n).map(sorted));
  });

  it('RESP3 replies', async () => {
    await h.same3(
      ['SET', 'k', '100'],
      ['TYPE', 'k'],
      ['TYPE', 'nokey'],
      ['TTL', 'k'],
      ['EXISTS', 'k', 'nokey'],
      ['OBJECT', 'ENCODING', 'k'],
      ['OBJECT', 'ENCODING', 'nokey'],
      ['OBJECT', 'REFCOUNT', 'nokey'],
      ['OBJECT', 'IDLETIME', 'nokey'],
      ['OBJECT', 'HELP'],
      ['SCAN', '0'],
      ['KEYS', '*'],
      ['RENAME', 'k', 'j'],
      ['RANDOMKEY'],
      ['DEL', 'j'],
      ['RANDOMKEY'],
      ['SCAN', '0', 'COUNT', '0'],
    );
  });

  it('MOVE and COPY seen from the other database with SELECT', async () => {
    await h.same(
      ['SET', 'k', 'v'],
      ['PEXPIREAT', 'k', '4000000000000'],
      ['COPY', 'k', 'c', 'DB', '3'],
      ['MOVE', 'k', '3'],
      ['SELECT', '3'],
      ['PEXPIRETIME', 'k'],
      ['PEXPIRETIME', 'c'],
      ['MOVE', 'k', '0'],
      ['MOVE', 'c', '3'],
      ['COPY', 'c', 'k', 'DB', '0'],
      ['COPY', 'c', 'k', 'DB', '0', 'REPLACE'],
      ['SELECT', '0'],
      ['GET', 'k'],
      ['PEXPIRETIME', 'k'],
      ['SWAPDB', '0', '3'],
      ['KEYS', '*'],
      ['SELECT', '3'],
      ['DBSIZE'],
    );
  });

  it('UNLINK, lazy DEL and the ASYNC flushes: lazyfreed_objects counts what Redis frees off the command path, CONFIG RESETSTAT clears it', async () => {
    /** Each step's change of lazyfreed_objects, read once nothing is pending any more. */
    const deltas = async (port: number): Promise<Record<string, number>> => {
      const c = await RawClient.connect(port);
      const field = async (name: string) => {
        const info = decode(await c.call('INFO', 'memory')) as string;
        return Number(new RegExp(`^${name}:(\\d+)`, 'm').exec(info)![1]);
      };
      // The freeing thread lowers the pending count just before it raises the freed count: read until both are still.
      const settled = async () => {
        let last = -1;
        await waitFor(async () => {
          const freed = await field('lazyfreed_objects');
          const still = (await field('lazyfree_pending_objects')) === 0 && freed === last;
          last = freed;
          return still;
        }, 'the lazy frees to finish');
        return last;
      };
      const many = (n: number, item: (i: number) => string) => Array.from({ length: n }, (_, i) => item(i));
      const steps: Array<[string, string[][]]> = [
        ['list of 1000 small items (one quicklist node)', [['RPUSH', 'l', ...many(1000, String)], ['UNLINK', 'l']]],
        ['list of 100 items of 10 KB (100 nodes)', [['RPUSH', 'l', ...many(100, (i) => `${i}${'z'.repeat(10 * 1024)}`)], ['UNLINK', 'l']]],
        ['hash table set of 1000 members', [['SADD', 's', ...many(1000, (i) => `m${i}`)], ['UNLINK', 's']]],
        ['intset and listpack hash', [['SADD', 'i', ...many(300, String)], ['HSET', 'h', 'f', 'v'], ['UNLINK', 'i', 'h']]],
        ['skiplist sorted set', [['ZADD', 'z', ...many(200, (i) => `${i} m${i}`).flatMap((p) => p.split(' '))], ['UNLINK', 'z']]],
        ['DEL of a large set, lazyfree-lazy-user-del off', [['SADD', 's', ...many(1000, (i) => `m${i}`)], ['DEL', 's']]],
        ['DEL of a large set, lazyfree-lazy-user-del on', [['CONFIG', 'SET', 'lazyfree-lazy-user-del', 'yes'], ['SADD', 's', ...many(1000, (i) => `m${i}`)], ['DEL', 's'], ['CONFIG', 'SET', 'lazyfree-lazy-user-del', 'no']]],
        ['FLUSHDB ASYNC of six keys', [['MSET', 'a', '1', 'b', '2', 'c', '3', 'd', '4', 'e', '5'], ['SADD', 's', ...many(200, (i) => `m${i}`)], ['FLUSHDB', 'ASYNC']]],
        ['FLUSHALL ASYNC of three keys', [['MSET', 'a', '1', 'b', '2', 'c', '3'], ['FLUSHALL', 'ASYNC']]],
        ['FLUSHALL SYNC', [['MSET', 'a', '1', 'b', '2'], ['FLUSHALL', 'SYNC']]],
        ['CONFIG RESETSTAT', [['CONFIG', 'RESETSTAT']]],
      ];
      try {
        await c.call('FLUSHALL', 'SYNC');
        let before = await settled();
        const out: Record<string, number> = {};
        for (const [name, cmds] of steps) {
          for (const cmd of cmds) await c.call(...cmd);
          const after = await settled();
          out[name] = after - before;
          before = after;
        }
        out.total = before;
        return out;
      } finally {
        c.close();
      }
    };
    const redis = await deltas(h.redisPort());
    expect(redis).toMatchObject({ 'list of 1000 small items (one quicklist node)': 0, 'list of 100 items of 10 KB (100 nodes)': 1, 'FLUSHDB ASYNC of six keys': 6, total: 0 });
    expect(await deltas(h.ferrousPort())).toEqual(redis);
  }, 60_000);
});
