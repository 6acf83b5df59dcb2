import { StringType } from '../../../modules/strings';
import { useServer } from '../../helpers/fixtures';

describe('strings module through real clients', () => {
  const f = useServer();

  it('round-trips every byte value through ioredis buffers', async () => {
    const all = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
    const key = Buffer.from([0, 13, 10, 255]);
    expect(await f.io.set(key, all)).toBe('OK');
    expect((await f.io.getBuffer(key))!.equals(all)).toBe(true);
    expect(await f.io.strlen(key)).toBe(256);
    expect((await f.io.getrangeBuffer(key, 250, -1)).equals(all.subarray(250))).toBe(true);
    expect(await f.io.append(key, Buffer.from([0]))).toBe(257);
    expect(await f.io.setrange(key, 300, Buffer.from([255]))).toBe(301);
    const v = (await f.io.getBuffer(key))!;
    expect(v.subarray(257, 300).every((b) => b === 0)).toBe(true);
    expect(v[300]).toBe(255);
  });

  it('keys given the same short value (one shared string in the parser) change on their own', async () => {
    expect(await f.io.call('MSET', 'a', 'xxx', 'b', 'xxx', 'c', '10', 'd', '10', 'e', 'ab', 'f', 'ab')).toBe('OK');
    expect(await f.io.append('a', 'y')).toBe(4);
    expect(await f.io.setrange('e', 1, 'z')).toBe(2);
    expect(await f.io.incr('c')).toBe(11);
    expect(await f.io.mget('a', 'b', 'c', 'd', 'e', 'f')).toEqual(['xxxy', 'xxx', '11', '10', 'az', 'ab']);
    expect(await f.io.call('OBJECT', 'ENCODING', 'b')).toBe('embstr');
    expect(await f.io.call('OBJECT', 'ENCODING', 'a')).toBe('raw');
    expect(await f.io.call('OBJECT', 'ENCODING', 'd')).toBe('int');
    // A wrong argument count is refused before anything is stored.
    await expect(f.io.call('MSET', 'g', 'xxx', 'h')).rejects.toThrow("ERR wrong number of arguments for 'mset' command");
    expect(await f.io.exists('g', 'h')).toBe(0);
  });

  it('MSET of many keys, long (past the 4 KiB remembered-hash limit) and binary ones, a key twice, TTLs dropped', async () => {
    const keys = Array.from({ length: 150 }, (_, i) => (i % 37 === 5 ? 'L'.repeat(9000 + i) : `key:\0\xff${i}`));
    keys.push(keys[3]);
    await f.io.set(Buffer.from(keys[7], 'latin1'), 'old', 'EX', 100);
    const argv = keys.flatMap((k, i) => [Buffer.from(k, 'latin1'), `v${i}`]);
    expect(await f.io.call('MSET', ...argv)).toBe('OK');
    const got = await f.io.mgetBuffer(...keys.map((k) => Buffer.from(k, 'latin1')));
    expect(got.map((b) => b?.toString())).toEqual(keys.map((k, i) => (k === keys[3] ? 'v150' : `v${i}`)));
    expect(await f.io.dbsize()).toBe(150);
    expect(await f.io.ttl(Buffer.from(keys[7], 'latin1'))).toBe(-1);
    expect(await f.io.call('MSETNX', ...argv)).toBe(0);
  });

  it('SET options through node-redis', async () => {
    expect(await f.nr.set('k', 'v', { condition: 'NX' })).toBe('OK');
    expect(await f.nr.set('k', 'w', { condition: 'NX' })).toBeNull();
    expect(await f.nr.set('k', 'x', { condition: 'XX', GET: true })).toBe('v');
    expect(await f.nr.set('k', 'y', { expiration: { type: 'EX', value: 100 } })).toBe('OK');
    expect(await f.nr.ttl('k')).toBe(100);
    expect(await f.nr.set('k', 'z', { expiration: 'KEEPTTL' })).toBe('OK');
    expect(await f.nr.ttl('k')).toBe(100);
    expect(await f.nr.getEx('k', { type: 'PERSIST' })).toBe('z');
    expect(await f.nr.ttl('k')).toBe(-1);
    expect(await f.nr.getDel('k')).toBe('z');
    expect(await f.nr.exists('k')).toBe(0);
    await expect(f.nr.sendCommand(['SET', 'k', 'v', 'EX', '0'])).rejects.toThrow("ERR invalid expire time in 'set' command");
    await expect(f.nr.sendCommand(['SET', 'k', 'v', 'NX', 'XX'])).rejects.toThrow('ERR syntax error');
  });

  it('counts correctly through a long INCR pipeline', async () => {
    const p = f.io.pipeline();
    for (let i = 0; i < 20000; i++) p.incr('counter');
    const res = await p.exec();
    expect(res!.at(-1)).toEqual([null, 20000]);
    expect(res!.every(([err]) => err === null)).toBe(true);
    expect(await f.io.get('counter')).toBe('20000');
    expect(await f.io.decrby('counter', 30000)).toBe(-10000);
  });

  it('INCR keeps int64 exactness past 2^53 (as strings in ioredis)', async () => {
    await f.io.set('n', '9223372036854775800');
    await f.io.incrby('n', 7);
    expect(await f.io.get('n')).toBe('9223372036854775807');
    await expect(f.io.incr('n')).rejects.toThrow('ERR increment or decrement would overflow');
    expect(await f.io.get('n')).toBe('9223372036854775807');
  });

  it('INCRBYFLOAT and MSET/MGET through node-redis', async () => {
    expect(await f.nr.incrByFloat('f', 10.5)).toBe('10.5');
    expect(await f.nr.incrByFloat('f', 0.1)).toBe('10.6');
    expect(await f.nr.mSet({ a: '1', b: '2' })).toBe('OK');
    expect(await f.nr.mGet(['a', 'missing', 'b'])).toEqual(['1', null, '2']);
    expect(await f.nr.mSetNX({ a: '3', c: '4' })).toBe(0);
    expect(await f.nr.mSetNX({ c: '4', d: '5' })).toBe(1);
  });

  it('LCS IDX is a map in RESP3 and a flat array in RESP2', async () => {
    await f.io.mset('a', 'ohmytext', 'b', 'mynewtext');
    expect(await f.io.call('LCS', 'a', 'b', 'IDX', 'WITHMATCHLEN')).toEqual([
      'matches',
      [
        [[4, 7], [5, 8], 4],
        [[2, 3], [0, 1], 2],
      ],
      'len',
      6,
    ]);
    const r3 = await f.nodeRedis({ RESP: 3 });
    // node-redis decodes a RESP3 map into an object; a RESP2 flat array would stay an array.
    expect(await r3.sendCommand(['LCS', 'a', 'b', 'IDX'])).toEqual({
      matches: [
        [
          [4, 7],
          [5, 8],
        ],
        [
          [2, 3],
          [0, 1],
        ],
      ],
      len: 6,
    });
  });

  it('answers with exact bytes on a raw socket, pipelined', async () => {
    const c = f.raw;
    c.write('*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$4\r\na\r\nb\r\n*2\r\n$3\r\nGET\r\n$1\r\nk\r\n*2\r\n$4\r\nMSET\r\n$1\r\nk\r\n');
    expect(await c.read()).toBe('+OK\r\n');
    expect(await c.read()).toBe('$4\r\na\r\nb\r\n');
    expect(await c.read()).toBe("-ERR wrong number of arguments for 'mset' command\r\n");
    expect(await c.call('GETRANGE', 'k', '1', '2')).toBe('$2\r\n\r\n\r\n');
    expect(await c.call('SETRANGE', 'k', '-1', 'x')).toBe('-ERR offset is out of range\r\n');
    expect(await c.call('LCS', 'k', 'k', 'LEN', 'IDX')).toBe('-ERR If you want both the length and indexes, please just use IDX.\r\n');
    expect(await c.call('GET', 'k')).toBe('$4\r\na\r\nb\r\n');
  });

  it('keeps the TTL on in-place updates and drops it on overwrite', async () => {
    await f.io.set('k', '1', 'EX', 100);
    await f.io.incr('k');
    await f.io.append('k', '0');
    await f.io.setrange('k', 0, '3');
    await f.io.incrbyfloat('k', 1.5);
    expect(await f.io.ttl('k')).toBe(100);
    expect(await f.io.get('k')).toBe('31.5');
    await f.io.getset('k', 'x');
    expect(await f.io.ttl('k')).toBe(-1);
  });

  it('reports Redis encodings', () => {
    expect(StringType.encoding('123')).toBe('int');
    expect(StringType.encoding('-9223372036854775808')).toBe('int');
    expect(StringType.encoding('9223372036854775808')).toBe('embstr');
    expect(StringType.encoding('007')).toBe('embstr');
    expect(StringType.encoding('x'.repeat(44))).toBe('embstr');
    expect(StringType.encoding('x'.repeat(45))).toBe('raw');
  });
});
