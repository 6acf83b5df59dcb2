import { type ChildProcess, spawn } from 'child_process';
import * as path from 'path';

export const ROOT = path.resolve(__dirname, '..', '..');

/**
 * `ferrous <args>` from the TypeScript sources in a child process (no build needed), stdout and
 * stderr piped. Unless `relaunch`, Node is given a heap limit (`nodeOptions`), so the launcher
 * runs the server in this process instead of starting itself again with a sized heap
 * (kernel/heap-size.ts).
 */
export function spawnFerrous(args: string[], relaunch = false, nodeOptions = '--max-old-space-size=4096'): ChildProcess {
  const env = { ...process.env, NODE_OPTIONS: relaunch ? '' : nodeOptions };
  return spawn(process.execPath, ['-r', path.join(__dirname, 'ts-register.cjs'), path.join(ROOT, 'kernel', 'main.ts'), ...args], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
    env,
  });
}

/** Everything the process wrote, once it exited, with its exit code or signal. */
export function exited(proc: ChildProcess): Promise<{ code: number | null; signal: NodeJS.Signals | null; out: string }> {
  let out = '';
  proc.stdout!.on('data', (b: Buffer) => (out += b.toString()));
  proc.stderr!.on('data', (b: Buffer) => (out += b.toString()));
  return new Promise((resolve) => proc.once('close', (code, signal) => resolve({ code, signal, out })));
}

/** Resolves with the port once the server logs that it accepts connections. */
export function ready(proc: ChildProcess): Promise<number> {
  return new Promise((resolve, reject) => {
    let out = '';
    const onData = (b: Buffer) => {
      out += b.toString();
      const m = /Ready to accept connections on port (\d+)/.exec(out);
      if (m !== null) {
        proc.stdout!.off('data', onData);
        resolve(Number(m[1]));
      }
    };
    proc.stdout!.on('data', onData);
    proc.stderr!.on('data', (b: Buffer) => (out += b.toString()));
    proc.once('exit', (code) => reject(new Error(`Ferrous exited (${code}) before it was ready:\n${out}`)));
  });
}
