import { addDecimal, natural } from '../../../kernel';

/**
 * C's printf("%.<precision>g") and strtod() for doubles, exactly as glibc does them, so numbers
 * render and parse the way Redis's Lua libraries (and Lua 5.1's "%.14g") produce them.
 */


/** The exact decimal expansion of a finite positive double: value = 0.<digits> * 10^point. */
function exactDecimal(x: number): { digits: string; point: number } {
  // In this range the expansion has at most 100 significant digits: toPrecision(100) writes it
  // whole; elsewhere it is computed on naturals (no BigInt on a command path).
  if (x > 1e-20 && x < 1e100) return fromPrecision(x.toPrecision(100));
  const { mant, exp } = natural.doubleParts(x);
  if (exp >= 0) {
    const digits = natural.toDecimal(natural.shiftLeft(mant, exp));
    return { digits, point: digits.length };
  }
  // m * 2^exp = m * 5^-exp / 10^-exp
  const digits = natural.toDecimal(natural.mulPow5(mant, -exp));
  return { digits, point: digits.length + exp };
}

/** toPrecision's text ("123.45", "0.00012", "1.2e-7") as significant digits and a point. */
function fromPrecision(p: string): { digits: string; point: number } {
  const e = p.indexOf('e');
  const mant = e < 0 ? p : p.slice(0, e);
  const dot = mant.indexOf('.');
  const whole = dot < 0 ? mant : mant.slice(0, dot);
  const all = whole + (dot < 0 ? '' : mant.slice(dot + 1));
  const lead = all.search(/[1-9]/);
  const digits = all.slice(lead);
  // Digits before the point, counted from the first significant one.
  const point = e < 0 ? whole.length - lead : Number(p.slice(e + 1)) + 1;
  return { digits, point };
}

/**
 * A finite positive double's first `precision` significant digits, rounded half-to-even from
 * its exact value (zeros kept): value ~= 0.<digits> * 10^point.
 */
function roundedDigits(abs: number, precision: number): { digits: string; point: number } {
  // Number's rounding is the exact value's except on a tie, which shows as a 5 in the next digit.
  if (precision <= 20) {
    const probe = abs.toExponential(precision);
    if (probe.charCodeAt(precision + 1) !== 53 /* '5' */) {
      const e = abs.toExponential(precision - 1);
      const cut = e.indexOf('e');
      return { digits: e[0] + e.slice(2, cut), point: Number(e.slice(cut + 1)) + 1 };
    }
  }
  let { digits, point } = exactDecimal(abs);
  if (digits.length > precision) {
    const head = digits.slice(0, precision);
    const next = digits.charCodeAt(precision) - 48;
    const tail = digits.slice(precision + 1);
    const odd = (head.charCodeAt(precision - 1) - 48) % 2 === 1;
    const up = next > 5 || (next === 5 && (/[1-9]/.test(tail) || odd));
    digits = up ? addDecimal(head, '1') : head;
    if (digits.length > precision) {
      digits = digits.slice(0, precision);
      point++;
    }
  }
  return { digits: digits.padEnd(precision, '0'), point };
}

/** printf("%.{precision}g", x) with glibc's exact round-half-even. */
export function formatG(x: number, precision = 14): string {
  if (Number.isNaN(x)) return 'nan';
  if (!Number.isFinite(x)) return x < 0 ? '-inf' : 'inf';
  if (x === 0) return Object.is(x, -0) ? '-0' : '0';
  const sign = x < 0 ? '-' : '';
  const abs = Math.abs(x);
  // String() is exact only for safe integers: past 2^53 it prints the shortest round trip.
  if (Number.isInteger(abs) && abs <= Number.MAX_SAFE_INTEGER) {
    const plain = String(abs);
    if (plain.length <= precision) return sign + plain;
  }
  const rounded = roundedDigits(abs, precision);
  const digits = rounded.digits.replace(/0+$/, '');
  const point = rounded.point;
  const exp10 = point - 1;
  if (exp10 < -4 || exp10 >= precision) {
    const mant = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
    return sign + mant + exponent(exp10);
  }
  if (point <= 0) return `${sign}0.${'0'.repeat(-point)}${digits}`;
  if (digits.length <= point) return sign + digits + '0'.repeat(point - digits.length);
  return `${sign}${digits.slice(0, point)}.${digits.slice(point)}`;
}

