import { type CommandContext, Errors, Keyspace, OK, type Reply } from '../../kernel';

/**
 * FLUSHALL / FLUSHDB [ASYNC|SYNC]: the databases are emptied at once either way; ASYNC (the
 * default with `lazyfree-lazy-user-flush`) hands the old contents to Keyspace.lazyFree, counted
 * in lazyfree_pending_objects until released. Returns whether the flush is asynchronous.
 */
function isAsync(argv: string[], lazyByDefault: boolean): boolean {
  if (argv.length > 2) throw Errors.syntax;
  if (argv.length === 1) return lazyByDefault;
  const mode = argv[1].toLowerCase();
  if (mode !== 'sync' && mode !== 'async') throw Errors.syntax;
  return mode === 'async';
}

export function flushAll(keyspace: Keyspace, argv: string[], lazyByDefault: boolean): Reply {
  const async = isAsync(argv, lazyByDefault);
  // Like Redis's flushAllDataAndResetRDB: the removed keys plus one, so even an empty flush propagates.
  keyspace.stats.dirty += keyspace.flush(-1, async) + 1;
  return OK;
}

export function flushDb(ctx: CommandContext, keyspace: Keyspace, argv: string[], lazyByDefault: boolean): Reply {
  keyspace.stats.dirty += keyspace.flush(ctx.db.id, isAsync(argv, lazyByDefault));
  return OK;
}
