import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import Redis from 'ioredis';
import type { Ferrous } from '../../../kernel/bootstrap';
import { startServer } from '../../../kernel/bootstrap';
import { RawClient } from '../../helpers/raw-client';
import { waitFor } from '../../helpers/fixtures';
import { startTestServer } from '../../helpers/server';

function tmpdir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'ferrous-persist-'));
}

async function info(r: Redis): Promise<Record<string, string>> {
  const text = await r.info('persistence');
  return Object.fromEntries(text.split('\r\n').filter((l) => l.includes(':')).map((l) => l.split(':') as [string, string]));
}

async function populate(r: Redis): Promise<void> {
  await r.set('s', 'plain');
  await r.set('n', '123456');
  await r.set('bin', Buffer.from([0, 255, 13, 10, 128]));
  await r.set('long', 'x'.repeat(5000));
  await r.set('ttl', 'v', 'PX', 3_600_000);
  await r.rpush('list', 'a', 'b', '3');
  await r.sadd('set', 'm1', 'm2', '7');
  await r.zadd('zset', 1.5, 'a', -2, 'b', 'inf', 'c');
  await r.hset('hash', 'f1', 'v1', 'f2', '2');
  await r.select(2);
  await r.set('db2', 'here');
  await r.select(0);
}

async function check(r: Redis): Promise<void> {
  expect(await r.get('s')).toBe('plain');
  expect(await r.get('n')).toBe('123456');
  expect(await r.getBuffer('bin')).toEqual(Buffer.from([0, 255, 13, 10, 128]));
  expect(await r.get('long')).toBe('x'.repeat(5000));
  const pttl = await r.pttl('ttl');
  expect(pttl).toBeGreaterThan(3_500_000);
  expect(pttl).toBeLessThanOrEqual(3_600_000);
  expect(await r.lrange('list', 0, -1)).toEqual(['a', 'b', '3']);
  expect((await r.smembers('set')).sort()).toEqual(['7', 'm1', 'm2']);
  expect(await r.zrange('zset', 0, -1, 'WITHSCORES')).toEqual(['b', '-2', 'a', '1.5', 'c', 'inf']);
  expect(await r.hgetall('hash')).toEqual({ f1: 'v1', f2: '2' });
  await r.select(2);
  expect(await r.get('db2')).toBe('here');
  await r.select(0);
}

