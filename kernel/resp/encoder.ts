import {
  AttributeReply,
  BigNumberReply,
  DoubleReply,
  EncodedReply,
  IntegerReply,
  MapReply,
  NullArrayReply,
  PushReply,
  type Reply,
  ReplyError,
  SetReply,
  StatusReply,
  VerbatimReply,
} from '../reply';
import { formatDouble } from '../util/numbers';

/**
 * Integer replies 0-9999 are made once each, as Redis keeps shared integers up to 9999: INCR's
 * answer and the counts most commands give allocate nothing.
 */
const SMALL_INTEGERS = 10000;
const integerReplies = new Array<string | undefined>(SMALL_INTEGERS);

/**
 * "$<n>\r\n" of the bulk strings most replies are: a GET's answer is three concatenations,
 * no number formatting.
 */
const BULK_HEADERS = 1024;
const BULK_HEADER: string[] = Array.from({ length: BULK_HEADERS }, (_, n) => `$${n}\r\n`);
/** "*<n>\r\n" of small arrays (the commands the journal encodes). */
const ARRAY_HEADERS = 16;
const ARRAY_HEADER: string[] = Array.from({ length: ARRAY_HEADERS }, (_, n) => `*${n}\r\n`);

/** "$<n>\r\n": a bulk string's header. */
export function bulkHeader(n: number): string {
  return n < BULK_HEADERS ? BULK_HEADER[n] : `$${n}\r\n`;
}

/** "*<n>\r\n": an array's header. */
export function arrayHeader(n: number): string {
  return n < ARRAY_HEADERS ? ARRAY_HEADER[n] : `*${n}\r\n`;
}

/** Aggregates nested deeper than this are encoded without recursion (encodeNested). */
const MAX_RECURSION = 100;

/** Encode a reply as RESP2 or RESP3. Strings are binary (latin1): length in chars = bytes. */
export function encode(r: Reply, resp: number, depth = 0): string {
  switch (typeof r) {
    case 'string':
      return bulkHeader(r.length) + r + '\r\n';
    case 'number':
      if (!Number.isInteger(r)) return encodeDouble(r, resp);
      if (r >= 0 && r < SMALL_INTEGERS) return integerReplies[r] ?? (integerReplies[r] = `:${r}\r\n`);
      return `:${r}\r\n`;
    case 'bigint':
      return `:${r}\r\n`;
    case 'boolean':
      return resp === 3 ? (r ? '#t\r\n' : '#f\r\n') : r ? ':1\r\n' : ':0\r\n';
    case 'object':
      if (r === null) return resp === 3 ? '_\r\n' : '$-1\r\n';
      if (depth > MAX_RECURSION) return encodeNested(r, resp);
      if (Array.isArray(r)) return encodeAggregate('*', r, resp, depth);
      return encodeObject(r, resp, depth);
    default:
      throw new TypeError(`cannot encode a reply of type ${typeof r}`);
  }
}

function encodeAggregate(prefix: string, items: Reply[], resp: number, depth: number): string {
  if (items.length >= 8 && allStrings(items)) return encodeStrings(prefix, items as string[]);
  let out = `${prefix}${items.length}\r\n`;
  for (let i = 0; i < items.length; i++) out += encode(items[i], resp, depth + 1);
  return out;
}

/** The header encodeNested writes for the aggregate aggregateItems last recognised. */
let nestedHeader = '';

/** An aggregate's items (its header in nestedHeader), or null for a reply without items. */
function aggregateItems(r: Reply, resp: number): Reply[] | null {
  if (Array.isArray(r)) {
    nestedHeader = `*${r.length}\r\n`;
    return r;
  }
  if (r instanceof MapReply) {
    nestedHeader = resp === 3 ? `%${r.entries.length / 2}\r\n` : `*${r.entries.length}\r\n`;
    return r.entries;
  }
  if (r instanceof SetReply || r instanceof PushReply) {
    nestedHeader = `${resp !== 3 ? '*' : r instanceof SetReply ? '~' : '>'}${r.items.length}\r\n`;
    return r.items;
  }
  return null;
}

