import * as os from 'os';
import * as v8 from 'v8';
import { randomBytes } from 'crypto';
import { bytesToHuman, type CommandTable, type Config, formatFixed, type Keyspace, REDIS_VERSION, FERROUS_VERSION, type Server } from '../../kernel';

type Field = [string, string | number];
type Section =
  | 'server'
  | 'clients'
  | 'memory'
  | 'persistence'
  | 'stats'
  | 'replication'
  | 'cpu'
  | 'modules'
  | 'commandstats'
  | 'errorstats'
  | 'latencystats'
  | 'cluster'
  | 'keyspace';

/** Sections in the order Redis prints them. */
const ALL: Section[] = [
  'server',
  'clients',
  'memory',
  'persistence',
  'stats',
  'replication',
  'cpu',
  'modules',
  'commandstats',
  'errorstats',
  'latencystats',
  'cluster',
  'keyspace',
];
const DEFAULT: Section[] = ALL.filter((s) => s !== 'commandstats' && s !== 'latencystats');
const TITLES: Partial<Record<Section, string>> = { cpu: 'CPU', commandstats: 'Commandstats', errorstats: 'Errorstats', latencystats: 'Latencystats' };

/** INFO's text, from the kernel's counters. */
export class InfoReport {
  private readonly runId = randomBytes(20).toString('hex');

  constructor(
    private readonly server: Server,
    private readonly config: Config,
    private readonly keyspace: Keyspace,
    private readonly table: CommandTable,
  ) {}

  /**
   * The report for INFO's arguments (none: the default sections); unknown sections add nothing.
   * Sections modules own print after Redis's, for `everything`, `modules` or by name, as
   * Redis prints its modules' sections; `inDefault` ones also for a plain INFO.
   */
  render(args: string[]): string {
    const hooks = this.server.hooks;
    const wanted = new Set<string>();
    const extra = hooks.infoSections.filter((m) => !(ALL as string[]).includes(m.name));
    const add = (names: readonly string[]): void => names.forEach((n) => wanted.add(n));
    if (args.length === 0) add([...DEFAULT, ...extra.filter((m) => m.inDefault).map((m) => m.name)]);
    for (const a of args) {
      const name = a.toLowerCase();
      if (name === 'all') add(ALL);
      else if (name === 'everything') add([...ALL, ...extra.map((m) => m.name)]);
      else if (name === 'default') add([...DEFAULT, ...extra.filter((m) => m.inDefault).map((m) => m.name)]);
      else if (name === 'modules') add(['modules', ...extra.map((m) => m.name)]);
      else wanted.add(name);
    }
    const parts: string[] = [];
    for (const s of ALL) {
      if (!wanted.has(s)) continue;
      const owned = hooks.infoSection(s);
      parts.push(owned === undefined ? this.format(TITLES[s] ?? s[0].toUpperCase() + s.slice(1), this[`${s}Fields`]()) : this.format(owned.title, owned.fields()));
    }
    for (const m of extra) if (wanted.has(m.name)) parts.push(this.format(m.title, m.fields()));
    return parts.join('\r\n');
  }

  private format(title: string, fields: Field[]): string {
    return `# ${title}\r\n${fields.map(([k, v]) => `${k}:${v}\r\n`).join('')}`;
  }

  private opt<T>(name: string, fallback: T): T {
    return this.config.find(name) === undefined ? fallback : (this.config.get(name) as T);
  }

  private serverFields(): Field[] {
    const now = Date.now();
    const uptime = Math.floor((now - this.server.startTime) / 1000);
    const hz = this.config.get<number>('hz');
    return [
      ['redis_version', REDIS_VERSION],
      ['ferrous_version', FERROUS_VERSION],
      ['redis_git_sha1', '00000000'],
      ['redis_git_dirty', 0],
      ['redis_build_id', '0'],
      ['redis_mode', 'standalone'],
      ['os', `${os.type()} ${os.release()} ${os.machine()}`],
      ['arch_bits', process.arch.includes('64') ? 64 : 32],
      ['monotonic_clock', 'POSIX clock_gettime'],
      ['multiplexing_api', 'libuv'],
      ['process_id', process.pid],
      ['process_supervised', 'no'],
      ['run_id', this.runId],
      ['tcp_port', this.server.port],
      ['server_time_usec', now * 1000],
      ['uptime_in_seconds', uptime],
      ['uptime_in_days', Math.floor(uptime / 86400)],
      ['hz', hz],
      ['configured_hz', hz],
      ['lru_clock', this.keyspace.lruClock & 0xffffff],
      ['executable', process.argv[1] ?? ''],
      ['config_file', this.config.file ?? ''],
      ['io_threads_active', 0],
    ];
  }

