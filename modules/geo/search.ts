import {
  type CommandContext,
  DoubleReply,
  Errors,
  formatFixed,
  formatHumanDouble,
  Notify,
  parseDouble,
  parseInt64,
  type Reply,
  ReplyError,
  type SortedSets,
  type SortedSetValue,
} from '../../kernel';
import { decodeScore, EDGE, LAT_MAX, LAT_MIN, LONG_MAX, LONG_MIN, MAX_RANGES, Shape } from './geohash';

const badMember = new ReplyError('ERR could not decode requested zset member');
const badUnit = new ReplyError('ERR unsupported unit provided. please use M, KM, FT, MI');
const negativeRadius = new ReplyError('ERR radius cannot be negative');
const negativeBox = new ReplyError('ERR height or width cannot be negative');
const badCount = new ReplyError('ERR COUNT must be > 0');
const anyNeedsCount = new ReplyError('ERR the ANY argument requires COUNT argument');
const notInteger = new ReplyError('ERR value is not an integer or out of range');

/** How georadiusGeneric was called (Redis's RADIUS_* / GEOSEARCH* flags). */
export const enum Search {
  Coords = 1,
  Member = 2,
  NoStore = 4,
  GeoSearch = 8,
  Store = 16,
}

const enum Sort {
  None,
  Asc,
  Desc,
}

/** A sorted set looked up for reading (hit/miss statistics, keymiss event); WRONGTYPE otherwise. */
export function readGeo(ctx: CommandContext, ss: SortedSets, key: string): SortedSetValue | undefined {
  const v = ctx.db.get(key);
  if (v === undefined) {
    ctx.keyMiss(key);
    return undefined;
  }
  if (!ss.is(v)) throw Errors.wrongType;
  return v;
}

/** getDoubleFromObjectOrReply: `msg` replaces the default error text. */
export function parseCoord(arg: string, msg: ReplyError = Errors.notFloat): number {
  const d = parseDecimal(arg);
  if (Number.isNaN(d)) throw msg;
  return d;
}

/** 10^0..10^15. */
const POW10 = [1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15];

/**
 * parseDouble for the form coordinates and radii take, `[-]digits[.digits]` with at most 15
 * digits: one pass (a string's charCodeAt is most of a parse's cost, so the fewer tests per
 * character the better), the digits an exact integer divided once by an exact power of ten,
 * so correctly rounded as strtod; any other form goes to parseDouble. GEOADD parses two per
 * point.
 */
function parseDecimal(s: string): number {
  const n = s.length;
  if (n > 17) return parseDouble(s);
  const neg = n !== 0 && s.charCodeAt(0) === 45; /* - */
  const start = neg ? 1 : 0;
  let m = 0;
  let dot = -1;
  for (let i = start; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c === 46 /* . */ && dot < 0) {
      dot = i;
      continue;
    }
    const d = c - 48;
    if (d < 0 || d > 9) return parseDouble(s);
    m = m * 10 + d;
  }
  const digits = dot < 0 ? n - start : n - start - 1;
  // No digits, none on one side of the point (strtod's "5." and ".5"), or too many to be exact.
  if (digits === 0 || digits > 15 || dot === start || dot === n - 1) return parseDouble(s);
  const v = dot < 0 ? m : m / POW10[n - 1 - dot];
  return neg ? -v : v;
}

/** extractLongLatOrReply into `xy`. */
export function parseLonLat(argv: string[], at: number, xy: Float64Array): void {
  const lon = parseCoord(argv[at]);
  const lat = parseCoord(argv[at + 1]);
  if (lon < LONG_MIN || lon > LONG_MAX || lat < LAT_MIN || lat > LAT_MAX) {
    throw new ReplyError(`ERR invalid longitude,latitude pair ${formatFixed(lon, 6)},${formatFixed(lat, 6)}`);
  }
  xy[0] = lon;
  xy[1] = lat;
}

/** extractUnitOrReply: meters per unit. */
export function parseUnit(arg: string): number {
  switch (arg.toLowerCase()) {
    case 'm':
      return 1;
    case 'km':
      return 1000;
    case 'ft':
      return 0.3048;
    case 'mi':
      return 1609.34;
    default:
      throw badUnit;
  }
}

