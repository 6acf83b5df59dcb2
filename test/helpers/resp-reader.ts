/**
 * Client-side RESP reader for tests: splits a byte stream into whole replies and returns
 * each one's raw bytes (for byte-exact comparisons) or a decoded value.
 */
export type Decoded =
  | string
  | number
  | bigint
  | boolean
  | null
  | Decoded[]
  | { error: string }
  | { status: string }
  | { map: [Decoded, Decoded][] }
  | { set: Decoded[] }
  | { push: Decoded[] }
  | { double: string }
  | { verbatim: string; format: string }
  | { big: string };

/** Length in bytes of the first complete reply in buf from pos, or -1 if incomplete. */
export function replyLength(buf: Buffer, pos = 0): number {
  const end = scan(buf, pos);
  return end < 0 ? -1 : end - pos;
}

function lineEnd(buf: Buffer, pos: number): number {
  const i = buf.indexOf('\r\n', pos);
  return i;
}

/**
 * Where the reply at `pos` ends, or -1 if incomplete. Counts the elements still owed instead of
 * recursing, so replies nested thousands deep (a script's self-referencing table) are read too.
 */
function scan(buf: Buffer, pos: number): number {
  let owed = 1;
  let p = pos;
  while (owed > 0) {
    const end = scanHeader(buf, p);
    if (end === -1) return -1;
    owed += end.items - 1;
    p = end.next;
  }
  return p;
}

/** One element's own bytes: where the next element starts and how many elements it contains. */
function scanHeader(buf: Buffer, pos: number): { next: number; items: number } | -1 {
  if (pos >= buf.length) return -1;
  const t = String.fromCharCode(buf[pos]);
  const le = lineEnd(buf, pos);
  if (le < 0) return -1;
  const head = buf.latin1Slice(pos + 1, le);
  const after = le + 2;
  switch (t) {
    case '+':
    case '-':
    case ':':
    case '_':
    case ',':
    case '#':
    case '(':
      return { next: after, items: 0 };
    case '$':
    case '=':
    case '!': {
      const n = Number(head);
      if (n < 0) return { next: after, items: 0 };
      return buf.length >= after + n + 2 ? { next: after + n + 2, items: 0 } : -1;
    }
    case '*':
    case '~':
    case '>':
    case '%':
    case '|': {
      const n = Number(head);
      if (n < 0) return { next: after, items: 0 };
      return { next: after, items: t === '%' || t === '|' ? n * 2 : n };
    }
    default:
      throw new Error(`bad reply type byte ${JSON.stringify(t)} in ${JSON.stringify(buf.latin1Slice(pos, Math.min(buf.length, pos + 80)))}`);
  }
}

/** Decode one complete reply (raw bytes) into a JS value. */
export function decode(raw: string): Decoded {
  const buf = Buffer.from(raw, 'latin1');
  const [v] = dec(buf, 0);
  return v;
}

function dec(buf: Buffer, pos: number): [Decoded, number] {
  const t = String.fromCharCode(buf[pos]);
  const le = buf.indexOf('\r\n', pos);
  const head = buf.latin1Slice(pos + 1, le);
  const after = le + 2;
  switch (t) {
    case '+':
      return [{ status: head }, after];
    case '-':
      return [{ error: head }, after];
    case ':':
      return [Number.isSafeInteger(Number(head)) ? Number(head) : BigInt(head), after];
    case '_':
      return [null, after];
    case ',':
      return [{ double: head }, after];
    case '#':
      return [head === 't', after];
    case '(':
      return [{ big: head }, after];
    case '$':
    case '=': {
      const n = Number(head);
      if (n < 0) return [null, after];
      const s = buf.latin1Slice(after, after + n);
      if (t === '=') return [{ format: s.slice(0, 3), verbatim: s.slice(4) }, after + n + 2];
      return [s, after + n + 2];
    }
    default: {
      const n = Number(head);
      if (n < 0) return [null, after];
      let p = after;
      if (t === '%') {
        const map: [Decoded, Decoded][] = [];
        for (let i = 0; i < n; i++) {
          const [k, p1] = dec(buf, p);
          const [v, p2] = dec(buf, p1);
          map.push([k, v]);
          p = p2;
        }
        return [{ map }, p];
      }
      const items: Decoded[] = [];
      for (let i = 0; i < n; i++) {
        const [v, p1] = dec(buf, p);
        items.push(v);
        p = p1;
      }
      if (t === '~') return [{ set: items }, p];
      if (t === '>') return [{ push: items }, p];
      return [items, p];
    }
  }
}

declare module 'buffer' {
  interface Buffer {
    latin1Slice(start: number, end: number): string;
  }
}
