import { ProtocolError, RespParser, splitArgs, type ParserLimits } from '../../kernel/resp/parser';

const MB = 1024 * 1024;

function parser(limits: Partial<ParserLimits> = {}, requireAuth = false): RespParser {
  return new RespParser({ maxBulkLen: 512 * MB, maxQueryBuffer: 1024 * MB, ...limits }, () => requireAuth);
}

/** Every command the parser yields (empty ones included, as the caller sees them). */
function drain(p: RespParser): string[][] {
  const out: string[][] = [];
  for (let argv = p.next(); argv !== null; argv = p.next()) out.push(argv);
  return out;
}

/** Feed the chunks one by one, draining after each, and return what came out. */
function parseChunks(chunks: (string | Buffer)[], p = parser()): string[][] {
  const out: string[][] = [];
  for (const c of chunks) {
    p.feed(typeof c === 'string' ? Buffer.from(c, 'latin1') : c);
    out.push(...drain(p));
  }
  return out;
}

/** The commands of a stream, skipping the empty ones as the client does. */
function commands(input: string): string[][] {
  return parseChunks([input]).filter((a) => a.length > 0);
}

/** The protocol error text (after "Protocol error: ") raised by feeding `input`, or null. */
function protocolError(input: string | Buffer, p = parser()): { error: string | null; before: string[][] } {
  const before: string[][] = [];
  p.feed(typeof input === 'string' ? Buffer.from(input, 'latin1') : input);
  try {
    for (let argv = p.next(); argv !== null; argv = p.next()) before.push(argv);
  } catch (e) {
    expect(e).toBeInstanceOf(ProtocolError);
    return { error: (e as Error).message, before };
  }
  return { error: null, before };
}

function mbulk(...args: string[]): string {
  return `*${args.length}\r\n${args.map((a) => `$${a.length}\r\n${a}\r\n`).join('')}`;
}

