import { type CommandContext, type CommandTable, type Config, protectedActionAllowed, Errors, type Keyspace, MapReply, OK, type Reply, ReplyError, type Server } from '../../kernel';
import { helpReply } from './help';

export const CONFIG_HELP = helpReply('CONFIG', [
  'GET <pattern>',
  '    Return parameters matching the glob-like <pattern> and their values.',
  'SET <directive> <value>',
  '    Set the configuration <directive> to <value>.',
  'RESETSTAT',
  '    Reset statistics reported by the INFO command.',
  'REWRITE',
  '    Rewrite the configuration file.',
]);

/** CONFIG GET pattern [pattern ...]: a map of every matching parameter (RESP2: flat array). */
export function configGet(config: Config, argv: string[]): Reply {
  // Config.match echoes a plain name as the client wrote it and lists each parameter once.
  return new MapReply(config.match(argv.slice(2)).flat());
}

const PORT_FAILED = new ReplyError("ERR CONFIG SET failed (possibly related to argument 'port') - Unable to listen on this port. Check server logs.");

/**
 * CONFIG SET name value [name value ...]: all pairs or none. A new port is listened on after
 * the values are set (binding is asynchronous in Node, so the reply waits for it); when it
 * cannot be bound every pair is put back, as Redis's restoreBackupConfig does.
 */
export function configSet(config: Config, server: Server, argv: string[], ctx: CommandContext): Reply | Promise<Reply> {
  if (argv.length % 2 !== 0) throw Errors.syntax;
  const pairs: [string, string][] = [];
  for (let i = 2; i < argv.length; i += 2) pairs.push([argv[i], argv[i + 1]]);
  const port = config.get<number>('port');
  const previous: [string, string][] = [];
  for (const [name] of pairs) {
    const p = config.find(name);
    if (p !== undefined) previous.push([name, config.display(p)]);
  }
  const err = config.setMany(pairs, protectedActionAllowed(config.get<string>('enable-protected-configs'), ctx));
  if (err !== undefined) throw new ReplyError(`ERR ${err}`);
  if (config.get<number>('port') === port) return OK;
  const bound = server.changePort(config.get<number>('port')).then(
    () => OK,
    () => {
      server.logger.warning('Failed applying new configuration. Possibly related to new port setting. Restoring previous settings.');
      config.setMany(previous);
      return PORT_FAILED;
    },
  );
  // Inside MULTI the reply cannot wait: the port is applied (or put back) after EXEC's reply.
  return ctx.denyBlocking ? OK : bound;
}

/** CONFIG RESETSTAT: what Redis's resetServerStats and resetCommandTableStats clear. */
export function resetStats(server: Server, keyspace: Keyspace, table: CommandTable): Reply {
  for (const cmd of table.allWithSubcommands()) {
    const st = cmd.stats;
    st.calls = 0;
    st.usec = 0;
    st.rejected = 0;
    st.failed = 0;
    st.histogram = null;
  }
  const s = server.stats;
  s.totalConnections = 0;
  s.rejectedConnections = 0;
  s.totalCommands = 0;
  s.netInputBytes = 0;
  s.netOutputBytes = 0;
  s.handlerErrors = 0;
  s.evictedClients = 0;
  s.errors.clear();
  s.resetAt = Date.now();
  keyspace.stats.keyspaceHits = 0;
  keyspace.stats.keyspaceMisses = 0;
  keyspace.stats.expiredKeys = 0;
  keyspace.lazyfreed = 0;
  return OK;
}
