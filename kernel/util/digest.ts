import { createHash } from 'crypto';

function sha1(data: string | Buffer): Buffer {
  return createHash('sha1').update(data as string, 'latin1').digest();
}

/**
 * DEBUG DIGEST's 20-byte accumulator, as Redis's debug.c builds it: `xor` adds the SHA1 of some
 * bytes in any order (set members, hash fields), `mix` also hashes the digest itself so order
 * counts (list items, a key before its value). Strings are binary (latin1).
 */
export class Digest {
  readonly bytes = Buffer.alloc(20);

  xor(data: string | Buffer): void {
    const h = sha1(data);
    for (let i = 0; i < 20; i++) this.bytes[i] ^= h[i];
  }

  mix(data: string | Buffer): void {
    this.xor(data);
    sha1(this.bytes).copy(this.bytes);
  }

  /** An element's digest (a member and its score, a field and its value), added unordered. */
  xorPair(first: string, second: string): void {
    const e = new Digest();
    e.mix(first);
    e.mix(second);
    this.xor(e.bytes);
  }

  hex(): string {
    return this.bytes.toString('hex');
  }
}
