import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import Redis from 'ioredis';
import { crc64 } from '../../../kernel';
import type { Ferrous } from '../../../kernel/bootstrap';
import { startTestServer } from '../../helpers/server';

const PLUGIN = './plugins/hello';

/** A plugin's own type persists as a Redis module type (RDB_TYPE_MODULE_2, 'hello-cnt'). */
describe('the hello plugin counter persists', () => {
  let dir: string;
  const servers: Ferrous[] = [];
  const clients: Redis[] = [];
  beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ferrous-hello-'))));
  afterEach(async () => {
    for (const c of clients.splice(0)) c.disconnect();
    for (const s of servers.splice(0)) await s.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  async function start(config: Record<string, string> = {}, plugin = true): Promise<Redis> {
    const f = await startTestServer({ dir, dbfilename: 'hello.rdb', ...(plugin ? { loadmodule: PLUGIN } : {}), ...config });
    servers.push(f);
    const r = new Redis(f.port, '127.0.0.1');
    clients.push(r);
    return r;
  }

  async function stop(): Promise<void> {
    for (const c of clients.splice(0)) c.disconnect();
    for (const s of servers.splice(0)) await s.close();
  }

  async function counters(r: Redis): Promise<void> {
    for (let i = 0; i < 3; i++) await r.call('HELLO.COUNT', 'c1');
    await r.call('HELLO.COUNTSET', 'big', String(2 ** 40 + 7));
    await r.pexpire('big', 3_600_000);
    await r.set('plain', 'string');
  }

  async function expectCounters(r: Redis): Promise<void> {
    expect(await r.call('HELLO.COUNT', 'c1')).toBe(4);
    expect(await r.call('HELLO.COUNT', 'big')).toBe(2 ** 40 + 8);
    expect(await r.pttl('big')).toBeGreaterThan(3_500_000);
    expect(await r.get('plain')).toBe('string');
    expect(await r.type('c1')).toBe('hello-counter');
  }

  async function until(r: Redis, section: string, field: string): Promise<void> {
    for (let i = 0; i < 500; i++) {
      if ((await r.info(section)).includes(`${field}:0`)) return;
      await new Promise((res) => setTimeout(res, 10));
    }
    throw new Error(`${field} stayed on`);
  }

  it('through SAVE and a restart', async () => {
    let r = await start();
    await counters(r);
    expect(await r.save()).toBe('OK');
    await stop();
    r = await start();
    await expectCounters(r);
  });

  it('through BGSAVE and a restart', async () => {
    let r = await start();
    await counters(r);
    await r.bgsave();
    await until(r, 'persistence', 'rdb_bgsave_in_progress');
    await stop();
    r = await start();
    await expectCounters(r);
  });

  for (const preamble of ['yes', 'no']) {
    it(`through BGREWRITEAOF and a restart (aof-use-rdb-preamble ${preamble})`, async () => {
      const aof = { appendonly: 'yes', 'aof-use-rdb-preamble': preamble };
      let r = await start(aof);
      await counters(r);
      await r.bgrewriteaof();
      await until(r, 'persistence', 'aof_rewrite_in_progress');
      // A write after the rewrite lands in the incremental file, replayed on top of the base.
      await r.call('HELLO.COUNT', 'c1');
      await stop();
      r = await start(aof);
      expect(await r.call('HELLO.COUNT', 'c1')).toBe(5);
      expect(await r.call('HELLO.COUNT', 'big')).toBe(2 ** 40 + 8);
    });
  }

  it('through DUMP and RESTORE, and refuses a payload of an unknown module type', async () => {
    const r = await start();
    await r.call('HELLO.COUNTSET', 'c', '41');
    const payload = await r.dumpBuffer('c');
    expect(payload).not.toBeNull();
    await r.restore('copy', 0, payload!);
    expect(await r.call('HELLO.COUNT', 'copy')).toBe(42);
    expect(await r.type('copy')).toBe('hello-counter');
    // The type name is in the payload's module id: another name, with a valid checksum, is no type here.
    const bad = Buffer.from(payload!);
    bad[3] ^= 1;
    crc64(bad.subarray(0, bad.length - 8)).copy(bad, bad.length - 8);
    await expect(r.restore('bad', 0, bad)).rejects.toThrow('ERR Bad data format');
    bad[bad.length - 1] ^= 1;
    await expect(r.restore('bad', 0, bad)).rejects.toThrow('ERR DUMP payload version or checksum are wrong');
  });

  it('a server without the plugin refuses the file, naming the missing type', async () => {
    const r = await start();
    await counters(r);
    await r.save();
    await stop();
    await expect(start({}, false)).rejects.toThrow("The RDB file contains module data I can't load: no matching module type 'hello-cnt'");
    // The file is untouched: the plugin's server still loads it.
    await expectCounters(await start());
  });
});
