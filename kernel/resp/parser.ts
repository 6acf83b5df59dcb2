/**
 * Incremental RESP request parser: multibulk arrays of bulk strings and inline commands,
 * pipelined, split at any byte. Arguments come out as binary (latin1) strings.
 * Mirrors Redis's processMultibulkBuffer / processInlineBuffer, including error texts.
 */
import { decimalInInt64 } from '../util/int64';

const CR = 13;
const LF = 10;
const PROTO_INLINE_MAX_SIZE = 64 * 1024;
const INT_MAX = 2147483647;
const EMPTY = Buffer.alloc(0);

export class ProtocolError extends Error {}

export interface ParserLimits {
  /** proto-max-bulk-len */
  maxBulkLen: number;
  /** client-query-buffer-limit */
  maxQueryBuffer: number;
}

export class RespParser {
  private buf: Buffer = EMPTY;
  private pos = 0;
  /** Bulk/array header state for a multibulk command under way. */
  private argv: string[] | null = null;
  /** The command's argument count, and how many are still to read. */
  private argc = 0;
  private argsLeft = 0;
  private bulkLen = -1;
  /**
   * A large bulk argument still arriving is copied into one buffer of its exact size (with its
   * CRLF), as Redis reads a big argument into its own allocation: no quadratic concatenation,
   * no chunk copies left behind in the allocator, and the buffer goes as soon as the argument
   * is read. `bigLen` bytes of it are filled.
   */
  private big: Buffer | null = null;
  private bigLen = 0;
  /** Bytes that arrived after a large argument, parsed once it is read. */
  private after: Buffer | null = null;
  /** `buf` is the caller's chunk, which may be reused after this turn (see retain). */
  private borrowed = false;
  /** The last command name wholeCommand built (commandName). */
  private lastName = '';

  constructor(private readonly limits: ParserLimits, private readonly requireAuth: () => boolean) {}

  /** Bytes received and not yet consumed. */
  get pending(): number {
    return this.buf.length - this.pos + this.bigLen + (this.after === null ? 0 : this.after.length);
  }

  /**
   * Bytes of the arguments already read of a command still arriving (Redis's argv_len_sum
   * while it waits for the rest): CLIENT LIST's argv-mem, computed only when it asks.
   */
  get partialArgBytes(): number {
    const argv = this.argv;
    if (argv === null) return 0;
    let n = 0;
    for (let i = 0; i < this.argc - this.argsLeft; i++) n += argv[i].length;
    return n;
  }

  feed(chunk: Buffer): void {
    const big = this.big;
    if (big !== null) {
      const need = big.length - this.bigLen;
      if (chunk.length < need) {
        chunk.copy(big, this.bigLen);
        this.bigLen += chunk.length;
        return;
      }
      chunk.copy(big, this.bigLen, 0, need);
      this.big = null;
      this.bigLen = 0;
      this.buf = big;
      this.pos = 0;
      this.borrowed = false;
      // A copy: the chunk is the transport's read buffer.
      if (chunk.length > need) this.after = Buffer.from(chunk.subarray(need));
      return;
    }
    if (this.after !== null) {
      // The large argument was not parsed yet (the client waits on a command): queue behind it.
      this.after = Buffer.concat([this.after, chunk]);
      return;
    }
    if (this.pos >= this.buf.length) {
      this.buf = chunk;
      this.borrowed = true;
    } else {
      this.buf = Buffer.concat([this.buf.subarray(this.pos), chunk]);
      this.borrowed = false;
    }
    this.pos = 0;
  }

  /**
   * Copy the unconsumed bytes of the last chunk fed, so its memory can be reused for the
   * next read (the transport reads every connection into one buffer). Arguments are already
   * copies (latin1 strings): only a command still arriving needs this.
   */
  retain(): void {
    if (!this.borrowed) return;
    this.borrowed = false;
    if (this.pos >= this.buf.length) this.buf = EMPTY;
    else this.buf = Buffer.from(this.buf.subarray(this.pos));
    this.pos = 0;
  }

