import { useCompat } from '../helpers/compat';

const BIN = 'a\x00b\r\nc\xff';

describe('strings vs redis-server 7.0', () => {
  const h = useCompat();

  it('GET / SET basics, binary keys and values, wrong type and arity', async () => {
    await h.same(
      ['GET', 'missing'],
      ['SET', 'k', 'v'],
      ['GET', 'k'],
      ['SET', BIN, BIN],
      ['GET', BIN],
      ['SET', 'empty', ''],
      ['GET', 'empty'],
      ['STRLEN', 'empty'],
      ['SET', 'k'],
      ['GET'],
      ['GET', 'a', 'b'],
      ['RPUSH', 'list', 'x'],
      ['GET', 'list'],
      ['SET', 'list', 'now-a-string'],
      ['GET', 'list'],
    );
  });

  it('SET options: NX, XX, GET, KEEPTTL, EX/PX/EXAT/PXAT and their conflicts', async () => {
    await h.same(
      ['SET', 'k', 'v1', 'NX'],
      ['SET', 'k', 'v2', 'NX'],
      ['GET', 'k'],
      ['SET', 'k', 'v3', 'XX'],
      ['SET', 'nokey', 'v', 'XX'],
      ['EXISTS', 'nokey'],
      ['SET', 'k', 'v4', 'GET'],
      ['SET', 'new', 'v', 'GET'],
      ['SET', 'k', 'v5', 'NX', 'GET'],
      ['SET', 'absent', 'v', 'XX', 'GET'],
      ['SET', 'k', 'v6', 'XX', 'GET', 'get'],
      ['SET', 'k', 'v', 'EX', '100'],
      ['TTL', 'k'],
      ['SET', 'k', 'v', 'KEEPTTL'],
      ['TTL', 'k'],
      ['SET', 'k', 'v'],
      ['TTL', 'k'],
      ['SET', 'k', 'v', 'PX', '100000'],
      ['TTL', 'k'],
      ['SET', 'k', 'v', 'ex', '10', 'EX', '20'],
      ['TTL', 'k'],
      ['SET', 'k', 'v', 'EXAT', '4102444800'],
      ['EXPIRETIME', 'k'],
      ['SET', 'k', 'v', 'PXAT', '4102444800123'],
      ['PEXPIRETIME', 'k'],
      ['SET', 'k', 'v', 'NX', 'XX'],
      ['SET', 'k', 'v', 'XX', 'NX'],
      ['SET', 'k', 'v', 'EX', '10', 'PX', '100'],
      ['SET', 'k', 'v', 'EX', '10', 'KEEPTTL'],
      ['SET', 'k', 'v', 'KEEPTTL', 'EX', '10'],
      ['SET', 'k', 'v', 'EXAT', '10', 'PXAT', '10'],
      ['SET', 'k', 'v', 'EX'],
      ['SET', 'k', 'v', 'PERSIST'],
      ['SET', 'k', 'v', 'FOO'],
      ['SET', 'k', 'v', 'EX', 'abc'],
      ['SET', 'k', 'v', 'EX', '0'],
      ['SET', 'k', 'v', 'EX', '-5'],
      ['SET', 'k', 'v', 'PX', '0'],
      ['SET', 'k', 'v', 'EX', '9223372036854775807'],
      ['SET', 'k', 'v', 'PX', '9223372036854775807'],
      ['SET', 'k', 'v', 'EX', '9223372036854775808'],
      ['SET', 'k', 'v', 'EX', '1.5'],
      ['SET', 'k', 'v', 'EXAT', '9223372036854775'],
      ['RPUSH', 'l', 'x'],
      ['SET', 'l', 'v', 'GET'],
      ['SET', 'l', 'v', 'EX', '-1', 'GET'],
      ['SET', 'l', 'v', 'NX'],
      ['TYPE', 'l'],
    );
  });

  it('SET with an absolute time in the past stores a key that is already expired', async () => {
    await h.same(['SET', 'k', 'v', 'EXAT', '1'], ['GET', 'k'], ['SET', 'p', 'v', 'PXAT', '1', 'GET'], ['EXISTS', 'p']);
  });

  it('SETNX, SETEX, PSETEX', async () => {
    await h.same(
      ['SETNX', 'k', 'a'],
      ['SETNX', 'k', 'b'],
      ['GET', 'k'],
      ['SETEX', 'k', '100', 'c'],
      ['TTL', 'k'],
      ['GET', 'k'],
      ['SETEX', 'k', '0', 'c'],
      ['SETEX', 'k', '-1', 'c'],
      ['SETEX', 'k', 'x', 'c'],
      ['PSETEX', 'p', '100000', BIN],
      ['TTL', 'p'],
      ['GET', 'p'],
      ['PSETEX', 'p', '0', 'v'],
      ['PSETEX', 'p', '9223372036854775807', 'v'],
      ['SETEX', 'k', '9223372036854775', 'v'],
      ['SETEX', 'k'],
      ['SETNX', 'k'],
    );
  });

  it('GETEX with every option', async () => {
    await h.same(
      ['GETEX', 'missing'],
      ['GETEX', 'missing', 'EX', '-1'],
      ['GETEX', 'missing', 'FOO'],
      ['SET', 'k', 'v'],
      ['GETEX', 'k'],
      ['GETEX', 'k', 'EX', '100'],
      ['TTL', 'k'],
      ['GETEX', 'k', 'PERSIST'],
      ['TTL', 'k'],
      ['GETEX', 'k', 'PX', '200000'],
      ['TTL', 'k'],
      ['GETEX', 'k', 'EXAT', '4102444800'],
      ['EXPIRETIME', 'k'],
      ['GETEX', 'k', 'PXAT', '4102444800999'],
      ['PEXPIRETIME', 'k'],
      ['GETEX', 'k', 'EX', '0'],
      ['GETEX', 'k', 'EX', 'x'],
      ['GETEX', 'k', 'EX', '9223372036854775807'],
      ['GETEX', 'k', 'EX', '10', 'PERSIST'],
      ['GETEX', 'k', 'PERSIST', 'EX', '10'],
      ['GETEX', 'k', 'EX', '10', 'PX', '10'],
      ['GETEX', 'k', 'KEEPTTL'],
      ['GETEX', 'k', 'NX'],
      ['GETEX', 'k', 'GET'],
      ['GETEX', 'k', 'EX'],
      ['GETEX', 'k', 'EXAT', '1'],
      ['EXISTS', 'k'],
      ['SET', 'k2', 'v'],
      ['GETEX', 'k2', 'PXAT', '1'],
      ['EXISTS', 'k2'],
      ['RPUSH', 'l', 'x'],
      ['GETEX', 'l'],
      ['GETEX', 'l', 'EX', '-1'],
      ['GETEX'],
    );
  });

  it('GETDEL, GETSET', async () => {
    await h.same(
      ['GETDEL', 'missing'],
      ['SET', 'k', BIN, 'EX', '100'],
      ['GETDEL', 'k'],
      ['EXISTS', 'k'],
      ['GETSET', 'k', 'a'],
      ['SET', 'k', 'b', 'EX', '100'],
      ['GETSET', 'k', 'c'],
      ['TTL', 'k'],
      ['GET', 'k'],
      ['RPUSH', 'l', 'x'],
      ['GETDEL', 'l'],
      ['GETSET', 'l', 'v'],
      ['GETDEL', 'a', 'b'],
    );
  });

  it('MGET, MSET, MSETNX', async () => {
    await h.same(
      ['MSET', 'a', '1', 'b', '2', BIN, BIN],
      ['MGET', 'a', 'b', 'missing', BIN],
      ['RPUSH', 'l', 'x'],
      ['MGET', 'a', 'l'],
      ['MSET', 'a'],
      ['MSET', 'a', '1', 'b'],
      ['MSETNX', 'a', '1', 'b'],
      ['MSETNX', 'x', '1', 'a', '2'],
      ['GET', 'x'],
      ['MSETNX', 'x', '1', 'y', '2', 'x', '3'],
      ['MGET', 'x', 'y'],
      ['SET', 't', 'v', 'EX', '100'],
      ['MSET', 't', 'w'],
      ['TTL', 't'],
      ['MGET'],
    );
  });

  it('INCR, DECR, INCRBY, DECRBY: int64 limits, overflow and bad input', async () => {
    await h.same(
      ['INCR', 'n'],
      ['INCRBY', 'n', '41'],
      ['DECR', 'n'],
      ['DECRBY', 'n', '-10'],
      ['DECRBY', 'n', '100'],
      ['SET', 'n', '9007199254740991'],
      ['INCR', 'n'],
      ['INCR', 'n'],
      ['INCRBY', 'n', '9007199254740993'],
      ['SET', 'n', '9223372036854775806'],
      ['INCR', 'n'],
      ['INCR', 'n'],
      ['GET', 'n'],
      ['SET', 'n', '-9223372036854775807'],
      ['DECR', 'n'],
      ['DECR', 'n'],
      ['INCRBY', 'n', '-1'],
      ['DECRBY', 'n', '-9223372036854775808'],
      ['DECRBY', 'm', '-9223372036854775808'],
      ['INCRBY', 'm', '-9223372036854775808'],
      ['DECRBY', 'm', '9223372036854775807'],
      ['INCRBY', 'm', '9223372036854775808'],
      ['INCRBY', 'm', 'abc'],
      ['INCRBY', 'm', '1.5'],
      ['INCRBY', 'm', ' 1'],
      ['INCRBY', 'm', '+1'],
      ['INCRBY', 'm', '01'],
      ['INCRBY', 'm', ''],
      ['SET', 's', 'abc'],
      ['INCR', 's'],
      ['SET', 's', ' 5'],
      ['INCR', 's'],
      ['SET', 's', '5 '],
      ['INCR', 's'],
      ['SET', 's', '-0'],
      ['INCR', 's'],
      ['SET', 's', '1e3'],
      ['INCR', 's'],
      ['SET', 's', ''],
      ['INCR', 's'],
      ['SET', 's', '00'],
      ['DECR', 's'],
      ['RPUSH', 'l', 'x'],
      ['INCR', 'l'],
      ['INCRBY', 'l', 'x'],
      ['DECRBY', 'l', '1'],
      ['SET', 't', '10', 'EX', '100'],
      ['INCR', 't'],
      ['TTL', 't'],
      ['INCR'],
      ['INCRBY', 'n'],
    );
  });

  it('INCRBYFLOAT prints like long double %.17Lf', async () => {
    await h.same(
      ['SET', 'f', '10.5'],
      ['INCRBYFLOAT', 'f', '0.1'],
      ['INCRBYFLOAT', 'g', '0.1'],
      ['INCRBYFLOAT', 'g', '0.1'],
      ['INCRBYFLOAT', 'g', '0.1'],
      ['INCRBYFLOAT', 'h', '5.0e3'],
      ['INCRBYFLOAT', 'h', '-5000'],
      ['INCRBYFLOAT', 'h', '-0.0'],
      ['INCRBYFLOAT', 'i', '3.0e-18'],
      ['INCRBYFLOAT', 'i', '1.23456789012345678901234'],
      ['INCRBYFLOAT', 'j', '1e30'],
      ['INCRBYFLOAT', 'j', '0.5'],
      ['INCRBYFLOAT', 'k', '1e400'],
      ['INCRBYFLOAT', 'k', '1'],
      ['INCRBYFLOAT', 'm', '0x10'],
      ['INCRBYFLOAT', 'm', '0x1.8p1'],
      ['INCRBYFLOAT', 'm', '+.5'],
      ['INCRBYFLOAT', 'm', '5.'],
      ['INCRBYFLOAT', 'm', '1e-4950'],
      ['INCRBYFLOAT', 'm', '1e-5000'],
      ['INCRBYFLOAT', 'm', '1e5000'],
      ['INCRBYFLOAT', 'm', 'inf'],
      ['INCRBYFLOAT', 'm', '-Infinity'],
      ['INCRBYFLOAT', 'm', 'nan'],
      ['INCRBYFLOAT', 'm', 'abc'],
      ['INCRBYFLOAT', 'm', ''],
      ['INCRBYFLOAT', 'm', ' 1'],
      ['INCRBYFLOAT', 'm', '1 '],
      ['INCRBYFLOAT', 'm', '1e'],
      ['INCRBYFLOAT', 'n', '-3.3'],
      ['INCRBYFLOAT', 'n', '3.3'],
      ['INCRBYFLOAT', 'o', '0.000000000000000001'],
      ['INCRBYFLOAT', 'p', '-0.000000000000000001'],
      ['INCRBYFLOAT', 'q', '2.5e-18'],
      ['INCRBYFLOAT', 'q', '1.0000000000000000005'],
      ['INCRBYFLOAT', 'r', '1.7976931348623157e308'],
      ['INCRBYFLOAT', 'r', '1.7976931348623157e308'],
      ['SET', 's', '1.5abc'],
      ['INCRBYFLOAT', 's', '1'],
      ['SET', 's', 'inf'],
      ['INCRBYFLOAT', 's', '1'],
      ['SET', 's', '1e10'],
      ['INCRBYFLOAT', 's', '-1e10'],
      ['SET', 't', '1', 'EX', '100'],
      ['INCRBYFLOAT', 't', '1.5'],
      ['TTL', 't'],
      ['RPUSH', 'l', 'x'],
      ['INCRBYFLOAT', 'l', '1'],
      ['INCRBYFLOAT', 'l', 'x'],
      ['INCRBYFLOAT', 'x'],
    );
  });

  it('INCRBYFLOAT repeated small steps accumulate like Redis', async () => {
    const cmds: string[][] = [];
    for (let i = 0; i < 40; i++) cmds.push(['INCRBYFLOAT', 'acc', i % 3 === 0 ? '0.1' : i % 3 === 1 ? '-0.07' : '1.23e-5']);
    for (let i = 0; i < 20; i++) cmds.push(['INCRBYFLOAT', 'big', '1234567.891011']);
    await h.same(...cmds);
  });

  it('APPEND, STRLEN', async () => {
    await h.same(
      ['APPEND', 'k', 'abc'],
      ['APPEND', 'k', BIN],
      ['GET', 'k'],
      ['STRLEN', 'k'],
      ['APPEND', 'k', ''],
      ['STRLEN', 'missing'],
      ['SET', 'n', '12'],
      ['APPEND', 'n', '34'],
      ['INCR', 'n'],
      ['SET', 't', 'a', 'EX', '100'],
      ['APPEND', 't', 'b'],
      ['TTL', 't'],
      ['RPUSH', 'l', 'x'],
      ['APPEND', 'l', 'x'],
      ['STRLEN', 'l'],
      ['APPEND', 'k'],
    );
  });

  it('GETRANGE, SUBSTR', async () => {
    const cmds: string[][] = [['SET', 'k', 'Hello, World'], ['SET', 'e', ''], ['SET', 'n', '1234']];
    const idx = ['0', '1', '5', '-1', '-3', '-100', '100', '11', '12', '-12', '-13', '9223372036854775807', '-9223372036854775808'];
    for (const s of idx) for (const e of ['0', '-1', '3', '-5', '100', '-100']) cmds.push(['GETRANGE', 'k', s, e]);
    cmds.push(
      ['GETRANGE', 'e', '0', '-1'],
      ['GETRANGE', 'e', '0', '0'],
      ['GETRANGE', 'missing', '0', '-1'],
      ['GETRANGE', 'n', '1', '2'],
      ['GETRANGE', 'k', 'a', '1'],
      ['GETRANGE', 'k', '0', '1.5'],
      ['GETRANGE', 'k', '0', '9223372036854775808'],
      ['SUBSTR', 'k', '0', '4'],
      ['SUBSTR', 'k', '-5', '-1'],
      ['SUBSTR', 'missing', '0', '4'],
      ['SET', 'b', BIN],
      ['GETRANGE', 'b', '1', '4'],
      ['RPUSH', 'l', 'x'],
      ['GETRANGE', 'l', '0', '1'],
      ['GETRANGE', 'l', 'x', '1'],
      ['GETRANGE', 'k', '0'],
    );
    await h.same(...cmds);
  });

  it('SETRANGE: padding, overwrite, limits', async () => {
    await h.same(
      ['SETRANGE', 'k', '5', 'abc'],
      ['GET', 'k'],
      ['SETRANGE', 'k', '0', 'XY'],
      ['GET', 'k'],
      ['SETRANGE', 'k', '6', 'LONGER'],
      ['GET', 'k'],
      ['SETRANGE', 'k', '0', ''],
      ['SETRANGE', 'missing', '10', ''],
      ['EXISTS', 'missing'],
      ['SETRANGE', 'missing', '-1', ''],
      ['SETRANGE', 'k', '-1', 'a'],
      ['SETRANGE', 'k', 'x', 'a'],
      ['SETRANGE', 'k', '536870912', 'a'],
      ['SETRANGE', 'k', '9223372036854775807', 'a'],
      ['SETRANGE', 'k', '9223372036854775808', 'a'],
      ['SETRANGE', 'b', '2', BIN],
      ['GET', 'b'],
      ['SET', 'n', '1234'],
      ['SETRANGE', 'n', '1', '9'],
      ['INCR', 'n'],
      ['SET', 't', 'abc', 'EX', '100'],
      ['SETRANGE', 't', '1', 'z'],
      ['TTL', 't'],
      ['RPUSH', 'l', 'x'],
      ['SETRANGE', 'l', '0', 'a'],
      ['SETRANGE', 'l', '0', ''],
      ['SETRANGE', 'l', '-1', 'a'],
      ['SETRANGE', 'k', '0'],
    );
  });

  it('SETRANGE and APPEND respect proto-max-bulk-len', async () => {
    await h.same(
      ['CONFIG', 'SET', 'proto-max-bulk-len', '1048576'],
      ['SETRANGE', 'k', '1048576', 'a'],
      ['SETRANGE', 'k', '1048575', 'a'],
      ['APPEND', 'k', 'b'],
      ['SETRANGE', 'k', '1048575', 'bb'],
      ['STRLEN', 'k'],
      ['CONFIG', 'SET', 'proto-max-bulk-len', '536870912'],
      ['APPEND', 'k', 'b'],
    );
  });

  it('LCS with LEN, IDX, MINMATCHLEN, WITHMATCHLEN', async () => {
    await h.same(
      ['MSET', 'a', 'ohmytext', 'b', 'mynewtext'],
      ['LCS', 'a', 'b'],
      ['LCS', 'a', 'b', 'LEN'],
      ['LCS', 'a', 'b', 'IDX'],
      ['LCS', 'a', 'b', 'IDX', 'MINMATCHLEN', '4'],
      ['LCS', 'a', 'b', 'IDX', 'MINMATCHLEN', '4', 'WITHMATCHLEN'],
      ['LCS', 'a', 'b', 'idx', 'withmatchlen'],
      ['LCS', 'a', 'b', 'IDX', 'MINMATCHLEN', '-5'],
      ['LCS', 'a', 'b', 'LEN', 'MINMATCHLEN', '2'],
      ['LCS', 'a', 'b', 'IDX', 'LEN'],
      ['LCS', 'a', 'b', 'MINMATCHLEN'],
      ['LCS', 'a', 'b', 'MINMATCHLEN', 'x'],
      ['LCS', 'a', 'b', 'FOO'],
      ['LCS', 'a', 'missing'],
      ['LCS', 'missing', 'b', 'IDX'],
      ['LCS', 'missing', 'other', 'LEN'],
      ['MSET', 'x', 'GATCGATACA\x00\xff', 'y', 'GTTCGAT\x00ACA\xff'],
      ['LCS', 'x', 'y'],
      ['LCS', 'x', 'y', 'IDX', 'WITHMATCHLEN'],
      ['LCS', 'y', 'x', 'IDX'],
      ['RPUSH', 'l', 'x'],
      ['LCS', 'a', 'l'],
      ['LCS', 'l', 'missing', 'FOO'],
      ['LCS', 'a'],
    );
  });

  it('LCS on random strings matches exactly', async () => {
    let seed = 7;
    const rnd = (n: number): number => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed % n;
    };
    const str = (len: number): string => Array.from({ length: len }, () => 'ACGT'[rnd(4)]).join('');
    const cmds: string[][] = [];
    for (let i = 0; i < 8; i++) {
      cmds.push(['MSET', 'a', str(5 + rnd(60)), 'b', str(5 + rnd(60))], ['LCS', 'a', 'b'], ['LCS', 'a', 'b', 'IDX', 'WITHMATCHLEN']);
    }
    await h.same(...cmds);
  });

  it('OBJECT ENCODING of strings', async () => {
    await h.same(
      ['SET', 'a', '12345'],
      ['OBJECT', 'ENCODING', 'a'],
      ['SET', 'b', '-9223372036854775808'],
      ['OBJECT', 'ENCODING', 'b'],
      ['SET', 'c', '9223372036854775808'],
      ['OBJECT', 'ENCODING', 'c'],
      ['SET', 'd', '012'],
      ['OBJECT', 'ENCODING', 'd'],
      ['SET', 'e', 'x'.repeat(44)],
      ['OBJECT', 'ENCODING', 'e'],
      ['SET', 'f', 'x'.repeat(45)],
      ['OBJECT', 'ENCODING', 'f'],
      ['INCR', 'g'],
      ['OBJECT', 'ENCODING', 'g'],
      ['INCRBYFLOAT', 'h', '1.5'],
      ['OBJECT', 'ENCODING', 'h'],
    );
  });

  it('RESP3 replies', async () => {
    await h.same3(
      ['GET', 'missing'],
      ['MSET', 'a', 'ohmytext', 'b', 'mynewtext'],
      ['LCS', 'a', 'b', 'IDX', 'WITHMATCHLEN'],
      ['MGET', 'a', 'missing'],
      ['SET', 'a', 'x', 'GET'],
      ['INCRBYFLOAT', 'f', '1.5'],
      ['GETEX', 'missing'],
    );
  });

  it('int64 arithmetic past 2^53 without BigInt: INCRBY, DECRBY and HINCRBY at the limits, EXPIRE/SET EX with huge times and their TTLs', async () => {
    const cmds: string[][] = [];
    const bases = ['9007199254740990', '9223372036854775800', '-9223372036854775800', '0', '-9007199254740990', '9223372036854775807', '-9223372036854775808'];
    const bys = ['1', '-1', '9007199254740993', '-9007199254740993', '9223372036854775807', '-9223372036854775808', '-20'];
    for (const base of bases) {
      for (const by of bys) {
        cmds.push(['SET', 'k', base], ['INCRBY', 'k', by], ['GET', 'k'], ['DECRBY', 'k', by], ['GET', 'k'], ['HSET', 'h', 'f', base], ['HINCRBY', 'h', 'f', by], ['HGET', 'h', 'f']);
      }
    }
    for (const t of ['9223372036854775', '9223372036854776', '-9223372036854775', '-9223372036854776', '9007199254740993', '4611686018427387904']) {
      // Accepted or refused as Redis decides on int64 (Ferrous keeps such far expiry times as doubles).
      cmds.push(['SET', 'e', 'v'], ['EXPIRE', 'e', t], ['PEXPIRE', 'e', t], ['EXPIREAT', 'e', t], ['PEXPIREAT', 'e', t], ['EXISTS', 'e']);
      cmds.push(['SET', 'e', 'v', 'EX', t], ['SET', 'e', 'v', 'PX', t], ['SET', 'e', 'v', 'EXAT', t], ['SET', 'e', 'v', 'PXAT', t], ['GETEX', 'e', 'PXAT', t]);
    }
    cmds.push(['SET', 'far', 'v', 'PXAT', '9223372036854775807'], ['PEXPIRETIME', 'far'], ['EXPIRETIME', 'far']);
    cmds.push(['HRANDFIELD', 'h', '-9223372036854775808'], ['HRANDFIELD', 'h', '-4611686018427387904', 'WITHVALUES'], ['HRANDFIELD', 'h', '9007199254740993', 'WITHVALUES']);
    cmds.push(['ZADD', 'z', '1', 'a', '2', 'b'], ['ZRANDMEMBER', 'z', '-9223372036854775808'], ['ZRANDMEMBER', 'z', '-9223372036854775807', 'WITHSCORES']);
    for (const n of ['4611686018427387904', '-4611686018427387904', '9223372036854775807', '4611686018427387903']) cmds.push(['ZRANDMEMBER', 'z', n, 'WITHSCORES'], ['HRANDFIELD', 'h', n, 'WITHVALUES']);
    await h.same(...cmds);
  });
});
