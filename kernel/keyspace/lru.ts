/**
 * The per-key access stamp Redis keeps in its 24-bit `lru` field, in one small integer of the
 * Entry (a V8 small integer, no allocation): under an LRU policy the seconds clock of the last
 * access; under an LFU policy the last decrement time in minutes (16 bits) above a logarithmic
 * access counter (8 bits), as evict.c lays them out.
 */

/** LFU_INIT_VAL: new keys start here, so they are not evicted before they had a chance to be read. */
export const LFU_INIT_VAL = 5;

/** LFUGetTimeInMinutes: the 16-bit minutes clock of the LFU stamp. */
export function lfuMinutes(nowSec: number): number {
  return Math.floor(nowSec / 60) & 0xffff;
}

/** LFUTimeElapsed: minutes since `ldt`, modulo the 16-bit clock's wrap. */
function lfuElapsed(ldt: number, nowMin: number): number {
  return nowMin >= ldt ? nowMin - ldt : 65535 - ldt + nowMin;
}

/** LFUDecrAndReturn: the counter of stamp `lru` after the decay periods (`decayTime` minutes each) since it was last decremented. */
export function lfuCounter(lru: number, nowMin: number, decayTime: number): number {
  const counter = lru & 255;
  const periods = decayTime !== 0 ? Math.floor(lfuElapsed(lru >>> 8, nowMin) / decayTime) : 0;
  return periods === 0 ? counter : periods > counter ? 0 : counter - periods;
}

/** LFULogIncr: add one with probability 1/((counter - LFU_INIT_VAL) * factor + 1), saturating at 255. */
export function lfuLogIncr(counter: number, factor: number): number {
  if (counter === 255) return 255;
  const base = counter > LFU_INIT_VAL ? counter - LFU_INIT_VAL : 0;
  return Math.random() < 1 / (base * factor + 1) ? counter + 1 : counter;
}

/** updateLFU: the stamp after one access now. */
export function lfuTouch(lru: number, nowMin: number, decayTime: number, factor: number): number {
  return (nowMin << 8) | lfuLogIncr(lfuCounter(lru, nowMin, decayTime), factor);
}
