import { type CommandContext, Errors, Keyspace, OK, type Reply } from '../../kernel';

/** FLUSHALL / FLUSHDB [ASYNC|SYNC]: both modes empty at once, which an observer cannot tell apart. */
function checkMode(argv: string[]): void {
  if (argv.length > 2) throw Errors.syntax;
  if (argv.length === 2) {
    const mode = argv[1].toLowerCase();
    if (mode !== 'sync' && mode !== 'async') throw Errors.syntax;
  }
}

export function flushAll(keyspace: Keyspace, argv: string[]): Reply {
  checkMode(argv);
  // Like Redis's flushAllDataAndResetRDB: the removed keys plus one, so even an empty flush propagates.
  keyspace.stats.dirty += keyspace.flush(-1) + 1;
  return OK;
}

export function flushDb(ctx: CommandContext, keyspace: Keyspace, argv: string[]): Reply {
  checkMode(argv);
  keyspace.stats.dirty += keyspace.flush(ctx.db.id);
  return OK;
}
