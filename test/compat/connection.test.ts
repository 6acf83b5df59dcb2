import { useCompat } from '../helpers/compat';
import { waitFor, waitParked } from '../helpers/fixtures';
import { command, RawClient } from '../helpers/raw-client';

/** Every command in one write, then QUIT; returns all bytes the server sent before closing. */
async function transcript(port: number, commands: string[][]): Promise<string> {
  const c = await RawClient.connect(port);
  try {
    c.write(commands.map((a) => command(...a)).join('') + command('CLIENT', 'REPLY', 'ON') + command('QUIT'));
    await c.waitClosed();
    return c.unread;
  } finally {
    c.close();
  }
}

/** Values that differ between any two servers (ids, addresses, ages, memory) become '*'. */
const VOLATILE = /\b(id|addr|laddr|fd|age|idle|qbuf|qbuf-free|argv-mem|multi-mem|rbs|rbp|obl|oll|omem|tot-mem)=[^ \n]*/g;
function normaliseInfo(raw: string): string {
  return raw.replace(/^(=|\$)\d+\r\n/, '$1N\r\n').replace(VOLATILE, '$1=*');
}
function normaliseHello(raw: string): string {
  return raw.replace(/(\$2\r\nid\r\n:)\d+/g, '$1*');
}

describe('connection commands vs redis-server 7.0', () => {
  const h = useCompat();

  it('PING and ECHO', async () => {
    await h.same(['PING'], ['PING', 'hello world'], ['PING', 'a', 'b'], ['ping', ''], ['ECHO', 'x'], ['ECHO', '\x00\xff\r\nbin'], ['ECHO'], ['ECHO', 'a', 'b']);
  });

  it('SELECT', async () => {
    await h.same(
      ['SELECT', '1'],
      ['SET', 'k', 'one'],
      ['SELECT', '15'],
      ['GET', 'k'],
      ['SELECT', '1'],
      ['GET', 'k'],
      ['SELECT', '16'],
      ['SELECT', '-1'],
      ['SELECT', 'abc'],
      ['SELECT', '01'],
      ['SELECT', '1.0'],
      ['SELECT', ' 1'],
      ['SELECT', '2147483648'],
      ['SELECT', '-2147483649'],
      ['SELECT', '99999999999999999999'],
      ['SELECT'],
      ['SELECT', '1', '2'],
    );
  });

  it('AUTH without a configured password', async () => {
    await h.same(['AUTH', 'pw'], ['AUTH', 'default', 'x'], ['AUTH', 'foo', 'x'], ['AUTH', 'a', 'b', 'c'], ['AUTH'], ['PING']);
  });

  it('HELLO errors', async () => {
    await h.same(
      ['HELLO', '4'],
      ['HELLO', '1'],
      ['HELLO', '0'],
      ['HELLO', '-1'],
      ['HELLO', 'abc'],
      ['HELLO', '3.0'],
      ['HELLO', '3', 'foo'],
      ['HELLO', '3', 'auth'],
      ['HELLO', '3', 'AUTH', 'default'],
      ['HELLO', '2', 'SETNAME'],
      ['HELLO', '3', 'SETNAME', 'a b'],
      ['HELLO', '2', 'AUTH', 'nobody', 'x'],
      ['HELLO', '3', 'SETNAME', 'a b', 'AUTH', 'nobody', 'x'],
      ['HELLO', '3', 'AUTH', 'nobody', 'x', 'SETNAME', 'a b'],
      ['HELLO', '3', 'SETNAME', 'first', 'AUTH', 'nobody', 'x'],
      ['CLIENT', 'GETNAME'],
      ['HELLO', '3', 'SETNAME', 'second', 'bogus'],
      ['CLIENT', 'GETNAME'],
      ['PING'],
    );
  });

  it('HELLO replies (id normalised), in both protocols', async () => {
    const cmds = [['HELLO'], ['HELLO', '3'], ['HELLO'], ['HELLO', '2', 'SETNAME', 'n1'], ['CLIENT', 'GETNAME'], ['HELLO', '3', 'AUTH', 'default', 'any', 'SETNAME', ''], ['CLIENT', 'GETNAME']];
    const { ferrous, redis } = await h.both(cmds);
    expect(ferrous.map(normaliseHello)).toEqual(redis.map(normaliseHello));
  });

  it('CLIENT SETNAME / GETNAME / ID / HELP and unknown subcommands', async () => {
    await h.same(
      ['CLIENT', 'GETNAME'],
      ['CLIENT', 'SETNAME', 'my-name'],
      ['CLIENT', 'GETNAME'],
      ['CLIENT', 'SETNAME', 'a b'],
      ['CLIENT', 'SETNAME', 'a\nb'],
      ['CLIENT', 'SETNAME', '\xffbin'],
      ['CLIENT', 'SETNAME', '~!'],
      ['CLIENT', 'GETNAME'],
      ['CLIENT', 'SETNAME', ''],
      ['CLIENT', 'GETNAME'],
      ['CLIENT', 'SETNAME'],
      ['CLIENT', 'SETNAME', 'a', 'b'],
      ['CLIENT', 'ID', 'x'],
      ['CLIENT', 'HELP'],
      ['CLIENT', 'help'],
      ['CLIENT', 'NOPE'],
      ['CLIENT'],
    );
  });

  it('CLIENT LIST / KILL / PAUSE / NO-EVICT / REPLY argument handling', async () => {
    await h.same(
      ['CLIENT', 'LIST', 'foo'],
      ['CLIENT', 'LIST', 'ID'],
      ['CLIENT', 'LIST', 'ID', 'x'],
      ['CLIENT', 'LIST', 'ID', '99999'],
      ['CLIENT', 'LIST', 'TYPE', 'bogus'],
      ['CLIENT', 'LIST', 'TYPE', 'pubsub'],
      ['CLIENT', 'LIST', 'TYPE', 'MASTER'],
      ['CLIENT', 'LIST', 'TYPE', 'replica'],
      ['CLIENT', 'LIST', 'TYPE', 'slave'],
      ['CLIENT', 'LIST', 'TYPE', 'normal', 'x'],
      ['CLIENT', 'KILL'],
      ['CLIENT', 'KILL', '1.2.3.4:5'],
      ['CLIENT', 'KILL', '1.2.3.4:5', 'x'],
      ['CLIENT', 'KILL', 'ID', '99999'],
      ['CLIENT', 'KILL', 'ID', '0'],
      ['CLIENT', 'KILL', 'ID', 'abc'],
      ['CLIENT', 'KILL', 'ID', '1', 'TYPE'],
      ['CLIENT', 'KILL', 'TYPE', 'bogus'],
      ['CLIENT', 'KILL', 'USER', 'nobody'],
      ['CLIENT', 'KILL', 'SKIPME', 'maybe'],
      ['CLIENT', 'KILL', 'FOO', 'bar'],
      ['CLIENT', 'KILL', 'ADDR', '1.2.3.4:5', 'SKIPME', 'yes'],
      ['CLIENT', 'KILL', 'LADDR', '1.2.3.4:5', 'TYPE', 'master'],
      ['CLIENT', 'PAUSE'],
      ['CLIENT', 'PAUSE', 'abc'],
      ['CLIENT', 'PAUSE', '-1'],
      ['CLIENT', 'PAUSE', '10', 'foo'],
      ['CLIENT', 'PAUSE', 'abc', 'foo'],
      ['CLIENT', 'PAUSE', '10', 'WRITE', 'x'],
      ['CLIENT', 'PAUSE', '0', 'write'],
      ['CLIENT', 'UNPAUSE'],
      ['CLIENT', 'UNPAUSE', 'x'],
      ['CLIENT', 'NO-EVICT', 'maybe'],
      ['CLIENT', 'NO-EVICT', 'ON'],
      ['CLIENT', 'NO-EVICT', 'off'],
      ['CLIENT', 'NO-EVICT'],
      ['CLIENT', 'REPLY', 'maybe'],
      ['CLIENT', 'REPLY'],
      ['CLIENT', 'REPLY', 'ON'],
    );
  });

  it('RESP3 replies: null names, verbatim lists, PING', async () => {
    await h.same3(['CLIENT', 'GETNAME'], ['CLIENT', 'LIST', 'ID', '99999'], ['CLIENT', 'SETNAME', 'x'], ['CLIENT', 'GETNAME'], ['PING'], ['PING', 'm'], ['ECHO', 'e'], ['SELECT', '2']);
  });

  it('CLIENT INFO has the same fields and values, volatile ones aside', async () => {
    const cmds = [
      ['CLIENT', 'INFO'],
      ['SELECT', '3'],
      ['CLIENT', 'SETNAME', 'info-test'],
      ['CLIENT', 'NO-EVICT', 'on'],
      ['CLIENT', 'INFO'],
      ['HELLO', '3'],
      ['CLIENT', 'INFO'],
      ['CLIENT', 'REPLY', 'ON'],
      ['CLIENT', 'INFO'],
    ];
    const { ferrous, redis } = await h.both(cmds);
    const keep = [0, 1, 2, 3, 4, 6, 7, 8];
    expect(keep.map((i) => normaliseInfo(ferrous[i]))).toEqual(keep.map((i) => normaliseInfo(redis[i])));
  });

  it('CLIENT LIST TYPE normal and CLIENT LIST ID show the caller like CLIENT INFO', async () => {
    const f = await RawClient.connect(h.ferrousPort());
    const r = await RawClient.connect(h.redisPort());
    try {
      for (const c of [f, r]) await c.call('SELECT', '7');
      const fid = (await f.call('CLIENT', 'ID')).slice(1, -2);
      const rid = (await r.call('CLIENT', 'ID')).slice(1, -2);
      const mine = (raw: string, id: string) => raw.split('\n').filter((l) => l.includes(`id=${id} `));
      const fl = mine(await f.call('CLIENT', 'LIST', 'TYPE', 'normal'), fid);
      const rl = mine(await r.call('CLIENT', 'LIST', 'TYPE', 'normal'), rid);
      expect(fl.map(normaliseInfo)).toEqual(rl.map(normaliseInfo));
      expect(fl).toHaveLength(1);
      expect(normaliseInfo(await f.call('CLIENT', 'LIST', 'ID', fid))).toEqual(normaliseInfo(await r.call('CLIENT', 'LIST', 'ID', rid)));
    } finally {
      f.close();
      r.close();
    }
  });

  it('CLIENT REPLY OFF / SKIP / ON, pipelined', async () => {
    const cmds = [
      ['CLIENT', 'REPLY', 'OFF'],
      ['ECHO', 'h1'],
      ['PING', 'a', 'b'],
      ['CLIENT', 'REPLY', 'SKIP'],
      ['ECHO', 'h2'],
      ['CLIENT', 'REPLY', 'ON'],
      ['ECHO', 's1'],
      ['CLIENT', 'REPLY', 'SKIP'],
      ['ECHO', 'h3'],
      ['ECHO', 's2'],
      ['CLIENT', 'REPLY', 'SKIP'],
      ['NOSUCHCOMMAND'],
      ['CLIENT', 'REPLY', 'SKIP'],
      ['CLIENT', 'REPLY', 'ON'],
      ['CLIENT', 'REPLY', 'bad'],
    ];
    expect(await transcript(h.ferrousPort(), cmds)).toEqual(await transcript(h.redisPort(), cmds));
  });

  it('RESET, pipelined', async () => {
    const cmds = [
      ['SELECT', '4'],
      ['CLIENT', 'SETNAME', 'r'],
      ['HELLO', '3', 'SETNAME', 'r3'],
      ['CLIENT', 'REPLY', 'OFF'],
      ['RESET'],
      ['CLIENT', 'GETNAME'],
      ['SET', 'in-db-0', 'x'],
      ['SELECT', '4'],
      ['EXISTS', 'in-db-0'],
      ['HELLO', '3'],
      ['CLIENT', 'REPLY', 'SKIP'],
      ['RESET'],
      ['PING'],
      ['RESET', 'extra'],
    ];
    const f = await transcript(h.ferrousPort(), cmds);
    const r = await transcript(h.redisPort(), cmds);
    expect(normaliseHello(f)).toEqual(normaliseHello(r));
  });

  // Not compared: QUIT under CLIENT REPLY OFF or SKIP, which Redis 7.0 never closes (only a
  // write triggers the close); Ferrous closes it (test/modules/connection).
  it('QUIT closes after its reply and ignores what follows', async () => {
    for (const cmds of [[['PING'], ['QUIT'], ['PING']], [['QUIT', 'x', 'y'], ['SET', 'a', 'b']]]) {
      const run = async (port: number) => {
        const c = await RawClient.connect(port);
        c.write(cmds.map((a) => command(...a)).join(''));
        await c.waitClosed();
        return c.unread;
      };
      expect(await run(h.ferrousPort())).toEqual(await run(h.redisPort()));
    }
  });

  it('many pipelined PINGs in one write', async () => {
    const cmds: string[][] = [];
    for (let i = 0; i < 300; i++) cmds.push(i % 3 === 0 ? ['PING'] : i % 3 === 1 ? ['PING', `p${i}`] : ['ECHO', `e${i}`]);
    expect(await transcript(h.ferrousPort(), cmds)).toEqual(await transcript(h.redisPort(), cmds));
  });
  it('clients held by CLIENT PAUSE count in INFO blocked_clients, with those blocked on keys', async () => {
    const run = async (port: number): Promise<string[]> => {
      const [admin, writer, popper] = await Promise.all([RawClient.connect(port), RawClient.connect(port), RawClient.connect(port)]);
      const blocked = async (): Promise<string> => /blocked_clients:\d+/.exec(await admin.call('INFO', 'clients'))![0];
      try {
        // The counts are what is compared: first, no connection of an earlier test still blocked.
        await waitFor(async () => (await blocked()) === 'blocked_clients:0', 'earlier blocked clients to go');
        const out = [await blocked()];
        const popperId = await popper.id();
        popper.write(command('BLPOP', 'nolist', '0'));
        await waitParked(admin, popperId);
        out.push(await blocked(), await admin.call('CLIENT', 'PAUSE', '5000', 'WRITE'));
        const writerId = await writer.id();
        writer.write(command('SET', 'x', '1') + command('GET', 'x'));
        await waitParked(admin, writerId);
        // Held by the pause: blocked (flags=b) in the command it sent, as Redis lists it.
        out.push(/ flags=(\S+) .* cmd=(\S+) /.exec(String(await admin.exec('CLIENT', 'LIST', 'ID', String(writerId))))!.slice(1).join(' '));
        out.push(await blocked(), await admin.call('CLIENT', 'UNPAUSE'), await writer.read(), await writer.read());
        out.push(await admin.call('RPUSH', 'nolist', 'v'), await popper.read(), await blocked());
        return out;
      } finally {
        for (const c of [admin, writer, popper]) c.close();
      }
    };
    expect(await run(h.ferrousPort())).toEqual(await run(h.redisPort()));
  });
});