  /**
   * The next complete command, or null when more bytes are needed. An empty array is a
   * command with no arguments (empty inline line, `*0`): callers skip it.
   * Throws ProtocolError with Redis's text on malformed input.
   */
  next(): string[] | null {
    if (this.big !== null) return null;
    if (this.after !== null && this.pos >= this.buf.length) this.takeAfter();
    let buf = this.buf;
    if (this.argv === null) {
      if (this.pos >= buf.length) return null;
      if (buf[this.pos] !== 42 /* '*' */) return this.inline();
      const whole = this.wholeCommand(buf);
      if (whole !== null) {
        this.compact();
        return whole;
      }
      if (this.fastArrayHeader(buf)) return this.next();
      const cr = lineEnd(buf, this.pos, CR);
      if (cr < 0) {
        if (buf.length - this.pos > PROTO_INLINE_MAX_SIZE) throw new ProtocolError('too big mbulk count string');
        return null;
      }
      // Redis only waits for the byte after CR (it does not check that it is LF).
      if (cr + 1 >= buf.length) return null;
      const n = parseLong(buf, this.pos + 1, cr);
      if (Number.isNaN(n) || n > INT_MAX) throw new ProtocolError('invalid multibulk length');
      if (n > 10 && this.requireAuth()) throw new ProtocolError('unauthenticated multibulk length');
      this.pos = cr + 2;
      if (n <= 0) return EMPTY_ARGV;
      this.start(n);
    }
    const argv = this.argv!;
    while (this.argsLeft > 0) {
      if (this.bulkLen < 0) {
        if (this.pos >= buf.length) return null;
        if (this.fastBulkHeader(buf)) continue;
        const nl = lineEnd(buf, this.pos, CR);
        if (nl < 0) {
          if (buf.length - this.pos > PROTO_INLINE_MAX_SIZE) throw new ProtocolError('too big bulk count string');
          return null;
        }
        if (nl + 1 >= buf.length) return null;
        if (buf[this.pos] !== 36 /* '$' */) {
          // Error replies carry no CR/LF: Redis prints them as spaces.
          const c = buf[this.pos];
          throw new ProtocolError(`expected '$', got '${c === CR || c === LF ? ' ' : String.fromCharCode(c)}'`);
        }
        const n = parseLong(buf, this.pos + 1, nl);
        if (Number.isNaN(n) || n < 0 || n > this.limits.maxBulkLen) throw new ProtocolError('invalid bulk length');
        if (n > 16384 && this.requireAuth()) throw new ProtocolError('unauthenticated bulk length');
        this.pos = nl + 2;
        this.bulkLen = n;
      }
      const end = this.pos + this.bulkLen;
      if (end + 2 > buf.length) {
        if (this.bulkLen >= PROTO_MBULK_BIG_ARG) {
          const big = Buffer.allocUnsafeSlow(this.bulkLen + 2);
          this.bigLen = buf.copy(big, 0, this.pos);
          this.big = big;
          this.buf = EMPTY;
          this.pos = 0;
          this.borrowed = false;
        }
        return null;
      }
      argv[this.argc - this.argsLeft] = this.bulkLen <= SHORT_ARG ? shortLatin1(buf, this.pos, this.bulkLen) : buf.latin1Slice(this.pos, end);
      this.pos = end + 2;
      if (this.pos >= buf.length && this.after !== null) {
        // A large argument was read: its buffer goes now, and what came after it is next.
        this.takeAfter();
        buf = this.buf;
      }
      this.bulkLen = -1;
      this.argsLeft--;
    }
    this.argv = null;
    this.compact();
    return argv;
  }

