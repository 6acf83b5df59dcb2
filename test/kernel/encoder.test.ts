import { encode } from '../../kernel/resp/encoder';
import {
  BigNumberReply,
  DoubleReply,
  MapReply,
  NULL_ARRAY,
  NullArrayReply,
  OK,
  PONG,
  PushReply,
  QUEUED,
  type Reply,
  ReplyError,
  SetReply,
  StatusReply,
  VerbatimReply,
} from '../../kernel/reply';
import { Errors } from '../../kernel/errors';

/** [reply, RESP2 bytes, RESP3 bytes] */
const cases: Array<[string, Reply, string, string]> = [
  ['bulk string', 'hello', '$5\r\nhello\r\n', '$5\r\nhello\r\n'],
  ['empty bulk string', '', '$0\r\n\r\n', '$0\r\n\r\n'],
  ['binary bulk string', 'a\r\n\x00\xff', '$5\r\na\r\n\x00\xff\r\n', '$5\r\na\r\n\x00\xff\r\n'],
  ['integer', 42, ':42\r\n', ':42\r\n'],
  ['zero', 0, ':0\r\n', ':0\r\n'],
  ['negative zero as integer', -0, ':0\r\n', ':0\r\n'],
  ['negative integer', -7, ':-7\r\n', ':-7\r\n'],
  ['largest safe integer', Number.MAX_SAFE_INTEGER, ':9007199254740991\r\n', ':9007199254740991\r\n'],
  ['bigint int64 max', 9223372036854775807n, ':9223372036854775807\r\n', ':9223372036854775807\r\n'],
  ['bigint int64 min', -9223372036854775808n, ':-9223372036854775808\r\n', ':-9223372036854775808\r\n'],
  ['true', true, ':1\r\n', '#t\r\n'],
  ['false', false, ':0\r\n', '#f\r\n'],
  ['null', null, '$-1\r\n', '_\r\n'],
  ['null array', NULL_ARRAY, '*-1\r\n', '_\r\n'],
  ['another null array instance', new NullArrayReply(), '*-1\r\n', '_\r\n'],
  ['status OK', OK, '+OK\r\n', '+OK\r\n'],
  ['status PONG', PONG, '+PONG\r\n', '+PONG\r\n'],
  ['status QUEUED', QUEUED, '+QUEUED\r\n', '+QUEUED\r\n'],
  ['custom status', new StatusReply('background saving started'), '+background saving started\r\n', '+background saving started\r\n'],
  ['error', new ReplyError('ERR syntax error'), '-ERR syntax error\r\n', '-ERR syntax error\r\n'],
  ['shared error', Errors.wrongType, '-WRONGTYPE Operation against a key holding the wrong kind of value\r\n', '-WRONGTYPE Operation against a key holding the wrong kind of value\r\n'],
  ['error with CR LF inside', new ReplyError('ERR bad\r\nthing\rhere\n'), '-ERR bad  thing here \r\n', '-ERR bad  thing here \r\n'],
  ['non-integer number is a double', 1.5, '$3\r\n1.5\r\n', ',1.5\r\n'],
  ['double 0.1 with 17 digits', 0.1, '$19\r\n0.10000000000000001\r\n', ',0.10000000000000001\r\n'],
  ['DoubleReply of an integral value', new DoubleReply(3), '$1\r\n3\r\n', ',3\r\n'],
  ['DoubleReply zero', new DoubleReply(0), '$1\r\n0\r\n', ',0\r\n'],
  ['DoubleReply negative zero', new DoubleReply(-0), '$2\r\n-0\r\n', ',-0\r\n'],
  ['DoubleReply inf', new DoubleReply(Infinity), '$3\r\ninf\r\n', ',inf\r\n'],
  ['DoubleReply -inf', new DoubleReply(-Infinity), '$4\r\n-inf\r\n', ',-inf\r\n'],
  ['DoubleReply nan', new DoubleReply(NaN), '$3\r\nnan\r\n', ',nan\r\n'],
  ['DoubleReply large', new DoubleReply(1e300), '$23\r\n1.0000000000000001e+300\r\n', ',1.0000000000000001e+300\r\n'],
  ['DoubleReply small', new DoubleReply(-2.5e-7), '$23\r\n-2.4999999999999999e-07\r\n', ',-2.4999999999999999e-07\r\n'],
  ['DoubleReply tie', new DoubleReply(100000000000000.125), '$18\r\n100000000000000.12\r\n', ',100000000000000.12\r\n'],
  ['empty array', [], '*0\r\n', '*0\r\n'],
  ['array', ['a', 1, null], '*3\r\n$1\r\na\r\n:1\r\n$-1\r\n', '*3\r\n$1\r\na\r\n:1\r\n_\r\n'],
  ['map', new MapReply(['a', 1, 'b', 'x']), '*4\r\n$1\r\na\r\n:1\r\n$1\r\nb\r\n$1\r\nx\r\n', '%2\r\n$1\r\na\r\n:1\r\n$1\r\nb\r\n$1\r\nx\r\n'],
  ['empty map', new MapReply([]), '*0\r\n', '%0\r\n'],
  ['set', new SetReply(['x', 'y']), '*2\r\n$1\r\nx\r\n$1\r\ny\r\n', '~2\r\n$1\r\nx\r\n$1\r\ny\r\n'],
  ['empty set', new SetReply([]), '*0\r\n', '~0\r\n'],
  ['push', new PushReply(['message', 'ch', 'hi']), '*3\r\n$7\r\nmessage\r\n$2\r\nch\r\n$2\r\nhi\r\n', '>3\r\n$7\r\nmessage\r\n$2\r\nch\r\n$2\r\nhi\r\n'],
  ['verbatim', new VerbatimReply('txt', 'Some string'), '$11\r\nSome string\r\n', '=15\r\ntxt:Some string\r\n'],
  ['verbatim with CR LF', new VerbatimReply('mkd', 'a\r\nb'), '$4\r\na\r\nb\r\n', '=8\r\nmkd:a\r\nb\r\n'],
  ['empty verbatim', new VerbatimReply('txt', ''), '$0\r\n\r\n', '=4\r\ntxt:\r\n'],
  ['big number', new BigNumberReply('3492890328409238509324850943850943825024385'), '$43\r\n3492890328409238509324850943850943825024385\r\n', '(3492890328409238509324850943850943825024385\r\n'],
  ['negative big number', new BigNumberReply('-1'), '$2\r\n-1\r\n', '(-1\r\n'],
  [
    'nested aggregates',
    [new MapReply(['k', new SetReply([1, true]), 'd', new DoubleReply(2.5)]), [[], [null, NULL_ARRAY]], new ReplyError('ERR inner')],
    '*3\r\n*4\r\n$1\r\nk\r\n*2\r\n:1\r\n:1\r\n$1\r\nd\r\n$3\r\n2.5\r\n*2\r\n*0\r\n*2\r\n$-1\r\n*-1\r\n-ERR inner\r\n',
    '*3\r\n%2\r\n$1\r\nk\r\n~2\r\n:1\r\n#t\r\n$1\r\nd\r\n,2.5\r\n*2\r\n*0\r\n*2\r\n_\r\n_\r\n-ERR inner\r\n',
  ],
  [
    'map of maps (HELLO-like)',
    new MapReply(['server', 'redis', 'modules', [], 'nested', new MapReply(['x', new BigNumberReply('1')])]),
    '*6\r\n$6\r\nserver\r\n$5\r\nredis\r\n$7\r\nmodules\r\n*0\r\n$6\r\nnested\r\n*2\r\n$1\r\nx\r\n$1\r\n1\r\n',
    '%3\r\n$6\r\nserver\r\n$5\r\nredis\r\n$7\r\nmodules\r\n*0\r\n$6\r\nnested\r\n%1\r\n$1\r\nx\r\n(1\r\n',
  ],
];