describe('RESP parser: multibulk', () => {
  it('parses an array of bulk strings', () => {
    expect(commands('*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$5\r\nhello\r\n')).toEqual([['SET', 'k', 'hello']]);
  });

  it('keeps arguments binary-safe: CR LF, NUL and high bytes inside bulks', () => {
    const v = 'a\r\nb\x00c\xff\x80\r\n';
    expect(commands(mbulk('SET', 'k\x00', v))).toEqual([['SET', 'k\x00', v]]);
  });

  it('decodes arguments of every length around the short-argument path (0-48 bytes) byte for byte', () => {
    const args: string[] = [];
    for (let len = 0; len <= 48; len++) {
      let a = '';
      for (let i = 0; i < len; i++) a += String.fromCharCode((len * 37 + i * 101) & 255);
      args.push(a);
    }
    const got = commands(mbulk(...args.slice(0, 10)) + mbulk(...args.slice(10, 20)) + mbulk(...args.slice(20, 36)) + mbulk(...args.slice(36)));
    expect(got).toEqual([args.slice(0, 10), args.slice(10, 20), args.slice(20, 36), args.slice(36)]);
    for (const argv of got) for (const a of argv) expect(Buffer.from(a, 'latin1').toString('latin1')).toBe(a);
    const all = Buffer.alloc(256);
    for (let i = 0; i < 256; i++) all[i] = i;
    for (const size of [16, 32]) {
      for (let at = 0; at + size <= 256; at += size) {
        const chunk = all.subarray(at, at + size).toString('latin1');
        expect(commands(mbulk('SET', chunk, chunk.slice(0, 7), chunk.slice(0, 20)))).toEqual([['SET', chunk, chunk.slice(0, 7), chunk.slice(0, 20)]]);
      }
    }
  });

  it('accepts empty bulk strings', () => {
    expect(commands('*2\r\n$4\r\nECHO\r\n$0\r\n\r\n')).toEqual([['ECHO', '']]);
  });

  it('skips *0 and *-1 (empty commands) and goes on', () => {
    const out = parseChunks(['*0\r\n*-1\r\n*-5\r\n*1\r\n$4\r\nPING\r\n']);
    expect(out).toEqual([[], [], [], ['PING']]);
  });

  it('answers pipelined commands in order', () => {
    const input = mbulk('SET', 'a', '1') + mbulk('GET', 'a') + 'PING\r\n' + mbulk('INCR', 'n') + 'ECHO x\n';
    expect(commands(input)).toEqual([['SET', 'a', '1'], ['GET', 'a'], ['PING'], ['INCR', 'n'], ['ECHO', 'x']]);
  });

  it('like Redis, skips the two bytes after a bulk without checking they are CR LF', () => {
    expect(commands('*2\r\n$4\r\nECHO\r\n$3\r\nabcXYPING\r\n')).toEqual([['ECHO', 'abc'], ['PING']]);
  });

  it('parses the same commands whatever byte the stream is split at', () => {
    const input =
      mbulk('SET', 'key', 'va\r\nlue') + 'PING\r\n' + '*0\r\n' + mbulk('MSET', 'a', '', 'b', '\x00\xff') + 'SET "q k" \'v w\'\r\n' + mbulk('GET', 'key');
    const expected = commands(input);
    expect(expected).toHaveLength(5);
    for (let i = 0; i <= input.length; i++) {
      const got = parseChunks([input.slice(0, i), input.slice(i)]).filter((a) => a.length > 0);
      expect({ split: i, got }).toEqual({ split: i, got: expected });
    }
    for (let i = 1; i < input.length; i++) {
      for (const j of [i + 1, i + 7, input.length - 1]) {
        if (j <= i || j > input.length) continue;
        const got = parseChunks([input.slice(0, i), input.slice(i, j), input.slice(j)]).filter((a) => a.length > 0);
        expect({ split: [i, j], got }).toEqual({ split: [i, j], got: expected });
      }
    }
  });

  it('parses a stream fed one byte at a time', () => {
    const input = mbulk('SET', 'k', 'v'.repeat(300)) + 'PING\r\n' + mbulk('GET', 'k');
    const got = parseChunks([...Buffer.from(input, 'latin1')].map((b) => Buffer.from([b])));
    expect(got).toEqual([['SET', 'k', 'v'.repeat(300)], ['PING'], ['GET', 'k']]);
  });

  it('fills every argument of commands around the preallocated sizes (1, 16, 17, 40 arguments), whatever the split', () => {
    const args = (n: number) => Array.from({ length: n }, (_, i) => `a${i}`);
    const expected = [args(1), args(16), args(17), args(40)];
    const input = expected.map((a) => mbulk(...a)).join('');
    for (let i = 0; i <= input.length; i += 3) {
      const got = parseChunks([input.slice(0, i), input.slice(i)]);
      expect({ split: i, got }).toEqual({ split: i, got: expected });
      // No holes: every index holds its argument.
      for (const argv of got) expect(Object.keys(argv)).toHaveLength(argv.length);
    }
  });

  it('fills every argument of whole commands of 1024 and 1025 arguments (allocated at once up to 1024)', () => {
    const args = (n: number) => Array.from({ length: n }, (_, i) => `a${i}`);
    const expected = [args(1024), args(1025), args(2)];
    const got = parseChunks([expected.map((a) => mbulk(...a)).join('')]);
    expect(got).toEqual(expected);
    for (const argv of got) expect(Object.keys(argv)).toHaveLength(argv.length);
  });

  it('assembles a big bulk (above 32 KB) arriving in many chunks, with the next command behind it', () => {
    const big = Buffer.alloc(3 * MB + 17);
    for (let i = 0; i < big.length; i++) big[i] = (i * 7 + 3) & 0xff;
    const head = Buffer.from(`*3\r\n$3\r\nSET\r\n$3\r\nbig\r\n$${big.length}\r\n`, 'latin1');
    const stream = Buffer.concat([head, big, Buffer.from('\r\n*1\r\n$4\r\nPING\r\n', 'latin1')]);
    const p = parser();
    const out: string[][] = [];
    const pending: number[] = [];
    for (let off = 0; off < stream.length; off += 4096) {
      p.feed(stream.subarray(off, Math.min(stream.length, off + 4096)));
      out.push(...drain(p));
      pending.push(p.pending);
    }
    expect(out).toHaveLength(2);
    expect(out[0][0]).toBe('SET');
    expect(out[0][1]).toBe('big');
    expect(out[0][2].length).toBe(big.length);
    expect(Buffer.from(out[0][2], 'latin1').equals(big)).toBe(true);
    expect(out[1]).toEqual(['PING']);
    // While the bulk arrives the parser accounts for every byte held (query buffer limits).
    expect(Math.max(...pending)).toBeGreaterThan(big.length - 4096);
    expect(p.pending).toBe(0);
  });

  it('assembles bulks at the 32 KB threshold and just below it', () => {
    for (const len of [32 * 1024 - 1, 32 * 1024, 32 * 1024 + 1]) {
      const v = 'x'.repeat(len - 1) + 'y';
      const input = mbulk('SET', 'k', v) + mbulk('GET', 'k');
      const chunks: string[] = [];
      for (let off = 0; off < input.length; off += 1000) chunks.push(input.slice(off, off + 1000));
      expect(parseChunks(chunks)).toEqual([['SET', 'k', v], ['GET', 'k']]);
    }
  });

  it('waits for more input on an incomplete header, count line or bulk, then completes', () => {
    const full = '*2\r\n$3\r\nGET\r\n$1\r\nk\r\n';
    for (const partial of ['*', '*2', '*2\r', '*2\r\n', '*2\r\n$', '*2\r\n$3\r', '*2\r\n$3\r\nGET', '*2\r\n$3\r\nGET\r\n$1\r\nk', '*2\r\n$3\r\nGET\r\n$1\r\nk\r']) {
      const p = parser();
      expect(parseChunks([partial], p)).toEqual([]);
      expect(parseChunks([full.slice(partial.length)], p)).toEqual([['GET', 'k']]);
      expect(p.pending).toBe(0);
    }
  });

  it('accepts the largest count and bulk lengths the limits allow', () => {
    // *1024 arguments all present
    const args = Array.from({ length: 1024 }, (_, i) => String(i));
    expect(commands(mbulk('DEL', ...args))[0]).toHaveLength(1025);
    const p = parser({ maxBulkLen: 1 * MB });
    expect(protocolError(`*1\r\n$${1 * MB}\r\n`, p).error).toBeNull();
  });
});

