import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import Redis from 'ioredis';
import type { Ferrous } from '../../../kernel/bootstrap';
import { waitFor } from '../../helpers/fixtures';
import { startTestServer } from '../../helpers/server';

jest.setTimeout(30000);

/** Function libraries are saved and loaded with the data, as Redis does: RDB, AOF, both rewrites. */

const LIB = "#!lua name=mylib\nredis.register_function('echo1', function(keys, args) return 'mylib:' .. args[1] end)";
const LIB2 = "#!lua name=other\nredis.register_function{function_name='two', callback=function() return 2 end, flags={'no-writes'}}";

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ferrous-fn-'));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

async function withServer<T>(opts: Record<string, string | number>, fn: (r: Redis, f: Ferrous) => Promise<T>): Promise<T> {
  const f = await startTestServer({ dir, save: '', ...opts });
  const r = new Redis(f.port, '127.0.0.1');
  try {
    return await fn(r, f);
  } finally {
    r.disconnect();
    await f.close();
  }
}

async function rewriteDone(r: Redis): Promise<void> {
  await waitFor(async () => (await r.info('persistence')).includes('aof_rewrite_in_progress:0'), 'the rewrite to finish', 20000);
}

async function libraries(r: Redis): Promise<string[]> {
  const list = (await r.call('FUNCTION', 'LIST', 'WITHCODE')) as unknown[][];
  return list.map((l) => `${String(l[1])}=${String(l[7])}`).sort();
}

describe('function libraries in the data files', () => {
  it('SAVE keeps them: a restart has the same libraries, flags included', async () => {
    await withServer({ dbfilename: 'f.rdb' }, async (r) => {
      await r.call('FUNCTION', 'LOAD', LIB);
      await r.call('FUNCTION', 'LOAD', LIB2);
      await r.set('k', 'v');
      await r.save();
    });
    await withServer({ dbfilename: 'f.rdb' }, async (r) => {
      expect(await r.call('FCALL', 'echo1', '0', 'x')).toBe('mylib:x');
      expect(await r.call('FCALL_RO', 'two', '0')).toBe(2);
      expect(await r.get('k')).toBe('v');
      expect(await libraries(r)).toEqual([`mylib=${LIB}`, `other=${LIB2}`]);
    });
  });

  it('BGSAVE saves the libraries as they were when it began', async () => {
    await withServer({ dbfilename: 'f.rdb' }, async (r) => {
      await r.call('FUNCTION', 'LOAD', LIB);
      for (let i = 0; i < 2000; i++) r.set(`key:${i}`, 'x'.repeat(100));
      await r.bgsave();
      await r.call('FUNCTION', 'LOAD', LIB2);
      await waitFor(async () => (await r.info('persistence')).includes('rdb_bgsave_in_progress:0'), 'the BGSAVE to finish', 20000);
    });
    await withServer({ dbfilename: 'f.rdb' }, async (r) => {
      expect(await libraries(r)).toEqual([`mylib=${LIB}`]);
    });
  });

  it('FUNCTION LOAD, DELETE, FLUSH and RESTORE reach the AOF and replay', async () => {
    await withServer({ appendonly: 'yes' }, async (r) => {
      await r.call('FUNCTION', 'LOAD', LIB);
      await r.call('FUNCTION', 'LOAD', LIB2);
      await r.call('FUNCTION', 'DELETE', 'other');
      const withOne = (await r.callBuffer('FUNCTION', 'DUMP')) as Buffer;
      await r.call('FUNCTION', 'FLUSH');
      await r.call('FUNCTION', 'RESTORE', withOne);
    });
    await withServer({ appendonly: 'yes' }, async (r) => {
      expect(await libraries(r)).toEqual([`mylib=${LIB}`]);
      expect(await r.call('FCALL', 'echo1', '0', 'y')).toBe('mylib:y');
    });
  });

  it.each([['yes'], ['no']])('an AOF rewrite (aof-use-rdb-preamble %s) keeps them', async (preamble) => {
    await withServer({ appendonly: 'yes', 'aof-use-rdb-preamble': preamble }, async (r) => {
      await r.call('FUNCTION', 'LOAD', LIB);
      await r.set('k', 'v');
      await r.bgrewriteaof();
      await rewriteDone(r);
    });
    const base = fs.readdirSync(path.join(dir, 'appendonlydir')).find((n) => n.includes('.base.'))!;
    expect(base.endsWith(preamble === 'yes' ? '.base.rdb' : '.base.aof')).toBe(true);
    await withServer({ appendonly: 'yes' }, async (r) => {
      expect(await r.call('FCALL', 'echo1', '0', 'z')).toBe('mylib:z');
      expect(await r.get('k')).toBe('v');
    });
  });

  it('a saved library that no longer loads refuses the start with the reason', async () => {
    await withServer({ dbfilename: 'f.rdb', rdbcompression: 'no' }, async (r) => {
      await r.call('FUNCTION', 'LOAD', LIB);
      await r.save();
    });
    const file = path.join(dir, 'f.rdb');
    const buf = fs.readFileSync(file);
    // The library's code, same length but calling what does not exist; that breaks the
    // checksum too, so the loading server does not check it.
    const at = buf.indexOf('register_function');
    expect(at).toBeGreaterThan(0);
    buf.write('register_functioX', at, 'latin1');
    fs.writeFileSync(file, buf);
    await expect(startTestServer({ dir, save: '', dbfilename: 'f.rdb', rdbchecksum: 'no' })).rejects.toThrow(/Failed loading library/);
  });
});