/**
 * A deeply nested reply (a script returning a table that contains itself nests thousands of
 * levels, as Redis does) encoded with an explicit stack: recursion would exhaust the JS stack.
 */
function encodeNested(r: Reply, resp: number): string {
  let out = '';
  const lists: Reply[][] = [];
  const next: number[] = [];
  let item = r;
  for (;;) {
    const items = aggregateItems(item, resp);
    if (items === null) out += encode(item, resp);
    else {
      out += nestedHeader;
      lists.push(items);
      next.push(0);
    }
    while (lists.length > 0 && next[next.length - 1] === lists[lists.length - 1].length) {
      lists.pop();
      next.pop();
    }
    if (lists.length === 0) return out;
    item = lists[lists.length - 1][next[next.length - 1]++];
  }
}

function allStrings(items: Reply[]): boolean {
  for (let i = 0; i < items.length; i++) if (typeof items[i] !== 'string') return false;
  return true;
}

/** "\r\n$<n>\r\n": what stands between one bulk string and the next of length n. */
const BETWEEN: string[] = Array.from({ length: 1024 }, (_, n) => `\r\n$${n}\r\n`);

/**
 * An array of bulk strings (LRANGE, ZRANGE, HKEYS, SMEMBERS...): the items themselves joined by
 * cached separators, so nothing is allocated per item but the rope's nodes, and the reply is
 * copied once, when the output is written.
 */
function encodeStrings(prefix: string, items: string[]): string {
  const n = items.length;
  let out = `${prefix}${n}\r\n$${items[0].length}\r\n`;
  for (let i = 0; i < n; i++) {
    out += items[i];
    if (i + 1 === n) out += '\r\n';
    else {
      const len = items[i + 1].length;
      out += len < 1024 ? BETWEEN[len] : `\r\n$${len}\r\n`;
    }
  }
  return out;
}

function encodeDouble(d: number, resp: number, text?: string): string {
  const s = text ?? formatDouble(d);
  return resp === 3 ? `,${s}\r\n` : `$${s.length}\r\n${s}\r\n`;
}

function encodeObject(r: object, resp: number, depth: number): string {
  if (r instanceof StatusReply) return r.line;
  if (r instanceof EncodedReply) return r.resp;
  if (r instanceof ReplyError) return `-${errorLine(r.message)}\r\n`;
  if (r instanceof DoubleReply) return encodeDouble(r.value, resp, r.text);
  if (r instanceof MapReply) {
    if (resp !== 3) return encodeAggregate('*', r.entries, resp, depth);
    let out = `%${r.entries.length / 2}\r\n`;
    for (let i = 0; i < r.entries.length; i++) out += encode(r.entries[i], resp, depth + 1);
    return out;
  }
  if (r instanceof SetReply) return encodeAggregate(resp === 3 ? '~' : '*', r.items, resp, depth);
  if (r instanceof PushReply) return encodeAggregate(resp === 3 ? '>' : '*', r.items, resp, depth);
  if (r instanceof VerbatimReply) {
    if (resp !== 3) return `$${r.text.length}\r\n${r.text}\r\n`;
    return `=${r.text.length + 4}\r\n${r.format}:${r.text}\r\n`;
  }
  if (r instanceof BigNumberReply) {
    return resp === 3 ? `(${r.digits}\r\n` : `$${r.digits.length}\r\n${r.digits}\r\n`;
  }
  if (r instanceof IntegerReply) return `:${r.digits}\r\n`;
  if (r instanceof NullArrayReply) return resp === 3 ? '_\r\n' : '*-1\r\n';
  if (r instanceof AttributeReply) {
    if (resp !== 3) return encode(r.reply, resp);
    let out = `|${r.attributes.length / 2}\r\n`;
    for (let i = 0; i < r.attributes.length; i++) out += encode(r.attributes[i], resp);
    return out + encode(r.reply, resp);
  }
  throw new TypeError(`cannot encode a reply object of class ${r.constructor?.name}`);
}

/** Error texts travel on one line: Redis replaces CR and LF with spaces. */
function errorLine(msg: string): string {
  return msg.indexOf('\r') < 0 && msg.indexOf('\n') < 0 ? msg : msg.replace(/[\r\n]/g, ' ');
}
