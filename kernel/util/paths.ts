import * as fs from 'fs';
import * as path from 'path';

/**
 * The project root (where package.json is), whether running from sources (kernel/util/) or
 * from dist/ (dist/kernel/util/), in the repository or in an installed package that holds only
 * dist/ and config/.
 */
export const projectRoot = path.resolve(__dirname, '..', '..').replace(/[\\/]dist$/, '');
if (!fs.existsSync(path.join(projectRoot, 'package.json'))) throw new Error(`cannot find Ferrous's package.json in ${projectRoot}`);

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
