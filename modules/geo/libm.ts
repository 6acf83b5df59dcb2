/**
 * sin, cos and asin correctly rounded (to within a 2^-70 relative error before the final
 * rounding), for the distances Redis reports and stores. Redis calls glibc's libm, which rounds
 * correctly for all but ~0.15% of the arguments a haversine passes; V8's Math (fdlibm) differs
 * from glibc's last bit for 3-6% of them, so about one distance in eight came out a unit or a few
 * in its 17th digit away from Redis's. Double-double arithmetic (a value as an unevaluated sum
 * hi + low[0]) carries the ~106 bits the rounding needs; the low part of the last result is in `low[0]`,
 * a typed array's element rather than an allocated pair (a module-level `let` holding a double
 * would box every value written to it).
 */

const low = new Float64Array(1);

/** Veltkamp's splitter for the exact products (JavaScript has no fma). */
const SPLIT = 134217729;

/** (ah + al) * (bh + bl) as a double-double: returns the high part, the low one in `low[0]`. */
function mul(ah: number, al: number, bh: number, bl: number): number {
  const t = SPLIT * ah;
  const a1 = t - (t - ah);
  return mulSplit(ah, a1, ah - a1, al, bh, bl);
}

/** mul() with ah already split into a1 + a2 (Veltkamp): a polynomial in z splits z once. */
function mulSplit(ah: number, a1: number, a2: number, al: number, bh: number, bl: number): number {
  const p = ah * bh;
  const t = SPLIT * bh;
  const b1 = t - (t - bh);
  const b2 = bh - b1;
  const e = ((a1 * b1 - p + a1 * b2 + a2 * b1) + a2 * b2) + (ah * bl + al * bh);
  const hi = p + e;
  low[0] = e - (hi - p);
  return hi;
}

/** (ah + al) + (bh + bl) as a double-double (high part returned, low in `low[0]`). */
function add(ah: number, al: number, bh: number, bl: number): number {
  const s = ah + bh;
  const v = s - ah;
  const e = ah - (s - v) + (bh - v) + (al + bl);
  const hi = s + e;
  low[0] = e - (hi - s);
  return hi;
}

/** pi/2 as the sum of three doubles. */
const PIO2_1 = 1.5707963267948966;
const PIO2_2 = 6.123233995736766e-17;
const PIO2_3 = -1.4973849048591698e-33;

/** 1/n! for n = 2..8 as double-doubles (high, low). */
const F2 = 0.5;
const F3H = 0.16666666666666666;
const F3L = 9.25185853854297e-18;
const F4H = 0.041666666666666664;
const F4L = 2.3129646346357427e-18;
const F5H = 0.008333333333333333;
const F5L = 1.1564823173178714e-19;
const F6H = 0.001388888888888889;
const F6L = -5.300543954373577e-20;
const F7H = 0.0001984126984126984;
const F7L = 1.7209558293420705e-22;
const F8H = 2.48015873015873e-5;
const F8L = 2.1511947866775882e-23;

/**
 * sin(r) of a reduced argument |r| <= pi/4 + tiny (r = rh + rl): r (1 + z (-1/3! + z (1/5! +
 * z (-1/7! + z Q)))) with z = r^2, the first terms in double-double and Q, whose share of the
 * result is at most 4e-7, in doubles (Taylor series to 1/21!).
 */
function sinReduced(rh: number, rl: number): number {
  const zh = mul(rh, rl, rh, rl);
  const zl = low[0];
  const t = SPLIT * zh;
  const z1 = t - (t - zh);
  const z2 = zh - z1;
  const q = 2.755731922398589e-6 + zh * (-2.505210838544172e-8 + zh * (1.6059043836821613e-10 + zh * (-7.647163731819816e-13 + zh * (2.8114572543455206e-15 + zh * (-8.22063524662433e-18 + zh * 1.9572941063391263e-20)))));
  let h = mulSplit(zh, z1, z2, zl, q, 0);
  h = add(-F7H, -F7L, h, low[0]);
  h = mulSplit(zh, z1, z2, zl, h, low[0]);
  h = add(F5H, F5L, h, low[0]);
  h = mulSplit(zh, z1, z2, zl, h, low[0]);
  h = add(-F3H, -F3L, h, low[0]);
  h = mulSplit(zh, z1, z2, zl, h, low[0]);
  h = mul(rh, rl, h, low[0]);
  return add(rh, rl, h, low[0]);
}

