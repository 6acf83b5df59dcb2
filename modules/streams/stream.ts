import { formatId, type Id, idOf, makeId, MAX_ID, MIN_ID, msOf, seqOf, word } from './id';
import type { RespWriter } from './reply';

/**
 * A stream is Redis's radix tree of listpacks in JS terms: an array of nodes in ID order, each
 * node a block of up to `stream-node-max-entries` entries packed into one Buffer (off the V8
 * heap, no object or string per entry), keyed by its master ID (the ID of the entry that opened
 * it). Seeking an ID is a binary search over the nodes, then over the node's entries; appending
 * touches only the tail.
 *
 * A node tracks the size Redis's listpack for the same entries would have (`lpBytes`): nodes
 * close exactly where Redis closes them (stream-node-max-bytes), so `~` trimming, which removes
 * whole nodes, leaves the same entries Redis leaves, and the RDB writer emits the same nodes.
 *
 * An entry in `buf`: a flags byte (SAME: the master's fields, stored as values only; WIDE: the
 * ID as 16 raw bytes), the ID as varints (ms minus the master's ms, then seq) unless WIDE, the
 * field count as a varint, then the strings, each a varint length and its bytes.
 */
const E_SAME = 2;
const E_WIDE = 4;

/** A closed node's arrays, free for the next one. */
interface Spare {
  buf: Buffer;
  offs: Uint32Array;
}

export class Node {
  buf: Buffer;
  /** Bytes of `buf` in use. */
  len = 0;
  /** Offset of each entry in `buf`; bit 31 marks a deleted entry. */
  offs: Uint32Array;
  /** Entries in the node, deleted ones included. */
  n = 0;
  /** Entries not deleted. */
  live = 0;
  /** Bytes this node holds, buffer and offsets (MEMORY USAGE). */
  bytes: number;
  /** Listpack bytes of the entries (flags .. lp-count), as Redis would store them. */
  entBytes = 0;
  /** Listpack bytes of the master fields. */
  readonly fieldBytes: number;
  /** The master ID's ms as a number when IDs can be stored as small deltas from it, else -1. */
  private readonly masterMs: number;
  /** The master ID's seq as a number when below 2^53, else -1 (listpack sizes of seq deltas). */
  private readonly masterSeq: number;

  /**
   * `bytes` and `entries`: the capacity to start with. XADD sizes the tail node for the entries
   * it will likely hold, so it is not regrown entry by entry (seal() moves it into an exact allocation).
   */
  constructor(
    /** The master ID: the first entry's ID when the node was opened. */
    readonly master: Id,
    /** The master entry's fields: entries with exactly these fields store only values. */
    readonly fields: string[],
    bytes = 256,
    entries = 8,
    /** Arrays no longer used (a closed node's, see seal), taken instead of new ones when large enough. */
    spare: Spare | null = null,
  ) {
    this.buf = spare !== null && spare.buf.length >= bytes ? spare.buf : Buffer.allocUnsafeSlow(bytes);
    this.offs = spare !== null && spare.offs.length >= entries ? spare.offs : new Uint32Array(entries);
    this.bytes = this.buf.length + this.offs.byteLength;
    let b = 0;
    for (const f of fields) b += lpStringBytes(f);
    this.fieldBytes = b;
    this.masterMs = msOf(master);
    this.masterSeq = seqOf(master);
  }

  isDeleted(i: number): boolean {
    return (this.offs[i] & 0x80000000) !== 0;
  }

  idAt(i: number): Id {
    const b = this.buf;
    const p = this.offs[i] & 0x7fffffff;
    if ((b[p] & E_WIDE) !== 0) return b.latin1Slice(p + 1, p + 17);
    const ms = this.masterMs + readVarint(b, p + 1);
    return idOf(ms, readVarint(b, vpos));
  }

  /** Entry `i`'s ID as "ms-seq" (formatId of idAt), printed from the varints when they are compact. */
  textAt(i: number): string {
    const b = this.buf;
    const p = this.offs[i] & 0x7fffffff;
    if ((b[p] & E_WIDE) !== 0) return formatId(b.latin1Slice(p + 1, p + 17));
    const ms = this.masterMs + readVarint(b, p + 1);
    return `${ms}-${readVarint(b, vpos)}`;
  }

  /** Whether entry `i`'s ID is above `id`, compared as numbers when the entry is compact (no ID string built). */
  above(i: number, id: Id): boolean {
    const b = this.buf;
    const p = this.offs[i] & 0x7fffffff;
    if ((b[p] & E_WIDE) !== 0) return b.latin1Slice(p + 1, p + 17) > id;
    // A compact entry's ms and seq are below 2^53: any ID with a larger part is above it.
    const mh = word(id, 0);
    if (mh >= 0x200000) return false;
    const ms = this.masterMs + readVarint(b, p + 1);
    const idMs = mh * 4294967296 + word(id, 1);
    if (ms !== idMs) return ms > idMs;
    const sh = word(id, 2);
    return sh < 0x200000 && readVarint(b, vpos) > sh * 4294967296 + word(id, 3);
  }

