import { formatDouble, formatFixed, formatHumanDouble, isInt64, parseBigInt64, parseDouble, parseInt64, parseIntArg, INT64_MAX, INT64_MIN } from '../../kernel/util/numbers';
import printf17g from './fixtures/printf-17g.json';

describe('parseInt64 (string2ll)', () => {
  // Past 2^53 the exact digits come back, not a BigInt (kept off the command path).
  const valid: Array<[string, number | string]> = [
    ['0', 0],
    ['1', 1],
    ['-1', -1],
    ['10', 10],
    ['1234567890', 1234567890],
    ['9007199254740991', 9007199254740991],
    ['-9007199254740991', -9007199254740991],
    ['9007199254740992', '9007199254740992'],
    ['9007199254740993', '9007199254740993'],
    ['9223372036854775807', '9223372036854775807'],
    ['-9223372036854775808', '-9223372036854775808'],
  ];
  it.each(valid)('%j -> %p', (s, v) => {
    expect(parseInt64(s)).toBe(v);
  });

  const invalid = [
    '',
    '-',
    '+',
    '-0',
    '00',
    '01',
    '-01',
    '+1',
    ' 1',
    '1 ',
    '\t1',
    '1\x00',
    '1.0',
    '1e3',
    '0x10',
    '--1',
    '1-',
    '9223372036854775808',
    '-9223372036854775809',
    '18446744073709551616',
    '99999999999999999999',
    '-99999999999999999999',
    '123456789012345678901',
    '\u0661',
    'abc',
  ];
  it.each(invalid)('%j is not an int64', (s) => {
    expect(parseInt64(s)).toBeNull();
  });

  it('parseIntArg gives a number or NaN; parseBigInt64 a bigint or null', () => {
    expect(parseIntArg('42')).toBe(42);
    expect(parseIntArg('-9223372036854775808')).toBe(-9223372036854775808);
    expect(parseIntArg('1.5')).toBeNaN();
    expect(parseIntArg('')).toBeNaN();
    expect(parseBigInt64('42')).toBe(42n);
    expect(parseBigInt64('9223372036854775807')).toBe(INT64_MAX);
    expect(parseBigInt64('-9223372036854775808')).toBe(INT64_MIN);
    expect(parseBigInt64('9223372036854775808')).toBeNull();
    expect(parseBigInt64('007')).toBeNull();
  });

  it('isInt64 checks the bounds', () => {
    expect(isInt64(INT64_MAX)).toBe(true);
    expect(isInt64(INT64_MIN)).toBe(true);
    expect(isInt64(INT64_MAX + 1n)).toBe(false);
    expect(isInt64(INT64_MIN - 1n)).toBe(false);
  });
});

