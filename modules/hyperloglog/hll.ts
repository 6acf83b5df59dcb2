/**
 * Redis's HyperLogLog string format, byte for byte (hyperloglog.c): a 16-byte header ("HYLL",
 * encoding, 3 unused bytes, the cached cardinality as 8 little-endian bytes whose top bit marks
 * it stale), then 16384 6-bit registers, either dense (12288 bytes, LSB first) or sparse
 * (run-length opcodes ZERO 00xxxxxx, XZERO 01xxxxxx yyyyyyyy, VAL 1vvvvvxx).
 */

import { IntegerReply, uint64Decimal } from '../../kernel';

export const HDR = 16;
export const REGISTERS = 16384;
const P = 14;
const Q = 64 - P;
export const DENSE = 0;
export const SPARSE = 1;
export const DENSE_SIZE = HDR + (REGISTERS * 6) / 8;
const REGISTER_MAX = 63;
const VAL_MAX_VALUE = 32;
const VAL_MAX_LEN = 4;
const ZERO_MAX_LEN = 64;
const XZERO_MAX_LEN = 16384;
/** 1 / (2 ln 2): the estimator's alpha for an infinite number of registers. */
const ALPHA_INF = 0.721347520444481703680;

/** A HyperLogLog being modified: its bytes and how many of them are in use. */
export interface Hll {
  b: Buffer;
  len: number;
}

/** MurmurHash64A's multiplier 0xc6a4a7935bd1e995 and Redis's seed, as 32-bit halves. */
const M_HI = 0xc6a4a793;
const M_LO = 0x5bd1e995;
const SEED = 0xadc83b19;

/**
 * The 64-bit state of the hash as two unsigned 32-bit halves. BigInt arithmetic here crashed
 * V8's optimising compiler once PFADD ran hot, so the hash works on halves with Math.imul.
 */
let hHi = 0;
let hLo = 0;
let kHi = 0;
let kLo = 0;
let mulHi = 0;
let mulLo = 0;

/** (hi:lo * M) mod 2^64 into mulHi:mulLo; the low halves' full product built from 16-bit parts. */
function mulM(hi: number, lo: number): void {
  const a0 = lo & 0xffff;
  const a1 = lo >>> 16;
  const b0 = M_LO & 0xffff;
  const b1 = M_LO >>> 16;
  const p00 = a0 * b0;
  const p01 = a0 * b1;
  const p10 = a1 * b0;
  const mid = (p00 >>> 16) + (p01 & 0xffff) + (p10 & 0xffff);
  mulLo = (((mid & 0xffff) << 16) | (p00 & 0xffff)) >>> 0;
  const carry = a1 * b1 + (p01 >>> 16) + (p10 >>> 16) + (mid >>> 16);
  mulHi = ((carry >>> 0) + Math.imul(hi, M_LO) + Math.imul(lo, M_HI)) >>> 0;
}

/** Four bytes of a binary string as a little-endian unsigned 32-bit integer. */
function word32(s: string, i: number): number {
  return (s.charCodeAt(i) | (s.charCodeAt(i + 1) << 8) | (s.charCodeAt(i + 2) << 16) | (s.charCodeAt(i + 3) << 24)) >>> 0;
}

/** MurmurHash64A over a binary string, with Redis's seed, little-endian blocks, into hHi:hLo. */
function murmur64a(s: string): void {
  const len = s.length;
  // len * M: len < 2^32, so its high half is 0.
  mulM(0, len);
  hHi = mulHi;
  hLo = (SEED ^ mulLo) >>> 0;
  const blocks = len - (len & 7);
  for (let i = 0; i < blocks; i += 8) {
    mulM(word32(s, i + 4), word32(s, i));
    // k ^= k >> 47: only the high half's top 17 bits reach the low half.
    kLo = (mulLo ^ (mulHi >>> 15)) >>> 0;
    mulM(mulHi, kLo);
    kHi = mulHi;
    kLo = mulLo;
    mulM((hHi ^ kHi) >>> 0, (hLo ^ kLo) >>> 0);
    hHi = mulHi;
    hLo = mulLo;
  }
  const rest = len & 7;
  if (rest > 0) {
    let tHi = 0;
    let tLo = 0;
    for (let i = rest - 1; i >= 4; i--) tHi = ((tHi << 8) | s.charCodeAt(blocks + i)) >>> 0;
    for (let i = Math.min(rest, 4) - 1; i >= 0; i--) tLo = ((tLo << 8) | s.charCodeAt(blocks + i)) >>> 0;
    mulM((hHi ^ tHi) >>> 0, (hLo ^ tLo) >>> 0);
    hHi = mulHi;
    hLo = mulLo;
  }
  hLo = (hLo ^ (hHi >>> 15)) >>> 0;
  mulM(hHi, hLo);
  hHi = mulHi;
  hLo = (mulLo ^ (mulHi >>> 15)) >>> 0;
}

