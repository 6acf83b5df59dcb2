/**
 * Redis's geohash arithmetic (geohash.c, geohash_helper.c), in doubles and 32-bit halves so
 * that every score, neighbour box and decoded coordinate is bit for bit the one Redis computes.
 * A hash at `step` bits per coordinate is kept as its two cell indexes (latitude, longitude)
 * rather than interleaved: moving to a neighbour changes one index modulo 2^step, exactly what
 * Redis's masked interleaved arithmetic does, including an index that overflowed to 2^step.
 */

import { asin as crAsin, cos as crCos, sin as crSin, quickAsin, quickSin } from './libm';

export const LONG_MIN = -180;
export const LONG_MAX = 180;
export const LAT_MIN = -85.05112878;
export const LAT_MAX = 85.05112878;
export const STEP_MAX = 26;

const D_R = Math.PI / 180.0;
const EARTH_RADIUS_IN_METERS = 6372797.560856;
const MERCATOR_MAX = 20037726.37;
const TWO_32 = 4294967296;
const TWO_63 = 9223372036854775808;
const TWO_64 = 18446744073709551616;
/** Cells per coordinate at step 26. */
const CELLS = 67108864;
/** 2^0..2^52: a variable `2 ** n` is a call to pow, a dozen of them per search. */
const POW2 = Array.from({ length: 53 }, (_, i) => 2 ** i);

/** Spread the low 16 bits of x to the even bit positions of a 32-bit word. */
function spread(x: number): number {
  x &= 0xffff;
  x = (x | (x << 8)) & 0x00ff00ff;
  x = (x | (x << 4)) & 0x0f0f0f0f;
  x = (x | (x << 2)) & 0x33333333;
  return (x | (x << 1)) & 0x55555555;
}

/** Gather the even bits of a 32-bit word into 16 bits. */
function compact(x: number): number {
  x &= 0x55555555;
  x = (x | (x >>> 1)) & 0x33333333;
  x = (x | (x >>> 2)) & 0x0f0f0f0f;
  x = (x | (x >>> 4)) & 0x00ff00ff;
  return (x | (x >>> 8)) & 0xffff;
}

/** interleave64(lat, lon) as a double: latitude bits at even positions, rounded as a uint64 converts. */
export function interleave(lat: number, lon: number, plusOne = false): number {
  let lo = (spread(lat) | (spread(lon) << 1)) >>> 0;
  let hi = (spread(lat >>> 16) | (spread(lon >>> 16) << 1)) >>> 0;
  if (plusOne && ++lo === TWO_32) {
    lo = 0;
    hi++;
  }
  return hi * TWO_32 + lo;
}

/** Scratch for decoded positions: [longitude, latitude]. */
export type XY = Float64Array;

/**
 * decodeGeohash: a sorted-set score (a 52-bit hash at step 26) to the centre of its cell,
 * clamped to the valid range. The score converts to uint64 as C does on x86-64.
 */
export function decodeScore(score: number, xy: XY): void {
  let hi: number;
  let lo: number;
  if (score >= 0 && score < TWO_64) {
    const t = Math.trunc(score);
    hi = Math.floor(t / TWO_32);
    lo = t - hi * TWO_32;
  } else if (score < 0 && score > -TWO_63) {
    const t = Math.trunc(score);
    const h = Math.floor(t / TWO_32);
    lo = t - h * TWO_32;
    hi = h >>> 0;
  } else {
    // Out of range: the conversion yields 0 (at or past 2^64) or 2^63 (below -2^63, -inf).
    hi = score >= TWO_64 ? 0 : 0x80000000;
    lo = 0;
  }
  decodeCells((compact(lo) | (compact(hi) << 16)) >>> 0, (compact(lo >>> 1) | (compact(hi >>> 1) << 16)) >>> 0, xy);
}

