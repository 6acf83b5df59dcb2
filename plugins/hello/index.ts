/**
 * An example third-party plugin, written only against the public kernel API. An external
 * plugin imports the same names from the `ferrous` package instead of `../../kernel`.
 */
import {
  Command,
  type CommandContext,
  Config,
  type ConfigValue,
  type DataType,
  Errors,
  Hooks,
  inject,
  Keyspace,
  Notify,
  OK,
  parseIntArg,
  type PluginDefinition,
  RedisModule,
  type Reply,
} from '../../kernel';

/** The value HELLO.COUNT stores: a class of its own, so no other type's `is` claims it. */
export class Counter {
  constructor(public count: number) {}
}

export const CounterType: DataType<Counter> = {
  name: 'hello-counter',
  is: (v): v is Counter => v instanceof Counter,
  encoding: () => 'raw',
  clone: (v) => new Counter(v.count),
  memory: () => 32,
  // Persisted as a Redis module type: SAVE/BGSAVE, the AOF and DUMP/RESTORE keep counters, and
  // a server without this plugin refuses the file naming 'hello-cnt'.
  moduleCodec: {
    moduleType: 'hello-cnt',
    encver: 1,
    save: (io, v) => io.saveUnsigned(v.count),
    load: (io) => new Counter(io.loadUnsigned()),
    rewrite: (key, v, emit) => emit(['HELLO.COUNTSET', key, String(v.count)]),
  },
};

/** Refuses greetings that would break the `<greeting>, <name>!` reply (empty, multi-line). */
function validateGreeting(v: ConfigValue): string | undefined {
  const s = v as string;
  if (s.length === 0) return 'greeting must not be empty';
  if (s.length > 64) return 'greeting must be at most 64 bytes';
  if (/[\x00-\x1f\x7f]/.test(s)) return 'greeting must not contain control characters';
  return undefined;
}

@RedisModule({
  name: 'hello',
  config: [
    {
      name: 'hello-greeting',
      type: 'string',
      default: 'Hello',
      doc: 'The word HELLO.GREET greets with (1 to 64 bytes, no control characters).',
      validate: validateGreeting,
    },
  ],
  // Redis lists every module command in the "module" group.
  defaults: { group: 'module', since: '1.0.0' },
})
export class HelloModule {
  /** Cached from the config: reading convict on every call would cost more than the command. */
  private greeting = '';
  private greeted = 0;

  constructor(@inject(Config) config: Config, @inject(Keyspace) keyspace: Keyspace, @inject(Hooks) hooks: Hooks) {
    config.watch('hello-greeting', (v) => (this.greeting = v as string));
    keyspace.types.register(CounterType);
    // Named `<module>_<section>` as Redis modules name theirs: INFO hello_stats, INFO modules, INFO everything.
    hooks.onInfoSection('hello_stats', () => [['greetings', this.greeted]], { title: 'Hello_stats' });
  }

  @Command({
    name: 'hello.greet',
    arity: -1,
    // As ECHO: touches no keys, so it may also run while loading data and on a stale replica.
    flags: ['fast', 'loading', 'stale'],
    summary: 'Returns the configured greeting for a name ("world" by default).',
    complexity: 'O(1)',
    arguments: [{ name: 'name', type: 'string', optional: true }],
  })
  greet(_ctx: CommandContext, argv: string[]): Reply {
    // One optional argument: arity -1 lets any count through, so the rest is checked here (as PING does).
    if (argv.length > 2) throw Errors.wrongArity('hello.greet');
    this.greeted++;
    return `${this.greeting}, ${argv.length === 2 ? argv[1] : 'world'}!`;
  }

  @Command({
    name: 'hello.count',
    arity: 2,
    flags: ['write', 'denyoom', 'fast'],
    // As INCR's: reads and rewrites the key's value (ACL %RW, COMMAND GETKEYSANDFLAGS).
    keySpecs: [
      {
        flags: ['RW', 'ACCESS', 'UPDATE'],
        begin_search: { index: { pos: 1 } },
        find_keys: { range: { lastkey: 0, step: 1, limit: 0 } },
      },
    ],
    summary: 'Increments the hello-counter stored at key, creating it at 1, and returns the new count.',
    complexity: 'O(1)',
    arguments: [{ name: 'key', type: 'key', key_spec_index: 0 }],
  })
  count(ctx: CommandContext, argv: string[]): Reply {
    const key = argv[1];
    const counter = ctx.db.getTyped(key, CounterType);
    let count: number;
    if (counter === undefined) {
      count = 1;
      ctx.db.set(key, new Counter(count));
    } else {
      if (counter.count === Number.MAX_SAFE_INTEGER) throw Errors.overflow;
      // Updated in place, so the key keeps its TTL, as INCR does.
      count = ++counter.count;
    }
    ctx.modified(key, Notify.MODULE, 'hello.count');
    return count;
  }
  @Command({
    name: 'hello.countset',
    arity: 3,
    flags: ['write', 'denyoom', 'fast'],
    keySpecs: [
      {
        flags: ['OW', 'UPDATE'],
        begin_search: { index: { pos: 1 } },
        find_keys: { range: { lastkey: 0, step: 1, limit: 0 } },
      },
    ],
    summary: 'Sets the hello-counter stored at key to count (how the AOF rewrite rebuilds a counter).',
    complexity: 'O(1)',
    arguments: [
      { name: 'key', type: 'key', key_spec_index: 0 },
      { name: 'count', type: 'integer' },
    ],
  })
  countset(ctx: CommandContext, argv: string[]): Reply {
    const key = argv[1];
    const count = parseIntArg(argv[2]);
    if (!(count >= 0 && count <= Number.MAX_SAFE_INTEGER)) throw Errors.notInteger;
    const counter = ctx.db.getTyped(key, CounterType);
    if (counter === undefined) ctx.db.set(key, new Counter(count));
    else counter.count = count;
    ctx.modified(key, Notify.MODULE, 'hello.countset');
    return OK;
  }
}

export const plugin: PluginDefinition = {
  manifest: { name: 'hello', version: '1.0.0', kernelApi: '^1.0.0' },
  modules: [HelloModule],
};
