import type { ConfigParam } from './params';

const bool = (name: string, dflt: boolean, doc: string, mutable = true): ConfigParam => ({ name, type: 'bool', default: dflt, mutable, inert: true, doc });
const int = (name: string, dflt: number, min: number, max: number, doc: string): ConfigParam => ({ name, type: 'int', default: dflt, min, max, inert: true, doc });

/**
 * Redis 7.0 parameters that tune its C internals (allocator, rehashing, lazy freeing, process
 * title, kernel knobs) or features Ferrous does not have (replication): accepted with
 * Redis's types and defaults, so Redis's configuration files (Debian's stock redis.conf) load,
 * and reported once in the log when set. A module that implements one declares it itself.
 */
export const inertParams: ConfigParam[] = [
  int('acllog-max-len', 128, 0, 2147483647, 'ACL LOG length (the acl module gives it a meaning).'),
  bool('activerehashing', true, 'Redis: incremental rehashing of its dictionaries (StringMap resizes at once).'),
  bool('always-show-logo', false, 'Redis: ASCII logo at start-up.', false),
  bool('disable-thp', true, "Redis: turn off the kernel's transparent huge pages for its process.", false),
  bool('dynamic-hz', true, 'Redis: raise hz with the number of clients.'),
  bool('jemalloc-bg-thread', true, "Redis: jemalloc's background purge thread."),
  bool('lazyfree-lazy-eviction', false, 'Redis: free evicted values in a background thread.'),
  bool('lazyfree-lazy-expire', false, 'Redis: free expired values in a background thread.'),
  bool('lazyfree-lazy-server-del', false, 'Redis: free values deleted by the server in a background thread.'),
  bool('lazyfree-lazy-user-del', false, 'Redis: DEL behaves as UNLINK.'),
  bool('lazyfree-lazy-user-flush', false, 'Redis: FLUSHALL/FLUSHDB default to ASYNC.'),
  { name: 'oom-score-adj', type: 'enum', default: 'no', values: ['no', 'yes', 'relative', 'absolute'], inert: true, doc: "Redis: set the process's Linux OOM score." },
  { name: 'oom-score-adj-values', type: 'string', default: '0 200 800', inert: true, doc: 'Redis: the OOM scores for master, replica and background child.' },
  { name: 'proc-title-template', type: 'string', default: '{title} {listen-addr} {server-mode}', inert: true, doc: "Redis: the process title's template." },
  bool('set-proc-title', true, 'Redis: set the process title.', false),
  bool('rdb-del-sync-files', false, 'Redis: delete RDB files used only by replication.'),
  bool('rdb-save-incremental-fsync', true, 'Redis: fsync the RDB file every 4 MB while saving.'),
  bool('repl-disable-tcp-nodelay', false, 'Replication (inert while the replication module is off): TCP_NODELAY on the replica link.'),
  { name: 'repl-diskless-load', type: 'enum', default: 'disabled', values: ['disabled', 'on-empty-db', 'swapdb'], inert: true, doc: 'Replication (inert while the replication module is off): load the RDB from the socket.' },
  bool('repl-diskless-sync', true, 'Replication (inert while the replication module is off): send the RDB over the socket.'),
  int('repl-diskless-sync-delay', 5, 0, 2147483647, 'Replication (inert while the replication module is off): seconds to wait for more replicas.'),
  int('repl-diskless-sync-max-replicas', 0, 0, 2147483647, 'Replication (inert while the replication module is off): start early with this many replicas.'),
  bool('replica-lazy-flush', false, 'Replication (inert while the replication module is off): flush asynchronously before loading.'),
  int('replica-priority', 100, 0, 2147483647, 'Replication (inert while the replication module is off): priority for Sentinel promotion.'),
  bool('replica-read-only', true, 'Replication (inert while the replication module is off): replicas refuse writes.'),
  bool('replica-serve-stale-data', true, 'Replication (inert while the replication module is off): answer while the link is down.'),
  // Redis's hidden test knobs: readable by name, not listed by CONFIG GET *.
  { ...int('rdb-key-save-delay', 0, -2147483648, 2147483647, 'Redis (test knob): microseconds to sleep after saving each key.'), unlisted: true },
  { ...int('key-load-delay', 0, -2147483648, 2147483647, 'Redis (test knob): microseconds to sleep after loading each key.'), unlisted: true },
  { ...int('loading-process-events-interval-bytes', 2 * 1024 * 1024, 1024, 2147483647, 'Redis (test knob): bytes loaded between serving events.'), unlisted: true },
  { ...bool('use-exit-on-panic', false, 'Redis (test knob): exit() instead of abort() on a panic.'), unlisted: true },
];
