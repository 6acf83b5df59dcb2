import {
  BigNumberReply,
  DoubleReply,
  IntegerReply,
  MapReply,
  PushReply,
  type Reply,
  ReplyError,
  SetReply,
  StatusReply,
  VerbatimReply,
} from '../reply';

/** Returned by ReplyReader.next while the buffered bytes hold no complete reply. */
export const INCOMPLETE: unique symbol = Symbol('incomplete');

/** A reply that is not RESP: the connection cannot be trusted any further. */
export class ReplyProtocolError extends Error {}

/** An open aggregate: its kind, how many elements it still needs, what it has. */
interface Frame {
  type: number;
  left: number;
  items: Reply[];
}

const MAX_BULK = 512 * 1024 * 1024;

/**
 * Reads the replies of another server (RESP2 and RESP3) from a byte stream, as kernel Reply
 * values: what replication, MIGRATE and a cluster bus read from the servers they connect to.
 * Bytes are fed as they arrive; `next` returns each complete reply once. Parsing resumes where
 * it stopped, so a large reply arriving in many chunks is not rescanned from its start.
 * Strings are binary (latin1).
 */
export class ReplyReader {
  private buf: Buffer = Buffer.alloc(0);
  private pos = 0;
  private readonly stack: Frame[] = [];

  feed(chunk: Buffer): void {
    if (this.pos >= this.buf.length) {
      this.buf = chunk;
    } else {
      this.buf = Buffer.concat([this.buf.subarray(this.pos), chunk]);
    }
    this.pos = 0;
  }

  /** Bytes fed but not consumed by replies (a replication stream's raw payload follows replies). */
  takeRest(): Buffer {
    const rest = this.buf.subarray(this.pos);
    this.buf = Buffer.alloc(0);
    this.pos = 0;
    return rest;
  }

  /** The next complete reply, or INCOMPLETE. Throws ReplyProtocolError on bytes that are not RESP. */
  next(): Reply | typeof INCOMPLETE {
    for (;;) {
      const value = this.scalar();
      if (value === INCOMPLETE) return INCOMPLETE;
      let v: Reply | null | typeof OPEN = value;
      // Fold finished values into their parents until one is still open or the top is done.
      while (v !== OPEN) {
        const top = this.stack[this.stack.length - 1];
        if (top === undefined) return v;
        top.items.push(v);
        if (--top.left > 0) break;
        this.stack.pop();
        v = close(top);
      }
    }
  }

  /** One element: a scalar, or OPEN after pushing an aggregate frame. */
  private scalar(): Reply | typeof OPEN | typeof INCOMPLETE {
    const buf = this.buf;
    const start = this.pos;
    if (start >= buf.length) return INCOMPLETE;
    const end = buf.indexOf(13, start + 1);
    if (end < 0 || end + 1 >= buf.length) return INCOMPLETE;
    if (buf[end + 1] !== 10) throw new ReplyProtocolError('expected CRLF');
    const type = buf[start];
    const line = buf.latin1Slice(start + 1, end);
    const after = end + 2;
    switch (type) {
      case 43: // +
        this.pos = after;
        return new StatusReply(line);
      case 45: // -
        this.pos = after;
        return new ReplyError(line);
      case 58: { // :
        this.pos = after;
        const n = Number(line);
        if (!/^-?\d+$/.test(line)) throw new ReplyProtocolError(`bad integer '${line}'`);
        return Number.isSafeInteger(n) ? n : new IntegerReply(line);
      }
      case 95: // _
        this.pos = after;
        return null;
      case 44: // ,
        this.pos = after;
        return new DoubleReply(line === 'inf' ? Infinity : line === '-inf' ? -Infinity : Number(line));
      case 35: // #
        this.pos = after;
        return line === 't';
      case 40: // (
        this.pos = after;
        return new BigNumberReply(line);
      case 36: // $
      case 61: // =
      case 33: { // !
        const n = length(line);
        if (n < 0) {
          this.pos = after;
          return null;
        }
        if (buf.length < after + n + 2) return INCOMPLETE;
        this.pos = after + n + 2;
        const s = buf.latin1Slice(after, after + n);
        if (type === 61) return new VerbatimReply(s.slice(0, 3), s.slice(4));
        if (type === 33) return new ReplyError(s);
        return s;
      }
      case 42: // *
      case 126: // ~
      case 62: // >
      case 37: { // %
        const n = length(line);
        this.pos = after;
        if (n < 0) return null;
        const count = type === 37 ? n * 2 : n;
        const frame: Frame = { type, left: count, items: [] };
        if (count === 0) return close(frame);
        this.stack.push(frame);
        return OPEN;
      }
      default:
        // Including '|' (attributes), which Redis 7.0 never sends.
        throw new ReplyProtocolError(`bad reply type byte ${type}`);
    }
  }
}

const OPEN: unique symbol = Symbol('open');

function length(line: string): number {
  const n = Number(line);
  if (!Number.isInteger(n) || n < -1 || n > MAX_BULK) throw new ReplyProtocolError(`bad length '${line}'`);
  return n;
}

function close(frame: Frame): Reply {
  switch (frame.type) {
    case 126:
      return new SetReply(frame.items);
    case 62:
      return new PushReply(frame.items);
    case 37:
      return new MapReply(frame.items);
    default:
      return frame.items;
  }
}
