import { useCompat } from '../helpers/compat';
import { command, RawClient } from '../helpers/raw-client';

/**
 * The protocol layer against a real redis-server 7.0: malformed RESP, inline commands,
 * pipelining up to an error, dispatch errors. Raw bytes in, raw bytes out, on both servers.
 */

interface Outcome {
  /** Every byte the server wrote. */
  out: string;
  /** Whether it closed the connection. */
  closed: boolean;
  /** The reply to a PING sent afterwards (connection still usable), if one was sent. */
  ping?: string;
}

/** Send `input` in one write; the server must close the connection: returns what it wrote first. */
async function untilClosed(port: number, input: string | Buffer): Promise<Outcome> {
  const c = await RawClient.connect(port);
  try {
    c.write(input);
    await c.waitClosed();
    return { out: c.unread, closed: c.closed };
  } finally {
    c.close();
  }
}

/**
 * Send `input` in one write and read `replies` replies; then a PING shows whether the
 * connection is still usable. Returns the raw replies and the PING's.
 */
async function answered(port: number, input: string | Buffer, replies: number): Promise<Outcome> {
  const c = await RawClient.connect(port);
  try {
    c.write(input);
    let out = '';
    for (let i = 0; i < replies; i++) out += await c.read();
    const ping = await c.call('PING');
    return { out, closed: c.closed, ping };
  } finally {
    c.close();
  }
}

/** `+OK` and friends for several commands sent raw and answered in order. */
async function pipeline(port: number, cmds: string[][]): Promise<string[]> {
  const c = await RawClient.connect(port);
  try {
    c.write(cmds.map((a) => command(...a)).join(''));
    const out: string[] = [];
    for (let i = 0; i < cmds.length; i++) out.push(await c.read());
    return out;
  } finally {
    c.close();
  }
}

