import { listpackEntries, type RdbInput, type RdbOutput, RdbError, RdbType, type TypeCodec } from '../../kernel';
import { formatId, type Id, makeId, msOf, seqOf, word } from './id';
import {
  addDeltas,
  Consumer,
  diffHi,
  diffLo,
  ENTRIES_READ_INVALID,
  Group,
  idDiff,
  lpInteger,
  Nack,
  Node,
  Stream,
  UNOWNED,
} from './stream';

const FLAG_DELETED = 1;
const FLAG_SAMEFIELDS = 2;

// ---- Listpack writer (Redis's listpack.c encodings) -------------------------------------------

/** Bytes of one listpack, filled front to back. */
class LpWriter {
  private readonly buf: Buffer;
  private pos = 6;
  private count = 0;

  constructor(size: number) {
    this.buf = Buffer.allocUnsafe(size);
  }

  private backlen(l: number): void {
    const b = this.buf;
    if (l <= 127) b[this.pos++] = l;
    else if (l < 16383) {
      b[this.pos++] = l >>> 7;
      b[this.pos++] = (l & 127) | 128;
    } else if (l < 2097151) {
      b[this.pos++] = l >>> 14;
      b[this.pos++] = ((l >>> 7) & 127) | 128;
      b[this.pos++] = (l & 127) | 128;
    } else if (l < 268435455) {
      b[this.pos++] = l >>> 21;
      b[this.pos++] = ((l >>> 14) & 127) | 128;
      b[this.pos++] = ((l >>> 7) & 127) | 128;
      b[this.pos++] = (l & 127) | 128;
    } else {
      b[this.pos++] = l >>> 28;
      b[this.pos++] = ((l >>> 21) & 127) | 128;
      b[this.pos++] = ((l >>> 14) & 127) | 128;
      b[this.pos++] = ((l >>> 7) & 127) | 128;
      b[this.pos++] = (l & 127) | 128;
    }
  }

  /** An int64 given as two's complement halves. */
  int64(hi: number, lo: number): void {
    const b = this.buf;
    const small = hi === 0 ? lo : hi === 0xffffffff && lo >= 0x80000000 ? lo - 4294967296 : NaN;
    this.count++;
    if (small >= 0 && small <= 127) {
      b[this.pos++] = small;
      this.backlen(1);
    } else if (small >= -4096 && small <= 4095) {
      const u = small < 0 ? small + 8192 : small;
      b[this.pos++] = 0xc0 | (u >>> 8);
      b[this.pos++] = u & 0xff;
      this.backlen(2);
    } else if (small >= -32768 && small <= 32767) {
      b[this.pos++] = 0xf1;
      b.writeInt16LE(small, this.pos);
      this.pos += 2;
      this.backlen(3);
    } else if (small >= -8388608 && small <= 8388607) {
      b[this.pos++] = 0xf2;
      b.writeIntLE(small, this.pos, 3);
      this.pos += 3;
      this.backlen(4);
    } else if (small >= -2147483648 && small <= 2147483647) {
      b[this.pos++] = 0xf3;
      b.writeInt32LE(small, this.pos);
      this.pos += 4;
      this.backlen(5);
    } else {
      b[this.pos++] = 0xf4;
      b.writeUInt32LE(lo >>> 0, this.pos);
      b.writeUInt32LE(hi >>> 0, this.pos + 4);
      this.pos += 8;
      this.backlen(9);
    }
  }

  int(v: number): void {
    if (v >= 0) this.int64(Math.floor(v / 4294967296), v >>> 0);
    else this.int64(0xffffffff, (v + 4294967296) >>> 0);
  }

  /** A string, stored as an integer when listpack would (lpStringToInt64). */
  string(s: string): void {
    if (!Number.isNaN(lpInteger(s))) {
      decimalHalves(s);
      this.int64(hHi, hLo);
      return;
    }
    const b = this.buf;
    const len = s.length;
    this.count++;
    let head: number;
    if (len < 64) {
      b[this.pos++] = 0x80 | len;
      head = 1;
    } else if (len < 4096) {
      b[this.pos++] = 0xe0 | (len >>> 8);
      b[this.pos++] = len & 0xff;
      head = 2;
    } else {
      b[this.pos++] = 0xf0;
      b.writeUInt32LE(len, this.pos);
      this.pos += 4;
      head = 5;
    }
    this.pos += b.write(s, this.pos, 'latin1');
    this.backlen(head + len);
  }

  finish(): Buffer {
    const b = this.buf;
    b[this.pos++] = 0xff;
    if (this.pos !== b.length) throw new Error(`stream node listpack is ${this.pos} bytes, expected ${b.length}`);
    b.writeUInt32LE(this.pos, 0);
    b.writeUInt16LE(this.count < 65535 ? this.count : 65535, 4);
    return b;
  }
}

let hHi = 0;
let hLo = 0;

