import {
  type Client,
  Command,
  type CommandContext,
  Config,
  Errors,
  globMatch,
  Hooks,
  inject,
  type Interceptor,
  InterceptorOrder,
  Keyspace,
  NO_REPLY,
  type NotifyClass,
  provide,
  type Publisher,
  PUBLISHER,
  RedisModule,
  ReplyMode,
  type Reply,
  ReplyError,
  StatusReply,
  SUBSCRIPTIONS,
  type SubscriptionLister,
} from '../../kernel';
import { Hub, type Index, indexAdd, indexRemove, Subscriptions } from './hub';
import { classBit, eventFlags, KEYEVENT, KEYSPACE, NEW_KEY, parseNotifyConfig } from './notifications';

const SUBS = Symbol('pubsub.subscriptions');

/** One family of subscriptions: channels, patterns or shard channels. */
interface Kind {
  subscribe: string;
  unsubscribe: string;
  index: Index;
  of(s: Subscriptions): Set<string>;
  /** The count the (un)subscribe replies carry: shard channels count apart from the rest. */
  count(s: Subscriptions): number;
}

/** What a RESP2 client may run while subscribed (PING is answered by the guard itself). */
/** A command that answered with pushes only still takes the place of a CLIENT REPLY SKIP. */
function skipDone(c: Client): typeof NO_REPLY {
  if (c.replyMode === ReplyMode.Skip) c.replyMode = ReplyMode.On;
  return NO_REPLY;
}

const ALLOWED = new Set(['subscribe', 'ssubscribe', 'unsubscribe', 'sunsubscribe', 'psubscribe', 'punsubscribe', 'quit', 'reset']);

const SSUBSCRIBE_DENIED = new ReplyError("ERR SSUBSCRIBE isn't allowed for a DENY BLOCKING client");

const PUBSUB_HELP = [
  'PUBSUB <subcommand> [<arg> [value] [opt] ...]. Subcommands are:',
  'CHANNELS [<pattern>]',
  "    Return the currently active channels matching a <pattern> (default: '*').",
  'NUMPAT',
  '    Return number of subscriptions to patterns.',
  'NUMSUB [<channel> ...]',
  '    Return the number of subscribers for the specified channels, excluding',
  '    pattern subscriptions(default: no channels).',
  'SHARDCHANNELS [<pattern>]',
  "    Return the currently active shard level channels matching a <pattern> (default: '*').",
  'SHARDNUMSUB [<shardchannel> ...]',
  '    Return the number of subscribers for the specified shard level channel(s)',
  'HELP',
  '    Prints this help.',
].map((line) => new StatusReply(line));

/** addReplySubcommandSyntaxError. */
function subcommandSyntax(argv: string[]): ReplyError {
  const sub = argv[1].split('\0', 1)[0].slice(0, 128);
  return new ReplyError(`ERR unknown subcommand or wrong number of arguments for '${sub}'. Try ${argv[0].toUpperCase()} HELP.`);
}

function subscriptionsOf(c: Client): Subscriptions | undefined {
  return c.state.get(SUBS) as Subscriptions | undefined;
}

/**
 * Pub/sub: channels, patterns and shard channels, PUBSUB introspection, RESP2 subscriber
 * mode, and keyspace notifications (`notify-keyspace-events`). Other modules publish
 * through the kernel's Messaging, for which this module provides the PUBLISHER service.
 */
@RedisModule({
  name: 'pubsub',
  provides: [provide(PUBLISHER, (m: PubSubModule) => m.publisher), provide(SUBSCRIPTIONS, (m: PubSubModule) => m.subscriptionsOf)],
  config: [
    {
      name: 'notify-keyspace-events',
      type: 'string',
      default: '',
      parse: parseNotifyConfig,
      doc: 'Keyspace notifications to publish: K (keyspace channel) and/or E (keyevent channel), with the event classes g $ l s h z x e t m d n, or A for g$lshzxetd.',
    },
  ],
})
export default class PubSubModule {
  private readonly hub = new Hub();
  private readonly kinds: { channel: Kind; pattern: Kind; shard: Kind };
  private notifyFlags = 0;
  /** Whether keyspaceEvent listens (see the notify-keyspace-events watch). */
  private notifying = false;
  readonly publisher: Publisher = (channel, message) => this.hub.publish(channel, message);
  /** A client's channels and patterns, for ACL. */
  readonly subscriptionsOf: SubscriptionLister = (c) => {
    const s = subscriptionsOf(c);
    if (s === undefined) return [];
    const out: Array<[string, boolean]> = [];
    for (const ch of s.channels) out.push([ch, false]);
    for (const ch of s.shard) out.push([ch, false]);
    for (const p of s.patterns) out.push([p, true]);
    return out;
  };