/** hllPatLen's results, set by patLen. */
let patIndex = 0;
let patCount = 0;

/** hllPatLen: the register an element falls in, and its run of zeros plus one (1..Q+1). */
function patLen(ele: string): void {
  murmur64a(ele);
  patIndex = hLo & (REGISTERS - 1);
  // The hash shifted right by P, as halves; the bit at Q caps the count at Q + 1, as Redis sets it.
  const lo = ((hLo >>> P) | (hHi << (32 - P))) >>> 0;
  const hi = (hHi >>> P) | (1 << (Q - 32));
  const low = lo !== 0 ? lo : hi;
  patCount = 1 + (lo !== 0 ? 0 : 32) + (31 - Math.clz32(low & -low));
}

function denseGet(b: Buffer | string, i: number): number {
  const byte = HDR + Math.floor((i * 6) / 8);
  const fb = (i * 6) & 7;
  // Past the last byte reads as 0, like the sds terminator Redis reads there.
  const b0 = typeof b === 'string' ? b.charCodeAt(byte) : b[byte];
  const b1 = (typeof b === 'string' ? b.charCodeAt(byte + 1) : b[byte + 1]) || 0;
  return ((b0 >> fb) | (b1 << (8 - fb))) & REGISTER_MAX;
}

function denseSetRegister(b: Buffer, i: number, v: number): void {
  const byte = HDR + Math.floor((i * 6) / 8);
  const fb = (i * 6) & 7;
  b[byte] = (b[byte] & ~(REGISTER_MAX << fb)) | (v << fb);
  if (byte + 1 < b.length) b[byte + 1] = (b[byte + 1] & ~(REGISTER_MAX >> (8 - fb))) | (v >> (8 - fb));
}

/** hllDenseSet: 1 when the register grew. */
function denseSet(b: Buffer, i: number, count: number): number {
  if (count <= denseGet(b, i)) return 0;
  denseSetRegister(b, i, count);
  return 1;
}

/** createHLLObject: an empty sparse HLL, all registers in XZERO runs. */
export function createHll(): Hll {
  const b = Buffer.alloc(HDR + 2);
  b.write('HYLL', 0, 'latin1');
  b[4] = SPARSE;
  b[HDR] = 0x40 | ((XZERO_MAX_LEN - 1) >> 8);
  b[HDR + 1] = (XZERO_MAX_LEN - 1) & 0xff;
  return { b, len: b.length };
}

export function fromString(s: string): Hll {
  const b = Buffer.from(s, 'latin1');
  return { b, len: b.length };
}

export function toString(h: Hll): string {
  return h.b.toString('latin1', 0, h.len);
}

/** Whether a string passes isHLLObjectOrReply: magic, known encoding, exact dense size. */
export function isHll(s: string): boolean {
  if (s.length < HDR || !s.startsWith('HYLL')) return false;
  const enc = s.charCodeAt(4);
  return enc === SPARSE || (enc === DENSE && s.length === DENSE_SIZE);
}

export function invalidateCache(h: Hll): void {
  h.b[15] |= 0x80;
}

/** The cached cardinality (8 little-endian bytes), or -1 when stale. */
export function cachedCard(s: string): number | IntegerReply {
  if ((s.charCodeAt(15) & 0x80) !== 0) return -1;
  const lo = word32(s, 8);
  const hi = word32(s, 12);
  // Only a crafted header holds a count past 2^53: Redis replies it as a long long.
  return hi < 0x200000 ? hi * 4294967296 + lo : new IntegerReply(uint64Decimal(hi, lo));
}

/** Caches a cardinality (below 2^53: an estimate of at most 2^64 / 2^14 registers' worth). */
export function setCachedCard(h: Hll, card: number): void {
  h.b.writeUInt32LE(card >>> 0, 8);
  h.b.writeUInt32LE(Math.floor(card / 4294967296), 12);
}