  /**
   * A command that is all in `buf` from `pos` with only common headers (a count line of up to
   * six digits, bulk lengths of at most 16 KB, no leading zeros): read in one pass with local
   * variables, the parser's state written once at the end. Null, with nothing changed, when the
   * command is incomplete or anything is unusual: the general path then reads it from the same
   * place, with Redis's exact checks and error texts.
   */
  private wholeCommand(buf: Buffer): string[] | null {
    const len = buf.length;
    let i = this.pos + 1;
    let c = buf[i];
    if (c < 49 || c > 57) return null;
    let n = c - 48;
    for (c = buf[++i]; c >= 48 && c <= 57; c = buf[++i]) {
      n = n * 10 + (c - 48);
      if (n > 999999) return null;
    }
    if (c !== CR || (n > 10 && this.requireAuth())) return null;
    i += 2;
    const maxBulk = Math.min(this.limits.maxBulkLen, 16384);
    // Only up to 1024 at once: a count alone must not make a large allocation.
    const exact = n <= 1024;
    const argv = exact ? new Array<string>(n) : [];
    for (let k = 0; k < n; k++) {
      if (i >= len || buf[i] !== 36 /* '$' */) return null;
      c = buf[++i];
      if (c < 48 || c > 57) return null;
      let b = c - 48;
      c = buf[++i];
      if (b === 0 && c !== CR) return null;
      for (; c >= 48 && c <= 57; c = buf[++i]) {
        b = b * 10 + (c - 48);
        if (b > maxBulk) return null;
      }
      const at = i + 2;
      const end = at + b;
      if (c !== CR || end + 2 > len) return null;
      const arg = k === 0 ? this.commandName(buf, at, b) : b <= SHORT_ARG ? shortLatin1(buf, at, b) : buf.latin1Slice(at, end);
      if (exact) argv[k] = arg;
      else argv.push(arg);
      i = end + 2;
    }
    this.pos = i;
    return argv;
  }

  /**
   * A command's name: the previous command's string when the bytes are the same (a pipeline
   * repeats its command), so nothing is built and the command table's last-name check is a
   * pointer comparison.
   */
  private commandName(buf: Buffer, at: number, len: number): string {
    const last = this.lastName;
    if (len === last.length) {
      let k = 0;
      while (k < len && buf[at + k] === last.charCodeAt(k)) k++;
      if (k === len) return last;
    }
    if (len > SHORT_ARG) return buf.latin1Slice(at, at + len);
    const name = shortLatin1(buf, at, len);
    this.lastName = name;
    return name;
  }

  /** The common array header (`*<1-9 digits>\r`, at most 10 elements) read in JS; see fastBulkHeader. */
  private fastArrayHeader(buf: Buffer): boolean {
    let i = this.pos + 1;
    const c = buf[i];
    if (c < 49 || c > 57) return false;
    let n = c - 48;
    if (buf[++i] !== CR) {
      const d = buf[i];
      if (d !== 48 || buf[++i] !== CR) return false;
      n = n * 10;
      if (n > 10) return false;
    }
    if (i + 1 >= buf.length) return false;
    this.pos = i + 2;
    this.start(n);
    return true;
  }

  /**
   * A command of `n` arguments begins. A short one gets its array at its exact size: pushing
   * into an empty array allocates room for 16, most of a pipelined SET's garbage.
   */
  private start(n: number): void {
    this.argv = n <= MAX_PREALLOCATED ? new Array<string>(n) : [];
    this.argc = n;
    this.argsLeft = n;
    this.bulkLen = -1;
  }

  /**
   * The common bulk header (`$<1-9 digits>\r`, within limits) read in JS: cheaper than two
   * native indexOf calls per argument. Anything else (including every error) takes the
   * general path, which keeps Redis's exact checks and texts.
   */
  private fastBulkHeader(buf: Buffer): boolean {
    let i = this.pos;
    if (buf[i] !== 36 /* '$' */) return false;
    let c = buf[++i];
    if (c < 49 || c > 57) return false;
    let n = 0;
    do {
      n = n * 10 + (c - 48);
      c = buf[++i];
    } while (c >= 48 && c <= 57 && i - this.pos <= 10);
    if (c !== CR || i + 1 >= buf.length || n > this.limits.maxBulkLen || n > 16384) return false;
    this.pos = i + 2;
    this.bulkLen = n;
    return true;
  }

  private takeAfter(): void {
    this.buf = this.after!;
    this.after = null;
    this.pos = 0;
    this.borrowed = false;
  }

  private compact(): void {
    if (this.pos >= this.buf.length) {
      this.buf = EMPTY;
      this.borrowed = false;
      this.pos = 0;
    }
  }

  private inline(): string[] | null {
    const buf = this.buf;
    const nl = lineEnd(buf, this.pos, LF);
    if (nl < 0) {
      if (buf.length - this.pos > PROTO_INLINE_MAX_SIZE) throw new ProtocolError('too big inline request');
      return null;
    }
    let end = nl;
    if (end > this.pos && buf[end - 1] === CR) end--;
    const line = buf.latin1Slice(this.pos, end);
    this.pos = nl + 1;
    this.compact();
    const args = splitArgs(line);
    if (args === null) throw new ProtocolError('unbalanced quotes in request');
    return args;
  }
}

