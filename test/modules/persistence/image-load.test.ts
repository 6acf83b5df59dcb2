import Redis from 'ioredis';
import type { Ferrous } from '../../../kernel/bootstrap';
import { RDB_SNAPSHOTS, type RdbSnapshots } from '../../../kernel';
import { waitFor } from '../../helpers/fixtures';
import { startTestServer } from '../../helpers/server';

/**
 * RDB_SNAPSHOTS.loadStream: a master's image loaded as it arrives, whatever the pieces it
 * comes in (records cut anywhere, values larger than a piece), and nothing of it kept when it
 * turns out short, corrupt or is aborted.
 */
describe('loading an RDB image as it arrives', () => {
  let f: Ferrous;
  let c: Redis;
  let snapshots: RdbSnapshots;

  beforeAll(async () => {
    f = await startTestServer({ 'enable-debug-command': 'yes' });
    c = new Redis(f.port);
    snapshots = f.container.resolve(RDB_SNAPSHOTS);
  });
  afterAll(async () => {
    c.disconnect();
    await f.stop();
  });

  async function image(): Promise<Buffer> {
    const chunks: Buffer[] = [];
    await snapshots.stream((b) => chunks.push(b)).done;
    return Buffer.concat(chunks);
  }

  async function fill(): Promise<void> {
    await c.flushall();
    await c.call('DEBUG', 'POPULATE', '2000');
    await c.set('big', 'x'.repeat(200000) + '\x00\xff');
    await c.set('compressible', 'ab'.repeat(5000));
    await c.set('int', '12345');
    await c.rpush('list', 'a', 'b', '3');
    await c.sadd('set', '1', '2', 'x');
    await c.sadd('intset', '1', '2', '3');
    await c.zadd('zset', '1.5', 'a', '-2', 'b');
    await c.hset('hash', 'f', 'v', 'g', 'w');
    await c.xadd('stream', '1-1', 'k', 'v');
    await c.set('ttl', 'v', 'PX', 100000);
    await c.select(3);
    await c.set('in3', 'v');
    await c.select(0);
  }

  it('reads an image fed in pieces of any size into the same dataset', async () => {
    await fill();
    const digest = await c.call('DEBUG', 'DIGEST');
    const img = await image();
    for (const piece of [1, 7, 1000, 65536]) {
      const load = snapshots.loadStream(piece === 7 ? -1 : img.length);
      expect(await c.dbsize()).toBe(0);
      for (let at = 0; at < img.length; at += piece) {
        load.feed(img.subarray(at, Math.min(img.length, at + piece)));
        // Let the slices run between pieces, as between socket reads.
        if (at % (piece * 64) === 0) await new Promise((r) => setImmediate(r));
      }
      load.end();
      const loaded = await load.done;
      expect(loaded.keys).toBe(2000 + 11);
      expect(loaded.aux.get('redis-ver')).toBeDefined();
      expect(await c.call('DEBUG', 'DIGEST')).toBe(digest);
      expect(await c.pttl('ttl')).toBeGreaterThan(0);
    }
  }, 60000);

  it('refuses a short image or a wrong checksum and leaves nothing loaded', async () => {
    await fill();
    const img = await image();
    const short = snapshots.loadStream(img.length);
    short.feed(img.subarray(0, img.length - 100));
    short.end();
    await expect(short.done).rejects.toThrow(/unexpected end of data/);
    expect(await c.dbsize()).toBe(0);

    await fill();
    const bad = Buffer.from(img);
    bad[bad.length - 1] ^= 0xff;
    const corrupt = snapshots.loadStream(-1);
    corrupt.feed(bad);
    corrupt.end();
    await expect(corrupt.done).rejects.toThrow(/Wrong RDB checksum/);
    expect(await c.dbsize()).toBe(0);

    const garbage = snapshots.loadStream(-1);
    garbage.feed(Buffer.from('NOTREDIS0010'));
    await expect(garbage.done).rejects.toThrow('Wrong signature trying to load DB from file');
  });

  it('empties the dataset when aborted halfway', async () => {
    await fill();
    const img = await image();
    const load = snapshots.loadStream(img.length);
    load.feed(img.subarray(0, img.length >> 1));
    // The load runs in slices: wait until the first keys are in.
    await waitFor(async () => (await c.dbsize()) > 0, 'the first slice of the load');
    load.abort();
    await expect(load.done).rejects.toThrow('the load was aborted');
    expect(await c.dbsize()).toBe(0);
    // Bytes after the abort are ignored.
    load.feed(img);
    load.end();
    expect(await c.dbsize()).toBe(0);
  });

  it('refuses a key stored twice, in the same batch or far apart, and leaves nothing loaded', async () => {
    // "REDIS0010", SELECTDB 0, string records, EOF and a zero checksum (not checked).
    const record = (k: string) => Buffer.from([0, k.length, ...Buffer.from(k), 1, 0x76]);
    const image = (keys: string[]) => Buffer.concat([Buffer.from('REDIS0010'), Buffer.from([0xfe, 0]), ...keys.map(record), Buffer.from([0xff]), Buffer.alloc(8)]);
    const many = Array.from({ length: 300 }, (_, i) => `k${i}`);
    for (const keys of [['a', 'b', 'a'], [...many, 'k3'], [...many, 'k299']]) {
      await c.set('before', '1');
      await expect(snapshots.load(image(keys))).rejects.toThrow(`Duplicate key '${keys[keys.length - 1]}' in DB 0`);
      expect(await c.dbsize()).toBe(0);
    }
    expect((await snapshots.load(image(many))).keys).toBe(300);
    expect(await c.get('k299')).toBe('v');
  });
});
