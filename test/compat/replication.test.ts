import Redis from 'ioredis';
import type { Ferrous } from '../../kernel/bootstrap';
import { startRealRedis, type RealRedis } from '../helpers/redis';
import { caughtUp, field, linkUp, SYNC_TIMEOUT } from '../helpers/replication';
import { waitFor } from '../helpers/fixtures';
import { startTestServer } from '../helpers/server';

const FERROUS_OPTS = { 'repl-diskless-sync-delay': 0, 'enable-debug-command': 'yes' };
const REDIS_ARGS = ['--repl-diskless-sync-delay', '0', '--enable-debug-command', 'yes'];

/** Every key of every non-empty database with its DEBUG DIGEST-VALUE and TTL, in key order. */
async function dataset(c: Redis): Promise<Array<[number, string, string, number]>> {
  const out: Array<[number, string, string, number]> = [];
  const dbs = (await c.info('keyspace')).match(/^db(\d+):/gm) ?? [];
  for (const d of dbs) {
    const db = Number(d.slice(2, -1));
    await c.select(db);
    const keys = (await c.keys('*')).sort();
    for (const k of keys) {
      const [digest] = (await c.call('DEBUG', 'DIGEST-VALUE', k)) as string[];
      const ttl = await c.ttl(k);
      out.push([db, k, digest, ttl > 0 ? Math.round(ttl / 100) : ttl]);
    }
  }
  await c.select(0);
  return out;
}

async function sameData(a: Redis, b: Redis): Promise<void> {
  const [da, db] = [await dataset(a), await dataset(b)];
  expect(da.length).toBeGreaterThan(0);
  expect(db).toEqual(da);
  expect(await b.call('DEBUG', 'DIGEST')).toBe(await a.call('DEBUG', 'DIGEST'));
}

/** Data of every type, in small and large encodings, with TTLs, a stream with a consumer group, and several databases. */
async function fill(c: Redis, tag: string): Promise<void> {
  const many = <T>(n: number, f: (i: number) => T): T[] => Array.from({ length: n }, (_, i) => f(i));
  await c.set(`${tag}:s`, 'v\x00\xff\r\n');
  await c.set(`${tag}:int`, '12345');
  await c.set(`${tag}:big`, 'x'.repeat(100000));
  await c.rpush(`${tag}:l`, 'a', 'b', 'c');
  await c.rpush(`${tag}:biglist`, ...many(1000, (i) => `e${i}`));
  await c.sadd(`${tag}:iset`, '1', '2', '3');
  await c.sadd(`${tag}:set`, ...many(600, (i) => `m${i}`));
  await c.zadd(`${tag}:z`, '1.5', 'a', '-2', 'b', 'inf', 'c');
  await c.zadd(`${tag}:bigz`, ...many(300, (i) => [String(i / 7), `z${i}`]).flat());
  await c.hset(`${tag}:h`, 'f', 'v', 'g', '1');
  await c.hset(`${tag}:bigh`, ...many(300, (i) => [`f${i}`, 'v'.repeat(i % 90)]).flat());
  await c.pfadd(`${tag}:hll`, ...many(50, (i) => `p${i}`));
  await c.setbit(`${tag}:bits`, 1000, 1);
  await c.geoadd(`${tag}:geo`, '13.361389', '38.115556', 'Palermo');
  await c.xadd(`${tag}:st`, '1-1', 'f', 'v');
  await c.xadd(`${tag}:st`, '2-1', 'g', 'w', 'h', 'x');
  await c.xgroup('CREATE', `${tag}:st`, 'grp', '0');
  await c.xreadgroup('GROUP', 'grp', 'alice', 'COUNT', '1', 'STREAMS', `${tag}:st`, '>');
  await c.set(`${tag}:ttl`, 'x', 'EX', 1000);
  await c.hset(`${tag}:httl`, 'a', 'b');
  await c.pexpire(`${tag}:httl`, 5000000);
  await c.select(5);
  await c.set(`${tag}:in5`, '5');
  await c.lpush(`${tag}:l5`, 'x');
  await c.select(0);
}