const EMPTY_ARGV: string[] = [];
/** Commands of up to this many arguments get their array allocated at once (RespParser.start). */
const MAX_PREALLOCATED = 16;

/** Arguments up to this many bytes are decoded in JS (shortLatin1), longer ones by latin1Slice. */
export const SHORT_ARG = 32;
const fromCharCode = String.fromCharCode;

/** Slots of the cache of two- and three-byte arguments (sharedShort). */
const SHARED_SLOTS = 4096;
/** Each slot's string and its code (length and bytes, see sharedShort); 0: empty. */
const sharedCodes = new Int32Array(SHARED_SLOTS);
const sharedStrings: string[] = new Array<string>(SHARED_SLOTS).fill('');

/**
 * A two- or three-byte argument, the same string each time it recurs while it keeps its slot
 * of a direct-mapped cache (as Redis shares the objects of small integers): values such as
 * small numbers, flags and short words, stored in many keys, are one string, not a new young
 * one per command that the collector copies into the old generation when a key keeps it. Its
 * length and bytes fit in one integer, so a hit compares one number.
 */
function sharedShort(b: Buffer, at: number, len: number): string {
  const code = (len << 24) | (b[at] << 16) | (b[at + 1] << 8) | (len === 3 ? b[at + 2] : 0);
  const slot = Math.imul(code, 0x9e3779b1) >>> 20;
  if (sharedCodes[slot] === code) return sharedStrings[slot];
  const s = len === 3 ? fromCharCode(b[at], b[at + 1], b[at + 2]) : fromCharCode(b[at], b[at + 1]);
  sharedCodes[slot] = code;
  sharedStrings[slot] = s;
  return s;
}

/**
 * `buf.latin1Slice(at, at + len)` for 0 <= len <= SHORT_ARG. latin1Slice is a call into C++
 * (~40 ns each on this project's machine, whatever the length); String.fromCharCode with
 * explicit arguments is a V8 builtin that builds the same flat one-byte string in ~10 ns for
 * 3 bytes and ~30 ns for 32 (measured with a hash of the result: 20 bytes 55 against 77 ns,
 * 32 bytes 73 against 88). Command names, most keys (redis-benchmark's are 16 and 20 bytes)
 * and small values are this short. Building a longer one from two halves would make a cons
 * string, which the hash flattens again.
 */