describe('SAVE, loading at start-up, LASTSAVE, INFO', () => {
  let dir: string;
  beforeEach(() => (dir = tmpdir()));
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  test('a saved dataset comes back after a restart, with TTLs and databases', async () => {
    let f: Ferrous = await startTestServer({ dir, dbfilename: 'x.rdb' });
    let r = new Redis(f.port, '127.0.0.1');
    await populate(r);
    const before = await info(r);
    expect(Number(before.rdb_changes_since_last_save)).toBeGreaterThan(0);
    expect(await r.save()).toBe('OK');
    expect(Math.abs((await r.lastsave()) - Date.now() / 1000)).toBeLessThan(5);
    const after = await info(r);
    expect(after).toMatchObject({ rdb_changes_since_last_save: '0', rdb_bgsave_in_progress: '0', rdb_last_bgsave_status: 'ok', rdb_saves: '1' });
    r.disconnect();
    await f.close();
    expect(fs.existsSync(path.join(dir, 'x.rdb'))).toBe(true);

    f = await startTestServer({ dir, dbfilename: 'x.rdb' });
    r = new Redis(f.port, '127.0.0.1');
    await check(r);
    expect(await info(r)).toMatchObject({ rdb_last_load_keys_loaded: '10', rdb_changes_since_last_save: '0' });
    r.disconnect();
    await f.close();
  });

  test("temporary dump files of processes that no longer run are removed at start; a live process's are kept", async () => {
    // A pid that ran and exited: what a kill during BGSAVE leaves behind.
    const dead = spawnSync(process.execPath, ['-e', '0']).pid!;
    const stale = [`temp-bg-${dead}.rdb`, `temp-${dead}.rdb`, `temp-${dead}-sync.rdb`];
    const kept = [`temp-${process.pid}.rdb`, `temp-bg-${process.ppid}.rdb`, 'temp-notapid.rdb', 'other.rdb', `temp-${dead}.aof`];
    for (const name of [...stale, ...kept]) fs.writeFileSync(path.join(dir, name), 'partial');
    const f = await startTestServer({ dir, dbfilename: 'x.rdb' });
    const r = new Redis(f.port, '127.0.0.1');
    expect(await r.ping()).toBe('PONG');
    expect(fs.readdirSync(dir).sort()).toEqual([...kept].sort());
    r.disconnect();
    await f.close();
  });

  test('keys that expired while the server was down are not loaded', async () => {
    let f = await startTestServer({ dir, dbfilename: 'x.rdb' });
    let r = new Redis(f.port, '127.0.0.1');
    await r.set('short', 'v', 'PX', 50);
    await r.set('keep', 'v');
    await r.save();
    r.disconnect();
    await f.close();
    await new Promise((res) => setTimeout(res, 80));
    f = await startTestServer({ dir, dbfilename: 'x.rdb' });
    r = new Redis(f.port, '127.0.0.1');
    expect(await r.keys('*')).toEqual(['keep']);
    expect(await info(r)).toMatchObject({ rdb_last_load_keys_expired: '1', rdb_last_load_keys_loaded: '1' });
    r.disconnect();
    await f.close();
  });

  test('a corrupt or truncated file refuses the start, and is left untouched', async () => {
    const f = await startTestServer({ dir, dbfilename: 'x.rdb' });
    const r = new Redis(f.port, '127.0.0.1');
    for (let i = 0; i < 100; i++) await r.set(`k${i}`, `v${i}`);
    await r.save();
    r.disconnect();
    await f.close();
    const good = fs.readFileSync(path.join(dir, 'x.rdb'));

    fs.writeFileSync(path.join(dir, 'cut.rdb'), good.subarray(0, good.length - 50));
    await expect(startTestServer({ dir, dbfilename: 'cut.rdb', save: '60 1' })).rejects.toThrow(/cut\.rdb.*(unexpected end|truncated)/);
    expect(fs.readFileSync(path.join(dir, 'cut.rdb')).length).toBe(good.length - 50);

    // A byte of a value's text: the file still parses, so only the checksum can tell. (Keys are
    // saved in hash order, which changes with the process's seed: a fixed offset from the end
    // could land on a length byte.)
    const bad = Buffer.from(good);
    bad[good.indexOf('v42') + 1] ^= 0x01;
    fs.writeFileSync(path.join(dir, 'bad.rdb'), bad);
    await expect(startTestServer({ dir, dbfilename: 'bad.rdb' })).rejects.toThrow(/checksum/);

    fs.writeFileSync(path.join(dir, 'junk.rdb'), 'not an rdb file at all');
    await expect(startTestServer({ dir, dbfilename: 'junk.rdb' })).rejects.toThrow(/Wrong signature/);
  });

  test('SAVE errors while a BGSAVE runs; BGSAVE checks its argument', async () => {
    const f = await startTestServer({ dir, dbfilename: 'x.rdb' });
    const c = await RawClient.connect(f.port);
    expect(await c.call('BGSAVE', 'NOW')).toBe('-ERR syntax error\r\n');
    for (let i = 0; i < 20000; i++) c.write(`*3\r\n$3\r\nSET\r\n$${String(i).length + 1}\r\nk${i}\r\n$1\r\nv\r\n`);
    for (let i = 0; i < 20000; i++) await c.read();
    expect(await c.call('BGSAVE')).toBe('+Background saving started\r\n');
    expect(await c.call('SAVE')).toBe('-ERR Background save already in progress\r\n');
    expect(await c.call('BGSAVE', 'SCHEDULE')).toBe('-ERR Background save already in progress\r\n');
    const mod = f.container.resolve(require('../../../modules/persistence').default) as { backgroundSave: Promise<void> | null };
    await mod.backgroundSave;
    expect(await c.exec('INFO', 'persistence')).toMatch(/rdb_bgsave_in_progress:0\r\n.*rdb_last_bgsave_status:ok/s);
    c.close();
    await f.close();
  });
});

describe('BGSAVE is a point-in-time snapshot', () => {
  test('values changed, deleted, created and flushed during the save keep their state from its start', async () => {
    const dir = tmpdir();
    const f = await startTestServer({ dir, dbfilename: 'x.rdb' });
    const r = new Redis(f.port, '127.0.0.1');
    const batch = r.pipeline();
    for (let i = 0; i < 100_000; i++) batch.set(`key:${i}`, `value:${i}`);
    await batch.exec();
    await r.set('known', 'old');
    await r.rpush('biglist', 'a', 'b');
    await r.set('doomed', 'present');
    await r.set('ttl-later', 'v');
    await r.select(5);
    await r.set('in5', 'before-flush');
    await r.select(0);

    expect(await r.bgsave()).toBe('Background saving started');
    // These run while the snapshot is being written, in slices between them.
    await r.set('known', 'new');
    await r.rpush('biglist', 'c');
    await r.del('doomed');
    await r.set('created-after', 'x');
    await r.pexpire('ttl-later', 10);
    await r.set('key:99999', 'changed');
    await r.select(5);
    await r.flushdb();
    await r.select(0);
    const inProgress = await info(r);
    expect(inProgress.rdb_bgsave_in_progress).toBe('1');
    const mod = f.container.resolve(require('../../../modules/persistence').default) as { backgroundSave: Promise<void> | null };
    await mod.backgroundSave;
    r.disconnect();
    await f.close();

    const g = await startTestServer({ dir, dbfilename: 'x.rdb' });
    const s = new Redis(g.port, '127.0.0.1');
    expect(await s.get('known')).toBe('old');
    expect(await s.lrange('biglist', 0, -1)).toEqual(['a', 'b']);
    expect(await s.get('doomed')).toBe('present');
    expect(await s.exists('created-after')).toBe(0);
    expect(await s.ttl('ttl-later')).toBe(-1);
    expect(await s.get('key:99999')).toBe('value:99999');
    expect(await s.dbsize()).toBe(100_004);
    await s.select(5);
    expect(await s.get('in5')).toBe('before-flush');
    s.disconnect();
    await g.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }, 60_000);
});

