import { FloatIncr, incrByFloat, parseLongDouble } from '../../kernel/util/long-double';
import { incrByFloatReference, parseLongDoubleReference } from '../helpers/long-double-bigint';
import { randomFloat, seededRandom } from '../helpers/random-floats';

/** Expected values come from redis-server 7.0 on x86-64 (80-bit long double, %.17Lf). */
describe('INCRBYFLOAT long double emulation', () => {
  it.each([
    ['10.5', '0.1', '10.6'],
    ['0', '0.1', '0.1'],
    ['0.1', '0.1', '0.2'],
    ['0.2', '0.1', '0.3'],
    ['5000', '-5000', '0'],
    ['0', '-0.0', '0'],
    ['-0', '-0', '0'],
    ['3', '1.5e0', '4.5'],
    ['1e30', '0.5', '1000000000000000000024696061952'],
    ['0', '0x10', '16'],
    ['16', '0x1.8p1', '19'],
    ['0', '.5', '0.5'],
    ['0', '5.', '5'],
    ['0', '-0.000000000000000001', '0'],
    ['0', '0.000000000000000009', '0.00000000000000001'],
    ['1', '-3', '-2'],
  ])('%s + %s = %s', (cur, incr, out) => {
    expect(incrByFloat(cur, incr)).toBe(out);
  });

  it('keeps 1e400, beyond double range, exact to 64 bits', () => {
    const r = incrByFloat('0', '1e400');
    expect(typeof r).toBe('string');
    expect((r as string).startsWith('10000000000000000000281880683947586514586453433629')).toBe(true);
    expect((r as string).length).toBe(401);
  });

  it.each(['', ' 1', '1 ', 'abc', 'nan', '1e', '1e5000', '1e-5000', '0x', '+', '.', '1.5abc'])(
    'rejects %j as not a valid float',
    (s) => {
      expect(incrByFloat('0', s)).toBe(FloatIncr.Invalid);
      expect(incrByFloat(s, '1')).toBe(FloatIncr.Invalid);
    },
  );

  it('refuses input of 5 KiB or more, as Redis does', () => {
    expect(incrByFloat('0', '1'.padStart(5120, '0'))).toBe(FloatIncr.Invalid);
    expect(incrByFloat('0', '1'.padStart(5119, '0'))).toBe('1');
  });

  it('reports infinite results', () => {
    expect(incrByFloat('0', 'inf')).toBe(FloatIncr.NotFinite);
    expect(incrByFloat('-Infinity', '1')).toBe(FloatIncr.NotFinite);
    expect(incrByFloat('1e4932', '1e4932')).toBe(FloatIncr.NotFinite);
  });

  it('accepts denormal values without losing them', () => {
    expect(incrByFloat('16', '1e-4950')).toBe('16');
  });
});

describe('INCRBYFLOAT without BigInt gives the BigInt reference results', () => {
  it('for 2,000 random pairs of every shape, errors included', () => {
    const rand = seededRandom(0x1d0b1e);
    const mismatches: string[] = [];
    for (let i = 0; i < 2_000 && mismatches.length < 10; i++) {
      const a = randomFloat(rand);
      const b = randomFloat(rand);
      const got = incrByFloat(a, b);
      const want = incrByFloatReference(a, b);
      if (got !== want) mismatches.push(`${a} + ${b}: ${String(got)} instead of ${String(want)}`);
      const t = parseLongDouble(b);
      const tw = parseLongDoubleReference(b);
      if (!Object.is(t, tw) && !(Number.isNaN(t) && Number.isNaN(tw))) mismatches.push(`timeout ${b}: ${t} instead of ${tw}`);
    }
    expect(mismatches).toEqual([]);
  }, 120_000);

  it('adds and cancels at the edges: huge and tiny exponents, signs, the largest and smallest values', () => {
    const values = ['0', '-0', '1', '-1', '0.1', '-0.1', '10.5', '1e308', '-1e308', '1e4932', '-1e4932', '1.18973149535723176502e4932', '1e-4950', '-1e-4950', '3.6e-4951', '0x1p-16445', '0x1.fffffffffffffffep16383', '18446744073709551615', '18446744073709551616', '9007199254740993', '1e-17', '5e-18', '0.000000000000000005'];
    for (const a of values) for (const b of values) expect([a, b, incrByFloat(a, b)]).toEqual([a, b, incrByFloatReference(a, b)]);
  });
});