describe('RESP parser: two- and three-byte arguments (shared strings)', () => {
  /** Every two-byte argument and a spread of three-byte ones, bytes 0 to 255 in every position. */
  function shortArgs(): string[] {
    const out: string[] = [];
    for (let a = 0; a < 256; a++) for (let b = 0; b < 256; b++) out.push(String.fromCharCode(a, b));
    for (let i = 0; i < 70000; i++) out.push(String.fromCharCode((i * 7) & 255, (i * 13 + 1) & 255, (i * 31 + 2) & 255));
    return out;
  }

  test('each comes out with its own bytes, however many share a cache slot, in one read and split at every byte', () => {
    const args = shortArgs();
    for (let i = 0; i < args.length; i += 500) {
      const batch = args.slice(i, i + 500);
      expect(commands(mbulk('MSET', ...batch))).toEqual([['MSET', ...batch]]);
      // The same arguments again, now that earlier ones took their slots.
      expect(commands(batch.map((a) => mbulk('SET', 'k', a)).join(''))).toEqual(batch.map((a) => ['SET', 'k', a]));
    }
    const cmd = mbulk('MSET', 'ab', 'xyz', '\xff\x00', '\x00\x00\x01');
    for (let cut = 1; cut < cmd.length; cut++) {
      expect(parseChunks([cmd.slice(0, cut), cmd.slice(cut)]).filter((a) => a.length > 0)).toEqual([['MSET', 'ab', 'xyz', '\xff\x00', '\x00\x00\x01']]);
    }
  });

  test('a recurring argument is the equal string each time, a one- or four-byte neighbour is not confused with it', () => {
    expect(commands(mbulk('MSET', 'xxx', 'x', 'xxxx', 'xx', 'xxx', 'x\x00x', 'x\x00', 'x'))).toEqual([['MSET', 'xxx', 'x', 'xxxx', 'xx', 'xxx', 'x\x00x', 'x\x00', 'x']]);
  });
});

