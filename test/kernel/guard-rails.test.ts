import * as fs from 'fs';
import * as path from 'path';

const root = path.join(__dirname, '..', '..');
const IMPORT = /(?:\bfrom\s+|\bimport\s*\(\s*|\brequire\s*\(\s*|^\s*import\s+)['"](\.{1,2}\/[^'"]*)['"]/gm;

function sources(dir: string): string[] {
  return fs.readdirSync(path.join(root, dir), { withFileTypes: true }).flatMap((e) => {
    const rel = path.join(dir, e.name);
    if (e.isDirectory()) return e.name === 'node_modules' ? [] : sources(rel);
    return /\.(ts|js)$/.test(e.name) && !e.name.endsWith('.d.ts') ? [rel] : [];
  });
}

/** Every relative import of the files under `dir`, as [file, imported path relative to the root]. */
function imports(dir: string): Array<[string, string]> {
  return sources(dir).flatMap((file) =>
    [...fs.readFileSync(path.join(root, file), 'utf8').matchAll(IMPORT)].map(
      (m): [string, string] => [file, path.normalize(path.join(path.dirname(file), m[1]))],
    ),
  );
}

describe('guard rails: who may import what', () => {
  it('the kernel imports no module and no plugin', () => {
    const found = imports('kernel');
    expect(found.length).toBeGreaterThan(50);
    expect(found.filter(([, target]) => !target.startsWith(`kernel${path.sep}`) && target !== 'kernel')).toEqual([]);
  });

  for (const tree of ['modules', 'plugins']) {
    it(`each of ${tree}/ imports only its own files and the kernel's public API`, () => {
      const found = imports(tree);
      expect(found.length).toBeGreaterThan(tree === 'modules' ? 50 : 0);
      const foreign = found.filter(([file, target]) => {
        const own = file.split(path.sep).slice(0, 2).join(path.sep);
        return !(target === own || target.startsWith(own + path.sep) || target === 'kernel' || target === path.join('kernel', 'index'));
      });
      expect(foreign).toEqual([]);
    });
  }
});

/**
 * BigInt code run hot has crashed V8's optimiser (issue 17: PFADD at volume), so no command
 * path computes with it. What remains is the plugin API: bigint helpers for plugins and a
 * plugin handler's bigint reply, which no module returns.
 */
const BIGINT_ALLOWED: Record<string, number> = {
  [path.join('kernel', 'util', 'numbers.ts')]: 5,
  [path.join('kernel', 'reply.ts')]: 1,
  [path.join('kernel', 'resp', 'encoder.ts')]: 1,
  [path.join('modules', 'scripting', 'conversions.ts')]: 1,
};
const BIGINT = /\bBigInt\b|\bbigint\b|\b\d+n\b/;

describe('guard rails: no BigInt on command paths', () => {
  it('kernel and modules use BigInt only in the plugin API, outside comments', () => {
    const found: Record<string, number> = {};
    for (const file of [...sources('kernel'), ...sources('modules')]) {
      const code = fs
        .readFileSync(path.join(root, file), 'utf8')
        .replace(/\/\*[\s\S]*?\*\//g, '')
        .split('\n')
        .map((l) => l.replace(/\/\/.*$/, ''));
      const n = code.filter((l) => BIGINT.test(l)).length;
      if (n !== 0) found[file] = n;
    }
    expect(found).toEqual(BIGINT_ALLOWED);
  });
});
