import { type ChildProcess, spawn } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

/**
 * Ferrous as a child process, for tests that crash, kill or restart it: it runs from the
 * TypeScript sources through a small require hook that transpiles with the project's own
 * typescript and caches the output, so no build is needed.
 */

const ROOT = path.resolve(__dirname, '..', '..');
const REGISTER = `
const fs = require('fs');
const path = require('path');
const crypto = require('crypto');
const ts = require(require.resolve('typescript', { paths: [${JSON.stringify(ROOT)}] }));
const cache = path.join(require('os').tmpdir(), 'ferrous-aof-crash-tscache');
fs.mkdirSync(cache, { recursive: true });
const options = { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, experimentalDecorators: true,
  emitDecoratorMetadata: true, useDefineForClassFields: false, esModuleInterop: true, resolveJsonModule: true };
require.extensions['.ts'] = function (module, filename) {
  const src = fs.readFileSync(filename, 'utf8');
  const key = path.join(cache, crypto.createHash('sha1').update(ts.version + filename + src).digest('hex') + '.js');
  let out;
  try { out = fs.readFileSync(key, 'utf8'); } catch {
    out = ts.transpileModule(src, { fileName: filename, compilerOptions: options }).outputText;
    fs.writeFileSync(key, out);
  }
  module._compile(out, filename);
};
// A stray compiled .js beside a source .ts (from a tsc run without outDir) must not shadow the source.
const loadJs = require.extensions['.js'];
const root = ${JSON.stringify(ROOT)};
require.extensions['.js'] = function (module, filename) {
  const twin = filename.replace(/\.js$/, '.ts');
  if (filename.startsWith(root) && !filename.includes('node_modules') && fs.existsSync(twin)) return require.extensions['.ts'](module, twin);
  return loadJs(module, filename);
};
`;

let register: string | null = null;

/** The require hook's file, written once per test process. */
function registerFile(): string {
  if (register === null) {
    register = path.join(os.tmpdir(), `ferrous-register-${process.pid}.js`);
    fs.writeFileSync(register, REGISTER);
    process.once('exit', () => fs.rmSync(register!, { force: true }));
  }
  return register;
}

/** Start Ferrous (`kernel/main.ts` with `args`) in a child process; resolves once it accepts connections. */
export function spawnFerrous(args: string[]): Promise<{ proc: ChildProcess; port: number }> {
  const proc = spawn(process.execPath, ['-r', registerFile(), path.join(ROOT, 'kernel', 'main.ts'), '--bind', '127.0.0.1', ...args], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return new Promise((resolve, reject) => {
    let out = '';
    const onData = (b: Buffer) => {
      out += b.toString();
      const m = /ready to accept connections on port (\d+)/.exec(out);
      if (m !== null) {
        proc.stdout!.off('data', onData);
        resolve({ proc, port: Number(m[1]) });
      }
    };
    proc.stdout!.on('data', onData);
    proc.stderr!.on('data', (b: Buffer) => (out += b.toString()));
    proc.once('exit', (code) => reject(new Error(`Ferrous exited (${code}) before it was ready:\n${out}`)));
  });
}