export function shortLatin1(b: Buffer, at: number, len: number): string {
  switch (len) {
    case 0:
      return '';
    case 1:
      return fromCharCode(b[at]);
    case 2:
    case 3:
      return sharedShort(b, at, len);
    case 4:
      return fromCharCode(b[at], b[at + 1], b[at + 2], b[at + 3]);
    case 5:
      return fromCharCode(b[at], b[at + 1], b[at + 2], b[at + 3], b[at + 4]);
    case 6:
      return fromCharCode(b[at], b[at + 1], b[at + 2], b[at + 3], b[at + 4], b[at + 5]);
    case 7:
      return fromCharCode(b[at], b[at + 1], b[at + 2], b[at + 3], b[at + 4], b[at + 5], b[at + 6]);
    case 8:
      return fromCharCode(b[at], b[at + 1], b[at + 2], b[at + 3], b[at + 4], b[at + 5], b[at + 6], b[at + 7]);
    case 9:
      return fromCharCode(b[at], b[at + 1], b[at + 2], b[at + 3], b[at + 4], b[at + 5], b[at + 6], b[at + 7], b[at + 8]);
    case 10:
      return fromCharCode(b[at], b[at + 1], b[at + 2], b[at + 3], b[at + 4], b[at + 5], b[at + 6], b[at + 7], b[at + 8], b[at + 9]);
    case 11:
      return fromCharCode(b[at], b[at + 1], b[at + 2], b[at + 3], b[at + 4], b[at + 5], b[at + 6], b[at + 7], b[at + 8], b[at + 9], b[at + 10]);
    case 12:
      return fromCharCode(b[at], b[at + 1], b[at + 2], b[at + 3], b[at + 4], b[at + 5], b[at + 6], b[at + 7], b[at + 8], b[at + 9], b[at + 10], b[at + 11]);
    case 13:
      return fromCharCode(b[at], b[at + 1], b[at + 2], b[at + 3], b[at + 4], b[at + 5], b[at + 6], b[at + 7], b[at + 8], b[at + 9], b[at + 10], b[at + 11], b[at + 12]);
    case 14:
      return fromCharCode(b[at], b[at + 1], b[at + 2], b[at + 3], b[at + 4], b[at + 5], b[at + 6], b[at + 7], b[at + 8], b[at + 9], b[at + 10], b[at + 11], b[at + 12], b[at + 13]);
    case 15:
      return fromCharCode(b[at], b[at + 1], b[at + 2], b[at + 3], b[at + 4], b[at + 5], b[at + 6], b[at + 7], b[at + 8], b[at + 9], b[at + 10], b[at + 11], b[at + 12], b[at + 13], b[at + 14]);
    case 16:
      return fromCharCode(b[at], b[at + 1], b[at + 2], b[at + 3], b[at + 4], b[at + 5], b[at + 6], b[at + 7], b[at + 8], b[at + 9], b[at + 10], b[at + 11], b[at + 12], b[at + 13], b[at + 14], b[at + 15]);
    case 17:
      return fromCharCode(b[at], b[at + 1], b[at + 2], b[at + 3], b[at + 4], b[at + 5], b[at + 6], b[at + 7], b[at + 8], b[at + 9], b[at + 10], b[at + 11], b[at + 12], b[at + 13], b[at + 14], b[at + 15], b[at + 16]);
    case 18:
      return fromCharCode(b[at], b[at + 1], b[at + 2], b[at + 3], b[at + 4], b[at + 5], b[at + 6], b[at + 7], b[at + 8], b[at + 9], b[at + 10], b[at + 11], b[at + 12], b[at + 13], b[at + 14], b[at + 15], b[at + 16], b[at + 17]);
    case 19:
      return fromCharCode(b[at], b[at + 1], b[at + 2], b[at + 3], b[at + 4], b[at + 5], b[at + 6], b[at + 7], b[at + 8], b[at + 9], b[at + 10], b[at + 11], b[at + 12], b[at + 13], b[at + 14], b[at + 15], b[at + 16], b[at + 17], b[at + 18]);
    case 20:
      return fromCharCode(b[at], b[at + 1], b[at + 2], b[at + 3], b[at + 4], b[at + 5], b[at + 6], b[at + 7], b[at + 8], b[at + 9], b[at + 10], b[at + 11], b[at + 12], b[at + 13], b[at + 14], b[at + 15], b[at + 16], b[at + 17], b[at + 18], b[at + 19]);
    case 21:
      return fromCharCode(b[at], b[at + 1], b[at + 2], b[at + 3], b[at + 4], b[at + 5], b[at + 6], b[at + 7], b[at + 8], b[at + 9], b[at + 10], b[at + 11], b[at + 12], b[at + 13], b[at + 14], b[at + 15], b[at + 16], b[at + 17], b[at + 18], b[at + 19], b[at + 20]);
    case 22:
      return fromCharCode(b[at], b[at + 1], b[at + 2], b[at + 3], b[at + 4], b[at + 5], b[at + 6], b[at + 7], b[at + 8], b[at + 9], b[at + 10], b[at + 11], b[at + 12], b[at + 13], b[at + 14], b[at + 15], b[at + 16], b[at + 17], b[at + 18], b[at + 19], b[at + 20], b[at + 21]);
    case 23:
      return fromCharCode(b[at], b[at + 1], b[at + 2], b[at + 3], b[at + 4], b[at + 5], b[at + 6], b[at + 7], b[at + 8], b[at + 9], b[at + 10], b[at + 11], b[at + 12], b[at + 13], b[at + 14], b[at + 15], b[at + 16], b[at + 17], b[at + 18], b[at + 19], b[at + 20], b[at + 21], b[at + 22]);
    case 24:
      return fromCharCode(b[at], b[at + 1], b[at + 2], b[at + 3], b[at + 4], b[at + 5], b[at + 6], b[at + 7], b[at + 8], b[at + 9], b[at + 10], b[at + 11], b[at + 12], b[at + 13], b[at + 14], b[at + 15], b[at + 16], b[at + 17], b[at + 18], b[at + 19], b[at + 20], b[at + 21], b[at + 22], b[at + 23]);
    case 25:
      return fromCharCode(b[at], b[at + 1], b[at + 2], b[at + 3], b[at + 4], b[at + 5], b[at + 6], b[at + 7], b[at + 8], b[at + 9], b[at + 10], b[at + 11], b[at + 12], b[at + 13], b[at + 14], b[at + 15], b[at + 16], b[at + 17], b[at + 18], b[at + 19], b[at + 20], b[at + 21], b[at + 22], b[at + 23], b[at + 24]);
    case 26:
      return fromCharCode(b[at], b[at + 1], b[at + 2], b[at + 3], b[at + 4], b[at + 5], b[at + 6], b[at + 7], b[at + 8], b[at + 9], b[at + 10], b[at + 11], b[at + 12], b[at + 13], b[at + 14], b[at + 15], b[at + 16], b[at + 17], b[at + 18], b[at + 19], b[at + 20], b[at + 21], b[at + 22], b[at + 23], b[at + 24], b[at + 25]);
    case 27:
      return fromCharCode(b[at], b[at + 1], b[at + 2], b[at + 3], b[at + 4], b[at + 5], b[at + 6], b[at + 7], b[at + 8], b[at + 9], b[at + 10], b[at + 11], b[at + 12], b[at + 13], b[at + 14], b[at + 15], b[at + 16], b[at + 17], b[at + 18], b[at + 19], b[at + 20], b[at + 21], b[at + 22], b[at + 23], b[at + 24], b[at + 25], b[at + 26]);
    case 28:
      return fromCharCode(b[at], b[at + 1], b[at + 2], b[at + 3], b[at + 4], b[at + 5], b[at + 6], b[at + 7], b[at + 8], b[at + 9], b[at + 10], b[at + 11], b[at + 12], b[at + 13], b[at + 14], b[at + 15], b[at + 16], b[at + 17], b[at + 18], b[at + 19], b[at + 20], b[at + 21], b[at + 22], b[at + 23], b[at + 24], b[at + 25], b[at + 26], b[at + 27]);
    case 29:
      return fromCharCode(b[at], b[at + 1], b[at + 2], b[at + 3], b[at + 4], b[at + 5], b[at + 6], b[at + 7], b[at + 8], b[at + 9], b[at + 10], b[at + 11], b[at + 12], b[at + 13], b[at + 14], b[at + 15], b[at + 16], b[at + 17], b[at + 18], b[at + 19], b[at + 20], b[at + 21], b[at + 22], b[at + 23], b[at + 24], b[at + 25], b[at + 26], b[at + 27], b[at + 28]);
    case 30:
      return fromCharCode(b[at], b[at + 1], b[at + 2], b[at + 3], b[at + 4], b[at + 5], b[at + 6], b[at + 7], b[at + 8], b[at + 9], b[at + 10], b[at + 11], b[at + 12], b[at + 13], b[at + 14], b[at + 15], b[at + 16], b[at + 17], b[at + 18], b[at + 19], b[at + 20], b[at + 21], b[at + 22], b[at + 23], b[at + 24], b[at + 25], b[at + 26], b[at + 27], b[at + 28], b[at + 29]);
    case 31:
      return fromCharCode(b[at], b[at + 1], b[at + 2], b[at + 3], b[at + 4], b[at + 5], b[at + 6], b[at + 7], b[at + 8], b[at + 9], b[at + 10], b[at + 11], b[at + 12], b[at + 13], b[at + 14], b[at + 15], b[at + 16], b[at + 17], b[at + 18], b[at + 19], b[at + 20], b[at + 21], b[at + 22], b[at + 23], b[at + 24], b[at + 25], b[at + 26], b[at + 27], b[at + 28], b[at + 29], b[at + 30]);
    default:
      return fromCharCode(b[at], b[at + 1], b[at + 2], b[at + 3], b[at + 4], b[at + 5], b[at + 6], b[at + 7], b[at + 8], b[at + 9], b[at + 10], b[at + 11], b[at + 12], b[at + 13], b[at + 14], b[at + 15], b[at + 16], b[at + 17], b[at + 18], b[at + 19], b[at + 20], b[at + 21], b[at + 22], b[at + 23], b[at + 24], b[at + 25], b[at + 26], b[at + 27], b[at + 28], b[at + 29], b[at + 30], b[at + 31]);
  }
}

