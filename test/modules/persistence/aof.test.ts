import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import Redis from 'ioredis';
import type { Ferrous } from '../../../kernel/bootstrap';
import { parseManifest, formatManifest } from '../../../modules/persistence/aof-manifest';
import { waitFor } from '../../helpers/fixtures';
import { startTestServer } from '../../helpers/server';

jest.setTimeout(30000);

function tmpdir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'ferrous-aof-'));
}

async function info(r: Redis): Promise<Record<string, string>> {
  const text = await r.info('persistence');
  return Object.fromEntries(text.split('\r\n').filter((l) => l.includes(':')).map((l) => l.split(':') as [string, string]));
}

function aofDir(dir: string): string {
  return path.join(dir, 'appendonlydir');
}

function manifest(dir: string): string {
  return fs.readFileSync(path.join(aofDir(dir), 'appendonly.aof.manifest'), 'latin1');
}

/** Wait for the running rewrite to finish (a fresh connection each time: tests restart servers). */
async function rewriteDone(f: Ferrous): Promise<void> {
  await waitFor(async () => {
    const r = new Redis(f.port, '127.0.0.1');
    try {
      return (await info(r)).aof_rewrite_in_progress === '0';
    } finally {
      r.disconnect();
    }
  }, 'the rewrite to finish', 20000);
}

/** Every type, several databases, TTLs, binary data, a transaction. */
async function populate(r: Redis): Promise<void> {
  await r.set('s', 'plain');
  await r.set('n', '123456');
  await r.incr('n');
  await r.set('bin', Buffer.from([0, 255, 13, 10, 128, 42]));
  await r.set(Buffer.from([0xff, 0, 0x0d, 0x0a]), 'binary key');
  await r.set('long', 'x'.repeat(5000));
  await r.set('ttl', 'v', 'EX', 3600);
  await r.set('gone', 'v', 'PX', 1);
  await r.rpush('list', 'a', 'b', '3');
  await r.lpush('list', 'z');
  await r.rpush('biglist', ...Array.from({ length: 300 }, (_, i) => `e${i}`));
  await r.sadd('set', 'm1', 'm2', '7');
  await r.sadd('intset', '1', '2', '3');
  await r.srem('intset', '2');
  await r.zadd('zset', 1.5, 'a', -2, 'b', 'inf', 'c', 0.1, 'd');
  await r.zincrby('zset', 2, 'a');
  await r.hset('hash', 'f1', 'v1', 'f2', 'v2');
  await r.hincrbyfloat('hash', 'fl', '1.25');
  await r.hset('bighash', Object.fromEntries(Array.from({ length: 200 }, (_, i) => [`f${i}`, `v${i}`])));
  await r.expire('hash', 7200);
  await r.multi().set('tx1', 'a').set('tx2', 'b').exec();
  await r.set('deleted', 'x');
  await r.del('deleted');
  await r.select(2);
  await r.set('db2', 'here');
  await r.rpush('db2list', 'x');
  await r.select(15);
  await r.set('db15', 'last');
  await r.select(0);
  await new Promise((res) => setTimeout(res, 5));
}

async function check(r: Redis): Promise<void> {
  expect(await r.get('s')).toBe('plain');
  expect(await r.get('n')).toBe('123457');
  expect(await r.getBuffer('bin')).toEqual(Buffer.from([0, 255, 13, 10, 128, 42]));
  expect(await r.get(Buffer.from([0xff, 0, 0x0d, 0x0a]))).toBe('binary key');
  expect(await r.get('long')).toBe('x'.repeat(5000));
  const ttl = await r.pttl('ttl');
  expect(ttl).toBeGreaterThan(3_500_000);
  expect(ttl).toBeLessThanOrEqual(3_600_000);
  expect(await r.exists('gone')).toBe(0);
  expect(await r.lrange('list', 0, -1)).toEqual(['z', 'a', 'b', '3']);
  expect(await r.lrange('biglist', 0, -1)).toEqual(Array.from({ length: 300 }, (_, i) => `e${i}`));
  expect((await r.smembers('set')).sort()).toEqual(['7', 'm1', 'm2']);
  expect((await r.smembers('intset')).sort()).toEqual(['1', '3']);
  expect(await r.zrange('zset', 0, -1, 'WITHSCORES')).toEqual(['b', '-2', 'd', '0.10000000000000001', 'a', '3.5', 'c', 'inf']);
  expect(await r.hgetall('hash')).toEqual({ f1: 'v1', f2: 'v2', fl: '1.25' });
  expect(await r.ttl('hash')).toBeGreaterThan(7000);
  expect(await r.hlen('bighash')).toBe(200);
  expect(await r.hget('bighash', 'f199')).toBe('v199');
  expect(await r.mget('tx1', 'tx2', 'deleted')).toEqual(['a', 'b', null]);
  await r.select(2);
  expect(await r.get('db2')).toBe('here');
  expect(await r.lrange('db2list', 0, -1)).toEqual(['x']);
  await r.select(15);
  expect(await r.get('db15')).toBe('last');
  await r.select(0);
}

