import * as v8 from 'v8';
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
const CLIENT_OVERHEAD = 2048;
/** Writes are refused once the V8 heap holds this share of its limit (live data and garbage). */
const HEAP_HIGH = 0.9;
/** Input bytes between two looks at the V8 heap besides the cron's (a fast writer between two ticks). */
const HEAP_CHECK_INPUT = 16 * 1024 * 1024;

/**
 * Redis's used_memory, estimated without an allocator to ask: what the process had at start
 * (the V8 heap when the server became ready), the dataset (each entry's `size`, kept up to
 * date by the keyspace as values are stored, removed and changed in place), the expiry map,
 * and the clients' buffers (summed by the server cron). `maxmemory` is checked against it.
 *
 * Apart from it, the real V8 heap is watched (each cron tick and every 16 MB of input): once
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
  /** lazyfree_pending_objects and lazyfreed_objects (Keyspace.lazyFree). */
  get lazyfreePending(): number {
    return this.keyspace.lazyfreePending;
  }
  get lazyfreed(): number {
    return this.keyspace.lazyfreed;
  }
  /** The V8 heap at the last look, and its limit. */
  heapUsed = 0;
  heapLimit = v8.getHeapStatistics().heap_size_limit;
  /** The V8 heap is near its limit: denyoom commands are refused. */
  heapTight = false;
  /** Look at the heap again once total input passes this (Server.stats.netInputBytes). */
  nextHeapCheck = 0;

  constructor(@inject(Keyspace) private readonly keyspace: Keyspace) {}

  /** The server is ready: what it holds now is its start-up cost. */
  started(): void {
    const m = process.memoryUsage();
    this.startup = m.heapUsed + m.external;
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
    for (const c of clients) {
      n += CLIENT_OVERHEAD + c.bufferedBytes;
      count++;
    }
    this.clientBytes = n;
    this.clientCount = count;
  }

  /** Look at the V8 heap; `input` is the server's total input so far. */
  checkHeap(input: number): void {
    const h = v8.getHeapStatistics();
    this.heapUsed = h.used_heap_size;
    this.heapLimit = h.heap_size_limit;
    this.heapTight = h.used_heap_size > h.heap_size_limit * HEAP_HIGH;
    this.nextHeapCheck = input + HEAP_CHECK_INPUT;
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
