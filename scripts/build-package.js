#!/usr/bin/env node
// @ts-check
/*
 * Build step after tsc: what the compiled package needs besides JavaScript. Redis's command
 * metadata goes beside the compiled kernel that reads it, bundled in one file, and each entry point (`ferrous`,
 * `ferrous/testing`) gets an ES module wrapper naming the CommonJS exports, with types.
 */
'use strict';
const fs = require('fs');
const path = require('path');

const root = path.resolve(__dirname, '..');
const dist = path.join(root, 'dist');

// Redis's 389 command files as one JSON object, so a server reads one file at start, not 389.
const { bundleRedisSpecs } = require(path.join(dist, 'kernel', 'commands', 'spec.js'));
fs.writeFileSync(
  path.join(dist, 'kernel', 'commands', 'redis-7.0.json'),
  JSON.stringify(bundleRedisSpecs(path.join(root, 'kernel', 'commands', 'redis-7.0'))),
);
fs.rmSync(path.join(dist, 'kernel', 'commands', 'redis-7.0'), { recursive: true, force: true });
fs.copyFileSync(path.join(root, 'kernel', 'commands', 'redis-7.0', 'LICENSE-redis-7.0.txt'), path.join(dist, 'kernel', 'commands', 'LICENSE-redis-7.0.txt'));

const entries = [
  { name: 'index', cjs: '../kernel/index.js' },
  { name: 'testing', cjs: '../testing/index.js' },
];
fs.mkdirSync(path.join(dist, 'esm'), { recursive: true });
for (const { name, cjs } of entries) {
  const names = Object.keys(require(path.join(dist, 'esm', cjs))).filter((n) => n !== '__esModule' && n !== 'default');
  fs.writeFileSync(
    path.join(dist, 'esm', `${name}.mjs`),
    `import cjs from '${cjs}';\nexport const { ${names.join(', ')} } = cjs;\nexport default cjs;\n`,
  );
  fs.writeFileSync(path.join(dist, 'esm', `${name}.d.mts`), `export * from '${cjs}';\n`);
}
fs.chmodSync(path.join(dist, 'kernel', 'main.js'), 0o755);