/** A decimal int64 ("-12", "9223372036854775807") as two's complement halves in hHi/hLo. */
function decimalHalves(s: string): void {
  const neg = s.charCodeAt(0) === 45;
  let h = 0;
  let l = 0;
  for (let i = neg ? 1 : 0; i < s.length; i++) {
    l = l * 10 + (s.charCodeAt(i) - 48);
    const carry = Math.floor(l / 4294967296);
    l -= carry * 4294967296;
    h = h * 10 + carry;
  }
  if (neg && (h !== 0 || l !== 0)) {
    l = (4294967296 - l) % 4294967296;
    h = (4294967296 - h - (l === 0 ? 0 : 1)) % 4294967296;
  }
  hHi = h;
  hLo = l;
}

/** A node as Redis's listpack: master entry (counts, fields, 0), then each entry. */
export function nodeListpack(node: Node): Buffer {
  const w = new LpWriter(node.lpBytes);
  w.int(node.live);
  w.int(node.n - node.live);
  w.int(node.fields.length);
  for (const f of node.fields) w.string(f);
  w.int(0);
  for (let i = 0; i < node.n; i++) {
    const same = node.sameFields(i);
    const pairs = node.pairs(i);
    const numFields = pairs.length >> 1;
    w.int((node.isDeleted(i) ? FLAG_DELETED : 0) | (same ? FLAG_SAMEFIELDS : 0));
    const id = node.idAt(i);
    idDiff(id, node.master, 0);
    w.int64(diffHi, diffLo);
    idDiff(id, node.master, 2);
    w.int64(diffHi, diffLo);
    if (!same) w.int(numFields);
    for (let k = same ? 1 : 0; k < pairs.length; k += same ? 2 : 1) w.string(pairs[k]);
    w.int(same ? numFields + 3 : 2 * numFields + 4);
  }
  return w.finish();
}

// ---- RDB -------------------------------------------------------------------------------------

function saveU64(out: RdbOutput, hi: number, lo: number): void {
  if (hi === 0) out.length(lo);
  else out.length64(hi, lo);
}

function saveId(out: RdbOutput, id: Id): void {
  saveU64(out, word(id, 0), word(id, 1));
  saveU64(out, word(id, 2), word(id, 3));
}

function loadId(input: RdbInput): Id {
  const [mh, ml] = input.length64();
  const [sh, sl] = input.length64();
  return makeId(mh, ml, sh, sl);
}

/** A signed 64-bit counter saved as rdbSaveLen((uint64_t)v): -1 is 2^64-1. */
function saveCounter(out: RdbOutput, v: number): void {
  if (v < 0) out.length64(0xffffffff, 0xffffffff);
  else saveU64(out, Math.floor(v / 4294967296), v >>> 0);
}

function loadCounter(input: RdbInput): number {
  const [hi, lo] = input.length64();
  if (hi >= 0x80000000) return -((4294967295 - hi) * 4294967296 + (4294967296 - lo));
  return hi * 4294967296 + lo;
}

function rawId(input: RdbInput): Id {
  return input.raw(16).latin1Slice(0, 16);
}

function save(out: RdbOutput, s: Stream): void {
  out.length(s.nodes.length);
  for (const node of s.nodes) {
    out.string(node.master);
    out.string(nodeListpack(node).toString('latin1'));
  }
  out.length(s.length);
  saveId(out, s.lastId);
  saveId(out, s.firstId);
  saveId(out, s.maxDeletedId);
  saveCounter(out, s.entriesAdded);
  const groups = s.sortedGroups();
  out.length(groups.length);
  for (const g of groups) {
    out.string(g.name);
    saveId(out, g.lastId);
    saveCounter(out, g.entriesRead);
    out.length(g.pel.size);
    for (let i = 0; i < g.pel.size; i++) {
      const nack = g.pel.at(i);
      out.bytes(Buffer.from(g.pel.key(i), 'latin1'));
      out.millis(nack.deliveryTime);
      saveCounter(out, nack.deliveryCount);
    }
    const consumers = g.sortedConsumers();
    out.length(consumers.length);
    for (const c of consumers) {
      out.string(c.name);
      out.millis(c.seenTime);
      out.length(c.pel.size);
      for (const id of c.pel.list()) out.bytes(Buffer.from(id, 'latin1'));
    }
  }
}