  /** Whether entry `i` was stored with the master's fields (Redis's SAMEFIELDS flag). */
  sameFields(i: number): boolean {
    return (this.buf[this.offs[i] & 0x7fffffff] & E_SAME) !== 0;
  }

  /** The field/value pairs of entry `i`, flattened. */
  pairs(i: number): string[] {
    const b = this.buf;
    let p = this.offs[i] & 0x7fffffff;
    const flags = b[p++];
    if ((flags & E_WIDE) !== 0) p += 16;
    else {
      readVarint(b, p);
      readVarint(b, vpos);
      p = vpos;
    }
    const numFields = readVarint(b, p);
    p = vpos;
    const same = (flags & E_SAME) !== 0;
    const out = new Array<string>(numFields * 2);
    for (let k = 0; k < numFields * 2; k++) {
      if (same && (k & 1) === 0) {
        out[k] = this.fields[k >> 1];
        continue;
      }
      const len = readVarint(b, p);
      p = vpos;
      out[k] = b.latin1Slice(p, p + len);
      p += len;
    }
    return out;
  }

  /** Entry `i` as replies show it, [id, [field, value, ...]], written as RESP. */
  write(i: number, out: RespWriter): void {
    const b = this.buf;
    let p = this.offs[i] & 0x7fffffff;
    const flags = b[p++];
    out.head(42, 2);
    if ((flags & E_WIDE) !== 0) {
      out.bulk(formatId(b.latin1Slice(p, p + 16)));
      p += 16;
    } else {
      // A compact ID's ms and seq are below 2^53 (push stores the others wide).
      const ms = this.masterMs + readVarint(b, p);
      out.id(ms, readVarint(b, vpos));
      p = vpos;
    }
    const numFields = readVarint(b, p);
    p = vpos;
    out.head(42, numFields * 2);
    const same = (flags & E_SAME) !== 0;
    for (let k = 0; k < numFields; k++) {
      if (same) out.bulk(this.fields[k]);
      else {
        const len = readVarint(b, p);
        out.bulkBytes(b, vpos, len);
        p = vpos + len;
      }
      const len = readVarint(b, p);
      out.bulkBytes(b, vpos, len);
      p = vpos + len;
    }
  }

  /** First index whose ID is >= id (n if none). */
  lowerBound(id: Id): number {
    let lo = 0;
    let hi = this.n;
    const mh = word(id, 0);
    const sh = word(id, 2);
    if (this.masterMs < 0 || mh >= 0x200000 || sh >= 0x200000) {
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (this.idAt(mid) < id) lo = mid + 1;
        else hi = mid;
      }
      return lo;
    }
    // Compared as numbers, without building each probed entry's ID string.
    const ms = mh * 4294967296 + word(id, 1);
    const seq = sh * 4294967296 + word(id, 3);
    const b = this.buf;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const p = this.offs[mid] & 0x7fffffff;
      let less: boolean;
      if ((b[p] & E_WIDE) !== 0) less = b.latin1Slice(p + 1, p + 17) < id;
      else {
        const ems = this.masterMs + readVarint(b, p + 1);
        less = ems < ms || (ems === ms && readVarint(b, vpos) < seq);
      }
      if (less) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  private reserve(extra: number): void {
    const need = this.len + extra;
    if (need <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < need) size *= 2;
    const grown = Buffer.allocUnsafeSlow(size);
    this.buf.copy(grown, 0, 0, this.len);
    this.buf = grown;
    this.measure();
  }

  private varint(n: number): void {
    const b = this.buf;
    while (n >= 0x80) {
      b[this.len++] = (n % 128) | 0x80;
      n = Math.floor(n / 128);
    }
    b[this.len++] = n;
  }

  private str(s: string): void {
    const n = s.length;
    this.varint(n);
    // Short strings byte by byte: cheaper than a call into Buffer#write (same low byte per char).
    if (n <= 32) {
      const b = this.buf;
      const p = this.len;
      for (let i = 0; i < n; i++) b[p + i] = s.charCodeAt(i);
      this.len = p + n;
    } else this.len += this.buf.write(s, this.len, 'latin1');
  }

