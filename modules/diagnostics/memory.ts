import * as v8 from 'v8';
import type { Keyspace, Memory, Reply } from '../../kernel';
import { DoubleReply, MapReply } from '../../kernel';

/**
 * MEMORY STATS with Redis's field names, from the kernel's used_memory estimate (`Memory`);
 * the allocator figures come from V8's heap.
 */
export function memoryStats(keyspace: Keyspace, memory: Memory): Reply {
  const mem = process.memoryUsage();
  const heap = v8.getHeapStatistics();
  const total = memory.used;
  const peak = Math.max(memory.peak, total);
  const startup = memory.startup;
  const out: Reply[] = [
    'peak.allocated', peak,
    'total.allocated', total,
    'startup.allocated', startup,
    'replication.backlog', memory.replicationBacklog,
    'clients.slaves', memory.replicaBytes,
    'clients.normal', memory.clientBytes - memory.replicaBytes,
    'cluster.links', 0,
    'aof.buffer', 0,
    'lua.caches', 0,
    'functions.caches', 0,
  ];
  let keys = 0;
  for (const db of keyspace.dbs) {
    if (db.size === 0) continue;
    keys += db.size;
    out.push(`db.${db.id}`, new MapReply(['overhead.hashtable.main', db.size * keyspace.entryOverhead, 'overhead.hashtable.expires', db.expires.size * 48, 'overhead.hashtable.slot-to-keys', 0]));
  }
  const overhead = Math.min(memory.overhead, total);
  const net = Math.max(0, total - startup);
  const dataset = total - overhead;
  const ratio = (a: number, b: number): DoubleReply => new DoubleReply(b === 0 ? 0 : a / b);
  const allocated = heap.used_heap_size + mem.external;
  const active = heap.total_heap_size + mem.external;
  out.push(
    'overhead.total', overhead,
    'keys.count', keys,
    'keys.bytes-per-key', keys === 0 ? 0 : Math.floor(net / keys),
    'dataset.bytes', dataset,
    'dataset.percentage', new DoubleReply(net === 0 ? 0 : (dataset * 100) / net),
    'peak.percentage', new DoubleReply((total * 100) / peak),
    'allocator.allocated', allocated,
    'allocator.active', active,
    'allocator.resident', mem.rss,
    'allocator-fragmentation.ratio', ratio(active, allocated),
    'allocator-fragmentation.bytes', active - allocated,
    'allocator-rss.ratio', ratio(mem.rss, active),
    'allocator-rss.bytes', mem.rss - active,
    'rss-overhead.ratio', new DoubleReply(1),
    'rss-overhead.bytes', 0,
    'fragmentation', ratio(mem.rss, total),
    'fragmentation.bytes', mem.rss - total,
  );
  return new MapReply(out);
}

/**
 * MEMORY DOCTOR for an instance holding data: Redis's checks that apply here (a past peak
 * well above today's use, a resident size well above used_memory, large client buffers).
 */
export function memoryDoctorReport(memory: Memory, rss: number): string {
  const used = memory.used;
  const issues: string[] = [];
  if (memory.peak / used > 1.5) {
    issues.push(
      ' * Peak memory: In the past this instance used more than 150% the memory that is currently using. The V8 heap keeps what it grew to for a while after a peak, so the resident size may stay above used_memory until it is reused or collected.',
    );
  }
  if (rss / used > 1.4 && rss - used > 10 << 20) {
    issues.push(
      ' * High total RSS: This instance has a resident set size more than 1.4 times used_memory. On V8 this is garbage not yet collected, heap reserved after a peak, or buffers outside the heap; if it stays high, check the heap with MEMORY MALLOC-STATS.',
    );
  }
  if (memory.clientBytes > 200 * 1024 * Math.max(1, memory.clientCount)) {
    issues.push(' * Big client buffers: The clients output buffers are in average bigger than 200 KB. Check CLIENT LIST (qbuf, omem) for the clients that hold them.');
  }
  if (issues.length === 0) return "Hi Sam, I can't find any memory issue in your instance. I can only account for what occurs on this base.";
  return `Sam, I detected a few issues in this Ferrous instance memory implants:\n\n${issues.join('\n\n')}\n\nI'm here to keep you safe, Sam. I want to help you.\n`;
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
