import type { Client } from '../../kernel';

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

/**
 * One CLIENT LIST / CLIENT INFO line (catClientInfoString), fields in Redis 7.0's order.
 * Memory figures Ferrous does not track the way Redis does are given as Redis shows an idle
 * client; MULTI length and the tracking redirection as for a client using none.
 */
export function clientInfoLine(c: Client, argv: string[] | null): string {
  const now = Math.floor(Date.now() / 1000);
  const qbuf = c.parser?.pending ?? 0;
  let argvMem = 0;
  if (argv !== null) for (const a of argv) argvMem += a.length;
  const obl = c.out.length;
  // Output not yet sent beyond the batched string: queued Buffers and what the socket still holds.
  const omem = c.outputChunkBytes + (c.transport?.pending ?? 0);
  const addr = isUnixSocket(c) ? `${c.server.config.get<string>('unixsocket')}:0` : c.addr;
  return (
    `id=${c.id} addr=${addr} laddr=${isUnixSocket(c) ? addr : c.laddr} fd=${fdOf(c)} name=${c.name}` +
    ` age=${now - Math.floor(c.createdAt / 1000)} idle=${now - Math.floor(c.lastInteraction / 1000)}` +
    ` flags=${flagString(c)} db=${c.db.id} sub=${c.subscriptions} psub=${c.patternSubscriptions} ssub=${c.shardSubscriptions} multi=-1 qbuf=${qbuf} qbuf-free=0` +
    ` argv-mem=${argvMem} multi-mem=0 rbs=0 rbp=0 obl=${obl} oll=${c.outputChunks} omem=${omem}` +
    ` tot-mem=${qbuf + argvMem + obl + omem}` +
    ` events=r cmd=${c.current?.name ?? c.lastCommand} user=${c.user} redir=-1 resp=${c.resp}\n`
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