/** hllSparseToDense: false for a corrupted sparse HLL (left unchanged). */
export function sparseToDense(h: Hll): boolean {
  if (h.b[4] === DENSE) return true;
  const d = Buffer.alloc(DENSE_SIZE);
  h.b.copy(d, 0, 0, HDR);
  d[4] = DENSE;
  const b = h.b;
  let idx = 0;
  for (let p = HDR; p < h.len; ) {
    const op = b[p];
    if ((op & 0xc0) === 0) {
      idx += (op & 0x3f) + 1;
      p++;
    } else if ((op & 0x80) === 0) {
      idx += (((op & 0x3f) << 8) | b[p + 1]) + 1;
      p += 2;
    } else {
      let run = (op & 3) + 1;
      const v = ((op >> 2) & 0x1f) + 1;
      // A run past the last register is corrupt even where it would end the registers exactly.
      if (run + idx > REGISTERS) return false;
      while (run-- > 0) denseSetRegister(d, idx++, v);
      p++;
    }
  }
  if (idx !== REGISTERS) return false;
  h.b = d;
  h.len = DENSE_SIZE;
  return true;
}

/** Room for `extra` more bytes (sdsMakeRoomFor): the sparse update grows in place. */
function room(h: Hll, extra: number): void {
  if (h.b.length >= h.len + extra) return;
  const b = Buffer.alloc(h.len * 2 + extra);
  h.b.copy(b, 0, 0, h.len);
  h.b = b;
}

function valOp(v: number, len: number): number {
  return 0x80 | ((v - 1) << 2) | (len - 1);
}

/** Appends the ZERO (up to 64) or XZERO opcode for a run of `len` zero registers. */
function zeroRun(seq: number[], len: number): void {
  if (len > ZERO_MAX_LEN) seq.push(0x40 | ((len - 1) >> 8), (len - 1) & 0xff);
  else seq.push(len - 1);
}

function promote(h: Hll, index: number, count: number): number {
  if (!sparseToDense(h)) return -1;
  return denseSet(h.b, index, count);
}

/**
 * hllSparseSet: raise register `index` to `count` in a sparse HLL, splitting the opcode that
 * covers it and merging equal neighbours as Redis does, so the bytes come out identical.
 * Promotes to dense for a count over 32 or past `maxBytes`. 1 when changed, 0 if not, -1 when
 * corrupted.
 */
export function sparseSet(h: Hll, index: number, count: number, maxBytes: number): number {
  if (count > VAL_MAX_VALUE) return promote(h, index, count);
  room(h, 3);
  const b = h.b;
  let end = h.len;
  let p = HDR;
  let first = 0;
  let prev = -1;
  let span = 0;
  while (p < end) {
    const op = b[p];
    let oplen = 1;
    if ((op & 0xc0) === 0) span = (op & 0x3f) + 1;
    else if ((op & 0x80) !== 0) span = (op & 3) + 1;
    else {
      span = (((op & 0x3f) << 8) | b[p + 1]) + 1;
      oplen = 2;
    }
    if (index <= first + span - 1) break;
    prev = p;
    p += oplen;
    first += span;
  }
  if (span === 0 || p >= end) return -1;

  const op = b[p];
  const isXzero = (op & 0xc0) === 0x40;
  const isZero = (op & 0xc0) === 0;
  const isVal = (op & 0x80) !== 0;
  let next = isXzero ? p + 2 : p + 1;
  if (next >= end) next = -1;
  const runlen = isZero ? (op & 0x3f) + 1 : isXzero ? (((op & 0x3f) << 8) | b[p + 1]) + 1 : (op & 3) + 1;

  let done = false;
  if (isVal) {
    if (((op >> 2) & 0x1f) + 1 >= count) return 0;
    if (runlen === 1) {
      b[p] = valOp(count, 1);
      done = true;
    }
  }
  if (isZero && runlen === 1) {
    b[p] = valOp(count, 1);
    done = true;
  }
  if (!done) {
    // Split the run: what precedes the register, the register, what follows.
    const seq: number[] = [];
    const last = first + span - 1;
    if (isVal) {
      const cur = ((op >> 2) & 0x1f) + 1;
      if (index !== first) seq.push(valOp(cur, index - first));
      seq.push(valOp(count, 1));
      if (index !== last) seq.push(valOp(cur, last - index));
    } else {
      if (index !== first) zeroRun(seq, index - first);
      seq.push(valOp(count, 1));
      if (index !== last) zeroRun(seq, last - index);
    }
    const delta = seq.length - (isXzero ? 2 : 1);
    if (delta > 0 && h.len + delta > maxBytes) return promote(h, index, count);
    if (delta !== 0 && next !== -1) b.copyWithin(next + delta, next, end);
    for (let i = 0; i < seq.length; i++) b[p + i] = seq[i];
    end += delta;
  }

  // Merge adjacent VAL opcodes of equal value, scanning up to 5 opcodes from the previous one.
  p = prev >= 0 ? prev : HDR;
  let scan = 5;
  while (p < end && scan-- > 0) {
    const c = b[p];
    if ((c & 0xc0) === 0x40) {
      p += 2;
      continue;
    }
    if ((c & 0xc0) === 0) {
      p++;
      continue;
    }
    if (p + 1 < end && (b[p + 1] & 0x80) !== 0) {
      const v = ((c >> 2) & 0x1f) + 1;
      const len = (c & 3) + 1 + (b[p + 1] & 3) + 1;
      if (v === ((b[p + 1] >> 2) & 0x1f) + 1 && len <= VAL_MAX_LEN) {
        b[p + 1] = valOp(v, len);
        b.copyWithin(p, p + 1, end);
        end--;
        continue;
      }
    }
    p++;
  }
  h.len = end;
  invalidateCache(h);
  return 1;
}

