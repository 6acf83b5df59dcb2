/** The length of the `$EOF:` mark that ends a diskless transfer (RDB_EOF_MARK_SIZE). */
export const EOF_MARK_SIZE = 40;

/**
 * A replica's reading of the RDB its master sends after +FULLRESYNC (readSyncBulkPayload):
 * `$<len>\r\n` and that many bytes (disk-backed), or `$EOF:<40 bytes>\r\n`, the bytes, and the
 * same 40 bytes again (diskless). Newlines before the header are the master's keep-alives.
 * The image's bytes are handed on as they arrive, so the replica can store or load them
 * meanwhile; with the diskless framing the last 40 bytes received are held back until more
 * come, since they may be the end mark.
 */
export class SyncPayload {
  private line = '';
  private headerDone = false;
  private mark: Buffer | null = null;
  /** Bytes still expected (disk-backed); -1 with a mark. */
  private remaining = -1;
  /** Diskless: the last bytes received (at most the mark's length), not handed on yet. */
  private held: Buffer = Buffer.alloc(0);
  /** Payload bytes received so far, and the total when announced (-1: diskless). */
  read = 0;
  total = -1;

  /**
   * Feed bytes from the master; `image` gets the image's bytes among them (a view: the caller
   * copies what it keeps). Returns null while the payload is incomplete; once complete, the
   * stream bytes that followed it. Throws on a malformed header or an error reply.
   */
  feed(chunk: Buffer, image: (bytes: Buffer) => void): Buffer | null {
    let at = 0;
    if (!this.headerDone) {
      while (at < chunk.length) {
        const b = chunk[at++];
        if (b === 10) {
          if (this.line === '') continue;
          this.header(this.line.endsWith('\r') ? this.line.slice(0, -1) : this.line);
          break;
        }
        this.line += String.fromCharCode(b);
        if (this.line.length > 1024) throw new Error('the transfer header is too long');
      }
      if (!this.headerDone) return null;
    }
    const data = chunk.subarray(at);
    if (this.mark === null) {
      const take = Math.min(this.remaining, data.length);
      if (take !== 0) image(data.subarray(0, take));
      this.read += take;
      this.remaining -= take;
      return this.remaining > 0 ? null : data.subarray(take);
    }
    this.read += data.length;
    if (data.length >= EOF_MARK_SIZE) {
      if (this.held.length !== 0) image(this.held);
      if (data.length > EOF_MARK_SIZE) image(data.subarray(0, data.length - EOF_MARK_SIZE));
      // A copy: the chunk may live in a buffer its reader reuses.
      this.held = Buffer.from(data.subarray(data.length - EOF_MARK_SIZE));
    } else if (data.length !== 0) {
      const all = Buffer.concat([this.held, data]);
      if (all.length > EOF_MARK_SIZE) image(all.subarray(0, all.length - EOF_MARK_SIZE));
      this.held = all.subarray(Math.max(0, all.length - EOF_MARK_SIZE));
    }
    return this.held.length === EOF_MARK_SIZE && this.held.equals(this.mark) ? Buffer.alloc(0) : null;
  }

  private header(line: string): void {
    if (line[0] === '-') throw new Error(`MASTER aborted replication with an error: ${line.slice(1)}`);
    if (line[0] !== '$') throw new Error(`Bad protocol from MASTER, the first byte is not '$' (we received '${line}'), are you sure the host and port are right?`);
    if (line.startsWith('$EOF:') && line.length - 5 >= EOF_MARK_SIZE) {
      this.mark = Buffer.from(line.slice(5, 5 + EOF_MARK_SIZE), 'latin1');
    } else {
      const n = Number(line.slice(1));
      if (!/^\d+$/.test(line.slice(1)) || !Number.isSafeInteger(n)) throw new Error(`Bad protocol from MASTER: invalid transfer length '${line}'`);
      this.remaining = n;
      this.total = n;
    }
    this.headerDone = true;
  }
}