  /**
   * Append an entry with the pairs argv[from..] (`chars`: their total length, or -1 to count);
   * `ms` and `seq`: the ID's parts (msOf, seqOf). `id` may be null when both are numbers.
   */
  push(id: Id | null, argv: string[], from: number, same: boolean, chars: number, ms: number, seq: number): void {
    if (this.n === this.offs.length) {
      const grown = new Uint32Array(this.n * 2);
      grown.set(this.offs);
      this.offs = grown;
      this.measure();
    }
    const numFields = (argv.length - from) >> 1;
    if (chars < 0) {
      chars = 0;
      for (let i = from; i < argv.length; i++) chars += argv[i].length;
    }
    this.reserve(27 + chars + 5 * (argv.length - from));
    this.offs[this.n++] = this.len;
    this.live++;
    const compact = this.masterMs >= 0 && ms >= this.masterMs && seq >= 0;
    this.buf[this.len++] = (same ? E_SAME : 0) | (compact ? 0 : E_WIDE);
    let bytes: number;
    if (compact) {
      this.varint(ms - this.masterMs);
      this.varint(seq);
      bytes = this.masterSeq >= 0 ? valueBytes(argv, from, same) + 2 + lpIntBytes(ms - this.masterMs) + lpIntBytes(seq - this.masterSeq) : entryBytes(id ?? idOf(ms, seq), this.master, argv, from, same);
    } else {
      id ??= idOf(ms, seq);
      this.len += this.buf.write(id, this.len, 'latin1');
      bytes = entryBytes(id, this.master, argv, from, same);
    }
    this.varint(numFields);
    // The strings, written through locals: short ones (the usual) byte by byte, with a one-byte length.
    const b = this.buf;
    let p = this.len;
    for (let i = from + (same ? 1 : 0); i < argv.length; i += same ? 2 : 1) {
      const v = argv[i];
      const n = v.length;
      if (n < 0x80) {
        b[p++] = n;
        if (n <= 32) for (let k = 0; k < n; k++) b[p++] = v.charCodeAt(k);
        else p += b.write(v, p, 'latin1');
      } else {
        this.len = p;
        this.str(v);
        p = this.len;
      }
    }
    this.len = p;
    this.entBytes += bytes;
  }

  /** The bytes seal() packs the node into: its entries, padded to 8, then the offsets. */
  get sealedBytes(): number {
    return ((this.len + 7) & ~7) + 4 * this.n;
  }

  /**
   * No more entries come (a newer node was opened): move the entries and their offsets into
   * `exact` (sealedBytes long, 8-aligned; the offsets become a view at its end, so a closed node
   * holds no ArrayBuffer of its own), and return the arrays used so far for the next node (none
   * when it was sealed before: they are one).
   */
  seal(exact: Buffer): Spare | null {
    const spare: Spare | null = this.offs.buffer === this.buf.buffer ? null : { buf: this.buf, offs: this.offs };
    const n = this.n;
    const at = (this.len + 7) & ~7;
    this.buf.copy(exact, 0, 0, this.len);
    const offs = (exact.byteOffset & 3) === 0 ? new Uint32Array(exact.buffer, exact.byteOffset + at, n) : new Uint32Array(n);
    for (let i = 0; i < n; i++) offs[i] = this.offs[i];
    this.buf = exact;
    this.offs = offs;
    this.measure();
    return spare;
  }

  /** `bytes` after the arrays changed: offsets that are a view into `buf` are counted in it. */
  private measure(): void {
    this.bytes = this.buf.length + (this.offs.buffer === this.buf.buffer ? 0 : this.offs.byteLength);
  }

  markDeleted(i: number): void {
    this.offs[i] |= 0x80000000;
    this.live--;
  }

  /** The total size of Redis's listpack holding this node. */
  get lpBytes(): number {
    return 7 + lpIntBytes(this.live) + lpIntBytes(this.n - this.live) + lpIntBytes(this.fields.length) + this.fieldBytes + 2 + this.entBytes;
  }

  clone(): Node {
    const c = new Node(this.master, this.fields);
    c.buf = Buffer.allocUnsafeSlow(this.buf.length);
    this.buf.copy(c.buf);
    c.len = this.len;
    // The same layout: offsets that are a view into the buffer stay one.
    c.offs =
      this.offs.buffer === this.buf.buffer
        ? new Uint32Array(c.buf.buffer, c.buf.byteOffset + this.offs.byteOffset - this.buf.byteOffset, this.offs.length)
        : this.offs.slice();
    c.offs.set(this.offs);
    c.bytes = this.bytes;
    c.n = this.n;
    c.live = this.live;
    c.entBytes = this.entBytes;
    return c;
  }
}

/** Scratch: the position after the last varint read. */
let vpos = 0;

function readVarint(b: Buffer, p: number): number {
  let n = 0;
  let mul = 1;
  for (;;) {
    const c = b[p++];
    n += (c & 0x7f) * mul;
    if (c < 0x80) break;
    mul *= 128;
  }
  vpos = p;
  return n;
}

/** A pending entry: delivered to `consumer`, not yet acknowledged (Redis's streamNACK). */
export class Nack {
  constructor(
    public consumer: Consumer,
    public deliveryTime: number,
    public deliveryCount: number,
  ) {}
}

/**
 * IDs in order (a consumer's pending IDs: their NACKs are the group's). The list is `ids` from
 * `head` on: taking the first ID (an acknowledgement of the oldest, the usual case) steps `head`
 * instead of shifting the array, which on an array in V8's old generation costs every young
 * collection that follows a pass over the array's invalidated slots.
 */