/** addReplyDoubleDistance: four decimals, as a bulk string in both protocols. */
export function distanceReply(d: number): string {
  // printf's %.4f rounds d * 10^4 exactly, half to even; the product below is within 2^-52 of
  // itself of that, so it rounds the same unless it is that near a tie (then formatFixed).
  const x = d * 1e4;
  if (d > 0 && x < MAX_FIXED) {
    const int = Math.floor(x);
    const frac = x - int;
    const margin = x * 2 ** -50;
    if (frac < 0.5 - margin || frac > 0.5 + margin) {
      const n = frac < 0.5 ? int : int + 1;
      // n < 2^52: n / 10^4 is off by less than the 10^-4 its fraction is away from an integer.
      const whole = Math.floor(n / 1e4);
      const rest = n - whole * 1e4;
      return `${whole}.${rest < 10 ? '000' : rest < 100 ? '00' : rest < 1000 ? '0' : ''}${rest}`;
    }
  }
  return formatFixed(d, 4);
}

/** Below this, distanceReply's integers are exact doubles and its quotient is safe. */
const MAX_FIXED = 2 ** 52;

/** GEOPOS and WITHCOORD: a coordinate as Redis's human long double. */
export function coordReply(d: number): DoubleReply {
  return new DoubleReply(d, formatHumanDouble(d));
}

const needRadius = new ReplyError('ERR need numeric radius');
const needWidth = new ReplyError('ERR need numeric width');
const needHeight = new ReplyError('ERR need numeric height');

function parseRadius(argv: string[], at: number, shape: Shape): void {
  const r = parseCoord(argv[at], needRadius);
  if (r < 0) throw negativeRadius;
  shape.radius = r;
  shape.conversion = parseUnit(argv[at + 1]);
  shape.box = false;
}

function parseBox(argv: string[], at: number, shape: Shape): void {
  const w = parseCoord(argv[at], needWidth);
  const h = parseCoord(argv[at + 1], needHeight);
  if (h < 0 || w < 0) throw negativeBox;
  shape.width = w;
  shape.height = h;
  shape.conversion = parseUnit(argv[at + 2]);
  shape.box = true;
}

/** Found points, as parallel arrays reused by every search (the server runs one command at a time). */
class Found {
  eles: string[] = [];
  scores = new Float64Array(64);
  dists = new Float64Array(64);
  lons = new Float64Array(64);
  lats = new Float64Array(64);
  /** Indexes of the found points in reply order (sortOrder). */
  order = new Int32Array(64);
  private spare = new Int32Array(64);
  /** bucketSort's bucket of each point, and where each bucket's next point goes (n + 1 slots). */
  private bucket = new Int32Array(64);
  private next = new Int32Array(65);
  used = 0;
  /** Distance of the point geoWithinShape accepted last. */
  dist = 0;

  reset(): void {
    this.used = 0;
  }

  /** Keep a point, its distance (`dist`) and position (`xy`) as contains() left them. */
  push(ele: string, score: number): void {
    const i = this.used++;
    if (i === this.scores.length) this.grow();
    this.eles[i] = ele;
    this.scores[i] = score;
    this.dists[i] = this.dist;
    this.lons[i] = xy[0];
    this.lats[i] = xy[1];
  }

  private grow(): void {
    const n = this.scores.length * 2;
    for (const k of ['scores', 'dists', 'lons', 'lats'] as const) {
      const a = new Float64Array(n);
      a.set(this[k]);
      this[k] = a;
    }
    this.order = new Int32Array(n);
    this.spare = new Int32Array(n);
    this.bucket = new Int32Array(n);
    this.next = new Int32Array(n + 1);
  }

  /**
   * `order` = 0..used-1, sorted by distance when asked, stably (glibc's qsort, which Redis
   * calls, is a merge sort). No comparator calls and nothing allocated.
   */
  sortOrder(sort: Sort, returned: number): void {
    const n = this.used;
    const a = this.order;
    for (let i = 0; i < n; i++) a[i] = i;
    if (sort === Sort.None || n < 2) return;
    const desc = sort === Sort.Desc;
    // COUNT below the points found: Redis's pqsort, whose order of equal distances is its own.
    if (returned < n) this.pqsort(0, n, returned - 1, desc);
    else if (!this.bucketSort(n, desc)) this.mergeSort(n, desc);
  }

