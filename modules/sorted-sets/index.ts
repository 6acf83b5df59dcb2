import { Blocking, Command, type CommandContext, Config, inject, Keyspace, provide, RedisModule, type Reply, SORTED_SETS, type SortedSets } from '../../kernel';
import { RemBy, zadd, zrem, zremrange } from './add';
import { bzmpop, bzpop, Where, zmpop, zpop } from './pop';
import { By, Dir, zcount, zlexcount, zrange } from './range';
import { zcard, zmscore, zrandmember, zrank, zscan, zscore } from './read';
import { Op, zsetOp } from './setops';
import { zsetCodec } from './codec';
import { type Limits, sortedSetsService, zsetType } from './zset';

export { ZSet, zsetType } from './zset';

@RedisModule({
  name: 'sorted-sets',
  provides: [provide(SORTED_SETS, (m: SortedSetsModule) => m.service)],
  config: [
    {
      name: 'zset-max-listpack-entries',
      aliases: ['zset-max-ziplist-entries'],
      doc: 'Sorted sets with at most this many members use the compact listpack encoding.',
      type: 'int',
      default: 128,
      min: 0,
      max: Number.MAX_SAFE_INTEGER,
    },
    {
      name: 'zset-max-listpack-value',
      aliases: ['zset-max-ziplist-value'],
      doc: 'Sorted sets whose members are all at most this many bytes use the compact listpack encoding.',
      type: 'int',
      default: 64,
      min: 0,
      max: Number.MAX_SAFE_INTEGER,
    },
  ],
})
export default class SortedSetsModule {
  private readonly limits: Limits = { maxEntries: 128, maxValue: 64 };
  /** SORTED_SETS: sorted sets for the modules that store their data in them (geo). */
  readonly service: SortedSets = sortedSetsService(this.limits);

  constructor(
    @inject(Keyspace) private readonly keyspace: Keyspace,
    @inject(Blocking) private readonly blocking: Blocking,
    @inject(Config) config: Config,
  ) {
    keyspace.types.register({ ...zsetType(this.limits), codec: zsetCodec(this.limits) });
    config.watch('zset-max-listpack-entries', (v) => (this.limits.maxEntries = v as number));
    config.watch('zset-max-listpack-value', (v) => (this.limits.maxValue = v as number));
  }

  @Command('zadd')
  zadd(ctx: CommandContext, argv: string[]): Reply {
    return zadd(ctx, argv, this.limits, false);
  }

  @Command('zincrby')
  zincrby(ctx: CommandContext, argv: string[]): Reply {
    return zadd(ctx, argv, this.limits, true);
  }

  @Command('zrem')
  zrem(ctx: CommandContext, argv: string[]): Reply {
    return zrem(ctx, argv);
  }

  @Command('zremrangebyrank')
  zremrangebyrank(ctx: CommandContext, argv: string[]): Reply {
    return zremrange(ctx, argv, RemBy.Rank);
  }

  @Command('zremrangebyscore')
  zremrangebyscore(ctx: CommandContext, argv: string[]): Reply {
    return zremrange(ctx, argv, RemBy.Score);
  }

  @Command('zremrangebylex')
  zremrangebylex(ctx: CommandContext, argv: string[]): Reply {
    return zremrange(ctx, argv, RemBy.Lex);
  }

  @Command('zcard')
  zcard(ctx: CommandContext, argv: string[]): Reply {
    return zcard(ctx, argv);
  }

  @Command('zscore')
  zscore(ctx: CommandContext, argv: string[]): Reply {
    return zscore(ctx, argv);
  }

  @Command('zmscore')
  zmscore(ctx: CommandContext, argv: string[]): Reply {
    return zmscore(ctx, argv);
  }

  @Command('zrank')
  zrank(ctx: CommandContext, argv: string[]): Reply {
    return zrank(ctx, argv, false);
  }

  @Command('zrevrank')
  zrevrank(ctx: CommandContext, argv: string[]): Reply {
    return zrank(ctx, argv, true);
  }

  @Command('zcount')
  zcount(ctx: CommandContext, argv: string[]): Reply {
    return zcount(ctx, argv);
  }

  @Command('zlexcount')
  zlexcount(ctx: CommandContext, argv: string[]): Reply {
    return zlexcount(ctx, argv);
  }

