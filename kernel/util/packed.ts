/**
 * Packed strings: Redis's listpack idea for V8. A small collection keeps its entries in one flat
 * one-byte string, each entry a length header and its bytes, instead of a string object (16-byte
 * header each) per element plus an array or a Map to hold them. Data-type modules build their
 * small encodings on these helpers and convert to a scalable structure past a threshold.
 *
 * Header: one char for a length below 255; else char 255 and the length in four chars, low byte
 * first. Entries are binary strings (char codes 0..255), as every key and value is.
 */

const LONG = 0xff;

/**
 * What a packed value costs beyond its bytes, for MEMORY USAGE: the holding object (V8 header
 * and three fields) and the string's header.
 */
export const PACKED_OVERHEAD = 64;

/** One entry: its header, then its bytes. */
export function packEntry(s: string): string {
  const n = s.length;
  if (n < LONG) return String.fromCharCode(n) + s;
  return String.fromCharCode(LONG, n & 0xff, (n >>> 8) & 0xff, (n >>> 16) & 0xff, n >>> 24) + s;
}

/** The length of the entry whose header is at `pos`. */
export function packedLength(p: string, pos: number): number {
  const c = p.charCodeAt(pos);
  if (c !== LONG) return c;
  return (p.charCodeAt(pos + 1) | (p.charCodeAt(pos + 2) << 8) | (p.charCodeAt(pos + 3) << 16)) + p.charCodeAt(pos + 4) * 0x1000000;
}

/** Where the bytes of the entry whose header is at `pos` start. */
export function packedStart(p: string, pos: number): number {
  return p.charCodeAt(pos) !== LONG ? pos + 1 : pos + 5;
}

/** Where the entry whose header is at `pos` ends (the next entry's header). */
export function packedNext(p: string, pos: number): number {
  return packedStart(p, pos) + packedLength(p, pos);
}

/** The entry whose header is at `pos`. */
export function packedAt(p: string, pos: number): string {
  const start = packedStart(p, pos);
  return p.slice(start, start + packedLength(p, pos));
}

/** Whether the `len` bytes of `p` from `start` are `s`, without slicing. */
export function packedEquals(p: string, start: number, len: number, s: string): boolean {
  if (len !== s.length) return false;
  for (let i = 0; i < len; i++) if (p.charCodeAt(start + i) !== s.charCodeAt(i)) return false;
  return true;
}

/** Byte order of the `len` bytes of `p` from `start` against `s` (memcmp, then length): <0, 0, >0. */
export function packedCompare(p: string, start: number, len: number, s: string): number {
  const n = len < s.length ? len : s.length;
  for (let i = 0; i < n; i++) {
    const d = p.charCodeAt(start + i) - s.charCodeAt(i);
    if (d !== 0) return d;
  }
  return len - s.length;
}

/**
 * The position of the first entry equal to `s` among entries `step` apart (2 for [field, value]
 * pairs: only fields are compared), or -1.
 */
export function packedFind(p: string, s: string, step: number): number {
  const end = p.length;
  let pos = 0;
  while (pos < end) {
    const start = packedStart(p, pos);
    const len = packedLength(p, pos);
    if (packedEquals(p, start, len, s)) return pos;
    pos = start + len;
    for (let k = 1; k < step; k++) pos = packedNext(p, pos);
  }
  return -1;
}

/**
 * `s` flattened: concatenation makes a tree of cons strings (and slices keep their parent
 * alive) until something reads a character, which copies it into one flat string. Done once
 * per write, so a stored packed string costs its bytes and one header, not a node per edit.
 */
export function flatten(s: string): string {
  // A store the optimiser cannot drop, so the read (and the flattening) happens.
  sink.read = s.charCodeAt(0);
  return s;
}
const sink = { read: 0 };

/**
 * `p` without its chars from..to-1, as a new flat string. A slice of 13 chars or more is a view
 * that keeps the whole old string alive, and appending '' returns the slice itself: a one-char
 * cons (flattened at once) forces the copy.
 */
export function packedCut(p: string, from: number, to: number): string {
  if (from === 0) return copyOf(p, to, p.length);
  if (to === p.length) return copyOf(p, 0, from);
  return flatten(p.slice(0, from) + p.slice(to));
}

function copyOf(p: string, from: number, to: number): string {
  if (to - from < 13) return p.slice(from, to);
  return flatten(p.slice(from, from + 1) + p.slice(from + 1, to));
}

const scratch = new Float64Array(1);
const scratchBytes = new Uint8Array(scratch.buffer);

/** A double as 8 chars (its IEEE-754 bytes): exact, and fixed width. */
export function packDouble(d: number): string {
  scratch[0] = d;
  const b = scratchBytes;
  return String.fromCharCode(b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7]);
}

/** The double packed at `pos` by packDouble. */
export function unpackDouble(p: string, pos: number): number {
  const b = scratchBytes;
  for (let i = 0; i < 8; i++) b[i] = p.charCodeAt(pos + i);
  return scratch[0];
}