describe('RESP parser: protocol errors (Redis 7.0 texts)', () => {
  const cases: Array<[string, string]> = [
    ['*x\r\n', 'invalid multibulk length'],
    ['*1x\r\n', 'invalid multibulk length'],
    ['*01\r\n', 'invalid multibulk length'],
    ['*+1\r\n', 'invalid multibulk length'],
    ['*-0\r\n', 'invalid multibulk length'],
    ['*-\r\n', 'invalid multibulk length'],
    ['*\r\n', 'invalid multibulk length'],
    ['* 1\r\n', 'invalid multibulk length'],
    ['*2147483648\r\n', 'invalid multibulk length'],
    ['*9223372036854775808\r\n', 'invalid multibulk length'],
    ['*-9999999999999999999\r\n', 'invalid multibulk length'],
    ['*-9223372036854775809\r\n', 'invalid multibulk length'],
    ['*123456789012345678901\r\n', 'invalid multibulk length'],
    ['*1\r\n$x\r\n', 'invalid bulk length'],
    ['*1\r\n$-1\r\n', 'invalid bulk length'],
    ['*1\r\n$-0\r\n', 'invalid bulk length'],
    ['*1\r\n$01\r\n', 'invalid bulk length'],
    ['*1\r\n$+3\r\n', 'invalid bulk length'],
    ['*1\r\n$\r\n', 'invalid bulk length'],
    ['*1\r\n$3 \r\n', 'invalid bulk length'],
    ['*1\r\n$9223372036854775808\r\n', 'invalid bulk length'],
    ['*1\r\n$536870913\r\n', 'invalid bulk length'],
    ['*1\r\nx\r\n', "expected '$', got 'x'"],
    ['*2\r\n$3\r\nGET\r\n:1\r\n', "expected '$', got ':'"],
    // CR and LF never go out inside an error line: Redis prints them as spaces.
    ['*1\r\n\r\n', "expected '$', got ' '"],
    ['*1\r\n\n\r\n', "expected '$', got ' '"],
    ['*1\r\n\xff\r\n', "expected '$', got '\xff'"],
    ['"abc\r\n', 'unbalanced quotes in request'],
    ["SET 'k v\r\n", 'unbalanced quotes in request'],
    ['SET "k"v x\r\n', 'unbalanced quotes in request'],
    ["SET 'k'v x\r\n", 'unbalanced quotes in request'],
    ['SET "k\\"\r\n', 'unbalanced quotes in request'],
  ];
  it.each(cases)('%j -> Protocol error: %s', (input, text) => {
    expect(protocolError(input).error).toBe(text);
  });

  it('checks proto-max-bulk-len: the limit itself is accepted, one more byte is not', () => {
    expect(protocolError(`*1\r\n$${2 * MB}\r\n`, parser({ maxBulkLen: 2 * MB })).error).toBeNull();
    expect(protocolError(`*1\r\n$${2 * MB + 1}\r\n`, parser({ maxBulkLen: 2 * MB })).error).toBe('invalid bulk length');
  });

  it('refuses an inline request over 64 KB without a newline, and waits up to 64 KB', () => {
    expect(protocolError('a'.repeat(64 * 1024)).error).toBeNull();
    expect(protocolError('a'.repeat(64 * 1024 + 1)).error).toBe('too big inline request');
    // With the newline present any length is parsed.
    expect(commands(`ECHO ${'a'.repeat(100 * 1024)}\r\n`)).toEqual([['ECHO', 'a'.repeat(100 * 1024)]]);
  });

  it('refuses a multibulk count or bulk count line over 64 KB without CR', () => {
    expect(protocolError('*' + '1'.repeat(64 * 1024)).error).toBe('too big mbulk count string');
    expect(protocolError('*1\r\n$' + '1'.repeat(64 * 1024)).error).toBe('too big bulk count string');
    expect(protocolError('*1\r\n$' + '1'.repeat(64 * 1024 - 2)).error).toBeNull();
  });

  it('limits multibulk and bulk lengths before authentication', () => {
    expect(protocolError('*11\r\n', parser({}, true)).error).toBe('unauthenticated multibulk length');
    expect(protocolError('*10\r\n', parser({}, true)).error).toBeNull();
    expect(protocolError('*1\r\n$16385\r\n', parser({}, true)).error).toBe('unauthenticated bulk length');
    expect(protocolError('*1\r\n$16384\r\n', parser({}, true)).error).toBeNull();
    // Authenticated (or no password): no such limit.
    expect(protocolError('*11\r\n$16385\r\n', parser({}, false)).error).toBeNull();
  });

  it('like Redis (strchr), does not see an end of line behind a NUL byte: it waits, up to 64 KB', () => {
    for (const input of ['*1\x00\r\n', '*1\r\n\x00\r\n', '*1\r\n$1\x00\r\n', 'SET a\x00b c\r\nPING\r\n']) {
      const r = protocolError(input);
      expect({ input, ...r }).toEqual({ input, error: null, before: [] });
    }
    expect(protocolError('SET a\x00b c\r\n' + 'x'.repeat(64 * 1024)).error).toBe('too big inline request');
    expect(protocolError('*1\x00\r\n' + 'x'.repeat(64 * 1024)).error).toBe('too big mbulk count string');
    expect(protocolError('*1\r\n\x00\r\n' + 'x'.repeat(64 * 1024)).error).toBe('too big bulk count string');
    // A NUL inside a bulk payload is just data.
    expect(commands('*2\r\n$4\r\nECHO\r\n$1\r\n\x00\r\n')).toEqual([['ECHO', '\x00']]);
  });

  it('yields the commands before a protocol error first', () => {
    const r = protocolError(mbulk('SET', 'a', '1') + 'PING\r\n' + '*1\r\n$x\r\n' + mbulk('GET', 'a'));
    expect(r.before).toEqual([['SET', 'a', '1'], ['PING']]);
    expect(r.error).toBe('invalid bulk length');
  });
});