  /** sort_gp_asc (sort_gp_desc when `desc`) of order[i] and order[j]: -1, 0 or 1. */
  private cmp(i: number, j: number, desc: boolean): number {
    const a = this.dists[this.order[i]];
    const b = this.dists[this.order[j]];
    const r = a > b ? 1 : a === b ? 0 : -1;
    return desc ? -r : r;
  }

  private swap(i: number, j: number): void {
    const a = this.order;
    const t = a[i];
    a[i] = a[j];
    a[j] = t;
  }

  /** med3: the median of three positions, compared as Redis's pqsort compares them. */
  private med3(a: number, b: number, c: number, desc: boolean): number {
    return this.cmp(a, b, desc) < 0
      ? this.cmp(b, c, desc) < 0 ? b : this.cmp(a, c, desc) < 0 ? c : a
      : this.cmp(b, c, desc) > 0 ? b : this.cmp(a, c, desc) < 0 ? a : c;
  }

  /**
   * Redis's pqsort (NetBSD's qsort, Bentley and McIlroy's, restricted to the parts that reach
   * positions 0..last) on order[lo..lo+n-1]: the same comparisons and swaps, so points of
   * equal distance end up where Redis puts them.
   */
  private pqsort(lo: number, n: number, last: number, desc: boolean): void {
    for (;;) {
      if (n < 7) {
        for (let m = lo + 1; m < lo + n; m++) for (let l = m; l > lo && this.cmp(l - 1, l, desc) > 0; l--) this.swap(l, l - 1);
        return;
      }
      let pm = lo + (n >>> 1);
      if (n > 7) {
        let pl = lo;
        let pn = lo + n - 1;
        if (n > 40) {
          const d = n >>> 3;
          pl = this.med3(pl, pl + d, pl + 2 * d, desc);
          pm = this.med3(pm - d, pm, pm + d, desc);
          pn = this.med3(pn - 2 * d, pn - d, pn, desc);
        }
        pm = this.med3(pl, pm, pn, desc);
      }
      this.swap(lo, pm);
      let pa = lo + 1;
      let pb = pa;
      let pc = lo + n - 1;
      let pd = pc;
      for (;;) {
        let r: number;
        while (pb <= pc && (r = this.cmp(pb, lo, desc)) <= 0) {
          if (r === 0) this.swap(pa++, pb);
          pb++;
        }
        while (pb <= pc && (r = this.cmp(pc, lo, desc)) >= 0) {
          if (r === 0) this.swap(pc, pd--);
          pc--;
        }
        if (pb > pc) break;
        this.swap(pb++, pc--);
      }
      const end = lo + n;
      let r = Math.min(pa - lo, pb - pa);
      for (let k = 0; k < r; k++) this.swap(lo + k, pb - r + k);
      r = Math.min(pd - pc, end - pd - 1);
      for (let k = 0; k < r; k++) this.swap(pb + k, end - r + k);
      // The part before the pivots, then (as a loop) the part after, each only if it reaches 0..last.
      r = pb - pa;
      if (r > 1 && lo <= last) this.pqsort(lo, r, last, desc);
      r = pd - pc;
      if (r <= 1) return;
      lo = end - r;
      n = r;
      if (lo > last) return;
    }
  }

