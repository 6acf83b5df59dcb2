import * as v8 from 'v8';
import * as vm from 'vm';
import { inject, injectable } from 'tsyringe';
import type { Client } from './client';
import { CmdFlag, type RegisteredCommand } from './commands/registry';
import { Errors } from './errors';
import { Keyspace } from './keyspace/keyspace';
import type { ReplyError } from './reply';
import { GateOrder, type WriteGate } from './services';

/** A key's TTL in the expiry map: the Map entry and the HeapNumber of its time in ms. */
const EXPIRE_OVERHEAD = 48;
/** What a connection costs besides its buffers: the Client, its socket, parser and transport. */
export const CLIENT_OVERHEAD = 2048;
/**
 * Writes are refused once V8's old generation holds this share of its limit (live data and
 * garbage not yet collected): past it V8 collects ever more often, and an allocation it cannot
 * fit aborts the process.
 */
const HEAP_HIGH = 0.75;
/** Node's default largest semi-space on 64-bit (MB), when `--max-semi-space-size` is not given. */
const DEFAULT_SEMI_MB = 16;

/** Bytes of objects (garbage included) in V8's old generation: every space but the young ones. */
function oldGenerationUsed(): number {
  let used = 0;
  for (const space of v8.getHeapSpaceStatistics()) if (!space.space_name.startsWith('new_')) used += space.space_used_size;
  return used;
}

/** V8's heap in use (garbage included) and the external memory (Buffers) it knows of. */
function held(): number {
  const s = v8.getHeapStatistics();
  return s.used_heap_size + s.external_memory;
}

let gc: (() => void) | null = null;

/**
 * A full collection now: `gc` exposed at run time (V8 gives it to contexts made after the flag
 * is set); where it is not, the check goes on without it.
 */
function collectGarbage(): void {
  if (gc === null) {
    v8.setFlagsFromString('--expose-gc');
    const fn: unknown = vm.runInNewContext('typeof gc === "function" ? gc : undefined');
    gc = typeof fn === 'function' ? (fn as () => void) : () => {};
  }
  gc();
}

/** The old generation's limit: V8's heap_size_limit less the young generation's reservation (three semi-spaces). */
function oldGenerationLimit(): number {
  const flag = [...process.execArgv, ...(process.env.NODE_OPTIONS ?? '').split(/\s+/)].find((a) => a.startsWith('--max-semi-space-size='));
  const semi = flag === undefined ? DEFAULT_SEMI_MB : Number(flag.slice(flag.indexOf('=') + 1)) || DEFAULT_SEMI_MB;
  return v8.getHeapStatistics().heap_size_limit - 3 * semi * 1024 * 1024;
}
/** Input bytes between two looks at the V8 heap besides the cron's (a fast writer between two ticks). */
const HEAP_CHECK_INPUT = 4 * 1024 * 1024;
/**
 * An idle server collects at once (after IDLE_MS without input) when its garbage is known to be
 * large: V8's heap and external memory exceed what the last idle collection left, plus the data
 * written since, by 64 MB and by used_memory itself (a client's 400 MB arguments, a FLUSHALL):
 * marking costs what is live, so the pause is bounded by what it frees.
 */
const IDLE_MS = 1000;
const IDLE_GARBAGE = 64 * 1024 * 1024;
/**
 * Otherwise after IDLE_SETTLED_MS without input, once the heap and external memory have grown
 * since the last idle collection (or the start) by a quarter of what that collection left, and by
 * 8 MB at least (twice the young generation's usable half, which counts whatever is in it). A
 * burst of writes leaves garbage in proportion to what it allocated (promoted temporaries, a
 * keyspace table's replaced arrays: 10-25% of the growth in bench/memory.js's fills), which only
 * a collection finds; growing by a quarter between such collections keeps their marking (about
 * 1.3 ms a live MB here) in proportion to what was written, as V8's own growth steps do. Five
 * seconds is V8's window for the allocation rate: a collection shrinks the young generation back
 * and unmaps the pages it emptied only when the last five seconds allocated under 1 MB/s
 * (Heap::ReduceNewSpaceSize); one sooner after a burst frees the objects but keeps the pages.
 * The first quiet period this long collects whatever was held: loading the modules grows the
 * young generation to its largest (8 MB resident) and V8 gives it back only on such a
 * collection, or when its memory reducer happens to run.
 */
