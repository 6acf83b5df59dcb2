import { MapReply, type Reply, ReplyError } from '../../kernel';

export interface LcsOptions {
  len: boolean;
  idx: boolean;
  withMatchLen: boolean;
  minMatchLen: number;
}

const noMemory = new ReplyError('ERR Insufficient memory, transient memory for LCS exceeds proto-max-bulk-len');
const allocFailed = new ReplyError('ERR Insufficient memory, failed allocating transient memory for LCS');

/**
 * The dynamic-programming table of lcsCommand: cell (i, j) at j + i * (blen + 1). Like Redis,
 * a table larger than proto-max-bulk-len bytes is refused before anything is allocated.
 */
function table(a: string, b: string, maxBytes: number): Uint32Array {
  const alen = a.length;
  const blen = b.length;
  const w = blen + 1;
  if ((alen + 1) * w * 4 > maxBytes) throw noMemory;
  let dp: Uint32Array;
  try {
    dp = new Uint32Array((alen + 1) * w);
  } catch {
    throw allocFailed;
  }
  for (let i = 1; i <= alen; i++) {
    const ca = a.charCodeAt(i - 1);
    const row = i * w;
    const prev = row - w;
    for (let j = 1; j <= blen; j++) {
      if (ca === b.charCodeAt(j - 1)) dp[row + j] = dp[prev + j - 1] + 1;
      else {
        const up = dp[prev + j];
        const left = dp[row + j - 1];
        dp[row + j] = up > left ? up : left;
      }
    }
  }
  return dp;
}

/** LCS's reply, walking the table backwards exactly as Redis does so ranges come out identical. */
export function lcsReply(a: string, b: string, o: LcsOptions, maxBytes: number): Reply {
  const alen = a.length;
  const blen = b.length;
  const w = blen + 1;
  const dp = table(a, b, maxBytes);
  const total = dp[alen * w + blen];
  if (o.len && !o.idx) return total;
  const chars: string[] = new Array<string>(total);
  const matches: Reply[] = [];
  let idx = total;
  let aStart = alen;
  let aEnd = 0;
  let bStart = 0;
  let bEnd = 0;
  let i = alen;
  let j = blen;
  while (i > 0 && j > 0) {
    let emit = false;
    if (a.charCodeAt(i - 1) === b.charCodeAt(j - 1)) {
      chars[idx - 1] = a[i - 1];
      if (aStart === alen) {
        aStart = aEnd = i - 1;
        bStart = bEnd = j - 1;
      } else if (aStart === i && bStart === j) {
        aStart--;
        bStart--;
      } else {
        emit = true;
      }
      if (aStart === 0 || bStart === 0) emit = true;
      idx--;
      i--;
      j--;
    } else {
      if (dp[(i - 1) * w + j] > dp[i * w + j - 1]) i--;
      else j--;
      if (aStart !== alen) emit = true;
    }
    if (emit) {
      const matchLen = aEnd - aStart + 1;
      if (o.idx && (o.minMatchLen === 0 || matchLen >= o.minMatchLen)) {
        const m: Reply[] = [
          [aStart, aEnd],
          [bStart, bEnd],
        ];
        if (o.withMatchLen) m.push(matchLen);
        matches.push(m);
      }
      aStart = alen;
    }
  }
  return o.idx ? new MapReply(['matches', matches, 'len', total]) : chars.join('');
}