/** A node from Redis's listpack under its master ID. */
function loadNode(master: Id, lp: string[]): Node {
  const bad = (): RdbError => new RdbError('corrupt stream node listpack');
  let p = 0;
  const next = (): string => {
    if (p >= lp.length) throw bad();
    return lp[p++];
  };
  const num = (): number => {
    const v = Number(next());
    if (!Number.isInteger(v)) throw bad();
    return v;
  };
  const live = num();
  const deleted = num();
  const nf = num();
  const fields: string[] = [];
  for (let i = 0; i < nf; i++) fields.push(next());
  if (num() !== 0) throw bad();
  const node = new Node(master, fields);
  const deletedAt: number[] = [];
  while (p < lp.length) {
    const flags = num();
    decimalHalves(next());
    const mh = hHi;
    const ml = hLo;
    decimalHalves(next());
    const id = addDeltas(master, mh, ml, hHi, hLo);
    const same = (flags & FLAG_SAMEFIELDS) !== 0;
    const argv: string[] = [];
    if (same) for (const f of fields) argv.push(f, next());
    else {
      const n = num();
      for (let i = 0; i < 2 * n; i++) argv.push(next());
    }
    num();
    if (node.n > 0 && id <= node.idAt(node.n - 1)) throw bad();
    node.push(id, argv, 0, same, -1, msOf(id), seqOf(id));
    if ((flags & FLAG_DELETED) !== 0) deletedAt.push(node.n - 1);
  }
  for (const i of deletedAt) node.markDeleted(i);
  if (node.live !== live || node.n - node.live !== deleted || node.live === 0) throw bad();
  return node;
}

function load(input: RdbInput, type: number): Stream {
  const v2 = type === RdbType.StreamListpacks2;
  const s = new Stream();
  const nodes = input.length();
  for (let i = 0; i < nodes; i++) {
    const key = input.string();
    if (key.length !== 16) throw new RdbError('stream node key is not a 128 bit ID');
    const node = loadNode(key, listpackEntries(Buffer.from(input.string(), 'latin1')));
    if (s.nodes.length > 0 && key <= s.nodes[s.nodes.length - 1].idAt(s.nodes[s.nodes.length - 1].n - 1)) {
      throw new RdbError('stream nodes out of order');
    }
    s.addNode(node);
  }
  s.length = input.length();
  s.lastId = loadId(input);
  if (v2) {
    s.firstId = loadId(input);
    s.maxDeletedId = loadId(input);
    s.entriesAdded = loadCounter(input);
  } else {
    s.refreshFirst();
    s.entriesAdded = s.length;
  }
  let live = 0;
  for (const n of s.nodes) live += n.live;
  if (live !== s.length) throw new RdbError('stream length does not match its entries');
  const groups = input.length();
  for (let i = 0; i < groups; i++) {
    const name = input.string();
    const lastId = loadId(input);
    const g = new Group(name, lastId, v2 ? loadCounter(input) : ENTRIES_READ_INVALID);
    if (!v2) g.entriesRead = s.estimateDistance(lastId);
    const pel = input.length();
    for (let k = 0; k < pel; k++) {
      const id = rawId(input);
      const time = input.millis();
      const count = loadCounter(input);
      g.pel.set(id, new Nack(UNOWNED, time, count));
    }
    const consumers = input.length();
    for (let k = 0; k < consumers; k++) {
      const c = new Consumer(input.string(), input.millis());
      g.consumers.set(c.name, c);
      const own = input.length();
      for (let j = 0; j < own; j++) {
        const id = rawId(input);
        const nack = g.pel.get(id);
        if (nack === undefined) throw new RdbError('stream consumer pending entry not in the group pending list');
        if (nack.consumer === c) continue;
        nack.consumer = c;
        c.pel.insert(id);
      }
    }
    for (let i = 0; i < g.pel.size; i++) if (g.pel.at(i).consumer === UNOWNED) throw new RdbError('stream pending entry without a consumer');
    (s.groups ??= new Map()).set(name, g);
  }
  return s;
}

/** AOF rewrite (rewriteStreamObject): XADDs, XSETID, then groups, consumers and pending entries. */
function rewrite(key: string, s: Stream, emit: (argv: string[]) => void): void {
  if (s.length > 0) {
    for (const node of s.nodes) {
      for (let i = 0; i < node.n; i++) {
        if (node.isDeleted(i)) continue;
        emit(['XADD', key, formatId(node.idAt(i)), ...node.pairs(i)]);
      }
    }
  } else {
    // An empty stream exists too: XADD then trim it away, as Redis writes it.
    emit(['XADD', key, 'MAXLEN', '0', '0-1', 'x', 'y']);
  }
  emit(['XSETID', key, formatId(s.lastId), 'ENTRIESADDED', String(s.entriesAdded), 'MAXDELETEDID', formatId(s.maxDeletedId)]);
  for (const g of s.sortedGroups()) {
    emit(['XGROUP', 'CREATE', key, g.name, formatId(g.lastId), 'ENTRIESREAD', String(g.entriesRead)]);
    for (const c of g.sortedConsumers()) {
      if (c.pel.size === 0) {
        emit(['XGROUP', 'CREATECONSUMER', key, g.name, c.name]);
        continue;
      }
      for (const id of c.pel.list()) {
        const nack = g.pel.get(id)!;
        emit(['XCLAIM', key, g.name, c.name, '0', formatId(id), 'TIME', String(nack.deliveryTime), 'RETRYCOUNT', String(nack.deliveryCount), 'JUSTID', 'FORCE']);
      }
    }
  }
}

export const streamCodec: TypeCodec<Stream> = {
  rdbTypes: [RdbType.StreamListpacks2, RdbType.StreamListpacks],
  save,
  load,
  rewrite,
};
