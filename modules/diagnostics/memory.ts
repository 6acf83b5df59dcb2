import * as v8 from 'v8';
import type { DataType, Keyspace, Reply } from '../../kernel';
import { DoubleReply, MapReply } from '../../kernel';

/** What a dict entry and a key's robj/sds header cost in Redis (dictEntry + robj + sds header). */
const KEY_OVERHEAD = 24 + 16 + 3;
const SLOT = 8;

/** MEMORY USAGE: the value's estimate from its type, plus the key and its dict entry. */
export function keyUsage(type: DataType, key: string, value: unknown, samples: number): number {
  return KEY_OVERHEAD + key.length + valueUsage(type, value, samples);
}

function valueUsage(type: DataType, value: unknown, samples: number): number {
  if (type.memory !== undefined) return type.memory(value);
  if (typeof value === 'string') return 16 + value.length;
  if (type.elements === undefined) return 64;
  // Like objectComputeSize: average the first `samples` elements, scaled to the whole value.
  const els = type.elements(value);
  const n = Math.min(els.length, samples);
  let sum = 0;
  for (let i = 0; i < n; i++) sum += 16 + els[i].length;
  return 64 + (n === 0 ? 0 : Math.round((sum / n) * els.length));
}

/** MEMORY STATS with Redis's field names; allocator figures come from V8's heap. */
export function memoryStats(keyspace: Keyspace, startup: number, peak: number, clients: number): Reply {
  const mem = process.memoryUsage();
  const total = mem.heapUsed + mem.external;
  const heap = v8.getHeapStatistics();
  const out: Reply[] = [
    'peak.allocated', Math.max(peak, total),
    'total.allocated', total,
    'startup.allocated', startup,
    'replication.backlog', 0,
    'clients.slaves', 0,
    'clients.normal', clients,
    'cluster.links', 0,
    'aof.buffer', 0,
    'lua.caches', 0,
    'functions.caches', 0,
  ];
  let overhead = startup + clients;
  let keys = 0;
  for (const db of keyspace.dbs) {
    if (db.size === 0) continue;
    const main = db.size * (24 + SLOT);
    const expires = db.expires.size * (24 + SLOT);
    overhead += main + expires;
    keys += db.size;
    out.push(`db.${db.id}`, new MapReply(['overhead.hashtable.main', main, 'overhead.hashtable.expires', expires, 'overhead.hashtable.slot-to-keys', 0]));
  }
  const net = Math.max(0, total - startup);
  const dataset = Math.max(0, total - overhead);
  const ratio = (a: number, b: number): DoubleReply => new DoubleReply(b === 0 ? 0 : a / b);
  out.push(
    'overhead.total', overhead,
    'keys.count', keys,
    'keys.bytes-per-key', keys === 0 ? 0 : Math.floor(net / keys),
    'dataset.bytes', dataset,
    'dataset.percentage', new DoubleReply(net === 0 ? 0 : (dataset * 100) / net),
    'peak.percentage', new DoubleReply((total * 100) / Math.max(peak, total)),
    'allocator.allocated', heap.used_heap_size + mem.external,
    'allocator.active', heap.total_heap_size + mem.external,
    'allocator.resident', mem.rss,
    'allocator-fragmentation.ratio', ratio(heap.total_heap_size, heap.used_heap_size),
    'allocator-fragmentation.bytes', heap.total_heap_size - heap.used_heap_size,
    'allocator-rss.ratio', ratio(mem.rss, heap.total_heap_size + mem.external),
    'allocator-rss.bytes', mem.rss - heap.total_heap_size - mem.external,
    'rss-overhead.ratio', new DoubleReply(1),
    'rss-overhead.bytes', 0,
    'fragmentation', ratio(mem.rss, total),
    'fragmentation.bytes', mem.rss - total,
  );
  return new MapReply(out);
}

/** MEMORY MALLOC-STATS: V8's heap spaces stand in for the allocator's report. */
export function mallocStats(): string {
  let out = '___ Begin V8 heap statistics ___\n';
  for (const [k, v] of Object.entries(v8.getHeapStatistics())) out += `${k}: ${v}\n`;
  for (const s of v8.getHeapSpaceStatistics()) {
    out += `${s.space_name}: size ${s.space_size} used ${s.space_used_size} available ${s.space_available_size}\n`;
  }
  return out + '___ End V8 heap statistics ___\n';
}