  private clientsFields(): Field[] {
    return [
      ['connected_clients', this.server.clients.size],
      ['cluster_connections', 0],
      ['maxclients', this.config.get<number>('maxclients')],
      ['client_recent_max_input_buffer', 0],
      ['client_recent_max_output_buffer', 0],
      ['blocked_clients', this.server.blocking.count + this.server.pausedClients],
      ...this.server.hooks.infoFields('clients'),
      ['clients_in_timeout_table', this.server.blocking.count],
      ['total_blocking_keys', this.server.blocking.keyCount],
    ];
  }

  /**
   * Redis's memory section. used_memory and its parts are the kernel's estimate (`Memory`):
   * the dataset from each key's size, client buffers, what the process held when ready;
   * RSS and the allocator figures come from the process and the V8 heap. Modules contribute
   * fields (the scripts' Lua memory) through Hooks.onInfo('memory'), replacing the defaults.
   */
  private memoryFields(): Field[] {
    const mem = this.server.memory;
    const m = process.memoryUsage();
    const heap = v8.getHeapStatistics();
    const used = mem.used;
    const peak = Math.max(mem.peak, used);
    const overhead = Math.min(mem.overhead, used);
    const dataset = used - overhead;
    const net = used - mem.startup;
    const total = os.totalmem();
    const maxmemory = this.opt<number>('maxmemory', 0);
    const allocated = heap.used_heap_size + m.external;
    const active = heap.total_heap_size + m.external;
    const ratio = (a: number, b: number): string => (b === 0 ? '0.00' : (a / b).toFixed(2));
    const fields: Field[] = [
      ['used_memory', used],
      ['used_memory_human', bytesToHuman(used)],
      ['used_memory_rss', m.rss],
      ['used_memory_rss_human', bytesToHuman(m.rss)],
      ['used_memory_peak', peak],
      ['used_memory_peak_human', bytesToHuman(peak)],
      ['used_memory_peak_perc', `${((used / peak) * 100).toFixed(2)}%`],
      ['used_memory_overhead', overhead],
      ['used_memory_startup', mem.startup],
      ['used_memory_dataset', dataset],
      ['used_memory_dataset_perc', `${(net <= 0 ? 0 : (dataset * 100) / net).toFixed(2)}%`],
      ['allocator_allocated', allocated],
      ['allocator_active', active],
      ['allocator_resident', m.rss],
      ['total_system_memory', total],
      ['total_system_memory_human', bytesToHuman(total)],
      ['used_memory_lua', 0],
      ['used_memory_vm_eval', 0],
      ['used_memory_lua_human', bytesToHuman(0)],
      ['used_memory_scripts_eval', 0],
      ['number_of_cached_scripts', 0],
      ['number_of_functions', 0],
      ['number_of_libraries', 0],
      ['used_memory_vm_functions', 0],
      ['used_memory_vm_total', 0],
      ['used_memory_vm_total_human', bytesToHuman(0)],
      ['used_memory_functions', 0],
      ['used_memory_scripts', 0],
      ['used_memory_scripts_human', bytesToHuman(0)],
      ['maxmemory', maxmemory],
      ['maxmemory_human', bytesToHuman(maxmemory)],
      ['maxmemory_policy', this.opt<string>('maxmemory-policy', 'noeviction')],
      ['allocator_frag_ratio', ratio(active, allocated)],
      ['allocator_frag_bytes', active - allocated],
      ['allocator_rss_ratio', ratio(m.rss, active)],
      ['allocator_rss_bytes', m.rss - active],
      ['rss_overhead_ratio', '1.00'],
      ['rss_overhead_bytes', 0],
      ['mem_fragmentation_ratio', ratio(m.rss, used)],
      ['mem_fragmentation_bytes', m.rss - used],
      ['mem_not_counted_for_evict', mem.replicaBytes],
      ['mem_replication_backlog', mem.replicationBacklog],
      ['mem_total_replication_buffers', mem.replicationBacklog],
      ['mem_clients_slaves', mem.replicaBytes],
      ['mem_clients_normal', mem.clientBytes - mem.replicaBytes],
      ['mem_cluster_links', 0],
      ['mem_aof_buffer', 0],
      ['mem_allocator', 'v8'],
      ['active_defrag_running', 0],
      ['lazyfree_pending_objects', mem.lazyfreePending],
      ['lazyfreed_objects', mem.lazyfreed],
    ];
    for (const [name, value] of this.server.hooks.infoFields('memory')) {
      const i = fields.findIndex((f) => f[0] === name);
      if (i >= 0) fields[i] = [name, value];
      else fields.splice(fields.findIndex((f) => f[0] === 'maxmemory'), 0, [name, value]);
    }
    return fields;
  }

  private persistenceFields(): Field[] {
    return [
      ['loading', 0],
      ['async_loading', 0],
      ['rdb_changes_since_last_save', this.keyspace.stats.dirty],
      ...this.server.hooks.infoFields('persistence'),
    ];
  }