export class IdList {
  protected ids: Id[] = [];
  protected head = 0;

  get size(): number {
    return this.ids.length - this.head;
  }

  /** The i-th ID. */
  key(i: number): Id {
    return this.ids[this.head + i];
  }

  /** The IDs in order (not to be changed). */
  list(): Id[] {
    return this.head === 0 ? this.ids : this.ids.slice(this.head);
  }

  /** First index whose ID is >= id. */
  lowerBound(id: Id): number {
    const k = this.ids;
    const h = this.head;
    let lo = h;
    let hi = k.length;
    // Deliveries mostly append: check the end first.
    if (hi > h && k[hi - 1] < id) return hi - h;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (k[mid] < id) lo = mid + 1;
      else hi = mid;
    }
    return lo - h;
  }

  /** The index of `id`, or -1. Acknowledgements mostly take the oldest entry: checked first. */
  indexOf(id: Id): number {
    if (this.size === 0) return -1;
    if (this.ids[this.head] === id) return 0;
    const i = this.lowerBound(id);
    return i < this.size && this.key(i) === id ? i : -1;
  }

  /** Add an ID not in the list; returns its index. */
  insert(id: Id): number {
    const i = this.lowerBound(id);
    if (i === this.size) this.ids.push(id);
    else this.ids.splice(this.head + i, 0, id);
    return i;
  }

  /** Remove an ID in the list. */
  remove(id: Id): void {
    const i = this.indexOf(id);
    if (i >= 0) this.removeAt(i);
  }

  protected removeAt(i: number): void {
    const k = this.ids;
    if (i === 0) {
      k[this.head++] = '';
      if (this.head === k.length || (this.head >= 64 && this.head * 2 >= k.length)) this.compact();
    } else if (i === this.size - 1) k.pop();
    else k.splice(this.head + i, 1);
  }

  /** Move the list to the start of its arrays, in place. */
  protected compact(): void {
    const k = this.ids;
    k.copyWithin(0, this.head);
    k.length -= this.head;
    this.head = 0;
  }
}

/**
 * IDs in order with a value each (Redis's rax of NACKs): sorted keys and their values side by
 * side, found by binary search. Pending lists mostly grow at the end and shrink at the start,
 * where a Map's table would be reallocated over and over.
 */
export class Pel<V> extends IdList {
  private vals: (V | null)[] = [];

  get(id: Id): V | undefined {
    const i = this.indexOf(id);
    return i < 0 ? undefined : this.at(i);
  }

  /** The value of the i-th ID. */
  at(i: number): V {
    return this.vals[this.head + i]!;
  }

  set(id: Id, v: V): void {
    const i = this.lowerBound(id);
    const at = this.head + i;
    if (i < this.size && this.ids[at] === id) this.vals[at] = v;
    else if (i === this.size) {
      this.ids.push(id);
      this.vals.push(v);
    } else {
      this.ids.splice(at, 0, id);
      this.vals.splice(at, 0, v);
    }
  }

  delete(id: Id): boolean {
    const i = this.indexOf(id);
    if (i < 0) return false;
    this.removeAt(i);
    return true;
  }

  protected override removeAt(i: number): void {
    const v = this.vals;
    const at = this.head + i;
    if (i === 0) v[at] = null;
    else if (at === v.length - 1) v.pop();
    else v.splice(at, 1);
    super.removeAt(i);
  }

  protected override compact(): void {
    const v = this.vals;
    v.copyWithin(0, this.head);
    v.length -= this.head;
    super.compact();
  }
}

export class Consumer {
  /** The IDs of the group's pending entries this consumer owns. */
  readonly pel = new IdList();
  constructor(
    readonly name: string,
    public seenTime: number,
  ) {}
}

/** The owner of a pending entry that has none yet (XCLAIM FORCE creating it, loading). */
export const UNOWNED = new Consumer('', 0);

/** Redis's SCG_INVALID_ENTRIES_READ: the group's read counter is unknown. */
export const ENTRIES_READ_INVALID = -1;

export class Group {
  readonly pel = new Pel<Nack>();
  readonly consumers = new Map<string, Consumer>();
  constructor(
    readonly name: string,
    public lastId: Id,
    public entriesRead: number,
  ) {}

  consumer(name: string): Consumer | undefined {
    return this.consumers.get(name);
  }

