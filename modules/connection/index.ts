import {
  Blocking,
  Command,
  type CommandContext,
  Errors,
  Hooks,
  inject,
  MapReply,
  NO_REPLY,
  OK,
  parseInt64,
  parseIntArg,
  PONG,
  REDIS_VERSION,
  RedisModule,
  type Reply,
  ReplyError,
  ReplyMode,
  Server,
  StatusReply,
  VerbatimReply,
  provide,
  CLIENT_INFO,
  type ClientDescriber,
} from '../../kernel';
import { CLIENT_HELP, clientInfoLine, clientType, type ClientType, clientTypeByName } from './client-info';

const RESET = new StatusReply('RESET');
const CLIENT_HELP_REPLY = CLIENT_HELP.map((line) => new StatusReply(line));
const WRONGPASS = new ReplyError('WRONGPASS invalid username-password pair or user is disabled.');
const BAD_NAME = new ReplyError('ERR Client names cannot contain spaces, newlines or special characters.');
const HELLO_NOAUTH = new ReplyError(
  'NOAUTH HELLO must be called with the client already authenticated, otherwise the HELLO AUTH <user> <pass> ' +
    'option can be used to authenticate the client and select the RESP protocol version at the same time',
);
/** setTimeout's ceiling (~24.8 days): a longer CLIENT PAUSE would otherwise end at once. */
const MAX_PAUSE_MS = 2 ** 31 - 1;

/** Redis's validateClientName: printable ASCII without spaces; empty clears the name. */
function validName(name: string): boolean {
  for (let i = 0; i < name.length; i++) {
    const ch = name.charCodeAt(i);
    if (ch < 0x21 || ch > 0x7e) return false;
  }
  return true;
}

/** getIntFromObjectOrReply: an int64 that must also fit a C int. */
function intArg(s: string): number {
  const v = parseInt64(s);
  if (v === null) throw Errors.notInteger;
  if (typeof v !== 'number' || v < -2147483648 || v > 2147483647) {
    throw Errors.intOutOfRange;
  }
  return v;
}

@RedisModule({ name: 'connection', provides: [provide(CLIENT_INFO, (m: ConnectionModule) => m.describe)] })
export default class ConnectionModule {
  /** For ACL LOG's client-info. */
  readonly describe: ClientDescriber = (c) => clientInfoLine(c, null);

  constructor(
    @inject(Server) private readonly server: Server,
    @inject(Hooks) private readonly hooks: Hooks,
    @inject(Blocking) private readonly blocking: Blocking,
  ) {}

  @Command('ping')
  ping(_ctx: CommandContext, argv: string[]): Reply {
    if (argv.length === 1) return PONG;
    if (argv.length > 2) throw Errors.wrongArity('ping');
    return argv[1];
  }

  @Command('echo')
  echo(_ctx: CommandContext, argv: string[]): Reply {
    return argv[1];
  }

  /** Any arguments are accepted, and no authentication is needed, as in Redis 7.0. */
  @Command('quit')
  quit(ctx: CommandContext): Reply {
    ctx.closing = true;
    return OK;
  }

  @Command('select')
  select(ctx: CommandContext, argv: string[]): Reply {
    ctx.select(intArg(argv[1]));
    return OK;
  }

  // ---- authentication and protocol --------------------------------------------------------

  @Command('auth')
  auth(ctx: CommandContext, argv: string[]): Reply {
    if (argv.length > 3) throw Errors.syntax;
    if (argv.length === 2 && this.server.access.defaultNoPass) {
      throw new ReplyError(
        'ERR AUTH <password> called without any password configured for the default user. Are you sure your configuration is correct?',
      );
    }
    const access = this.server.access;
    const ok = argv.length === 2 ? access.authenticate(ctx, 'default', argv[1], argv[0]) : access.authenticate(ctx, argv[1], argv[2], argv[0]);
    if (!ok) throw WRONGPASS;
    return OK;
  }

