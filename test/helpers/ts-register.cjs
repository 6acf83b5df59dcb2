// Run Ferrous's TypeScript sources in a child process (`node -r ./ts-register.cjs kernel/main.ts`):
// a require hook that transpiles with the project's own typescript and caches the output in
// node_modules/.cache, so no build is needed and nothing is left in the temporary directory.
const fs = require('fs');
const path = require('path');
const crypto = require('crypto');

const root = path.resolve(__dirname, '..', '..');
const ts = require(require.resolve('typescript', { paths: [root] }));
const cache = path.join(root, 'node_modules', '.cache', 'ferrous-ts');
fs.mkdirSync(cache, { recursive: true });
const options = {
  module: ts.ModuleKind.CommonJS,
  target: ts.ScriptTarget.ES2022,
  experimentalDecorators: true,
  emitDecoratorMetadata: true,
  useDefineForClassFields: false,
  esModuleInterop: true,
  resolveJsonModule: true,
};
require.extensions['.ts'] = function (module, filename) {
  const src = fs.readFileSync(filename, 'utf8');
  const key = path.join(cache, crypto.createHash('sha1').update(ts.version + filename + src).digest('hex') + '.js');
  let out;
  try {
    out = fs.readFileSync(key, 'utf8');
  } catch {
    out = ts.transpileModule(src, { fileName: filename, compilerOptions: options }).outputText;
    fs.writeFileSync(key, out);
  }
  module._compile(out, filename);
};
// A stray compiled .js beside a source .ts (from a tsc run without outDir) must not shadow the source.
const loadJs = require.extensions['.js'];
require.extensions['.js'] = function (module, filename) {
  const twin = filename.replace(/\.js$/, '.ts');
  if (filename.startsWith(root) && !filename.includes('node_modules') && fs.existsSync(twin)) return require.extensions['.ts'](module, twin);
  return loadJs(module, filename);
};