  /** Consumers in Redis's rax order (bytewise by name). */
  sortedConsumers(): Consumer[] {
    return [...this.consumers.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }
}

/** Node size limits (stream-node-max-bytes, stream-node-max-entries). */
export interface NodeLimits {
  maxBytes: number;
  maxEntries: number;
}

/** The largest slab of closed nodes (Stream.carve). */
const SLAB_MAX = 64 * 1024;

/** The largest listpack Redis lets a stream node grow to (STREAM_LISTPACK_MAX_SIZE). */
const LISTPACK_MAX = 1 << 30;

export const enum Trim {
  None = 0,
  MaxLen = 1,
  MinId = 2,
}

export class Stream {
  nodes: Node[] = [];
  length = 0;
  firstId: Id = MIN_ID;
  maxDeletedId: Id = MIN_ID;
  entriesAdded = 0;
  groups: Map<string, Group> | null = null;
  /** The bytes of every node (Node.bytes), kept as they change: MEMORY USAGE walks no node. */
  nodeBytes = 0;
  /** The slab closed nodes are packed into and how much of it is taken (carve). */
  private slab: Buffer | null = null;
  private slabUsed = 0;

  /**
   * The last ID as numbers (msOf, seqOf: -1 when not below 2^53), and as an Id once asked for:
   * XADD generates and stores IDs from the numbers, so an append builds no ID string.
   */
  lastMs = 0;
  lastSeq = 0;
  private last: Id | null = MIN_ID;

  get lastId(): Id {
    return (this.last ??= idOf(this.lastMs, this.lastSeq));
  }

  set lastId(id: Id) {
    this.last = id;
    this.lastMs = msOf(id);
    this.lastSeq = seqOf(id);
  }

  /**
   * Append an entry with the pairs argv[from..]. `id` must be above lastId; `ms`, `seq` are its
   * parts as msOf and seqOf give them, and when both are numbers `id` may be null (built only if
   * needed: a new node's master, the first entry, an entry not stored compact).
   */
  append(id: Id | null, argv: string[], from: number, limits: NodeLimits, total: number, ms: number, seq: number): void {
    const numFields = (argv.length - from) >> 1;
    const nodes = this.nodes;
    let tail = nodes.length === 0 ? undefined : nodes[nodes.length - 1];
    if (tail !== undefined) {
      const maxBytes = limits.maxBytes === 0 || limits.maxBytes > LISTPACK_MAX ? LISTPACK_MAX : limits.maxBytes;
      if (tail.lpBytes + total >= maxBytes) tail = undefined;
      else if (limits.maxEntries !== 0 && tail.n >= limits.maxEntries) tail = undefined;
    }
    let same = true;
    if (tail === undefined) {
      id ??= idOf(ms, seq);
      const fields: string[] = new Array<string>(numFields);
      for (let i = 0; i < numFields; i++) fields[i] = argv[from + 2 * i];
      // Room for the entries the node will likely take (as many as this one, up to the limits).
      const entries = limits.maxEntries > 0 && limits.maxEntries <= 1024 ? limits.maxEntries : 64;
      const estimate = (27 + total + 5 * (argv.length - from)) * entries;
      const bytes = estimate < 256 ? 256 : estimate > 16384 ? 16384 : estimate;
      // The closed node's arrays become the new one's (when large enough).
      let spare: Spare | null = null;
      if (nodes.length > 0) {
        const prev = nodes[nodes.length - 1];
        const before = prev.bytes;
        spare = prev.seal(this.carve(prev.sealedBytes));
        this.nodeBytes += prev.bytes - before;
      }
      tail = new Node(id, fields, bytes, entries, spare);
      this.addNode(tail);
    } else {
      const mf = tail.fields;
      if (mf.length !== numFields) same = false;
      else for (let i = 0; i < numFields; i++) if (mf[i] !== argv[from + 2 * i]) { same = false; break; }
    }
    const before = tail.bytes;
    tail.push(id, argv, from, same, total, ms, seq);
    this.nodeBytes += tail.bytes - before;
    if (this.length === 0) this.firstId = id ?? idOf(ms, seq);
    this.length++;
    this.entriesAdded++;
    this.last = id;
    this.lastMs = ms;
    this.lastSeq = seq;
  }

  /**
   * Room for a closed node (Node.seal): a piece of this stream's slab, one ArrayBuffer for many
   * nodes (allocating one a node was a few percent of pipelined XADD). The slab is a quarter of
   * the stream's node bytes (at most SLAB_MAX), so its unused end stays small next to the
   * stream; small streams and large nodes get a buffer each. A slab goes when all its nodes have.
   */
  private carve(size: number): Buffer {
    const want = this.nodeBytes >> 2;
    if (want < 4 * size || 4 * size > SLAB_MAX) return Buffer.allocUnsafeSlow(size);
    let slab = this.slab;
    if (slab === null || this.slabUsed + size > slab.length) {
      slab = this.slab = Buffer.allocUnsafeSlow(want < SLAB_MAX ? want : SLAB_MAX);
      this.slabUsed = 0;
    }
    const piece = slab.subarray(this.slabUsed, this.slabUsed + size);
    // Pieces start 8-aligned (their offsets are Uint32Array views).
    this.slabUsed += (size + 7) & ~7;
    return piece;
  }

