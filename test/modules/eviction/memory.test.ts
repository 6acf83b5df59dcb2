import * as v8 from 'v8';
import * as vm from 'vm';
import { useServer, waitFor } from '../../helpers/fixtures';

/** One field of an INFO reply. */
function field(info: string, name: string): number {
  const m = new RegExp(`^${name}:(.*)\\r$`, 'm').exec(info);
  if (m === null) throw new Error(`no ${name} in INFO`);
  return Number(m[1]);
}

/** used_memory's accounting, MEMORY USAGE/STATS/DOCTOR and lazy freeing. */
describe('memory accounting and lazyfree', () => {
  const f = useServer();
  /** Lazy frees run after the command that queued them: wait until none is pending. */
  const released = async () => waitFor(async () => field(await f.io.info('memory'), 'lazyfree_pending_objects') === 0, 'the lazy frees');

  afterEach(async () => {
    await f.io.config('SET', 'lazyfree-lazy-user-del', 'no');
    await f.io.config('SET', 'lazyfree-lazy-user-flush', 'no');
  });

  it('used_memory follows the dataset as keys are written, changed in place and removed', async () => {
    const used = async () => field(await f.io.info('memory'), 'used_memory');
    const empty = await used();
    const p = f.io.pipeline();
    for (let i = 0; i < 1000; i++) p.set(`k:${i}`, 'x'.repeat(1000));
    await p.exec();
    const full = await used();
    // 1000 values of 1000 bytes: about 1.1 MB with keys and entries.
    expect(full - empty).toBeGreaterThan(1000 * 1000);
    expect(full - empty).toBeLessThan(1000 * 1400);
    // A collection growing in place is measured again within a cron period.
    const h = f.io.pipeline();
    for (let i = 0; i < 500; i++) h.hset('h', `field:${i}`, 'y'.repeat(200));
    await h.exec();
    await waitFor(async () => (await used()) - full > 500 * 200, 'the cron to measure the hash again');
    await f.io.flushall();
    expect((await used()) - empty).toBeLessThan(100 * 1024);
  });

  it('forgets a collection changed in place, then replaced by a string and deleted, before measuring it', async () => {
    await f.io.hset('h', 'a', '1');
    await f.io.set('h', 'now a string');
    const remeasured = jest.spyOn(f.server.keyspace, 'remeasure');
    await f.io.del('h');
    // Two cron ticks from here: the first may run before the DEL arrives, the second after it.
    await waitFor(() => remeasured.mock.calls.length >= 2, 'two cron ticks');
    remeasured.mockRestore();
    expect(await f.io.ping()).toBe('PONG');
    expect(f.server.stats.handlerErrors).toBe(0);
    expect(f.server.keyspace.db(0).bytes).toBe(0);
  });

  it('INFO memory parts add up, and MEMORY STATS agrees with it', async () => {
    await f.io.set('k', 'x'.repeat(10000));
    const info = await f.io.info('memory');
    const used = field(info, 'used_memory');
    expect(field(info, 'used_memory_overhead') + field(info, 'used_memory_dataset')).toBe(used);
    expect(field(info, 'used_memory_startup')).toBeGreaterThan(0);
    expect(field(info, 'used_memory_peak')).toBeGreaterThanOrEqual(used);
    expect(field(info, 'used_memory_rss')).toBeGreaterThan(0);
    expect(info).toMatch(/^mem_fragmentation_ratio:\d+\.\d\d\r$/m);
    expect(info).toContain('mem_allocator:v8\r\n');
    await f.io.script('LOAD', 'return 1');
    expect(field(await f.io.info('memory'), 'number_of_cached_scripts')).toBeGreaterThanOrEqual(1);
    const stats = (await f.io.memory('STATS')) as unknown[];
    const at = (name: string) => stats[stats.indexOf(name) + 1] as number;
    expect(at('keys.count')).toBe(1);
    expect(at('dataset.bytes')).toBeGreaterThan(10000);
    expect(at('startup.allocated')).toBe(field(info, 'used_memory_startup'));
  });

  it('MEMORY USAGE is the key\'s share of used_memory, and checks its arguments', async () => {
    await f.io.set('k', 'x'.repeat(1000));
    // The clients' part of used_memory is left out: the cron samples it again at any tick.
    const data = (): number => f.server.memory.used - f.server.memory.clientBytes;
    const before = data();
    const usage = (await f.io.memory('USAGE', 'k')) as number;
    expect(usage).toBeGreaterThan(1000);
    await f.io.del('k');
    expect(before - data()).toBe(usage);
    await f.io.set('k', 'v');
    await expect(f.io.memory('USAGE', 'k', 'SAMPLES', 'x')).rejects.toThrow('ERR value is not an integer or out of range');
    await expect(f.io.memory('USAGE', 'k', 'SAMPLES', '-1')).rejects.toThrow('ERR syntax error');
    await expect(f.io.call('MEMORY', 'USAGE', 'k', 'FOO')).rejects.toThrow('ERR syntax error');
    expect(await f.io.memory('USAGE', 'missing')).toBeNull();
  });

  it('MEMORY DOCTOR reports an empty instance, then no issue', async () => {
    expect(await f.io.memory('DOCTOR')).toMatch(/^Hi Sam, this instance is empty or is using very little memory/);
    const p = f.io.pipeline();
    for (let i = 0; i < 6000; i++) p.set(`k:${i}`, 'x'.repeat(1000));
    await p.exec();
    expect(await f.io.memory('DOCTOR')).toMatch(/^(Hi Sam, I can't find any memory issue|Sam, I detected a few issues)/);
  });

  it('UNLINK frees a large collection off the command path and counts it', async () => {
    const p = f.io.pipeline();
    for (let i = 0; i < 500; i++) p.sadd('big', `member:${i}:${'z'.repeat(20)}`);
    p.sadd('small', 'a');
    await p.exec();
    const before = field(await f.io.info('memory'), 'lazyfreed_objects');
    const [[, n], [, info]] = (await f.io.pipeline().unlink('big', 'small').info('memory').exec()) as [unknown, unknown][];
    expect(n).toBe(2);
    // Released at the next event-loop turn: pending within the same pipeline.
    expect(field(info as string, 'lazyfree_pending_objects')).toBe(1);
    await released();
    const after = await f.io.info('memory');
    expect(field(after, 'lazyfree_pending_objects')).toBe(0);
    expect(field(after, 'lazyfreed_objects')).toBe(before + 1);
  });

  it('DEL is lazy with lazyfree-lazy-user-del, FLUSHALL with ASYNC or lazyfree-lazy-user-flush', async () => {
    const big = async (key: string) => {
      const p = f.io.pipeline();
      // Items over a quicklist node's 8 KB: 100 nodes, past the 64 Redis frees on the spot.
      for (let i = 0; i < 100; i++) p.rpush(key, `item:${i}:${'z'.repeat(10 * 1024)}`);
      await p.exec();
    };
    const freed = async () => field(await f.io.info('memory'), 'lazyfreed_objects');
    await big('l');
    let before = await freed();
    await f.io.del('l');
    await released();
    expect(await freed()).toBe(before);
    await f.io.config('SET', 'lazyfree-lazy-user-del', 'yes');
    await big('l');
    await f.io.del('l');
    await released();
    expect(await freed()).toBe(before + 1);
    before = await freed();
    await f.io.mset('a', '1', 'b', '2', 'c', '3');
    await f.io.call('FLUSHALL', 'ASYNC');
    await released();
    expect(await freed()).toBe(before + 3);
    await f.io.mset('a', '1', 'b', '2');
    await f.io.call('FLUSHALL', 'SYNC');
    await released();
    expect(await freed()).toBe(before + 3);
    await f.io.config('SET', 'lazyfree-lazy-user-flush', 'yes');
    await f.io.mset('a', '1', 'b', '2');
    await f.io.flushdb();
    await released();
    expect(await freed()).toBe(before + 5);
    await expect(f.io.call('FLUSHALL', 'LATER')).rejects.toThrow('ERR syntax error');
  });
  it('collects a large garbage once the server has been idle for a second, once per quiet period', () => {
    const memory = f.server.memory;
    const heap = () => v8.getHeapStatistics().used_heap_size;
    const MB = 1024 * 1024;
    // Memory worth collecting: the dataset estimate (in-process, the test runner's heap at start) and
    // 80 MB more, as strings of 512 KB (on V8's heap: Node makes larger ones external). It is held
    // until the step that should collect it: V8 collects on its own at any allocation (sooner on a
    // loaded machine), and garbage it took first would look small to the server.
    const allocate = (): string[] => {
      const junk: string[] = [];
      for (let n = 0; n < memory.used + 80 * MB; n += MB / 2) junk.push(Buffer.alloc(MB / 2, n & 0xff).toString('latin1'));
      return junk;
    };
    const t = Date.now() + 60_000;
    // Whether the server collected is read from its counter, not from a heap V8 may shrink itself.
    const collections = () => memory.idleCollections;
    // The runner's own garbage first, seen by the cron: the server's baseline (taken at its start,
    // with whatever the runner held then) follows V8's collections down.
    v8.setFlagsFromString('--expose-gc');
    (vm.runInNewContext('gc') as () => void)();
    memory.collectWhenIdle(0, t - 10_000);
    memory.collectWhenIdle(1, t);
    const before = collections();
    const holder: { junk: string[] | null } = { junk: allocate() };
    const full = heap();
    // Input arrived: not idle, nothing collected.
    memory.collectWhenIdle(2, t + 1500);
    expect(collections()).toBe(before);
    // Quiet for less than a second: still nothing.
    memory.collectWhenIdle(2, t + 2000);
    expect(collections()).toBe(before);
    holder.junk = null;
    memory.collectWhenIdle(2, t + 2500);
    expect(collections()).toBe(before + 1);
    expect(heap()).toBeLessThan(full - 64 * MB);
    // One collection per quiet period: new growth waits for the next one.
    holder.junk = allocate();
    const again = heap();
    memory.collectWhenIdle(2, t + 5000);
    expect(collections()).toBe(before + 1);
    memory.collectWhenIdle(3, t + 5100);
    holder.junk = null;
    memory.collectWhenIdle(3, t + 6100);
    expect(collections()).toBe(before + 2);
    expect(heap()).toBeLessThan(again - 64 * MB);
    // Quiet again with nothing new: no collection, even once settled.
    memory.collectWhenIdle(4, t + 6200);
    memory.collectWhenIdle(4, t + 12200);
    expect(collections()).toBe(before + 2);
  });
});
