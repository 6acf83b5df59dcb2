import { parseScanCursor, parseScanOptions } from '../../kernel/util/scan-args';

describe('SCAN argument parsing (scanGenericCommand)', () => {
  it('parses cursors like strtoul', () => {
    expect(parseScanCursor('')).toBe(0);
    expect(parseScanCursor('+7')).toBe(7);
    expect(parseScanCursor('-1')).toBe(18446744073709551615);
    expect(() => parseScanCursor('1x')).toThrow('ERR invalid cursor');
    expect(() => parseScanCursor(' 1')).toThrow('ERR invalid cursor');
    expect(() => parseScanCursor('18446744073709551616')).toThrow('ERR invalid cursor');
    expect(() => parseScanCursor('-18446744073709551616')).toThrow('ERR invalid cursor');
    expect(() => parseScanCursor('99999999999999999999999')).toThrow('ERR invalid cursor');
    // Wrapped without BigInt: exact where the result is small.
    expect(parseScanCursor('-18446744073709551615')).toBe(1);
    expect(parseScanCursor('-18446744073709551605')).toBe(11);
    expect(parseScanCursor('18446744073709551615')).toBe(18446744073709551615);
    expect(parseScanCursor('0000000000000000000000042')).toBe(42);
    expect(parseScanCursor('-0')).toBe(0);
    expect(parseScanCursor('-000')).toBe(0);
    expect(parseScanCursor('9007199254740993')).toBe(9007199254740992);
  });

  it('parses COUNT, MATCH and TYPE with Redis errors', () => {
    expect(parseScanOptions(['SCAN', '0'], 2, true)).toEqual({ count: 10, pattern: null, type: null });
    expect(parseScanOptions(['SCAN', '0', 'MATCH', 'a*', 'count', '5', 'TYPE', 'List'], 2, true)).toEqual({ count: 5, pattern: 'a*', type: 'list' });
    expect(parseScanOptions(['HSCAN', 'k', '0', 'MATCH', '*'], 3, false).pattern).toBeNull();
    expect(() => parseScanOptions(['HSCAN', 'k', '0', 'TYPE', 'x'], 3, false)).toThrow('ERR syntax error');
    expect(() => parseScanOptions(['SCAN', '0', 'COUNT', '0'], 2, true)).toThrow('ERR syntax error');
    expect(() => parseScanOptions(['SCAN', '0', 'COUNT', 'x'], 2, true)).toThrow('ERR value is not an integer or out of range');
    expect(() => parseScanOptions(['SCAN', '0', 'COUNT'], 2, true)).toThrow('ERR syntax error');
  });
});
