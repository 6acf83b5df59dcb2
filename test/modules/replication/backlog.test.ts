import { Backlog } from '../../../modules/replication/backlog';
import { SyncPayload } from '../../../modules/replication/payload';

describe('replication backlog', () => {
  it('keeps the newest bytes of the stream in a ring, addressed by offset', () => {
    const b = new Backlog(16 * 1024, 100);
    expect(b.firstOffset).toBe(101);
    expect(b.holds(101)).toBe(true);
    expect(b.readFrom(101)).toBe('');
    const chunk = 'x'.repeat(10000) + 'y'.repeat(10000);
    b.append(chunk);
    expect(b.end).toBe(20100);
    expect(b.histlen).toBe(16 * 1024);
    expect(b.firstOffset).toBe(20101 - 16 * 1024);
    expect(b.holds(101)).toBe(false);
    expect(b.holds(b.firstOffset - 1)).toBe(false);
    expect(b.holds(20101)).toBe(true);
    expect(b.holds(20102)).toBe(false);
    expect(b.readFrom(b.firstOffset)).toBe(chunk.slice(chunk.length - 16 * 1024));
    // Across the end of the ring.
    b.append('abc');
    b.append('\x00\xff\r\n');
    expect(b.readFrom(20101)).toBe('abc\x00\xff\r\n');
    expect(b.readFrom(20095)).toBe('yyyyyyabc\x00\xff\r\n');
  });

  it('raises a small size to Redis minimum and keeps the newest bytes when resized', () => {
    const b = new Backlog(1, 0);
    expect(b.size).toBe(16 * 1024);
    for (let i = 0; i < 1000; i++) b.append(`${String(i).padStart(4, '0')};`);
    const tail = b.readFrom(b.end - 99);
    b.resize(32 * 1024);
    expect(b.size).toBe(32 * 1024);
    expect(b.end).toBe(5000);
    expect(b.histlen).toBe(5000);
    expect(b.readFrom(b.end - 99)).toBe(tail);
    b.resize(16 * 1024);
    expect(b.readFrom(1)).toBe(Array.from({ length: 1000 }, (_, i) => `${String(i).padStart(4, '0')};`).join(''));
  });
});

describe("a replica's reading of the full sync payload", () => {
  const ignore = (): void => undefined;
  const rdb = Buffer.from('REDIS0010\xfa\x00data\xff12345678', 'latin1');

  /** Feed `parts` in order: the image bytes handed on, and what followed the payload (null: incomplete). */
  function read(p: SyncPayload, parts: Buffer[]): { image: Buffer; rest: Buffer | null } {
    const image: Buffer[] = [];
    let rest: Buffer | null = null;
    for (const part of parts) {
      // The reader reuses its buffer: the payload must copy what it holds back.
      const reused = Buffer.from(part);
      const r: Buffer | null = rest === null ? p.feed(reused, (b) => image.push(Buffer.from(b))) : null;
      reused.fill(0);
      if (rest !== null) rest = Buffer.concat([rest, part]);
      else if (r !== null) rest = Buffer.from(part.subarray(part.length - r.length));
    }
    return { image: Buffer.concat(image), rest };
  }

  it('reads the length-prefixed form split anywhere, after keep-alive newlines, and returns what follows', () => {
    const wire = Buffer.concat([Buffer.from(`\n\n$${rdb.length}\r\n`), rdb, Buffer.from('*1\r\n$4\r\nPING\r\n')]);
    for (let cut = 1; cut < wire.length; cut++) {
      const p = new SyncPayload();
      const { image, rest } = read(p, [wire.subarray(0, cut), wire.subarray(cut)]);
      if (rest === null) throw new Error(`incomplete at cut ${cut}`);
      expect(image.equals(rdb)).toBe(true);
      expect(rest.toString()).toBe('*1\r\n$4\r\nPING\r\n');
      expect(p.total).toBe(rdb.length);
    }
  });

  it('reads the diskless form up to its end mark, split anywhere or byte by byte, without handing on the mark', () => {
    const mark = 'a'.repeat(20) + 'b'.repeat(20);
    const wire = Buffer.concat([Buffer.from(`$EOF:${mark}\r\n`), rdb, Buffer.from(mark)]);
    for (let cut = 1; cut < wire.length; cut++) {
      const p = new SyncPayload();
      const { image, rest } = read(p, [wire.subarray(0, cut), wire.subarray(cut)]);
      if (rest === null) throw new Error(`incomplete at cut ${cut}`);
      expect(image.equals(rdb)).toBe(true);
      expect(p.total).toBe(-1);
    }
    const bytes = [...wire].map((b) => Buffer.from([b]));
    const p = new SyncPayload();
    const { image, rest } = read(p, bytes);
    expect(rest).not.toBeNull();
    expect(image.equals(rdb)).toBe(true);
    // Not complete before the last byte of the mark.
    expect(read(new SyncPayload(), bytes.slice(0, -1)).rest).toBeNull();
  });

  it('refuses an error reply and a header that is not one', () => {
    expect(() => new SyncPayload().feed(Buffer.from('-ERR something\r\n'), ignore)).toThrow('MASTER aborted replication with an error: ERR something');
    expect(() => new SyncPayload().feed(Buffer.from('+OK\r\n'), ignore)).toThrow("Bad protocol from MASTER, the first byte is not '$' (we received '+OK')");
    expect(() => new SyncPayload().feed(Buffer.from('$12x\r\n'), ignore)).toThrow("invalid transfer length '$12x'");
    expect(() => new SyncPayload().feed(Buffer.from('$'.repeat(2000)), ignore)).toThrow('the transfer header is too long');
  });
});
