#!/usr/bin/env node
/**
 * Heap bytes per small value in the representations a small collection could use in V8, the
 * measurement behind the compact encodings (docs/ARCHITECTURE.md, "Compact encodings").
 *
 *   node --expose-gc bench/representations.js [values]
 *
 * Each value holds five members with a score, as a 5-member sorted set; members are fresh
 * strings per value, as the protocol parser makes them. Prints heap bytes per value after a
 * full GC for: one packed string (flattened after each append, as the modules do), the same
 * left as a tree of cons strings (no flattening), parallel arrays of members and scores, and a
 * Map.
 */
'use strict';
if (typeof global.gc !== 'function') throw new Error('run with node --expose-gc');
const N = Number(process.argv[2] ?? 200000);
const MEMBERS = ['alpha', 'beta', 'm', 'delta', 'epsilon'];

const scratch = new Float64Array(1);
const bytes = new Uint8Array(scratch.buffer);
const packDouble = (d) => ((scratch[0] = d), String.fromCharCode(...bytes));
const sink = { read: 0 };
const flatten = (s) => ((sink.read = s.charCodeAt(0)), s);

class Packed {
  constructor() {
    this.lp = '';
    this.n = 0;
    this.big = null;
  }
}
class Arrays {
  constructor() {
    this.eles = [];
    this.scores = [];
    this.big = null;
  }
}

/** Member j of value i, a fresh string (not a shared literal). */
const member = (i, j) => (j === 2 ? `m${i}` : `${MEMBERS[j]} `.slice(0, MEMBERS[j].length));

const builders = {
  'packed string (flattened)': (i) => {
    const z = new Packed();
    for (let j = 0; j < 5; j++) {
      const m = member(i, j);
      z.lp = flatten(z.lp + String.fromCharCode(m.length) + m + packDouble(j + 0.5));
      z.n++;
    }
    return z;
  },
  'packed string (cons tree)': (i) => {
    const z = new Packed();
    for (let j = 0; j < 5; j++) {
      const m = member(i, j);
      z.lp = z.lp + String.fromCharCode(m.length) + m + packDouble(j + 0.5);
      z.n++;
    }
    return z;
  },
  'arrays of members and scores': (i) => {
    const z = new Arrays();
    for (let j = 0; j < 5; j++) {
      z.eles.push(member(i, j));
      z.scores.push(j + 0.5);
    }
    return z;
  },
  Map: (i) => {
    const z = new Map();
    for (let j = 0; j < 5; j++) z.set(member(i, j), j + 0.5);
    return z;
  },
};

let keep = null;
for (const [name, build] of Object.entries(builders)) {
  // The previous representation's values go first, so they are not counted against this one.
  keep = null;
  global.gc();
  global.gc();
  const before = process.memoryUsage().heapUsed;
  keep = new Array(N);
  for (let i = 0; i < N; i++) keep[i] = build(i);
  global.gc();
  const per = (process.memoryUsage().heapUsed - before) / N;
  console.log(`${name.padEnd(30)} ${per.toFixed(0).padStart(5)} bytes per value (${keep.length} values)`);
}