describe('RESP parser: inline commands', () => {
  it('splits on spaces and tabs, accepts LF or CRLF line ends', () => {
    expect(commands('SET  k\tv\r\nGET k\nPING\r\n')).toEqual([['SET', 'k', 'v'], ['GET', 'k'], ['PING']]);
  });

  it('yields empty commands for blank lines (the caller skips them)', () => {
    expect(parseChunks(['\r\n\n   \r\n\t\nPING\r\n'])).toEqual([[], [], [], [], ['PING']]);
  });

  it('waits for the end of line', () => {
    const p = parser();
    expect(parseChunks(['SET k', ' v', '\r'], p)).toEqual([]);
    expect(parseChunks(['\n'], p)).toEqual([['SET', 'k', 'v']]);
  });

  it('keeps a CR that is not just before the LF', () => {
    expect(commands('ECHO a\rb\n')).toEqual([['ECHO', 'a', 'b']]);
    expect(commands('ECHO "a\rb"\n')).toEqual([['ECHO', 'a\rb']]);
  });
});

describe('splitArgs (sdssplitargs)', () => {
  const cases: Array<[string, string[] | null]> = [
    ['', []],
    ['   ', []],
    ['a b  c', ['a', 'b', 'c']],
    ['  lead trail  ', ['lead', 'trail']],
    ['"a b" c', ['a b', 'c']],
    ["'a b' c", ['a b', 'c']],
    ['""', ['']],
    ["''", ['']],
    ['"" x', ['', 'x']],
    ['a"b c"', ['ab c']],
    ["a'b c'", ['ab c']],
    ['"\\n\\r\\t\\b\\a\\\\\\""', ['\n\r\t\b\x07\\"']],
    ['"\\x41\\x4a\\x00\\xff\\xFf"', ['AJ\x00\xff\xff']],
    ['"\\x4"', ['x4']],
    ['"\\xzz"', ['xzz']],
    ['"\\q"', ['q']],
    ["'\\n'", ['\\n']],
    ["'it\\'s'", ["it's"]],
    ["'a\\\\b'", ['a\\\\b']],
    ['"a"\t"b"', ['a', 'b']],
    ['"a" "b"', ['a', 'b']],
    ['x"y"z', null],
    ['"unterminated', null],
    ["'unterminated", null],
    ['"a"b', null],
    ["'a'b", null],
    ['"ends with backslash\\"', null],
    ['"a\\', null],
    // Outside quotes \v and \f belong to the token; leading ones are skipped as blanks.
    ['a\x0bb c', ['a\x0bb', 'c']],
    ['a\x0cb', ['a\x0cb']],
    ['\x0b\x0ca', ['a']],
    // A closing quote may be followed by any isspace() character.
    ['"a"\x0bb', ['a', 'b']],
    ['\xe9t\xe9 \x80', ['\xe9t\xe9', '\x80']],
  ];
  it.each(cases)('%j -> %j', (line, expected) => {
    expect(splitArgs(line)).toEqual(expected);
  });
});