describe('save points, SHUTDOWN and configuration', () => {
  let dir: string;
  beforeEach(() => (dir = tmpdir()));
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  test('save accepts pairs, CONFIG GET shows them, bad values are refused', async () => {
    // dbfilename is a protected config: CONFIG SET reaches its own check only when allowed.
    const f = await startTestServer({ dir, dbfilename: 'x.rdb', 'enable-protected-configs': 'yes' });
    const c = await RawClient.connect(f.port);
    expect(await c.exec('CONFIG', 'GET', 'save')).toEqual(['save', '']);
    expect(await c.call('CONFIG', 'SET', 'save', '100 10 50 5')).toBe('+OK\r\n');
    expect(await c.exec('CONFIG', 'GET', 'save')).toEqual(['save', '100 10 50 5']);
    expect(await c.call('CONFIG', 'SET', 'save', '100')).toBe("-ERR CONFIG SET failed (possibly related to argument 'save') - Invalid save parameters\r\n");
    expect(await c.call('CONFIG', 'SET', 'save', '0 1')).toBe("-ERR CONFIG SET failed (possibly related to argument 'save') - Invalid save parameters\r\n");
    expect(await c.call('CONFIG', 'SET', 'dbfilename', 'a/b.rdb')).toBe(
      "-ERR CONFIG SET failed (possibly related to argument 'dbfilename') - dbfilename can't be a path, just a filename\r\n",
    );
    c.close();
    await f.close();
  });

  test('save lines in a config file replace the default and accumulate', async () => {
    const conf = path.join(dir, 'f.conf');
    fs.writeFileSync(conf, `port 0\nbind 127.0.0.1\nloglevel warning\ndir ${dir}\nsave 900 1\nsave 300 10 60 10000\n`);
    const f = await startServer({ configFile: conf });
    const c = await RawClient.connect(f.port);
    expect(await c.exec('CONFIG', 'GET', 'save')).toEqual(['save', '900 1 300 10 60 10000']);
    c.close();
    await f.server.shutdown({ nosave: true });
    const g = await startServer({ argv: ['--port', '0', '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--loglevel', 'warning'] });
    const d = await RawClient.connect(g.port);
    expect(await d.exec('CONFIG', 'GET', 'save')).toEqual(['save', '']);
    d.close();
    await g.close();
  });

  test('a reached save point starts a BGSAVE', async () => {
    const f = await startTestServer({ dir, dbfilename: 'auto.rdb', save: '1 2' });
    const r = new Redis(f.port, '127.0.0.1');
    await r.set('a', '1');
    await r.set('b', '2');
    // The save point is 1 s old at the earliest; the cron then starts the BGSAVE.
    await waitFor(() => fs.existsSync(path.join(dir, 'auto.rdb')), 'the BGSAVE of the save point', 20000);
    expect(fs.readFileSync(path.join(dir, 'auto.rdb')).subarray(0, 5).toString()).toBe('REDIS');
    r.disconnect();
    await f.server.shutdown({ nosave: true });
  });

  test('SHUTDOWN SAVE saves without save points, SHUTDOWN NOSAVE does not, plain SHUTDOWN follows save points', async () => {
    const run = async (config: Record<string, string>, args: string[]) => {
      const f = await startTestServer({ dir, ...config });
      const c = await RawClient.connect(f.port);
      await c.call('SET', 'k', args.join('-') || 'plain');
      c.write(`*${args.length + 1}\r\n$8\r\nSHUTDOWN\r\n${args.map((a) => `$${a.length}\r\n${a}\r\n`).join('')}`);
      await expect(c.read()).rejects.toThrow(/closed/);
    };
    await run({ dbfilename: 'a.rdb' }, ['SAVE']);
    expect(fs.existsSync(path.join(dir, 'a.rdb'))).toBe(true);
    await run({ dbfilename: 'b.rdb', save: '3600 1' }, ['NOSAVE']);
    expect(fs.existsSync(path.join(dir, 'b.rdb'))).toBe(false);
    await run({ dbfilename: 'c.rdb', save: '3600 1' }, []);
    await run({ dbfilename: 'd.rdb' }, []);
    expect(fs.existsSync(path.join(dir, 'c.rdb'))).toBe(true);
    expect(fs.existsSync(path.join(dir, 'd.rdb'))).toBe(false);
  });

  test('a SHUTDOWN whose save fails is refused and the server keeps running', async () => {
    const f = await startTestServer({ dir, dbfilename: 'x.rdb' });
    const c = await RawClient.connect(f.port);
    await c.call('SET', 'k', 'v');
    fs.rmSync(dir, { recursive: true, force: true });
    expect(await c.call('SHUTDOWN', 'SAVE')).toBe('-ERR Errors trying to SHUTDOWN. Check logs.\r\n');
    expect(await c.call('GET', 'k')).toBe('$1\r\nv\r\n');
    expect(await c.exec('INFO', 'persistence')).toMatch(/rdb_last_bgsave_status:err/);
    c.close();
    await f.server.shutdown({ nosave: true });
  });
});