  /** Add a node after the others. */
  addNode(node: Node): void {
    this.nodes.push(node);
    this.nodeBytes += node.bytes;
  }

  /** Remove `count` nodes from index `from`. */
  private removeNodes(from: number, count: number): void {
    for (let k = from; k < from + count; k++) this.nodeBytes -= this.nodes[k].bytes;
    this.nodes.splice(from, count);
  }

  /** Index of the last node whose master ID is <= id (0 when id is before every node). */
  nodeFor(id: Id): number {
    const nodes = this.nodes;
    let lo = 0;
    let hi = nodes.length - 1;
    if (hi < 0) return 0;
    if (nodes[hi].master <= id) return hi;
    while (lo < hi) {
      const mid = (lo + hi + 1) >>> 1;
      if (nodes[mid].master <= id) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  /** Node and index of the live entry with this ID, or null. */
  find(id: Id): [Node, number, number] | null {
    if (this.length === 0) return null;
    const ni = this.nodeFor(id);
    const node = this.nodes[ni];
    const i = node.lowerBound(id);
    if (i < node.n && !node.isDeleted(i) && node.idAt(i) === id) return [node, i, ni];
    return null;
  }

  /** The pairs of the live entry with this ID, or null. */
  get(id: Id): string[] | null {
    const f = this.find(id);
    return f === null ? null : f[0].pairs(f[1]);
  }

  /** XDEL of one ID: mark it deleted; a node left without live entries goes. */
  delete(id: Id): boolean {
    const f = this.find(id);
    if (f === null) return false;
    const [node, i, ni] = f;
    node.markDeleted(i);
    this.length--;
    if (node.live === 0) this.removeNodes(ni, 1);
    return true;
  }

  /** Whether the last live entry's ID is above `id` (streamLastValidID compared with it). */
  hasAbove(id: Id): boolean {
    if (this.length === 0) return false;
    const nodes = this.nodes;
    for (let k = nodes.length - 1; k >= 0; k--) {
      const node = nodes[k];
      for (let i = node.n - 1; i >= 0; i--) if (!node.isDeleted(i)) return node.above(i, id);
    }
    return false;
  }

  /** The first (or last) live entry's ID; null when empty. */
  edgeId(first: boolean): Id | null {
    if (this.length === 0) return null;
    const nodes = this.nodes;
    if (first) {
      for (const node of nodes) for (let i = 0; i < node.n; i++) if (!node.isDeleted(i)) return node.idAt(i);
    } else {
      for (let k = nodes.length - 1; k >= 0; k--) {
        const node = nodes[k];
        for (let i = node.n - 1; i >= 0; i--) if (!node.isDeleted(i)) return node.idAt(i);
      }
    }
    return null;
  }

  /** Recompute firstId after entries went (streamGetEdgeID, or 0-0 when empty). */
  refreshFirst(): void {
    this.firstId = this.edgeId(true) ?? MIN_ID;
  }

  /**
   * streamTrim: remove entries from the start, whole nodes while possible; with `approx`
   * stop at the first node that cannot go whole. `limit` (0 = none) caps the entries removed
   * by whole nodes. Returns how many entries went.
   */
  trim(strategy: Trim, maxLen: number, minId: Id, approx: boolean, limit: number): number {
    if (strategy === Trim.None) return 0;
    let deleted = 0;
    let removeFrom = 0;
    const nodes = this.nodes;
    let k = 0;
    for (; k < nodes.length; k++) {
      if (strategy === Trim.MaxLen && this.length <= maxLen) break;
      const node = nodes[k];
      const entries = node.live;
      if (limit !== 0 && deleted + entries > limit) break;
      const whole = strategy === Trim.MaxLen ? this.length - entries >= maxLen : node.idAt(node.n - 1) < minId;
      if (whole) {
        this.length -= entries;
        deleted += entries;
        removeFrom = k + 1;
        continue;
      }
      if (approx) break;
      for (let i = 0; i < node.n; i++) {
        if (strategy === Trim.MaxLen ? this.length <= maxLen : node.idAt(i) >= minId) break;
        if (!node.isDeleted(i)) {
          node.markDeleted(i);
          this.length--;
          deleted++;
        }
      }
      break;
    }
    if (removeFrom > 0) this.removeNodes(0, removeFrom);
    this.refreshFirst();
    return deleted;
  }

  group(name: string): Group | undefined {
    return this.groups?.get(name);
  }

  /** Groups in Redis's rax order (bytewise by name). */
  sortedGroups(): Group[] {
    if (this.groups === null) return [];
    return [...this.groups.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  /** Whether an XDEL'd ID may lie in [start, end] (streamRangeHasTombstones). */
  hasTombstones(start: Id, end: Id | null): boolean {
    if (this.length === 0 || this.maxDeletedId === MIN_ID) return false;
    if (this.firstId > this.maxDeletedId) return false;
    return start <= this.maxDeletedId && (end === null || this.maxDeletedId <= end);
  }

  /** streamEstimateDistanceFromFirstEverEntry: the entries-read counter of an ID, or -1. */
  estimateDistance(id: Id): number {
    if (this.entriesAdded === 0) return 0;
    if (this.length === 0 && id <= this.lastId) return this.entriesAdded;
    if (id === this.lastId) return this.entriesAdded;
    if (id > this.lastId) return ENTRIES_READ_INVALID;
    if (this.maxDeletedId === MIN_ID || this.maxDeletedId < this.firstId) {
      if (id < this.firstId) return this.entriesAdded - this.length;
      if (id === this.firstId) return this.entriesAdded - this.length + 1;
    }
    return ENTRIES_READ_INVALID;
  }

  /** A group's lag (XINFO GROUPS), or null when it cannot be known. */
  lag(g: Group): number | null {
    if (this.entriesAdded === 0) return 0;
    if (g.entriesRead !== ENTRIES_READ_INVALID && !this.hasTombstones(g.lastId, null)) return this.entriesAdded - g.entriesRead;
    const read = this.estimateDistance(g.lastId);
    return read === ENTRIES_READ_INVALID ? null : this.entriesAdded - read;
  }

  clone(): Stream {
    const s = new Stream();
    s.nodes = this.nodes.map((n) => n.clone());
    s.nodeBytes = this.nodeBytes;
    s.length = this.length;
    s.lastId = this.lastId;
    s.firstId = this.firstId;
    s.maxDeletedId = this.maxDeletedId;
    s.entriesAdded = this.entriesAdded;
    if (this.groups !== null) {
      s.groups = new Map();
      for (const g of this.groups.values()) {
        const c = new Group(g.name, g.lastId, g.entriesRead);
        for (const cons of g.consumers.values()) {
          const cc = new Consumer(cons.name, cons.seenTime);
          c.consumers.set(cc.name, cc);
        }
        for (let i = 0; i < g.pel.size; i++) {
          const id = g.pel.key(i);
          const nack = g.pel.at(i);
          const owner = c.consumers.get(nack.consumer.name)!;
          const copy = new Nack(owner, nack.deliveryTime, nack.deliveryCount);
          c.pel.set(id, copy);
          owner.pel.insert(id);
        }
        s.groups.set(c.name, c);
      }
    }
    return s;
  }
}

/**
 * Walks live entries in ID order (or reverse) between two bounds: the stream iterator.
 * `next()` positions on the next entry; `id`/`text()`/`pairs()` read it.
 */
export class Cursor {
  private ni = 0;
  private ei = -1;
  private node: Node | null = null;

  constructor(
    private readonly s: Stream,
    private readonly start: Id,
    private readonly end: Id,
    private readonly rev: boolean,
    /** Forward only: start past `start` (entries above it), so a caller holding the last ID read builds no next one. */
    after = false,
  ) {
    if (s.nodes.length === 0) return;
    if (!rev) {
      this.ni = s.nodeFor(start);
      const node = (this.node = s.nodes[this.ni]);
      let i = node.lowerBound(start);
      if (after && i < node.n && !node.above(i, start)) i++;
      this.ei = i - 1;
    } else {
      this.ni = s.nodeFor(end);
      this.node = s.nodes[this.ni];
      const i = this.node.lowerBound(end);
      this.ei = i < this.node.n && this.node.idAt(i) === end ? i + 1 : i;
    }
  }

  /**
   * The seek placed the cursor at the first entry inside the near bound and IDs only move away
   * from it, so only the far bound is checked, and not at all when it is the end of the stream.
   */
  next(): boolean {
    const nodes = this.s.nodes;
    let node = this.node;
    while (node !== null) {
      if (!this.rev) {
        this.ei++;
        if (this.ei >= node.n) {
          this.ni++;
          node = this.node = this.ni < nodes.length ? nodes[this.ni] : null;
          this.ei = -1;
          continue;
        }
        if (node.isDeleted(this.ei)) continue;
        if (this.end !== MAX_ID && node.idAt(this.ei) > this.end) {
          this.node = null;
          return false;
        }
        return true;
      }
      this.ei--;
      if (this.ei < 0) {
        this.ni--;
        node = this.node = this.ni >= 0 ? nodes[this.ni] : null;
        this.ei = node === null ? 0 : node.n;
        continue;
      }
      if (node.isDeleted(this.ei)) continue;
      if (this.start !== MIN_ID && node.idAt(this.ei) < this.start) {
        this.node = null;
        return false;
      }
      return true;
    }
    return false;
  }

  /** The current entry's ID. */
  get id(): Id {
    return this.node!.idAt(this.ei);
  }

  pairs(): string[] {
    return this.node!.pairs(this.ei);
  }

  /** The current entry as RESP (Node.write). */
  write(out: RespWriter): void {
    this.node!.write(this.ei, out);
  }

  /** The current entry's ID as a reply prints it. */
  text(): string {
    return this.node!.textAt(this.ei);
  }
}

// ---- Listpack sizes (Redis's lpEncode* rules) -------------------------------------------

export function backlenBytes(n: number): number {
  return n <= 127 ? 1 : n < 16383 ? 2 : n < 2097151 ? 3 : n < 268435455 ? 4 : 5;
}

/** Bytes of an integer element (encoding + backlen) for a safe integer. */
export function lpIntBytes(v: number): number {
  if (v >= 0 && v <= 127) return 2;
  if (v >= -4096 && v <= 4095) return 3;
  if (v >= -32768 && v <= 32767) return 4;
  if (v >= -8388608 && v <= 8388607) return 5;
  if (v >= -2147483648 && v <= 2147483647) return 6;
  return 10;
}

/** lpStringToInt64: a string listpack stores as an integer. Returns the value or NaN. */
export function lpInteger(s: string): number {
  const n = s.length;
  if (n === 0 || n > 20) return NaN;
  let i = 0;
  if (s.charCodeAt(0) === 45) {
    if (n === 1) return NaN;
    i = 1;
  }
  const c0 = s.charCodeAt(i);
  if (c0 === 48) return n === i + 1 && i === 0 ? 0 : NaN;
  if (c0 < 49 || c0 > 57) return NaN;
  let v = 0;
  for (let j = i; j < n; j++) {
    const c = s.charCodeAt(j);
    if (c < 48 || c > 57) return NaN;
    v = v * 10 + (c - 48);
  }
  const digits = n - i;
  // Up to 15 digits the sum above is exact.
  if (digits <= 15) return i === 1 ? -v : v;
  if (digits > 19 || (digits === 19 && s.slice(i) > (i === 1 ? '9223372036854775808' : '9223372036854775807'))) return NaN;
  return Number(s);
}

/** Bytes of a string element as listpack stores it (integers packed as such). */
export function lpStringBytes(s: string): number {
  const v = lpInteger(s);
  if (!Number.isNaN(v)) return lpIntBytes(v);
  const len = s.length;
  const enc = len < 64 ? 1 + len : len < 4096 ? 2 + len : 5 + len;
  return enc + backlenBytes(enc);
}

/**
 * The difference of word pair `k` (0: ms, 2: seq) of two IDs as int64 (uint64 wrap-around,
 * as Redis computes `id.ms - master.ms`): [hi, lo] halves in scratch, returned as a number
 * when it is a safe integer, NaN otherwise.
 */
export let diffHi = 0;
export let diffLo = 0;

export function idDiff(a: Id, b: Id, k: number): number {
  const ah = word(a, k), al = word(a, k + 1), bh = word(b, k), bl = word(b, k + 1);
  let lo = al - bl;
  let hi = ah - bh;
  if (lo < 0) {
    lo += 4294967296;
    hi -= 1;
  }
  if (hi < 0) hi += 4294967296;
  diffHi = hi;
  diffLo = lo;
  if (hi < 0x200000) return hi * 4294967296 + lo;
  if (hi >= 0xffe00000) return -((4294967295 - hi) * 4294967296 + (4294967296 - lo));
  return NaN;
}

/** The listpack bytes of an entry: flags, ID deltas, [field count, fields,] values, lp-count. */
function entryBytes(id: Id, master: Id, argv: string[], from: number, same: boolean): number {
  return 2 + lpDiffBytes(id, master, 0) + lpDiffBytes(id, master, 2) + valueBytes(argv, from, same);
}

/** entryBytes without the flags and ID deltas: [field count, fields,] values, lp-count. */
function valueBytes(argv: string[], from: number, same: boolean): number {
  const numFields = (argv.length - from) >> 1;
  let bytes = 0;
  for (let i = from + (same ? 1 : 0); i < argv.length; i += same ? 2 : 1) bytes += lpStringBytes(argv[i]);
  if (!same) bytes += lpIntBytes(numFields);
  return bytes + lpIntBytes(same ? numFields + 3 : 2 * numFields + 4);
}

function lpDiffBytes(a: Id, b: Id, k: number): number {
  const d = idDiff(a, b, k);
  return Number.isNaN(d) ? 10 : lpIntBytes(d);
}

/** An ID from a master and deltas read from a listpack (uint64 wrap-around addition). */
export function addDeltas(master: Id, msHi: number, msLo: number, seqHi: number, seqLo: number): Id {
  const add = (ah: number, al: number, bh: number, bl: number): [number, number] => {
    let lo = al + bl;
    let hi = ah + bh;
    if (lo >= 4294967296) {
      lo -= 4294967296;
      hi += 1;
    }
    return [hi >>> 0, lo];
  };
  const [mh, ml] = add(word(master, 0), word(master, 1), msHi, msLo);
  const [sh, sl] = add(word(master, 2), word(master, 3), seqHi, seqLo);
  return makeId(mh, ml, sh, sl);
}
