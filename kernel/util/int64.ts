/**
 * Exact 64-bit integers without BigInt: V8's optimising compiler has crashed the process on
 * BigInt arithmetic once a command ran hot, so values past 2^53 travel as decimal strings or as
 * two 32-bit halves, and only the rare out-of-double-range case pays for the slower path.
 */

/** The decimal digits of the unsigned 64-bit value hi * 2^32 + lo (hi, lo unsigned 32-bit). */
export function uint64Decimal(hi: number, lo: number): string {
  // 2^32 = 42949 * 10^5 + 67296: both partial products stay below 2^53.
  const a = hi * 42949;
  const b = hi * 67296 + lo;
  const head = a + Math.floor(b / 100000);
  const tail = b % 100000;
  if (head === 0) return String(tail);
  return `${head}${String(tail).padStart(5, '0')}`;
}