const IDLE_SETTLED_MS = 5000;
const IDLE_GROWTH_SHARE = 0.25;
const IDLE_GROWTH_MIN = 8 * 1024 * 1024;
/**
 * The growth rule applies only while what is held stays under this: its collection is a pause of
 * about 1.3 ms a held MB that the next client to arrive waits out (~170 ms here), where the
 * large-garbage rule's pause is bounded by what it frees. Larger heaps are left to V8's own
 * incremental collections.
 */
const IDLE_GROWTH_MAX_HELD = 128 * 1024 * 1024;

/**
 * Redis's used_memory, estimated without an allocator to ask: what the process had at start
 * (the V8 heap when the server became ready), the dataset (each entry's `size`, kept up to
 * date by the keyspace as values are stored, removed and changed in place), the expiry map,
 * and the clients' buffers (summed by the server cron). `maxmemory` is checked against it.
 *
 * Apart from it, the real V8 heap is watched (each cron tick and every 4 MB of input): once
 * it nears V8's limit, which kills the process when crossed, write commands that may grow
 * memory are refused with the OOM error (`heapGate`), whatever `maxmemory` says.
 */
@injectable()
export class Memory {
  /** used_memory_startup: the heap (and Buffers) when the server became ready. */
  startup = 0;
  peak = 0;
  /** Connections' buffers and overhead, summed by the cron (Redis's clients_normal), and their number. */
  clientBytes = 0;
  clientCount = 0;
  /**
   * The replicas' part of clientBytes (Redis's mem_clients_slaves): not counted against
   * maxmemory (freeMemoryGetNotCountedMemory), or a full sync's buffer would evict the data.
   */
  replicaBytes = 0;
  /** Bytes the replication backlog holds allocated (Redis's mem_replication_backlog), set by the module that keeps it. */
  replicationBacklog = 0;
  /** lazyfree_pending_objects and lazyfreed_objects (Keyspace.lazyFree). */
  get lazyfreePending(): number {
    return this.keyspace.lazyfreePending;
  }
  get lazyfreed(): number {
    return this.keyspace.lazyfreed;
  }
  /** V8's old generation at the last look (objects, garbage included), and its limit. */
  heapUsed = 0;
  readonly heapLimit = oldGenerationLimit();
  /** The V8 heap is near its limit: denyoom commands are refused. */
  heapTight = false;
  /** Look at the heap again once total input passes this (Server.stats.netInputBytes). */
  nextHeapCheck = 0;
  /** When checkHeap or collectWhenIdle last had V8 collect (ms). */
  private lastCollect = 0;
  /** Collections collectWhenIdle has asked V8 for. */
  idleCollections = 0;
  /** Total input at the cron's last look, and since when it has not moved (ms). */
  private lastInput = -1;
  private quietSince = 0;
  /**
   * V8's heap and external memory, and used_memory, after the last idle collection (or at start),
   * lowered whenever the cron finds less held: V8 collected on its own since, and what it held
   * then (start-up garbage included, as in a test runner embedding the server) is no baseline.
   */
  private heldAfterCollect = 0;
  private usedAfterCollect = 0;

  constructor(@inject(Keyspace) private readonly keyspace: Keyspace) {}

  /** The server is ready: what it holds now is its start-up cost. */
  started(): void {
    const m = process.memoryUsage();
    this.startup = m.heapUsed + m.external;
    this.heldAfterCollect = held();
    this.usedAfterCollect = this.used;
    this.checkHeap(0);
  }

  /** used_memory. */
  get used(): number {
    const used = this.startup + this.clientBytes + this.keyspace.datasetBytes + this.expiresBytes;
    if (used > this.peak) this.peak = used;
    return used;
  }

  private get expiresBytes(): number {
    let n = 0;
    for (const db of this.keyspace.dbs) n += db.expires.size;
    return n * EXPIRE_OVERHEAD;
  }

