import { DEFAULT_OUTPUT_LIMITS, parseOutputLimits } from './output-limits';
import type { ConfigParam } from './params';
import { formatFixed, parseDouble } from '../util/numbers';

/** `yes`, `no` or `local` (only clients on this host), settable only at start-up. */
function protectedSetting(name: string, what: string): ConfigParam {
  return { name, type: 'enum', default: 'no', values: ['no', 'yes', 'local'], mutable: false, doc: `${what}: \`yes\`, \`no\` or \`local\` (only clients on this host).` };
}

/** The kernel's part of the configuration schema. Modules add theirs. */
export const kernelParams: ConfigParam[] = [
  { name: 'port', type: 'int', default: 6379, min: 0, max: 65535, doc: 'TCP port to listen on (0 picks a free port). CONFIG SET listens on the new port, then closes the old one.' },
  { name: 'bind', type: 'string', default: '* -::*', mutable: false, doc: 'Addresses to listen on; `*` is every IPv4 address, `::*` every IPv6 one, a leading `-` makes an address optional.' },
  { name: 'unixsocket', type: 'string', default: '', mutable: false, doc: 'Path of a unix socket to listen on as well (empty: none).' },
  { name: 'unixsocketperm', type: 'int', default: 0, min: 0, max: 0o777, mutable: false, doc: 'Permissions of the unix socket, in octal as written in the file (0: leave as created).' },
  { name: 'databases', type: 'int', default: 16, min: 1, max: 1 << 20, mutable: false, doc: 'Number of databases (SELECT 0 to databases-1).' },
  { name: 'protected-mode', type: 'bool', default: true, doc: 'Refuse clients from other hosts while the default user has no password.' },
  protectedSetting('enable-protected-configs', 'CONFIG SET of protected parameters (`dir`, `dbfilename`)'),
  protectedSetting('enable-debug-command', 'The DEBUG command'),
  protectedSetting('enable-module-command', 'The MODULE command'),
  { name: 'rename-command', type: 'list', default: [], mutable: false, hidden: true, doc: 'Rename a command (`rename-command CONFIG hidden-config`), or remove it with an empty name (config file only).' },
  { name: 'pidfile', type: 'string', default: '', mutable: false, doc: 'Write the process id to this file while running (empty: none).' },
  { name: 'daemonize', type: 'bool', default: false, mutable: false, doc: 'Run in the background, detached from the terminal.' },
  { name: 'tcp-backlog', type: 'int', default: 511, min: 0, max: 2147483647, mutable: false, doc: 'Length of the queue of connections not yet accepted.' },
  { name: 'requirepass', type: 'string', default: '', doc: 'Password clients must give with AUTH or HELLO (empty: none).' },
  { name: 'maxclients', type: 'int', default: 10000, min: 1, max: 4294967295, doc: 'Maximum number of connected clients.' },
  { name: 'timeout', type: 'int', default: 0, min: 0, max: 2147483647, doc: 'Close a client idle for this many seconds (0: never).' },
  { name: 'tcp-keepalive', type: 'int', default: 300, min: 0, max: 2147483647, doc: 'TCP keepalive interval in seconds (0: off).' },
  { name: 'proto-max-bulk-len', type: 'memory', default: 512 * 1024 * 1024, min: 1024 * 1024, max: 2 ** 63, doc: 'Largest bulk string a client may send.' },
  { name: 'client-query-buffer-limit', type: 'memory', default: 1024 * 1024 * 1024, min: 1024 * 1024, max: 2 ** 63, doc: 'Largest unparsed input a client may accumulate before it is disconnected.' },
  {
    name: 'client-output-buffer-limit',
    type: 'string',
    default: DEFAULT_OUTPUT_LIMITS,
    parse: parseOutputLimits,
    doc: 'Output buffer limits by client class (`<class> <hard> <soft> <soft seconds>`, classes normal, replica, pubsub): a client whose unsent output reaches the hard limit, or stays over the soft one for longer than the soft seconds, is disconnected (0: no limit).',
  },
  { name: 'loglevel', type: 'enum', default: 'notice', values: ['debug', 'verbose', 'notice', 'warning'], doc: 'Log verbosity.' },
  { name: 'logfile', type: 'string', default: '', mutable: false, doc: 'Log file path (empty: standard output).' },
  {
    name: 'hz',
    type: 'int',
    default: 10,
    min: 0,
    max: 2147483647,
    // As in Redis, any value is accepted as a hint and capped to 1..500.
    normalize: (v) => Math.min(500, Math.max(1, v as number)),
    doc: 'Frequency of background tasks (active expiry, client timeouts) per second (capped to 1..500).',
  },
  { name: 'latency-tracking', type: 'bool', default: true, doc: 'Keep a latency histogram per command (INFO latencystats, LATENCY HISTOGRAM).' },
  {
    name: 'latency-tracking-info-percentiles',
    type: 'string',
    default: '50 99 99.9',
    parse: parsePercentiles,
    doc: 'The percentiles INFO latencystats reports, separated by spaces (each from 0 to 100).',
  },
  { name: 'builtin-modules', type: 'list', default: [], mutable: false, doc: 'The built-in modules to load, from config/default.json.' },
  { name: 'disable-module', type: 'list', default: [], mutable: false, doc: 'A built-in module not to load (repeatable): its commands then do not exist.' },
  { name: 'loadmodule', type: 'list', default: [], mutable: false, doc: 'A plugin to load, by path or package name (repeatable).' },
];

/** `latency-tracking-info-percentiles`: numbers from 0 to 100, shown as Redis prints them (%f, trailing zeros trimmed). */
export function parsePercentiles(raw: string): string | { error: string } {
  const out: string[] = [];
  for (const word of raw.split(' ')) {
    if (word === '') continue;
    const p = parseDouble(word);
    if (Number.isNaN(p)) return { error: 'Invalid latency-tracking-info-percentiles parameters' };
    if (p < 0 || p > 100) return { error: 'latency-tracking-info-percentiles parameters should sit between [0.0,100.0]' };
    out.push(formatFixed(p, 6).replace(/\.?0+$/, ''));
  }
  return out.join(' ');
}