describe('parseDouble (strtod as getDoubleFromObject uses it)', () => {
  // Recorded from redis-server 7.0.15: ZADD z <input> m, then ZSCORE z m (null: refused).
  const redis: Array<[string, string | null]> = [
    ['1', '1'],
    ['-1', '-1'],
    ['+1', '1'],
    ['1.5', '1.5'],
    ['.5', '0.5'],
    ['5.', '5'],
    ['-.5', '-0.5'],
    ['+.5e1', '5'],
    ['1e5', '100000'],
    ['1E5', '100000'],
    ['1e+5', '100000'],
    ['1e-5', '1.0000000000000001e-05'],
    ['00012', '12'],
    ['1e0001', '10'],
    ['0.000000000000000000000000000000001', '1.0000000000000001e-33'],
    ['1' + '0'.repeat(308), '1e+308'],
    ['17976931348623158' + '0'.repeat(292), '1.7976931348623157e+308'],
    ['1e-310', '9.9999999999999694e-311'],
    ['2.4703282292062328e-324', '4.9406564584124654e-324'],
    ['0e-400', '0'],
    ['0e999', '0'],
    ['inf', 'inf'],
    ['-inf', '-inf'],
    ['+inf', 'inf'],
    ['INF', 'inf'],
    ['Infinity', 'inf'],
    ['-INFINITY', '-inf'],
    ['0x10', '16'],
    ['0X1p4', '16'],
    ['0x1.8p1', '3'],
    ['-0x10', '-16'],
    ['0x.8', '0.5'],
    ['0x1P-1', '0.5'],
    ['0xABCDEF.8', '11259375.5'],
    ['0x1p-1074', '4.9406564584124654e-324'],
    ['0x1.0000000000001p-1075', '4.9406564584124654e-324'],
    ['00.5', '0.5'],
    ['1.e5', '100000'],
    ['1e-0', '1'],
    ['13.361389', '13.361389000000001'],
    ['-122.4194', '-122.4194'],
    ['45.99999', '45.999989999999997'],
    ['0.1', '0.10000000000000001'],
    ['0.30000000000000004', '0.30000000000000004'],
    ['123456789012345', '123456789012345'],
    ['1234567890123456', '1234567890123456'],
    ['12345678901234567890', '1.2345678901234567e+19'],
    ['9007199254740993', '9007199254740992'],
    ['1.000000000000000000000001', '1'],
    ['0.' + '0'.repeat(75) + '1', '9.9999999999999993e-77'],
    ['1e22', '1e+22'],
    ['1e23', '9.9999999999999992e+22'],
    ['9.999999999999999e22', '9.9999999999999992e+22'],
    ['123456789012345e-22', '1.23456789012345e-08'],
    ['123456789012345e-23', '1.23456789012345e-09'],
    ['4.9e-324', '4.9406564584124654e-324'],
    ['1.7976931348623157e308', '1.7976931348623157e+308'],
    ['1E-5', '1.0000000000000001e-05'],
    ['1e' + '0'.repeat(40) + '5', '100000'],
    ['0e' + '0'.repeat(40) + '5', '0'],
    ['inF', 'inf'],
    ['-Inf', '-inf'],
    ['+infinity', 'inf'],
    ['0x1e', '30'],
    ['-0x1e', '-30'],
    ['1e', null],
    ['.e5', null],
    ['+-1', null],
    ['1e+', null],
    ['1e-', null],
    ['1.7976931348623159e308', null],
    ['-1e-330', null],
    ['infinityx', null],
    ['i', null],
    ['0x1e+1', null],
    ['e5', null],
    ['1e400', null],
    ['-1e400', null],
    ['1e-400', null],
    ['-1e-400', null],
    ['2.4703282292062327e-324', null],
    ['0x', null],
    ['0xg', null],
    ['0x1p', null],
    ['0x1p-1080', null],
    ['0x1p-1075', null],
    ['0x1p1024', null],
    ['0x1.fffffffffffff8p1023', null],
    ['infinit', null],
    ['nan', null],
    ['-nan', null],
    ['NaN', null],
    [' 1', null],
    ['1 ', null],
    ['\t1', null],
    ['', null],
    ['-', null],
    ['+', null],
    ['.', null],
    ['1..2', null],
    ['1_0', null],
    ['\u0661', null],
    ['1\x00', null],
  ];
  it.each(redis)('%j -> %p', (input, shown) => {
    const v = parseDouble(input);
    if (shown === null) expect(v).toBeNaN();
    else expect(formatDouble(v)).toBe(shown);
  });

  it('keeps the sign of zero', () => {
    expect(Object.is(parseDouble('-0'), -0)).toBe(true);
    expect(Object.is(parseDouble('-0x0'), -0)).toBe(true);
    expect(Object.is(parseDouble('0'), 0)).toBe(true);
  });

  it('rounds hex floats to nearest, ties to even', () => {
    // 2^53 + 1 is a tie between 2^53 and 2^53 + 2: even mantissa wins.
    expect(parseDouble('0x20000000000001')).toBe(2 ** 53);
    expect(parseDouble('0x20000000000003')).toBe(2 ** 53 + 4);
    expect(parseDouble('0x20000000000001.01')).toBe(2 ** 53 + 2);
    expect(parseDouble('0x1.fffffffffffffp1023')).toBe(Number.MAX_VALUE);
  });
});

