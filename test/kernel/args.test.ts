import { ArgParser } from '../../kernel/args';
import { Errors } from '../../kernel/errors';
import { ReplyError } from '../../kernel/reply';

const rankZero = new ReplyError('ERR RANK can\'t be zero');
const negative = new ReplyError('ERR COUNT can\'t be negative');
const parser = new ArgParser(
  {
    nx: { type: 'flag' },
    xx: { type: 'flag' },
    count: { type: 'integer', min: 0, notInteger: negative, outOfRange: negative },
    rank: { type: 'integer', refuse: (v) => (v === 0 ? rankZero : undefined) },
    radius: { type: 'double', min: 0, outOfRange: new ReplyError('ERR radius cannot be negative') },
    match: { type: 'string' },
    fromlonlat: { type: 'strings', count: 2 },
    keys: { type: 'rest' },
  },
  { exclusive: [{ of: ['nx', 'xx'], error: new ReplyError('ERR XX and NX options at the same time are not compatible') }] },
);

function error(argv: string[], from = 0): string {
  try {
    parser.parse(argv, from);
  } catch (e) {
    return (e as ReplyError).message;
  }
  throw new Error(`no error for ${argv.join(' ')}`);
}

describe('ArgParser', () => {
  test('reads every kind of option in any order and case; absent ones are false or undefined', () => {
    const o = parser.parse(['cmd', 'key', 'MaTcH', 'a*', 'COUNT', '3', 'nx', 'RADIUS', '1.5', 'FROMLONLAT', '1', '2', 'KEYS', 'a', 'b'], 2);
    expect(o).toEqual({ nx: true, xx: false, count: 3, rank: undefined, radius: 1.5, match: 'a*', fromlonlat: ['1', '2'], keys: ['a', 'b'] });
    expect(parser.parse(['COUNT', '1', 'count', '2'], 0).count).toBe(2);
    expect(parser.parse(['RANK', '-9007199254740993'], 0).rank).toBe(-9007199254740992);
  });

  test('nothing to read returns the same frozen defaults, with no allocation', () => {
    const a = parser.parse(['cmd'], 1);
    expect(a).toBe(parser.parse(['x', 'y'], 2));
    expect(Object.isFrozen(a)).toBe(true);
    expect(a.nx).toBe(false);
    expect(a.count).toBeUndefined();
  });

  test('answers the declared errors, in the order Redis reads the words', () => {
    expect(error(['BOGUS'])).toBe(Errors.syntax.message);
    expect(error(['COUNT'])).toBe(Errors.syntax.message);
    expect(error(['FROMLONLAT', '1'])).toBe(Errors.syntax.message);
    expect(error(['COUNT', 'x'])).toBe(negative.message);
    expect(error(['COUNT', '-1'])).toBe(negative.message);
    expect(error(['RANK', 'x'])).toBe(Errors.notInteger.message);
    expect(error(['RANK', '99999999999999999999'])).toBe(Errors.notInteger.message);
    expect(error(['RANK', '0', 'COUNT', '-1'])).toBe(rankZero.message);
    expect(error(['COUNT', '-1', 'RANK', '0'])).toBe(negative.message);
    expect(error(['RADIUS', 'nan'])).toBe(Errors.notFloat.message);
    expect(error(['RADIUS', '-1'])).toBe('ERR radius cannot be negative');
    expect(error(['XX', 'COUNT', '1', 'NX'])).toBe('ERR XX and NX options at the same time are not compatible');
    // The exclusion is checked once the line is read: a later bad word wins over it.
    expect(error(['XX', 'NX', 'BOGUS'])).toBe(Errors.syntax.message);
  });

  test('an unknown word can answer its own error', () => {
    const p = new ArgParser({ gt: { type: 'flag' } }, { unknown: (w) => new ReplyError(`ERR Unsupported option ${w}`) });
    expect(() => p.parse(['gt', 'Bogus\x00'], 0)).toThrow('ERR Unsupported option Bogus\x00');
  });
});
