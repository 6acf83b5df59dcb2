import { type Client, CLIENT_OVERHEAD } from '../../kernel';

/**
 * Client types as CLIENT LIST TYPE and CLIENT KILL TYPE name them (getClientTypeByName).
 * A MONITOR client is a normal one, as in Redis.
 */
export const enum ClientType {
  Normal,
  Replica,
  PubSub,
  Master,
}

export function clientTypeByName(name: string): ClientType | undefined {
  switch (name.toLowerCase()) {
    case 'normal':
      return ClientType.Normal;
    case 'slave':
    case 'replica':
      return ClientType.Replica;
    case 'pubsub':
      return ClientType.PubSub;
    case 'master':
      return ClientType.Master;
    default:
      return undefined;
  }
}

export function clientType(c: Client): ClientType {
  const f = c.flags;
  if (f.size === 0) return ClientType.Normal;
  if (f.has('master')) return ClientType.Master;
  if (f.has('replica') && !f.has('monitor')) return ClientType.Replica;
  if (f.has('pubsub')) return ClientType.PubSub;
  return ClientType.Normal;
}

/**
 * The names other modules put in `client.flags`, with CLIENT LIST's letter for each, in the
 * order Redis prints them. `c`, `U` and `e` come from kernel state instead.
 */
const FLAG_LETTERS: ReadonlyArray<[string, string]> = [
  ['master', 'M'],
  ['pubsub', 'P'],
  ['multi', 'x'],
  ['blocked', 'b'],
  ['tracking', 't'],
  ['tracking-broken-redir', 'R'],
  ['bcast', 'B'],
  ['dirty-cas', 'd'],
];

function flagString(c: Client): string {
  const f = c.flags;
  let s = '';
  if (f.has('monitor')) s += 'O';
  else if (f.has('replica')) s += 'S';
  if (f.size !== 0) for (const [name, letter] of FLAG_LETTERS) if (f.has(name)) s += letter;
  if (c.closing) s += 'c';
  if (f.has('unblocked')) s += 'u';
  if (isUnixSocket(c)) s += 'U';
  if (f.has('readonly')) s += 'r';
  if (c.noEvict) s += 'e';
  return s === '' ? 'N' : s;
}

function isUnixSocket(c: Client): boolean {
  return c.socket !== null && c.socket.remoteAddress === undefined;
}

/** The socket's file descriptor (libuv exposes it on the handle), -1 without one, as Redis shows fake clients. */
function fdOf(c: Client): number {
  const handle = (c.socket as unknown as { _handle?: { fd?: number } } | null)?._handle;
  return handle?.fd ?? -1;
}

/** The RESP reply block Redis's reply list is made of: CLIENT LIST's oll counts them. */
const REPLY_BLOCK = 16 * 1024;
/** Redis's PROTO_IOBUF_LEN: a read makes room for this much in the query buffer. */
const PROTO_IOBUF_LEN = 16 * 1024;
/** The cron gives back a query buffer's free space only when it wastes more than this. */
const QUERY_FREE_KEPT = 4 * 1024;
/** Inside EXEC the request is EXEC itself (no arguments): its four bytes are Redis's argv-mem. */
const EXEC_ARGV_BYTES = 4;

/**
 * The free space of the query buffer Redis would hold (qbuf-free): a read makes room for 16 KB
 * (PROTO_IOBUF_LEN), kept until the cron finds the client idle for over 2 seconds and the
 * space wasted (clientsCronResizeQueryBuffer); nothing before the first read. Ferrous reads
 * into one shared buffer, so this is Redis's figure, not memory Ferrous holds.
 */
function queryBufferFree(c: Client, qbuf: number, now: number): number {
  if (c.queryBuffered < 0) return 0;
  const free = Math.max(PROTO_IOBUF_LEN - qbuf, 0);
  return free > QUERY_FREE_KEPT && now - Math.floor(c.lastInteraction / 1000) > 2 ? 0 : free;
}

/**
 * One CLIENT LIST / CLIENT INFO line (catClientInfoString), fields in Redis 7.0's order and
 * with Redis's meanings. `argv` is the command being run when `c` is the caller (CLIENT LIST
 * or INFO itself, or EXEC running it). Its qbuf is the whole read its command came in (Redis
 * trims the query buffer only after the pass over it, so pipelined commands before and after
 * count) and argv-mem its request's arguments (EXEC's inside a transaction); another client
 * shows its unread input, and as argv-mem the command it is parked in (blocked, paused) or the
 * arguments already read of a command still arriving. qbuf-free is the room Redis's buffer
 * would have (queryBufferFree).
 * rbs/rbp are the reply buffer Redis would hold (Client.replyBufferSize), the peak at least
 * what the buffer holds now; obl is what is queued for this turn's write up to that size,
 * omem the rest of the output not yet taken by the peer (queued Buffers and the socket's write
 * queue), oll its 16 KB blocks; tot-mem adds the connection's fixed cost (the used_memory
 * estimate's CLIENT_OVERHEAD), counted as Redis's getClientMemoryUsage counts.
 */