/** Writes of every kind through the live stream: MULTI/EXEC, scripts, SELECT, rewritten commands. */
async function liveWrites(c: Redis, tag: string): Promise<void> {
  await c.multi().incr(`${tag}:n`).lpush(`${tag}:l`, 'z').exec();
  await c.eval("redis.call('set', KEYS[1], 'lua'); redis.call('spop', KEYS[2]); return 1", 2, `${tag}:lua`, `${tag}:iset`);
  await c.select(7);
  await c.set(`${tag}:in7`, 'x');
  await c.select(0);
  await c.expire(`${tag}:s`, 1000);
  await c.incrbyfloat(`${tag}:f`, '1.5');
  await c.del(`${tag}:big`);
  await c.zincrby(`${tag}:z`, 2, 'a');
  await c.hincrby(`${tag}:h`, 'g', 5);
  await c.lmove(`${tag}:l`, `${tag}:l2`, 'LEFT', 'RIGHT');
  await c.xadd(`${tag}:st2`, '*', 'f', 'v');
  await c.xadd(`${tag}:st2`, 'MAXLEN', '5', '*', 'f', 'w');
  await c.xgroup('CREATE', `${tag}:st2`, 'g2', '0', 'MKSTREAM');
  await c.xreadgroup('GROUP', 'g2', 'bob', 'STREAMS', `${tag}:st2`, '>');
  await c.xack(`${tag}:st2`, 'g2', '0-1');
}

