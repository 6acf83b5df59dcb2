import { useCompat } from '../helpers/compat';

const BIN = 'a\x00b\r\nc\xff';
const LONG = 'x'.repeat(65);

/** A sorted set "z" with members a..e scored 1..5, plus a string key "s". */
const SEED = [
  ['ZADD', 'z', '1', 'a', '2', 'b', '3', 'c', '4', 'd', '5', 'e'],
  ['SET', 's', 'v'],
];

/** Members sharing one score, for lex ranges. */
const LEX = [['ZADD', 'l', '0', 'a', '0', 'b', '0', 'c', '0', 'd', '0', 'e', '0', 'f', '0', 'g']];

describe('sorted sets vs redis-server 7.0', () => {
  const h = useCompat();

  it('ZADD flags, replies and their conflicts', async () => {
    await h.same(
      ['ZADD', 'z', '1', 'a', '2', 'b'],
      ['ZADD', 'z', '1', 'a', '3', 'c'],
      ['ZADD', 'z', 'CH', '10', 'a', '3', 'c', '4', 'd'],
      ['ZADD', 'z', 'NX', '100', 'a', '5', 'e'],
      ['ZADD', 'z', 'XX', '100', 'a', '5', 'f'],
      ['ZADD', 'z', 'XX', 'CH', '101', 'a', '5', 'f'],
      ['ZADD', 'z', 'GT', 'CH', '1', 'a', '200', 'b', '7', 'g'],
      ['ZADD', 'z', 'LT', 'CH', '1', 'a', '300', 'b'],
      ['ZADD', 'z', 'gt', 'xx', 'ch', '500', 'a', '500', 'nope'],
      ['ZRANGE', 'z', '0', '-1', 'WITHSCORES'],
      ['ZADD', 'z', 'INCR', '5', 'a'],
      ['ZADD', 'z', 'INCR', 'NX', '5', 'a'],
      ['ZADD', 'z', 'INCR', 'XX', '5', 'missing'],
      ['ZADD', 'z', 'INCR', 'GT', '-1', 'a'],
      ['ZADD', 'z', 'INCR', 'LT', '-1', 'a'],
      ['ZADD', 'z', 'INCR', '1', 'a', '2', 'b'],
      ['ZADD', 'z', 'NX', 'XX', '1', 'a'],
      ['ZADD', 'z', 'NX', 'GT', '1', 'a'],
      ['ZADD', 'z', 'LT', 'NX', '1', 'a'],
      ['ZADD', 'z', 'GT', 'LT', '1', 'a'],
      ['ZADD', 'z', '1'],
      ['ZADD', 'z', '1', 'a', '2'],
      ['ZADD', 'z', 'CH'],
      ['ZADD', 'z', 'nan', 'a'],
      ['ZADD', 'z', 'abc', 'a'],
      ['ZADD', 'z', '1', 'a', 'x', 'b'],
      ['ZADD', 'z', ' 1', 'a'],
      ['ZADD', 'z', '1e400', 'a'],
      ['ZADD', 'z'],
      ['ZADD', 'z', '1'],
      ['ZADD', 'nokey', 'XX', '1', 'a'],
      ['ZADD', 'nokey', 'XX', 'INCR', '1', 'a'],
      ['EXISTS', 'nokey'],
      ['SET', 's', 'v'],
      ['ZADD', 's', '1', 'a'],
      ['ZADD', 's', 'NX', 'XX', '1', 'a'],
      ['ZADD', 's', 'x', 'a'],
    );
  });

  it('score parsing and formatting: inf, hex, exponents, -0, 1.1, NaN results', async () => {
    await h.same(
      ['ZADD', 'z', 'inf', 'a', '-inf', 'b', '+inf', 'c', '-INF', 'd', '1.1', 'e', '0x10', 'f', '1e3', 'g', '-0', 'h', '0.1', 'i'],
      ['ZADD', 'z', '3.0000000000000004', 'j', '1e-320', 'k', '123456789012345678', 'l', '.5', 'm', '5.', 'n'],
      ['ZRANGE', 'z', '0', '-1', 'WITHSCORES'],
      ['ZSCORE', 'z', 'e'],
      ['ZSCORE', 'z', 'h'],
      ['ZSCORE', 'z', 'a'],
      ['ZINCRBY', 'z', '-inf', 'a'],
      ['ZRANGE', 'z', '0', '0', 'WITHSCORES'],
      ['ZADD', 'z', 'INCR', '-inf', 'c'],
      ['ZINCRBY', 'z', 'inf', 'b'],
      ['ZINCRBY', 'z', '1.5', 'e'],
      ['ZINCRBY', 'z', '1', 'new'],
      ['ZINCRBY', 'z', 'x', 'new'],
      ['ZINCRBY', 'z', '1'],
      ['ZINCRBY', 's', '1', 'a'],
    );
  });

  it('ZADD/ZINCRBY/ZSCORE/ZMSCORE/ZCARD/ZREM on binary members and wrong types', async () => {
    await h.same(
      ...SEED,
      ['ZADD', 'z', '6', BIN, '7', ''],
      ['ZSCORE', 'z', BIN],
      ['ZSCORE', 'z', ''],
      ['ZSCORE', 'z', 'nope'],
      ['ZSCORE', 'nokey', 'a'],
      ['ZSCORE', 's', 'a'],
      ['ZSCORE', 'z'],
      ['ZMSCORE', 'z', 'a', 'nope', BIN],
      ['ZMSCORE', 'nokey', 'a', 'b'],
      ['ZMSCORE', 's', 'a'],
      ['ZMSCORE', 'z'],
      ['ZCARD', 'z'],
      ['ZCARD', 'nokey'],
      ['ZCARD', 's'],
      ['ZCARD'],
      ['ZREM', 'z', 'a', 'nope', 'a', BIN],
      ['ZREM', 'nokey', 'a'],
      ['ZREM', 's', 'a'],
      ['ZREM', 'z'],
      ['ZREM', 'z', 'b', 'c', 'd', 'e', ''],
      ['EXISTS', 'z'],
    );
  });

  it('ZRANK / ZREVRANK', async () => {
    await h.same(
      ...SEED,
      ['ZRANK', 'z', 'a'],
      ['ZRANK', 'z', 'e'],
      ['ZREVRANK', 'z', 'a'],
      ['ZREVRANK', 'z', 'e'],
      ['ZRANK', 'z', 'nope'],
      ['ZRANK', 'nokey', 'a'],
      ['ZRANK', 's', 'a'],
      ['ZREVRANK', 's', 'a'],
      ['ZRANK', 'z', 'a', 'WITHSCORE'],
      ['ZRANK', 'z'],
    );
  });

  it('ZRANGE by rank: negative, out-of-range and inverted indexes, REV, WITHSCORES', async () => {
    await h.same(
      ...SEED,
      ['ZRANGE', 'z', '0', '-1'],
      ['ZRANGE', 'z', '0', '-1', 'WITHSCORES'],
      ['ZRANGE', 'z', '1', '2', 'withscores'],
      ['ZRANGE', 'z', '-2', '-1'],
      ['ZRANGE', 'z', '-100', '100'],
      ['ZRANGE', 'z', '3', '1'],
      ['ZRANGE', 'z', '5', '10'],
      ['ZRANGE', 'z', '-1', '-2'],
      ['ZRANGE', 'z', '0', '0'],
      ['ZRANGE', 'z', '0', '9223372036854775807'],
      ['ZRANGE', 'z', '-9223372036854775808', '2'],
      ['ZRANGE', 'z', '0', '-1', 'REV'],
      ['ZRANGE', 'z', '1', '2', 'REV', 'WITHSCORES'],
      ['ZRANGE', 'z', '-2', '-1', 'rev'],
      ['ZREVRANGE', 'z', '0', '-1'],
      ['ZREVRANGE', 'z', '0', '1', 'WITHSCORES'],
      ['ZREVRANGE', 'z', '0', '1', 'REV'],
      ['ZRANGE', 'z', 'a', '1'],
      ['ZRANGE', 'z', '0', '1.5'],
      ['ZRANGE', 'z', '0', '1', 'LIMIT', '0', '1'],
      ['ZRANGE', 'z', '0', '1', 'FOO'],
      ['ZRANGE', 'z', '0', '1', 'LIMIT', '0'],
      ['ZRANGE', 'z', '0', '1', 'LIMIT', 'x', '1'],
      ['ZRANGE', 'nokey', '0', '-1'],
      ['ZRANGE', 'nokey', 'x', '-1'],
      ['ZRANGE', 's', '0', '-1'],
      ['ZRANGE', 'z', '0'],
      ['ZREVRANGE', 'z', '0', '1', 'LIMIT', '0', '1'],
    );
  });

  it('ZRANGE BYSCORE / ZRANGEBYSCORE / ZREVRANGEBYSCORE: exclusive bounds, infinities, LIMIT', async () => {
    await h.same(
      ...SEED,
      ['ZADD', 'z', 'inf', 'top', '-inf', 'bottom'],
      ['ZRANGEBYSCORE', 'z', '-inf', '+inf'],
      ['ZRANGEBYSCORE', 'z', '-inf', '+inf', 'WITHSCORES'],
      ['ZRANGEBYSCORE', 'z', '2', '4'],
      ['ZRANGEBYSCORE', 'z', '(2', '4'],
      ['ZRANGEBYSCORE', 'z', '2', '(4'],
      ['ZRANGEBYSCORE', 'z', '(2', '(4'],
      ['ZRANGEBYSCORE', 'z', '(2', '(2'],
      ['ZRANGEBYSCORE', 'z', '2', '2'],
      ['ZRANGEBYSCORE', 'z', '4', '2'],
      ['ZRANGEBYSCORE', 'z', '(-inf', '(inf'],
      ['ZRANGEBYSCORE', 'z', '-inf', '+inf', 'LIMIT', '1', '2'],
      ['ZRANGEBYSCORE', 'z', '-inf', '+inf', 'LIMIT', '1', '-1'],
      ['ZRANGEBYSCORE', 'z', '-inf', '+inf', 'LIMIT', '-1', '2'],
      ['ZRANGEBYSCORE', 'z', '-inf', '+inf', 'LIMIT', '0', '0'],
      ['ZRANGEBYSCORE', 'z', '-inf', '+inf', 'LIMIT', '6', '10'],
      ['ZRANGEBYSCORE', 'z', '-inf', '+inf', 'LIMIT', '7', '10'],
      ['ZRANGEBYSCORE', 'z', '-inf', '+inf', 'LIMIT', '100', '10'],
      ['ZRANGEBYSCORE', 'z', '2', '4', 'LIMIT', '2', '5', 'WITHSCORES'],
      ['ZRANGEBYSCORE', 'z', '2', '4', 'LIMIT', '3', '5'],
      ['ZREVRANGEBYSCORE', 'z', '+inf', '-inf'],
      ['ZREVRANGEBYSCORE', 'z', '4', '(2', 'WITHSCORES'],
      ['ZREVRANGEBYSCORE', 'z', '2', '4'],
      ['ZREVRANGEBYSCORE', 'z', '+inf', '-inf', 'LIMIT', '2', '3'],
      ['ZREVRANGEBYSCORE', 'z', '4', '1', 'LIMIT', '1', '1', 'WITHSCORES'],
      ['ZRANGE', 'z', '1', '3', 'BYSCORE'],
      ['ZRANGE', 'z', '3', '1', 'BYSCORE', 'REV'],
      ['ZRANGE', 'z', '(3', '(1', 'BYSCORE', 'REV', 'WITHSCORES', 'LIMIT', '0', '1'],
      ['ZRANGE', 'z', '-inf', 'inf', 'byscore', 'limit', '2', '2'],
      ['ZRANGEBYSCORE', 'z', ' 1', '3'],
      ['ZRANGEBYSCORE', 'z', '', '3'],
      ['ZRANGEBYSCORE', 'z', '(', '3'],
      ['ZRANGEBYSCORE', 'z', '1e400', '-1e400'],
      ['ZRANGEBYSCORE', 'z', '-1e400', '1e400'],
      ['ZRANGEBYSCORE', 'z', '0x1', '0x3'],
      ['ZRANGEBYSCORE', 'z', 'a', '3'],
      ['ZRANGEBYSCORE', 'z', '1', 'nan'],
      ['ZRANGEBYSCORE', 'z', '[1', '3'],
      ['ZRANGEBYSCORE', 'z', '1 ', '3'],
      ['ZRANGEBYSCORE', 'z', '1', '3', 'REV'],
      ['ZRANGEBYSCORE', 'z', '1', '3', 'BYSCORE'],
      ['ZRANGEBYSCORE', 'z', '1', '3', 'LIMIT', '1'],
      ['ZRANGEBYSCORE', 'z', '1', '3', 'LIMIT', '1', 'x'],
      ['ZRANGEBYSCORE', 'nokey', 'x', '3'],
      ['ZRANGEBYSCORE', 'nokey', '1', '3'],
      ['ZRANGEBYSCORE', 's', '1', '3'],
      ['ZRANGE', 'z', '1', '3', 'BYSCORE', 'BYLEX'],
      ['ZRANGE', 'z', '1', '3', 'BYSCORE', 'REV', 'REV'],
    );
  });

  it('ZRANGE BYLEX / ZRANGEBYLEX / ZREVRANGEBYLEX / ZLEXCOUNT', async () => {
    await h.same(
      ...LEX,
      ['ZADD', 'l', '0', BIN, '0', ''],
      ['ZRANGEBYLEX', 'l', '-', '+'],
      ['ZRANGEBYLEX', 'l', '[b', '[d'],
      ['ZRANGEBYLEX', 'l', '(b', '(d'],
      ['ZRANGEBYLEX', 'l', '(b', '[d'],
      ['ZRANGEBYLEX', 'l', '[', '(c'],
      ['ZRANGEBYLEX', 'l', '(', '(c'],
      ['ZRANGEBYLEX', 'l', '-', '[c'],
      ['ZRANGEBYLEX', 'l', '[e', '+'],
      ['ZRANGEBYLEX', 'l', '+', '-'],
      ['ZRANGEBYLEX', 'l', '-', '-'],
      ['ZRANGEBYLEX', 'l', '+', '+'],
      ['ZRANGEBYLEX', 'l', '[d', '[b'],
      ['ZRANGEBYLEX', 'l', '[b', '(b'],
      ['ZRANGEBYLEX', 'l', '[b', '[b'],
      ['ZRANGEBYLEX', 'l', '-', '+', 'LIMIT', '2', '3'],
      ['ZRANGEBYLEX', 'l', '-', '+', 'LIMIT', '-1', '3'],
      ['ZRANGEBYLEX', 'l', '-', '+', 'LIMIT', '2', '-1'],
      ['ZRANGEBYLEX', 'l', '-', '+', 'LIMIT', '0', '0'],
      ['ZREVRANGEBYLEX', 'l', '+', '-'],
      ['ZREVRANGEBYLEX', 'l', '[d', '(a', 'LIMIT', '1', '2'],
      ['ZREVRANGEBYLEX', 'l', '-', '+'],
      ['ZRANGE', 'l', '[b', '[d', 'BYLEX'],
      ['ZRANGE', 'l', '[d', '[b', 'BYLEX', 'REV', 'LIMIT', '1', '5'],
      ['ZRANGE', 'l', '[b', '[d', 'BYLEX', 'WITHSCORES'],
      ['ZRANGEBYLEX', 'l', '-', '+', 'WITHSCORES'],
      ['ZRANGEBYLEX', 'l', 'b', '[d'],
      ['ZRANGEBYLEX', 'l', '[b', 'd'],
      ['ZRANGEBYLEX', 'l', '', '+'],
      ['ZRANGEBYLEX', 'l', '--', '+'],
      ['ZRANGEBYLEX', 'l', '-', '++'],
      ['ZRANGEBYLEX', 'nokey', '-', '+'],
      ['ZRANGEBYLEX', 'nokey', 'x', '+'],
      ['ZRANGEBYLEX', 's', '-', '+'],
      ['ZLEXCOUNT', 'l', '-', '+'],
      ['ZLEXCOUNT', 'l', '[b', '(e'],
      ['ZLEXCOUNT', 'l', '(e', '[b'],
      ['ZLEXCOUNT', 'l', 'x', '[b'],
      ['ZLEXCOUNT', 'nokey', '-', '+'],
      ['ZLEXCOUNT', 'nokey', 'x', '+'],
      ['ZLEXCOUNT', 's', '-', '+'],
    );
  });

  it('lex ranges over a small set whose scores differ read it as Redis reads a listpack', async () => {
    await h.same(
      ['ZADD', 'm', '1', 'b', '2', 'a', '3', 'c', '4', 'e', '5', 'd'],
      ['ZRANGEBYLEX', 'm', '[a', '[b'],
      ['ZRANGEBYLEX', 'm', '(b', '+'],
      ['ZRANGEBYLEX', 'm', '[a', '[d', 'LIMIT', '1', '2'],
      ['ZREVRANGEBYLEX', 'm', '[d', '[a'],
      ['ZREVRANGEBYLEX', 'm', '[c', '-'],
      ['ZRANGE', 'm', '[d', '[a', 'BYLEX', 'REV', 'LIMIT', '1', '3'],
      ['ZLEXCOUNT', 'm', '[a', '[d'],
      ['ZLEXCOUNT', 'm', '[c', '+'],
      ['ZLEXCOUNT', 'm', '[f', '+'],
      ['ZRANGESTORE', 'dst', 'm', '[a', '[d', 'BYLEX'],
      ['ZRANGE', 'dst', '0', '-1', 'WITHSCORES'],
      ['ZREMRANGEBYLEX', 'm', '[c', '[d'],
      ['ZRANGE', 'm', '0', '-1', 'WITHSCORES'],
    );
  });

  it('ZCOUNT', async () => {
    await h.same(
      ...SEED,
      ['ZCOUNT', 'z', '-inf', '+inf'],
      ['ZCOUNT', 'z', '(1', '(5'],
      ['ZCOUNT', 'z', '2', '2'],
      ['ZCOUNT', 'z', '(2', '2'],
      ['ZCOUNT', 'z', '5', '1'],
      ['ZCOUNT', 'z', '10', '20'],
      ['ZCOUNT', 'z', 'x', '1'],
      ['ZCOUNT', 'nokey', '1', '2'],
      ['ZCOUNT', 'nokey', 'x', '2'],
      ['ZCOUNT', 's', '1', '2'],
      ['ZCOUNT', 'z', '1'],
    );
  });

  it('ZRANGESTORE and its encodings', async () => {
    await h.same(
      ...SEED,
      ['ZRANGESTORE', 'd', 'z', '0', '2'],
      ['ZRANGE', 'd', '0', '-1', 'WITHSCORES'],
      ['OBJECT', 'ENCODING', 'd'],
      ['ZRANGESTORE', 'd', 'z', '(1', '4', 'BYSCORE', 'LIMIT', '1', '10'],
      ['ZRANGE', 'd', '0', '-1', 'WITHSCORES'],
      ['ZRANGESTORE', 'd', 'z', '4', '1', 'BYSCORE', 'REV'],
      ['ZRANGE', 'd', '0', '-1'],
      ['ZRANGESTORE', 'd', 'z', '[b', '[c', 'BYLEX'],
      ['ZRANGE', 'd', '0', '-1'],
      ['ZRANGESTORE', 'd', 'z', '0', '-1', 'WITHSCORES'],
      ['ZRANGESTORE', 'd', 'z', '5', '10'],
      ['EXISTS', 'd'],
      ['SET', 'd', 'v'],
      ['ZRANGESTORE', 'd', 'nokey', '0', '-1'],
      ['EXISTS', 'd'],
      ['ZRANGESTORE', 'd', 's', '0', '-1'],
      ['ZRANGESTORE', 's', 'z', '0', '0'],
      ['TYPE', 's'],
      ['ZRANGESTORE', 'z', 'z', '1', '2'],
      ['ZRANGE', 'z', '0', '-1'],
      ['ZRANGESTORE', 'd', 'z', '0'],
      ['ZRANGESTORE', 'd', 'z', '0', '1', 'LIMIT', '0', '1'],
    );
  });

  it('ZREMRANGEBYRANK / BYSCORE / BYLEX', async () => {
    await h.same(
      ...SEED,
      ['ZREMRANGEBYRANK', 'z', '1', '2'],
      ['ZRANGE', 'z', '0', '-1'],
      ['ZREMRANGEBYRANK', 'z', '5', '10'],
      ['ZREMRANGEBYRANK', 'z', '2', '1'],
      ['ZREMRANGEBYRANK', 'z', '-1', '-1'],
      ['ZRANGE', 'z', '0', '-1'],
      ['ZREMRANGEBYRANK', 'z', '-100', '100'],
      ['EXISTS', 'z'],
      ['ZREMRANGEBYRANK', 'z', 'x', '1'],
      ['ZREMRANGEBYRANK', 's', '0', '1'],
      ...SEED,
      ['ZREMRANGEBYSCORE', 'z', '(1', '3'],
      ['ZREMRANGEBYSCORE', 'z', '10', '20'],
      ['ZREMRANGEBYSCORE', 'z', '5', '1'],
      ['ZRANGE', 'z', '0', '-1', 'WITHSCORES'],
      ['ZREMRANGEBYSCORE', 'z', '-inf', '+inf'],
      ['EXISTS', 'z'],
      ['ZREMRANGEBYSCORE', 'z', 'x', '1'],
      ['ZREMRANGEBYSCORE', 's', '0', '1'],
      ...LEX,
      ['ZREMRANGEBYLEX', 'l', '[b', '(d'],
      ['ZRANGE', 'l', '0', '-1'],
      ['ZREMRANGEBYLEX', 'l', '+', '-'],
      ['ZREMRANGEBYLEX', 'l', 'b', '(d'],
      ['ZREMRANGEBYLEX', 'l', '-', '+'],
      ['EXISTS', 'l'],
      ['ZREMRANGEBYLEX', 's', '-', '+'],
      ['ZREMRANGEBYLEX', 'nokey', '-', '+'],
    );
  });

  it('ZPOPMIN / ZPOPMAX in RESP2', async () => {
    await h.same(
      ...SEED,
      ['ZPOPMIN', 'z'],
      ['ZPOPMAX', 'z'],
      ['ZPOPMIN', 'z', '2'],
      ['ZPOPMIN', 'z', '0'],
      ['ZPOPMAX', 'z', '10'],
      ['EXISTS', 'z'],
      ['ZPOPMIN', 'z'],
      ['ZPOPMIN', 'z', '1'],
      ['ZPOPMIN', 'z', '-1'],
      ['ZPOPMIN', 'z', 'x'],
      ['ZPOPMIN', 's'],
      ['ZPOPMIN', 's', '-1'],
      ['ZPOPMIN', 'z', '1', '2'],
      ['ZPOPMAX'],
    );
  });

  it('ZPOPMIN / ZPOPMAX / ZMPOP in RESP3', async () => {
    await h.same3(
      ...SEED,
      ['ZPOPMIN', 'z'],
      ['ZPOPMAX', 'z', '1'],
      ['ZPOPMIN', 'z', '2'],
      ['ZPOPMIN', 'z', '0'],
      ['ZPOPMIN', 'nokey'],
      ['ZPOPMIN', 'nokey', '2'],
      ...SEED,
      ['ZMPOP', '2', 'nokey', 'z', 'MIN'],
      ['ZMPOP', '1', 'z', 'MAX', 'COUNT', '2'],
      ['ZMPOP', '1', 'nokey', 'MAX'],
    );
  });

  it('ZMPOP arguments, replies and errors', async () => {
    await h.same(
      ...SEED,
      ['ZADD', 'y', '1', 'p'],
      ['ZMPOP', '1', 'z', 'MIN'],
      ['ZMPOP', '2', 'nokey', 'z', 'max', 'count', '2'],
      ['ZMPOP', '2', 'y', 'z', 'MIN', 'COUNT', '10'],
      ['EXISTS', 'y'],
      ['ZMPOP', '2', 'nokey', 'y', 'MIN'],
      ['ZMPOP', '0', 'z', 'MIN'],
      ['ZMPOP', '-1', 'z', 'MIN'],
      ['ZMPOP', 'x', 'z', 'MIN'],
      ['ZMPOP', '3', 'z', 'MIN'],
      ['ZMPOP', '1', 'z', 'MID'],
      ['ZMPOP', '1', 'z', 'MIN', 'COUNT', '0'],
      ['ZMPOP', '1', 'z', 'MIN', 'COUNT', 'x'],
      ['ZMPOP', '1', 'z', 'MIN', 'COUNT'],
      ['ZMPOP', '1', 'z', 'MIN', 'COUNT', '1', 'COUNT', '1'],
      ['ZMPOP', '1', 'z', 'MIN', 'FOO'],
      ['ZMPOP', '2', 's', 'z', 'MIN'],
      ['ZMPOP', '2', 'z', 's', 'MIN'],
      ['ZMPOP', '1', 'z'],
    );
  });

  it('BZPOPMIN / BZPOPMAX / BZMPOP serve at once when a key has members', async () => {
    await h.same(
      ...SEED,
      ['BZPOPMIN', 'nokey', 'z', '0'],
      ['BZPOPMAX', 'z', '0.1'],
      ['BZMPOP', '0', '2', 'nokey', 'z', 'MIN', 'COUNT', '2'],
      ['BZPOPMIN', 'z', 'x'],
      ['BZPOPMIN', 'z', '-1'],
      ['BZPOPMIN', 's', '0'],
      ['BZMPOP', '0', '1', 's', 'MIN'],
      ['BZMPOP', 'x', '1', 'z', 'MIN'],
      ['BZMPOP', '0', '0', 'z', 'MIN'],
      ['BZMPOP', '0', '1', 'z', 'FOO'],
      ['BZPOPMIN', 'z'],
      ['MULTI'],
      ['BZPOPMIN', 'nokey', '0'],
      ['BZMPOP', '0', '1', 'nokey', 'MIN'],
      ['EXEC'],
    );
    await h.same3(...SEED, ['BZPOPMIN', 'z', '0'], ['BZMPOP', '0', '1', 'z', 'MAX', 'COUNT', '2'], ['MULTI'], ['BZPOPMAX', 'nokey', '0'], ['EXEC']);
  });

  it('RESP3 shapes: scores as doubles, WITHSCORES pairs', async () => {
    await h.same3(
      ...SEED,
      ['ZADD', 'z', '1.1', 'f', 'inf', 'g'],
      ['ZSCORE', 'z', 'f'],
      ['ZSCORE', 'z', 'g'],
      ['ZSCORE', 'z', 'nope'],
      ['ZMSCORE', 'z', 'a', 'nope'],
      ['ZINCRBY', 'z', '1', 'a'],
      ['ZADD', 'z', 'INCR', '1', 'a'],
      ['ZADD', 'z', 'INCR', 'XX', '1', 'nope'],
      ['ZRANGE', 'z', '0', '-1', 'WITHSCORES'],
      ['ZRANGE', 'z', '0', '-1'],
      ['ZRANGEBYSCORE', 'z', '1', '3', 'WITHSCORES'],
      ['ZREVRANGE', 'z', '0', '1', 'WITHSCORES'],
      ['ZRANDMEMBER', 'z', '100', 'WITHSCORES'],
      ['ZRANDMEMBER', 'z', '0', 'WITHSCORES'],
      ['ZUNION', '1', 'z', 'WITHSCORES'],
      ['ZINTER', '1', 'z', 'WITHSCORES'],
      ['ZDIFF', '1', 'z', 'WITHSCORES'],
      ['ZSCAN', 'z', '0'],
      ['ZRANGE', 'nokey', '0', '-1'],
      ['ZRANK', 'z', 'nope'],
    );
  });

  it('ZRANDMEMBER: deterministic cases and errors', async () => {
    await h.same(
      ...SEED,
      ['ZRANDMEMBER', 'nokey'],
      ['ZRANDMEMBER', 'nokey', '5'],
      ['ZRANDMEMBER', 'nokey', '5', 'WITHSCORES'],
      ['ZRANDMEMBER', 'z', '0'],
      ['ZRANDMEMBER', 'z', '5'],
      ['ZRANDMEMBER', 'z', '100', 'WITHSCORES'],
      ['ZRANDMEMBER', 'z', 'x'],
      ['ZRANDMEMBER', 'z', '1', 'FOO'],
      ['ZRANDMEMBER', 'z', '1', 'WITHSCORES', 'x'],
      ['ZRANDMEMBER', 'z', '-9223372036854775808'],
      ['ZRANDMEMBER', 'z', '9223372036854775807', 'WITHSCORES'],
      ['ZRANDMEMBER', 'z', '-4611686018427387904', 'WITHSCORES'],
      ['ZRANDMEMBER', 's'],
      ['ZRANDMEMBER', 's', '1'],
      ['ZADD', 'one', '7', 'only'],
      ['ZRANDMEMBER', 'one'],
      ['ZRANDMEMBER', 'one', '-3', 'WITHSCORES'],
      ['ZRANDMEMBER', 'one', '1'],
    );
  });

  it('ZUNION / ZINTER / ZDIFF with WEIGHTS, AGGREGATE, sets as inputs', async () => {
    await h.same(
      ['ZADD', 'a', '1', 'x', '2', 'y', '3', 'z'],
      ['ZADD', 'b', '10', 'y', '20', 'z', '30', 'w'],
      ['SADD', 'set', 'x', 'w', 'q'],
      ['SADD', 'iset', '1', '2', '3'],
      ['ZUNION', '2', 'a', 'b'],
      ['ZUNION', '2', 'a', 'b', 'WITHSCORES'],
      ['ZUNION', '2', 'a', 'b', 'WEIGHTS', '2', '0.5', 'WITHSCORES'],
      ['ZUNION', '2', 'a', 'b', 'AGGREGATE', 'MIN', 'WITHSCORES'],
      ['ZUNION', '2', 'a', 'b', 'AGGREGATE', 'max', 'WITHSCORES'],
      ['ZUNION', '3', 'a', 'b', 'set', 'WITHSCORES'],
      ['ZUNION', '2', 'a', 'iset', 'WITHSCORES'],
      ['ZUNION', '2', 'a', 'nokey', 'WITHSCORES'],
      ['ZINTER', '2', 'a', 'b', 'WITHSCORES'],
      ['ZINTER', '2', 'a', 'b', 'WEIGHTS', '1', '-1', 'AGGREGATE', 'SUM', 'WITHSCORES'],
      ['ZINTER', '2', 'a', 'set', 'WITHSCORES'],
      ['ZINTER', '2', 'a', 'nokey'],
      ['ZINTER', '2', 'a', 'a', 'WITHSCORES'],
      ['ZDIFF', '2', 'a', 'b', 'WITHSCORES'],
      ['ZDIFF', '2', 'b', 'set', 'WITHSCORES'],
      ['ZDIFF', '1', 'set', 'WITHSCORES'],
      ['ZDIFF', '2', 'nokey', 'a'],
      ['ZDIFF', '2', 'a', 'a'],
      ['ZADD', 'inf', 'inf', 'x', '-inf', 'y'],
      ['ZUNION', '2', 'inf', 'inf', 'WITHSCORES'],
      ['ZUNION', '2', 'inf', 'a', 'WEIGHTS', '-1', '1', 'WITHSCORES'],
      ['ZUNION', '1', 'inf', 'WEIGHTS', '0', 'WITHSCORES'],
      ['ZINTER', '2', 'inf', 'a', 'WEIGHTS', '1', '0', 'AGGREGATE', 'MIN', 'WITHSCORES'],
      ['ZUNION', '0', 'a'],
      ['ZINTER', '-1', 'a'],
      ['ZDIFF', 'x', 'a'],
      ['ZUNION', '3', 'a', 'b'],
      ['ZUNION', '2', 'a', 'b', 'WEIGHTS', '1'],
      ['ZUNION', '2', 'a', 'b', 'WEIGHTS', '1', 'x'],
      ['ZUNION', '2', 'a', 'b', 'AGGREGATE', 'AVG'],
      ['ZUNION', '2', 'a', 'b', 'AGGREGATE'],
      ['ZDIFF', '2', 'a', 'b', 'WEIGHTS', '1', '2'],
      ['ZDIFF', '2', 'a', 'b', 'AGGREGATE', 'SUM'],
      ['ZUNION', '2', 'a', 's'],
      ['SET', 's', 'v'],
      ['ZUNION', '2', 'a', 's'],
      ['ZINTER', '2', 'nokey', 's'],
      ['ZUNION', '2', 's', 'a', 'FOO'],
      ['ZUNION', '1'],
    );
  });

  it('ZUNIONSTORE / ZINTERSTORE / ZDIFFSTORE and ZINTERCARD', async () => {
    await h.same(
      ['ZADD', 'a', '1', 'x', '2', 'y', '3', 'z'],
      ['ZADD', 'b', '10', 'y', '20', 'z', '30', 'w'],
      ['SADD', 'set', 'x', 'w', 'q'],
      ['ZUNIONSTORE', 'd', '2', 'a', 'b'],
      ['ZRANGE', 'd', '0', '-1', 'WITHSCORES'],
      ['OBJECT', 'ENCODING', 'd'],
      ['ZINTERSTORE', 'd', '2', 'a', 'b', 'WEIGHTS', '2', '3', 'AGGREGATE', 'MAX'],
      ['ZRANGE', 'd', '0', '-1', 'WITHSCORES'],
      ['ZDIFFSTORE', 'd', '2', 'a', 'set'],
      ['ZRANGE', 'd', '0', '-1', 'WITHSCORES'],
      ['ZINTERSTORE', 'd', '2', 'a', 'nokey'],
      ['EXISTS', 'd'],
      ['ZUNIONSTORE', 'a', '2', 'a', 'b'],
      ['ZRANGE', 'a', '0', '-1', 'WITHSCORES'],
      ['ZUNIONSTORE', 'd', '2', 'a', 'b', 'WITHSCORES'],
      ['ZUNIONSTORE', 'd', '0', 'a'],
      ['ZINTERSTORE', 'd', '0', 'a'],
      ['ZDIFFSTORE', 'd', '0', 'a'],
      ['SET', 's', 'v'],
      ['ZUNIONSTORE', 'd', '1', 's'],
      ['ZUNIONSTORE', 's', '1', 'a'],
      ['TYPE', 's'],
      ['ZUNIONSTORE', 'd'],
      ['ZINTERCARD', '2', 'a', 'b'],
      ['ZINTERCARD', '2', 'a', 'b', 'LIMIT', '1'],
      ['ZINTERCARD', '2', 'a', 'b', 'LIMIT', '0'],
      ['ZINTERCARD', '2', 'a', 'set'],
      ['ZINTERCARD', '2', 'a', 'nokey'],
      ['ZINTERCARD', '2', 'a', 'b', 'LIMIT', '-1'],
      ['ZINTERCARD', '2', 'a', 'b', 'LIMIT', 'x'],
      ['ZINTERCARD', '2', 'a', 'b', 'WITHSCORES'],
      ['ZINTERCARD', '2', 'a', 'b', 'WEIGHTS', '1', '1'],
      ['ZINTERCARD', '0', 'a'],
      ['ZINTERCARD', '3', 'a', 'b'],
      ['ZINTERCARD', '1', 's'],
      ['ZINTERCARD', '1'],
    );
  });

  it('encodings: listpack until a limit, skiplist for good; store results convert back', async () => {
    const many = ['ZADD', 'big'];
    for (let i = 0; i < 129; i++) many.push(String(i), `m${i}`);
    await h.same(
      ['ZADD', 'z', '1', 'a'],
      ['OBJECT', 'ENCODING', 'z'],
      ['ZADD', 'z', '2', LONG],
      ['OBJECT', 'ENCODING', 'z'],
      ['ZREM', 'z', LONG],
      ['OBJECT', 'ENCODING', 'z'],
      ['ZADD', 'first', '1', LONG],
      ['OBJECT', 'ENCODING', 'first'],
      many,
      ['OBJECT', 'ENCODING', 'big'],
      ['ZREMRANGEBYRANK', 'big', '0', '100'],
      ['OBJECT', 'ENCODING', 'big'],
      ['ZUNIONSTORE', 'u', '1', 'big'],
      ['OBJECT', 'ENCODING', 'u'],
      ['ZRANGESTORE', 'r', 'z', '0', '-1'],
      ['OBJECT', 'ENCODING', 'r'],
      ['ZADD', 'exact', '1', 'x'.repeat(64)],
      ['OBJECT', 'ENCODING', 'exact'],
      ['CONFIG', 'SET', 'zset-max-ziplist-entries', '2'],
      ['CONFIG', 'GET', 'zset-max-listpack-entries'],
      ['ZADD', 'c', '1', 'a', '2', 'b'],
      ['OBJECT', 'ENCODING', 'c'],
      ['ZADD', 'c', '3', 'c'],
      ['OBJECT', 'ENCODING', 'c'],
      ['CONFIG', 'SET', 'zset-max-listpack-entries', '0'],
      ['ZADD', 'zero', '1', 'a'],
      ['OBJECT', 'ENCODING', 'zero'],
      ['CONFIG', 'SET', 'zset-max-listpack-entries', '128'],
      ['CONFIG', 'SET', 'zset-max-listpack-value', '2'],
      ['CONFIG', 'GET', 'zset-max-ziplist-value'],
      ['ZADD', 'v', '1', 'ab'],
      ['OBJECT', 'ENCODING', 'v'],
      ['ZADD', 'v', '1', 'abc'],
      ['OBJECT', 'ENCODING', 'v'],
      ['CONFIG', 'SET', 'zset-max-listpack-value', '64'],
    );
  });

  it('ZSCAN: listpack returns everything at cursor 0; options and errors', async () => {
    await h.same(
      ...SEED,
      ['ZADD', 'z', '1.1', 'f', '-0', BIN],
      ['ZSCAN', 'z', '0'],
      ['ZSCAN', 'z', '0', 'MATCH', '[a-c]'],
      ['ZSCAN', 'z', '0', 'COUNT', '1'],
      ['ZSCAN', 'z', '0', 'MATCH', '*', 'COUNT', '100'],
      ['ZSCAN', 'z', '123'],
      ['ZSCAN', 'z', ''],
      ['ZSCAN', 'z', 'x'],
      ['ZSCAN', 'z', '-1'],
      ['ZSCAN', 'z', ' 1'],
      ['ZSCAN', 'z', '18446744073709551616'],
      ['ZSCAN', 'z', '0', 'COUNT', '0'],
      ['ZSCAN', 'z', '0', 'COUNT', 'x'],
      ['ZSCAN', 'z', '0', 'MATCH'],
      ['ZSCAN', 'z', '0', 'TYPE', 'zset'],
      ['ZSCAN', 'z', '0', 'FOO', 'bar'],
      ['ZSCAN', 'nokey', '0'],
      ['ZSCAN', 'nokey', '0', 'FOO'],
      ['ZSCAN', 'nokey', 'x'],
      ['ZSCAN', 's', '0'],
      ['ZSCAN', 'z'],
    );
  });

  it('ZSCAN over a skiplist: every member comes back with its score', async () => {
    const many = ['ZADD', 'big'];
    for (let i = 0; i < 300; i++) many.push(`${i}.5`, `m${i}`);
    const collect = async (port: number) => {
      const { RawClient } = await import('../helpers/raw-client');
      const c = await RawClient.connect(port);
      try {
        await c.call('FLUSHALL');
        await c.call(...many);
        const seen = new Map<string, string>();
        let cursor = '0';
        do {
          const [next, items] = (await c.exec('ZSCAN', 'big', cursor, 'COUNT', '7')) as [string, string[]];
          for (let i = 0; i < items.length; i += 2) seen.set(items[i], items[i + 1]);
          cursor = next;
        } while (cursor !== '0');
        return [...seen.entries()].sort();
      } finally {
        c.close();
      }
    };
    const ours = await collect(h.ferrousPort());
    expect(ours).toHaveLength(300);
    expect(ours).toEqual(await collect(h.redisPort()));
  });
});
