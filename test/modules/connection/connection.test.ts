import Redis from 'ioredis';
import { createClient } from 'redis';
import { Hooks, type Client } from '../../../kernel';
import { command } from '../../helpers/raw-client';
import { decode } from '../../helpers/resp-reader';
import { useServer } from '../../helpers/fixtures';

const FIELDS =
  'id addr laddr fd name age idle flags db sub psub ssub multi qbuf qbuf-free argv-mem multi-mem rbs rbp obl oll omem tot-mem events cmd user redir resp'.split(
    ' ',
  );

/** A CLIENT LIST / CLIENT INFO line as field -> value, checking the fields and their order. */
function parseLine(line: string): Record<string, string> {
  const pairs = line.split(' ').map((kv) => {
    const i = kv.indexOf('=');
    return [kv.slice(0, i), kv.slice(i + 1)] as const;
  });
  expect(pairs.map(([k]) => k)).toEqual(FIELDS);
  return Object.fromEntries(pairs);
}

function infoOf(raw: string): Record<string, string> {
  const text = decode(raw);
  const s = typeof text === 'string' ? text : (text as { verbatim: string }).verbatim;
  expect(s.endsWith('\n')).toBe(true);
  return parseLine(s.slice(0, -1));
}

function listOf(raw: string): Array<Record<string, string>> {
  const text = decode(raw);
  const s = typeof text === 'string' ? text : (text as { verbatim: string }).verbatim;
  return s === '' ? [] : s.slice(0, -1).split('\n').map(parseLine);
}

