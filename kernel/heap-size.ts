import * as fs from 'fs';
import * as os from 'os';
import { parseMemory } from './config/params';

const MB = 1024 * 1024;

/**
 * The largest semi-space (MB). V8's young generation is two semi-spaces, grown up to this size
 * while a write load promotes much of what it allocates, and kept at that size afterwards: with
 * Node's default (16) that is 32 MB of resident memory whatever the dataset, the larger part of
 * what 200k small keys cost beyond the heap itself (bench/memory.js). At 4 MB the young
 * generation is full-grown from the start. The extra scavenges read as a few percent of CPU
 * on the shared machine and as nothing measurable on a quiet one (docs/performance.md).
 */
const SEMI_MB = 4;

/**
 * V8 scavenges from a background task once the young generation is 80% full: a server
 * allocating at a steady rate then scavenges a fifth more often, and promotes more of what it
 * stores, than when the space is full (docs/performance.md, non-pipelined MSET). A flag for
 * the launcher, not set at run time, so a process that embeds Ferrous keeps its own GC settings.
 */
const GC_FLAGS = ['--no-minor-gc-task'];

/**
 * The V8 heap flags the launcher starts the server with. V8 fixes its heap limit when the
 * process starts (v8.setFlagsFromString cannot move it later) and aborts the process when the
 * limit is crossed, so `ferrous` sizes it from `maxmemory` and the machine and runs itself
 * again with the flags; the kernel's heap gate then refuses writes before the limit is reached.
 *
 * With maxmemory: the old generation may hold 2.5 times maxmemory (the data, plus garbage
 * V8 has not collected yet: a tighter limit makes V8 collect more often, a looser one lets
 * the resident size grow), and the semi-spaces shrink further with small limits (one
 * sixteenth of maxmemory, 1 MB at least), so resident memory stays near twice maxmemory.
 * Without: three quarters of the machine's memory (Node's default is about 4 GB whatever the
 * machine), so a large dataset is refused with the OOM error rather than killing the process.
 */
export function heapFlags(maxmemory: number, totalMemory = os.totalmem()): string[] {
  const ceiling = Math.floor((totalMemory * 0.75) / MB);
  if (maxmemory <= 0) return [`--max-old-space-size=${ceiling}`, `--max-semi-space-size=${SEMI_MB}`, ...GC_FLAGS];
  const old = Math.min(ceiling, Math.max(96, Math.ceil((maxmemory * 2.5) / MB)));
  const semi = Math.min(SEMI_MB, Math.max(1, Math.round(maxmemory / (16 * MB))));
  return [`--max-old-space-size=${old}`, `--max-semi-space-size=${semi}`, ...GC_FLAGS];
}

/**
 * glibc's mmap threshold, fixed (bytes). By default glibc raises it to the size of each mmapped
 * block it frees (up to 32 MB), so once a keyspace table has grown its typed arrays a few times,
 * their successors come from the brk heap, and the replaced ones stay there as free chunks that
 * are resident and never given back (the heap shrinks only from its top). Fixed, every block of
 * 128 KB or more is mapped and unmapped on its own: 10-15 bytes less resident memory per key for
 * 200k small keys (bench/memory.js).
 */
const MMAP_THRESHOLD = 128 * 1024;

/** The environment the launcher runs the server in: glibc's tunables, unless the user set them. */
export function serverEnv(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return { MALLOC_MMAP_THRESHOLD_: String(MMAP_THRESHOLD), ...env };
}

/**
 * `maxmemory` as the command line sets it (a config file as the first argument, then
 * `--maxmemory` flags, the last one winning), read before the server parses its configuration
 * properly; 0 when absent or unreadable (the server itself reports bad configuration).
 */
export function maxmemoryOf(argv: string[]): number {
  let value: string | undefined;
  if (argv.length !== 0 && !argv[0].startsWith('--') && argv[0] !== '-') {
    try {
      for (const line of fs.readFileSync(argv[0], 'latin1').split('\n')) {
        const m = /^\s*maxmemory\s+("?)([^"\s]+)\1\s*$/i.exec(line);
        if (m !== null) value = m[2];
      }
    } catch {
      // The server reports the unreadable file with Redis's words.
    }
  }
  for (let i = 0; i < argv.length - 1; i++) if (argv[i].toLowerCase() === '--maxmemory') value = argv[i + 1];
  const n = value === undefined ? 0 : parseMemory(value);
  return Number.isNaN(n) ? 0 : n;
}

/** Whether Node was already given a heap limit (on its command line or in NODE_OPTIONS): then the launcher leaves it. */
export function heapSized(execArgv: string[], nodeOptions: string | undefined): boolean {
  return [...execArgv, ...(nodeOptions ?? '').split(/\s+/)].some((a) => a.startsWith('--max-old-space-size'));
}
