/**
 * A command's latency histogram, as Redis keeps one per command: an HdrHistogram of
 * nanoseconds from 1 to 1e9 with two significant figures (256 sub-buckets per power of two), so
 * INFO latencystats' percentiles and LATENCY HISTOGRAM's buckets read as Redis's do.
 */
const SUB_BUCKET_HALF_MAGNITUDE = 7;
const SUB_BUCKET_HALF = 128;
const SUB_BUCKET_MASK = 255;
const MIN_VALUE = 1;
const MAX_VALUE = 1_000_000_000;
/** Buckets needed to cover MAX_VALUE: 256 << 22 is the first power-of-two range beyond it. */
const BUCKETS = 23;
const COUNTS = (BUCKETS + 1) * SUB_BUCKET_HALF;

function bucketIndex(v: number): number {
  return 24 - Math.clz32(v | SUB_BUCKET_MASK);
}

function countsIndex(v: number): number {
  const b = bucketIndex(v);
  return ((b + 1) << SUB_BUCKET_HALF_MAGNITUDE) + ((v >>> b) - SUB_BUCKET_HALF);
}

function valueAtIndex(i: number): number {
  let bucket = (i >> SUB_BUCKET_HALF_MAGNITUDE) - 1;
  let sub = (i & (SUB_BUCKET_HALF - 1)) + SUB_BUCKET_HALF;
  if (bucket < 0) {
    sub -= SUB_BUCKET_HALF;
    bucket = 0;
  }
  return sub * 2 ** bucket;
}

/** The largest value recorded in the same slot as `v`. */
function highestEquivalent(v: number): number {
  const b = bucketIndex(v);
  const sub = v >>> b;
  const size = 2 ** (sub >= 2 * SUB_BUCKET_HALF ? b + 1 : b);
  return sub * 2 ** b + size - 1;
}

function lowestEquivalent(v: number): number {
  const b = bucketIndex(v);
  return (v >>> b) * 2 ** b;
}

export class LatencyHistogram {
  private readonly counts = new Float64Array(COUNTS);
  total = 0;

  /** Record a duration in microseconds (clamped to 1 ns .. 1 s, as Redis clamps). */
  record(usec: number): void {
    let ns = Math.floor(usec * 1000);
    if (ns < MIN_VALUE) ns = MIN_VALUE;
    else if (ns > MAX_VALUE) ns = MAX_VALUE;
    this.counts[countsIndex(ns)]++;
    this.total++;
  }

  /** hdr_value_at_percentile, in nanoseconds. */
  valueAtPercentile(percentile: number): number {
    const p = percentile < 100 ? percentile : 100;
    const wanted = Math.max(1, Math.trunc((p / 100) * this.total + 0.5));
    let seen = 0;
    let value = 0;
    for (let i = 0; i < COUNTS; i++) {
      seen += this.counts[i];
      if (seen >= wanted) {
        value = valueAtIndex(i);
        break;
      }
    }
    return percentile === 0 ? lowestEquivalent(value) : highestEquivalent(value);
  }

  /**
   * LATENCY HISTOGRAM's buckets: [microseconds, cumulative count] at each power of two from
   * 1024 ns on (hdr's logarithmic iterator), skipping levels that add no calls.
   */
  cumulative(): [usec: number, count: number][] {
    const out: [number, number][] = [];
    let levelLowest = lowestEquivalent(1024);
    let level = 1024;
    let index = -1;
    let value = 0;
    let seen = 0;
    let previous = 0;
    // Each report moves on to the first slot at or past the next level; the walk ends once
    // every count was seen and the next slot lies below the next level.
    while (seen < this.total || (index + 1 < COUNTS && valueAtIndex(index + 1) > levelLowest)) {
      while (value < levelLowest && ++index < COUNTS) {
        seen += this.counts[index];
        value = valueAtIndex(index);
      }
      if (value < levelLowest) break;
      if (seen > previous) out.push([Math.floor(highestEquivalent(value) / 1000), seen]);
      previous = seen;
      level *= 2;
      levelLowest = level > MAX_VALUE ? Infinity : lowestEquivalent(level);
    }
    return out;
  }
}