describe('formatDouble (printf %.17g)', () => {
  it('formats the special values as Redis does', () => {
    expect(formatDouble(Infinity)).toBe('inf');
    expect(formatDouble(-Infinity)).toBe('-inf');
    expect(formatDouble(NaN)).toBe('nan');
    expect(formatDouble(0)).toBe('0');
    expect(formatDouble(-0)).toBe('-0');
  });

  const table = (printf17g as unknown as { values: [string, string][] }).values;
  it(`matches printf for ${table.length} values recorded with python3 '%.17g' (incl. exact ties)`, () => {
    const wrong = table.map(([repr, want]) => ({ repr, want, got: formatDouble(Number(repr)) })).filter((r) => r.got !== r.want);
    expect(wrong).toEqual([]);
  });

  it('rounds an exact tie to the even neighbour (100000000000000.125 -> ...12, as redis-server ZSCORE shows)', () => {
    expect(formatDouble(100000000000000.125)).toBe('100000000000000.12');
    expect(formatDouble(-100000000000000.125)).toBe('-100000000000000.12');
    expect(formatDouble(100000000000000.375)).toBe('100000000000000.38');
    // 18 significant digits ending in 5, decided from toPrecision(100) (no BigInt), as python3 '%.17g' prints them.
    expect(formatDouble(1000000000000000.25)).toBe('1000000000000000.2');
    expect(formatDouble(1000000000000000.75)).toBe('1000000000000000.8');
    expect(formatDouble(-1125899906842623.75)).toBe('-1125899906842623.8');
  });

  it('switches to exponent notation below 1e-4 and from 1e17, with a two-digit exponent at least', () => {
    expect(formatDouble(0.0001)).toBe('0.0001');
    expect(formatDouble(0.00001)).toBe('1.0000000000000001e-05');
    expect(formatDouble(1e16)).toBe('10000000000000000');
    expect(formatDouble(1e17)).toBe('1e+17');
    expect(formatDouble(1e100)).toBe('1e+100');
    expect(formatDouble(5e-324)).toBe('4.9406564584124654e-324');
  });

  it('round-trips: parseDouble(formatDouble(x)) === x', () => {
    for (const [repr] of table) {
      const x = Number(repr);
      expect(parseDouble(formatDouble(x))).toBe(x);
    }
  });
});

describe('formatFixed (printf %.Nf) and formatHumanDouble (ld2string LD_STR_HUMAN)', () => {
  // Recorded with python3 '%.*f' % (digits, value), which rounds as glibc's printf does.
  const table: [number, number, string][] = [
    [0.125, 2, '0.12'],
    [0.375, 2, '0.38'],
    [2.5, 0, '2'],
    [3.5, 0, '4'],
    [-1e22, 1, '-10000000000000000000000.0'],
    [123.456, 6, '123.456000'],
    [-0.0000001, 6, '-0.000000'],
    [45 / 2 ** 18, 17, '0.00017166137695312'],
    [13.361389338970184, 17, '13.36138933897018433'],
  ];
  it.each(table)('%p to %p decimals is %p', (v, digits, text) => {
    expect(formatFixed(v, digits)).toBe(text);
  });

  it('prints the special values and negative zero as glibc does', () => {
    expect(formatFixed(Infinity, 4)).toBe('inf');
    expect(formatFixed(-Infinity, 4)).toBe('-inf');
    expect(formatFixed(-0, 2)).toBe('-0.00');
    expect(formatFixed(1e300, 0)).toBe(BigInt(1e300).toString());
  });

  it('drops trailing zeros and never answers -0 in human form', () => {
    expect(formatHumanDouble(180)).toBe('180');
    expect(formatHumanDouble(-0)).toBe('0');
    expect(formatHumanDouble(-1e-20)).toBe('0');
    expect(formatHumanDouble(38.11555639549629859)).toBe('38.11555639549629859');
    expect(formatHumanDouble(0.5)).toBe('0.5');
  });
});
