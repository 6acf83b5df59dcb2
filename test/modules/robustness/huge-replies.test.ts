import { MAX_REPLY_COUNT } from '../../../kernel';
import type { Ferrous } from '../../../kernel/bootstrap';
import { RawClient } from '../../helpers/raw-client';
import { startTestServer } from '../../helpers/server';

const TOO_LARGE = `-ERR value is out of range, Ferrous replies with at most ${MAX_REPLY_COUNT} elements\r\n`;

/**
 * Counts and ranges a client chooses must not make the server build a reply that exhausts the
 * heap (a crash no handler can catch): Redis 7.0 would stream billions of elements here.
 */
describe('client-chosen reply sizes', () => {
  let ferrous: Ferrous;
  let c: RawClient;

  beforeAll(async () => {
    ferrous = await startTestServer();
    c = await RawClient.connect(ferrous.port);
    await c.call('SADD', 'set', 'a', 'b', 'c');
    await c.call('ZADD', 'zset', '1', 'a', '2', 'b');
    await c.call('RPUSH', 'list', 'a', 'b', 'a');
    await c.call('HSET', 'hash', 'f', 'v', 'g', 'w');
    await c.call('SET', 'canary', 'alive');
  });
  afterAll(async () => {
    c?.close();
    await ferrous?.close();
  });

  it('refuses SRANDMEMBER, ZRANDMEMBER and HRANDFIELD picks beyond the reply limit, as Redis refuses INT64_MIN', async () => {
    for (const n of ['-2000000000', '-4294967296', '-9223372036854775807', `-${MAX_REPLY_COUNT + 1}`]) {
      expect(await c.call('SRANDMEMBER', 'set', n)).toBe(TOO_LARGE);
      expect(await c.call('ZRANDMEMBER', 'zset', n)).toBe(TOO_LARGE);
      expect(await c.call('HRANDFIELD', 'hash', n)).toBe(TOO_LARGE);
    }
    expect(await c.call('HRANDFIELD', 'hash', '-2000000000', 'WITHVALUES')).toBe(TOO_LARGE);
    expect(await c.call('ZRANDMEMBER', 'zset', '-2000000000', 'WITHSCORES')).toBe(TOO_LARGE);
    expect(await c.call('SRANDMEMBER', 'set', '-9223372036854775808')).toBe(
      '-ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807\r\n',
    );
    // A missing key still answers an empty array, and positive counts stop at the set's size.
    expect(await c.call('SRANDMEMBER', 'nokey', '-2000000000')).toBe('*0\r\n');
    expect(await c.call('ZRANDMEMBER', 'nokey', '-2000000000')).toBe('*0\r\n');
    expect((await c.exec('SRANDMEMBER', 'set', '9223372036854775807')) as string[]).toHaveLength(3);
    expect((await c.exec('ZRANDMEMBER', 'zset', '2000000000', 'WITHSCORES')) as string[]).toHaveLength(4);
  });

  it('still serves large negative counts below the limit', async () => {
    const reply = (await c.exec('SRANDMEMBER', 'set', '-100000')) as string[];
    expect(reply).toHaveLength(100000);
    expect(new Set(reply)).toEqual(new Set(['a', 'b', 'c']));
  });

  it('clamps huge ranges and counts to the data', async () => {
    expect(await c.exec('LRANGE', 'list', '-9223372036854775808', '9223372036854775807')).toEqual(['a', 'b', 'a']);
    expect(await c.exec('LPOS', 'list', 'a', 'COUNT', '0', 'MAXLEN', '9223372036854775807')).toEqual([0, 2]);
    expect(await c.exec('LPOS', 'list', 'a', 'RANK', '-9223372036854775807', 'COUNT', '9223372036854775807')).toEqual([]);
    expect(await c.exec('ZRANGE', 'zset', '-', '+', 'BYLEX', 'LIMIT', '0', '9223372036854775807')).toEqual(['a', 'b']);
    expect(await c.exec('ZRANGE', 'zset', '-inf', '+inf', 'BYSCORE', 'LIMIT', '0', '9223372036854775807')).toEqual(['a', 'b']);
    expect(await c.exec('SPOP', 'set', '9223372036854775807')).toHaveLength(3);
  });

  it('refuses LCS tables beyond proto-max-bulk-len before allocating them', async () => {
    const big = 'x'.repeat(20000);
    await c.call('MSET', 'a', big, 'b', big);
    // 20001^2 cells of 4 bytes: 1.6 GB, over the 512 MB proto-max-bulk-len.
    expect(await c.call('LCS', 'a', 'b', 'LEN')).toBe('-ERR Insufficient memory, transient memory for LCS exceeds proto-max-bulk-len\r\n');
  });

  it('is still alive, with the data it had', async () => {
    expect(await c.call('PING')).toBe('+PONG\r\n');
    expect(await c.call('GET', 'canary')).toBe('$5\r\nalive\r\n');
    expect(ferrous.server.stats.handlerErrors).toBe(0);
  });
});