/** The centre of the step-26 cell with these indexes into `xy`, clamped (decodeGeohash). */
function decodeCells(lat: number, lon: number, xy: XY): void {
  const scale = 67108864; // 2^26
  const latScale = LAT_MAX - LAT_MIN;
  const lonScale = LONG_MAX - LONG_MIN;
  // uint32 arithmetic: only a score that is no geohash has an index that wraps.
  let x = (LONG_MIN + (lon / scale) * lonScale + (LONG_MIN + (((lon + 1) >>> 0) / scale) * lonScale)) / 2;
  let y = (LAT_MIN + (lat / scale) * latScale + (LAT_MIN + (((lat + 1) >>> 0) / scale) * latScale)) / 2;
  if (x > LONG_MAX) x = LONG_MAX;
  if (x < LONG_MIN) x = LONG_MIN;
  if (y > LAT_MAX) y = LAT_MAX;
  if (y < LAT_MIN) y = LAT_MIN;
  xy[0] = x;
  xy[1] = y;
}

/**
 * The cell index of a coordinate among `cells` (2^step) cells, the offset truncated to uint32 as
 * C does. The count is passed rather than the step: a variable `2 ** step` is a call to pow.
 */
function cell(v: number, min: number, max: number, cells: number): number {
  return Math.trunc(((v - min) / (max - min)) * cells);
}

/** GEOADD's score for a valid longitude/latitude. */
export function encodeScore(lon: number, lat: number): number {
  return interleave(cell(lat, LAT_MIN, LAT_MAX, CELLS), cell(lon, LONG_MIN, LONG_MAX, CELLS));
}

const ALPHABET = '0123456789bcdefghjkmnpqrstuvwxyz';

/** GEOHASH's 11 characters: the position re-encoded on the standard [-90, 90] latitude range. */
export function standardGeohash(xy: XY): string {
  const bits = interleave(cell(xy[1], -90, 90, CELLS), cell(xy[0], -180, 180, CELLS));
  let out = '';
  for (let i = 0; i < 10; i++) out += ALPHABET[Math.floor(bits / 2 ** (52 - (i + 1) * 5)) % 32];
  return out + '0';
}

function degRad(ang: number): number {
  return ang * D_R;
}

function radDeg(ang: number): number {
  return ang / D_R;
}

/**
 * geohashGetDistance: the haversine great-circle distance in meters, with V8's Math (within an
 * ulp of glibc's) but for the sines and arcsines of small arguments (quickSin, quickAsin).
 */
export function distance(lon1d: number, lat1d: number, lon2d: number, lat2d: number): number {
  const lat1r = degRad(lat1d);
  const lon1r = degRad(lon1d);
  const lat2r = degRad(lat2d);
  const lon2r = degRad(lon2d);
  const u = quickSin((lat2r - lat1r) / 2);
  const v = quickSin((lon2r - lon1r) / 2);
  // With v 0 the cosine term adds +0: skipping it changes no bit (a box's latitude distance).
  if (v === 0) return 2.0 * EARTH_RADIUS_IN_METERS * quickAsin(Math.sqrt(u * u));
  return 2.0 * EARTH_RADIUS_IN_METERS * quickAsin(Math.sqrt(u * u + Math.cos(lat1r) * Math.cos(lat2r) * v * v));
}

/**
 * geohashGetDistance with glibc's results for sin, cos and asin where V8's Math differs (see
 * libm.ts): the distance Redis computes, bar ~0.7% of point pairs where glibc itself does not
 * round correctly. About 20 times the cost of distance(), so used where a distance is shown in
 * full (GEODIST, STOREDIST) or decides: a search tests with distance() and re-tests with this
 * one within EDGE of its limit.
 */
export function exactDistance(lon1d: number, lat1d: number, lon2d: number, lat2d: number): number {
  const lat1r = degRad(lat1d);
  return exactFrom(degRad(lon1d), lat1r, crCos(lat1r), lon2d, lat2d);
}

