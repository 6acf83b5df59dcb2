import Redis from 'ioredis';
import type { Ferrous } from '../../../kernel/bootstrap';
import { Keyspace, RDB_SNAPSHOTS, type RdbSnapshots } from '../../../kernel';
import { startTestServer } from '../../helpers/server';

/**
 * The fork-less snapshot walks the keyspace's rows downwards while writes run between its
 * slices; a removal moves the last row into the removed one's place. Whatever the writes do
 * (change, delete — the last row's key among them —, create, set TTLs), the image holds
 * every key as it was when the snapshot began, each once.
 */
describe('a snapshot taken while writes run between its slices', () => {
  let f: Ferrous;
  let g: Ferrous;

  beforeAll(async () => {
    f = await startTestServer({});
    g = await startTestServer({});
  });
  afterAll(async () => {
    await f.stop();
    await g.stop();
  });

  it('holds the dataset as it was at its start', async () => {
    const ks = f.container.resolve(Keyspace);
    const db0 = ks.db(0);
    const db1 = ks.db(1);
    const N = 100_000;
    for (let i = 0; i < N; i++) db0.set(`k:${i}`, `v:${i}`);
    for (let i = 0; i < 1000; i++) db1.set(`one:${i}`, `w:${i}`);
    const expected = new Map<string, string>();
    for (let i = 0; i < N; i++) expected.set(`k:${i}`, `v:${i}`);

    // A fixed pseudo-random sequence, so a failure repeats.
    let seed = 12345;
    const rand = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed % n;
    };
    const chunks: Buffer[] = [];
    const stream = f.container.resolve<RdbSnapshots>(RDB_SNAPSHOTS).stream((b) => chunks.push(b));
    let finished = false;
    void stream.done.then(() => (finished = true));
    let turns = 0;
    let created = 0;
    while (!finished) {
      turns++;
      for (let j = 0; j < 20; j++) {
        const op = rand(6);
        if (op === 0 && db0.size > 0) db0.delete(db0.keyAt(db0.size - 1));
        else if (op === 1 && db0.size > 0) db0.delete(db0.keyAt(rand(db0.size)));
        else if (op === 2 && db0.size > 0) db0.set(db0.keyAt(rand(db0.size)), `changed:${turns}`);
        else if (op === 3) db0.set(`new:${created++}`, 'x');
        else if (op === 4 && db0.size > 0) db0.setExpire(db0.keyAt(rand(db0.size)), Date.now() + 1_000_000);
        else db1.delete(`one:${rand(1000)}`);
      }
      await new Promise((r) => setImmediate(r));
    }
    // The walk was interleaved with writes many times.
    expect(turns).toBeGreaterThan(5);

    const loaded = await g.container.resolve<RdbSnapshots>(RDB_SNAPSHOTS).load(Buffer.concat(chunks));
    expect(loaded.keys).toBe(N + 1000);
    const c = new Redis(g.port);
    expect(await c.dbsize()).toBe(N);
    const keys = [...expected.keys()];
    const values = await c.mget(keys);
    expect(values).toEqual(keys.map((k) => expected.get(k)));
    const ttls = await c.pipeline(keys.slice(0, 2000).map((k) => ['pttl', k])).exec();
    expect(ttls!.every(([, t]) => t === -1)).toBe(true);
    await c.select(1);
    expect(await c.dbsize()).toBe(1000);
    c.disconnect();
  }, 60_000);
});
