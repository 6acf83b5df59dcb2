#!/usr/bin/env node
// @ts-check
/*
 * Build step: copy fengari's sources into dist/vendor/fengari and apply the scripting module's
 * patch (modules/scripting/patches/) there. The patched VM is part of the build output, so an
 * install cannot skip it (patch-package at postinstall silently did nothing inside a consuming
 * app, leaving scripts unsandboxed). Any hunk that does not apply exactly fails the build.
 */
'use strict';
const fs = require('fs');
const path = require('path');
const crypto = require('crypto');

const root = path.resolve(__dirname, '..');
const patchFile = path.join(root, 'modules', 'scripting', 'patches', 'fengari+0.1.5.patch');
const out = path.join(root, 'dist', 'vendor', 'fengari');

/** @param {string} msg @returns {never} */
function fail(msg) {
  process.stderr.write(`build-vm: ${msg}\n`);
  process.exit(1);
}

let source;
try {
  source = path.dirname(require.resolve('fengari/package.json', { paths: [root] }));
} catch {
  fail('fengari is not installed (npm install first)');
}
const pkg = JSON.parse(fs.readFileSync(path.join(source, 'package.json'), 'utf8'));
const wanted = /fengari\+([\d.]+)\.patch$/.exec(patchFile)?.[1];
if (pkg.version !== wanted) fail(`the patch is for fengari ${wanted}, found ${pkg.version} in ${source}`);

/**
 * Parse a git unified diff into files of hunks.
 * @param {string} text
 */
function parseDiff(text) {
  /** @type {{ file: string, hunks: { oldStart: number, lines: string[] }[] }[]} */
  const files = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    if (line.startsWith('+++ b/')) {
      files.push({ file: line.slice('+++ b/node_modules/fengari/'.length), hunks: [] });
    } else if (line.startsWith('@@ ')) {
      const m = /^@@ -(\d+)(?:,\d+)? \+\d+(?:,\d+)? @@/.exec(line);
      if (m === null || files.length === 0) fail(`bad hunk header at patch line ${i + 1}`);
      files[files.length - 1].hunks.push({ oldStart: Number(m[1]), lines: [] });
    } else if (/^[ +-]/.test(line) && !line.startsWith('--- ') && files.length > 0) {
      const f = files[files.length - 1];
      if (f.hunks.length > 0) f.hunks[f.hunks.length - 1].lines.push(line);
    } else if (line.startsWith('\\')) {
      fail('patches ending files without a newline are not supported');
    }
  }
  return files;
}

/**
 * Apply hunks to a file's lines, exactly: every context and removed line must match.
 * @param {string[]} lines
 * @param {{ oldStart: number, lines: string[] }[]} hunks
 * @param {string} name
 */
function applyHunks(lines, hunks, name) {
  let offset = 0;
  for (const h of hunks) {
    let at = h.oldStart - 1 + offset;
    const added = [];
    let removed = 0;
    for (const l of h.lines) {
      const body = l.slice(1);
      if (l[0] === '+') {
        added.push(body);
        continue;
      }
      if (lines[at + removed] !== body) fail(`${name}: hunk at line ${h.oldStart} does not match (${JSON.stringify(lines[at + removed])})`);
      removed++;
      if (l[0] === ' ') added.push(body);
    }
    lines.splice(at, removed, ...added);
    offset += added.length - removed;
  }
}

const patch = fs.readFileSync(patchFile, 'utf8');
// The stamp the scripting module checks before it starts (modules/scripting/vm.ts).
const stamp = crypto.createHash('sha256').update(patch).update(pkg.version).digest('hex');
const stampLine = `\nmodule.exports.FERROUS_PATCH = ${JSON.stringify(stamp)};\n`;
try {
  // Built already from this patch and this fengari: leave it (tests may be loading it).
  if (fs.readFileSync(path.join(out, 'src', 'fengari.js'), 'utf8').endsWith(stampLine)) process.exit(0);
} catch {
  // not built yet
}
fs.rmSync(out, { recursive: true, force: true });
fs.mkdirSync(path.join(out, 'src'), { recursive: true });
for (const f of fs.readdirSync(path.join(source, 'src'))) {
  if (f.endsWith('.js')) fs.copyFileSync(path.join(source, 'src', f), path.join(out, 'src', f));
}
fs.copyFileSync(path.join(source, 'LICENSE'), path.join(out, 'LICENSE'));
for (const { file, hunks } of parseDiff(patch)) {
  const target = path.join(out, file);
  const lines = fs.readFileSync(target, 'utf8').split('\n');
  applyHunks(lines, hunks, file);
  fs.writeFileSync(target, lines.join('\n'));
}
fs.appendFileSync(path.join(out, 'src', 'fengari.js'), stampLine);
fs.writeFileSync(
  path.join(out, 'package.json'),
  `${JSON.stringify({ name: 'fengari', version: pkg.version, license: pkg.license, main: 'src/fengari.js', description: 'fengari as patched by Ferrous' }, null, 2)}\n`,
);
