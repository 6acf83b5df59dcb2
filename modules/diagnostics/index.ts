import {
  type Client,
  CmdFlag,
  Command,
  type CommandContext,
  CommandTable,
  Config,
  Errors,
  Hooks,
  inject,
  Keyspace,
  MapReply,
  OK,
  parseIntArg,
  redactArgv,
  RedisModule,
  type RegisteredCommand,
  type Reply,
  ReplyError,
  Server,
  StatusReply,
  VerbatimReply,
} from '../../kernel';
import { LatencyMonitor } from './latency';
import { lolwut } from './lolwut';
import { mallocStats, memoryDoctorReport, memoryStats } from './memory';
import { SlowLog } from './slowlog';

const INT64_MAX = 2 ** 63 - 1;
/** MEMORY USAGE's default SAMPLES (OBJ_COMPUTE_SIZE_DEF_SAMPLES). */
const MEMORY_USAGE_SAMPLES = 5;
const BAD_COUNT = new ReplyError('ERR count should be greater than or equal to -1');

/**
 * SLOWLOG, LATENCY, MEMORY and LOLWUT. One command listener feeds the slow log and the latency
 * monitor; each costs a threshold compare per command.
 */
@RedisModule({
  name: 'diagnostics',
  config: [
    { name: 'slowlog-log-slower-than', type: 'int', default: 10000, min: -1, max: INT64_MAX, doc: 'Log commands slower than this many microseconds in the slow log (-1: off, 0: every command).' },
    { name: 'slowlog-max-len', type: 'int', default: 128, min: 0, max: INT64_MAX, doc: 'Most entries the slow log keeps; the oldest are dropped.' },
    { name: 'latency-monitor-threshold', type: 'int', default: 0, min: 0, max: INT64_MAX, doc: 'Record latency events of at least this many milliseconds (0: latency monitor off).' },
  ],
})
export default class DiagnosticsModule {
  private readonly slowlog = new SlowLog();
  private readonly latency = new LatencyMonitor();
  private slowerThan = 10000;
  private latencyThreshold = 0;
  private unixSocket = '';

  constructor(
    @inject(Server) private readonly server: Server,
    @inject(Keyspace) private readonly keyspace: Keyspace,
    @inject(Hooks) private readonly hooks: Hooks,
    @inject(Config) config: Config,
    @inject(CommandTable) private readonly table: CommandTable,
  ) {
    config.watch('slowlog-log-slower-than', (v) => {
      this.slowerThan = v as number;
      this.listen();
    });
    config.watch('slowlog-max-len', (v) => {
      this.slowlog.maxLen = v as number;
      this.slowlog.trim();
    });
    config.watch('latency-monitor-threshold', (v) => {
      this.latencyThreshold = v as number;
      this.listen();
    });
    config.watch('unixsocket', (v) => (this.unixSocket = v as string));
  }

  /** Hear of the commands as slow as either threshold asks: a faster one calls no listener. */
  private listen(): void {
    const slow = this.slowerThan >= 0 ? this.slowerThan : Infinity;
    const latency = this.latencyThreshold !== 0 ? this.latencyThreshold * 1000 : Infinity;
    this.hooks.onCommand(this.observe, Math.min(slow, latency));
  }

  private readonly observe = (c: Client, cmd: RegisteredCommand, argv: string[], usec: number): void => {
    const us = Math.floor(usec);
    if (this.slowerThan >= 0 && us >= this.slowerThan && !cmd.def.flags.includes('skip_slowlog')) {
      this.slowlog.push(c, redactArgv(cmd.name, argv), us, this.peer(c));
    }
    const ms = Math.floor(us / 1000);
    if (this.latencyThreshold !== 0 && ms >= this.latencyThreshold) {
      this.latency.add((cmd.bits & CmdFlag.Fast) !== 0 ? 'fast-command' : 'command', ms);
    }
  };

  /** getClientPeerId: a unix socket client is "<path>:0", a connection-less one "?:0". */
  private peer(c: Client): string {
    if (c.addr !== '') return c.addr;
    return c.socket === null ? '?:0' : `${this.unixSocket}:0`;
  }

  // ---- SLOWLOG --------------------------------------------------------------------------

  @Command('slowlog|get')
  slowlogGet(_ctx: CommandContext, argv: string[]): Reply {
    let count = 10;
    if (argv.length > 2) {
      count = parseIntArg(argv[2]);
      if (Number.isNaN(count) || count < -1) return BAD_COUNT;
    }
    return this.slowlog.get(count);
  }

