import { Errors, NO_REPLY, OK, type Reply, ReplyError, type Server } from '../../kernel';

/**
 * SHUTDOWN [NOSAVE|SAVE] [NOW] [FORCE] [ABORT]. Saving is the persistence module's shutdown
 * hook; a master waits there for lagging replicas (the replication module's, up to
 * shutdown-timeout, unless NOW), which is the grace period ABORT cancels: the waiting SHUTDOWN
 * then answers the error, as in Redis.
 */
export async function shutdown(server: Server, argv: string[]): Promise<Reply | typeof NO_REPLY> {
  const opts = new Set<string>();
  for (const a of argv.slice(1)) {
    const o = a.toLowerCase();
    if (o !== 'nosave' && o !== 'save' && o !== 'now' && o !== 'force' && o !== 'abort') throw Errors.syntax;
    opts.add(o);
  }
  if ((opts.has('abort') && opts.size > 1) || (opts.has('save') && opts.has('nosave'))) throw Errors.syntax;
  if (opts.has('abort')) {
    if (!server.abortShutdown()) throw new ReplyError('ERR No shutdown in progress.');
    return OK;
  }
  try {
    await server.shutdown({ save: opts.has('save'), nosave: opts.has('nosave'), force: opts.has('force'), now: opts.has('now') });
  } catch {
    throw new ReplyError('ERR Errors trying to SHUTDOWN. Check logs.');
  }
  return NO_REPLY;
}

/** TIME: seconds and microseconds of the wall clock, as two bulk strings. */
export function time(): Reply {
  const us = Math.floor((performance.timeOrigin + performance.now()) * 1000);
  return [String(Math.floor(us / 1e6)), String(us % 1e6)];
}
