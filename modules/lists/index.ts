import { Blocking, Command, type CommandContext, inject, Keyspace, RedisModule, type Reply } from '../../kernel';
import * as blockingOps from './blocking';
import * as read from './read';
import { LIST_CONFIG, ListType } from './type';
import * as write from './write';

export { Deque } from './deque';
export { ListType } from './type';

/** Redis's list commands, blocking ones included. Lists are circular-buffer deques. */
@RedisModule({ name: 'lists', config: LIST_CONFIG })
export default class ListsModule {
  constructor(
    @inject(Keyspace) keyspace: Keyspace,
    @inject(Blocking) private readonly blocking: Blocking,
  ) {
    keyspace.types.register(ListType);
  }

  @Command('lpush')
  lpush(ctx: CommandContext, argv: string[]): Reply {
    return write.push(ctx, argv, true, false);
  }

  @Command('rpush')
  rpush(ctx: CommandContext, argv: string[]): Reply {
    return write.push(ctx, argv, false, false);
  }

  @Command('lpushx')
  lpushx(ctx: CommandContext, argv: string[]): Reply {
    return write.push(ctx, argv, true, true);
  }

  @Command('rpushx')
  rpushx(ctx: CommandContext, argv: string[]): Reply {
    return write.push(ctx, argv, false, true);
  }

  @Command('lpop')
  lpop(ctx: CommandContext, argv: string[]): Reply {
    return write.pop(ctx, argv, true);
  }

  @Command('rpop')
  rpop(ctx: CommandContext, argv: string[]): Reply {
    return write.pop(ctx, argv, false);
  }

  @Command('lmpop')
  lmpop(ctx: CommandContext, argv: string[]): Reply {
    return write.lmpop(ctx, argv);
  }

  @Command('llen')
  llen(ctx: CommandContext, argv: string[]): Reply {
    return read.llen(ctx, argv);
  }

  @Command('lrange')
  lrange(ctx: CommandContext, argv: string[]): Reply {
    return read.lrange(ctx, argv);
  }

  @Command('lindex')
  lindex(ctx: CommandContext, argv: string[]): Reply {
    return read.lindex(ctx, argv);
  }

  @Command('lpos')
  lpos(ctx: CommandContext, argv: string[]): Reply {
    return read.lpos(ctx, argv);
  }

  @Command('lset')
  lset(ctx: CommandContext, argv: string[]): Reply {
    return write.lset(ctx, argv);
  }

  @Command('linsert')
  linsert(ctx: CommandContext, argv: string[]): Reply {
    return write.linsert(ctx, argv);
  }

  @Command('lrem')
  lrem(ctx: CommandContext, argv: string[]): Reply {
    return write.lrem(ctx, argv);
  }

  @Command('ltrim')
  ltrim(ctx: CommandContext, argv: string[]): Reply {
    return write.ltrim(ctx, argv);
  }

  @Command('lmove')
  lmove(ctx: CommandContext, argv: string[]): Reply {
    return write.lmoveCommand(ctx, argv);
  }

  @Command('rpoplpush')
  rpoplpush(ctx: CommandContext, argv: string[]): Reply {
    return write.lmove(ctx, argv[1], argv[2], false, true);
  }

  @Command('blpop')
  blpop(ctx: CommandContext, argv: string[]): Reply | Promise<Reply> {
    return blockingOps.bpop(this.blocking, ctx, argv, true);
  }

  @Command('brpop')
  brpop(ctx: CommandContext, argv: string[]): Reply | Promise<Reply> {
    return blockingOps.bpop(this.blocking, ctx, argv, false);
  }

  @Command('blmpop')
  blmpop(ctx: CommandContext, argv: string[]): Reply | Promise<Reply> {
    return blockingOps.blmpop(this.blocking, ctx, argv);
  }

  @Command('brpoplpush')
  brpoplpush(ctx: CommandContext, argv: string[]): Reply | Promise<Reply> {
    return blockingOps.brpoplpush(this.blocking, ctx, argv);
  }

  @Command('blmove')
  blmove(ctx: CommandContext, argv: string[]): Reply | Promise<Reply> {
    return blockingOps.blmove(this.blocking, ctx, argv);
  }
}