  @Command('hello')
  hello(ctx: CommandContext, argv: string[]): Reply {
    let ver = 0;
    if (argv.length >= 2) {
      ver = parseIntArg(argv[1]);
      if (Number.isNaN(ver)) throw new ReplyError('ERR Protocol version is not an integer or out of range');
      if (ver < 2 || ver > 3) throw new ReplyError('NOPROTO unsupported protocol version');
    }
    // Options take effect one by one, as in Redis 7.0: a later error leaves earlier ones applied.
    for (let j = 2; j < argv.length; j++) {
      const more = argv.length - 1 - j;
      const opt = argv[j].toLowerCase();
      if (opt === 'auth' && more >= 2) {
        if (!this.server.access.authenticate(ctx, argv[j + 1], argv[j + 2], argv[0])) throw WRONGPASS;
        j += 2;
      } else if (opt === 'setname' && more >= 1) {
        const name = argv[++j];
        if (!validName(name)) throw BAD_NAME;
        ctx.name = name;
      } else {
        throw new ReplyError(`ERR Syntax error in HELLO option '${argv[j]}'`);
      }
    }
    if (!ctx.authenticated) throw HELLO_NOAUTH;
    if (ver !== 0) ctx.resp = ver as 2 | 3;
    return new MapReply([
      'server',
      'redis',
      'version',
      REDIS_VERSION,
      'proto',
      ctx.resp,
      'id',
      ctx.id,
      'mode',
      'standalone',
      'role',
      'master',
      'modules',
      [],
    ]);
  }

  /**
   * RESET (clearClientConnectionState): modules drop their per-connection state through the
   * hook. As in Redis 7.0.15, NO-EVICT survives, and a pending CLIENT REPLY SKIP still
   * swallows this reply.
   */
  @Command('reset')
  reset(ctx: CommandContext): Reply {
    if (ctx.flags.has('master') || (ctx.flags.has('replica') && !ctx.flags.has('monitor'))) {
      throw new ReplyError('ERR can only reset normal client connections');
    }
    this.hooks.emitClientReset(ctx);
    ctx.select(0);
    ctx.resp = 2;
    this.server.access.connect(ctx);
    ctx.name = '';
    if (ctx.replyMode === ReplyMode.Off) ctx.replyMode = ReplyMode.On;
    return RESET;
  }

  // ---- CLIENT -----------------------------------------------------------------------------

  @Command('client|help')
  clientHelp(): Reply {
    return CLIENT_HELP_REPLY;
  }

  @Command('client|id')
  clientId(ctx: CommandContext): Reply {
    return ctx.id;
  }

  @Command('client|setname')
  clientSetname(ctx: CommandContext, argv: string[]): Reply {
    if (!validName(argv[2])) throw BAD_NAME;
    ctx.name = argv[2];
    return OK;
  }

  @Command('client|getname')
  clientGetname(ctx: CommandContext): Reply {
    return ctx.name === '' ? null : ctx.name;
  }

  @Command('client|info')
  clientInfo(ctx: CommandContext, argv: string[]): Reply {
    return new VerbatimReply('txt', clientInfoLine(ctx, argv));
  }

  @Command('client|list')
  clientList(ctx: CommandContext, argv: string[]): Reply {
    let out = '';
    if (argv.length === 4 && argv[2].toLowerCase() === 'type') {
      const type = clientTypeByName(argv[3]);
      if (type === undefined) throw new ReplyError(`ERR Unknown client type '${argv[3]}'`);
      for (const c of this.server.clients.values()) {
        if (clientType(c) === type) out += clientInfoLine(c, c === ctx ? argv : null);
      }
    } else if (argv.length > 3 && argv[2].toLowerCase() === 'id') {
      const ids: number[] = [];
      for (let j = 3; j < argv.length; j++) {
        const id = parseIntArg(argv[j]);
        if (Number.isNaN(id)) throw new ReplyError('ERR Invalid client ID');
        ids.push(id);
      }
      for (const id of ids) {
        const c = this.server.clients.get(id);
        if (c !== undefined) out += clientInfoLine(c, c === ctx ? argv : null);
      }
    } else if (argv.length !== 2) {
      throw Errors.syntax;
    } else {
      for (const c of this.server.clients.values()) out += clientInfoLine(c, c === ctx ? argv : null);
    }
    return new VerbatimReply('txt', out);
  }