  /** used_memory_overhead: start-up, clients, and what each key costs besides its bytes. */
  get overhead(): number {
    let keys = 0;
    for (const db of this.keyspace.dbs) keys += db.size;
    return this.startup + this.clientBytes + this.expiresBytes + keys * this.keyspace.entryOverhead;
  }

  /** Sum the clients' buffers (the cron, each tick). */
  sampleClients(clients: Iterable<Client>): void {
    let n = 0;
    let count = 0;
    let replicas = 0;
    for (const c of clients) {
      const bytes = CLIENT_OVERHEAD + c.bufferedBytes;
      n += bytes;
      count++;
      if (c.flags.size !== 0 && c.flags.has('replica')) replicas += bytes;
    }
    this.clientBytes = n;
    this.clientCount = count;
    this.replicaBytes = replicas;
  }

  /** Look at V8's old generation (a few microseconds: each tick and every 4 MB of input); `input` is the server's total input so far. */
  checkHeap(input: number): void {
    let old = oldGenerationUsed();
    // Near the limit, garbage may be what fills it (a FLUSHALL leaves all of it to the collector,
    // which runs when allocations need it, and refused writes allocate little): collect once
    // (at most every second) before refusing.
    if (old > this.heapLimit * HEAP_HIGH && Date.now() - this.lastCollect >= 1000) {
      this.lastCollect = Date.now();
      collectGarbage();
      old = oldGenerationUsed();
    }
    this.heapUsed = old;
    this.heapTight = old > this.heapLimit * HEAP_HIGH;
    this.nextHeapCheck = input + HEAP_CHECK_INPUT;
  }

  /**
   * The cron's look for garbage on an idle server: V8 collects when allocations need it, so
   * what a burst left behind (a client's 1.6 GB of arguments, a keyspace table's replaced
   * arrays, a fill's promoted temporaries) stays resident on a server that has gone quiet, as
   * dirty pages would with an allocator that never purged them. One full collection per quiet
   * period at most: after IDLE_MS for a large garbage, after IDLE_SETTLED_MS for a grown heap
   * (the data removed since counts as growth: a FLUSHALL's garbage does not make the heap grow),
   * and after IDLE_SETTLED_MS for the first quiet period since the start.
   */
  collectWhenIdle(input: number, now: number): void {
    const used = this.used;
    const heldNow = held();
    if (heldNow < this.heldAfterCollect) {
      this.heldAfterCollect = heldNow;
      this.usedAfterCollect = used;
    }
    if (input !== this.lastInput) {
      this.lastInput = input;
      this.quietSince = now;
      return;
    }
    const quiet = now - this.quietSince;
    if (quiet < IDLE_MS || this.lastCollect >= this.quietSince) return;
    const grown = heldNow - this.heldAfterCollect;
    const garbage = grown - (used - this.usedAfterCollect);
    const worth =
      garbage >= Math.max(IDLE_GARBAGE, used) ||
      (quiet >= IDLE_SETTLED_MS && this.lastCollect === 0) ||
      (quiet >= IDLE_SETTLED_MS &&
        heldNow <= IDLE_GROWTH_MAX_HELD &&
        Math.max(grown, garbage) >= Math.max(IDLE_GROWTH_MIN, this.heldAfterCollect * IDLE_GROWTH_SHARE));
    if (!worth) return;
    this.lastCollect = now;
    this.idleCollections++;
    collectGarbage();
    this.heldAfterCollect = held();
    this.usedAfterCollect = this.used;
  }

  /** Refuses commands that may grow memory while the V8 heap is near its limit (checked before the other gates). */
  readonly heapGate: WriteGate = new HeapGate(this);
}

class HeapGate implements WriteGate {
  readonly order = GateOrder.Oom;
  constructor(private readonly memory: Memory) {}
  get closed(): boolean {
    return this.memory.heapTight;
  }
  refuse(cmd: RegisteredCommand): ReplyError | null {
    return (cmd.bits & CmdFlag.DenyOom) !== 0 ? Errors.oom : null;
  }
}