  constructor(
    @inject(Hooks) hooks: Hooks,
    @inject(Config) config: Config,
    @inject(Keyspace) keyspace: Keyspace,
  ) {
    const global = (s: Subscriptions) => s.channels.size + s.patterns.size;
    this.kinds = {
      channel: { subscribe: 'subscribe', unsubscribe: 'unsubscribe', index: this.hub.channels, of: (s) => s.channels, count: global },
      pattern: { subscribe: 'psubscribe', unsubscribe: 'punsubscribe', index: this.hub.patterns, of: (s) => s.patterns, count: global },
      shard: { subscribe: 'ssubscribe', unsubscribe: 'sunsubscribe', index: this.hub.shardChannels, of: (s) => s.shard, count: (s) => s.shard.size },
    };
    hooks.onClientClosed(this.dropAll);
    hooks.onClientReset(this.dropAll);
    hooks.onInfo('stats', () => [
      ['pubsub_channels', this.hub.channels.size],
      ['pubsub_patterns', this.hub.patterns.size],
      ['pubsubshard_channels', this.hub.shardChannels.size],
    ]);
    config.watch('notify-keyspace-events', (v) => {
      this.notifyFlags = eventFlags(v as string);
      keyspace.newKeyEvents = (this.notifyFlags & NEW_KEY) !== 0;
      // Installed once notifications are first turned on: until then a write runs no listener.
      if (this.notifyFlags !== 0 && !this.notifying) {
        this.notifying = true;
        hooks.onKeyspaceEvent(this.keyspaceEvent);
      }
    });
  }

  // ---- subscriptions --------------------------------------------------------------------

  @Command('subscribe')
  subscribe(ctx: CommandContext, argv: string[]): typeof NO_REPLY {
    return this.subscribeTo(ctx, argv, this.kinds.channel);
  }

  @Command('psubscribe')
  psubscribe(ctx: CommandContext, argv: string[]): typeof NO_REPLY {
    return this.subscribeTo(ctx, argv, this.kinds.pattern);
  }

  @Command('ssubscribe')
  ssubscribe(ctx: CommandContext, argv: string[]): typeof NO_REPLY {
    // A client that expects one reply per command (MULTI) cannot take several.
    if (ctx.denyBlocking) throw SSUBSCRIBE_DENIED;
    return this.subscribeTo(ctx, argv, this.kinds.shard);
  }

  @Command('unsubscribe')
  unsubscribe(ctx: CommandContext, argv: string[]): typeof NO_REPLY {
    return this.unsubscribeFrom(ctx, argv, this.kinds.channel);
  }

  @Command('punsubscribe')
  punsubscribe(ctx: CommandContext, argv: string[]): typeof NO_REPLY {
    return this.unsubscribeFrom(ctx, argv, this.kinds.pattern);
  }

  @Command('sunsubscribe')
  sunsubscribe(ctx: CommandContext, argv: string[]): typeof NO_REPLY {
    return this.unsubscribeFrom(ctx, argv, this.kinds.shard);
  }

  /**
   * One confirmation per name, each with the client's count after it. Confirmations are pushed
   * whatever the reply mode (CLIENT REPLY OFF silences command replies only, as in Redis); the
   * command still uses up a CLIENT REPLY SKIP (skipDone).
   */
  private subscribeTo(c: Client, argv: string[], k: Kind): typeof NO_REPLY {
    let s = subscriptionsOf(c);
    if (s === undefined) c.state.set(SUBS, (s = new Subscriptions()));
    const mine = k.of(s);
    for (let j = 1; j < argv.length; j++) {
      const name = argv[j];
      if (!mine.has(name)) {
        mine.add(name);
        indexAdd(k.index, name, c);
      }
      c.push([k.subscribe, name, k.count(s)]);
    }
    this.update(c, s);
    return skipDone(c);
  }

  /** Without names: every subscription of the kind, or one reply with a null name if none. */
  private unsubscribeFrom(c: Client, argv: string[], k: Kind): typeof NO_REPLY {
    const s = subscriptionsOf(c) ?? new Subscriptions();
    const mine = k.of(s);
    if (argv.length === 1) {
      if (mine.size === 0) c.push([k.unsubscribe, null, k.count(s)]);
      for (const name of mine) {
        mine.delete(name);
        indexRemove(k.index, name, c);
        c.push([k.unsubscribe, name, k.count(s)]);
      }
    } else {
      for (let j = 1; j < argv.length; j++) {
        const name = argv[j];
        if (mine.delete(name)) indexRemove(k.index, name, c);
        c.push([k.unsubscribe, name, k.count(s)]);
      }
    }
    this.update(c, s);
    return skipDone(c);
  }

