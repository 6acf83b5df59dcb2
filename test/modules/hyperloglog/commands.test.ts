import { useServer } from '../../helpers/fixtures';

describe('hyperloglog module through real clients', () => {
  const f = useServer();

  it('estimates cardinalities within the HLL standard error through ioredis', async () => {
    const elements = Array.from({ length: 10000 }, (_, i) => `user:${i}`);
    expect(await f.io.pfadd('visits', ...elements)).toBe(1);
    expect(await f.io.pfadd('visits', ...elements.slice(0, 100))).toBe(0);
    const n = await f.io.pfcount('visits');
    // 0.81% standard error for 16384 registers: 3% is comfortably beyond 3 sigma.
    expect(Math.abs(n - 10000)).toBeLessThan(300);
    const v = (await f.io.getBuffer('visits'))!;
    expect(v.subarray(0, 4).toString()).toBe('HYLL');
    expect(v[4]).toBe(0);
    expect(v.length).toBe(16 + 12288);
  });

  it('keeps small sets sparse and exact-ish, with binary elements', async () => {
    expect(await f.io.pfadd('s', Buffer.from([0]), Buffer.from([255, 0, 13, 10]), 'a')).toBe(1);
    expect(await f.io.pfcount('s')).toBe(3);
    const v = (await f.io.getBuffer('s'))!;
    expect(v[4]).toBe(1);
    expect(v.length).toBeLessThan(40);
    // The cardinality is cached in the header once counted (top bit of byte 15 clear).
    expect(v[15] & 0x80).toBe(0);
    expect(v[8]).toBe(3);
  });

  it('PFMERGE and multi-key PFCOUNT through node-redis', async () => {
    await f.nr.pfAdd('a', ['1', '2', '3']);
    await f.nr.pfAdd('b', ['3', '4']);
    expect(await f.nr.pfCount(['a', 'b'])).toBe(4);
    expect(await f.nr.pfMerge('c', ['a', 'b'])).toBe('OK');
    expect(await f.nr.pfCount('c')).toBe(4);
    await f.nr.set('plain', 'not an hll');
    await expect(f.nr.pfCount('plain')).rejects.toThrow('WRONGTYPE Key is not a valid HyperLogLog string value.');
    await f.nr.rPush('list', 'x');
    await expect(f.nr.pfAdd('list', 'x')).rejects.toThrow('WRONGTYPE Operation against a key holding the wrong kind of value');
  });

  it('a copied HLL string stays usable', async () => {
    await f.io.pfadd('orig', 'x', 'y', 'z');
    await f.io.set('copy', (await f.io.getBuffer('orig'))!);
    expect(await f.io.pfadd('copy', 'w')).toBe(1);
    expect(await f.io.pfcount('copy')).toBe(4);
    expect(await f.io.pfcount('orig', 'copy')).toBe(4);
  });
});
