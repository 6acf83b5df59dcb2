import { spawn, spawnSync, type ChildProcess } from 'child_process';
import * as fs from 'fs';
import * as net from 'net';
import * as os from 'os';
import * as path from 'path';

export interface RealRedis {
  port: number;
  dir: string;
  stop(): Promise<void>;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.listen(0, '127.0.0.1', () => {
      const a = s.address() as net.AddressInfo;
      s.close(() => resolve(a.port));
    });
    s.once('error', reject);
  });
}

/**
 * redis-server on `port`: resolves once it logged that it listens (so the port is its own, not
 * another server's that took the port meanwhile), or null when it could not bind it.
 */
function launch(port: number, dir: string, extraArgs: string[]): Promise<ChildProcess | null> {
  const proc = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir, ...extraArgs],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => {
      proc.kill('SIGKILL');
      reject(new Error(`redis-server did not start within 20 s:\n${out}`));
    }, 20000);
    const onData = (b: Buffer) => {
      out += b.toString();
      if (!/Ready to accept connections/.test(out)) return;
      clearTimeout(timer);
      proc.off('exit', onExit);
      // Keep draining its log: a full pipe would stall the server.
      proc.stdout!.off('data', onData);
      proc.stdout!.resume();
      resolve(proc);
    };
    const onExit = () => {
      clearTimeout(timer);
      if (/Address already in use/.test(out)) resolve(null);
      else reject(new Error(`redis-server exited before it was ready:\n${out}`));
    };
    proc.stdout!.on('data', onData);
    proc.stderr!.on('data', (b: Buffer) => (out += b.toString()));
    proc.once('exit', onExit);
  });
}

/**
 * Start a real redis-server 7.0 on a free port for differential tests. A missing server is a
 * failure, never a skip: CI installs it (.ci/run). The port is found free, then bound by
 * redis-server: if another process took it in between, another port is tried.
 */
export async function startRealRedis(extraArgs: string[] = []): Promise<RealRedis> {
  const version = spawnSync('redis-server', ['--version'], { encoding: 'utf8' });
  if (version.error || version.status !== 0) {
    throw new Error('redis-server is not installed: the compatibility suite needs it (apt-get install -y redis-server)');
  }
  if (!/v=7\.0\./.test(version.stdout)) throw new Error(`compat tests need redis-server 7.0, found: ${version.stdout.trim()}`);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ferrous-redis-'));
  for (let attempt = 0; attempt < 5; attempt++) {
    const port = await freePort();
    const proc = await launch(port, dir, extraArgs);
    if (proc === null) continue;
    return {
      port,
      dir,
      stop: () =>
        new Promise<void>((resolve) => {
          const done = () => {
            fs.rmSync(dir, { recursive: true, force: true });
            resolve();
          };
          // A test may have shut it down already.
          if (proc.exitCode !== null || proc.signalCode !== null) return done();
          proc.once('exit', done);
          proc.kill('SIGKILL');
        }),
    };
  }
  fs.rmSync(dir, { recursive: true, force: true });
  throw new Error('redis-server found no free port in 5 attempts');
}