  @Command('slowlog|len')
  slowlogLen(): Reply {
    return this.slowlog.length;
  }

  @Command('slowlog|reset')
  slowlogReset(): Reply {
    this.slowlog.reset();
    return OK;
  }

  @Command('slowlog|help')
  slowlogHelp(): Reply {
    return help('SLOWLOG', [
      'GET [<count>]',
      '    Return top <count> entries from the slowlog (default: 10, -1 mean all).',
      '    Entries are made of:',
      '    id, timestamp, time in microseconds, arguments array, client IP and port,',
      '    client name',
      'LEN',
      '    Return the length of the slowlog.',
      'RESET',
      '    Reset the slowlog.',
    ]);
  }

  // ---- LATENCY --------------------------------------------------------------------------

  @Command('latency|latest')
  latencyLatest(): Reply {
    return this.latency.latest();
  }

  @Command('latency|history')
  latencyHistory(_ctx: CommandContext, argv: string[]): Reply {
    return this.latency.history(argv[2]).map((s) => [s.time, s.latency]);
  }

  @Command('latency|reset')
  latencyReset(_ctx: CommandContext, argv: string[]): Reply {
    return this.latency.reset(argv.slice(2));
  }

  @Command('latency|graph')
  latencyGraph(_ctx: CommandContext, argv: string[]): Reply {
    const graph = this.latency.graph(argv[2]);
    if (graph === null) return new ReplyError(`ERR No samples available for event '${argv[2]}'`);
    return new VerbatimReply('txt', graph);
  }

  @Command('latency|doctor')
  latencyDoctor(): Reply {
    return new VerbatimReply('txt', this.doctorReport());
  }

  private doctorReport(): string {
    if (this.latencyThreshold === 0) {
      return (
        "I'm sorry, Dave, I can't do that. Latency monitoring is disabled in this Redis instance. You may use " +
        '"CONFIG SET latency-monitor-threshold <milliseconds>." in order to enable it. If we weren\'t in a deep space ' +
        "mission I'd suggest to take a look at https://redis.io/topics/latency-monitor.\n"
      );
    }
    if (this.latency.size === 0) {
      return (
        'Dave, no latency spike was observed during the lifetime of this Redis instance, not in the slightest bit. ' +
        'I honestly think you ought to sit down calmly, take a stress pill, and think things over.\n'
      );
    }
    let advice = '';
    if (this.slowerThan < 0 || this.slowerThan / 1000 > this.latencyThreshold) {
      advice += `- Your current Slow Log configuration only logs events that are slower than your configured latency monitor threshold. Please use 'CONFIG SET slowlog-log-slower-than ${this.latencyThreshold * 1000}'.\n`;
    }
    advice +=
      '- Check your Slow Log to understand what are the commands you are running which are too slow to execute. ' +
      'Please check https://redis.io/commands/slowlog for more information.\n';
    return (
      "Dave, I have observed latency spikes in this Redis instance. You don't mind talking about it, do you Dave?\n\n" +
      this.latency.report() +
      '\nI have a few advices for you:\n\n' +
      advice
    );
  }

  /** LATENCY HISTOGRAM [command ...]: each command's calls and cumulative latency buckets (a container names its subcommands). */
  @Command('latency|histogram')
  latencyHistogram(_ctx: CommandContext, argv: string[]): Reply {
    const out: Reply[] = [];
    const add = (cmd: RegisteredCommand): void => {
      const h = cmd.stats.histogram;
      if (h === null) return;
      const buckets: Reply[] = [];
      for (const [usec, count] of h.cumulative()) buckets.push(usec, count);
      out.push(cmd.name, new MapReply(['calls', h.total, 'histogram_usec', new MapReply(buckets)]));
    };
    if (argv.length === 2) {
      for (const cmd of this.table.allWithSubcommands()) add(cmd);
      return new MapReply(out);
    }
    for (let i = 2; i < argv.length; i++) {
      const cmd = this.table.byFullName(argv[i]);
      if (cmd === undefined) continue;
      add(cmd);
      if (cmd.subcommands !== null) for (const sub of cmd.subcommands.values()) add(sub);
    }
    return new MapReply(out);
  }

