import { Blocking, Command, type CommandContext, Config, inject, Journal, Keyspace, RedisModule, type Reply, StatusReply } from '../../kernel';
import { xadd, xdel, xlen, xrange, xsetid, xtrim } from './commands';
import { xack, xautoclaim, xclaim, xgroup, XGROUP_HELP, xpending, xread } from './groups';
import { xinfoConsumers, xinfoGroups, xinfoStream, XINFO_HELP } from './info';
import { limits, STREAM_CONFIG, StreamType } from './type';

export { Stream } from './stream';

const XGROUP_HELP_REPLY = XGROUP_HELP.map((l) => new StatusReply(l));
const XINFO_HELP_REPLY = XINFO_HELP.map((l) => new StatusReply(l));
export { StreamType } from './type';

/**
 * Redis 7.0's streams: entries packed in blocks under their master IDs (see stream.ts), consumer
 * groups with their pending lists, blocking reads through the kernel's Blocking service, and
 * RDB type 19 written and read as Redis lays it out.
 */
@RedisModule({ name: 'streams', config: STREAM_CONFIG })
export default class StreamsModule {
  constructor(
    @inject(Keyspace) keyspace: Keyspace,
    @inject(Blocking) private readonly blocking: Blocking,
    @inject(Journal) private readonly journal: Journal,
    @inject(Config) config: Config,
  ) {
    keyspace.types.register(StreamType);
    config.watch('stream-node-max-bytes', (v) => (limits.maxBytes = v as number));
    config.watch('stream-node-max-entries', (v) => (limits.maxEntries = v as number));
  }

  @Command('xadd')
  xadd(ctx: CommandContext, argv: string[]): Reply {
    return xadd(ctx, argv);
  }

  @Command('xtrim')
  xtrim(ctx: CommandContext, argv: string[]): Reply {
    return xtrim(ctx, argv);
  }

  @Command('xdel')
  xdel(ctx: CommandContext, argv: string[]): Reply {
    return xdel(ctx, argv);
  }

  @Command('xlen')
  xlen(ctx: CommandContext, argv: string[]): Reply {
    return xlen(ctx, argv);
  }

  @Command('xrange')
  xrange(ctx: CommandContext, argv: string[]): Reply {
    return xrange(ctx, argv, false);
  }

  @Command('xrevrange')
  xrevrange(ctx: CommandContext, argv: string[]): Reply {
    return xrange(ctx, argv, true);
  }

  @Command('xsetid')
  xsetid(ctx: CommandContext, argv: string[]): Reply {
    return xsetid(ctx, argv);
  }

  @Command('xread')
  xread(ctx: CommandContext, argv: string[]): Reply | Promise<Reply> {
    return xread(ctx, argv, false, this.blocking, this.journal);
  }

  @Command('xreadgroup')
  xreadgroup(ctx: CommandContext, argv: string[]): Reply | Promise<Reply> {
    return xread(ctx, argv, true, this.blocking, this.journal);
  }

  @Command('xack')
  xack(ctx: CommandContext, argv: string[]): Reply {
    return xack(ctx, argv);
  }

  @Command('xpending')
  xpending(ctx: CommandContext, argv: string[]): Reply {
    return xpending(ctx, argv);
  }

  @Command('xclaim')
  xclaim(ctx: CommandContext, argv: string[]): Reply {
    return xclaim(ctx, argv, this.journal);
  }

  @Command('xautoclaim')
  xautoclaim(ctx: CommandContext, argv: string[]): Reply {
    return xautoclaim(ctx, argv, this.journal);
  }

  @Command('xgroup|create')
  xgroupCreate(ctx: CommandContext, argv: string[]): Reply {
    return xgroup(ctx, argv);
  }

  @Command('xgroup|createconsumer')
  xgroupCreateConsumer(ctx: CommandContext, argv: string[]): Reply {
    return xgroup(ctx, argv);
  }

  @Command('xgroup|delconsumer')
  xgroupDelConsumer(ctx: CommandContext, argv: string[]): Reply {
    return xgroup(ctx, argv);
  }

  @Command('xgroup|destroy')
  xgroupDestroy(ctx: CommandContext, argv: string[]): Reply {
    return xgroup(ctx, argv);
  }

  @Command('xgroup|setid')
  xgroupSetId(ctx: CommandContext, argv: string[]): Reply {
    return xgroup(ctx, argv);
  }

  @Command('xgroup|help')
  xgroupHelp(): Reply {
    return XGROUP_HELP_REPLY;
  }

  @Command('xinfo|stream')
  xinfoStream(ctx: CommandContext, argv: string[]): Reply {
    return xinfoStream(ctx, argv);
  }

  @Command('xinfo|groups')
  xinfoGroups(ctx: CommandContext, argv: string[]): Reply {
    return xinfoGroups(ctx, argv);
  }

  @Command('xinfo|consumers')
  xinfoConsumers(ctx: CommandContext, argv: string[]): Reply {
    return xinfoConsumers(ctx, argv);
  }

  @Command('xinfo|help')
  xinfoHelp(): Reply {
    return XINFO_HELP_REPLY;
  }
}
