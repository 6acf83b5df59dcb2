/** Redis's CONFIG_REPL_BACKLOG_MIN_SIZE: a smaller repl-backlog-size is raised to this. */
const MIN_SIZE = 16 * 1024;
/** Pending stream copied into the ring once it reaches this many bytes. */
const PENDING_MAX = 16 * 1024;

/**
 * The replication backlog: the last `size` bytes of the replicas' stream in a ring, so a
 * replica that reconnects with an offset still held resumes from there (+CONTINUE).
 * `end` is master_repl_offset (the offset of the last byte written).
 */
export class Backlog {
  private buf: Buffer;
  /** Where the next byte goes in `buf`. */
  private idx = 0;
  /** Bytes held in `buf`. */
  private held = 0;
  /**
   * Stream appended since the last copy into the ring: the writes of a turn go in with one
   * Buffer.write instead of one each, and only when read or once this much piled up.
   */
  private pending = '';

  constructor(
    size: number,
    public end: number,
  ) {
    this.buf = Buffer.allocUnsafe(Math.max(MIN_SIZE, size));
  }

  get size(): number {
    return this.buf.length;
  }

  /** repl_backlog_histlen: bytes held. */
  get histlen(): number {
    return Math.min(this.buf.length, this.held + this.pending.length);
  }

  /** repl_backlog_first_byte_offset: the offset of the oldest byte held. */
  get firstOffset(): number {
    return this.end - this.histlen + 1;
  }

  /** Stream bytes (a latin1 string), as the journal hands them to the replicas. */
  append(chunk: string): void {
    this.end += chunk.length;
    this.pending += chunk;
    if (this.pending.length >= PENDING_MAX) this.commit();
  }

  /** Copy the pending stream into the ring. */
  private commit(): void {
    const chunk = this.pending;
    if (chunk.length === 0) return;
    this.pending = '';
    const n = chunk.length;
    const size = this.buf.length;
    if (n >= size) {
      this.buf.write(chunk.slice(n - size), 0, 'latin1');
      this.idx = 0;
      this.held = size;
      return;
    }
    const first = Math.min(n, size - this.idx);
    this.buf.write(first === n ? chunk : chunk.slice(0, first), this.idx, 'latin1');
    if (first < n) this.buf.write(chunk.slice(first), 0, 'latin1');
    this.idx = (this.idx + n) % size;
    this.held = Math.min(size, this.held + n);
  }

  /** Whether the bytes from offset `from` on are all held (`end + 1`: nothing to send). */
  holds(from: number): boolean {
    return from >= this.firstOffset && from <= this.end + 1;
  }

  /** The bytes from offset `from` to the end, as a latin1 string (`holds(from)` must be true). */
  readFrom(from: number): string {
    this.commit();
    const count = this.end - from + 1;
    if (count <= 0) return '';
    const size = this.buf.length;
    const start = (this.idx - count + size) % size;
    if (start + count <= size) return this.buf.latin1Slice(start, start + count);
    return this.buf.latin1Slice(start, size) + this.buf.latin1Slice(0, count - (size - start));
  }

  /** repl-backlog-size changed: keep the newest bytes that fit. */
  resize(size: number): void {
    const keep = Math.min(this.histlen, Math.max(MIN_SIZE, size));
    const tail = this.readFrom(this.end - keep + 1);
    this.buf = Buffer.allocUnsafe(Math.max(MIN_SIZE, size));
    this.idx = 0;
    this.held = 0;
    this.end -= tail.length;
    this.append(tail);
  }
}