/**
 * Where the line from `pos` ends (the first `eol` byte), or -1. Redis looks for it with
 * strchr(), which stops at a NUL byte: a NUL before the end of line means "not found yet"
 * (the client then waits, up to the 64 KB inline limit), as in Redis.
 */
function lineEnd(buf: Buffer, pos: number, eol: number): number {
  const at = buf.indexOf(eol, pos);
  if (at < 0) return -1;
  for (let k = pos; k < at; k++) if (buf[k] === 0) return -1;
  return at;
}
/** Redis starts treating an argument as "big" (read without extra copies) at 32 KB. */
const PROTO_MBULK_BIG_ARG = 32 * 1024;

/** string2ll over a byte range: strict decimal int64, optional '-', no leading zeros; NaN if invalid. */
function parseLong(buf: Buffer, start: number, end: number): number {
  if (start >= end || end - start > 20) return NaN;
  // 19+ characters may overflow int64 (string2ll fails then): check exactly.
  if (end - start >= 19) {
    const s = buf.latin1Slice(start, end);
    if (!/^-?[1-9][0-9]*$/.test(s)) return NaN;
    return decimalInInt64(s) ? Number(s) : NaN;
  }
  if (end - start === 1 && buf[start] === 48) return 0;
  let i = start;
  let neg = false;
  if (buf[i] === 45 /* '-' */) {
    neg = true;
    i++;
    if (i === end) return NaN;
  }
  if (buf[i] === 48) return NaN;
  let v = 0;
  for (; i < end; i++) {
    const c = buf[i] - 48;
    if (c < 0 || c > 9) return NaN;
    v = v * 10 + c;
  }
  return neg ? -v : v;
}