describe('RESP parser: chunks in a reused read buffer', () => {
  /** Feed each chunk through one shared buffer, overwritten between reads, as the transport does. */
  function viaSharedBuffer(chunks: string[]): string[][] {
    const shared = Buffer.alloc(1 << 17);
    const p = parser();
    const out: string[][] = [];
    for (const c of chunks) {
      const n = shared.write(c, 'latin1');
      p.feed(shared.subarray(0, n));
      out.push(...drain(p));
      p.retain();
      shared.fill(0x21);
    }
    return out;
  }

  test('a command split across reads survives the buffer being overwritten', () => {
    const cmd = '*3\r\n$3\r\nSET\r\n$5\r\nhello\r\n$5\r\nworld\r\n';
    for (let cut = 1; cut < cmd.length; cut++) {
      expect(viaSharedBuffer([cmd.slice(0, cut), cmd.slice(cut) + '*1\r\n$4\r\nPING\r\n'])).toEqual([
        ['SET', 'hello', 'world'],
        ['PING'],
      ]);
    }
  });

  test('a big argument arriving in many reads is assembled from copies', () => {
    const big = 'x'.repeat(100000) + 'y';
    const cmd = `*2\r\n$3\r\nGET\r\n$${big.length}\r\n${big}\r\n`;
    const chunks: string[] = [];
    for (let i = 0; i < cmd.length; i += 7000) chunks.push(cmd.slice(i, i + 7000));
    expect(viaSharedBuffer(chunks)).toEqual([['GET', big]]);
  });

  test('commands behind two big arguments come out in order, whatever the chunk size', () => {
    const a = 'a'.repeat(40000);
    const b = 'b'.repeat(50000);
    const cmd = `*3\r\n$6\r\nEXISTS\r\n$${a.length}\r\n${a}\r\n$${b.length}\r\n${b}\r\n*1\r\n$4\r\nPING\r\n*2\r\n$4\r\nECHO\r\n$2\r\nhi\r\n`;
    for (const size of [1000, 7000, 40005, 65536, 100000]) {
      const chunks: string[] = [];
      for (let i = 0; i < cmd.length; i += size) chunks.push(cmd.slice(i, i + size));
      expect(viaSharedBuffer(chunks)).toEqual([['EXISTS', a, b], ['PING'], ['ECHO', 'hi']]);
    }
  });

  test('input fed while the commands before it are not parsed yet (a waiting client) stays in order', () => {
    const big = 'z'.repeat(70000);
    const header = `*2\r\n$3\r\nGET\r\n$${big.length}\r\n`;
    const cmd = `${header}${big}\r\n*1\r\n$4\r\nPING\r\n`;
    const tail = '*1\r\n$4\r\nQUIT\r\n';
    const p = parser();
    p.feed(Buffer.from(cmd.slice(0, 20000), 'latin1'));
    expect(p.next()).toBeNull();
    // The big argument completes with part of the PING behind it, then more arrives, no next() between.
    p.feed(Buffer.from(cmd.slice(20000, cmd.length - 6), 'latin1'));
    p.feed(Buffer.from(cmd.slice(cmd.length - 6) + tail, 'latin1'));
    expect(p.pending).toBe(cmd.length + tail.length - header.length);
    expect(drain(p)).toEqual([['GET', big], ['PING'], ['QUIT']]);
    expect(p.pending).toBe(0);
  });
});
