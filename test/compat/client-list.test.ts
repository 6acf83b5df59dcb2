import { useCompat } from '../helpers/compat';
import { waitFor } from '../helpers/fixtures';
import { RawClient, command } from '../helpers/raw-client';
import { decode } from '../helpers/resp-reader';

/**
 * CLIENT LIST / CLIENT INFO against redis-server 7.0: the same fields in the same order, and
 * each with Redis's meaning. Allocator-specific figures (tot-mem, qbuf-free) are checked for
 * what they mean, not for Redis's numbers.
 */
type Fields = Map<string, string>;

function parse(line: string): Fields {
  const out = new Map<string, string>();
  for (const pair of line.trim().split(' ')) {
    const eq = pair.indexOf('=');
    out.set(pair.slice(0, eq), pair.slice(eq + 1));
  }
  return out;
}

function num(f: Fields, name: string): number {
  const v = f.get(name);
  if (v === undefined || !/^-?\d+$/.test(v)) throw new Error(`field ${name} is ${v}`);
  return Number(v);
}

async function listed(control: RawClient, name: string): Promise<Fields> {
  const text = decode(await control.call('CLIENT', 'LIST')) as string;
  const line = text.split('\n').find((l) => l.includes(` name=${name} `));
  if (line === undefined) throw new Error(`no client named ${name} in ${text}`);
  return parse(line);
}

/** tot-mem counts at least what the other fields say is held. */
function totMemCoversParts(f: Fields): boolean {
  const parts = ['qbuf', 'qbuf-free', 'argv-mem', 'multi-mem', 'rbs', 'omem'].reduce((n, k) => n + num(f, k), 0);
  return num(f, 'tot-mem') >= parts;
}

/** A read makes room for 16 KB in Redis's query buffer (PROTO_IOBUF_LEN): qbuf-free is what is left of it. */
function queryRoom(f: Fields): boolean {
  return num(f, 'qbuf-free') > 0 && num(f, 'qbuf') + num(f, 'qbuf-free') >= 16 * 1024;
}

/** CLIENT INFO's line among the raw replies of a pipeline. */
function infoOf(replies: string[]): Fields {
  const line = replies.map((r) => decode(r)).find((r): r is string => typeof r === 'string' && r.startsWith('id='));
  if (line === undefined) throw new Error(`no CLIENT INFO reply in ${replies.join('')}`);
  return parse(line);
}

/**
 * The query buffer and the arguments in memory as the caller sees them: Redis trims its query
 * buffer only after a pass over a read, so qbuf counts the pipelined commands before and after
 * CLIENT INFO (a partial one too); inside EXEC the request is EXEC; a command still arriving
 * has its arguments read so far in argv-mem.
 */
async function queryScenario(port: number, control: RawClient, open: (name: string) => Promise<RawClient>): Promise<Record<string, unknown>> {
  const out: Record<string, unknown> = {};
  const piped = await open('piped');
  piped.write(command('PING') + command('CLIENT', 'INFO') + command('PING') + '*3\r\n$3\r\nSET\r\n$1\r\na\r\n$3\r\nxx');
  const p = infoOf([await piped.read(), await piped.read(), await piped.read()]);
  out.pipelined = { qbuf: num(p, 'qbuf'), argvMem: num(p, 'argv-mem'), room: queryRoom(p), obl: num(p, 'obl'), rbpCoversObl: num(p, 'rbp') >= num(p, 'obl') };

  const inline = await RawClient.connect(port);
  try {
    inline.write('PING\r\nCLIENT INFO\r\nPING\r\n');
    const i = infoOf([await inline.read(), await inline.read(), await inline.read()]);
    out.inline = { qbuf: num(i, 'qbuf'), argvMem: num(i, 'argv-mem'), room: queryRoom(i) };
  } finally {
    inline.close();
  }

  const partial = await open('partial');
  partial.write('*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$10\r\nabc');
  await waitFor(async () => num(await listed(control, 'partial'), 'qbuf') !== 0, 'the partial command to be read');
  const part = await listed(control, 'partial');
  out.partial = { qbuf: num(part, 'qbuf'), argvMem: num(part, 'argv-mem'), room: queryRoom(part), cmd: part.get('cmd') };

  const tx = await open('tx');
  for (const cmd of [['MULTI'], ['SET', 'k'.repeat(100), 'v'.repeat(1000)], ['CLIENT', 'INFO'], ['MSET', 'x', 'y', 'z', 'w'], ['CLIENT', 'INFO']]) await tx.call(...cmd);
  const exec = decode(await tx.call('EXEC')) as unknown[];
  out.exec = exec
    .filter((r): r is string => typeof r === 'string')
    .map(parse)
    .map((f) => ({ multi: num(f, 'multi'), qbuf: num(f, 'qbuf'), argvMem: num(f, 'argv-mem'), multiMem: num(f, 'multi-mem'), room: queryRoom(f), rbpCoversObl: num(f, 'rbp') >= num(f, 'obl') && num(f, 'obl') > 0 }));
  return out;
}