  /**
   * Each point goes to one of n buckets by its squared distance over the largest one's: a
   * monotone key, so the buckets are in order, and a counting pass keeps equal distances in
   * their order; an insertion pass then orders each bucket. Points spread over the shape's
   * area fill the buckets evenly, so both passes are linear, with few mispredicted branches (a
   * merge sort's every comparison is a coin toss). Returns false, `order` untouched, when the
   * insertions move too much (points piled up at one distance): the merge sort takes over.
   */
  private bucketSort(n: number, desc: boolean): boolean {
    const d = this.dists;
    let max = 0;
    for (let i = 0; i < n; i++) if (d[i] > max) max = d[i];
    const scale = n / (max * max);
    // All distances 0 (or the largest's square underflows).
    if (!(scale < Infinity)) return false;
    const bucket = this.bucket;
    const next = this.next;
    // A loop: fill() is a call into the runtime, longer than the loop for a search's few dozen points.
    for (let b = 0; b <= n; b++) next[b] = 0;
    for (let i = 0; i < n; i++) {
      let b = Math.floor(d[i] * d[i] * scale);
      if (b > n - 1) b = n - 1;
      if (desc) b = n - 1 - b;
      bucket[i] = b;
      next[b + 1]++;
    }
    for (let b = 0; b < n; b++) next[b + 1] += next[b];
    const a = this.spare;
    for (let i = 0; i < n; i++) a[next[bucket[i]]++] = i;
    let budget = 8 * n;
    for (let i = 1; i < n; i++) {
      const k = a[i];
      const dk = d[k];
      let j = i - 1;
      while (j >= 0 && (desc ? dk > d[a[j]] : dk < d[a[j]])) {
        a[j + 1] = a[j];
        j--;
      }
      a[j + 1] = k;
      budget -= i - 1 - j;
      if (budget < 0) return false;
    }
    this.spare = this.order;
    this.order = a;
    return true;
  }

  /** A stable merge sort of `order` (0..n-1 on entry), runs of 8 first sorted by insertion. */
  private mergeSort(n: number, desc: boolean): void {
    const d = this.dists;
    let a = this.order;
    for (let lo = 0; lo < n; lo += 8) {
      const hi = Math.min(lo + 8, n);
      for (let i = lo + 1; i < hi; i++) {
        const k = a[i];
        let j = i - 1;
        while (j >= lo && (desc ? d[k] > d[a[j]] : d[k] < d[a[j]])) {
          a[j + 1] = a[j];
          j--;
        }
        a[j + 1] = k;
      }
    }
    let b = this.spare;
    for (let width = 8; width < n; width *= 2) {
      for (let lo = 0; lo < n; lo += 2 * width) {
        const mid = Math.min(lo + width, n);
        const hi = Math.min(lo + 2 * width, n);
        let i = lo;
        let j = mid;
        let o = lo;
        // Take from the right run only when strictly before: equal distances keep their order.
        while (i < mid && j < hi) b[o++] = (desc ? d[a[j]] > d[a[i]] : d[a[j]] < d[a[i]]) ? a[j++] : a[i++];
        while (i < mid) b[o++] = a[i++];
        while (j < hi) b[o++] = a[j++];
      }
      const t = a;
      a = b;
      b = t;
    }
    this.order = a;
    this.spare = b;
  }

  /** The members and scores a STORE writes, in reply order (storedScores: at least n slots). */
  stored: string[] = [];
  private storeScores = new Float64Array(64);

  storedScores(n: number): Float64Array {
    if (this.storeScores.length < n) this.storeScores = new Float64Array(this.scores.length);
    return this.storeScores;
  }

  /**
   * Drop the member strings so they are not kept alive between commands. The slots stay (a
   * length set to 0 is a runtime call, and the next search grows the array again) unless a
   * large search left many.
   */
  release(): void {
    const n = this.used;
    if (n > KEPT_SLOTS) {
      this.eles.length = 0;
      this.stored.length = 0;
      return;
    }
    const { eles, stored } = this;
    for (let i = 0; i < n; i++) eles[i] = '';
    // A STORE wrote at most this search's n (and each release cleared its own).
    for (let i = 0; i < n && i < stored.length; i++) stored[i] = '';
  }
}

/** Found.release() keeps a search's slots up to this many. */
const KEPT_SLOTS = 1024;

const found = new Found();
const ranges = new Float64Array(2 * MAX_RANGES);
const xy = new Float64Array(2);
const shape = new Shape();