describe('protocol vs redis-server 7.0', () => {
  const h = useCompat();

  /** Both servers, same input: same bytes, and both close. */
  async function sameClose(input: string | Buffer): Promise<Outcome> {
    const redis = await untilClosed(h.redisPort(), input);
    const ferrous = await untilClosed(h.ferrousPort(), input);
    expect({ input: show(input), ...ferrous }).toEqual({ input: show(input), ...redis });
    expect(redis.closed).toBe(true);
    return redis;
  }

  /** Both servers, same input: the same `replies` replies, and both keep the connection. */
  async function sameAnswer(input: string | Buffer, replies: number): Promise<Outcome> {
    const redis = await answered(h.redisPort(), input, replies);
    const ferrous = await answered(h.ferrousPort(), input, replies);
    expect({ input: show(input), ...ferrous }).toEqual({ input: show(input), ...redis });
    expect(redis.closed).toBe(false);
    expect(redis.ping).toBe('+PONG\r\n');
    return redis;
  }

  function show(input: string | Buffer): string {
    const s = typeof input === 'string' ? input : input.latin1Slice(0, input.length);
    return JSON.stringify(s.length > 120 ? `${s.slice(0, 60)}...(${s.length} bytes)...${s.slice(-40)}` : s);
  }

  describe('malformed RESP: same error bytes, connection closed', () => {
    it.each([
      ['invalid multibulk length', '*x\r\n'],
      ['multibulk length with a leading zero', '*01\r\n$4\r\nPING\r\n'],
      ['multibulk length beyond INT_MAX', '*2147483648\r\n'],
      ['negative multibulk length overflowing int64', '*-9999999999999999999\r\nPING\r\n'],
      ['multibulk length with a plus sign', '*+1\r\n$4\r\nPING\r\n'],
      ['invalid bulk length', '*1\r\n$x\r\n'],
      ['negative bulk length', '*1\r\n$-1\r\n'],
      ['bulk length -0', '*1\r\n$-0\r\n'],
      ['bulk length with a leading zero', '*1\r\n$04\r\nPING\r\n'],
      ["expected '$'", '*1\r\nx\r\n'],
      ["expected '$' got ':'", '*2\r\n$3\r\nGET\r\n:1\r\n'],
      ["expected '$' got CR (printed as a space)", '*1\r\n\r\n'],
      ["expected '$' got LF (printed as a space)", '*1\r\n\n\r\n'],
      ["expected '$' got a high byte", '*1\r\n\xff\r\n'],
      ['unbalanced double quotes inline', 'SET "a b\r\n'],
      ['unbalanced single quotes inline', "SET 'a b\r\n"],
      ['closing quote followed by a character', 'SET "a"b c\r\n'],
      ['escaped closing quote', 'SET k "v\\"\r\n'],
      ['bulk length above proto-max-bulk-len (512mb)', '*1\r\n$536870913\r\n'],
      ['bulk length beyond int64', '*1\r\n$99999999999999999999\r\n'],
    ])('%s', async (_name, input) => {
      const r = await sameClose(input);
      expect(r.out.startsWith('-ERR Protocol error: ')).toBe(true);
    });

    it('too big inline request (64 KB without a newline)', async () => {
      const r = await sameClose('x'.repeat(70000));
      expect(r.out).toBe('-ERR Protocol error: too big inline request\r\n');
    });

    it('too big multibulk count string', async () => {
      const r = await sameClose('*' + '1'.repeat(70000));
      expect(r.out).toBe('-ERR Protocol error: too big mbulk count string\r\n');
    });

    it('too big bulk count string', async () => {
      const r = await sameClose('*1\r\n$' + '1'.repeat(70000));
      expect(r.out).toBe('-ERR Protocol error: too big bulk count string\r\n');
    });

    it('a bulk length above a lowered proto-max-bulk-len', async () => {
      for (const port of [h.redisPort(), h.ferrousPort()]) {
        const c = await RawClient.connect(port);
        expect(await c.call('CONFIG', 'SET', 'proto-max-bulk-len', '1mb')).toBe('+OK\r\n');
        c.close();
      }
      try {
        const over = await sameClose(`*2\r\n$4\r\nECHO\r\n$${1024 * 1024 + 1}\r\n`);
        expect(over.out).toBe('-ERR Protocol error: invalid bulk length\r\n');
        // The limit itself is accepted.
        const value = 'v'.repeat(1024 * 1024);
        const at = await sameAnswer(command('SET', 'big', value) + command('STRLEN', 'big'), 2);
        expect(at.out).toBe('+OK\r\n:1048576\r\n');
      } finally {
        for (const port of [h.redisPort(), h.ferrousPort()]) {
          const c = await RawClient.connect(port);
          expect(await c.call('CONFIG', 'SET', 'proto-max-bulk-len', '512mb')).toBe('+OK\r\n');
          c.close();
        }
      }
    });
  });

  describe('pipelining up to a protocol error', () => {
    it('answers the commands before the error, then the error, then closes', async () => {
      const input = command('SET', 'k', 'v') + 'GET k\r\n' + command('APPEND', 'k', 'w') + '*1\r\n$x\r\n' + command('GET', 'k');
      const r = await sameClose(input);
      expect(r.out).toBe('+OK\r\n$1\r\nv\r\n:2\r\n-ERR Protocol error: invalid bulk length\r\n');
    });

    it('runs the commands before an unbalanced inline line and not those after', async () => {
      const r = await sameClose('SET a 1\r\nINCR a\r\nSET b "x\r\nSET c 3\r\n');
      expect(r.out).toBe('+OK\r\n:2\r\n-ERR Protocol error: unbalanced quotes in request\r\n');
      const check = await pipeline(h.ferrousPort(), [['GET', 'a'], ['EXISTS', 'b', 'c']]);
      expect(check).toEqual(await pipeline(h.redisPort(), [['GET', 'a'], ['EXISTS', 'b', 'c']]));
      expect(check).toEqual(['$1\r\n2\r\n', ':0\r\n']);
    });

    it('drops a client sending POST or Host: (cross-protocol scripting), without a reply', async () => {
      for (const input of ['POST / HTTP/1.1\r\nHost: example\r\n\r\n', 'PING\r\nHost: x\r\n', command('PING') + command('post', 'x'), 'hOsT:\r\n']) {
        const r = await sameClose(input);
        expect(r.out).toBe('');
      }
      // HOST without the colon is just an unknown command.
      await sameAnswer('HOST\r\n', 1);
    });
  });

  describe('inline commands', () => {
    it('splits like sdssplitargs: quotes, escapes, hex, blanks', async () => {
      const input = [
        'SET k1 "a b\\x41\\x4a\\n\\t\\\\ \\"q\\""',
        "SET k2 'it\\'s a \\n literal'",
        '  SET   k3\tv3  ',
        'SET "" empty-key',
        'SET k4 ""',
        'SET k5 a\x0bb',
        '',
        '\t',
        'MGET k1 k2 k3 "" k4 k5',
      ].join('\r\n');
      const r = await sameAnswer(input + '\r\n', 7);
      expect(r.out).toBe(
        '+OK\r\n+OK\r\n+OK\r\n+OK\r\n+OK\r\n+OK\r\n' +
          '*6\r\n$12\r\na bAJ\n\t\\ "q"\r\n$17\r\nit\'s a \\n literal\r\n$2\r\nv3\r\n$9\r\nempty-key\r\n$0\r\n\r\n$3\r\na\x0bb\r\n',
      );
    });

    it('accepts LF alone, mixes with multibulk, and skips blank lines and *0', async () => {
      const r = await sameAnswer('PING\n\r\n\n*0\r\n' + command('ECHO', 'x') + 'ECHO y\n*-1\r\nECHO "z"\r\n', 4);
      expect(r.out).toBe('+PONG\r\n$1\r\nx\r\n$1\r\ny\r\n$1\r\nz\r\n');
    });

    it('assembles a multi-megabyte bulk sent in many small writes', async () => {
      const value = Buffer.alloc(3 * 1024 * 1024 + 5);
      for (let i = 0; i < value.length; i++) value[i] = (i * 31 + 7) & 0xff;
      const stream = Buffer.concat([
        Buffer.from(`*3\r\n$3\r\nSET\r\n$3\r\nbig\r\n$${value.length}\r\n`, 'latin1'),
        value,
        Buffer.from('\r\n' + command('STRLEN', 'big') + command('GETRANGE', 'big', '1000000', '1000015'), 'latin1'),
      ]);
      const results: string[] = [];
      for (const port of [h.redisPort(), h.ferrousPort()]) {
        const c = await RawClient.connect(port);
        for (let off = 0; off < stream.length; off += 7919) c.write(stream.subarray(off, Math.min(stream.length, off + 7919)));
        results.push((await c.read()) + (await c.read()) + (await c.read()));
        const full = await c.call('GET', 'big');
        expect(Buffer.from(full, 'latin1').subarray(full.indexOf('\r\n') + 2, -2).equals(value)).toBe(true);
        c.close();
      }
      expect(results[1]).toBe(results[0]);
      expect(results[0].startsWith(`+OK\r\n:${value.length}\r\n$16\r\n`)).toBe(true);
    });

    it('pipelines many small commands in one write', async () => {
      let input = '';
      for (let i = 0; i < 500; i++) input += i % 2 === 0 ? `INCR n\r\n` : command('INCRBY', 'n', '2');
      const r = await sameAnswer(input, 500);
      expect(r.out.endsWith(':750\r\n')).toBe(true);
    });
  });

  describe('dispatch errors', () => {
    it('unknown command: quotes, truncation at 128 bytes, many args', async () => {
      await h.same(
        ['NOSUCH'],
        ['nosuch', 'a', 'b'],
        ['x'.repeat(200), 'arg'],
        ['NOSUCH', 'y'.repeat(300)],
        ['NOSUCH', ...Array.from({ length: 60 }, (_, i) => `arg${i}`)],
        ['NOSUCH', 'a'.repeat(100), 'b'.repeat(100), 'c'],
        ['NOSUCH', ...Array.from({ length: 20 }, () => 'z'.repeat(10))],
        ['NOSUCH', ''],
        ['', 'x'],
      );
    });

    it('unknown command with binary bytes: cut at NUL, CR/LF printed as spaces', async () => {
      await h.same(
        ['fo\x00o', 'a\x00b', 'c'],
        ['NOSUCH', '\x00tail'],
        ['bad\r\nname', 'x\ry', 'z\n'],
        ['\xff\xfe', '\x80'],
        ['NOSUCH', 'é'.repeat(80)],
      );
    });

    it('wrong number of arguments, for commands and subcommands', async () => {
      await h.same(['GET'], ['GET', 'a', 'b'], ['get'], ['SET', 'k'], ['PING', 'a', 'b'], ['CONFIG'], ['CONFIG', 'GET'], ['config', 'set', 'hz'], ['OBJECT']);
    });

    it('unknown subcommand: the Redis text, NUL cut, 128 bytes', async () => {
      await h.same(['CONFIG', 'NOSUCH'], ['config', 'nosuch', 'x'], ['OBJECT', 'bad\x00sub'], ['CONFIG', 's'.repeat(200)], ['CONFIG', 'Get', 'hz']);
    });
  });

  describe('a bad client does not harm stored data', () => {
    it('keeps every key and value after malformed input from another client', async () => {
      const binary = Array.from({ length: 256 }, (_, i) => String.fromCharCode(i)).join('');
      const setup = [
        ['SET', 'plain', 'value'],
        ['SET', 'bin\x00key', binary],
        ['SET', 'crlf', 'a\r\nb'],
        ['INCRBY', 'counter', '41'],
      ];
      // [input, whether the server closes the connection (else the client gives up half-way)]
      const bad: Array<[string, boolean]> = [
        ['*1\r\n$x\r\n', true],
        ['SET plain "broken\r\n', true],
        ['*3\r\n$3\r\nSET\r\n$5\r\nplain\r\n$99\r\nshort\r\n*x\r\n', false],
        ['*2\r\n$3\r\nDEL\r\n' + 'z'.repeat(10), false],
        ['*3\r\n$3\r\nSET\r\n$5\r\nplain\r\n', false],
        ['x'.repeat(70000), true],
        ['*1\r\n$536870913\r\n', true],
        ['POST / HTTP/1.1\r\n', true],
      ];
      const check = [['GET', 'plain'], ['GET', 'bin\x00key'], ['GET', 'crlf'], ['INCR', 'counter'], ['DBSIZE']];
      const results: Record<string, string[]> = {};
      for (const [name, port] of [
        ['redis', h.redisPort()],
        ['ferrous', h.ferrousPort()],
      ] as const) {
        const c = await RawClient.connect(port);
        await c.call('FLUSHALL');
        c.close();
        await pipeline(port, setup);
        for (const [input, closes] of bad) {
          const b = await RawClient.connect(port);
          b.write(input);
          // Either the server closes (protocol error) or the client gives up: both must be harmless.
          if (closes) await b.waitClosed();
          b.close();
          expect(b.unread.startsWith('+') || b.unread.startsWith(':')).toBe(false);
        }
        results[name] = await pipeline(port, check);
      }
      expect(results.ferrous).toEqual(results.redis);
      expect(results.redis).toEqual(['$5\r\nvalue\r\n', `$256\r\n${binary}\r\n`, '$4\r\na\r\nb\r\n', ':42\r\n', ':4\r\n']);
    });
  });
});

