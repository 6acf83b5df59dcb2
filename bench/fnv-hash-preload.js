'use strict';
/**
 * Benchmark-only preload (`node -r bench/fnv-hash-preload.js dist/kernel/main.js ...`): the same
 * build with the hash the keyspace and collections used before issue 15 (FNV-1a from a random
 * 32-bit seed, murmur3's finaliser) in place of the keyed SipHash-1-2. It rewrites the compiled
 * string-map.js as Node loads it, so the product keeps no switch that could weaken its hash;
 * bench/keyed-hash.js measures the two side by side. Everything else (the last-string cache,
 * the tables, the probes) is the build's own.
 */
const Module = require('module');
const fs = require('fs');
const path = require('path');

const TARGET = path.join('dist', 'kernel', 'util', 'string-map.js');
const CALL = 'sipHash(SIP_KEY, s)';
const FNV = `
const FNV_SEED = ${require('crypto').randomBytes(4).readInt32LE(0)};
function fnv1a(s) {
  let h = FNV_SEED ^ s.length;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return h ^ (h >>> 16);
}
`;

const load = Module._extensions['.js'];
Module._extensions['.js'] = function (module, filename) {
  if (!filename.endsWith(TARGET)) return load(module, filename);
  const src = fs.readFileSync(filename, 'utf8');
  // Exactly one call site, or the rewrite would measure something else: fail loudly instead.
  if (src.split(CALL).length !== 2) throw new Error(`fnv-hash-preload: expected one "${CALL}" in ${filename}; update the preload`);
  module._compile(src.replace(CALL, 'fnv1a(s)') + FNV, filename);
};
