import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { spawnSync } from 'child_process';
import Redis from 'ioredis';
import { RawClient } from '../helpers/raw-client';
import { startRealRedis } from '../helpers/redis';
import { startTestServer } from '../helpers/server';
import { waitFor } from '../helpers/fixtures';

/** Small and large values, so real Redis uses every encoding (listpack, intset, quicklist, hashtable, skiplist). */
async function populate(r: Redis): Promise<void> {
  const big = Array.from({ length: 400 }, (_, i) => `member-${i}`);
  await r.set('str', 'hello');
  await r.set('int', '-123456');
  await r.set('lzf', 'abcdefgh'.repeat(100));
  await r.set('bin', Buffer.from([0, 1, 255, 13, 10]));
  await r.set('ttl', 'v', 'PX', 3_600_000);
  await r.rpush('list:small', 'a', '1', 'b');
  await r.rpush('list:big', ...big);
  await r.sadd('set:int', '1', '2', '-70000');
  await r.sadd('set:str', 'x', 'y');
  await r.sadd('set:big', ...big);
  await r.zadd('zset:small', 1, 'a', 2.5, 'b');
  await r.zadd('zset:big', ...big.flatMap((m, i) => [String(i * 1.25), m]));
  await r.pexpire('zset:big', 7_200_000);
  await r.hset('hash:small', 'f', 'v', 'n', '12');
  await r.hset('hash:big', ...big.flatMap((m, i) => [m, i === 0 ? 'V'.repeat(100) : String(i)]));
  await r.select(1);
  await r.set('db1', 'one');
  await r.select(0);
}

/** Function libraries, saved with the data: a long one (LZF-compressed in the file) and a short one. */
const LIBRARIES = [
  `#!lua name=long\nredis.register_function('long_echo', function(keys, args) return 'long:' .. table.concat(args, ',') end)\n-- ${'padding '.repeat(20)}`,
  "#!lua name=s\nredis.register_function('s1', function() return 1 end)",
];

async function loadLibraries(r: Redis): Promise<void> {
  for (const code of LIBRARIES) await r.call('FUNCTION', 'LOAD', code);
}

async function librariesOf(r: Redis): Promise<unknown> {
  const list = (await r.call('FUNCTION', 'LIST', 'WITHCODE')) as unknown[][];
  return { libraries: list.map((l) => [l[1], l[7]]).sort(), call: await r.call('FCALL', 'long_echo', '0', 'a', 'b') };
}

/** Every key's type, value and TTL (to the second), per database. */
async function snapshot(r: Redis): Promise<unknown> {
  const out: Record<string, unknown> = {};
  for (const db of [0, 1]) {
    await r.select(db);
    for (const key of (await r.keys('*')).sort()) {
      const type = await r.type(key);
      let value: unknown;
      if (type === 'string') value = (await r.getBuffer(key))!.toString('latin1');
      else if (type === 'list') value = await r.lrange(key, 0, -1);
      else if (type === 'set') value = (await r.smembers(key)).sort();
      else if (type === 'zset') value = await r.zrange(key, 0, -1, 'WITHSCORES');
      else if (type === 'hash') value = await r.hgetall(key);
      const ttl = await r.pttl(key);
      out[`${db}:${key}`] = { type, value, ttl: ttl < 0 ? ttl : Math.round(ttl / 10_000) };
    }
  }
  await r.select(0);
  return out;
}