/** What a scenario's CLIENT LIST lines mean: the summary must be the same on both servers. */
async function scenario(port: number): Promise<Record<string, unknown>> {
  const control = await RawClient.connect(port);
  const opened: RawClient[] = [control];
  const open = async (name: string): Promise<RawClient> => {
    const c = await RawClient.connect(port);
    opened.push(c);
    await c.call('CLIENT', 'SETNAME', name);
    return c;
  };
  try {
    await control.call('FLUSHALL');
    const self = parse(decode(await control.call('CLIENT', 'INFO')) as string);
    const out: Record<string, unknown> = {
      fields: [...self.keys()],
      // The caller's own command is still in its query buffer and its arguments in memory.
      selfQbuf: num(self, 'qbuf'),
      selfArgvMem: num(self, 'argv-mem'),
      selfCmd: self.get('cmd'),
      selfTotMem: totMemCoversParts(self),
      selfRoom: queryRoom(self),
    };
    out.query = await queryScenario(port, control, open);

    const idle = await open('idle');
    // The cron shrinks a new client's 16 KB reply buffer, and forgets its peak at its first
    // visit or 5 s after the last reset: whether that visit came before or after the SETNAME
    // reply is the cron's timing, on either server. Wait for both, the state is then the same.
    await waitFor(
      async () => {
        const i = await listed(control, 'idle');
        return num(i, 'rbs') < 16 * 1024 && num(i, 'rbp') === 0 && num(i, 'qbuf-free') === 0;
      },
      'the idle reply buffer to shrink, its peak to be forgotten and its query buffer room given back',
      15000,
    );
    const i = await listed(control, 'idle');
    out.idle = {
      qbuf: num(i, 'qbuf'),
      argvMem: num(i, 'argv-mem'),
      multi: num(i, 'multi'),
      multiMem: num(i, 'multi-mem'),
      // An idle client's reply buffer has shrunk to Redis's minimum, its peak forgotten.
      rbs: num(i, 'rbs'),
      rbp: num(i, 'rbp'),
      obl: num(i, 'obl'),
      oll: num(i, 'oll'),
      omem: num(i, 'omem'),
      events: i.get('events'),
      cmd: i.get('cmd'),
      user: i.get('user'),
      redir: i.get('redir'),
      resp: i.get('resp'),
      qbufFree: num(i, 'qbuf-free'),
      totMem: totMemCoversParts(i),
    };

    // Blocked in BLPOP on a long key: the command's arguments stay in memory while it waits.
    const key = 'k'.repeat(300);
    const blocked = await open('blocked');
    blocked.write(`*3\r\n$5\r\nBLPOP\r\n$${key.length}\r\n${key}\r\n$1\r\n0\r\n`);
    await waitFor(async () => (await listed(control, 'blocked')).get('flags') === 'b', 'BLPOP to block');
    const b = await listed(control, 'blocked');
    out.blocked = { argvMem: num(b, 'argv-mem'), longerThanKey: num(b, 'argv-mem') > key.length, cmd: b.get('cmd'), qbuf: num(b, 'qbuf'), totMem: totMemCoversParts(b) };
    await control.call('LPUSH', key, 'x');
    await blocked.read();
    out.served = num(await listed(control, 'blocked'), 'argv-mem');

    // MULTI with three queued commands.
    const multi = await open('multi');
    for (const cmd of [['MULTI'], ['SET', 'a', 'b'], ['GET', 'a'], ['INCR', 'x']]) await multi.call(...cmd);
    const m = await listed(control, 'multi');
    out.multi = { multi: num(m, 'multi'), multiMem: num(m, 'multi-mem'), flags: m.get('flags'), cmd: m.get('cmd'), totMem: totMemCoversParts(m) };
    await multi.call('EXEC');
    const done = await listed(control, 'multi');
    out.afterExec = { multi: num(done, 'multi'), multiMem: num(done, 'multi-mem'), flags: done.get('flags') };

    // Client tracking: redir is the redirection's id, 0 without one, -1 when not tracking.
    const tracking = await open('tracking');
    await tracking.call('CLIENT', 'TRACKING', 'ON');
    const t0 = (await listed(control, 'tracking')).get('redir');
    const idleId = String(decode(await idle.call('CLIENT', 'ID')));
    await tracking.call('CLIENT', 'TRACKING', 'ON', 'REDIRECT', idleId);
    const t1 = (await listed(control, 'tracking')).get('redir') === idleId;
    await tracking.call('CLIENT', 'TRACKING', 'OFF');
    out.redir = [t0, t1, (await listed(control, 'tracking')).get('redir')];
    await tracking.call('HELLO', '3');
    out.resp3 = (await listed(control, 'tracking')).get('resp');

    // A reader that stopped reading: its pending output shows in omem and oll, and the
    // server waits for the socket to take it (the write event).
    await control.call('SET', 'big', 'v'.repeat(1 << 20));
    const stalled = await open('stalled');
    stalled.socket.pause();
    let pipeline = '';
    for (let n = 0; n < 32; n++) pipeline += '*2\r\n$3\r\nGET\r\n$3\r\nbig\r\n';
    stalled.write(pipeline);
    await waitFor(async () => num(await listed(control, 'stalled'), 'omem') > 1 << 20, 'output to pile up');
    const s = await listed(control, 'stalled');
    out.stalled = { omem: num(s, 'omem') > 1 << 20, oll: num(s, 'oll') > 0, events: s.get('events'), totMem: totMemCoversParts(s) };
    return out;
  } finally {
    for (const c of opened) c.close();
  }
}

