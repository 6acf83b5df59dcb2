'use strict';
/**
 * Benchmark-only preload (`node -r bench/fnv-hash-preload.js dist/kernel/main.js ...`): the same
 * build with the hash the keyspace and collections used before issue 15 (FNV-1a from a random
 * 32-bit seed, murmur3's finaliser) in place of the keyed SipHash-1-2. It rewrites the compiled
 * string-map.js as Node loads it, so the product keeps no switch that could weaken its hash;
 * bench/keyed-hash.js measures the two side by side. Both places a hash is computed are replaced
 * (a string's, and the request bytes' the parser hashes while reading an argument); everything
 * else (the argument slots, the last-string cache, the tables, the probes) is the build's own.
 */
const Module = require('module');
const fs = require('fs');
const path = require('path');

const TARGET = path.join('dist', 'kernel', 'util', 'string-map.js');
/** Every place the build computes a hash: of a string, and of the request bytes the parser hands over. */
const CALLS = [
  ['sipHash12(K0L, K0H, K1L, K1H, s)', 'fnv1a(s)'],
  ['sipHash12Bytes(K0L, K0H, K1L, K1H, b, at, len)', 'fnv1aBytes(b, at, len)'],
];
const FNV = `
const FNV_SEED = ${require('crypto').randomBytes(4).readInt32LE(0)};
function fnv1a(s) {
  let h = FNV_SEED ^ s.length;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return fnvFinal(h);
}
function fnv1aBytes(b, at, len) {
  let h = FNV_SEED ^ len;
  for (let i = at; i < at + len; i++) h = Math.imul(h ^ b[i], 0x01000193);
  return fnvFinal(h);
}
function fnvFinal(h) {
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
  let src = fs.readFileSync(filename, 'utf8');
  // Exactly one site each, or the rewrite would measure something else: fail loudly instead.
  for (const [call, fnv] of CALLS) {
    if (src.split(call).length !== 2) throw new Error(`fnv-hash-preload: expected one "${call}" in ${filename}; update the preload`);
    src = src.replace(call, fnv);
  }
  if (/sipHash12(Bytes)?\(K0L/.test(src)) throw new Error(`fnv-hash-preload: a SipHash call left in ${filename}; update the preload`);
  module._compile(src + FNV, filename);
};
