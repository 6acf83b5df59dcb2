import { Command, type CommandContext, type DataType, inject, Keyspace, Notify, OK, RedisModule, type Reply } from '../../kernel';

/** Strings are stored as JS binary strings: one char per byte. */
export const StringType: DataType<string> = {
  name: 'string',
  is: (v): v is string => typeof v === 'string',
  encoding: (v) => (v.length <= 20 && /^-?[1-9]\d*$|^0$/.test(v) ? 'int' : v.length <= 44 ? 'embstr' : 'raw'),
  clone: (v) => v,
  memory: (v) => v.length + 16,
};

@RedisModule({ name: 'strings' })
export default class StringsModule {
  constructor(@inject(Keyspace) keyspace: Keyspace) {
    keyspace.types.register(StringType);
  }

  @Command('get')
  get(ctx: CommandContext, argv: string[]): Reply {
    return ctx.db.getTyped(argv[1], StringType) ?? null;
  }

  @Command('set')
  set(ctx: CommandContext, argv: string[]): Reply {
    ctx.db.set(argv[1], argv[2]);
    ctx.modified(argv[1], Notify.STRING, 'set');
    return OK;
  }
}