/** hllAdd: 1 when a register changed, 0 if not, -1 for a corrupted HLL. */
export function add(h: Hll, ele: string, maxBytes: number): number {
  patLen(ele);
  return h.b[4] === DENSE ? denseSet(h.b, patIndex, patCount) : sparseSet(h, patIndex, patCount, maxBytes);
}

/** Set every non-zero register of `max` into `h` (PFMERGE's write of the union). */
export function setRegisters(h: Hll, max: Uint8Array, maxBytes: number): void {
  for (let i = 0; i < REGISTERS; i++) {
    if (max[i] === 0) continue;
    if (h.b[4] === DENSE) denseSet(h.b, i, max[i]);
    else sparseSet(h, i, max[i], maxBytes);
  }
}

/** hllMerge: max[i] = MAX(max[i], register i of `s`); false when `s` is corrupted. */
export function mergeInto(max: Uint8Array, s: string): boolean {
  if (s.charCodeAt(4) === DENSE) {
    for (let i = 0; i < REGISTERS; i++) {
      const v = denseGet(s, i);
      if (v > max[i]) max[i] = v;
    }
    return true;
  }
  let i = 0;
  for (let p = HDR; p < s.length; ) {
    const op = s.charCodeAt(p);
    if ((op & 0xc0) === 0) {
      i += (op & 0x3f) + 1;
      p++;
    } else if ((op & 0x80) === 0) {
      i += (((op & 0x3f) << 8) | s.charCodeAt(p + 1)) + 1;
      p += 2;
    } else {
      let run = (op & 3) + 1;
      const v = ((op >> 2) & 0x1f) + 1;
      if (run + i > REGISTERS) return false;
      for (; run > 0; run--, i++) if (v > max[i]) max[i] = v;
      p++;
    }
  }
  return i === REGISTERS;
}

function sigma(x: number): number {
  if (x === 1) return Infinity;
  let y = 1;
  let z = x;
  let prev: number;
  do {
    x *= x;
    prev = z;
    z += x * y;
    y += y;
  } while (prev !== z);
  return z;
}

function tau(x: number): number {
  if (x === 0 || x === 1) return 0;
  let y = 1;
  let z = 1 - x;
  let prev: number;
  do {
    x = Math.sqrt(x);
    prev = z;
    y *= 0.5;
    z -= (1 - x) * (1 - x) * y;
  } while (prev !== z);
  return z / 3;
}

/** hllCount: Ertl's improved estimator over the register histogram. */
export function estimate(registers: Uint8Array): number {
  const histo = new Array<number>(64).fill(0);
  for (let i = 0; i < REGISTERS; i++) histo[registers[i]]++;
  const m = REGISTERS;
  let z = m * tau((m - histo[Q + 1]) / m);
  for (let j = Q; j >= 1; j--) {
    z += histo[j];
    z *= 0.5;
  }
  z += m * sigma(histo[0] / m);
  return Math.round((ALPHA_INF * m * m) / z);
}
