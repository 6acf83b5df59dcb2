import type { ChildProcess } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as net from 'net';
import { ready, ROOT, spawnFerrous } from '../../helpers/spawn';
import { useRecorder, useServer, waitFor } from '../../helpers/fixtures';
import { RawClient } from '../../helpers/raw-client';

jest.setTimeout(60000);

describe('DEBUG in process', () => {
  const f = useServer({ 'enable-debug-command': 'yes' });
  const rec = useRecorder(f);

  it('SLEEP stops the whole server, as Redis does', async () => {
    const other = await f.connect();
    const t0 = Date.now();
    const sleeping = f.raw.call('DEBUG', 'SLEEP', '0.3');
    await new Promise((r) => setTimeout(r, 20));
    expect(await other.call('PING')).toBe('+PONG\r\n');
    expect(Date.now() - t0).toBeGreaterThanOrEqual(250);
    expect(await sleeping).toBe('+OK\r\n');
  });

  it('SET-ACTIVE-EXPIRE 0 leaves expired keys to lazy expiry; 1 lets the cycle reclaim them', async () => {
    await f.raw.call('DEBUG', 'SET-ACTIVE-EXPIRE', '0');
    await f.raw.call('SET', 'k', 'v', 'PX', '1');
    const db = f.server.keyspace.db(0);
    await new Promise((r) => setTimeout(r, 400));
    expect(db.peekStored('k')).toBeDefined();
    await f.raw.call('DEBUG', 'SET-ACTIVE-EXPIRE', '1');
    await waitFor(() => db.peekStored('k') === undefined, 'the active expire cycle to reclaim the key');
  });

  it('POPULATE and RELOAD are not propagated; POPULATE touches WATCHed keys', async () => {
    const watcher = await f.connect();
    await watcher.call('WATCH', 'key:1');
    await f.raw.call('DEBUG', 'POPULATE', '3');
    await f.raw.call('DEBUG', 'RELOAD');
    expect(rec.propagated).toEqual([]);
    await watcher.call('MULTI');
    await watcher.call('PING');
    expect(await watcher.call('EXEC')).toBe('*-1\r\n');
    expect(await f.io.dbsize()).toBe(3);
  });

  it('DIGEST-VALUE follows the data through ioredis, and DIGEST is all zeros when empty', async () => {
    expect(await f.io.call('DEBUG', 'DIGEST')).toBe('0'.repeat(40));
    await f.io.rpush('l', 'a', 'b');
    const before = await f.io.call('DEBUG', 'DIGEST-VALUE', 'l');
    await f.io.lset('l', 0, 'b');
    await f.io.lset('l', 1, 'a');
    expect(await f.io.call('DEBUG', 'DIGEST-VALUE', 'l')).not.toEqual(before);
    await f.io.lset('l', 0, 'a');
    await f.io.lset('l', 1, 'b');
    expect(await f.io.call('DEBUG', 'DIGEST-VALUE', 'l')).toEqual(before);
  });
});

/** Whether something accepts connections on `port`. */
function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.createConnection({ port, host: '127.0.0.1' }, () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });
}

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const p = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(p));
    });
  });
}

describe('DEBUG subcommands that end the process', () => {
  const children: ChildProcess[] = [];
  afterEach(() => {
    for (const p of children.splice(0)) if (p.exitCode === null && p.signalCode === null) p.kill('SIGKILL');
  });

  async function start(port = 0, dir = ROOT): Promise<{ proc: ChildProcess; port: number }> {
    const proc = spawnFerrous(['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--enable-debug-command', 'yes', '--dir', dir]);
    children.push(proc);
    return { proc, port: await ready(proc) };
  }

  /** A server on a fixed port (RESTART comes back on it): one found free, another if it was taken before the server bound it. */
  async function startOnFixedPort(dir: string): Promise<{ proc: ChildProcess; port: number }> {
    for (let attempt = 1; ; attempt++) {
      const port = await freePort();
      try {
        return await start(port, dir);
      } catch (e) {
        if (attempt === 5 || !/EADDRINUSE|already in use/.test((e as Error).message)) throw e;
      }
    }
  }

  const exit = (proc: ChildProcess) => new Promise<string | number | null>((resolve) => proc.once('exit', (code, signal) => resolve(signal ?? code)));

  it.each([
    ['SEGFAULT', 'SIGSEGV'],
    ['PANIC', 'SIGABRT'],
    ['ASSERT', 'SIGABRT'],
    ['OOM', 'SIGABRT'],
  ])('DEBUG %s kills the server with %s', async (sub, signal) => {
    const { proc, port } = await start();
    const c = await RawClient.connect(port);
    const gone = exit(proc);
    c.write(`*2\r\n$5\r\nDEBUG\r\n$${sub.length}\r\n${sub}\r\n`);
    expect(await gone).toBe(signal);
    c.close();
  });

  it.each(['RESTART', 'CRASH-AND-RECOVER'])('DEBUG %s brings the server back on its port', async (sub) => {
    // Its own directory tells the restarted server from any other that took the port meanwhile.
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ferrous-restart-'));
    const { proc, port } = await startOnFixedPort(dir);
    const c = await RawClient.connect(port);
    const gone = exit(proc);
    c.write(`*3\r\n$5\r\nDEBUG\r\n$${sub.length}\r\n${sub}\r\n$2\r\n10\r\n`);
    await gone;
    c.close();
    let up = false;
    for (let i = 0; i < 200 && !up; i++) {
      await new Promise((r) => setTimeout(r, 100));
      up = await listening(port);
    }
    expect(up).toBe(true);
    const again = await RawClient.connect(port);
    expect(await again.exec('CONFIG', 'GET', 'dir')).toEqual(['dir', fs.realpathSync(dir)]);
    // The new process is no child of this test: stop it through the protocol.
    again.write('*2\r\n$8\r\nSHUTDOWN\r\n$6\r\nNOSAVE\r\n');
    for (let i = 0; i < 100 && (await listening(port)); i++) await new Promise((r) => setTimeout(r, 50));
    again.close();
    expect(await listening(port)).toBe(false);
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