/** exactDistance from a point given in radians, with its latitude's cosine (a search's centre: once). */
function exactFrom(lon1r: number, lat1r: number, cosLat1: number, lon2d: number, lat2d: number): number {
  const lat2r = degRad(lat2d);
  const u = crSin((lat2r - lat1r) / 2);
  const v = crSin((degRad(lon2d) - lon1r) / 2);
  if (v === 0) return 2.0 * EARTH_RADIUS_IN_METERS * crAsin(Math.sqrt(u * u));
  return 2.0 * EARTH_RADIUS_IN_METERS * crAsin(Math.sqrt(u * u + cosLat1 * crCos(lat2r) * v * v));
}

/**
 * How far (relative) a distance from distance() may be from exactDistance()'s: V8's and glibc's
 * functions are each within an ulp, and the haversine's few operations amplify that by at most
 * a few hundred near the antipode; 1e-12 leaves a wide margin.
 */
export const EDGE = 1e-12;

/** Whether `d` and `limit` are too close for distance() to say which is larger. */
export function nearEdge(d: number, limit: number): boolean {
  return Math.abs(d - limit) <= EDGE * limit;
}

/** geohashEstimateStepsByRadius. */
function estimateSteps(rangeMeters: number, lat: number): number {
  if (rangeMeters === 0) return 26;
  let step = 1;
  while (rangeMeters < MERCATOR_MAX) {
    rangeMeters *= 2;
    step++;
  }
  step -= 2;
  if (lat > 66 || lat < -66) {
    step--;
    if (lat > 80 || lat < -80) step--;
  }
  if (step < 1) step = 1;
  if (step > 26) step = 26;
  return step;
}

/** A search area: a circle (radius) or an axis-aligned box (width, height), in `conversion` units. */
export class Shape {
  lon = 0;
  lat = 0;
  box = false;
  radius = 0;
  width = 0;
  height = 0;
  /** Meters per unit. */
  conversion = 1;
  /** The bounding box: min longitude, min latitude, max longitude, max latitude. */
  readonly bounds = new Float64Array(4);

  /**
   * geoWithinShape: whether the decoded point in `xy` is inside; its distance from the centre
   * goes to `out.dist`. Positions are read from the array, not passed: a double argument to a
   * call V8 does not inline is boxed, once per candidate point.
   */
  contains(xy: XY, out: { dist: number }): boolean {
    const x = xy[0];
    const y = xy[1];
    if (this.box) {
      const halfWidth = (this.width * this.conversion) / 2;
      const halfHeight = (this.height * this.conversion) / 2;
      let lonDistance = distance(x, y, this.lon, y);
      if (nearEdge(lonDistance, halfWidth)) lonDistance = exactDistance(x, y, this.lon, y);
      let latDistance = distance(x, y, x, this.lat);
      if (nearEdge(latDistance, halfHeight)) latDistance = exactDistance(x, y, x, this.lat);
      if (lonDistance > halfWidth || latDistance > halfHeight) return false;
    }
    // geohashGetDistance from the centre, whose radians and cosine were computed once.
    const lat2r = degRad(y);
    const u = quickSin((lat2r - this.latR) / 2);
    const v = quickSin((degRad(x) - this.lonR) / 2);
    let d = 2.0 * EARTH_RADIUS_IN_METERS * quickAsin(Math.sqrt(u * u + this.cosLat * Math.cos(lat2r) * v * v));
    if (!this.box) {
      const limit = this.radius * this.conversion;
      if (nearEdge(d, limit)) d = this.exactDistanceTo(x, y);
      if (d > limit) return false;
    }
    out.dist = d;
    return true;
  }

  /** exactDistance from the centre to (x, y). */
  exactDistanceTo(x: number, y: number): number {
    if (Number.isNaN(this.exactCosLat)) this.exactCosLat = crCos(this.latR);
    return exactFrom(this.lonR, this.latR, this.exactCosLat, x, y);
  }

  /** The centre in radians and its latitude's cosine, for contains(); the cosine correctly rounded once needed. */
  private lonR = 0;
  private latR = 0;
  private cosLat = 1;
  private exactCosLat = NaN;
  /** The centre as fractional cell indexes at step 26, where cell i's centre is at i. */
  private latCell = 0;
  private lonCell = 0;
  /** Cells of latitude and of longitude from the centre beyond which no point is inside. */
  private latCells = Infinity;
  private lonCells = Infinity;

