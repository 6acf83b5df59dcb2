/**
 * A Ferrous plugin: one module with a data type and two commands. Rename "starter" and build
 * from here (docs/plugins.md explains every part).
 */
import {
  Command,
  type CommandContext,
  type DataType,
  Errors,
  inject,
  Keyspace,
  Notify,
  parseIntArg,
  type PluginDefinition,
  RedisModule,
  type Reply,
} from 'ferrous';

/** What STARTER.MAX stores: a class of its own, so no other type's `is` claims the value. */
export class Maximum {
  constructor(public value: number) {}
}

export const MaximumType: DataType<Maximum> = {
  name: 'starter-max',
  is: (v): v is Maximum => v instanceof Maximum,
  encoding: () => 'raw',
  clone: (v) => new Maximum(v.value),
  memory: () => 32,
  // Persisted as a Redis module type (9 characters): SAVE/BGSAVE, the AOF rewrite and
  // DUMP/RESTORE keep the values; a server without this plugin refuses such a file by name.
  moduleCodec: {
    moduleType: 'starter-m',
    encver: 1,
    save: (io, v) => io.saveSigned(v.value),
    load: (io) => new Maximum(io.loadSigned()),
    rewrite: (key, v, emit) => emit(['STARTER.MAX', key, String(v.value)]),
  },
};

@RedisModule({ name: 'starter', defaults: { group: 'module', since: '1.0.0' } })
export class StarterModule {
  constructor(@inject(Keyspace) keyspace: Keyspace) {
    keyspace.types.register(MaximumType);
  }

  @Command({
    name: 'starter.echo',
    arity: 2,
    flags: ['fast', 'loading', 'stale'],
    summary: 'Returns its argument.',
    complexity: 'O(1)',
    arguments: [{ name: 'message', type: 'string' }],
  })
  echo(_ctx: CommandContext, argv: string[]): Reply {
    // Arguments are binary strings (one char per byte): return them as they came.
    return argv[1];
  }

  @Command({
    name: 'starter.max',
    arity: 3,
    flags: ['write', 'denyoom', 'fast'],
    keySpecs: [{ flags: ['RW', 'ACCESS', 'UPDATE'], begin_search: { index: { pos: 1 } }, find_keys: { range: { lastkey: 0, step: 1, limit: 0 } } }],
    summary: 'Keeps the largest integer ever given for key and returns it.',
    complexity: 'O(1)',
    arguments: [
      { name: 'key', type: 'key', key_spec_index: 0 },
      { name: 'value', type: 'integer' },
    ],
  })
  max(ctx: CommandContext, argv: string[]): Reply {
    const key = argv[1];
    // parseIntArg: Redis's 64-bit integer syntax; NaN for anything else.
    const n = parseIntArg(argv[2]);
    if (Number.isNaN(n)) throw Errors.notInteger;
    // getTyped throws WRONGTYPE when the key holds another type.
    const current = ctx.db.getTyped(key, MaximumType);
    if (current === undefined) {
      ctx.db.set(key, new Maximum(n));
    } else if (n > current.value) {
      current.value = n;
    } else {
      return current.value;
    }
    // Wakes WATCH, client tracking and keyspace notifications, and propagates the write.
    ctx.modified(key, Notify.MODULE, 'starter.max');
    return n;
  }
}

export const plugin: PluginDefinition = {
  manifest: { name: 'starter', version: '1.0.0', kernelApi: '^1.0.0' },
  modules: [StarterModule],
};
