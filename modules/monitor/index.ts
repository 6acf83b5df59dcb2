import { performance } from 'perf_hooks';
import {
  type Client,
  CmdFlag,
  Command,
  type CommandContext,
  Config,
  Hooks,
  inject,
  NO_REPLY,
  OK,
  redactArgv,
  RedisModule,
  type RegisteredCommand,
  type Reply,
  ReplyError,
  Server,
} from '../../kernel';

const DENY_BLOCKING = new ReplyError("ERR MONITOR isn't allowed for DENY BLOCKING client");
const KEYSPACE = new ReplyError("ERR Replica can't interact with the keyspace");
/** Script commands carry skip_monitor, yet Redis shows their call (the script body runs as 'lua'). */
const SCRIPT_CALLS = new Set(['eval', 'evalsha', 'eval_ro', 'evalsha_ro', 'fcall', 'fcall_ro']);

/**
 * MONITOR: every command other clients run, as one status line per command. The command
 * listener is installed by the first MONITOR and returns at once while no monitor is left.
 */
@RedisModule({ name: 'monitor' })
export default class MonitorModule {
  private readonly monitors = new Set<Client>();
  private listening = false;
  /** Lines of the commands the running script has run, shown after the script's own line. */
  private readonly fromScript: string[] = [];
  private unixSocket = '';

  constructor(
    @inject(Server) private readonly server: Server,
    @inject(Hooks) private readonly hooks: Hooks,
    @inject(Config) config: Config,
  ) {
    config.watch('unixsocket', (v) => (this.unixSocket = v as string));
    hooks.onClientClosed(this.stop);
    hooks.onClientReset(this.stop);
  }

  @Command('monitor')
  monitor(ctx: CommandContext): Reply | typeof NO_REPLY {
    if (ctx.denyBlocking) return DENY_BLOCKING;
    if (this.monitors.has(ctx)) return NO_REPLY;
    if (!this.listening) {
      this.listening = true;
      this.hooks.onCommand(this.feed);
    }
    this.monitors.add(ctx);
    ctx.flags.add('monitor');
    ctx.addInterceptor(this.refuseKeyspace, 0);
    return OK;
  }

  private readonly stop = (c: Client): void => {
    if (!this.monitors.delete(c)) return;
    c.flags.delete('monitor');
    c.removeInterceptor(this.refuseKeyspace);
  };

  /** A monitor is a replica to Redis: it may not read or write keys. */
  private readonly refuseKeyspace = (c: Client, cmd: RegisteredCommand): boolean => {
    if ((cmd.bits & (CmdFlag.Write | CmdFlag.ReadOnly | CmdFlag.MayReplicate)) === 0) return false;
    this.server.reject(c, cmd, KEYSPACE);
    return true;
  };

  private readonly feed = (c: Client, cmd: RegisteredCommand, argv: string[], usec: number): void => {
    if (this.monitors.size === 0 || (cmd.bits & CmdFlag.Admin) !== 0) return;
    const scriptCall = SCRIPT_CALLS.has(cmd.name);
    if (cmd.def.flags.includes('skip_monitor') && !scriptCall) return;
    // Redis shows a script's call as it starts, before the commands the script runs: those wait
    // for it here, and its line carries its start time.
    let us = Math.floor((performance.timeOrigin + performance.now()) * 1000);
    if (scriptCall) us -= Math.round(usec);
    let line = `+${Math.floor(us / 1e6)}.${String(us % 1e6).padStart(6, '0')} [${c.db.id} ${this.peer(c)}]`;
    const shown = redactArgv(cmd.name, argv);
    for (let i = 0; i < shown.length; i++) line += ' ' + repr(shown[i]);
    line += '\r\n';
    if (c.socket === null && !scriptCall) {
      this.fromScript.push(line);
      return;
    }
    for (const m of this.monitors) m.pushEncoded(line);
    if (scriptCall && this.fromScript.length > 0) {
      for (const held of this.fromScript) for (const m of this.monitors) m.pushEncoded(held);
      this.fromScript.length = 0;
    }
  };

  private peer(c: Client): string {
    if (c.socket === null) return 'lua';
    return c.addr !== '' ? c.addr : `unix:${this.unixSocket}`;
  }
}


/** sdscatrepr: a double-quoted string with C escapes and \xHH for other unprintable bytes. */
function repr(s: string): string {
  let out = '"';
  for (let i = 0; i < s.length; i++) {
    const ch = s.charCodeAt(i);
    switch (ch) {
      case 0x5c: out += '\\\\'; break;
      case 0x22: out += '\\"'; break;
      case 0x0a: out += '\\n'; break;
      case 0x0d: out += '\\r'; break;
      case 0x09: out += '\\t'; break;
      case 0x07: out += '\\a'; break;
      case 0x08: out += '\\b'; break;
      default:
        out += ch >= 0x20 && ch <= 0x7e ? s[i] : '\\x' + ch.toString(16).padStart(2, '0');
    }
  }
  return out + '"';
}