  /**
   * The score near() tests: passed in a field, as a double argument to a call V8 does not
   * inline is boxed, once per candidate point.
   */
  candidate = 0;

  /**
   * Whether the point scored `candidate` (a geohash at step 26, as the search boxes' scores
   * are) may be inside, and if so its decoded position into `xy`: most candidates of the nine boxes
   * lie outside the shape's own bands of latitude and longitude, and are rejected here from
   * their cell indexes, before the decode and Redis's trigonometry.
   */
  near(xy: XY): boolean {
    const score = this.candidate;
    const hi = (score / TWO_32) >>> 0;
    const lo = (score - hi * TWO_32) >>> 0;
    const lat = compact(lo) | (compact(hi) << 16);
    if (Math.abs(lat - this.latCell) > this.latCells) return false;
    const lon = compact(lo >>> 1) | (compact(hi >>> 1) << 16);
    let dLon = lon - this.lonCell;
    // Longitudes wrap: 2^26 cells are 360 degrees.
    if (dLon > 33554432) dLon -= 67108864;
    else if (dLon < -33554432) dLon += 67108864;
    if (Math.abs(dLon) > this.lonCells) return false;
    decodeCells(lat, lon, xy);
    return true;
  }

  /**
   * The bands near() rejects outside of. A great-circle distance is at least the arc between
   * the latitudes, and at least 2R asin(sqrt(cos(lat1) cos(lat2)) |sin(dLon/2)|) (the
   * haversine's second term alone); a box's tests are haversines along one coordinate. The
   * bands are widened by a relative 1e-9, a million times the rounding of the distances they
   * bound, and by a cell (a decoded point is its cell's centre), so no point Redis's
   * computation accepts is rejected: results stay Redis's. Shapes wider than one radian (about
   * 6,400 km) are not pre-filtered (the bounds lose their precision near the antipode).
   */
  private bands(): void {
    this.latCells = Infinity;
    this.lonCells = Infinity;
    this.latCell = ((this.lat - LAT_MIN) / (LAT_MAX - LAT_MIN)) * CELLS - 0.5;
    this.lonCell = ((this.lon - LONG_MIN) / (LONG_MAX - LONG_MIN)) * CELLS - 0.5;
    const c = this.conversion;
    // Angular half-extents: along a meridian, and along the parallels.
    const latHalf = (this.box ? (this.height * c) / 2 : this.radius * c) / EARTH_RADIUS_IN_METERS;
    const lonHalf = (this.box ? (this.width * c) / 2 : this.radius * c) / EARTH_RADIUS_IN_METERS;
    if (!(latHalf <= 1 && lonHalf <= 1)) return;
    const latBand = latHalf * (1 + 1e-9);
    this.latCells = (radDeg(latBand) / (LAT_MAX - LAT_MIN)) * CELLS + 1;
    const north = this.latR + latBand + 1e-6;
    const south = this.latR - latBand - 1e-6;
    if (north >= Math.PI / 2 || south <= -Math.PI / 2) return;
    // The smallest cosine of a latitude inside the band (cos is concave there).
    const cosMin = Math.min(Math.cos(north), Math.cos(south)) * (1 - 1e-9);
    // A box compares the distance along the point's own parallel; a circle the whole haversine.
    const s = (Math.sin(lonHalf / 2) * (1 + 1e-9)) / (this.box ? cosMin : Math.sqrt(this.cosLat * cosMin));
    if (s >= 1) return;
    this.lonCells = (radDeg(2 * Math.asin(s) * (1 + 1e-9)) / (LONG_MAX - LONG_MIN)) * CELLS + 1;
  }