describe('replication vs redis-server 7.0', () => {
  let ferrous: Ferrous;
  let redis: RealRedis;
  let f: Redis;
  let r: Redis;

  afterEach(async () => {
    f?.disconnect();
    r?.disconnect();
    await redis?.stop();
    await ferrous?.stop();
  });

  it('a Redis replica of a Ferrous master: full sync of every type, the live stream, a partial resync after a kill, WAIT, READONLY', async () => {
    ferrous = await startTestServer(FERROUS_OPTS);
    f = new Redis(ferrous.port);
    await fill(f, 'pre');
    redis = await startRealRedis([...REDIS_ARGS, '--replicaof', '127.0.0.1', String(ferrous.port)]);
    r = new Redis(redis.port);
    await linkUp(r);
    await caughtUp(f, r);
    await sameData(f, r);
    await fill(f, 'post');
    await liveWrites(f, 'post');
    await caughtUp(f, r);
    await sameData(f, r);
    expect(await f.call('WAIT', '1', '5000')).toBe(1);
    // The link killed from the replica's side: Redis resumes with PSYNC, Ferrous answers +CONTINUE.
    expect(await r.client('KILL', 'TYPE', 'master')).toBe(1);
    await f.set('while-down', '1');
    await waitFor(async () => field(await f.info('stats'), 'sync_partial_ok') === '1', 'the partial resync', SYNC_TIMEOUT);
    await linkUp(r);
    await caughtUp(f, r);
    expect(await r.get('while-down')).toBe('1');
    expect(field(await f.info('stats'), 'sync_full')).toBe('1');
    await sameData(f, r);
    await expect(r.set('x', 'y')).rejects.toThrow("READONLY You can't write against a read only replica.");
  }, 60000);

  it('a Redis replica of a Ferrous master with repl-diskless-sync no (length-prefixed image)', async () => {
    ferrous = await startTestServer({ ...FERROUS_OPTS, 'repl-diskless-sync': 'no' });
    f = new Redis(ferrous.port);
    await fill(f, 'pre');
    redis = await startRealRedis([...REDIS_ARGS, '--replicaof', '127.0.0.1', String(ferrous.port)]);
    r = new Redis(redis.port);
    await linkUp(r);
    await liveWrites(f, 'pre');
    await caughtUp(f, r);
    await sameData(f, r);
  }, 60000);

  it('a Ferrous replica of a Redis master: full sync, live stream, ACKs for WAIT, a partial resync after a kill, then failover to Ferrous with Redis resyncing partially', async () => {
    redis = await startRealRedis(REDIS_ARGS);
    r = new Redis(redis.port);
    await fill(r, 'pre');
    ferrous = await startTestServer(FERROUS_OPTS);
    f = new Redis(ferrous.port);
    expect(await f.replicaof('127.0.0.1', String(redis.port))).toBe('OK');
    await linkUp(f);
    await caughtUp(r, f);
    await sameData(r, f);
    await fill(r, 'post');
    await liveWrites(r, 'post');
    await caughtUp(r, f);
    await sameData(r, f);
    expect(await r.call('WAIT', '1', '5000')).toBe(1);
    await expect(f.set('x', 'y')).rejects.toThrow("READONLY You can't write against a read only replica.");
    // The stream is in db 4 when the link drops: after the partial resync it goes on there.
    await r.select(4);
    await r.set('in4', '1');
    await caughtUp(r, f);
    expect(await f.client('KILL', 'TYPE', 'master')).toBe(1);
    await r.set('while-down', '1');
    await waitFor(async () => field(await r.info('stats'), 'sync_partial_ok') === '1', 'the partial resync', SYNC_TIMEOUT);
    await linkUp(f);
    await caughtUp(r, f);
    await r.select(0);
    await f.select(4);
    expect(await f.get('while-down')).toBe('1');
    await f.select(0);
    // Failover: Ferrous takes over, the old master follows it and resumes from its history.
    expect(await f.replicaof('NO', 'ONE')).toBe('OK');
    await f.set('promoted', '1');
    expect(await r.replicaof('127.0.0.1', String(ferrous.port))).toBe('OK');
    await linkUp(r);
    await caughtUp(f, r);
    const stats = await f.info('stats');
    expect(field(stats, 'sync_full')).toBe('0');
    expect(field(stats, 'sync_partial_ok')).toBe('1');
    expect(await r.get('promoted')).toBe('1');
    await sameData(f, r);
  }, 60000);

  it('a chain Redis -> Ferrous -> Redis forwards the stream byte for byte', async () => {
    redis = await startRealRedis(REDIS_ARGS);
    r = new Redis(redis.port);
    await fill(r, 'pre');
    ferrous = await startTestServer(FERROUS_OPTS);
    f = new Redis(ferrous.port);
    await f.replicaof('127.0.0.1', String(redis.port));
    await linkUp(f);
    // The stream has selected db 9 when the sub-replica joins: the image tells it so (repl-stream-db).
    await r.select(9);
    await r.set('in9', '1');
    await caughtUp(r, f);
    const sub = await startRealRedis([...REDIS_ARGS, '--replicaof', '127.0.0.1', String(ferrous.port)]);
    const s = new Redis(sub.port);
    try {
      await linkUp(s);
      await r.set('in9-after', '1');
      await r.select(0);
      await caughtUp(r, f, s);
      await s.select(9);
      expect(await s.get('in9-after')).toBe('1');
      await s.select(0);
      // And a Ferrous sub-replica of the Ferrous replica the same way.
      const ferrousSub = await startTestServer(FERROUS_OPTS);
      const fs2 = new Redis(ferrousSub.port);
      try {
        await r.select(9);
        await r.set('in9-before-sub', '1');
        await caughtUp(r, f);
        await fs2.replicaof('127.0.0.1', String(ferrous.port));
        await linkUp(fs2);
        await r.set('in9-after-sub', '1');
        await r.select(0);
        await caughtUp(r, f, fs2);
        await fs2.select(9);
        expect(await fs2.get('in9-after-sub')).toBe('1');
      } finally {
        fs2.disconnect();
        await ferrousSub.stop();
      }
      await liveWrites(r, 'pre');
      await caughtUp(r, f, s);
      await sameData(r, s);
      expect(field(await s.info('replication'), 'master_replid')).toBe(field(await r.info('replication'), 'master_replid'));
    } finally {
      s.disconnect();
      await sub.stop();
    }
  }, 60000);

  it('FAILOVER from Ferrous to a Redis replica, and from Redis to a Ferrous replica (PSYNC ... FAILOVER), both resuming partially', async () => {
    ferrous = await startTestServer(FERROUS_OPTS);
    f = new Redis(ferrous.port);
    await fill(f, 'pre');
    redis = await startRealRedis([...REDIS_ARGS, '--replicaof', '127.0.0.1', String(ferrous.port)]);
    r = new Redis(redis.port);
    await linkUp(r);
    expect(await f.call('FAILOVER', 'TO', '127.0.0.1', String(redis.port), 'TIMEOUT', '5000')).toBe('OK');
    await waitFor(async () => field(await f.info('replication'), 'role') === 'slave', 'Ferrous to follow Redis', SYNC_TIMEOUT);
    await linkUp(f);
    expect(field(await r.info('replication'), 'role')).toBe('master');
    expect(field(await r.info('stats'), 'sync_partial_ok')).toBe('1');
    await r.set('redis-now-master', '1');
    await caughtUp(r, f);
    expect(await f.get('redis-now-master')).toBe('1');
    // And back: Redis's FAILOVER sends PSYNC <replid> <offset> FAILOVER to Ferrous.
    expect(await r.call('FAILOVER')).toBe('OK');
    await waitFor(async () => field(await r.info('replication'), 'role') === 'slave', 'Redis to follow Ferrous', SYNC_TIMEOUT);
    await linkUp(r);
    expect(field(await f.info('replication'), 'role')).toBe('master');
    expect(field(await f.info('stats'), 'sync_partial_ok')).toBe('1');
    await f.set('ferrous-again', '1');
    await caughtUp(f, r);
    await sameData(f, r);
  }, 60000);

  it('kill -9 of a Redis master after WAIT: the Ferrous replica holds every acknowledged write, takes over and serves a new Redis replica', async () => {
    redis = await startRealRedis(REDIS_ARGS);
    r = new Redis(redis.port);
    ferrous = await startTestServer(FERROUS_OPTS);
    f = new Redis(ferrous.port);
    await f.replicaof('127.0.0.1', String(redis.port));
    await linkUp(f);
    const p = r.pipeline();
    for (let i = 0; i < 500; i++) p.set(`k${i}`, `v${i}`);
    await p.exec();
    await r.multi().incr('n').rpush('l', 'a').exec();
    expect(await r.call('WAIT', '1', '5000')).toBe(1);
    r.disconnect();
    await redis.stop();
    await waitFor(async () => field(await f.info('replication'), 'master_link_status') === 'down', 'the link to go down', SYNC_TIMEOUT);
    expect(await f.replicaof('NO', 'ONE')).toBe('OK');
    expect(await f.dbsize()).toBe(502);
    expect(await f.get('k499')).toBe('v499');
    expect(await f.lrange('l', 0, -1)).toEqual(['a']);
    redis = await startRealRedis([...REDIS_ARGS, '--replicaof', '127.0.0.1', String(ferrous.port)]);
    r = new Redis(redis.port);
    await linkUp(r);
    await caughtUp(f, r);
    await sameData(f, r);
  }, 60000);

  it('kill -9 of a Redis replica during its full sync from Ferrous: the master drops it and the next replica syncs', async () => {
    ferrous = await startTestServer(FERROUS_OPTS);
    f = new Redis(ferrous.port);
    await f.call('DEBUG', 'POPULATE', '300000');
    const first = await startRealRedis([...REDIS_ARGS, '--replicaof', '127.0.0.1', String(ferrous.port)]);
    try {
      await waitFor(async () => /state=send_bulk/.test(field(await f.info('replication'), 'slave0')), 'the transfer', 30000);
    } finally {
      await first.stop();
    }
    await waitFor(async () => field(await f.info('replication'), 'connected_slaves') === '0', 'the master to drop the replica', SYNC_TIMEOUT);
    await f.set('after', '1');
    redis = await startRealRedis([...REDIS_ARGS, '--replicaof', '127.0.0.1', String(ferrous.port)]);
    r = new Redis(redis.port);
    await linkUp(r);
    await caughtUp(f, r);
    expect(await r.dbsize()).toBe(300001);
    expect(await r.call('DEBUG', 'DIGEST')).toBe(await f.call('DEBUG', 'DIGEST'));
  }, 90000);

  it("a Ferrous replica keeps the keys past their TTL in Redis's image, hidden, until Redis deletes them", async () => {
    redis = await startRealRedis(REDIS_ARGS);
    r = new Redis(redis.port);
    await r.call('DEBUG', 'SET-ACTIVE-EXPIRE', '0');
    await r.set('gone', 'v', 'PX', 20);
    await r.set('kept', 'v');
    await new Promise((res) => setTimeout(res, 60));
    ferrous = await startTestServer(FERROUS_OPTS);
    f = new Redis(ferrous.port);
    await f.replicaof('127.0.0.1', String(redis.port));
    await linkUp(f);
    expect(await f.dbsize()).toBe(2);
    expect(await f.get('gone')).toBeNull();
    expect(await f.exists('gone')).toBe(0);
    expect(await r.get('gone')).toBeNull();
    await caughtUp(r, f);
    expect(await f.dbsize()).toBe(1);
  }, 30000);

  it("with the default repl-diskless-sync-delay (5 s): Ferrous waits through Redis's keep-alive newlines, and a Ferrous master's round serves a Redis and a Ferrous replica together", async () => {
    redis = await startRealRedis(['--enable-debug-command', 'yes']);
    r = new Redis(redis.port);
    await fill(r, 'pre');
    ferrous = await startTestServer({ 'enable-debug-command': 'yes' });
    f = new Redis(ferrous.port);
    await f.replicaof('127.0.0.1', String(redis.port));
    await linkUp(f);
    await caughtUp(r, f);
    await sameData(r, f);
    // Now Ferrous is the master of a Redis replica and a Ferrous one, which share one snapshot.
    expect(await f.replicaof('NO', 'ONE')).toBe('OK');
    r.disconnect();
    await redis.stop();
    redis = await startRealRedis(['--enable-debug-command', 'yes', '--replicaof', '127.0.0.1', String(ferrous.port)]);
    r = new Redis(redis.port);
    const other = await startTestServer({ 'enable-debug-command': 'yes' });
    const o = new Redis(other.port);
    try {
      await o.replicaof('127.0.0.1', String(ferrous.port));
      await linkUp(r);
      await linkUp(o);
      expect(field(await f.info('stats'), 'sync_full')).toBe('2');
      await caughtUp(f, r, o);
      await sameData(f, r);
      await sameData(f, o);
    } finally {
      o.disconnect();
      await other.stop();
    }
  }, 60000);
});