function isHex(c: string): boolean {
  return /^[0-9a-fA-F]$/.test(c);
}

/** sdssplitargs: split an inline command line, honouring quotes and escapes; null if unbalanced. */
export function splitArgs(line: string): string[] | null {
  const out: string[] = [];
  let i = 0;
  const n = line.length;
  for (;;) {
    while (i < n && isSpace(line.charCodeAt(i))) i++;
    if (i >= n) return out;
    let inq = false;
    let insq = false;
    let done = false;
    let cur = '';
    while (!done) {
      if (inq) {
        if (i >= n) return null;
        const c = line[i];
        if (c === '\\' && line[i + 1] === 'x' && i + 3 < n && isHex(line[i + 2]) && isHex(line[i + 3])) {
          cur += String.fromCharCode(parseInt(line.substr(i + 2, 2), 16));
          i += 3;
        } else if (c === '\\' && i + 1 < n) {
          i++;
          const e = line[i];
          cur += e === 'n' ? '\n' : e === 'r' ? '\r' : e === 't' ? '\t' : e === 'b' ? '\b' : e === 'a' ? '\x07' : e;
        } else if (c === '"') {
          if (i + 1 < n && !isSpace(line.charCodeAt(i + 1))) return null;
          done = true;
        } else {
          cur += c;
        }
      } else if (insq) {
        if (i >= n) return null;
        const c = line[i];
        if (c === '\\' && line[i + 1] === "'") {
          i++;
          cur += "'";
        } else if (c === "'") {
          if (i + 1 < n && !isSpace(line.charCodeAt(i + 1))) return null;
          done = true;
        } else {
          cur += c;
        }
      } else {
        if (i >= n) {
          done = true;
          break;
        }
        const c = line[i];
        const code = line.charCodeAt(i);
        // Outside quotes only space, \n, \r and \t end a token (sdssplitargs): \v and \f do not.
        if (code === 32 || code === 10 || code === 13 || code === 9) {
          done = true;
        } else if (c === '"') {
          inq = true;
        } else if (c === "'") {
          insq = true;
        } else {
          cur += c;
        }
      }
      if (i < n) i++;
    }
    out.push(cur);
  }
}

function isSpace(c: number): boolean {
  return c === 32 || c === 10 || c === 13 || c === 9 || c === 11 || c === 12;
}

declare module 'buffer' {
  interface Buffer {
    /** Node's fast latin1 decoder (undocumented in @types/node, present since Node 0.x). */
    latin1Slice(start: number, end: number): string;
  }
}
