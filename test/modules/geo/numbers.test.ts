import { Errors, formatFixed, parseDouble } from '../../../kernel';
import { distanceReply, parseCoord } from '../../../modules/geo/search';

/** parseCoord's own scan of the usual coordinate forms must give parseDouble's (strtod's) value, bit for bit. */
describe('geo: coordinates and radii parse as strtod reads them', () => {
  const same = (s: string): boolean => {
    const want = parseDouble(s);
    if (Number.isNaN(want)) {
      try {
        parseCoord(s);
        return false;
      } catch (e) {
        return e === Errors.notFloat;
      }
    }
    return Object.is(parseCoord(s), want);
  };

  it('decimals of every length the scan takes and the lengths just past it', () => {
    let seed = 3;
    const rnd = (n: number) => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) % n;
    const digits = (n: number) => Array.from({ length: n }, () => String(rnd(10))).join('');
    const cases: string[] = [];
    for (let int = 1; int <= 4; int++) {
      for (let frac = 0; frac <= 14; frac++) {
        for (let k = 0; k < 40; k++) {
          const s = digits(int) + (frac === 0 && k % 2 === 0 ? '' : '.' + digits(frac));
          cases.push(s, '-' + s);
        }
      }
    }
    for (let len = 1; len <= 12; len++) cases.push(digits(len), '-' + digits(len), '9'.repeat(len), '0'.repeat(len));
    expect(cases.filter((s) => !same(s))).toEqual([]);
  });

  it('edge values and every other form, which go to parseDouble', () => {
    const cases = [
      '0', '-0', '0.0', '-0.0', '180', '-180', '180.000000000000', '85.05112878', '-85.051128779806592',
      '13.361389', '0.000000000001', '999.999999999999', '1e3', '1E-2', '13.5e1', '+13.5', '.5', '5.', '-', '',
      ' 1', '1 ', '1.2.3', '0x10', 'inf', '-inf', 'nan', '12a', '1.2a', '--1', '0000000013.5', '1234567890',
      '123456789', '-123456789', '1' + '0'.repeat(30), '0.' + '0'.repeat(400) + '1',
    ];
    expect(cases.filter((s) => !same(s))).toEqual([]);
  });
});

/** distanceReply's own rounding must print what formatFixed (printf's %.4f) prints, ties included. */
describe('geo: distances print as %.4f', () => {
  it('random magnitudes, exact ties, their neighbours one ulp away, and the edges of the fast path', () => {
    let seed = 9;
    const rnd = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x80000000;
    const cases: number[] = [0, -0, 1e-300, 5e-5, 0.00015, 0.99995, 9.99995, 12345.67895, 4.5e11, 2 ** 52 / 1e4, 2 ** 52 / 1e4 + 1, 1e20, Infinity, NaN];
    for (let i = 0; i < 20000; i++) cases.push(rnd() * 10 ** (Math.floor(rnd() * 14) - 4));
    for (let k = 0; k < 20000; k += 7) {
      const tie = (k + 0.5) / 1e4;
      cases.push(tie, tie * (1 + 2 ** -52), tie * (1 - 2 ** -52), k / 1e4, (k * 997 + 0.5) / 1e4);
    }
    expect(cases.filter((d) => distanceReply(d) !== formatFixed(d, 4))).toEqual([]);
  });
});