/** printf("%.{precision}e", x) with glibc's exact round-half-even. */
export function formatE(x: number, precision = 6): string {
  if (Number.isNaN(x)) return 'nan';
  if (!Number.isFinite(x)) return x < 0 ? '-inf' : 'inf';
  const sign = x < 0 || Object.is(x, -0) ? '-' : '';
  if (x === 0) return `${sign}0${precision > 0 ? `.${'0'.repeat(precision)}` : ''}e+00`;
  const { digits, point } = roundedDigits(Math.abs(x), precision + 1);
  return `${sign}${digits[0]}${precision > 0 ? `.${digits.slice(1)}` : ''}${exponent(point - 1)}`;
}

/** C's exponent: a sign and at least two digits. */
function exponent(e10: number): string {
  const a = Math.abs(e10);
  return `e${e10 < 0 ? '-' : '+'}${a < 10 ? '0' : ''}${a}`;
}

const isDigit = (c: number): boolean => c >= 48 && c <= 57;
const hexValue = (c: number): number => {
  if (c >= 48 && c <= 57) return c - 48;
  const l = c | 0x20;
  return l >= 97 && l <= 102 ? l - 87 : -1;
};

function matchesIgnoreCase(data: Uint8Array, at: number, word: string): boolean {
  for (let i = 0; i < word.length; i++) {
    if (((data[at + i] ?? 0) | 0x20) !== word.charCodeAt(i)) return false;
  }
  return true;
}

/**
 * strtod(3) on the bytes from `start` (reading stops at the end of the array, as at a NUL):
 * decimal and hexadecimal forms, inf/infinity and nan(...). `end === start` means no number.
 */
export function strtod(data: Uint8Array, start: number): { value: number; end: number } {
  const at = (i: number): number => data[i] ?? 0;
  let i = start;
  let negative = false;
  if (at(i) === 43 || at(i) === 45) negative = at(i++) === 45;
  const signed = (v: number): number => (negative ? -v : v);

  if (matchesIgnoreCase(data, i, 'inf')) {
    i += matchesIgnoreCase(data, i + 3, 'inity') ? 8 : 3;
    return { value: signed(Infinity), end: i };
  }
  if (matchesIgnoreCase(data, i, 'nan')) {
    i += 3;
    if (at(i) === 40) {
      let j = i + 1;
      while (isDigit(at(j)) || ((at(j) | 0x20) >= 97 && (at(j) | 0x20) <= 122) || at(j) === 95) j++;
      if (at(j) === 41) i = j + 1;
    }
    return { value: NaN, end: i };
  }
  if (at(i) === 48 && (at(i + 1) | 0x20) === 120) {
    const hex = parseHex(data, i + 2);
    if (hex) return { value: signed(hex.value), end: hex.end };
  }
  const digitsStart = i;
  let digits = 0;
  while (isDigit(at(i))) i++, digits++;
  if (at(i) === 46) {
    i++;
    while (isDigit(at(i))) i++, digits++;
  }
  if (digits === 0) return { value: 0, end: start };
  if ((at(i) | 0x20) === 101) {
    let j = i + 1;
    if (at(j) === 43 || at(j) === 45) j++;
    if (isDigit(at(j))) {
      while (isDigit(at(j))) j++;
      i = j;
    }
  }
  let text = '';
  for (let k = digitsStart; k < i; k++) text += String.fromCharCode(data[k]);
  return { value: signed(Number(text)), end: i };
}

/** The part of a hex float after "0x"; null when no hex digit follows. */
function parseHex(data: Uint8Array, start: number): { value: number; end: number } | null {
  const at = (i: number): number => data[i] ?? 0;
  let i = start;
  let hex = '';
  let fraction = 0;
  while (hexValue(at(i)) >= 0) hex += String.fromCharCode(data[i++]);
  if (at(i) === 46) {
    i++;
    while (hexValue(at(i)) >= 0) hex += String.fromCharCode(data[i++]), fraction++;
  }
  if (hex.length === 0) return null;
  let exp = -4 * fraction;
  if ((at(i) | 0x20) === 112) {
    let j = i + 1;
    const neg = at(j) === 45;
    if (at(j) === 43 || at(j) === 45) j++;
    if (isDigit(at(j))) {
      let e = 0;
      while (isDigit(at(j))) e = Math.min(e * 10 + at(j++) - 48, 1e6);
      exp += neg ? -e : e;
      i = j;
    }
  }
  // The digits rounded to a double (ties to even), then scaled: as strtod's Number(mantissa) * 2^exp.
  const [kept, shift] = natural.roundToBits(natural.fromHex(hex), 53);
  return { value: natural.toNumber(kept) * 2 ** shift * 2 ** exp, end: i };
}