describe('RESP encoder', () => {
  it.each(cases)('%s', (_name, reply, resp2, resp3) => {
    expect(encode(reply, 2)).toBe(resp2);
    expect(encode(reply, 3)).toBe(resp3);
  });

  it('encodes integers on both sides of the shared small ones (0-9999) alike, however often', () => {
    for (const n of [0, -0, 1, 42, 9999, 10000, -1, -9999, 2 ** 53 - 1, -(2 ** 53)]) {
      for (let i = 0; i < 3; i++) {
        expect(encode(n, 2)).toBe(`:${n}\r\n`);
        expect(encode(n, 3)).toBe(`:${n}\r\n`);
      }
    }
    expect(encode([1, 2, 10001], 2)).toBe('*3\r\n:1\r\n:2\r\n:10001\r\n');
  });

  it('writes bulk lengths in bytes for binary (latin1) strings', () => {
    const v = String.fromCharCode(...Array.from({ length: 256 }, (_, i) => i));
    const out = encode(v, 2);
    expect(out.startsWith('$256\r\n')).toBe(true);
    expect(Buffer.from(out, 'latin1').length).toBe('$256\r\n'.length + 256 + 2);
  });

  it('refuses values that are not replies', () => {
    expect(() => encode(undefined as unknown as Reply, 2)).toThrow(TypeError);
    expect(() => encode(Symbol('x') as unknown as Reply, 2)).toThrow(TypeError);
    expect(() => encode({ a: 1 } as unknown as Reply, 3)).toThrow(TypeError);
    expect(() => encode([1, undefined] as unknown as Reply, 2)).toThrow(TypeError);
  });

  it('long arrays of strings (joined in one go) encode as item by item', () => {
    const lengths = [0, 1, 9, 10, 99, 100, 1023, 1024, 5000, 3, 0, 2];
    const items = lengths.map((n, i) => String.fromCharCode(...Array.from({ length: n }, (_, k) => (i * 31 + k) % 256)));
    const expected = (prefix: string) => `${prefix}${items.length}\r\n` + items.map((s) => `$${s.length}\r\n${s}\r\n`).join('');
    expect(encode(items, 2)).toBe(expected('*'));
    expect(encode(new SetReply(items), 3)).toBe(expected('~'));
    expect(encode(new PushReply(items), 3)).toBe(expected('>'));
    // One non-string among them takes the general path, with the same bytes.
    const mixed: Reply[] = [...items, 7];
    expect(encode(mixed, 2)).toBe(`*${mixed.length}\r\n` + items.map((s) => `$${s.length}\r\n${s}\r\n`).join('') + ':7\r\n');
  });
});