/** cos(r), |r| <= pi/4 + tiny: 1 + z (-1/2 + z (1/4! + z (-1/6! + z (1/8! + z Q)))), Q to 1/22!. */
function cosReduced(rh: number, rl: number): number {
  const zh = mul(rh, rl, rh, rl);
  const zl = low[0];
  const t = SPLIT * zh;
  const z1 = t - (t - zh);
  const z2 = zh - z1;
  const q = -2.755731922398589e-7 + zh * (2.08767569878681e-9 + zh * (-1.1470745597729725e-11 + zh * (4.779477332387385e-14 + zh * (-1.5619206968586225e-16 + zh * (4.110317623312165e-19 + zh * -8.896791392450574e-22)))));
  let h = mulSplit(zh, z1, z2, zl, q, 0);
  h = add(F8H, F8L, h, low[0]);
  h = mulSplit(zh, z1, z2, zl, h, low[0]);
  h = add(-F6H, -F6L, h, low[0]);
  h = mulSplit(zh, z1, z2, zl, h, low[0]);
  h = add(F4H, F4L, h, low[0]);
  h = mulSplit(zh, z1, z2, zl, h, low[0]);
  h = add(-F2, 0, h, low[0]);
  h = mulSplit(zh, z1, z2, zl, h, low[0]);
  return add(1, 0, h, low[0]);
}

/** Arguments beyond this go to Math: a haversine passes at most pi. */
const REDUCIBLE = 8;

/** x - k pi/2 into (return value, `low[0]`), with k = `quadrant`. */
const quadrant = new Int32Array(1);
function reduce(x: number): number {
  const k = Math.round(x * (2 / Math.PI));
  quadrant[0] = k & 3;
  // k pi/2's first part exactly, as a double-double (x - its high part is exact: x is within a
  // factor 2 of it), then the two parts left.
  const ph = mul(k, 0, PIO2_1, 0);
  const pl = low[0];
  const h = x - ph;
  const m = mul(k, 0, PIO2_2, PIO2_3);
  return add(h, -pl, -m, -low[0]);
}

/**
 * sin(x + shift pi/2) as a double-double (high part returned, low in `low[0]`) for |x| <=
 * REDUCIBLE: the reduced argument's sine or cosine, by quadrant.
 */
function sinShifted(x: number, shift: number): number {
  const rh = reduce(x);
  const rl = low[0];
  const q = (quadrant[0] + shift) & 3;
  const h = (q & 1) === 0 ? sinReduced(rh, rl) : cosReduced(rh, rl);
  if (q < 2) return h;
  low[0] = -low[0];
  return -h;
}

/**
 * Below this, sin and asin are x + x w in doubles, w a short series in x^2 (|w| < 2^-22): the
 * roundings of w and of x w are ~2^-75 of the result. A search's half-differences of latitude
 * and longitude, and the asin of a distance, are that small up to ~12 km.
 */
const SMALL = 0.0009765625;

/** sin(x) for |x| < SMALL, correctly rounded but for ~1 argument in 2^21. */
function sinSeries(x: number): number {
  const z = x * x;
  return x - x * (z * (F3H - z * (F5H - z * F7H)));
}

/** asin(z) for |z| < SMALL, as sinSeries: z (1 + z^2/6 + 3 z^4/40 + 5 z^6/112 + ...). */
function asinSeries(z: number): number {
  const s = z * z;
  return z + z * (s * (F3H + s * (0.075 + s * 0.044642857142857144)));
}

/** sin(x), correctly rounded (see the file's comment). */
export function sin(x: number): number {
  const a = Math.abs(x);
  if (a < SMALL) return sinSeries(x);
  return a <= REDUCIBLE ? sinShifted(x, 0) : Math.sin(x);
}

/**
 * sin(x) as a search tests a point: the series below SMALL (no call, and glibc's result where
 * Math.sin may be an ulp off), V8's Math.sin above.
 */
export function quickSin(x: number): number {
  return Math.abs(x) < SMALL ? sinSeries(x) : Math.sin(x);
}

/** asin(z) as quickSin: the series below SMALL, V8's Math.asin above. */
export function quickAsin(z: number): number {
  return Math.abs(z) < SMALL ? asinSeries(z) : Math.asin(z);
}

/** cos(x), correctly rounded. */
export function cos(x: number): number {
  return Math.abs(x) <= REDUCIBLE ? sinShifted(x, 1) : Math.cos(x);
}

/**
 * asin(z), correctly rounded: small arguments by their series; others one Newton step from
 * V8's (within an ulp), y0 + (z - sin y0) / cos y0, with sin y0 in double-double so that the
 * correction is right to ~2^-50 of itself; 1 and anything outside (NaN) are Math's.
 */
export function asin(z: number): number {
  const a = Math.abs(z);
  if (a < SMALL) return asinSeries(z);
  if (!(a < 1)) return Math.asin(z);
  const y0 = Math.asin(z);
  const sh = sinShifted(y0, 0);
  return y0 + (z - sh - low[0]) / Math.cos(y0);
}