/** membersOfAllNeighbors: every member in the shape's boxes, stopping at `limit` when non-zero. */
function collect(z: SortedSetValue, limit: number): void {
  found.reset();
  const n = shape.areas(ranges);
  if (n === 0) return;
  // One cursor for all the ranges: the next range is usually a few members on.
  const c = z.fromScore(ranges[0]);
  for (let r = 0; r < n; r++) {
    if (limit !== 0 && found.used >= limit) break;
    if (r !== 0) c.seek(ranges[2 * r]);
    const max = ranges[2 * r + 1];
    for (; c.valid; c.next()) {
      const score = c.score;
      if (score >= max) break;
      shape.candidate = score;
      if (shape.near(xy) && shape.contains(xy, found)) found.push(c.ele, score);
      if (limit !== 0 && found.used >= limit) break;
    }
  }
}

/**
 * georadiusGeneric: GEORADIUS[BYMEMBER][_RO], GEOSEARCH and GEOSEARCHSTORE. Arguments are
 * checked in Redis's order, so the same bad command gets the same error.
 */
export function georadius(ctx: CommandContext, ss: SortedSets, argv: string[], src: number, flags: number): Reply {
  const z = readGeo(ctx, ss, argv[src]);
  let storeKey: string | null = null;
  let storeDist = false;
  let base: number;
  if ((flags & Search.Coords) !== 0) {
    base = 6;
    parseLonLat(argv, 2, xy);
    shape.lon = xy[0];
    shape.lat = xy[1];
    parseRadius(argv, 4, shape);
  } else if ((flags & Search.Member) !== 0) {
    base = 5;
    // Without the key Redis only parses the options, to pick the reply.
    if (z !== undefined) {
      centerOnMember(z, argv[2]);
      parseRadius(argv, 3, shape);
    }
  } else {
    base = 2;
    if ((flags & Search.Store) !== 0) {
      base = 3;
      storeKey = argv[1];
    }
  }

  let withDist = false;
  let withHash = false;
  let withCoord = false;
  let fromMember = false;
  let fromLoc = false;
  let byRadius = false;
  let byBox = false;
  let sort = Sort.None;
  let any = false;
  let count = 0;
  const geosearch = (flags & Search.GeoSearch) !== 0;
  const storable = (flags & (Search.NoStore | Search.GeoSearch)) === 0;
  const remaining = argv.length - base;
  for (let i = 0; i < remaining; i++) {
    const at = base + i;
    const arg = argv[at].toLowerCase();
    if (arg === 'withdist') withDist = true;
    else if (arg === 'withhash') withHash = true;
    else if (arg === 'withcoord') withCoord = true;
    else if (arg === 'any') any = true;
    else if (arg === 'asc') sort = Sort.Asc;
    else if (arg === 'desc') sort = Sort.Desc;
    else if (arg === 'count' && i + 1 < remaining) {
      const n = parseInt64(argv[at + 1]);
      if (n === null) throw notInteger;
      if (Number(n) <= 0) throw badCount;
      count = Number(n);
      i++;
    } else if (arg === 'store' && i + 1 < remaining && storable) {
      storeKey = argv[at + 1];
      storeDist = false;
      i++;
    } else if (arg === 'storedist' && i + 1 < remaining && storable) {
      storeKey = argv[at + 1];
      storeDist = true;
      i++;
    } else if (arg === 'storedist' && geosearch && (flags & Search.Store) !== 0) {
      storeDist = true;
    } else if (arg === 'frommember' && i + 1 < remaining && geosearch && !fromLoc) {
      if (z !== undefined) centerOnMember(z, argv[at + 1]);
      fromMember = true;
      i++;
    } else if (arg === 'fromlonlat' && i + 2 < remaining && geosearch && !fromMember) {
      parseLonLat(argv, at + 1, xy);
      shape.lon = xy[0];
      shape.lat = xy[1];
      fromLoc = true;
      i += 2;
    } else if (arg === 'byradius' && i + 2 < remaining && geosearch && !byBox) {
      parseRadius(argv, at + 1, shape);
      byRadius = true;
      i += 2;
    } else if (arg === 'bybox' && i + 3 < remaining && geosearch && !byRadius) {
      parseBox(argv, at + 1, shape);
      byBox = true;
      i += 3;
    } else {
      throw Errors.syntax;
    }
  }

  if (storeKey !== null && (withDist || withHash || withCoord)) {
    const what = (flags & Search.Store) !== 0 ? 'GEOSEARCHSTORE' : 'STORE option in GEORADIUS';
    throw new ReplyError(`ERR ${what} is not compatible with WITHDIST, WITHHASH and WITHCOORD options`);
  }
  if (geosearch && !(fromMember || fromLoc)) {
    throw new ReplyError(`ERR exactly one of FROMMEMBER or FROMLONLAT can be specified for ${argv[0]}`);
  }
  if (geosearch && !(byRadius || byBox)) {
    throw new ReplyError(`ERR exactly one of BYRADIUS and BYBOX can be specified for ${argv[0]}`);
  }
  if (any && count === 0) throw anyNeedsCount;

  if (z === undefined) {
    if (storeKey === null) return [];
    if (ctx.db.delete(storeKey)) ctx.modified(storeKey, Notify.GENERIC, 'del');
    return 0;
  }

  // COUNT without ANY returns the nearest: it implies ASC.
  if (count !== 0 && sort === Sort.None && !any) sort = Sort.Asc;
  collect(z, any ? count : 0);
  try {
    return searchReply(ctx, ss, storeKey, storeDist, count, sort, withDist, withHash, withCoord, geosearch);
  } finally {
    found.release();
  }
}