  @Command('zrange')
  zrange(ctx: CommandContext, argv: string[]): Reply {
    return zrange(ctx, argv, 1, By.Auto, Dir.Auto, null, this.limits);
  }

  @Command('zrangestore')
  zrangestore(ctx: CommandContext, argv: string[]): Reply {
    return zrange(ctx, argv, 2, By.Auto, Dir.Auto, argv[1], this.limits);
  }

  @Command('zrevrange')
  zrevrange(ctx: CommandContext, argv: string[]): Reply {
    return zrange(ctx, argv, 1, By.Rank, Dir.Reverse, null, this.limits);
  }

  @Command('zrangebyscore')
  zrangebyscore(ctx: CommandContext, argv: string[]): Reply {
    return zrange(ctx, argv, 1, By.Score, Dir.Forward, null, this.limits);
  }

  @Command('zrevrangebyscore')
  zrevrangebyscore(ctx: CommandContext, argv: string[]): Reply {
    return zrange(ctx, argv, 1, By.Score, Dir.Reverse, null, this.limits);
  }

  @Command('zrangebylex')
  zrangebylex(ctx: CommandContext, argv: string[]): Reply {
    return zrange(ctx, argv, 1, By.Lex, Dir.Forward, null, this.limits);
  }

  @Command('zrevrangebylex')
  zrevrangebylex(ctx: CommandContext, argv: string[]): Reply {
    return zrange(ctx, argv, 1, By.Lex, Dir.Reverse, null, this.limits);
  }

  @Command('zpopmin')
  zpopmin(ctx: CommandContext, argv: string[]): Reply {
    return zpop(ctx, argv, Where.Min);
  }

  @Command('zpopmax')
  zpopmax(ctx: CommandContext, argv: string[]): Reply {
    return zpop(ctx, argv, Where.Max);
  }

  @Command('zmpop')
  zmpop(ctx: CommandContext, argv: string[]): Reply {
    return zmpop(ctx, argv);
  }

  @Command('bzpopmin')
  bzpopmin(ctx: CommandContext, argv: string[]): Reply | Promise<Reply> {
    return bzpop(ctx, this.blocking, argv, Where.Min);
  }

  @Command('bzpopmax')
  bzpopmax(ctx: CommandContext, argv: string[]): Reply | Promise<Reply> {
    return bzpop(ctx, this.blocking, argv, Where.Max);
  }

  @Command('bzmpop')
  bzmpop(ctx: CommandContext, argv: string[]): Reply | Promise<Reply> {
    return bzmpop(ctx, this.blocking, argv);
  }

  @Command('zrandmember')
  zrandmember(ctx: CommandContext, argv: string[]): Reply {
    return zrandmember(ctx, argv);
  }

  @Command('zscan')
  zscan(ctx: CommandContext, argv: string[]): Reply {
    return zscan(ctx, argv);
  }

  @Command('zunion')
  zunion(ctx: CommandContext, argv: string[]): Reply {
    return zsetOp(ctx, argv, this.keyspace.types, this.limits, Op.Union, null, false);
  }

  @Command('zinter')
  zinter(ctx: CommandContext, argv: string[]): Reply {
    return zsetOp(ctx, argv, this.keyspace.types, this.limits, Op.Inter, null, false);
  }

  @Command('zdiff')
  zdiff(ctx: CommandContext, argv: string[]): Reply {
    return zsetOp(ctx, argv, this.keyspace.types, this.limits, Op.Diff, null, false);
  }

  @Command('zintercard')
  zintercard(ctx: CommandContext, argv: string[]): Reply {
    return zsetOp(ctx, argv, this.keyspace.types, this.limits, Op.Inter, null, true);
  }

  @Command('zunionstore')
  zunionstore(ctx: CommandContext, argv: string[]): Reply {
    return zsetOp(ctx, argv, this.keyspace.types, this.limits, Op.Union, argv[1], false);
  }

  @Command('zinterstore')
  zinterstore(ctx: CommandContext, argv: string[]): Reply {
    return zsetOp(ctx, argv, this.keyspace.types, this.limits, Op.Inter, argv[1], false);
  }

  @Command('zdiffstore')
  zdiffstore(ctx: CommandContext, argv: string[]): Reply {
    return zsetOp(ctx, argv, this.keyspace.types, this.limits, Op.Diff, argv[1], false);
  }
}