describe('append-only file', () => {
  let dir: string;
  let f: Ferrous | null = null;
  let r: Redis | null = null;
  beforeEach(() => (dir = tmpdir()));
  afterEach(async () => {
    r?.disconnect();
    r = null;
    await f?.close();
    f = null;
    fs.rmSync(dir, { recursive: true, force: true });
  });

  async function start(config: Record<string, string | number> = {}): Promise<Redis> {
    r?.disconnect();
    if (f !== null) await f.close();
    f = await startTestServer({ dir, appendonly: 'yes', ...config });
    r = new Redis(f.port, '127.0.0.1');
    return r;
  }

  test('start-up creates the Redis 7.0 layout: base, incr file and manifest', async () => {
    const c = await start();
    expect(manifest(dir)).toBe('file appendonly.aof.1.base.rdb seq 1 type b\nfile appendonly.aof.1.incr.aof seq 1 type i\n');
    expect(fs.readFileSync(path.join(aofDir(dir), 'appendonly.aof.1.base.rdb')).subarray(0, 9).toString()).toBe('REDIS0010');
    await c.set('k', 'v');
    await new Promise((res) => setTimeout(res, 10));
    expect(fs.readFileSync(path.join(aofDir(dir), 'appendonly.aof.1.incr.aof'), 'latin1')).toBe(
      '*2\r\n$6\r\nSELECT\r\n$1\r\n0\r\n*3\r\n$3\r\nset\r\n$1\r\nk\r\n$1\r\nv\r\n',
    );
    const inf = await info(c);
    expect(inf.aof_enabled).toBe('1');
    expect(Number(inf.aof_current_size)).toBeGreaterThan(Number(inf.aof_base_size));
    expect(inf.aof_last_write_status).toBe('ok');
  });

  test.each(['everysec', 'always', 'no'])('every type round-trips through a restart (appendfsync %s)', async (fsync) => {
    let c = await start({ appendfsync: fsync });
    await populate(c);
    await check(c);
    c = await start({ appendfsync: fsync });
    await check(c);
    // Writes after a restart append to the same incremental file, and survive another restart.
    await c.set('after', 'restart');
    c = await start({ appendfsync: fsync });
    await check(c);
    expect(await c.get('after')).toBe('restart');
    expect(manifest(dir)).toContain('appendonly.aof.1.incr.aof seq 1 type i');
  });

  test('non-deterministic commands are logged as their effects', async () => {
    const c = await start({ appendfsync: 'always' });
    await c.sadd('s', 'a', 'b', 'c', 'd');
    const popped = await c.spop('s');
    await c.expire('s', 1000);
    const raw = fs.readFileSync(path.join(aofDir(dir), 'appendonly.aof.1.incr.aof'), 'latin1');
    expect(raw).toContain(`*3\r\n$4\r\nSREM\r\n$1\r\ns\r\n$1\r\n${popped}\r\n`);
    expect(raw).toContain('PEXPIREAT');
    expect(raw).not.toContain('spop');
  });

  test('with appendfsync always, a reply leaves only after its write is in the file (a served BLPOP too)', async () => {
    const c = await start({ appendfsync: 'always' });
    const waiter = new Redis(f!.port, '127.0.0.1');
    try {
      const incr = path.join(aofDir(dir), 'appendonly.aof.1.incr.aof');
      const popped = waiter.blpop('q', 0).then((v) => [v, fs.readFileSync(incr, 'latin1')] as const);
      await waitFor(() => f!.server.blocking.count === 1, 'BLPOP to block');
      // Several writes in one pipeline: each reply finds its own write in the file already.
      const seen = await Promise.all(
        ['a', 'b', 'c'].map((v) => c.rpush('q', v).then(() => fs.readFileSync(incr, 'latin1'))),
      );
      ['a', 'b', 'c'].forEach((v, i) => expect(seen[i]).toContain(`$5\r\nrpush\r\n$1\r\nq\r\n$1\r\n${v}\r\n`));
      const [reply, file] = await popped;
      expect(reply).toEqual(['q', 'a']);
      expect(file).toMatch(/LPOP\r\n\$1\r\nq\r\n/i);
    } finally {
      waiter.disconnect();
    }
  });

  test('BGREWRITEAOF writes a new base from a point-in-time snapshot and retires the old files', async () => {
    let c = await start();
    await populate(c);
    expect(await c.bgrewriteaof()).toBe('Background append only file rewriting started');
    // Writes while the rewrite runs go to the new incremental file.
    await c.set('during', 'rewrite');
    await rewriteDone(f!);
    expect(manifest(dir)).toBe('file appendonly.aof.2.base.rdb seq 2 type b\nfile appendonly.aof.2.incr.aof seq 2 type i\n');
    expect(fs.readdirSync(aofDir(dir)).sort()).toEqual(['appendonly.aof.2.base.rdb', 'appendonly.aof.2.incr.aof', 'appendonly.aof.manifest']);
    const inf = await info(c);
    expect(inf.aof_rewrites).toBe('1');
    expect(inf.aof_last_bgrewrite_status).toBe('ok');
    await c.set('after', 'rewrite');
    c = await start();
    await check(c);
    expect(await c.mget('during', 'after')).toEqual(['rewrite', 'rewrite']);
  });

  test('a rewrite sees the dataset as it was when it began, whatever writes follow', async () => {
    let c = await start();
    const n = 20000;
    for (let i = 0; i < n; i += 1000) {
      const p = c.pipeline();
      for (let j = i; j < i + 1000; j++) p.set(`k${j}`, `v${j}`);
      await p.exec();
    }
    await c.bgrewriteaof();
    // Overwrite and delete while the base is being written.
    const p = c.pipeline();
    for (let j = 0; j < n; j += 2) p.set(`k${j}`, 'changed');
    for (let j = 1; j < n; j += 4) p.del(`k${j}`);
    p.set('fresh', '1');
    await p.exec();
    await rewriteDone(f!);
    const expected = await c.mget(...Array.from({ length: n }, (_, j) => `k${j}`));
    c = await start();
    expect(await c.mget(...Array.from({ length: n }, (_, j) => `k${j}`))).toEqual(expected);
    expect(expected[0]).toBe('changed');
    expect(expected[1]).toBe(null);
    expect(expected[3]).toBe('v3');
    expect(await c.dbsize()).toBe(n - n / 4 + 1);
    expect(await c.get('fresh')).toBe('1');
  });

  test('BGREWRITEAOF twice: already in progress', async () => {
    const c = await start();
    const p = c.pipeline();
    for (let j = 0; j < 30000; j++) p.set(`k${j}`, 'v');
    await p.exec();
    const replies = await c.pipeline().bgrewriteaof().bgrewriteaof().exec();
    expect(replies![0][1]).toBe('Background append only file rewriting started');
    expect((replies![1][0] as Error).message).toBe('ERR Background append only file rewriting already in progress');
    await rewriteDone(f!);
  });

  test('aof-use-rdb-preamble no writes a command base that loads back', async () => {
    let c = await start({ 'aof-use-rdb-preamble': 'no' });
    expect(manifest(dir)).toContain('appendonly.aof.1.base.aof seq 1 type b');
    await populate(c);
    await c.bgrewriteaof();
    await rewriteDone(f!);
    expect(manifest(dir)).toContain('file appendonly.aof.2.base.aof seq 2 type b');
    const base = fs.readFileSync(path.join(aofDir(dir), 'appendonly.aof.2.base.aof'), 'latin1');
    expect(base.startsWith('*2\r\n$6\r\nSELECT\r\n$1\r\n0\r\n')).toBe(true);
    expect(base).toContain('HMSET');
    expect(base).toContain('PEXPIREAT');
    c = await start({ 'aof-use-rdb-preamble': 'no' });
    await check(c);
  });

  test('a torn tail is cut off with aof-load-truncated yes', async () => {
    let c = await start();
    await c.set('a', '1');
    await c.set('b', '2');
    await f!.close();
    f = null;
    const incr = path.join(aofDir(dir), 'appendonly.aof.1.incr.aof');
    const good = fs.statSync(incr).size;
    fs.appendFileSync(incr, '*3\r\n$3\r\nSET\r\n$1\r\nc\r\n$5\r\nhel');
    c = await start();
    expect(await c.mget('a', 'b', 'c')).toEqual(['1', '2', null]);
    expect(fs.statSync(incr).size).toBe(good);
    await c.set('c', '3');
    c = await start();
    expect(await c.mget('a', 'b', 'c')).toEqual(['1', '2', '3']);
  });

  test('an unfinished MULTI at the end is reverted', async () => {
    let c = await start();
    await c.set('a', '1');
    await f!.close();
    f = null;
    const incr = path.join(aofDir(dir), 'appendonly.aof.1.incr.aof');
    const good = fs.statSync(incr).size;
    fs.appendFileSync(incr, '*1\r\n$5\r\nMULTI\r\n*3\r\n$3\r\nSET\r\n$1\r\nx\r\n$1\r\n1\r\n');
    c = await start();
    expect(await c.mget('a', 'x')).toEqual(['1', null]);
    expect(fs.statSync(incr).size).toBe(good);
  });

  test('a torn tail with aof-load-truncated no, or a corrupt middle, refuses to start', async () => {
    await start();
    await r!.set('a', '1');
    r!.disconnect();
    r = null;
    await f!.close();
    f = null;
    const incr = path.join(aofDir(dir), 'appendonly.aof.1.incr.aof');
    const good = fs.readFileSync(incr);
    fs.appendFileSync(incr, '*3\r\n$3\r\nSET\r\n$1\r\nc\r\n$5\r\nhel');
    await expect(startTestServer({ dir, appendonly: 'yes', 'aof-load-truncated': 'no' })).rejects.toThrow(/Unexpected end of file reading the append only file appendonly.aof.1.incr.aof/);
    fs.writeFileSync(incr, Buffer.concat([good, Buffer.from('garbage\r\n*1\r\n$4\r\nPING\r\n')]));
    await expect(startTestServer({ dir, appendonly: 'yes' })).rejects.toThrow(/Bad file format reading the append only file appendonly.aof.1.incr.aof/);
    fs.writeFileSync(incr, Buffer.concat([good, Buffer.from('*1\r\n$7\r\nNOSUCHC\r\n')]));
    await expect(startTestServer({ dir, appendonly: 'yes' })).rejects.toThrow(/Unknown command 'NOSUCHC' reading the append only file/);
    // The file was left as it was: nothing is cut from a refused AOF.
    expect(fs.readFileSync(incr).length).toBe(good.length + 17);
  });

  test('a torn file that is not the last one refuses to start', async () => {
    await start();
    await r!.set('a', '1');
    await r!.bgrewriteaof();
    await rewriteDone(f!);
    await r!.set('b', '2');
    r!.disconnect();
    r = null;
    await f!.close();
    f = null;
    // A manifest listing two incremental files, the first one torn.
    fs.writeFileSync(path.join(aofDir(dir), 'appendonly.aof.1.incr.aof'), '*3\r\n$3\r\nSET\r\n$1\r\nz\r\n$1');
    fs.writeFileSync(path.join(aofDir(dir), 'appendonly.aof.manifest'), manifest(dir).replace('file appendonly.aof.2.incr.aof', 'file appendonly.aof.1.incr.aof seq 1 type i\nfile appendonly.aof.2.incr.aof'));
    await expect(startTestServer({ dir, appendonly: 'yes' })).rejects.toThrow(/Unexpected end of file/);
  });

  test('a bad manifest or a missing file refuses to start', async () => {
    fs.mkdirSync(aofDir(dir));
    fs.writeFileSync(path.join(aofDir(dir), 'appendonly.aof.manifest'), 'file appendonly.aof.1.incr.aof seq 1 type x\n');
    await expect(startTestServer({ dir, appendonly: 'yes' })).rejects.toThrow(/Unknown AOF file type/);
    fs.writeFileSync(path.join(aofDir(dir), 'appendonly.aof.manifest'), 'file appendonly.aof.1.incr.aof seq 1 type i\n');
    await expect(startTestServer({ dir, appendonly: 'yes' })).rejects.toThrow(/appendonly.aof.1.incr.aof doesn't exist/);
  });

  test('with appendonly yes the RDB file is not loaded; with no, the AOF is ignored', async () => {
    let c = await start({ appendonly: 'no' });
    await c.set('rdb', '1');
    await c.save();
    c = await start();
    expect(await c.get('rdb')).toBe(null);
    await c.set('aof', '1');
    c = await start({ appendonly: 'no' });
    expect(await c.mget('rdb', 'aof')).toEqual(['1', null]);
  });

  test('CONFIG SET appendonly yes rewrites first; no stops writing', async () => {
    let c = await start({ appendonly: 'no' });
    await populate(c);
    expect(fs.existsSync(aofDir(dir))).toBe(false);
    expect((await info(c)).aof_enabled).toBe('0');
    expect(await c.config('SET', 'appendonly', 'yes')).toBe('OK');
    await c.set('while', 'starting');
    await rewriteDone(f!);
    expect(manifest(dir)).toBe('file appendonly.aof.1.base.rdb seq 1 type b\nfile appendonly.aof.1.incr.aof seq 1 type i\n');
    expect((await info(c)).aof_enabled).toBe('1');
    await c.set('on', 'yes');
    await c.config('SET', 'appendonly', 'no');
    await c.set('off', 'lost');
    c = await start();
    await check(c);
    expect(await c.mget('while', 'on', 'off')).toEqual(['starting', 'yes', null]);
  });

  test('BGREWRITEAOF with the AOF off writes a base only', async () => {
    const c = await start({ appendonly: 'no' });
    await c.set('k', 'v');
    await c.bgrewriteaof();
    await rewriteDone(f!);
    expect(manifest(dir)).toBe('file appendonly.aof.1.base.rdb seq 1 type b\n');
    const c2 = await start();
    expect(await c2.get('k')).toBe('v');
  });

  test('an old single-file AOF in dir is migrated into the directory', async () => {
    fs.writeFileSync(path.join(dir, 'appendonly.aof'), '*2\r\n$6\r\nSELECT\r\n$1\r\n0\r\n*3\r\n$3\r\nSET\r\n$3\r\nold\r\n$5\r\nstyle\r\n');
    const c = await start();
    expect(await c.get('old')).toBe('style');
    expect(fs.existsSync(path.join(dir, 'appendonly.aof'))).toBe(false);
    expect(manifest(dir)).toBe('file appendonly.aof seq 1 type b\nfile appendonly.aof.1.incr.aof seq 1 type i\n');
  });

  test('automatic rewrite on growth', async () => {
    const c = await start({ 'auto-aof-rewrite-min-size': '1kb', 'auto-aof-rewrite-percentage': 100 });
    const p = c.pipeline();
    for (let j = 0; j < 200; j++) p.set(`key${j}`, 'x'.repeat(20));
    await p.exec();
    await waitFor(async () => (await info(c)).aof_rewrites !== '0', 'the automatic rewrite', 20000);
    await rewriteDone(f!);
    expect(Number((await info(c)).aof_rewrites)).toBeGreaterThanOrEqual(1);
    expect(manifest(dir)).not.toContain('seq 1 type b');
  });

  test('CONFIG GET shows the AOF parameters with Redis defaults', async () => {
    const c = await start({ appendonly: 'no' });
    const pairs = (await c.config('GET', '*aof*')) as string[];
    const got = Object.fromEntries(pairs.reduce<[string, string][]>((a, v, i) => (i % 2 ? a : [...a, [v, pairs[i + 1]]]), []));
    expect(got).toMatchObject({
      'aof-load-truncated': 'yes',
      'aof-use-rdb-preamble': 'yes',
      'auto-aof-rewrite-percentage': '100',
      'auto-aof-rewrite-min-size': '67108864',
    });
    expect(await c.config('GET', 'appendfsync')).toEqual(['appendfsync', 'everysec']);
    expect(await c.config('GET', 'appenddirname')).toEqual(['appenddirname', 'appendonlydir']);
    await expect(c.config('SET', 'appenddirname', 'x')).rejects.toThrow(/can't set immutable config/);
  });

  test('manifest format and parse errors', () => {
    const m = parseManifest('file appendonly.aof.2.base.rdb seq 2 type b\nfile appendonly.aof.1.incr.aof seq 1 type h\nfile appendonly.aof.3.incr.aof seq 3 type i\n');
    expect(m.base).toEqual({ name: 'appendonly.aof.2.base.rdb', seq: 2, type: 'b' });
    expect(m.incrSeq).toBe(3);
    expect(formatManifest(m)).toBe('file appendonly.aof.2.base.rdb seq 2 type b\nfile appendonly.aof.1.incr.aof seq 1 type h\nfile appendonly.aof.3.incr.aof seq 3 type i\n');
    expect(formatManifest(parseManifest('file "a b.aof" seq 1 type i\n'))).toBe('file "a b.aof" seq 1 type i\n');
    expect(() => parseManifest('')).toThrow('Found an empty AOF manifest');
    expect(() => parseManifest('file a seq 2 type i\nfile b seq 1 type i\n')).toThrow('Found a non-monotonic sequence number');
    expect(() => parseManifest('file a seq 1 type b\nfile b seq 2 type b\n')).toThrow('Found duplicate base file information');
    expect(() => parseManifest('file ../a seq 1 type b\n')).toThrow("File can't be a path, just a filename");
    expect(() => parseManifest('file a seq 1\n')).toThrow('Invalid AOF manifest file format');
  });
});