  @Command('latency|help')
  latencyHelp(): Reply {
    return help('LATENCY', [
      'DOCTOR',
      '    Return a human readable latency analysis report.',
      'GRAPH <event>',
      '    Return an ASCII latency graph for the <event> class.',
      'HISTORY <event>',
      '    Return time-latency samples for the <event> class.',
      'LATEST',
      '    Return the latest latency samples for all events.',
      'RESET [<event> ...]',
      '    Reset latency data of one or more <event> classes.',
      '    (default: reset all data for all event classes)',
      'HISTOGRAM [COMMAND ...]',
      '    Return a cumulative distribution of latencies in the format of a histogram for the specified command names.',
      '    If no commands are specified then all histograms are replied.',
    ]);
  }

  // ---- MEMORY ---------------------------------------------------------------------------

  /**
   * MEMORY USAGE: the key's entry, name and value as the keyspace estimates them. Hashtable and
   * skiplist collections measure the first SAMPLES elements (default 5) and extrapolate, as
   * Redis's objectComputeSize; SAMPLES 0 measures all, which is the key's share of used_memory
   * (but for a skiplist, whose share is estimated from 16 members).
   * Lists are measured whole: Redis samples quicklist nodes, which it fills to the same size, so
   * its answer barely moves with SAMPLES either.
   */
  @Command('memory|usage')
  memoryUsage(ctx: CommandContext, argv: string[]): Reply {
    let samples = MEMORY_USAGE_SAMPLES;
    for (let j = 3; j < argv.length; j++) {
      if (argv[j].toLowerCase() !== 'samples' || j + 1 >= argv.length) return Errors.syntax;
      const n = parseIntArg(argv[++j]);
      if (Number.isNaN(n)) return Errors.notInteger;
      if (n < 0) return Errors.syntax;
      samples = n;
    }
    const value = ctx.db.peek(argv[2]);
    if (value === undefined) return null;
    return this.keyspace.sizeOf(argv[2], value, samples);
  }

  @Command('memory|stats')
  memoryStats(): Reply {
    return memoryStats(this.keyspace, this.server.memory);
  }

  /** MEMORY DOCTOR: Redis's report for an instance that holds little, else the all-clear. */
  @Command('memory|doctor')
  memoryDoctor(): Reply {
    const mem = this.server.memory;
    const text =
      mem.used - mem.startup < 5 * 1024 * 1024
        ? "Hi Sam, this instance is empty or is using very little memory, my issues detector can't be used in these conditions. " +
          'Please, leave for your mission on Earth and fill it with some data. The new Sam and I will be back to our programming as soon as I finished rebooting.'
        : memoryDoctorReport(mem, process.memoryUsage().rss);
    return new VerbatimReply('txt', text);
  }

  @Command('memory|malloc-stats')
  memoryMallocStats(): Reply {
    return new VerbatimReply('txt', mallocStats());
  }

  @Command('memory|purge')
  memoryPurge(): Reply {
    // Only with node --expose-gc: V8 otherwise collects on its own schedule.
    (globalThis as { gc?: () => void }).gc?.();
    return OK;
  }

  @Command('memory|help')
  memoryHelp(): Reply {
    return help('MEMORY', [
      'DOCTOR',
      '    Return memory problems reports.',
      'MALLOC-STATS',
      '    Return internal statistics report from the memory allocator.',
      'PURGE',
      '    Attempt to purge dirty pages for reclamation by the allocator.',
      'STATS',
      '    Return information about the memory usage of the server.',
      'USAGE <key> [SAMPLES <count>]',
      '    Return memory in bytes used by <key> and its value. Nested values are',
      '    sampled up to <count> times (default: 5, 0 means sample all).',
    ]);
  }

  // ---- LOLWUT ---------------------------------------------------------------------------

  @Command('lolwut')
  lolwut(_ctx: CommandContext, argv: string[]): Reply {
    let version = 6;
    let rest = argv.slice(1);
    if (rest.length >= 2 && rest[0].toLowerCase() === 'version') {
      version = parseIntArg(rest[1]);
      if (Number.isNaN(version)) return Errors.notInteger;
      rest = rest.slice(2);
    }
    // Replies are binary strings: the art's UTF-8 bytes, one char each.
    return new VerbatimReply('txt', Buffer.from(lolwut(version, rest), 'utf8').toString('latin1'));
  }
}

/** addReplyHelp: the lines as status replies, framed as Redis frames them. */
function help(container: string, lines: string[]): Reply {
  return [`${container} <subcommand> [<arg> [value] [opt] ...]. Subcommands are:`, ...lines, 'HELP', '    Prints this help.'].map(
    (l) => new StatusReply(l),
  );
}
