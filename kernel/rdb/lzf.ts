/**
 * LZF (liblzf 3.6, as Redis builds it for RDB strings). The compressor is lzf_c.c's with
 * Redis's settings (HLOG 16, VERY_FAST), so DUMP payloads and RDB files are byte for byte
 * Redis's: the same hash picks the same earlier occurrence (a position within 8 KB, never the
 * first byte), a match is measured as its unrolled loop measures it, the two positions before
 * the end of a match are hashed again, and the output-space checks are liblzf's conservative
 * ones, which decide whether Redis stores a string compressed at all. No npm package is both
 * maintained and exact.
 */
const HLOG = 16;
const MAX_LIT = 32;
const MAX_OFF = 1 << 13;
const MAX_REF = (1 << 8) + (1 << 3);

/**
 * One hash table for every call: entries hold position + `base`, and each call raises `base`
 * past every position stored before, so stale entries read as empty without clearing 256 KB
 * per string.
 */
const htab = new Int32Array(1 << HLOG);
let base = 1;

/** lzf_c.c's IDX under VERY_FAST of the three bytes at `p`: it depends on nothing else. */
function slot(input: Buffer, p: number): number {
  const v = (input[p] << 16) | (input[p + 1] << 8) | input[p + 2];
  return ((v >>> 8) - v * 5) & ((1 << HLOG) - 1);
}

/** Compress `input`; null when liblzf would not fit the result in `maxOut` bytes. */
export function lzfCompress(input: Buffer, maxOut: number): Buffer | null {
  const n = input.length;
  if (n === 0 || maxOut <= 0) return null;
  const out = Buffer.allocUnsafe(n + (n >> 5) + 16);
  if (base + n + 1 > 0x3fffffff) {
    htab.fill(0);
    base = 1;
  }
  const b = base;
  base += n + 1;
  let ip = 0;
  let op = 1;
  let lit = 0;
  while (ip < n - 2) {
    const h = slot(input, ip);
    const ref = htab[h] - b;
    htab[h] = ip + b;
    const off = ip - ref - 1;
    if (ref > 0 && off < MAX_OFF && input[ref + 2] === input[ip + 2] && input[ref] === input[ip] && input[ref + 1] === input[ip + 1]) {
      // Room for the reference and a run byte, else liblzf gives up.
      if (op + 4 >= maxOut && op - (lit === 0 ? 1 : 0) + 4 >= maxOut) return null;
      // Close the literal run (or take back its unused length byte).
      out[op - lit - 1] = lit - 1;
      if (lit === 0) op--;
      const maxLen = Math.min(n - ip - 2, MAX_REF);
      let len = 2;
      let mismatch = false;
      if (maxLen > 16) {
        // Sixteen bytes compared before the length is checked: a match may end past maxLen.
        for (let k = 0; k < 16; k++) {
          len++;
          if (input[ref + len] !== input[ip + len]) {
            mismatch = true;
            break;
          }
        }
      }
      if (!mismatch) {
        do len++;
        while (len < maxLen && input[ref + len] === input[ip + len]);
      }
      len -= 2;
      if (len < 7) {
        out[op++] = (off >> 8) + (len << 5);
      } else {
        out[op++] = (off >> 8) + (7 << 5);
        out[op++] = len - 7;
      }
      out[op++] = off & 0xff;
      op++;
      lit = 0;
      ip += len + 2;
      if (ip >= n - 2) break;
      htab[slot(input, ip - 2)] = ip - 2 + b;
      htab[slot(input, ip - 1)] = ip - 1 + b;
      continue;
    }
    if (op >= maxOut) return null;
    out[op++] = input[ip++];
    if (++lit === MAX_LIT) {
      out[op - lit - 1] = lit - 1;
      lit = 0;
      op++;
    }
  }
  // At most three bytes can still be needed.
  if (op + 3 > maxOut) return null;
  while (ip < n) {
    out[op++] = input[ip++];
    if (++lit === MAX_LIT) {
      out[op - lit - 1] = lit - 1;
      lit = 0;
      op++;
    }
  }
  out[op - lit - 1] = lit - 1;
  if (lit === 0) op--;
  return out.subarray(0, op);
}

/** Decompress to exactly `outLen` bytes; throws on corrupt input. */
export function lzfDecompress(input: Buffer, outLen: number): Buffer {
  const out = Buffer.allocUnsafe(outLen);
  let ip = 0;
  let op = 0;
  while (ip < input.length) {
    const ctrl = input[ip++];
    if (ctrl < 32) {
      const len = ctrl + 1;
      if (op + len > outLen || ip + len > input.length) throw new Error('corrupt LZF data');
      input.copy(out, op, ip, ip + len);
      op += len;
      ip += len;
      continue;
    }
    let len = ctrl >> 5;
    if (len === 7) len += input[ip++];
    const ref = op - ((ctrl & 0x1f) << 8) - 1 - input[ip++];
    len += 2;
    if (ip > input.length || ref < 0 || op + len > outLen) throw new Error('corrupt LZF data');
    // Byte by byte: a reference may overlap the bytes it produces.
    for (let i = 0; i < len; i++) out[op++] = out[ref + i];
  }
  if (op !== outLen) throw new Error('corrupt LZF data');
  return out;
}
