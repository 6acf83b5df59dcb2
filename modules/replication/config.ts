import type { ConfigParam } from '../../kernel';

const int = (name: string, dflt: number, min: number, doc: string, aliases?: string[]): ConfigParam => ({ name, type: 'int', default: dflt, min, max: 2147483647, doc, aliases });
const bool = (name: string, dflt: boolean, doc: string, aliases?: string[]): ConfigParam => ({ name, type: 'bool', default: dflt, doc, aliases });

/** `host port`, as the `replicaof` directive takes it; null when it is not that. */
export function parseReplicaOf(v: string): [string, number] | null {
  const parts = v.trim().split(/\s+/);
  if (parts.length !== 2 || !/^\d+$/.test(parts[1])) return null;
  const port = Number(parts[1]);
  return port >= 0 && port <= 65535 ? [parts[0], port] : null;
}

/** Redis 7.0's replication parameters, with its names, aliases and defaults. */
export const replicationParams: ConfigParam[] = [
  {
    name: 'replicaof',
    aliases: ['slaveof'],
    type: 'string',
    default: '',
    mutable: false,
    doc: 'Start as a replica of `<masterip> <masterport>` (REPLICAOF at run time).',
    validate: (v) => (v === '' || parseReplicaOf(String(v)) !== null ? undefined : 'Invalid master port'),
  },
  { name: 'masterauth', type: 'string', default: '', doc: 'Password a replica sends its master (AUTH) before synchronising.' },
  { name: 'masteruser', type: 'string', default: '', doc: 'User a replica authenticates as with its master (AUTH user password).' },
  { name: 'repl-backlog-size', type: 'memory', default: 1024 * 1024, min: 1, max: 2 ** 53, doc: 'Bytes of the replication stream kept for partial resynchronisation (PSYNC +CONTINUE).' },
  int('repl-backlog-ttl', 3600, 0, 'Seconds without replicas after which a master frees its backlog (0: never).'),
  int('repl-timeout', 60, 1, 'Seconds without data (or ACKs) after which a replication link is dropped.'),
  int('repl-ping-replica-period', 10, 1, 'A master PINGs its replicas through the stream every this many seconds.', ['repl-ping-slave-period']),
  bool('repl-diskless-sync', true, 'Full sync streams the RDB to the replica (`$EOF:` framing) instead of the length-prefixed form.'),
  {
    name: 'repl-diskless-load',
    type: 'enum',
    default: 'disabled',
    values: ['disabled', 'on-empty-db', 'swapdb'],
    doc: 'How a replica takes its master\'s image: with data present, `disabled` and `on-empty-db` store it in the data file and load it once complete, `swapdb` keeps it in memory until then (the old data are served meanwhile); an empty replica loads it as it arrives, `disabled` writing the data file too.',
  },
  int('repl-diskless-sync-delay', 5, 0, 'Seconds a master waits for more replicas before a diskless full sync starts.'),
  int('repl-diskless-sync-max-replicas', 0, 0, 'Start a delayed diskless sync as soon as this many replicas wait (0: wait the whole delay).'),
  bool('replica-read-only', true, 'A replica refuses writes from its clients (-READONLY).', ['slave-read-only']),
  bool('replica-serve-stale-data', true, 'A replica whose link is down still answers; with no, commands other than STALE ones get -MASTERDOWN.', ['slave-serve-stale-data']),
  int('replica-priority', 100, 0, 'Priority for promotion by Sentinel (shown in INFO).', ['slave-priority']),
  bool('replica-announced', true, 'Whether Sentinel should announce this replica (shown in INFO).'),
  { name: 'replica-announce-ip', aliases: ['slave-announce-ip'], type: 'string', default: '', doc: 'Address a replica tells its master (REPLCONF ip-address).' },
  int('replica-announce-port', 0, 0, 'Port a replica tells its master (REPLCONF listening-port; 0: its own port).', ['slave-announce-port']),
  int('shutdown-timeout', 10, 0, 'Seconds a master shutting down (SHUTDOWN without NOW, SIGTERM) waits for lagging replicas to acknowledge the final offset (0: no wait).'),
  int('min-replicas-to-write', 0, 0, 'Refuse writes (-NOREPLICAS) unless at least this many replicas lag at most min-replicas-max-lag seconds (0: off).', ['min-slaves-to-write']),
  int('min-replicas-max-lag', 10, 0, 'Seconds since its last ACK under which a replica counts as good for min-replicas-to-write.', ['min-slaves-max-lag']),
];
