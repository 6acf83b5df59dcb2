import { allRedisCommandNames, Command, RedisModule, type Reply, ReplyError } from '../../kernel';

const DISABLED = new ReplyError('ERR This instance has cluster support disabled');

/**
 * Ferrous runs as a redis-server without `cluster-enabled`: every CLUSTER subcommand, READONLY,
 * READWRITE and ASKING exists and answers that cluster support is disabled (after Redis's arity
 * check), so clients and tools probing for a cluster get Redis's answer, not an unknown command.
 */
@RedisModule({ name: 'cluster' })
export default class ClusterModule {
  disabled(): Reply {
    throw DISABLED;
  }
}

// One handler under every name Redis 7.0 gives these commands, each with its own metadata: the
// decorator applied per name, as stacked @Command lines would be, read from Redis's table.
const names = ['asking', 'readonly', 'readwrite', ...allRedisCommandNames().filter((n) => n.startsWith('cluster|'))];
const handler = Object.getOwnPropertyDescriptor(ClusterModule.prototype, 'disabled')!;
for (const name of names) Command(name)(ClusterModule.prototype, 'disabled', handler);