describe('connection commands with requirepass vs redis-server 7.0', () => {
  const h = useCompat({ requirepass: 'secret' }, ['--requirepass', 'secret']);

  const compare = async (cmds: string[][]) => {
    const f = await transcript(h.ferrousPort(), cmds);
    const r = await transcript(h.redisPort(), cmds);
    expect(normaliseHello(f)).toEqual(normaliseHello(r));
  };

  it('NOAUTH before AUTH, WRONGPASS, and a failed AUTH keeps the state', async () => {
    await compare([
      ['PING'],
      ['ECHO', 'x'],
      ['CLIENT', 'ID'],
      ['HELLO'],
      ['HELLO', '3'],
      ['HELLO', '4'],
      ['HELLO', '3', 'SETNAME', 'a b'],
      ['AUTH', 'wrong'],
      ['AUTH', 'default', 'wrong'],
      ['AUTH', 'other', 'secret'],
      ['AUTH', 'a', 'b', 'c'],
      ['PING'],
      ['AUTH', 'secret'],
      ['PING'],
      ['AUTH', 'wrong'],
      ['PING'],
      ['AUTH', 'default', 'secret'],
    ]);
  });

  it('HELLO AUTH and RESET deauthenticating', async () => {
    await compare([
      ['HELLO', '3', 'SETNAME', 'pre-auth'],
      ['HELLO', '3', 'AUTH', 'default', 'nope'],
      ['HELLO', '3', 'AUTH', 'default', 'secret', 'SETNAME', 'authed'],
      ['CLIENT', 'GETNAME'],
      ['HELLO', '2', 'AUTH', 'default', 'secret', 'SETNAME', 'a b'],
      ['CLIENT', 'GETNAME'],
      ['RESET'],
      ['PING'],
      ['CLIENT', 'GETNAME'],
      ['HELLO', '2', 'AUTH', 'default', 'secret'],
      ['PING'],
    ]);
  });
});