describe('protocol limits before AUTH vs redis-server 7.0', () => {
  const h = useCompat({ requirepass: 'pw' }, ['--requirepass', 'pw']);

  async function both(fn: (port: number) => Promise<Outcome>): Promise<Outcome> {
    const r = await fn(h.redisPort());
    const f = await fn(h.ferrousPort());
    expect(f).toEqual(r);
    return r;
  }

  it('refuses more than 10 arguments before authentication', async () => {
    const r = await both((port) => untilClosed(port, '*11\r\n'));
    expect(r.out).toBe('-ERR Protocol error: unauthenticated multibulk length\r\n');
  });

  it('refuses a bulk over 16 KB before authentication', async () => {
    const r = await both((port) => untilClosed(port, '*2\r\n$4\r\nAUTH\r\n$16385\r\n'));
    expect(r.out).toBe('-ERR Protocol error: unauthenticated bulk length\r\n');
  });

  it('accepts 10 arguments and 16 KB (answering NOAUTH), and lifts the limits after AUTH', async () => {
    // The arity check comes before the authentication check, as in Redis.
    const ten = await both((port) =>
      answered(port, command('MGET', ...Array.from({ length: 9 }, () => 'k')) + command('ECHO', 'x'.repeat(16384)) + command('GET', 'a', 'b'), 3),
    );
    expect(ten.out).toBe("-NOAUTH Authentication required.\r\n-NOAUTH Authentication required.\r\n-ERR wrong number of arguments for 'get' command\r\n");
    expect(ten.ping).toBe('-NOAUTH Authentication required.\r\n');
    const after = await both((port) => answered(port, command('AUTH', 'pw') + command('ECHO', 'y'.repeat(20000)) + command('DEL', ...Array.from({ length: 20 }, (_, i) => `k${i}`)), 3));
    expect(after.out).toBe(`+OK\r\n$20000\r\n${'y'.repeat(20000)}\r\n:0\r\n`);
  });
});