  /** CLIENT KILL addr (old form: may kill the caller, replies OK) or filters (replies a count). */
  @Command('client|kill')
  clientKill(ctx: CommandContext, argv: string[]): Reply {
    let addr: string | null = null;
    let laddr: string | null = null;
    let user: string | null = null;
    let type: ClientType | null = null;
    let id = 0;
    let skipme = true;
    if (argv.length === 3) {
      addr = argv[2];
      skipme = false;
    } else {
      for (let i = 2; i < argv.length; i += 2) {
        const opt = argv[i].toLowerCase();
        if (i + 1 >= argv.length) throw Errors.syntax;
        const val = argv[i + 1];
        if (opt === 'id') {
          id = parseIntArg(val);
          if (!(id >= 1)) throw new ReplyError('ERR client-id should be greater than 0');
        } else if (opt === 'type') {
          const t = clientTypeByName(val);
          if (t === undefined) throw new ReplyError(`ERR Unknown client type '${val}'`);
          type = t;
        } else if (opt === 'addr') {
          addr = val;
        } else if (opt === 'laddr') {
          laddr = val;
        } else if (opt === 'user') {
          if (!this.server.access.hasUser(val)) throw new ReplyError(`ERR No such user '${val}'`);
          user = val;
        } else if (opt === 'skipme') {
          const v = val.toLowerCase();
          if (v === 'yes') skipme = true;
          else if (v === 'no') skipme = false;
          else throw Errors.syntax;
        } else {
          throw Errors.syntax;
        }
      }
    }
    let killed = 0;
    for (const c of [...this.server.clients.values()]) {
      if (addr !== null && c.addr !== addr) continue;
      if (laddr !== null && c.laddr !== laddr) continue;
      if (type !== null && clientType(c) !== type) continue;
      if (id !== 0 && c.id !== id) continue;
      if (user !== null && c.user !== user) continue;
      if (c === ctx && skipme) continue;
      // The caller closes after this reply; others go now.
      if (c === ctx) ctx.closing = true;
      else c.close();
      killed++;
    }
    if (argv.length !== 3) return killed;
    if (killed === 0) throw new ReplyError('ERR No such client');
    return OK;
  }

  @Command('client|reply')
  clientReply(ctx: CommandContext, argv: string[]): Reply | typeof NO_REPLY {
    switch (argv[2].toLowerCase()) {
      case 'on':
        ctx.replyMode = ReplyMode.On;
        return OK;
      case 'off':
        ctx.replyMode = ReplyMode.Off;
        return NO_REPLY;
      case 'skip':
        // The kernel drops the next reply and returns to On; OFF stays OFF.
        if (ctx.replyMode !== ReplyMode.Off) ctx.replyMode = ReplyMode.Skip;
        return NO_REPLY;
      default:
        throw Errors.syntax;
    }
  }

  @Command('client|no-evict')
  clientNoEvict(ctx: CommandContext, argv: string[]): Reply {
    const v = argv[2].toLowerCase();
    if (v === 'on') ctx.noEvict = true;
    else if (v === 'off') ctx.noEvict = false;
    else throw Errors.syntax;
    return OK;
  }

  @Command('client|unblock')
  clientUnblock(_ctx: CommandContext, argv: string[]): Reply {
    if (argv.length > 4) {
      throw new ReplyError(`ERR unknown subcommand or wrong number of arguments for '${argv[1].slice(0, 128)}'. Try CLIENT HELP.`);
    }
    const id = parseIntArg(argv[2]);
    if (Number.isNaN(id)) throw Errors.notInteger;
    let withError = false;
    if (argv.length === 4) {
      const how = argv[3].toLowerCase();
      if (how === 'error') withError = true;
      else if (how !== 'timeout') throw new ReplyError('ERR CLIENT UNBLOCK reason should be TIMEOUT or ERROR');
    }
    const target = this.server.clients.get(id);
    return target !== undefined && this.blocking.unblock(target, withError) ? 1 : 0;
  }

  @Command('client|pause')
  clientPause(_ctx: CommandContext, argv: string[]): Reply {
    if (argv.length > 4) {
      throw new ReplyError(`ERR unknown subcommand or wrong number of arguments for '${argv[1].slice(0, 128)}'. Try CLIENT HELP.`);
    }
    let writesOnly = false;
    if (argv.length === 4) {
      const mode = argv[3].toLowerCase();
      if (mode === 'write') writesOnly = true;
      else if (mode !== 'all') throw new ReplyError('ERR CLIENT PAUSE mode must be WRITE or ALL');
    }
    const ms = parseIntArg(argv[2]);
    if (Number.isNaN(ms)) throw new ReplyError('ERR timeout is not an integer or out of range');
    if (ms < 0) throw new ReplyError('ERR timeout is negative');
    this.server.pauseClients(ms === 0 ? 0 : Date.now() + Math.min(ms, MAX_PAUSE_MS), writesOnly);
    return OK;
  }

  @Command('client|unpause')
  clientUnpause(): Reply {
    this.server.unpause();
    return OK;
  }
}