  /** geohashBoundingBox. */
  private boundingBox(): void {
    const height = this.conversion * (this.box ? this.height / 2 : this.radius);
    const width = this.conversion * (this.box ? this.width / 2 : this.radius);
    const latDelta = radDeg(height / EARTH_RADIUS_IN_METERS);
    const longDeltaTop = radDeg(width / EARTH_RADIUS_IN_METERS / Math.cos(degRad(this.lat + latDelta)));
    const longDeltaBottom = radDeg(width / EARTH_RADIUS_IN_METERS / Math.cos(degRad(this.lat - latDelta)));
    const southern = this.lat < 0;
    const b = this.bounds;
    b[0] = southern ? this.lon - longDeltaBottom : this.lon - longDeltaTop;
    b[2] = southern ? this.lon + longDeltaBottom : this.lon + longDeltaTop;
    b[1] = this.lat - latDelta;
    b[3] = this.lat + latDelta;
  }

  /**
   * geohashCalculateAreasByShapeWGS84: fills `boxes` with the score ranges [min, max) of the
   * centre cell and its eight neighbours, in Redis's order, skipping the boxes Redis skips
   * (excluded, or the same as the last one searched), each box as the ranges of its sub-cells
   * that reach the bands (subRanges); returns how many ranges it wrote (at most MAX_RANGES).
   */
  areas(boxes: Float64Array): number {
    this.lonR = degRad(this.lon);
    this.latR = degRad(this.lat);
    this.cosLat = Math.cos(this.latR);
    this.exactCosLat = NaN;
    this.bands();
    this.boundingBox();
    const b = this.bounds;
    const minLon = b[0];
    const minLat = b[1];
    const maxLon = b[2];
    const maxLat = b[3];
    const w = this.width / 2;
    const h = this.height / 2;
    const radiusMeters = (this.box ? Math.sqrt(w * w + h * h) : this.radius) * this.conversion;
    let steps = estimateSteps(radiusMeters, this.lat);
    let lat = cell(this.lat, LAT_MIN, LAT_MAX, POW2[steps]);
    let lon = cell(this.lon, LONG_MIN, LONG_MAX, POW2[steps]);
    let mask = POW2[steps] - 1;
    if (steps > 1) {
      // The step is too coarse when a neighbour cell does not reach past the bounding box.
      const n = cellMin(((lat + 1) & mask) + 1, LAT_MIN, LAT_MAX, steps);
      const s = cellMin((lat - 1) & mask, LAT_MIN, LAT_MAX, steps);
      const e = cellMin(((lon + 1) & mask) + 1, LONG_MIN, LONG_MAX, steps);
      const wst = cellMin((lon - 1) & mask, LONG_MIN, LONG_MAX, steps);
      if (n < maxLat || s > minLat || e < maxLon || wst > minLon) {
        steps--;
        lat = cell(this.lat, LAT_MIN, LAT_MAX, POW2[steps]);
        lon = cell(this.lon, LONG_MIN, LONG_MAX, POW2[steps]);
        mask = POW2[steps] - 1;
      }
    }
    let skip = 0;
    if (steps >= 2) {
      if (cellMin(lat, LAT_MIN, LAT_MAX, steps) < minLat) skip |= SOUTH;
      if (cellMin(lat + 1, LAT_MIN, LAT_MAX, steps) > maxLat) skip |= NORTH;
      if (cellMin(lon, LONG_MIN, LONG_MAX, steps) < minLon) skip |= WEST;
      if (cellMin(lon + 1, LONG_MIN, LONG_MAX, steps) > maxLon) skip |= EAST;
    }
    const shift = POW2[52 - 2 * steps];
    let count = 0;
    // Redis compares a box with the last one searched only once a neighbour was searched.
    let last = 0;
    let lastLat = 0;
    let lastLon = 0;
    for (let i = 0; i < 9; i++) {
      const dir = DIRS[i];
      if ((dir & skip) !== 0) continue;
      const y = (dir & NORTH) !== 0 ? (lat + 1) & mask : (dir & SOUTH) !== 0 ? (lat - 1) & mask : lat;
      const x = (dir & EAST) !== 0 ? (lon + 1) & mask : (dir & WEST) !== 0 ? (lon - 1) & mask : lon;
      if (last !== 0 && y === lastLat && x === lastLon) continue;
      last = i;
      count = this.subRanges(y, x, steps, shift, boxes, count);
      lastLat = y;
      lastLon = x;
    }
    return count;
  }

