/**
 * LZF (liblzf, as Redis uses it for RDB strings). The compressor follows lzf_c.c: a hash of
 * the next three bytes finds an earlier occurrence within 8 KB; literal runs are at most 32
 * bytes, back references 3..264 bytes. No npm package is both maintained and exact.
 */
const HLOG = 14;
const MAX_LIT = 32;
const MAX_OFF = 1 << 13;
const MAX_REF = (1 << 8) + (1 << 3);

/**
 * One hash table for every call: entries hold position + `base`, and each call raises `base`
 * past every position stored before, so stale entries read as empty without clearing 64 KB
 * per string.
 */
const htab = new Int32Array(1 << HLOG);
let base = 1;

/** Compress `input`; null when the result would not fit in `maxOut` bytes. */
export function lzfCompress(input: Buffer, maxOut: number): Buffer | null {
  const n = input.length;
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
  const hash = (p: number) => {
    const v = (input[p] << 16) | (input[p + 1] << 8) | input[p + 2];
    return ((v * 2654435761) >>> (32 - HLOG)) & ((1 << HLOG) - 1);
  };
  while (ip < n - 2) {
    const h = hash(ip);
    const ref = htab[h] - b;
    htab[h] = ip + b;
    const off = ip - ref - 1;
    if (ref >= 0 && off < MAX_OFF && input[ref] === input[ip] && input[ref + 1] === input[ip + 1] && input[ref + 2] === input[ip + 2]) {
      const maxLen = Math.min(n - ip - 2, MAX_REF);
      let len = 2;
      do len++;
      while (len < maxLen && input[ref + len] === input[ip + len]);
      // Close the literal run (or take back its unused length byte).
      out[op - lit - 1] = lit - 1;
      if (lit === 0) op--;
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
      if (op > maxOut + 1) return null;
      continue;
    }
    out[op++] = input[ip++];
    if (++lit === MAX_LIT) {
      out[op - lit - 1] = lit - 1;
      lit = 0;
      op++;
    }
    if (op > maxOut + 1) return null;
  }
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
  return op > maxOut ? null : out.subarray(0, op);
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