export function clientInfoLine(c: Client, argv: string[] | null): string {
  const now = Math.floor(Date.now() / 1000);
  const parser = c.parser;
  const held = argv ?? c.argv;
  const inMulti = c.flags.size !== 0 && c.flags.has('multi');
  let qbuf = parser?.pending ?? 0;
  let argvMem = 0;
  if (argv !== null) {
    if (parser !== null) qbuf = Math.max(c.queryBuffered, 0);
    if (inMulti) argvMem = EXEC_ARGV_BYTES;
    else for (const a of argv) argvMem += a.length;
  } else if (held !== null) {
    for (const a of held) argvMem += a.length;
  } else if (parser !== null) {
    argvMem = parser.partialArgBytes;
  }
  const qbufFree = queryBufferFree(c, qbuf, now);
  const multi = inMulti ? c.queuedCommands : -1;
  const rbs = c.replyBufferSize;
  const obl = Math.min(c.out.length, rbs);
  const rbp = Math.max(c.replyBufferPeak, obl);
  const omem = c.out.length - obl + c.outputChunkBytes + (c.transport?.pending ?? 0);
  const oll = Math.ceil(omem / REPLY_BLOCK);
  const totMem = CLIENT_OVERHEAD + qbuf + qbufFree + argvMem + 8 * (held?.length ?? 0) + c.queuedBytes + rbs + omem;
  // The write event is installed while output waits for the socket, as Redis installs its write handler.
  const events = c.transport !== null && (c.transport.pending !== 0 || c.outputChunkBytes !== 0) ? 'rw' : 'r';
  const addr = isUnixSocket(c) ? `${c.server.config.get<string>('unixsocket')}:0` : c.addr;
  return (
    `id=${c.id} addr=${addr} laddr=${isUnixSocket(c) ? addr : c.laddr} fd=${fdOf(c)} name=${c.name}` +
    ` age=${now - Math.floor(c.createdAt / 1000)} idle=${now - Math.floor(c.lastInteraction / 1000)}` +
    ` flags=${flagString(c)} db=${c.db.id} sub=${c.subscriptions} psub=${c.patternSubscriptions} ssub=${c.shardSubscriptions}` +
    ` multi=${multi} qbuf=${qbuf} qbuf-free=${qbufFree} argv-mem=${argvMem} multi-mem=${c.queuedBytes}` +
    ` rbs=${rbs} rbp=${rbp} obl=${obl} oll=${oll} omem=${omem} tot-mem=${totMem}` +
    ` events=${events} cmd=${c.current?.name ?? c.lastCommand} user=${c.user} redir=${c.trackingRedirect} resp=${c.resp}\n`
  );
}

export const CLIENT_HELP = [
  'CLIENT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:',
  'CACHING (YES|NO)',
  '    Enable/disable tracking of the keys for next command in OPTIN/OPTOUT modes.',
  'GETREDIR',
  '    Return the client ID we are redirecting to when tracking is enabled.',
  'GETNAME',
  '    Return the name of the current connection.',
  'ID',
  '    Return the ID of the current connection.',
  'INFO',
  '    Return information about the current client connection.',
  'KILL <ip:port>',
  '    Kill connection made from <ip:port>.',
  'KILL <option> <value> [<option> <value> [...]]',
  '    Kill connections. Options are:',
  '    * ADDR (<ip:port>|<unixsocket>:0)',
  '      Kill connections made from the specified address',
  '    * LADDR (<ip:port>|<unixsocket>:0)',
  '      Kill connections made to specified local address',
  '    * TYPE (NORMAL|MASTER|REPLICA|PUBSUB)',
  '      Kill connections by type.',
  '    * USER <username>',
  '      Kill connections authenticated by <username>.',
  '    * SKIPME (YES|NO)',
  '      Skip killing current connection (default: yes).',
  'LIST [options ...]',
  '    Return information about client connections. Options:',
  '    * TYPE (NORMAL|MASTER|REPLICA|PUBSUB)',
  '      Return clients of specified type.',
  'UNPAUSE',
  '    Stop the current client pause, resuming traffic.',
  'PAUSE <timeout> [WRITE|ALL]',
  '    Suspend all, or just write, clients for <timeout> milliseconds.',
  'REPLY (ON|OFF|SKIP)',
  '    Control the replies sent to the current connection.',
  'SETNAME <name>',
  '    Assign the name <name> to the current connection.',
  'UNBLOCK <clientid> [TIMEOUT|ERROR]',
  '    Unblock the specified blocked client.',
  'TRACKING (ON|OFF) [REDIRECT <id>] [BCAST] [PREFIX <prefix> [...]]',
  '         [OPTIN] [OPTOUT] [NOLOOP]',
  '    Control server assisted client side caching.',
  'TRACKINGINFO',
  '    Report tracking status for the current connection.',
  'NO-EVICT (ON|OFF)',
  '    Protect current client connection from eviction.',
  'HELP',
  '    Prints this help.',
];
