import { useServer } from '../../helpers/fixtures';

describe('bitmaps module through real clients', () => {
  const f = useServer();

  it('SETBIT/GETBIT/BITCOUNT/BITPOS through ioredis on binary data', async () => {
    expect(await f.io.setbit('b', 0, 1)).toBe(0);
    expect(await f.io.setbit('b', 15, 1)).toBe(0);
    expect(await f.io.setbit('b', 15, 1)).toBe(1);
    expect((await f.io.getBuffer('b'))!.equals(Buffer.from([0x80, 0x01]))).toBe(true);
    expect(await f.io.getbit('b', 15)).toBe(1);
    expect(await f.io.getbit('b', 14)).toBe(0);
    expect(await f.io.bitcount('b')).toBe(2);
    expect(await f.io.bitcount('b', 1, 1)).toBe(1);
    expect(await f.io.bitcount('b', 1, 14, 'BIT')).toBe(0);
    expect(await f.io.bitpos('b', 1, 1)).toBe(15);
    expect(await f.io.bitpos('b', 0)).toBe(1);
    await f.io.set('ones', Buffer.from([0xff, 0xff]));
    // Clear bits: past the end without an explicit end, -1 within an explicit range.
    expect(await f.io.bitpos('ones', 0)).toBe(16);
    expect(await f.io.bitpos('ones', 0, 0, -1)).toBe(-1);
    expect(await f.io.bitpos('missing', 0)).toBe(0);
    expect(await f.io.bitpos('missing', 1)).toBe(-1);
  });

  it('SETBIT at a large offset zero-fills the string', async () => {
    expect(await f.io.setbit('big', 8 * 1024 * 1024 - 1, 1)).toBe(0);
    expect(await f.io.strlen('big')).toBe(1024 * 1024);
    expect(await f.io.bitcount('big')).toBe(1);
    expect(await f.io.bitpos('big', 1)).toBe(8 * 1024 * 1024 - 1);
    expect(await f.io.bitpos('big', 1, -1)).toBe(8 * 1024 * 1024 - 1);
    expect(await f.io.bitcount('big', -1, -1)).toBe(1);
    await expect(f.io.setbit('big', 4294967296, 1)).rejects.toThrow('ERR bit offset is not an integer or out of range');
  });

  it('BITOP through node-redis', async () => {
    await f.io.set('a', Buffer.from([0xf0, 0x0f, 0xaa]));
    await f.io.set('b', Buffer.from([0xff]));
    expect(await f.nr.bitOp('AND', 'd', ['a', 'b'])).toBe(3);
    expect((await f.io.getBuffer('d'))!.equals(Buffer.from([0xf0, 0, 0]))).toBe(true);
    expect(await f.nr.bitOp('OR', 'd', ['a', 'b'])).toBe(3);
    expect((await f.io.getBuffer('d'))!.equals(Buffer.from([0xff, 0x0f, 0xaa]))).toBe(true);
    expect(await f.nr.bitOp('XOR', 'd', ['a', 'b'])).toBe(3);
    expect((await f.io.getBuffer('d'))!.equals(Buffer.from([0x0f, 0x0f, 0xaa]))).toBe(true);
    expect(await f.nr.bitOp('NOT', 'd', 'a')).toBe(3);
    expect((await f.io.getBuffer('d'))!.equals(Buffer.from([0x0f, 0xf0, 0x55]))).toBe(true);
    expect(await f.nr.bitOp('OR', 'd', ['nothing', 'none'])).toBe(0);
    expect(await f.io.exists('d')).toBe(0);
    await expect(f.nr.bitOp('NOT', 'd', ['a', 'b'])).rejects.toThrow('ERR BITOP NOT must be called with a single source key.');
  });

  it('BITFIELD counters, overflow modes and 64-bit values', async () => {
    expect(await f.io.call('BITFIELD', 'c', 'INCRBY', 'u2', '#0', 1, 'INCRBY', 'u2', '#1', 3)).toEqual([1, 3]);
    const sat = ['OVERFLOW', 'SAT', 'INCRBY', 'u2', '#1', 1];
    expect(await f.io.call('BITFIELD', 'c', ...sat, 'OVERFLOW', 'FAIL', 'INCRBY', 'u2', '#0', 5)).toEqual([3, null]);
    expect(await f.io.call('BITFIELD', 'c', 'INCRBY', 'u2', '#1', 1, 'GET', 'u4', 0)).toEqual([0, 4]);
    // ioredis turns 64-bit integers into lossy numbers: compare the raw reply.
    const min = '-9223372036854775808';
    const r = await f.raw.call('BITFIELD', 'w', 'SET', 'i64', '0', min, 'GET', 'i64', '0', 'GET', 'u63', '1');
    expect(r).toBe('*3\r\n:0\r\n:-9223372036854775808\r\n:0\r\n');
    expect(await f.io.call('BITFIELD_RO', 'c', 'GET', 'u8', '0')).toEqual([64]);
    await expect(f.io.call('BITFIELD_RO', 'c', 'SET', 'u8', '0', '1')).rejects.toThrow(
      'ERR BITFIELD_RO only supports the GET subcommand',
    );
    await expect(f.io.bitfield('c', 'GET', 'u64', 0)).rejects.toThrow('ERR Invalid bitfield type.');
  });

  it('bit commands refuse other types with WRONGTYPE', async () => {
    await f.io.rpush('l', 'x');
    const cmds = [
      ['SETBIT', 'l', '0', '1'],
      ['GETBIT', 'l', '0'],
      ['BITCOUNT', 'l'],
      ['BITPOS', 'l', '1'],
      ['BITOP', 'OR', 'd', 'l'],
      ['BITFIELD', 'l', 'GET', 'u8', '0'],
    ];
    for (const cmd of cmds) {
      expect(await f.raw.call(...cmd)).toBe('-WRONGTYPE Operation against a key holding the wrong kind of value\r\n');
    }
  });
});