describe('connection module', () => {
  const srv = useServer({}, { flush: false });

  describe('PING, ECHO, SELECT', () => {
    it('answers PING and PING <message>, and rejects more arguments', async () => {
      const c = await srv.connect();
      expect(await c.call('PING')).toBe('+PONG\r\n');
      expect(await c.call('ping', 'hi there')).toBe('$8\r\nhi there\r\n');
      expect(await c.call('PING', 'a', 'b')).toBe("-ERR wrong number of arguments for 'ping' command\r\n");
    });

    it('answers many PINGs pipelined in one write, in order', async () => {
      const c = await srv.connect();
      let batch = '';
      for (let i = 0; i < 500; i++) batch += i % 2 === 0 ? 'PING\r\n' : command('PING', `m${i}`);
      c.write(batch);
      for (let i = 0; i < 500; i++) {
        expect(await c.read()).toBe(i % 2 === 0 ? '+PONG\r\n' : `$${String(i).length + 1}\r\nm${i}\r\n`);
      }
      expect(c.unread).toBe('');
    });

    it('ECHO returns binary data intact and checks arity', async () => {
      const c = await srv.connect();
      const bin = '\x00\xff\r\n\x80é';
      expect(await c.call('ECHO', bin)).toBe(`$${bin.length}\r\n${bin}\r\n`);
      expect(await c.call('ECHO')).toBe("-ERR wrong number of arguments for 'echo' command\r\n");
      expect(await c.call('ECHO', 'a', 'b')).toBe("-ERR wrong number of arguments for 'echo' command\r\n");
    });

    it('SELECT switches the database and validates the index', async () => {
      const c = await srv.connect();
      expect(await c.call('SELECT', '5')).toBe('+OK\r\n');
      expect(await c.call('SET', 'selkey', 'in5')).toBe('+OK\r\n');
      expect(infoOf(await c.call('CLIENT', 'INFO')).db).toBe('5');
      expect(await c.call('SELECT', '0')).toBe('+OK\r\n');
      expect(await c.call('GET', 'selkey')).toBe('$-1\r\n');
      expect(await c.call('SELECT', '16')).toBe('-ERR DB index is out of range\r\n');
      expect(await c.call('SELECT', '-1')).toBe('-ERR DB index is out of range\r\n');
      expect(await c.call('SELECT', 'x')).toBe('-ERR value is not an integer or out of range\r\n');
      expect(await c.call('SELECT', '1.0')).toBe('-ERR value is not an integer or out of range\r\n');
      expect(await c.call('SELECT', '2147483648')).toBe(
        '-ERR value is out of range, value must between -2147483648 and 2147483647\r\n',
      );
      expect(await c.call('SELECT', '5')).toBe('+OK\r\n');
      expect(await c.call('GET', 'selkey')).toBe('$3\r\nin5\r\n');
    });
  });

  describe('QUIT', () => {
    it('replies OK, closes, and runs nothing pipelined after it', async () => {
      const c = await srv.connect();
      c.write('PING\r\nQUIT\r\nSET afterquit 1\r\nPING\r\n');
      expect(await c.read()).toBe('+PONG\r\n');
      expect(await c.read()).toBe('+OK\r\n');
      await c.waitClosed();
      expect(c.unread).toBe('');
      const d = await srv.connect();
      expect(await d.call('EXISTS', 'afterquit')).toBe(':0\r\n');
    });

    it('accepts arguments and closes without a reply under CLIENT REPLY OFF', async () => {
      const c = await srv.connect();
      expect(await c.call('QUIT', 'extra', 'args')).toBe('+OK\r\n');
      await c.waitClosed();
      const d = await srv.connect();
      d.write(command('CLIENT', 'REPLY', 'OFF') + command('QUIT'));
      await d.waitClosed();
      expect(d.unread).toBe('');
      const e = await srv.connect();
      e.write(command('CLIENT', 'REPLY', 'SKIP') + command('QUIT') + command('PING'));
      await e.waitClosed();
      expect(e.unread).toBe('');
    });
  });

  describe('HELLO', () => {
    it('answers Redis fields in order and switches the protocol', async () => {
      const c = await srv.connect();
      const id = decode(await c.call('CLIENT', 'ID')) as number;
      const r3 = await c.call('HELLO', '3');
      expect(r3.startsWith('%7\r\n')).toBe(true);
      expect(decode(r3)).toEqual({
        map: [
          ['server', 'redis'],
          ['version', '7.0.15'],
          ['proto', 3],
          ['id', id],
          ['mode', 'standalone'],
          ['role', 'master'],
          ['modules', []],
        ],
      });
      // Now in RESP3: CLIENT INFO is a verbatim string, GETNAME's null is '_'.
      expect((await c.call('CLIENT', 'INFO')).startsWith('=')).toBe(true);
      expect(await c.call('CLIENT', 'GETNAME')).toBe('_\r\n');
      const same = await c.call('HELLO');
      expect(same.startsWith('%7\r\n')).toBe(true);
      const r2 = await c.call('HELLO', '2');
      expect(r2.startsWith('*14\r\n')).toBe(true);
      expect((decode(r2) as unknown[])[5]).toBe(2);
      expect(await c.call('CLIENT', 'GETNAME')).toBe('$-1\r\n');
    });

    it('validates the version and options', async () => {
      const c = await srv.connect();
      expect(await c.call('HELLO', '4')).toBe('-NOPROTO unsupported protocol version\r\n');
      expect(await c.call('HELLO', '1')).toBe('-NOPROTO unsupported protocol version\r\n');
      expect(await c.call('HELLO', 'three')).toBe('-ERR Protocol version is not an integer or out of range\r\n');
      expect(await c.call('HELLO', '3', 'foo')).toBe("-ERR Syntax error in HELLO option 'foo'\r\n");
      expect(await c.call('HELLO', '3', 'Auth', 'default')).toBe("-ERR Syntax error in HELLO option 'Auth'\r\n");
      expect(await c.call('HELLO', '3', 'SETNAME')).toBe("-ERR Syntax error in HELLO option 'SETNAME'\r\n");
      expect(await c.call('HELLO', '3', 'SETNAME', 'a b')).toBe(
        '-ERR Client names cannot contain spaces, newlines or special characters.\r\n',
      );
      // Nothing changed on errors.
      expect(infoOf(await c.call('CLIENT', 'INFO')).resp).toBe('2');
    });

    it('sets the name and accepts AUTH default with any password when none is configured', async () => {
      const c = await srv.connect();
      const r = decode(await c.call('HELLO', '3', 'AUTH', 'default', 'whatever', 'SETNAME', 'conn-1')) as { map: unknown[][] };
      expect(r.map[2]).toEqual(['proto', 3]);
      expect(await c.call('CLIENT', 'GETNAME')).toBe('$6\r\nconn-1\r\n');
      expect(await c.call('HELLO', '2', 'AUTH', 'nobody', 'x')).toBe(
        '-WRONGPASS invalid username-password pair or user is disabled.\r\n',
      );
      expect(infoOf(await c.call('CLIENT', 'INFO')).resp).toBe('3');
    });

    it('applies options one by one: a later error keeps earlier ones, but not the protocol', async () => {
      const c = await srv.connect();
      expect(await c.call('HELLO', '3', 'SETNAME', 'kept', 'AUTH', 'nobody', 'x')).toBe(
        '-WRONGPASS invalid username-password pair or user is disabled.\r\n',
      );
      expect(await c.call('HELLO', '3', 'SETNAME', 'kept2', 'bogus')).toBe("-ERR Syntax error in HELLO option 'bogus'\r\n");
      expect(await c.call('CLIENT', 'GETNAME')).toBe('$5\r\nkept2\r\n');
    });
  });

  describe('CLIENT', () => {
    it('SETNAME / GETNAME, with Redis validation of names', async () => {
      const c = await srv.connect();
      expect(await c.call('CLIENT', 'GETNAME')).toBe('$-1\r\n');
      expect(await c.call('CLIENT', 'SETNAME', 'worker-7')).toBe('+OK\r\n');
      expect(await c.call('CLIENT', 'GETNAME')).toBe('$8\r\nworker-7\r\n');
      const bad = '-ERR Client names cannot contain spaces, newlines or special characters.\r\n';
      for (const name of ['a b', 'a\nb', '\xff', 'tab\t', '\x00']) expect(await c.call('CLIENT', 'SETNAME', name)).toBe(bad);
      expect(await c.call('CLIENT', 'GETNAME')).toBe('$8\r\nworker-7\r\n');
      expect(await c.call('CLIENT', 'SETNAME', '')).toBe('+OK\r\n');
      expect(await c.call('CLIENT', 'GETNAME')).toBe('$-1\r\n');
      expect(await c.call('CLIENT', 'SETNAME')).toBe("-ERR wrong number of arguments for 'client|setname' command\r\n");
    });

    it('INFO and LIST show Redis fields in order with real values', async () => {
      const a = await srv.connect();
      const b = await srv.connect();
      const idA = decode(await a.call('CLIENT', 'ID')) as number;
      const idB = decode(await b.call('CLIENT', 'ID')) as number;
      expect(idB).toBeGreaterThan(idA);
      await b.call('CLIENT', 'SETNAME', 'bee');
      await b.call('SELECT', '3');
      await b.call('HELLO', '3');
      await b.call('CLIENT', 'NO-EVICT', 'on');
      const info = infoOf(await a.call('CLIENT', 'INFO'));
      expect(info).toMatchObject({ id: String(idA), name: '', flags: 'N', db: '0', cmd: 'client|info', user: 'default', resp: '2' });
      expect(info).toMatchObject({ sub: '0', psub: '0', ssub: '0', multi: '-1', redir: '-1', events: 'r' });
      expect(info.addr).toBe(`127.0.0.1:${a.socket.localPort}`);
      expect(info.laddr).toBe(`127.0.0.1:${srv.port}`);
      expect(Number(info.fd)).toBeGreaterThan(0);
      expect(Number(info['argv-mem'])).toBe('CLIENTINFO'.length);

      const list = listOf(await a.call('CLIENT', 'LIST'));
      const ids = list.map((l) => Number(l.id));
      expect(ids).toEqual([...ids].sort((x, y) => x - y));
      expect(list.find((l) => l.id === String(idA))!.cmd).toBe('client|list');
      expect(list.find((l) => l.id === String(idB))).toMatchObject({ name: 'bee', db: '3', resp: '3', flags: 'e', cmd: 'client|no-evict' });

      const byId = listOf(await a.call('CLIENT', 'LIST', 'ID', String(idB), '999999', String(idA)));
      expect(byId.map((l) => Number(l.id))).toEqual([idB, idA]);
      expect(listOf(await a.call('CLIENT', 'LIST', 'TYPE', 'normal')).length).toBe(list.length);
      expect(await a.call('CLIENT', 'LIST', 'TYPE', 'pubsub')).toBe('$0\r\n\r\n');
      expect(await a.call('CLIENT', 'LIST', 'TYPE', 'master')).toBe('$0\r\n\r\n');
      expect(await a.call('CLIENT', 'LIST', 'TYPE', 'bogus')).toBe("-ERR Unknown client type 'bogus'\r\n");
      expect(await a.call('CLIENT', 'LIST', 'ID', 'x')).toBe('-ERR Invalid client ID\r\n');
      expect(await a.call('CLIENT', 'LIST', 'ID')).toBe('-ERR syntax error\r\n');
      expect(await a.call('CLIENT', 'LIST', 'foo')).toBe('-ERR syntax error\r\n');
      // RESP3 callers get a verbatim string.
      expect((await b.call('CLIENT', 'LIST', 'ID', String(idB))).startsWith('=')).toBe(true);
      expect(await b.call('CLIENT', 'NO-EVICT', 'off')).toBe('+OK\r\n');
      expect(infoOf(await b.call('CLIENT', 'INFO')).flags).toBe('N');
      expect(await b.call('CLIENT', 'NO-EVICT', 'maybe')).toBe('-ERR syntax error\r\n');
    });

    it('REPLY OFF / SKIP / ON control what is sent', async () => {
      const c = await srv.connect();
      c.write(
        command('CLIENT', 'REPLY', 'OFF') +
          command('ECHO', 'hidden1') +
          command('CLIENT', 'REPLY', 'SKIP') +
          command('ECHO', 'hidden2') +
          command('CLIENT', 'REPLY', 'ON') +
          command('ECHO', 'shown1') +
          command('CLIENT', 'REPLY', 'SKIP') +
          command('ECHO', 'hidden3') +
          command('ECHO', 'shown2') +
          command('CLIENT', 'REPLY', 'SKIP') +
          command('CLIENT', 'REPLY', 'ON') +
          command('CLIENT', 'REPLY', 'maybe'),
      );
      expect(await c.read()).toBe('+OK\r\n');
      expect(await c.read()).toBe('$6\r\nshown1\r\n');
      expect(await c.read()).toBe('$6\r\nshown2\r\n');
      expect(await c.read()).toBe('+OK\r\n');
      expect(await c.read()).toBe('-ERR syntax error\r\n');
      expect(await c.call('PING')).toBe('+PONG\r\n');
    });

    it('KILL by address (old form) and with filters (new form)', async () => {
      const a = await srv.connect();
      const victim = await srv.connect();
      const vId = decode(await victim.call('CLIENT', 'ID')) as number;
      const vAddr = `127.0.0.1:${victim.socket.localPort}`;
      expect(await a.call('CLIENT', 'KILL', vAddr)).toBe('+OK\r\n');
      await victim.waitClosed();
      expect(await a.call('CLIENT', 'KILL', vAddr)).toBe('-ERR No such client\r\n');
      expect(await a.call('CLIENT', 'KILL', 'ID', String(vId))).toBe(':0\r\n');

      const v2 = await srv.connect();
      const v2Id = decode(await v2.call('CLIENT', 'ID')) as number;
      expect(await a.call('CLIENT', 'KILL', 'ID', String(v2Id), 'TYPE', 'normal', 'USER', 'default')).toBe(':1\r\n');
      await v2.waitClosed();

      const v3 = await srv.connect();
      await v3.call('PING');
      expect(await a.call('CLIENT', 'KILL', 'ADDR', `127.0.0.1:${v3.socket.localPort}`, 'LADDR', `127.0.0.1:${srv.port}`)).toBe(':1\r\n');
      await v3.waitClosed();

      const errors: Array<[string[], string]> = [
        [['ID', '0'], 'ERR client-id should be greater than 0'],
        [['ID', 'abc'], 'ERR client-id should be greater than 0'],
        [['TYPE', 'bogus'], "ERR Unknown client type 'bogus'"],
        [['USER', 'nobody'], "ERR No such user 'nobody'"],
        [['SKIPME', 'maybe'], 'ERR syntax error'],
        [['FOO', 'bar'], 'ERR syntax error'],
        [['ID', '1', 'TYPE'], 'ERR syntax error'],
      ];
      for (const [args, err] of errors) expect(await a.call('CLIENT', 'KILL', ...args)).toBe(`-${err}\r\n`);

      // SKIPME defaults to yes; with no, the caller is killed after its reply.
      const aId = String(decode(await a.call('CLIENT', 'ID')));
      expect(await a.call('CLIENT', 'KILL', 'ID', aId)).toBe(':0\r\n');
      expect(await a.call('CLIENT', 'KILL', 'ID', aId, 'SKIPME', 'no')).toBe(':1\r\n');
      await a.waitClosed();
    });

    it('KILL <own addr> replies OK, then closes the caller', async () => {
      const c = await srv.connect();
      expect(await c.call('CLIENT', 'KILL', `127.0.0.1:${c.socket.localPort}`)).toBe('+OK\r\n');
      await c.waitClosed();
    });

    it('PAUSE WRITE holds writes, not reads, until UNPAUSE', async () => {
      const admin = await srv.connect();
      const writer = await srv.connect();
      const reader = await srv.connect();
      expect(await admin.call('CLIENT', 'PAUSE', '100000', 'WRITE')).toBe('+OK\r\n');
      writer.write(command('SET', 'paused-key', 'v'));
      // Round trips on other connections while the write is held.
      for (let i = 0; i < 3; i++) expect(await reader.call('GET', 'paused-key')).toBe('$-1\r\n');
      expect(writer.unread).toBe('');
      expect(await admin.call('CLIENT', 'UNPAUSE')).toBe('+OK\r\n');
      expect(await writer.read()).toBe('+OK\r\n');
      expect(await reader.call('GET', 'paused-key')).toBe('$1\r\nv\r\n');
    });

    it('PAUSE ends by itself after the timeout', async () => {
      const admin = await srv.connect();
      const other = await srv.connect();
      expect(await admin.call('CLIENT', 'PAUSE', '30')).toBe('+OK\r\n');
      expect(await other.call('PING')).toBe('+PONG\r\n');
      expect(await admin.call('CLIENT', 'PAUSE', '0', 'ALL')).toBe('+OK\r\n');
      expect(await other.call('PING')).toBe('+PONG\r\n');
    });

    it('PAUSE validates its arguments', async () => {
      const c = await srv.connect();
      expect(await c.call('CLIENT', 'PAUSE', 'abc')).toBe('-ERR timeout is not an integer or out of range\r\n');
      expect(await c.call('CLIENT', 'PAUSE', '-1')).toBe('-ERR timeout is negative\r\n');
      expect(await c.call('CLIENT', 'PAUSE', 'abc', 'foo')).toBe('-ERR CLIENT PAUSE mode must be WRITE or ALL\r\n');
      expect(await c.call('CLIENT', 'pause', '10', 'WRITE', 'x')).toBe(
        "-ERR unknown subcommand or wrong number of arguments for 'pause'. Try CLIENT HELP.\r\n",
      );
    });

    it('HELP lists the subcommands as status lines', async () => {
      const c = await srv.connect();
      const help = decode(await c.call('CLIENT', 'HELP')) as Array<{ status: string }>;
      expect(help[0]).toEqual({ status: 'CLIENT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:' });
      expect(help.map((h) => h.status)).toContain('NO-EVICT (ON|OFF)');
      expect(await c.call('CLIENT', 'NOPE')).toBe("-ERR unknown subcommand 'NOPE'. Try CLIENT HELP.\r\n");
    });
  });

  describe('RESET', () => {
    it('restores RESP2, db 0, no name, replies on, and tells modules through the hook', async () => {
      const seen: number[] = [];
      srv.container.resolve(Hooks).onClientReset((cl: Client) => seen.push(cl.id));
      const c = await srv.connect();
      const id = decode(await c.call('CLIENT', 'ID')) as number;
      await c.call('SELECT', '4');
      await c.call('CLIENT', 'SETNAME', 'before');
      await c.call('HELLO', '3');
      c.write(command('CLIENT', 'REPLY', 'OFF') + command('RESET'));
      expect(await c.read()).toBe('+RESET\r\n');
      expect(seen).toEqual([id]);
      const info = infoOf(await c.call('CLIENT', 'INFO'));
      expect(info).toMatchObject({ id: String(id), db: '0', name: '', resp: '2', cmd: 'client|info' });
      expect(await c.call('CLIENT', 'GETNAME')).toBe('$-1\r\n');
    });

    it('a pending CLIENT REPLY SKIP swallows the RESET reply, as in Redis', async () => {
      const c = await srv.connect();
      c.write(command('CLIENT', 'REPLY', 'SKIP') + command('RESET') + command('ECHO', 'next'));
      expect(await c.read()).toBe('$4\r\nnext\r\n');
    });
  });

  describe('AUTH without a configured password', () => {
    it('rejects the one-argument form and accepts default with any password', async () => {
      const c = await srv.connect();
      expect(await c.call('AUTH', 'pw')).toBe(
        '-ERR AUTH <password> called without any password configured for the default user. Are you sure your configuration is correct?\r\n',
      );
      expect(await c.call('AUTH', 'default', 'anything')).toBe('+OK\r\n');
      expect(await c.call('AUTH', 'someone', 'anything')).toBe('-WRONGPASS invalid username-password pair or user is disabled.\r\n');
      expect(await c.call('AUTH', 'a', 'b', 'c')).toBe('-ERR syntax error\r\n');
      expect(await c.call('AUTH')).toBe("-ERR wrong number of arguments for 'auth' command\r\n");
    });
  });

  describe('real clients', () => {
    it('ioredis: ping, echo, db and connection name options', async () => {
      const r = new Redis({ port: srv.port, db: 2, connectionName: 'io-client', lazyConnect: true });
      try {
        await r.connect();
        expect(await r.ping()).toBe('PONG');
        expect(await r.echo('hello')).toBe('hello');
        expect(await r.client('GETNAME')).toBe('io-client');
        const info = String(await r.client('INFO'));
        expect(info).toMatch(/ name=io-client .* db=2 /);
        expect(await r.client('ID')).toEqual(expect.any(Number));
      } finally {
        r.disconnect();
      }
    });

    it('node-redis v5 over RESP3 (HELLO 3 with SETNAME)', async () => {
      const client = createClient({ socket: { port: srv.port, host: '127.0.0.1' }, RESP: 3, name: 'nr3', database: 1 });
      client.on('error', () => undefined);
      await client.connect();
      try {
        expect(await client.ping()).toBe('PONG');
        expect(await client.clientGetName()).toBe('nr3');
        const info = String(await client.sendCommand(['CLIENT', 'INFO']));
        expect(info).toMatch(/ name=nr3 .* db=1 .* resp=3\n?$/);
        expect(await client.echo('x')).toBe('x');
      } finally {
        client.destroy();
      }
    });
  });
});

