import { useCompat } from '../helpers/compat';

const evalAll = (...scripts: string[]): string[][] => scripts.map((s) => ['EVAL', s, '0']);

// Renders a binary string as hex, so replies stay readable and byte-exact.
const HEX = "local function hex(s) return (s:gsub('.', function(c) return string.format('%02x', c:byte()) end)) end ";
const UNHEX = "local function unhex(h) return (h:gsub('..', function(x) return string.char(tonumber(x, 16)) end)) end ";

describe('compat: Lua libraries (cjson, cmsgpack, bit, struct)', () => {
  const h = useCompat();

  it('cjson.encode: values, number formatting and escaping', async () => {
    await h.same(
      ...evalAll(
        'return cjson.encode({1,2,3})',
        'return cjson.encode({})',
        'return cjson.encode(3)',
        'return cjson.encode(1.5)',
        'return cjson.encode(1e20)',
        'return cjson.encode(1/3)',
        'return cjson.encode(-0.0)',
        'return cjson.encode(123456789012345)',
        'return cjson.encode(12345678901234.5)',
        'return cjson.encode(1e-7)',
        'return cjson.encode(2^53)',
        'return cjson.encode(5e-324)',
        'return cjson.encode(true)',
        'return cjson.encode(nil)',
        'return cjson.encode(cjson.null)',
        "return cjson.encode({a={b={c={1,'x'}}}})",
        'return cjson.encode({[1]=1,[3]=3})',
        'return cjson.encode({[10]=1})',
        'return cjson.encode({[1.5]=1})',
        'return cjson.encode({n=cjson.null})',
        "return cjson.encode('a/b\"c\\\\d\\1\\127\\128\\255\\n\\t\\r\\b\\f')",
        'return cjson.encode(string.char(0,31,32,126,127))',
      ),
    );
  });

  it('cjson.encode errors', async () => {
    await h.same(
      ...evalAll(
        'return cjson.encode({[20]=1})',
        'return cjson.encode({[true]=1})',
        'return cjson.encode(function() end)',
        'return cjson.encode(math.huge)',
        'return cjson.encode(0/0)',
        'return cjson.encode()',
        'return cjson.encode(1, 2)',
        'local t = {} t[1] = t return cjson.encode(t)',
      ),
    );
  });

  it('cjson.decode: values, numbers and unicode', async () => {
    await h.same(
      ...evalAll(
        "return cjson.decode('[1,2,3]')",
        "return cjson.decode('{\"a\":[1,{\"b\":\"c\"}]}').a[2].b",
        "return cjson.decode('\"x\"')",
        "return cjson.decode('3.99')",
        "return cjson.decode('-2.5e3')",
        "return cjson.decode('0x10')",
        "return cjson.decode('true')",
        "return cjson.decode('false')",
        "return tostring(cjson.decode('null') == cjson.null)",
        `${HEX} return hex(cjson.decode('"\\\\u00e9\\\\ud83d\\\\ude00\\\\/\\\\b\\\\u0000"'))`,
        "return cjson.decode('[1,2]\\0 trailing')",
        "return cjson.decode(12)",
      ),
    );
  });

  it('cjson.decode errors', async () => {
    await h.same(
      ...evalAll(
        "return cjson.decode('')",
        "return cjson.decode('[1,2')",
        "return cjson.decode('[1,]')",
        "return cjson.decode('{\"a\" 1}')",
        "return cjson.decode('{1:2}')",
        "return cjson.decode('\"abc')",
        "return cjson.decode('\"\\\\x\"')",
        "return cjson.decode('\"\\\\ud800\"')",
        "return cjson.decode('[1] x')",
        "return cjson.decode('1e')",
        "return cjson.decode('-')",
        "return cjson.decode('\\0[1]')",
        "return cjson.decode(string.rep('[', 1001) .. string.rep(']', 1001))",
        'return cjson.decode()',
        'return cjson.decode({})',
      ),
    );
  });

  it('cjson round trips and configuration', async () => {
    await h.same(
      ...evalAll(
        "return cjson.encode(cjson.decode(cjson.encode({a={1,2,{b='c/d'}}})))",
        "return cjson.encode(cjson.decode('[1.5,-2e-3,1e100,\"\\\\u20ac\",null,true]'))",
        "return cjson.encode(cjson.decode('[[[[[[[[[[]]]]]]]]]]'))",
        'return {cjson._NAME, cjson._VERSION, type(cjson.null), type(cjson.new)}',
        'local c = cjson.new() c.encode_max_depth(1) return {cjson.encode_max_depth(), c.encode_max_depth()}',
        'local c = cjson.new() c.encode_number_precision(3) return c.encode(math.pi)',
        'local c = cjson.new() c.encode_sparse_array(true) return c.encode({[20]=1})',
        "local c = cjson.new() c.encode_invalid_numbers('null') return c.encode({0/0, math.huge})",
        "local c = cjson.new() return {c.encode_invalid_numbers('null'), c.encode_keep_buffer(), c.decode_max_depth(5)}",
        'local c = cjson.new() return c.encode_max_depth(0)',
        'local c = cjson.new() return c.encode_number_precision(15)',
        "local c = cjson.new() return c.encode_sparse_array('x')",
        'local c = cjson.new() return c.encode_sparse_array(true, 1, 2, 3)',
      ),
    );
  });

  it('cmsgpack.pack encodings', async () => {
    const values = [
      '0', '127', '128', '65535', '65536', '4294967296', '-1', '-32', '-33', '-32769', '-2147483649',
      '1.5', '0.1', '-0.0', '1e20', '2^63', 'math.huge', '0/0', 'true', 'false', 'nil', "'abc'",
      "string.rep('a', 32)", "string.rep('a', 256)", '{}', '{1,2}', "{a=1}", '{[2]=1}', '{{{}}}',
      'function() end', 'cjson.null', "1, 'two', {3}",
      // 64-bit integers, packed and read back with plain number arithmetic.
      '2^53', '-2^53', '2^53 + 2', '2^62 + 2^40', '-(2^62) - 2^33', '-2^63', '2^63 - 1024', '-2147483648', '4294967295', '-128', '-129',
    ];
    await h.same(...evalAll(...values.map((v) => `${HEX} return hex(cmsgpack.pack(${v}))`)));
    const roundTrip = "local t = {} for _, x in ipairs({2^53, -2^53, 2^62 + 2^40, -(2^62) - 2^33, -2^63, 2^63 - 1024, 4294967295, -2147483649}) do t[#t + 1] = string.format('%.17g', cmsgpack.unpack(cmsgpack.pack(x))) end return t";
    await h.same(['EVAL', roundTrip, '0'], ['EVAL', `${UNHEX} return {cmsgpack.unpack(unhex('cfffffffffffffffff'))}`, '0'], ['EVAL', `${UNHEX} return {cmsgpack.unpack(unhex('cf8000000000000001'))}`, '0']);
  });

  it('cmsgpack.unpack, unpack_one, unpack_limit and errors', async () => {
    await h.same(
      ...evalAll(
        "return {cmsgpack.unpack(cmsgpack.pack(1, 'a', {2, 3}))}",
        "return cmsgpack.unpack(cmsgpack.pack({1, {2, {x='y'}}})) [2][2].x",
        "return {cmsgpack.unpack_one(cmsgpack.pack(1, 2, 'a'))}",
        "return {cmsgpack.unpack_one(cmsgpack.pack(1, 2, 'a'), 2)}",
        "return {cmsgpack.unpack_limit(cmsgpack.pack(1, 2, 'a'), 2)}",
        "return {cmsgpack.unpack_limit(cmsgpack.pack(1, 2, 'a'), 2, 1)}",
        "return {cmsgpack.unpack_one(cmsgpack.pack(1, 2, 'a'), 5)}",
        "return {cmsgpack.unpack_one(cmsgpack.pack(1, 2, 'a'), -1)}",
        "return {cmsgpack.unpack_limit(cmsgpack.pack(1, 2, 'a'))}",
        "return {cmsgpack.unpack('')}",
        `${UNHEX} return {cmsgpack.unpack(unhex('cfffffffffffffffff'))}`,
        `${UNHEX} return {cmsgpack.unpack(unhex('ceffffffff'), 0)}`,
        `${UNHEX} return tostring(cmsgpack.unpack(unhex('ca3fc00000')))`,
        `${UNHEX} return {cmsgpack.unpack(unhex('c1'))}`,
        `${UNHEX} return {cmsgpack.unpack(unhex('9201'))}`,
        `${UNHEX} return cmsgpack.unpack(unhex('81c00203'))`,
        'return cmsgpack.pack()',
        'return cmsgpack.unpack()',
        "local s = string.rep(string.char(1), 8000) return #{cmsgpack.unpack(s)}",
        'return {cmsgpack._NAME, cmsgpack._VERSION, cmsgpack._COPYRIGHT, cmsgpack._DESCRIPTION}',
      ),
    );
  });

  it('bit operations', async () => {
    await h.same(
      ...evalAll(
        'return bit.tobit(0xffffffff)',
        'return bit.tobit(2^32 + 5)',
        'return {bit.tobit(1.5), bit.tobit(2.5), bit.tobit(-1.5)}',
        'return bit.tobit(1e300)',
        "return bit.tobit('0x10')",
        'return bit.bnot(0)',
        'return bit.band(0xff, 0x0f, 0x3)',
        'return bit.bor(1, 2, 4, 8)',
        'return bit.bxor(5, 3)',
        'return {bit.lshift(1, 31), bit.lshift(1, 33), bit.rshift(-1, 28), bit.arshift(-256, 4)}',
        'return {bit.rol(0x12345678, 4), bit.ror(0x12345678, 4), bit.bswap(0x12345678)}',
        'return {bit.tohex(255), bit.tohex(-1), bit.tohex(255, 2), bit.tohex(255, -4), bit.tohex(1, 12)}',
        "return bit.tobit('abc')",
        'return bit.band()',
        'return bit.lshift(1)',
        'return bit.band(1, nil, 3)',
      ),
    );
  });

  it('struct pack, unpack and size', async () => {
    await h.same(
      ...evalAll(
        `${HEX} return hex(struct.pack('>I', 1))`,
        `${HEX} return hex(struct.pack('<i h b B', -2, -3, -4, 255))`,
        `${HEX} return hex(struct.pack('>l L T', -1, 2^40, 7))`,
        `${HEX} return hex(struct.pack('>i3 I9 i16', -1, -2, -1))`,
        `${HEX} return hex(struct.pack('>i8', 2^63))`,
        `${HEX} return hex(struct.pack('>f <d', 1.5, 0.1))`,
        `${HEX} return hex(struct.pack('c2 c0 s x', 'abc', 'de', 'f'))`,
        `${HEX} return hex(struct.pack('!4 b i !8 b d', 1, 2, 3, 4))`,
        "return {struct.unpack('>I2 s b c3', struct.pack('>I2 s b c3', 513, 'hi', -3, 'xyz'))}",
        "return {struct.unpack('b c0', '\\3abcd')}",
        `${UNHEX} return {struct.unpack('>L', unhex('ffffffffffffffff'))}`,
        `${UNHEX} return {struct.unpack('>i9', unhex('008000000000000001'))}`,
        // 64-bit words without BigInt: packing negative, huge, NaN and out-of-range numbers, and unpacking them signed and unsigned.
        `${HEX} return hex(struct.pack('>l <l >L >i8 >I8 >i4', -2^62 - 3, 2^63 + 2^40, 2^64, -2^63, 0/0, -2^31))`,
        `${HEX} return hex(struct.pack('>l >l >L >i12 >I16', -(2^64), 2^63 - 1024, -1, -5, 2^53 + 2))`,
        `${UNHEX} local t = {struct.unpack('>l <L >i3 >i5 >I7 >i16 >I12', unhex('8000000000000001' .. 'ffffffffffffff7f' .. '800001' .. 'ff00000001' .. 'ffffffffffffff' .. '000000000000000000000000000000f0' .. '0000000180000000000000ff'))} for i = 1, #t do t[i] = string.format('%.17g', t[i]) end return t`,
        "return {struct.unpack('>i', struct.pack('>i >i', 1, 2), 5)}",
        "return tostring(struct.unpack('>d', struct.pack('>d', 2.5)))",
        "return {struct.size('>i'), struct.size('!8 b d'), struct.size('bhilT'), struct.size('c5 x f')}",
        "return struct.pack('c5', 'abc')",
        "return struct.pack('q', 1)",
        "return struct.pack('b')",
        "return struct.pack('i33', 1)",
        "return struct.pack('!3 b', 1)",
        "return struct.unpack('>i', 'abc')",
        "return struct.unpack('>i', 'abcd', 0)",
        "return struct.unpack('c0', 'abc')",
        "return struct.unpack('s', 'abc')",
        "return struct.size('s')",
        "return struct.size('c0')",
      ),
    );
  });

  it('number formatting at ties and across magnitudes: tostring (%.14g), string.format, cjson, as Redis prints them', async () => {
    const values = ['12345678901234.5', '12345678901235.5', '0.5', '2.5', '1.25', '0.125', '1e-5', '1234567.8901234567', '0.1', '1e21', '1e-21', '1e99', '1e101',
      '123456789012345678', '0.30000000000000004', '5e-324', '1.7976931348623157e308', '4503599627370495.5', '1000000000000000.25', '-2.675', '1e15', '1e16'];
    const script =
      "local t = {} for _, v in ipairs(ARGV) do local x = tonumber(v) t[#t + 1] = tostring(x) .. ' ' .. string.format('%.3f %g %.17g %e %.0f', x, x, x, x, x) .. ' ' .. cjson.encode(x) end return t";
    const ints = "local t = {} for _, v in ipairs(ARGV) do local x = tonumber(v) t[#t + 1] = string.format('%d|%5.3d|%-6d|%+d|%x|%#X|%#o|%u|%.0d', x, x, x, x, x, x, x, x, x) end return t";
    const fixed = "local t = {} for _, v in ipairs(ARGV) do local x = tonumber(v) t[#t + 1] = string.format('%.2f|%.0f|%.1f|%10.3f|%-8.1f|%.5f|%f', x, x, x, x, x, x, x) end return t";
    const fixedValues = ['0.125', '0.375', '2.5', '3.5', '-2.5', '0.005', '1.005', '1e-5', '123.456', '-0.0001', '1e20', '1e22', '0', '9007199254740993', '0.1', '2.675', '1e-30'];
    await h.same(['EVAL', fixed, '0', ...fixedValues]);
    await h.same(['EVAL', script, '0', ...values], ['EVAL', ints, '0', '0', '-1', '255', '-255', '3.99', '-3.99', '9007199254740993', '-9223372036854775808', '1e300', '-1e300', '9223372036854775807', '18446744073709551615', '1e19', '-9223372036854777856', '4294967296']);
  });
});
