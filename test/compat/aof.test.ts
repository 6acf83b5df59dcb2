import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import Redis from 'ioredis';
import type { Ferrous } from '../../kernel/bootstrap';
import { startRealRedis, type RealRedis } from '../helpers/redis';
import { startTestServer } from '../helpers/server';

/**
 * The AOF directory as an interchange format: Ferrous loads what redis-server 7.0 wrote, and
 * redis-server loads (and redis-check-aof accepts) what Ferrous wrote.
 */

jest.setTimeout(60000);

type Dump = Record<string, [type: string, value: unknown, ttl: string]>;

const bin = (b: Buffer | Buffer[]): string | string[] => (Array.isArray(b) ? b.map((x) => x.toString('latin1')) : b.toString('latin1'));

/** Every key of every database, by type, binary-safe, with "ttl" for keys that have one. */
async function dumpAll(r: Redis): Promise<Dump> {
  const out: Dump = {};
  for (let db = 0; db < 16; db++) {
    await r.select(db);
    for (const kb of await r.keysBuffer('*')) {
      const k = kb.toString('latin1');
      const type = String(await r.type(kb));
      let value: unknown;
      if (type === 'string') value = bin((await r.getBuffer(kb))!);
      else if (type === 'list') value = bin(await r.lrangeBuffer(kb, 0, -1));
      else if (type === 'set') value = (bin(await r.smembersBuffer(kb)) as string[]).sort();
      else if (type === 'zset') value = bin((await r.callBuffer('ZRANGE', kb, '0', '-1', 'WITHSCORES')) as Buffer[]);
      else if (type === 'hash') {
        const flat = bin((await r.callBuffer('HGETALL', kb)) as Buffer[]) as string[];
        const pairs: string[] = [];
        for (let i = 0; i < flat.length; i += 2) pairs.push(`${flat[i]}=${flat[i + 1]}`);
        value = pairs.sort();
      }
      const pttl = await r.pttl(kb);
      out[`${db}:${k}`] = [type, value, pttl > 0 ? 'ttl' : String(pttl)];
    }
  }
  await r.select(0);
  return out;
}

/** The same writes for both servers: every type, TTLs, binary data, databases, a transaction. */
async function populate(r: Redis, tag: string): Promise<void> {
  await r.set(`${tag}:s`, 'plain');
  await r.set(`${tag}:bin`, Buffer.from([0, 255, 13, 10, 128, 42]));
  await r.set(Buffer.from([0xfe, 0, 0x0d, 0x0a, 0x20]), 'binary key');
  await r.set(`${tag}:int`, '12345');
  await r.incrby(`${tag}:int`, 5);
  await r.set(`${tag}:long`, 'y'.repeat(3000));
  await r.set(`${tag}:ttl`, 'v', 'EX', 5000);
  await r.rpush(`${tag}:list`, 'a', 'b', '3', '-7');
  await r.rpush(`${tag}:biglist`, ...Array.from({ length: 1000 }, (_, i) => `item-${i}`));
  await r.sadd(`${tag}:set`, 'x', 'y', 'z');
  await r.sadd(`${tag}:intset`, '1', '2', '99999');
  await r.spop(`${tag}:set`);
  await r.zadd(`${tag}:zset`, 1.5, 'a', -2, 'b', 'inf', 'c', 3.14159, 'pi');
  await r.zadd(`${tag}:bigz`, ...Array.from({ length: 300 }, (_, i) => [String(i / 7), `m${i}`]).flat());
  await r.hset(`${tag}:hash`, 'f1', 'v1', 'f2', 'v2');
  await r.hset(`${tag}:bighash`, Object.fromEntries(Array.from({ length: 600 }, (_, i) => [`field${i}`, 'v'.repeat(i % 50)])));
  await r.expire(`${tag}:hash`, 9000);
  await r.multi().set(`${tag}:tx1`, '1').incr(`${tag}:tx2`).exec();
  await r.select(3);
  await r.set(`${tag}:db3`, 'three');
  await r.select(0);
  await r.set(`${tag}:deleted`, 'x');
  await r.del(`${tag}:deleted`);
}

async function waitRewrite(r: Redis): Promise<void> {
  for (let i = 0; i < 500; i++) {
    const inf = await r.info('persistence');
    if (/aof_rewrite_in_progress:0/.test(inf) && /aof_rewrite_scheduled:0/.test(inf)) return;
    await new Promise((res) => setTimeout(res, 20));
  }
  throw new Error('rewrite did not finish');
}