/** The centre at a member's position (FROMMEMBER, GEORADIUSBYMEMBER). */
function centerOnMember(z: SortedSetValue, member: string): void {
  const score = z.score(member);
  if (score === undefined) throw badMember;
  decodeScore(score, xy);
  shape.lon = xy[0];
  shape.lat = xy[1];
}

/**
 * WITHDIST's distance of found point `k` in the unit: the search's own unless its four decimals
 * are too near a tie for V8's last bit to be trusted with the rounding, then the exact one (Shape.exactDistanceTo).
 */
function shownDistance(k: number, conversion: number): number {
  const d = found.dists[k] / conversion;
  const x = d * 1e4;
  if (Math.abs(x - Math.floor(x) - 0.5) > 1e-9 + EDGE * x) return d;
  return shape.exactDistanceTo(found.lons[k], found.lats[k]) / conversion;
}

function searchReply(
  ctx: CommandContext,
  ss: SortedSets,
  storeKey: string | null,
  storeDist: boolean,
  count: number,
  sort: Sort,
  withDist: boolean,
  withHash: boolean,
  withCoord: boolean,
  geosearch: boolean,
): Reply {
  const total = found.used;
  if (total === 0 && storeKey === null) return [];
  const returned = count === 0 || total < count ? total : count;
  found.sortOrder(sort, returned);
  const order = found.order;
  const conversion = shape.conversion;

  if (storeKey === null) {
    const options = (withDist ? 1 : 0) + (withHash ? 1 : 0) + (withCoord ? 1 : 0);
    const out = new Array<Reply>(returned);
    for (let i = 0; i < returned; i++) {
      const k = order[i];
      if (options === 0) {
        out[i] = found.eles[k];
        continue;
      }
      // Sized once: an array grown by push is copied as it grows.
      const item = new Array<Reply>(1 + options);
      let j = 0;
      item[j++] = found.eles[k];
      if (withDist) item[j++] = distanceReply(shownDistance(k, conversion));
      if (withHash) item[j++] = Math.trunc(found.scores[k]);
      if (withCoord) item[j] = [coordReply(found.lons[k]), coordReply(found.lats[k])];
      out[i] = item;
    }
    return out;
  }

  if (returned === 0) {
    if (ctx.db.delete(storeKey)) ctx.modified(storeKey, Notify.GENERIC, 'del');
    return 0;
  }
  const eles = found.stored;
  const scores = found.storedScores(returned);
  for (let i = 0; i < returned; i++) {
    const k = order[i];
    eles[i] = found.eles[k];
    // A stored distance shows all 17 digits: glibc's rounding, not V8's (Shape.exactDistanceTo).
    scores[i] = storeDist ? shape.exactDistanceTo(found.lons[k], found.lats[k]) / conversion : found.scores[k];
  }
  ctx.db.set(storeKey, ss.build(eles, scores, returned));
  ctx.modified(storeKey, Notify.ZSET, geosearch ? 'geosearchstore' : 'georadiusstore');
  return returned;
}