describe('connection module with requirepass', () => {
  const srv = useServer({ requirepass: 'secret' }, { flush: false });
  const WRONGPASS = '-WRONGPASS invalid username-password pair or user is disabled.\r\n';
  const HELLO_NOAUTH =
    '-NOAUTH HELLO must be called with the client already authenticated, otherwise the HELLO AUTH <user> <pass> option can be used to authenticate the client and select the RESP protocol version at the same time\r\n';


  it('answers NOAUTH until AUTH succeeds; failed AUTH keeps the state', async () => {
    const c = await srv.connect();
    expect(await c.call('PING')).toBe('-NOAUTH Authentication required.\r\n');
    expect(await c.call('CLIENT', 'ID')).toBe('-NOAUTH Authentication required.\r\n');
    expect(await c.call('HELLO')).toBe(HELLO_NOAUTH);
    expect(await c.call('HELLO', '3')).toBe(HELLO_NOAUTH);
    expect(await c.call('AUTH', 'wrong')).toBe(WRONGPASS);
    expect(await c.call('AUTH', 'default', 'wrong')).toBe(WRONGPASS);
    expect(await c.call('AUTH', 'other', 'secret')).toBe(WRONGPASS);
    expect(await c.call('PING')).toBe('-NOAUTH Authentication required.\r\n');
    expect(await c.call('AUTH', 'secret')).toBe('+OK\r\n');
    expect(await c.call('PING')).toBe('+PONG\r\n');
    expect(await c.call('AUTH', 'wrong')).toBe(WRONGPASS);
    expect(await c.call('PING')).toBe('+PONG\r\n');
    expect(await c.call('AUTH', 'default', 'secret')).toBe('+OK\r\n');
  });

  it('QUIT works before authentication', async () => {
    const c = await srv.connect();
    expect(await c.call('QUIT')).toBe('+OK\r\n');
    await c.waitClosed();
  });

  it('HELLO AUTH authenticates, sets the name and switches protocol in one go', async () => {
    const c = await srv.connect();
    expect(await c.call('HELLO', '3', 'AUTH', 'default', 'nope')).toBe(WRONGPASS);
    const r = await c.call('HELLO', '3', 'AUTH', 'default', 'secret', 'SETNAME', 'authed');
    expect(r.startsWith('%7\r\n')).toBe(true);
    expect(await c.call('CLIENT', 'GETNAME')).toBe('$6\r\nauthed\r\n');
    expect(infoOf(await c.call('CLIENT', 'INFO')).user).toBe('default');
  });

  it('RESET deauthenticates', async () => {
    const c = await srv.connect();
    expect(await c.call('AUTH', 'secret')).toBe('+OK\r\n');
    expect(await c.call('RESET')).toBe('+RESET\r\n');
    expect(await c.call('PING')).toBe('-NOAUTH Authentication required.\r\n');
  });

  it('ioredis and node-redis (RESP3) authenticate with a password', async () => {
    const r = new Redis({ port: srv.port, password: 'secret', lazyConnect: true });
    const client = createClient({ socket: { port: srv.port, host: '127.0.0.1' }, password: 'secret', RESP: 3 });
    client.on('error', () => undefined);
    try {
      await r.connect();
      expect(await r.ping()).toBe('PONG');
      await client.connect();
      expect(await client.ping()).toBe('PONG');
      expect(String(await client.sendCommand(['CLIENT', 'INFO']))).toMatch(/ resp=3/);
    } finally {
      r.disconnect();
      if (client.isOpen) client.destroy();
    }
  });
});