describe('AOF interchange with redis-server 7.0', () => {
  let dir: string;
  let redis: RealRedis | null = null;
  let ferrous: Ferrous | null = null;
  const clients: Redis[] = [];
  const connect = (port: number) => {
    // No reconnecting once a server is stopped: nothing is left running after the test.
    const c = new Redis(port, '127.0.0.1', { retryStrategy: () => null });
    c.on('error', () => undefined);
    clients.push(c);
    return c;
  };
  beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ferrous-aof-compat-'))));
  afterEach(async () => {
    for (const c of clients.splice(0)) c.disconnect();
    await ferrous?.close();
    ferrous = null;
    await redis?.stop();
    redis = null;
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test.each([
    ['RDB preamble', 'yes'],
    ['command base', 'no'],
  ])('Ferrous writes an AOF directory redis-server loads (%s)', async (_name, preamble) => {
    ferrous = await startTestServer({ dir, appendonly: 'yes', 'aof-use-rdb-preamble': preamble });
    const f = connect(ferrous.port);
    await populate(f, 'before');
    await f.bgrewriteaof();
    await waitRewrite(f);
    await populate(f, 'after');
    const expected = await dumpAll(f);
    expect(Object.keys(expected).length).toBeGreaterThan(30);
    await ferrous.close();
    ferrous = null;

    const check = spawnSync('redis-check-aof', [path.join(dir, 'appendonlydir', 'appendonly.aof.manifest')], { encoding: 'utf8' });
    expect(check.stdout).toMatch(/is valid/);
    expect(check.status).toBe(0);

    redis = await startRealRedis(['--dir', dir, '--appendonly', 'yes', '--aof-use-rdb-preamble', preamble]);
    const r = connect(redis.port);
    expect(await dumpAll(r)).toEqual(expected);
  });

  test.each([
    ['RDB preamble', 'yes'],
    ['command base', 'no'],
  ])('Ferrous loads an AOF directory redis-server wrote (%s)', async (_name, preamble) => {
    redis = await startRealRedis(['--dir', dir, '--appendonly', 'yes', '--aof-use-rdb-preamble', preamble, '--appendfsync', 'always']);
    const r = connect(redis.port);
    await populate(r, 'before');
    await r.bgrewriteaof();
    await waitRewrite(r);
    await populate(r, 'after');
    const expected = await dumpAll(r);
    const manifest = fs.readFileSync(path.join(dir, 'appendonlydir', 'appendonly.aof.manifest'), 'latin1');
    expect(manifest).toMatch(preamble === 'yes' ? /base\.rdb seq 2 type b/ : /base\.aof seq 2 type b/);
    await redis.stop();
    redis = null;

    ferrous = await startTestServer({ dir, appendonly: 'yes', 'aof-use-rdb-preamble': preamble });
    const f = connect(ferrous.port);
    expect(await dumpAll(f)).toEqual(expected);
    // Ferrous goes on appending to Redis's incremental file, and Redis reads the result.
    await f.set('ferrous-was-here', '1');
    const after = await dumpAll(f);
    await ferrous.close();
    ferrous = null;
    redis = await startRealRedis(['--dir', dir, '--appendonly', 'yes']);
    expect(await dumpAll(connect(redis.port))).toEqual(after);
  });

  test('the journal writes the same incremental file bytes as Redis: SELECT, MULTI/EXEC units, redis.set_repl', async () => {
    const writes = async (r: Redis) => {
      await r.set('a', '1');
      await r.select(2);
      await r.multi().set('b', '2').incr('n').select(3).rpush('l', 'x', 'y').exec();
      await r.set('c', '3');
      await r.eval("redis.call('set', 'e1', '1'); redis.call('incr', 'e2'); return 1", 0);
      await r.eval("redis.call('set', 'only', '1'); return 1", 0);
      await r.eval("redis.set_repl(redis.REPL_NONE); redis.call('set', 'none', '1'); redis.set_repl(redis.REPL_AOF); redis.call('set', 'aof', '1'); redis.set_repl(redis.REPL_REPLICA); redis.call('set', 'replica', '1'); return 1", 0);
      await r.select(0);
      await r.multi().del('a').exec();
      await r.del('missing');
    };
    const incr = (d: string) => fs.readFileSync(path.join(d, 'appendonlydir', 'appendonly.aof.1.incr.aof'), 'latin1');
    redis = await startRealRedis(['--dir', dir, '--appendonly', 'yes', '--appendfsync', 'always']);
    await writes(connect(redis.port));
    const expected = incr(dir);
    const fdir = fs.mkdtempSync(path.join(os.tmpdir(), 'ferrous-aof-compat-'));
    try {
      ferrous = await startTestServer({ dir: fdir, appendonly: 'yes', appendfsync: 'always' });
      await writes(connect(ferrous.port));
      expect(incr(fdir)).toBe(expected);
    } finally {
      fs.rmSync(fdir, { recursive: true, force: true });
    }
  });

  test('a torn tail: both servers cut it at the same offset', async () => {
    // appendfsync always: the kill below must not find the last write still buffered (with
    // everysec Redis may postpone a write while a background fsync runs).
    redis = await startRealRedis(['--dir', dir, '--appendonly', 'yes', '--appendfsync', 'always']);
    const r = connect(redis.port);
    await r.set('a', '1');
    await r.rpush('l', 'x', 'y');
    await redis.stop();
    redis = null;
    const incr = path.join(dir, 'appendonlydir', 'appendonly.aof.1.incr.aof');
    fs.appendFileSync(incr, '*3\r\n$3\r\nSET\r\n$1\r\nb\r\n$10\r\nhalf');
    const copy = fs.mkdtempSync(path.join(os.tmpdir(), 'ferrous-aof-compat-'));
    try {
      fs.cpSync(dir, copy, { recursive: true });
      ferrous = await startTestServer({ dir: copy, appendonly: 'yes' });
      const f = connect(ferrous.port);
      const fromFerrous = await dumpAll(f);
      await ferrous.close();
      ferrous = null;
      redis = await startRealRedis(['--dir', dir, '--appendonly', 'yes']);
      const fromRedis = await dumpAll(connect(redis.port));
      expect(fromFerrous).toEqual(fromRedis);
      expect(fromFerrous).toEqual({ '0:a': ['string', '1', '-1'], '0:l': ['list', ['x', 'y'], '-1'] });
      const truncated = (d: string) => fs.statSync(path.join(d, 'appendonlydir', 'appendonly.aof.1.incr.aof')).size;
      expect(truncated(copy)).toBe(truncated(dir));
    } finally {
      fs.rmSync(copy, { recursive: true, force: true });
    }
  });
});