describe('CLIENT LIST / CLIENT INFO fields vs redis-server 7.0', () => {
  const h = useCompat();

  it('prints the same fields in the same order, each with Redis meaning', async () => {
    const redis = await scenario(h.redisPort());
    const ferrous = await scenario(h.ferrousPort());
    expect(redis).toMatchObject({
      selfTotMem: true,
      selfRoom: true,
      query: {
        pipelined: { qbuf: 80, argvMem: 10, room: true, rbpCoversObl: true },
        inline: { qbuf: 25 },
        partial: { qbuf: 3, argvMem: 4 },
        exec: [
          { multi: 4, qbuf: 14, argvMem: 4, rbpCoversObl: true },
          { multi: 4, qbuf: 14, argvMem: 4, rbpCoversObl: true },
        ],
      },
      idle: { qbuf: 0, qbufFree: 0, totMem: true },
      blocked: { longerThanKey: true },
      multi: { multi: 3 },
      stalled: { omem: true, oll: true },
    });
    expect(ferrous).toEqual(redis);
  }, 30_000);

  it('refuses bad CLIENT LIST arguments as Redis does', async () => {
    await h.same(['CLIENT', 'INFO', 'extra'], ['CLIENT', 'LIST', 'ID', '-1'], ['CLIENT', 'LIST', 'ID', '1', 'x'], ['CLIENT', 'LIST', 'TYPE']);
  });
});