  /** Keep CLIENT LIST's counts, and subscriber mode (flag `pubsub`, the RESP2 guard), in step. */
  private update(c: Client, s: Subscriptions): void {
    c.subscriptions = s.channels.size;
    c.patternSubscriptions = s.patterns.size;
    c.shardSubscriptions = s.shard.size;
    if (s.total !== 0) {
      c.flags.add('pubsub');
      c.addInterceptor(this.guard, InterceptorOrder.PubSub);
    } else {
      c.state.delete(SUBS);
      c.flags.delete('pubsub');
      c.removeInterceptor(this.guard);
    }
  }

  /** Disconnect or RESET: leave everything without confirmations. */
  private readonly dropAll = (c: Client): void => {
    const s = subscriptionsOf(c);
    if (s === undefined) return;
    for (const k of [this.kinds.channel, this.kinds.pattern, this.kinds.shard]) {
      const mine = k.of(s);
      for (const name of mine) indexRemove(k.index, name, c);
      mine.clear();
    }
    this.update(c, s);
  };

  /**
   * RESP2 subscriber mode (processCommand's pub/sub context check): only the (un)subscribe
   * family, PING, QUIT and RESET. RESP3 clients may run anything while subscribed.
   */
  private readonly guard: Interceptor = (c, cmd, argv) => {
    if (c.resp !== 2) return false;
    const name = cmd.name;
    if (name === 'ping') {
      c.reply(argv.length > 2 ? Errors.wrongArity('ping') : ['pong', argv.length === 2 ? argv[1] : '']);
      return true;
    }
    if (ALLOWED.has(name)) return false;
    cmd.stats.rejected++;
    c.server.reject(
      c,
      cmd,
      new ReplyError(`ERR Can't execute '${name}': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this context`),
    );
    return true;
  };

  // ---- publishing -----------------------------------------------------------------------

  @Command('publish')
  publish(_ctx: CommandContext, argv: string[]): Reply {
    return this.hub.publish(argv[1], argv[2]);
  }

  @Command('spublish')
  spublish(_ctx: CommandContext, argv: string[]): Reply {
    return this.hub.publishShard(argv[1], argv[2]);
  }

  /** notifyKeyspaceEvent: `__keyspace@<db>__:<key>` carries the event, `__keyevent@<db>__:<event>` the key. */
  private readonly keyspaceEvent = (cls: NotifyClass, event: string, key: string, dbid: number): void => {
    const flags = this.notifyFlags;
    if (flags === 0 || (flags & classBit(cls)) === 0) return;
    if (flags & KEYSPACE) this.hub.publish(`__keyspace@${dbid}__:${key}`, event);
    if (flags & KEYEVENT) this.hub.publish(`__keyevent@${dbid}__:${event}`, key);
  };

  // ---- PUBSUB ---------------------------------------------------------------------------

  @Command('pubsub|help')
  pubsubHelp(): Reply {
    return PUBSUB_HELP;
  }

  @Command('pubsub|channels')
  pubsubChannels(_ctx: CommandContext, argv: string[]): Reply {
    return this.channelList(argv, this.hub.channels);
  }

  @Command('pubsub|shardchannels')
  pubsubShardChannels(_ctx: CommandContext, argv: string[]): Reply {
    return this.channelList(argv, this.hub.shardChannels);
  }

  @Command('pubsub|numsub')
  pubsubNumsub(_ctx: CommandContext, argv: string[]): Reply {
    return this.numsub(argv, this.hub.channels);
  }

  @Command('pubsub|shardnumsub')
  pubsubShardNumsub(_ctx: CommandContext, argv: string[]): Reply {
    return this.numsub(argv, this.hub.shardChannels);
  }

  /** Distinct patterns subscribed to, by any client. */
  @Command('pubsub|numpat')
  pubsubNumpat(): Reply {
    return this.hub.patterns.size;
  }

  private channelList(argv: string[], index: Index): Reply {
    if (argv.length > 3) throw subcommandSyntax(argv);
    const out: string[] = [];
    const pattern = argv.length === 3 ? argv[2] : null;
    for (const channel of index.keys()) if (pattern === null || globMatch(pattern, channel)) out.push(channel);
    return out;
  }

  /** A flat array (also in RESP3): channel, subscriber count, ... */
  private numsub(argv: string[], index: Index): Reply {
    const out: Reply[] = [];
    for (let j = 2; j < argv.length; j++) out.push(argv[j], index.get(argv[j])?.size ?? 0);
    return out;
  }
}