describe('RDB interchange with redis-server 7.0', () => {
  let dir: string;
  beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ferrous-compat-rdb-'))));
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  test('an RDB written by Ferrous (keys and function libraries) passes redis-check-rdb and loads in redis-server', async () => {
    const f = await startTestServer({ dir, dbfilename: 'ferrous.rdb' });
    const fr = new Redis(f.port, '127.0.0.1');
    await populate(fr);
    await loadLibraries(fr);
    await fr.save();
    const expected = await snapshot(fr);
    const expectedLibraries = await librariesOf(fr);
    fr.disconnect();
    await f.close();
    const check = spawnSync('redis-check-rdb', [path.join(dir, 'ferrous.rdb')], { encoding: 'utf8' });
    expect(check.stdout).toMatch(/RDB looks OK/);

    const redis = await startRealRedis(['--dir', dir, '--dbfilename', 'ferrous.rdb']);
    const rr = new Redis(redis.port, '127.0.0.1');
    expect(await snapshot(rr)).toEqual(expected);
    expect(await librariesOf(rr)).toEqual(expectedLibraries);
    rr.disconnect();
    await redis.stop();
  });

  test('an RDB written by redis-server (SAVE after DEBUG RELOAD, with function libraries) loads in Ferrous', async () => {
    const redis = await startRealRedis(['--enable-debug-command', 'yes']);
    const rr = new Redis(redis.port, '127.0.0.1');
    await populate(rr);
    await loadLibraries(rr);
    expect(await rr.object('ENCODING', 'set:int')).toBe('intset');
    expect(await rr.object('ENCODING', 'zset:big')).toBe('skiplist');
    expect(await rr.object('ENCODING', 'hash:big')).toBe('hashtable');
    expect(await rr.debug('RELOAD')).toBe('OK');
    await rr.save();
    const expected = await snapshot(rr);
    const expectedLibraries = await librariesOf(rr);
    fs.copyFileSync(path.join(redis.dir, 'dump.rdb'), path.join(dir, 'redis.rdb'));
    rr.disconnect();
    await redis.stop();

    const f = await startTestServer({ dir, dbfilename: 'redis.rdb' });
    const fr = new Redis(f.port, '127.0.0.1');
    expect(await snapshot(fr)).toEqual(expected);
    expect(await librariesOf(fr)).toEqual(expectedLibraries);
    fr.disconnect();
    await f.close();
  });

  test('DUMP payloads RESTORE in the other server, both ways', async () => {
    const redis = await startRealRedis();
    const f = await startTestServer({ dir, dbfilename: 'x.rdb' });
    const rr = new Redis(redis.port, '127.0.0.1');
    const fr = new Redis(f.port, '127.0.0.1');
    await populate(rr);
    await populate(fr);
    const expected = await snapshot(rr);
    for (const [from, to] of [
      [rr, fr],
      [fr, rr],
    ]) {
      const keys = await from.keys('*');
      await to.flushall();
      for (const key of keys) {
        const payload = await from.dumpBuffer(key);
        const ttl = await from.pttl(key);
        expect(await to.restore(key, ttl > 0 ? ttl : 0, payload)).toBe('OK');
      }
      await to.select(1);
      await to.set('db1', 'one');
      await to.select(0);
      expect(await snapshot(to)).toEqual(expected);
    }
    // The same errors from both.
    for (const r of [rr, fr]) {
      const good = await r.dumpBuffer('str');
      await expect(r.restore('str', 0, good)).rejects.toThrow('BUSYKEY Target key name already exists.');
      const bad = Buffer.from(good);
      bad[1] ^= 1;
      await expect(r.restore('new', 0, bad)).rejects.toThrow('ERR DUMP payload version or checksum are wrong');
      await expect(r.restore('new', -1, good)).rejects.toThrow('ERR Invalid TTL value, must be >= 0');
      await expect(r.call('RESTORE', 'new', '0', good, 'IDLETIME', '-1')).rejects.toThrow('ERR Invalid IDLETIME value, must be >= 0');
      await expect(r.call('RESTORE', 'new', '0', good, 'FREQ', '256')).rejects.toThrow('ERR Invalid FREQ value, must be >= 0 and <= 255');
      await expect(r.call('RESTORE', 'new', '0', good, 'BOGUS')).rejects.toThrow('ERR syntax error');
      expect(await r.call('RESTORE', 'str', '0', good, 'REPLACE', 'IDLETIME', '1000')).toBe('OK');
      expect(Number(await r.object('IDLETIME', 'str'))).toBeGreaterThanOrEqual(1000);
      expect(await r.call('RESTORE', 'past', '1', good, 'ABSTTL')).toBe('OK');
      expect(await r.exists('past')).toBe(0);
      expect(await r.dumpBuffer('missing')).toBeNull();
    }
    rr.disconnect();
    fr.disconnect();
    await f.close();
    await redis.stop();
  });
});

describe('stop-writes-on-bgsave-error (MISCONF), as redis-server 7.0', () => {
  /** The same transcript on a server whose background save failed: raw replies, in order. */
  async function transcript(port: number): Promise<string[]> {
    const c = await RawClient.connect(port);
    const out: string[] = [];
    const run = async (...args: string[]) => out.push(await c.call(...args));
    await run('SET', 'a', '1');
    await run('BGSAVE');
    // The save fails (the file name is taken by a directory): wait for the status to say so.
    await waitFor(async () => (await c.call('INFO', 'persistence')).includes('rdb_last_bgsave_status:err'), 'the BGSAVE to fail');
    for (const cmd of [
      ['SET', 'b', '2'],
      ['PING'],
      ['GET', 'a'],
      ['DEL', 'a'],
      ['MULTI'],
      ['SET', 'x', '1'],
      ['EXEC'],
      ['EVAL', 'return 1', '0'],
      ['EVAL', "return redis.pcall('set', 'q', '1')['err']", '0'],
      ['CONFIG', 'SET', 'stop-writes-on-bgsave-error', 'no'],
      ['SET', 'b', '2'],
      ['CONFIG', 'SET', 'stop-writes-on-bgsave-error', 'yes'],
      ['INCR', 'n'],
      ['CONFIG', 'SET', 'save', ''],
      ['SET', 'b', '3'],
    ]) {
      await run(...cmd);
    }
    c.close();
    return out;
  }

  test('writes and PING are refused with MISCONF until the condition clears; reads go on', async () => {
    const dirs = [0, 1].map(() => fs.mkdtempSync(path.join(os.tmpdir(), 'ferrous-misconf-')));
    try {
      const redis = await startRealRedis(['--dir', dirs[0], '--save', '3600 1']);
      const ferrous = await startTestServer({ dir: dirs[1], save: '3600 1' });
      for (const d of dirs) fs.mkdirSync(path.join(d, 'dump.rdb', 'x'), { recursive: true });
      try {
        const [fromRedis, fromFerrous] = [await transcript(redis.port), await transcript(ferrous.port)];
        expect(fromFerrous).toEqual(fromRedis);
        expect(fromRedis[2]).toMatch(/^-MISCONF /);
        expect(fromRedis[fromRedis.length - 1]).toBe('+OK\r\n');
      } finally {
        await redis.stop();
        await ferrous.close();
      }
    } finally {
      for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
    }
  });
});
