import { useCompat } from '../helpers/compat';
import { firstDifferences, pipelined, seeded } from '../helpers/pipeline';

const BIN = '\x00\xff\x0f\xf0\r\n\x80\x01';

describe('bitmaps vs redis-server 7.0', () => {
  const h = useCompat();

  it('SETBIT / GETBIT: growth, returns, huge and bad offsets, bad bits, wrong type', async () => {
    await h.same(
      ['SETBIT', 'b', '7', '1'],
      ['GET', 'b'],
      ['SETBIT', 'b', '7', '1'],
      ['SETBIT', 'b', '7', '0'],
      ['SETBIT', 'b', '100', '1'],
      ['STRLEN', 'b'],
      ['GET', 'b'],
      ['GETBIT', 'b', '100'],
      ['GETBIT', 'b', '99'],
      ['GETBIT', 'b', '1000000'],
      ['GETBIT', 'missing', '0'],
      ['SETBIT', 'b', '-1', '1'],
      ['SETBIT', 'b', 'x', '1'],
      ['SETBIT', 'b', '4294967296', '1'],
      ['SETBIT', 'b', '9223372036854775807', '1'],
      ['SETBIT', 'b', '0', '2'],
      ['SETBIT', 'b', '0', '-1'],
      ['SETBIT', 'b', '0', 'x'],
      ['SETBIT', 'b', '0', ''],
      ['GETBIT', 'b', '-1'],
      ['GETBIT', 'b', '4294967296'],
      ['GETBIT', 'b', '4294967295'],
      ['SET', 'bin', BIN],
      ['SETBIT', 'bin', '8', '0'],
      ['SETBIT', 'bin', '63', '0'],
      ['GET', 'bin'],
      ['GETBIT', 'bin', '9'],
      ['SET', 'n', '12'],
      ['SETBIT', 'n', '7', '0'],
      ['GET', 'n'],
      ['SET', 't', 'x', 'EX', '100'],
      ['SETBIT', 't', '1', '0'],
      ['TTL', 't'],
      ['RPUSH', 'l', 'x'],
      ['SETBIT', 'l', '0', '1'],
      ['GETBIT', 'l', '0'],
      ['GETBIT', 'l', 'x'],
      ['SETBIT', 'b', '1'],
      ['GETBIT', 'b'],
    );
  });

  it('SETBIT near the proto-max-bulk-len limit', async () => {
    await h.same(
      ['CONFIG', 'SET', 'proto-max-bulk-len', '1mb'],
      ['SETBIT', 'k', String(8 * 1024 * 1024), '1'],
      ['SETBIT', 'k', String(8 * 1024 * 1024 - 1), '1'],
      ['BITFIELD', 'k', 'GET', 'u8', '#1048576'],
      ['STRLEN', 'k'],
      ['CONFIG', 'SET', 'proto-max-bulk-len', '512mb'],
    );
  });

  it('BITCOUNT: byte and bit ranges, negative indexes, errors', async () => {
    const cmds: string[][] = [['SET', 'k', 'foobar'], ['SET', 'bin', BIN], ['SET', 'e', '']];
    const ranges = [
      ['0', '0'], ['1', '1'], ['0', '-1'], ['-2', '-1'], ['-1', '-2'], ['5', '2'], ['-100', '100'], ['100', '200'],
      ['-9223372036854775808', '9223372036854775807'], ['1', '-100'],
    ];
    for (const key of ['k', 'bin', 'e']) {
      cmds.push(['BITCOUNT', key]);
      for (const [s, e] of ranges) {
        cmds.push(['BITCOUNT', key, s, e], ['BITCOUNT', key, s, e, 'BYTE'], ['BITCOUNT', key, s, e, 'bit']);
      }
      cmds.push(['BITCOUNT', key, '5', '30', 'BIT'], ['BITCOUNT', key, '3', '3', 'BIT'], ['BITCOUNT', key, '9', '14', 'BIT']);
    }
    cmds.push(
      ['BITCOUNT', 'k', '0'],
      ['BITCOUNT', 'k', '0', '1', 'BITS'],
      ['BITCOUNT', 'k', '0', '1', 'BIT', 'x'],
      ['BITCOUNT', 'k', 'a', '1'],
      ['BITCOUNT', 'k', '1', 'a'],
      ['BITCOUNT', 'k', '1', '1', 'bit\x00x'],
      ['BITCOUNT', 'missing'],
      ['BITCOUNT', 'missing', '0'],
      ['BITCOUNT', 'missing', 'a', 'b', 'c'],
      ['SET', 'n', '-123456789'],
      ['BITCOUNT', 'n', '1', '3'],
      ['RPUSH', 'l', 'x'],
      ['BITCOUNT', 'l'],
      ['BITCOUNT', 'l', '0'],
      ['BITCOUNT'],
    );
    await h.same(...cmds);
  });

  it('BITPOS: set and clear bits, ranges, the zero-padding rule, errors', async () => {
    const cmds: string[][] = [
      ['SET', 'ones', '\xff\xff\xff'],
      ['SET', 'zeros', '\x00\x00\x00'],
      ['SET', 'mix', '\x00\xff\xf0\x00\x01'],
      ['SET', 'e', ''],
    ];
    const args = [
      [], ['0'], ['1'], ['-1'], ['2'], ['100'], ['0', '-1'], ['1', '1'], ['2', '1'], ['-2', '-1'], ['0', '100'],
      ['0', '-1', 'BYTE'], ['0', '-1', 'BIT'], ['3', '5', 'BIT'], ['7', '15', 'bit'], ['12', '12', 'BIT'],
      ['9', '20', 'BIT'], ['-5', '-1', 'BIT'], ['8', '7', 'BIT'], ['1', '100', 'BIT'], ['20', '23', 'BIT'],
      ['-100', '-50', 'BIT'], ['10'], ['10', '-1', 'BIT'],
    ];
    for (const key of ['ones', 'zeros', 'mix', 'e', 'missing']) {
      for (const bit of ['0', '1']) for (const a of args) cmds.push(['BITPOS', key, bit, ...a]);
    }
    cmds.push(
      ['BITPOS', 'mix', '2'],
      ['BITPOS', 'mix', '-1'],
      ['BITPOS', 'mix', 'x'],
      ['BITPOS', 'missing', '2'],
      ['BITPOS', 'missing', '1', 'x'],
      ['BITPOS', 'missing', '0', '1', '2', 'BIT', 'extra'],
      ['BITPOS', 'mix', '1', 'x'],
      ['BITPOS', 'mix', '1', '0', 'x'],
      ['BITPOS', 'mix', '1', '0', '1', 'BITS'],
      ['BITPOS', 'mix', '1', 'x', '1', 'BITS'],
      ['BITPOS', 'mix', '1', '0', '1', 'BIT', 'extra'],
      ['RPUSH', 'l', 'x'],
      ['BITPOS', 'l', '1'],
      ['BITPOS', 'l', '3'],
      ['BITPOS', 'l'],
    );
    await h.same(...cmds);
  });

  it('BITOP AND/OR/XOR/NOT: different lengths, missing keys, destination handling, errors', async () => {
    await h.same(
      ['SET', 'a', 'foobar'],
      ['SET', 'b', 'abc'],
      ['SET', 'c', BIN],
      ['BITOP', 'AND', 'd', 'a', 'b'],
      ['GET', 'd'],
      ['BITOP', 'or', 'd', 'a', 'b', 'c'],
      ['GET', 'd'],
      ['BITOP', 'Xor', 'd', 'a', 'b', 'c'],
      ['GET', 'd'],
      ['BITOP', 'NOT', 'd', 'c'],
      ['GET', 'd'],
      ['BITOP', 'AND', 'd', 'a', 'missing'],
      ['GET', 'd'],
      ['BITOP', 'OR', 'd', 'a'],
      ['GET', 'd'],
      ['BITOP', 'NOT', 'd', 'missing'],
      ['EXISTS', 'd'],
      ['SET', 'd', 'x', 'EX', '100'],
      ['BITOP', 'OR', 'd', 'a'],
      ['TTL', 'd'],
      ['SET', 'e', ''],
      ['BITOP', 'OR', 'd', 'e', 'missing'],
      ['EXISTS', 'd'],
      ['BITOP', 'AND', 'a', 'a', 'a'],
      ['GET', 'a'],
      ['BITOP', 'NOT', 'd', 'a', 'b'],
      ['BITOP', 'NAND', 'd', 'a'],
      ['BITOP', 'and\x00x', 'd', 'a'],
      ['RPUSH', 'l', 'x'],
      ['BITOP', 'OR', 'd', 'a', 'l'],
      ['BITOP', 'OR', 'l', 'a'],
      ['TYPE', 'l'],
      ['BITOP', 'OR', 'd'],
      ['BITOP', 'NOT', 'd'],
    );
  });

  it('BITFIELD GET/SET/INCRBY, widths, #offsets and overflow modes', async () => {
    await h.same(
      ['BITFIELD', 'k', 'SET', 'u8', '0', '255', 'GET', 'u8', '0', 'GET', 'i8', '0', 'GET', 'u4', '4', 'GET', 'i4', '#1'],
      ['GET', 'k'],
      ['BITFIELD', 'k', 'INCRBY', 'u8', '0', '1', 'INCRBY', 'i8', '8', '-129', 'GET', 'i8', '8'],
      [
        'BITFIELD', 'k',
        'OVERFLOW', 'SAT',
        'INCRBY', 'u8', '0', '300',
        'INCRBY', 'u8', '0', '-300',
        'INCRBY', 'i8', '8', '200',
        'INCRBY', 'i8', '8', '-500',
      ],
      [
        'BITFIELD', 'k',
        'OVERFLOW', 'FAIL',
        'INCRBY', 'u8', '0', '300',
        'SET', 'u8', '0', '256',
        'SET', 'i8', '0', '-129',
        'OVERFLOW', 'wrap',
        'SET', 'u8', '0', '257',
      ],
      [
        'BITFIELD', 'k',
        'SET', 'i64', '0', '-9223372036854775808',
        'GET', 'i64', '0',
        'GET', 'u63', '0',
        'GET', 'u63', '1',
        'GET', 'i64', '1',
      ],
      [
        'BITFIELD', 'k',
        'INCRBY', 'i64', '0', '-1',
        'OVERFLOW', 'SAT',
        'INCRBY', 'i64', '0', '-1',
        'SET', 'i64', '0', '9223372036854775807',
        'INCRBY', 'i64', '0', '1',
        'OVERFLOW', 'FAIL',
        'INCRBY', 'i64', '0', '1',
      ],
      [
        'BITFIELD', 'k',
        'SET', 'u63', '0', '-1',
        'OVERFLOW', 'SAT',
        'SET', 'u63', '0', '-1',
        'SET', 'u1', '0', '-5',
        'SET', 'u3', '3', '9',
      ],
      [
        'BITFIELD', 'k',
        'SET', 'i8', '#3', '-9223372036854775808',
        'OVERFLOW', 'SAT',
        'SET', 'i8', '#4', '-9223372036854775808',
        'SET', 'i8', '#5', '9223372036854775807',
        'SET', 'i16', '#3', '-32769',
      ],
      [
        'BITFIELD', 'k',
        'OVERFLOW', 'WRAP',
        'INCRBY', 'i5', '3', '100',
        'INCRBY', 'u5', '3', '100',
        'INCRBY', 'u2', '100', '-1',
        'INCRBY', 'i1', '7', '1',
        'GET', 'i1', '7',
      ],
      [
        'BITFIELD', 'k',
        'INCRBY', 'i64', '5', '9223372036854775807',
        'INCRBY', 'i64', '5', '-9223372036854775808',
        'OVERFLOW', 'SAT',
        'INCRBY', 'i64', '5', '-9223372036854775808',
        'INCRBY', 'i64', '5', '9223372036854775807',
      ],
      ['GET', 'k'],
      ['STRLEN', 'k'],
      ['BITFIELD', 'k', 'GET', 'u8', '1000', 'GET', 'i32', '#1000', 'GET', 'u63', '4294967233'],
      ['BITFIELD', 'new', 'OVERFLOW', 'FAIL', 'INCRBY', 'u8', '100', '300'],
      ['GET', 'new'],
      ['BITFIELD', 'new2', 'SET', 'u8', '#2', '65', 'GET', 'u16', '#0'],
      ['GET', 'new2'],
      ['BITFIELD', 'missing', 'GET', 'u8', '0', 'GET', 'i64', '100'],
      ['EXISTS', 'missing'],
      ['BITFIELD', 'missing'],
      ['BITFIELD', 'k', 'get', 'u8', '0', 'overflow', 'sat', 'incrby', 'u8', '0', '1', 'set', 'i8', '0', '1'],
      ['SET', 't', 'abc', 'EX', '100'],
      ['BITFIELD', 't', 'SET', 'u8', '0', '65'],
      ['TTL', 't'],
      ['GET', 't'],
    );
  });

  it('BITFIELD errors and BITFIELD_RO', async () => {
    await h.same(
      ['SET', 'k', 'abc'],
      ['BITFIELD', 'k', 'GET', 'u64', '0'],
      ['BITFIELD', 'k', 'GET', 'i65', '0'],
      ['BITFIELD', 'k', 'GET', 'u0', '0'],
      ['BITFIELD', 'k', 'GET', 'i0', '0'],
      ['BITFIELD', 'k', 'GET', 'x8', '0'],
      ['BITFIELD', 'k', 'GET', '', '0'],
      ['BITFIELD', 'k', 'GET', 'u', '0'],
      ['BITFIELD', 'k', 'GET', 'u8\x00x', '0'],
      ['BITFIELD', 'k', 'GET', 'U8', '0'],
      ['BITFIELD', 'k', 'GET', 'u-1', '0'],
      ['BITFIELD', 'k', 'GET', 'u8', '-1'],
      ['BITFIELD', 'k', 'GET', 'u8', 'x'],
      ['BITFIELD', 'k', 'GET', 'u8', '#'],
      ['BITFIELD', 'k', 'GET', 'u8', '#-1'],
      ['BITFIELD', 'k', 'GET', 'u8', '#x'],
      ['BITFIELD', 'k', 'GET', 'u8', '4294967296'],
      ['BITFIELD', 'k', 'GET', 'u8', '4294967295'],
      ['BITFIELD', 'k', 'GET', 'u8', '#536870912'],
      ['BITFIELD', 'k', 'GET', 'u8', '#536870911'],
      ['BITFIELD', 'k', 'GET', 'i64', '#144115188075855872'],
      ['BITFIELD', 'k', 'GET', 'i64', '#288230376151711744'],
      ['BITFIELD', 'k', 'GET', 'u8'],
      ['BITFIELD', 'k', 'SET', 'u8', '0'],
      ['BITFIELD', 'k', 'INCRBY', 'u8', '0'],
      ['BITFIELD', 'k', 'SET', 'u8', '0', 'x'],
      ['BITFIELD', 'k', 'SET', 'u8', '0', '9223372036854775808'],
      ['BITFIELD', 'k', 'INCRBY', 'u8', '0', '1.5'],
      ['BITFIELD', 'k', 'OVERFLOW'],
      ['BITFIELD', 'k', 'OVERFLOW', 'x', 'GET', 'u8', '0'],
      ['BITFIELD', 'k', 'FOO', 'u8', '0'],
      ['BITFIELD', 'k', 'SET', 'u8', '0', '1', 'GET', 'u8', 'x'],
      ['GET', 'k'],
      ['BITFIELD_RO', 'k', 'GET', 'u8', '0', 'GET', 'i4', '#2'],
      ['BITFIELD_RO', 'k', 'GET', 'u8', '0', 'SET', 'u8', '0', '1'],
      ['BITFIELD_RO', 'k', 'INCRBY', 'u8', '0', '1'],
      ['BITFIELD_RO', 'k', 'OVERFLOW', 'SAT'],
      ['BITFIELD_RO', 'k', 'OVERFLOW', 'bad'],
      ['BITFIELD_RO', 'missing', 'GET', 'u8', '0'],
      ['BITFIELD_RO', 'k'],
      ['RPUSH', 'l', 'x'],
      ['BITFIELD', 'l', 'GET', 'u8', '0'],
      ['BITFIELD', 'l', 'SET', 'u8', '0', '1'],
      ['BITFIELD', 'l', 'GET', 'u99', '0'],
      ['BITFIELD_RO', 'l', 'SET', 'u8', '0', '1'],
      ['BITFIELD_RO', 'l', 'GET', 'u8', '0'],
      ['BITFIELD'],
      ['BITFIELD_RO'],
    );
  });

  it('BITFIELD over RESP3 and in MULTI', async () => {
    await h.same3(
      ['BITFIELD', 'k', 'OVERFLOW', 'FAIL', 'SET', 'u8', '0', '1000', 'SET', 'i64', '8', '-1', 'GET', 'u63', '8'],
      ['MULTI'],
      ['SETBIT', 'k', '3', '1'],
      ['BITCOUNT', 'k'],
      ['BITPOS', 'k', '1'],
      ['BITOP', 'NOT', 'k2', 'k'],
      ['EXEC'],
      ['GET', 'k2'],
    );
  });

  it('SETBIT and BITFIELD count a change (rdb_changes_since_last_save) only for a write that changed something', async () => {
    const writes = [
      'SETBIT k 5 1', 'SETBIT k 5 1', 'SETBIT k 5 0', 'SETBIT k 100 0', 'SETBIT k 100 0', 'SETBIT n 3 0',
      'BITFIELD k SET u8 0 0', 'BITFIELD k SET u8 0 0', 'BITFIELD k SET u8 0 255', 'BITFIELD k INCRBY u8 0 0',
      'BITFIELD k GET u8 0', 'BITFIELD k INCRBY u8 0 1', 'BITFIELD k OVERFLOW FAIL INCRBY u8 0 1', 'BITFIELD k SET u8 1000 0',
      'BITFIELD m GET u8 0', 'BITFIELD z SET u8 0 1 SET u8 8 1', 'BITFIELD z SET u8 0 1 SET u8 8 2', 'BITFIELD z SET u8 0 1 SET u8 8 2',
      'BITFIELD z SET u8 64 0 SET u8 0 5', 'BITFIELD z INCRBY u8 0 0 INCRBY u8 8 1', 'BITFIELD z OVERFLOW FAIL INCRBY u8 0 300',
      'BITFIELD z OVERFLOW SAT INCRBY u8 0 300', 'BITFIELD z OVERFLOW SAT INCRBY u8 0 300', 'BITFIELD y OVERFLOW FAIL INCRBY u8 0 300',
      'EXISTS y', 'BITFIELD x GET u8 0 SET u8 0 0', 'BITFIELD_RO z GET u8 0', 'BITFIELD w OVERFLOW FAIL INCRBY i8 0 200 SET i8 8 0',
    ];
    const cmds: string[][] = [['INFO', 'persistence']];
    for (const w of writes) cmds.push(w.split(' '), ['INFO', 'persistence']);
    const { ferrous, redis } = await h.both(cmds);
    // Per command: its reply and how much the dirty counter moved.
    const steps = (replies: string[]): string[] => {
      const dirty = (info: string): number => Number(/rdb_changes_since_last_save:(\d+)/.exec(info)![1]);
      return writes.map((w, i) => `${w} -> ${JSON.stringify(replies[2 * i + 1])} dirty +${dirty(replies[2 * i + 2]) - dirty(replies[2 * i])}`);
    };
    expect(steps(ferrous)).toEqual(steps(redis));
  });

  it('BITFIELD driven hot: 30,000 random GET/SET/INCRBY of every width, offset and overflow mode, replies and bytes as Redis', async () => {
    const rand = seeded(0xb17);
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)];
    const EDGES = ['0', '1', '-1', '127', '128', '-128', '255', '256', '2147483647', '-2147483648', '4294967295', '4294967296',
      '4503599627370495', '4503599627370496', '-4503599627370496', '9007199254740993', '9223372036854775807', '-9223372036854775808',
      '4611686018427387903', '4611686018427387904', '-4611686018427387905', '9223372036854775806', '-9223372036854775807', '8589934591', '-8589934592'];
    const value = (): string => (rand() < 0.5 ? pick(EDGES) : String(Math.floor((rand() - 0.5) * 2 ** (1 + Math.floor(rand() * 40)))));
    const cmds: string[][] = [['FLUSHALL']];
    for (let i = 0; i < 30_000; i++) {
      const args: string[] = ['BITFIELD', `bf${i % 7}`];
      for (let n = 1 + Math.floor(rand() * 3); n > 0; n--) {
        const signed = rand() < 0.5;
        // Half of the fields wider than 32 bits: the exact 64-bit path.
        const bits = rand() < 0.1 ? (signed ? 64 : 63) : rand() < 0.5 ? 33 + Math.floor(rand() * (signed ? 32 : 31)) : 1 + Math.floor(rand() * 32);
        const type = `${signed ? 'i' : 'u'}${bits}`;
        const offset = rand() < 0.2 ? `#${Math.floor(rand() * 20)}` : String(Math.floor(rand() * 200));
        const op = Math.floor(rand() * 4);
        if (op === 0) args.push('GET', type, offset);
        else if (op === 1) args.push('SET', type, offset, value());
        else if (op === 2) args.push('INCRBY', type, offset, value());
        else args.push('OVERFLOW', pick(['WRAP', 'SAT', 'FAIL']));
      }
      cmds.push(args);
      if (i % 1000 === 0) cmds.push(['GET', `bf${i % 7}`]);
    }
    for (let k = 0; k < 7; k++) cmds.push(['GET', `bf${k}`]);
    // Field indexes whose offset wraps in int64 (#n * width), as Redis multiplies them.
    for (const n of ['9223372036854775807', '-9223372036854775808', '144115188075855872', '288230376151711744', '4611686018427387905', '-144115188075855871']) {
      for (const type of ['i64', 'u63', 'i33', 'u8']) cmds.push(['BITFIELD', 'wrap', 'SET', type, `#${n}`, '1'], ['BITFIELD', 'wrap', 'GET', type, `#${n}`]);
    }
    cmds.push(['GET', 'wrap']);
    const redis = await pipelined(h.redisPort(), cmds);
    const ferrous = await pipelined(h.ferrousPort(), cmds);
    expect(firstDifferences(cmds, redis, ferrous)).toEqual([]);
  }, 120_000);
});
