import { Errors, NO_REPLY, type Reply, ReplyError, type Server } from '../../kernel';

/**
 * SHUTDOWN [NOSAVE|SAVE] [NOW] [FORCE] [ABORT]. There is no shutdown grace period to wait in or
 * abort, so the server stops at once; saving is the persistence module's shutdown hook.
 */
export async function shutdown(server: Server, argv: string[]): Promise<Reply | typeof NO_REPLY> {
  const opts = new Set<string>();
  for (const a of argv.slice(1)) {
    const o = a.toLowerCase();
    if (o !== 'nosave' && o !== 'save' && o !== 'now' && o !== 'force' && o !== 'abort') throw Errors.syntax;
    opts.add(o);
  }
  if ((opts.has('abort') && opts.size > 1) || (opts.has('save') && opts.has('nosave'))) throw Errors.syntax;
  if (opts.has('abort')) throw new ReplyError('ERR No shutdown in progress.');
  try {
    await server.shutdown({ save: opts.has('save'), nosave: opts.has('nosave'), force: opts.has('force') });
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