  /**
   * The score ranges of box (y, x) at `steps` where near() may accept a point, appended to
   * `ranges` from pair `count` on; returns the new count. The box is cut into 4^SUB sub-cells
   * (each a contiguous range of scores, in Morton order) and only those reaching the bands are
   * read, adjacent ones as one range: on a large set most of a box's candidates lie outside the
   * bands, and skipping them costs a seek (usually within the leaf the cursor is in) where
   * reading them costs a decode each. Only points near() rejects are skipped: results and
   * their order are unchanged.
   */
  private subRanges(y: number, x: number, steps: number, shift: number, ranges: Float64Array, count: number): number {
    const start = interleave(y, x) * shift;
    const k = this.latCells === Infinity || this.lonCells === Infinity ? 0 : Math.min(SUB, STEP_MAX - steps);
    if (k === 0) {
      ranges[2 * count] = start;
      ranges[2 * count + 1] = start + shift;
      return count + 1;
    }
    const side = 1 << k;
    // Step-26 cells along a sub-cell's side.
    const span = POW2[STEP_MAX - steps - k];
    let rows = 0;
    let cols = 0;
    const latLo = this.latCell - this.latCells;
    const latHi = this.latCell + this.latCells;
    for (let r = 0; r < side; r++) {
      const lo = (y * side + r) * span;
      if (lo <= latHi && lo + span - 1 >= latLo) rows |= 1 << r;
      const west = (x * side + r) * span;
      if (this.lonReaches(west, west + span - 1)) cols |= 1 << r;
    }
    // Sub-cell (r, c) is bit spread(r) | spread(c) << 1 of the box's Morton order, as in interleave().
    let cells = 0;
    for (let r = 0; r < side; r++) {
      if ((rows & (1 << r)) === 0) continue;
      for (let c = 0; c < side; c++) if ((cols & (1 << c)) !== 0) cells |= 1 << (spread(r) | (spread(c) << 1));
    }
    const sub = shift / (side * side);
    const all = side * side;
    for (let m = 0; m < all; ) {
      if ((cells & (1 << m)) === 0) {
        m++;
        continue;
      }
      let e = m + 1;
      while (e < all && (cells & (1 << e)) !== 0) e++;
      ranges[2 * count] = start + m * sub;
      ranges[2 * count + 1] = start + e * sub;
      count++;
      m = e;
    }
    return count;
  }

  /** Whether some longitude cell in lo..hi is within the band near() accepts (which wraps at 2^26). */
  private lonReaches(lo: number, hi: number): boolean {
    const c = this.lonCell;
    const w = this.lonCells;
    return (lo <= c + w && hi >= c - w) || (lo <= c + w + CELLS && hi >= c - w + CELLS) || (lo <= c + w - CELLS && hi >= c - w - CELLS);
  }
}

/**
 * A box's sub-cells per side, as a power of two: 16 sub-cells, so a box's chosen ones fit one
 * 32-bit mask. With Redis's step (a box about the radius wide) the bands cover a few of them.
 */
const SUB = 2;
/** Most score ranges areas() writes: nine boxes of at most eight runs of sub-cells each. */
export const MAX_RANGES = 72;

const NORTH = 1;
const SOUTH = 2;
const EAST = 4;
const WEST = 8;
/** The centre, north, south, east, west, north-east, north-west, south-east, south-west. */
const DIRS = [0, NORTH, SOUTH, EAST, WEST, NORTH | EAST, NORTH | WEST, SOUTH | EAST, SOUTH | WEST];

/** The lower edge of cell `i` at `step` bits (geohashDecode's min; cell i+1's min is cell i's max). */
function cellMin(i: number, min: number, max: number, step: number): number {
  return min + (i / POW2[step]) * (max - min);
}
