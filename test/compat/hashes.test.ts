import { useCompat } from '../helpers/compat';

const BIN = 'a\x00b\r\nc\xff';
const LONG64 = 'x'.repeat(64);
const LONG65 = 'y'.repeat(65);

/** ['HSET', key, f0, v0, f1, v1, ...] with `n` fields. */
function hsetMany(key: string, n: number, from = 0): string[] {
  const cmd = ['HSET', key];
  for (let i = from; i < from + n; i++) cmd.push(`f${i}`, `v${i}`);
  return cmd;
}

describe('hashes vs redis-server 7.0', () => {
  const h = useCompat();

  it('HSET / HGET / HMSET / HMGET / HSETNX, binary fields and values, arity', async () => {
    await h.same(
      ['HSET', 'h', 'a', '1'],
      ['HSET', 'h', 'a', '2', 'b', '3'],
      ['HSET', 'h', 'c', '4', 'c', '5'],
      ['HGET', 'h', 'a'],
      ['HGET', 'h', 'c'],
      ['HGET', 'h', 'missing'],
      ['HGET', 'nokey', 'a'],
      ['HMSET', 'h', 'd', '6', 'e', '7'],
      ['HMGET', 'h', 'a', 'missing', 'e'],
      ['HMGET', 'nokey', 'a', 'b'],
      ['HSET', BIN, BIN, BIN],
      ['HSET', BIN, '', ''],
      ['HGET', BIN, BIN],
      ['HGET', BIN, ''],
      ['HGETALL', BIN],
      ['HSETNX', 'h', 'a', 'x'],
      ['HSETNX', 'h', 'z', 'x'],
      ['HSETNX', 'new', 'f', 'v'],
      ['HGETALL', 'new'],
      ['HGETALL', 'h'],
      ['HSET', 'h'],
      ['HSET', 'h', 'a'],
      ['HSET', 'h', 'a', '1', 'b'],
      ['HMSET', 'h', 'a'],
      ['HMSET', 'h', 'a', '1', 'b'],
      ['HSETNX', 'h', 'a'],
      ['HGET', 'h'],
      ['HMGET', 'h'],
      ['HGETALL'],
    );
  });

  it('WRONGTYPE against a string key for every command', async () => {
    await h.same(
      ['SET', 's', 'v'],
      ['HSET', 's', 'a', '1'],
      ['HMSET', 's', 'a', '1'],
      ['HSETNX', 's', 'a', '1'],
      ['HGET', 's', 'a'],
      ['HMGET', 's', 'a'],
      ['HDEL', 's', 'a'],
      ['HEXISTS', 's', 'a'],
      ['HLEN', 's'],
      ['HSTRLEN', 's', 'a'],
      ['HKEYS', 's'],
      ['HVALS', 's'],
      ['HGETALL', 's'],
      ['HINCRBY', 's', 'a', '1'],
      ['HINCRBYFLOAT', 's', 'a', '1'],
      ['HRANDFIELD', 's'],
      ['HRANDFIELD', 's', '2'],
      ['HRANDFIELD', 's', '0'],
      ['HSCAN', 's', '0'],
      ['HSCAN', 's', '0', 'BADOPT'],
      ['GET', 's'],
      ['HSET', 'h', 'a', '1'],
      ['GET', 'h'],
      ['TYPE', 'h'],
    );
  });

  it('HDEL, HEXISTS, HLEN, HSTRLEN, HKEYS, HVALS; an emptied hash is deleted', async () => {
    await h.same(
      ['HSET', 'h', 'a', '1', 'b', 'hello', 'c', '', 'd', '-12345'],
      ['HLEN', 'h'],
      ['HSTRLEN', 'h', 'b'],
      ['HSTRLEN', 'h', 'c'],
      ['HSTRLEN', 'h', 'd'],
      ['HSTRLEN', 'h', 'missing'],
      ['HSTRLEN', 'nokey', 'a'],
      ['HEXISTS', 'h', 'a'],
      ['HEXISTS', 'h', 'zz'],
      ['HEXISTS', 'nokey', 'a'],
      ['HKEYS', 'h'],
      ['HVALS', 'h'],
      ['HKEYS', 'nokey'],
      ['HVALS', 'nokey'],
      ['HGETALL', 'nokey'],
      ['HLEN', 'nokey'],
      ['HDEL', 'h', 'a', 'a', 'zz'],
      ['HDEL', 'h', 'zz'],
      ['HDEL', 'nokey', 'a'],
      ['HKEYS', 'h'],
      ['HSET', 'h', 'a', 'new'],
      ['HGETALL', 'h'],
      ['HDEL', 'h', 'b', 'c', 'd', 'a', 'x'],
      ['EXISTS', 'h'],
      ['HSET', 'h', 'x', '1'],
      ['EXPIRE', 'h', '100'],
      ['HSET', 'h', 'y', '2'],
      ['TTL', 'h'],
      ['HDEL', 'h'],
      ['HLEN'],
    );
  });

  it('HINCRBY: creation, negative, overflow, non-integer values and increments', async () => {
    await h.same(
      ['HINCRBY', 'h', 'n', '5'],
      ['HINCRBY', 'h', 'n', '-10'],
      ['HINCRBY', 'h', 'n', '0'],
      ['HGET', 'h', 'n'],
      ['HSET', 'h', 'big', '9223372036854775806'],
      ['HINCRBY', 'h', 'big', '1'],
      ['HINCRBY', 'h', 'big', '1'],
      ['HSET', 'h', 'small', '-9223372036854775807'],
      ['HINCRBY', 'h', 'small', '-1'],
      ['HINCRBY', 'h', 'small', '-1'],
      ['HINCRBY', 'h', 'n', '9223372036854775807'],
      ['HINCRBY', 'h', 'n', '-9223372036854775808'],
      ['HINCRBY', 'h', 'n', '9223372036854775808'],
      ['HINCRBY', 'h', 'n', 'abc'],
      ['HINCRBY', 'h', 'n', '1.5'],
      ['HINCRBY', 'h', 'n', ' 1'],
      ['HSET', 'h', 's', 'abc', 'f', '1.5', 'sp', ' 1', 'z', '007', 'e', ''],
      ['HINCRBY', 'h', 's', '1'],
      ['HINCRBY', 'h', 'f', '1'],
      ['HINCRBY', 'h', 'sp', '1'],
      ['HINCRBY', 'h', 'z', '1'],
      ['HINCRBY', 'h', 'e', '1'],
      ['HINCRBY', 'nokey', 'f', 'x'],
      ['EXISTS', 'nokey'],
      ['HINCRBY', 'h', 'n'],
      ['HGETALL', 'h'],
    );
  });

  it('HINCRBYFLOAT prints like Redis long doubles, errors on bad values and increments', async () => {
    await h.same(
      ['HINCRBYFLOAT', 'h', 'f', '10.5'],
      ['HINCRBYFLOAT', 'h', 'f', '0.1'],
      ['HINCRBYFLOAT', 'h', 'f', '-5'],
      ['HINCRBYFLOAT', 'h', 'g', '3.0e3'],
      ['HINCRBYFLOAT', 'h', 'g', '1.23456789012345678901'],
      ['HINCRBYFLOAT', 'h', 'x', '0x10'],
      ['HINCRBYFLOAT', 'h', 'y', '1e-20'],
      ['HINCRBYFLOAT', 'hz', 'z', '5e300'],
      ['HGET', 'hz', 'z'],
      ['HINCRBYFLOAT', 'h', 'f', 'inf'],
      ['HINCRBYFLOAT', 'h', 'f', '-inf'],
      ['HINCRBYFLOAT', 'h', 'f', 'nan'],
      ['HINCRBYFLOAT', 'h', 'f', 'abc'],
      ['HINCRBYFLOAT', 'h', 'f', ''],
      ['HINCRBYFLOAT', 'h', 'f', ' 1'],
      ['HSET', 'h', 's', 'abc', 'i', '17', 'inf', 'inf', 'huge', '1e4932'],
      ['HINCRBYFLOAT', 'h', 's', '1'],
      ['HINCRBYFLOAT', 'h', 'i', '0.5'],
      ['HINCRBYFLOAT', 'h', 'inf', '1'],
      ['HINCRBYFLOAT', 'h', 'huge', '1e4932'],
      ['HINCRBYFLOAT', 'nokey', 'f', 'inf'],
      ['EXISTS', 'nokey'],
      ['HINCRBYFLOAT', 'h', 'f'],
      ['HGETALL', 'h'],
    );
  });

  it('HRANDFIELD: missing keys, counts covering the whole hash, errors; RESP2 and RESP3 shapes', async () => {
    const cmds = [
      ['HRANDFIELD', 'nokey'],
      ['HRANDFIELD', 'nokey', '5'],
      ['HRANDFIELD', 'nokey', '-5', 'WITHVALUES'],
      ['HSET', 'h', 'a', '1', 'b', '2', 'c', '3'],
      ['HRANDFIELD', 'h', '0'],
      ['HRANDFIELD', 'h', '0', 'WITHVALUES'],
      ['HRANDFIELD', 'h', '3'],
      ['HRANDFIELD', 'h', '100', 'WITHVALUES'],
      ['HRANDFIELD', 'h', '100', 'withvalues'],
      ['HSET', 'one', 'only', 'v'],
      ['HRANDFIELD', 'one'],
      ['HRANDFIELD', 'one', '1', 'WITHVALUES'],
      ['HRANDFIELD', 'one', '-3', 'WITHVALUES'],
      ['HRANDFIELD', 'one', '-2'],
      ['HRANDFIELD', 'h', 'x'],
      ['HRANDFIELD', 'h', '1.5'],
      ['HRANDFIELD', 'h', '1', 'WITHSCORES'],
      ['HRANDFIELD', 'h', '1', 'WITHVALUES', 'x'],
      ['HRANDFIELD', 'h', '-9223372036854775808'],
      ['HRANDFIELD', 'h', '-9223372036854775808', 'WITHVALUES'],
      ['HRANDFIELD', 'h', '9223372036854775807', 'WITHVALUES'],
      ['HRANDFIELD', 'h', '-4611686018427387904', 'WITHVALUES'],
      ['HRANDFIELD', 'h', '4611686018427387904', 'WITHVALUES'],
      ['HRANDFIELD', 'h', '9223372036854775808'],
      ['HRANDFIELD', 'nokey', 'x'],
      ['HRANDFIELD', 'nokey', '1', 'bad'],
    ];
    await h.same(...cmds);
    await h.same3(...cmds);
  });

  it('HGETALL is a map in RESP3, an empty map for a missing key', async () => {
    await h.same3(['HGETALL', 'nokey'], ['HSET', 'h', 'a', '1', BIN, BIN], ['HGETALL', 'h'], ['HKEYS', 'h'], ['HMGET', 'h', 'a', 'b']);
  });

  it('HSCAN on listpack hashes: everything at once, MATCH, COUNT, cursor and option errors', async () => {
    const cmds = [
      ['HSCAN', 'nokey', '0'],
      ['HSCAN', 'nokey', '0', 'BADOPT'],
      ['HSCAN', 'nokey', 'abc'],
      ['HSET', 'h', 'foo', '1', 'bar', '2', 'baz', '3', BIN, BIN],
      ['HSCAN', 'h', '0'],
      ['HSCAN', 'h', '0', 'COUNT', '1'],
      ['HSCAN', 'h', '12345'],
      ['HSCAN', 'h', ''],
      ['HSCAN', 'h', '-1'],
      ['HSCAN', 'h', '0', 'MATCH', 'ba*'],
      ['HSCAN', 'h', '0', 'match', '*', 'count', '100'],
      ['HSCAN', 'h', '0', 'MATCH', 'nothing*'],
      ['HSCAN', 'h', '0', 'COUNT', '0'],
      ['HSCAN', 'h', '0', 'COUNT', '-1'],
      ['HSCAN', 'h', '0', 'COUNT', 'x'],
      ['HSCAN', 'h', '0', 'COUNT'],
      ['HSCAN', 'h', '0', 'MATCH'],
      ['HSCAN', 'h', '0', 'TYPE', 'string'],
      ['HSCAN', 'h', '0', 'NOVALUES'],
      ['HSCAN', 'h', ' 1'],
      ['HSCAN', 'h', '1x'],
      ['HSCAN', 'h', '18446744073709551616'],
      ['HSCAN', 'h'],
    ];
    await h.same(...cmds);
    await h.same3(...cmds);
  });

  it('OBJECT ENCODING: listpack up to 512 fields and 64-byte values, then hashtable for good', async () => {
    await h.same(
      hsetMany('n', 512),
      ['OBJECT', 'ENCODING', 'n'],
      ['HSET', 'n', 'f0', 'again'],
      ['OBJECT', 'ENCODING', 'n'],
      ['HSET', 'n', 'f512', 'v'],
      ['OBJECT', 'ENCODING', 'n'],
      ['HDEL', 'n', 'f512', 'f511', 'f510'],
      ['OBJECT', 'ENCODING', 'n'],
      ['HLEN', 'n'],
      hsetMany('m', 600),
      ['OBJECT', 'ENCODING', 'm'],
      ['HSET', 'v', 'f', LONG64, LONG64, 'x'],
      ['OBJECT', 'ENCODING', 'v'],
      ['HSET', 'v', 'g', LONG65],
      ['OBJECT', 'ENCODING', 'v'],
      ['HSET', 'k', LONG65, 'x'],
      ['OBJECT', 'ENCODING', 'k'],
      ['HSETNX', 'nx', 'a', '1'],
      ['HSETNX', 'nx', 'b', LONG65],
      ['OBJECT', 'ENCODING', 'nx'],
      ['HSET', 'upd', 'a', '1'],
      ['HSET', 'upd', 'a', LONG65],
      ['OBJECT', 'ENCODING', 'upd'],
      ['HINCRBY', 'hi', LONG65, '1'],
      ['OBJECT', 'ENCODING', 'hi'],
      ['HINCRBYFLOAT', 'hf', LONG65, '1.5'],
      ['OBJECT', 'ENCODING', 'hf'],
      ['HSET', 'hf2', 'a', '1'],
      ['HINCRBYFLOAT', 'hf2', 'a', '0.00000000000000001'],
      ['OBJECT', 'ENCODING', 'hf2'],
      ['HMSET', 'hm', 'a', LONG65],
      ['OBJECT', 'ENCODING', 'hm'],
      ['COPY', 'n', 'ncopy'],
      ['OBJECT', 'ENCODING', 'ncopy'],
      ['HSET', 'small', 'a', '1'],
      ['COPY', 'small', 'scopy'],
      ['OBJECT', 'ENCODING', 'scopy'],
      ['HSET', 'scopy', 'b', '2'],
      ['HGETALL', 'small'],
      ['HGETALL', 'scopy'],
    );
  });

  it('the listpack thresholds follow CONFIG SET, with the ziplist aliases', async () => {
    await h.same(
      ['CONFIG', 'GET', 'hash-max-listpack-entries'],
      ['CONFIG', 'GET', 'hash-max-ziplist-value'],
      ['CONFIG', 'SET', 'hash-max-ziplist-entries', '2'],
      ['CONFIG', 'GET', 'hash-max-listpack-entries'],
      ['HSET', 'a', 'f1', 'v', 'f2', 'v'],
      ['OBJECT', 'ENCODING', 'a'],
      ['HSET', 'a', 'f3', 'v'],
      ['OBJECT', 'ENCODING', 'a'],
      ['CONFIG', 'SET', 'hash-max-listpack-value', '3'],
      ['CONFIG', 'GET', 'hash-max-ziplist-value'],
      ['HSET', 'b', 'abc', 'def'],
      ['OBJECT', 'ENCODING', 'b'],
      ['HSET', 'b', 'abcd', '1'],
      ['OBJECT', 'ENCODING', 'b'],
      ['CONFIG', 'SET', 'hash-max-listpack-entries', '0'],
      ['HSET', 'c', 'a', '1'],
      ['OBJECT', 'ENCODING', 'c'],
      ['CONFIG', 'SET', 'hash-max-listpack-value', '1kb'],
      ['CONFIG', 'GET', 'hash-max-listpack-value'],
      ['CONFIG', 'SET', 'hash-max-listpack-entries', '1kb'],
      ['CONFIG', 'SET', 'hash-max-listpack-entries', '-1'],
      ['CONFIG', 'SET', 'hash-max-listpack-entries', '512'],
      ['CONFIG', 'SET', 'hash-max-listpack-value', '64'],
      ['CONFIG', 'GET', 'hash-max-ziplist-entries'],
      ['CONFIG', 'GET', 'hash-max-listpack-value'],
    );
  });

  it('hashtable-encoded hashes answer the same contents (order aside)', async () => {
    const fields: string[][] = [hsetMany('big', 300), ['HLEN', 'big'], ['HGET', 'big', 'f250'], ['HMGET', 'big', 'f1', 'nope', 'f299']];
    await h.same(...fields, ['HDEL', 'big', 'f1', 'f2'], ['HLEN', 'big'], ['HEXISTS', 'big', 'f1'], ['HRANDFIELD', 'big', '0']);
    const { ferrous, redis } = await h.both([hsetMany('big', 300), ['HGETALL', 'big'], ['HKEYS', 'big'], ['HVALS', 'big'], ['HRANDFIELD', 'big', '400', 'WITHVALUES']]);
    const sorted = (raw: string) => raw.split('\r\n').sort().join('\n');
    for (let i = 1; i < 5; i++) expect(sorted(ferrous[i])).toEqual(sorted(redis[i]));
  });
});