  private statsFields(): Field[] {
    const s = this.server.stats;
    const ks = this.keyspace.stats;
    let errors = 0;
    for (const n of s.errors.values()) errors += n;
    return [
      ['total_connections_received', s.totalConnections],
      ['total_commands_processed', s.totalCommands],
      ['instantaneous_ops_per_sec', Math.round(this.server.metrics.opsPerSec)],
      ['total_net_input_bytes', s.netInputBytes],
      ['total_net_output_bytes', s.netOutputBytes],
      ['instantaneous_input_kbps', (this.server.metrics.inputBytesPerSec / 1024).toFixed(2)],
      ['instantaneous_output_kbps', (this.server.metrics.outputBytesPerSec / 1024).toFixed(2)],
      ['rejected_connections', s.rejectedConnections],
      ['expired_keys', ks.expiredKeys],
      ['evicted_keys', ks.evictedKeys],
      ['evicted_clients', s.evictedClients],
      ['keyspace_hits', ks.keyspaceHits],
      ['keyspace_misses', ks.keyspaceMisses],
      ...this.server.hooks.infoFields('stats'),
      ['unexpected_error_replies', s.handlerErrors],
      ['total_error_replies', errors],
    ];
  }

  /** A replication module owns this section; without one the server is a master with no replicas. */
  private replicationFields(): Field[] {
    return [
      ['role', 'master'],
      ['connected_slaves', 0],
      ['master_failover_state', 'no-failover'],
      ['master_replid', this.server.replicationId],
      ['master_replid2', this.server.replicationId2],
      ['master_repl_offset', 0],
      ['second_repl_offset', -1],
      ['repl_backlog_active', 0],
      ['repl_backlog_size', this.opt<number>('repl-backlog-size', 1048576)],
      ['repl_backlog_first_byte_offset', 0],
      ['repl_backlog_histlen', 0],
    ];
  }

  /** Loaded plugins report here, as Redis modules do. */
  private modulesFields(): Field[] {
    return this.server.hooks.infoFields('modules');
  }

  /** Percentiles of each command's latency histogram, in microseconds with three decimals. */
  private latencystatsFields(): Field[] {
    const percentiles = this.config
      .get<string>('latency-tracking-info-percentiles')
      .split(' ')
      .filter((p) => p !== '');
    const out: Field[] = [];
    for (const cmd of this.table.allWithSubcommands()) {
      const h = cmd.stats.histogram;
      if (h === null || h.total === 0) continue;
      const values = percentiles.map((p) => `p${p}=${formatFixed(h.valueAtPercentile(Number(p)) / 1000, 3)}`);
      out.push([`latency_percentiles_usec_${cmd.name}`, values.join(',')]);
    }
    return out.sort((a, b) => (a[0] < b[0] ? -1 : 1));
  }

  private clusterFields(): Field[] {
    return [['cluster_enabled', 0]];
  }

  private cpuFields(): Field[] {
    const u = process.cpuUsage();
    const sys = (u.system / 1e6).toFixed(6);
    const user = (u.user / 1e6).toFixed(6);
    return [
      ['used_cpu_sys', sys],
      ['used_cpu_user', user],
      ['used_cpu_sys_children', '0.000000'],
      ['used_cpu_user_children', '0.000000'],
      ['used_cpu_sys_main_thread', sys],
      ['used_cpu_user_main_thread', user],
    ];
  }

  private commandstatsFields(): Field[] {
    const out: Field[] = [];
    for (const cmd of this.table.allWithSubcommands()) {
      const st = cmd.stats;
      if (st.calls === 0 && st.failed === 0 && st.rejected === 0) continue;
      const perCall = st.calls === 0 ? 0 : st.usec / st.calls;
      out.push([
        `cmdstat_${cmd.name}`,
        `calls=${st.calls},usec=${Math.floor(st.usec)},usec_per_call=${perCall.toFixed(2)},rejected_calls=${st.rejected},failed_calls=${st.failed}`,
      ]);
    }
    return out.sort((a, b) => (a[0] < b[0] ? -1 : 1));
  }

  private errorstatsFields(): Field[] {
    return [...this.server.stats.errors]
      .sort((a, b) => (a[0] < b[0] ? -1 : 1))
      .map(([code, n]): Field => [`errorstat_${code}`, `count=${n}`]);
  }

  private keyspaceFields(): Field[] {
    const now = Date.now();
    const out: Field[] = [];
    for (const db of this.keyspace.dbs) {
      if (db.size === 0) continue;
      // Redis reports an estimate from its expiry sampling; a bounded sample gives the same kind of figure.
      let sum = 0;
      let n = 0;
      for (const when of db.expires.values()) {
        if (n === 1000) break;
        sum += Math.max(0, when - now);
        n++;
      }
      out.push([`db${db.id}`, `keys=${db.size},expires=${db.expires.size},avg_ttl=${n === 0 ? 0 : Math.round(sum / n)}`]);
    }
    return out;
  }
}
