import * as fs from 'fs';
import * as path from 'path';

function findRoot(start: string): string {
  let dir = start;
  for (;;) {
    const pkg = path.join(dir, 'package.json');
    if (fs.existsSync(pkg) && fs.existsSync(path.join(dir, 'kernel'))) return dir;
    const up = path.dirname(dir);
    if (up === dir) throw new Error(`cannot find the Ferrous project root above ${start}`);
    dir = up;
  }
}

/** The project root (where package.json is), whether running from sources or from dist/. */
export const projectRoot = findRoot(path.resolve(__dirname, '..', '..').replace(/[\\/]dist$/, ''));

/** True when running compiled JavaScript from dist/. */
export const compiled = __filename.endsWith('.js');

/**
 * Where to load a module from: compiled runs map a path inside the source tree to its
 * twin under dist/, so `loadmodule ./plugins/hello` works both from sources and compiled.
 */
export function runnablePath(p: string): string {
  if (!compiled) return p;
  const dist = path.join(projectRoot, 'dist');
  const rel = path.relative(projectRoot, p);
  if (rel.startsWith('..') || path.isAbsolute(rel) || rel.startsWith('dist') || rel.startsWith('node_modules')) return p;
  return path.join(dist, rel);
}
