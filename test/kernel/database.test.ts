import { Hooks } from '../../kernel/hooks';
import { Journal } from '../../kernel/journal';
import { recordJournal } from '../helpers/journal';
import type { Database } from '../../kernel/keyspace/database';
import { Keyspace } from '../../kernel/keyspace/keyspace';
import { type DataType, TypeRegistry } from '../../kernel/keyspace/types';
import { ReplyError } from '../../kernel/reply';
import { ScanMap } from '../../kernel/util/scan-index';

class Str {
  constructor(readonly v: string) {}
}
const stringType: DataType<Str> = {
  name: 'string',
  is: (v): v is Str => v instanceof Str,
  encoding: () => 'raw',
  clone: (v) => new Str(v.v),
};
const listType: DataType<string[]> = {
  name: 'list',
  is: (v): v is string[] => Array.isArray(v),
  encoding: () => 'quicklist',
  clone: (v) => [...v],
};

function setup(): { ks: Keyspace; hooks: Hooks; db: Database; events: string[]; propagated: string[][] } {
  const hooks = new Hooks();
  const types = new TypeRegistry();
  types.register(stringType as DataType);
  types.register(listType as DataType);
  const journal = new Journal();
  const ks = new Keyspace(hooks, types, journal);
  ks.init(16);
  const events: string[] = [];
  const propagated: string[][] = [];
  hooks.onKeyspaceEvent((cls, event, key, dbid) => events.push(`${dbid}:${cls}:${event}:${key}`));
  recordJournal(journal, (_dbid, argv) => propagated.push(argv));
  return { ks, hooks, db: ks.db(0), events, propagated };
}

/** A full SCAN, calling `between` after each step; returns every key seen (with repeats). */
function fullScan(db: Database, count: number, between: (step: number) => void = () => undefined): string[] {
  const seen: string[] = [];
  let cursor = 0;
  let steps = 0;
  do {
    const batch: string[] = [];
    cursor = db.scan(cursor, count, (k) => batch.push(k));
    // COUNT is a hint, as in Redis: the last home slot visited may hold a few keys more.
    expect(batch.length).toBeLessThan(count + 8);
    seen.push(...batch);
    between(++steps);
    expect(steps).toBeLessThan(1_000_000);
  } while (cursor !== 0);
  return seen;
}

const PAST = () => Date.now() - 1000;
const FUTURE = () => Date.now() + 3_600_000;

describe('Database', () => {
  it('stores, reads, overwrites and deletes values', () => {
    const { db } = setup();
    expect(db.size).toBe(0);
    db.set('k', new Str('v'));
    expect(db.size).toBe(1);
    expect(db.get('k')).toEqual(new Str('v'));
    expect(db.has('k')).toBe(true);
    db.set('k', new Str('w'));
    expect(db.size).toBe(1);
    expect((db.get('k') as Str).v).toBe('w');
    expect(db.delete('k')).toBe(true);
    expect(db.delete('k')).toBe(false);
    expect(db.get('k')).toBeUndefined();
    expect(db.size).toBe(0);
  });

  it('keeps binary keys apart', () => {
    const { db } = setup();
    const keys = ['', '\x00', '\x00\x00', 'a\r\n', '\xff', '\xc3\xa9', 'é'];
    keys.forEach((k, i) => db.set(k, new Str(String(i))));
    expect(db.size).toBe(keys.length);
    keys.forEach((k, i) => expect((db.get(k) as Str).v).toBe(String(i)));
  });

  it('counts hits and misses in get(), not in peek()', () => {
    const { ks, db } = setup();
    db.set('k', new Str('v'));
    db.get('k');
    db.get('nope');
    expect(ks.stats.keyspaceHits).toBe(1);
    expect(ks.stats.keyspaceMisses).toBe(1);
    db.peek('k');
    db.peek('nope');
    db.has('k');
    expect(ks.stats.keyspaceHits).toBe(1);
    expect(ks.stats.keyspaceMisses).toBe(1);
  });

  it('getTyped returns the value, undefined when missing, WRONGTYPE otherwise', () => {
    const { db } = setup();
    db.set('s', new Str('v'));
    db.set('l', ['a']);
    expect(db.getTyped('s', stringType)).toEqual(new Str('v'));
    expect(db.getTyped('missing', stringType)).toBeUndefined();
    expect(() => db.getTyped('l', stringType)).toThrow(ReplyError);
    expect(() => db.getTyped('l', stringType)).toThrow('WRONGTYPE Operation against a key holding the wrong kind of value');
  });

  it('drops the TTL on overwrite unless asked to keep it', () => {
    const { db } = setup();
    const when = FUTURE();
    db.set('k', new Str('1'));
    db.setExpire('k', when);
    expect(db.getExpire('k')).toBe(when);
    db.set('k', new Str('2'), true);
    expect(db.getExpire('k')).toBe(when);
    db.set('k', new Str('3'));
    expect(db.getExpire('k')).toBe(-1);
    db.setExpire('k', when);
    expect(db.persist('k')).toBe(true);
    expect(db.persist('k')).toBe(false);
    expect(db.getExpire('k')).toBe(-1);
  });

  describe('lazy expiry', () => {
    it('deletes an expired key on access, notifies and propagates a DEL', () => {
      const { ks, db, events, propagated } = setup();
      db.set('gone', new Str('v'));
      db.setExpire('gone', PAST());
      db.set('kept', new Str('v'));
      db.setExpire('kept', FUTURE());
      expect(db.size).toBe(2);
      expect(db.isExpired('gone')).toBe(true);
      expect(db.isExpired('kept')).toBe(false);
      expect(db.get('gone')).toBeUndefined();
      expect(db.size).toBe(1);
      expect(db.getExpire('gone')).toBe(-1);
      expect(ks.stats.expiredKeys).toBe(1);
      expect(events).toEqual(['0:x:expired:gone']);
      expect(propagated).toEqual([['DEL', 'gone']]);
      expect(db.get('kept')).toEqual(new Str('v'));
    });

    it('treats an expired key as missing in every accessor', () => {
      for (const access of [
        (db: Database) => db.get('k'),
        (db: Database) => db.peek('k'),
        (db: Database) => db.stamp('k') === undefined ? undefined : db.peek('k'),
        (db: Database) => (db.has('k') ? 1 : undefined),
        (db: Database) => (db.delete('k') ? 1 : undefined),
      ]) {
        const { db, ks } = setup();
        db.set('k', new Str('v'));
        db.setExpire('k', PAST());
        expect(access(db)).toBeUndefined();
        expect(db.size).toBe(0);
        expect(ks.stats.expiredKeys).toBe(1);
      }
    });

    it('an expired key is replaced as a new key by set()', () => {
      const { db } = setup();
      db.set('k', new Str('old'));
      db.setExpire('k', PAST());
      expect(db.get('k')).toBeUndefined();
      db.set('k', new Str('new'));
      expect(db.getExpire('k')).toBe(-1);
      expect((db.get('k') as Str).v).toBe('new');
    });

    it('with expiry disabled (replica, loading) hides expired keys but keeps them', () => {
      const { ks, db } = setup();
      ks.expiryEnabled = false;
      db.set('k', new Str('v'));
      db.setExpire('k', PAST());
      expect(db.get('k')).toBeUndefined();
      expect(db.size).toBe(1);
      expect(ks.stats.expiredKeys).toBe(0);
      ks.activeExpireCycle(10);
      expect(db.size).toBe(1);
      ks.expiryEnabled = true;
      expect(db.get('k')).toBeUndefined();
      expect(db.size).toBe(0);
    });

    it('keys() and scan() leave out expired keys', () => {
      const { db } = setup();
      for (let i = 0; i < 10; i++) db.set(`k${i}`, new Str('v'));
      db.setExpire('k3', PAST());
      db.setExpire('k7', PAST());
      db.setExpire('k8', FUTURE());
      const live = ['k0', 'k1', 'k2', 'k4', 'k5', 'k6', 'k8', 'k9'];
      expect(db.keys().sort()).toEqual(live);
      expect([...new Set(fullScan(db, 3))].sort()).toEqual(live);
    });
  });

  describe('active expiry', () => {
    it('removes expired keys in every database and leaves the others', () => {
      const { ks, events } = setup();
      for (const id of [0, 5, 15]) {
        const db = ks.db(id);
        for (let i = 0; i < 200; i++) {
          db.set(`k${i}`, new Str('v'));
          db.setExpire(`k${i}`, i % 2 === 0 ? PAST() : FUTURE());
        }
        db.set('persistent', new Str('v'));
      }
      for (let round = 0; round < 20 && ks.dbs.some((d) => d.size > 101); round++) ks.activeExpireCycle(1000);
      for (const id of [0, 5, 15]) {
        const db = ks.db(id);
        expect(db.size).toBe(101);
        expect(db.expires.size).toBe(100);
        expect(db.has('persistent')).toBe(true);
        for (let i = 1; i < 200; i += 2) expect(db.has(`k${i}`)).toBe(true);
      }
      expect(ks.stats.expiredKeys).toBe(300);
      expect(events.filter((e) => e.startsWith('5:x:expired:'))).toHaveLength(100);
    });

    it('samples a bounded number of keys per call', () => {
      const { ks, db } = setup();
      for (let i = 0; i < 100; i++) {
        db.set(`k${i}`, new Str('v'));
        db.setExpire(`k${i}`, PAST());
      }
      const [examined, expired] = db.expireSample(20, Date.now());
      expect(examined).toBe(20);
      expect(expired).toBe(20);
      expect(db.size).toBe(80);
      expect(ks.stats.expiredKeys).toBe(20);
    });
  });

  describe('SCAN cursors', () => {
    it('returns every key exactly once on a stable keyspace, whatever the COUNT', () => {
      const { db } = setup();
      const keys = Array.from({ length: 1000 }, (_, i) => `key:${i}`);
      keys.forEach((k) => db.set(k, new Str('v')));
      for (const count of [1, 7, 10, 100, 1000, 5000]) {
        const seen = fullScan(db, count);
        expect(seen.length).toBe(1000);
        expect(new Set(seen).size).toBe(1000);
      }
    });

    it('returns every key present throughout while the keyspace grows', () => {
      const { db } = setup();
      const initial = Array.from({ length: 500 }, (_, i) => `orig:${i}`);
      initial.forEach((k) => db.set(k, new Str('v')));
      let added = 0;
      const seen = new Set(
        fullScan(db, 10, () => {
          // Faster than SCAN in the first half (the index keeps growing ahead of the cursor).
          const n = added < 1500 ? 25 : 2;
          for (let i = 0; i < n; i++) db.set(`new:${added++}`, new Str('v'));
        }),
      );
      for (const k of initial) expect(seen.has(k)).toBe(true);
      expect(added).toBeGreaterThan(1500);
    });

    it('returns every key present throughout while the keyspace shrinks (with compaction)', () => {
      const { db } = setup();
      const n = 3000;
      for (let i = 0; i < n; i++) db.set(`k${i}`, new Str('v'));
      // Keys divisible by 3 stay; the others are deleted while the scan runs.
      const doomed = Array.from({ length: n }, (_, i) => i).filter((i) => i % 3 !== 0);
      const seen = new Set(
        fullScan(db, 20, () => {
          for (let j = 0; j < 60 && doomed.length > 0; j++) {
            const i = doomed.splice(Math.floor(Math.random() * doomed.length), 1)[0];
            expect(db.delete(`k${i}`)).toBe(true);
          }
        }),
      );
      expect(doomed).toEqual([]);
      expect(db.size).toBe(n / 3);
      for (let i = 0; i < n; i += 3) expect(seen.has(`k${i}`)).toBe(true);
    });

    it('returns every key present throughout under mixed growth, deletion and overwrite', () => {
      const { db } = setup();
      for (let i = 0; i < 2000; i++) db.set(`base:${i}`, new Str('v'));
      const stable = new Set<string>();
      for (let i = 0; i < 2000; i += 4) stable.add(`base:${i}`);
      let next = 0;
      let rnd = 12345;
      const rand = () => (rnd = (rnd * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
      const seen = new Set(
        fullScan(db, 15, () => {
          for (let j = 0; j < 30; j++) {
            const r = rand();
            if (r < 0.4) db.set(`tmp:${next++}`, new Str('v'));
            else if (r < 0.7) db.delete(`tmp:${Math.floor(rand() * next)}`);
            else if (r < 0.85) {
              const i = Math.floor(rand() * 2000);
              if (!stable.has(`base:${i}`)) db.delete(`base:${i}`);
            } else {
              db.set([...stable][Math.floor(rand() * stable.size)], new Str('overwritten'));
            }
          }
        }),
      );
      for (const k of stable) expect(seen.has(k)).toBe(true);
    });

    it('a cursor stays valid when the table shrinks, and returns no key twice', () => {
      const { db } = setup();
      for (let i = 0; i < 1000; i++) db.set(`k${String(i).padStart(4, '0')}`, new Str('v'));
      const first: string[] = [];
      const cursor = db.scan(0, 100, (k) => first.push(k));
      expect(cursor).not.toBe(0);
      // Delete 900 keys: the table shrinks to a few home slots, which the cursor had partly passed.
      for (let i = 0; i < 900; i++) db.delete(`k${String(i).padStart(4, '0')}`);
      const rest: string[] = [];
      let c = cursor;
      do c = db.scan(c, 50, (k) => rest.push(k));
      while (c !== 0);
      const survivors = Array.from({ length: 100 }, (_, i) => `k${String(900 + i).padStart(4, '0')}`);
      expect(rest.sort()).toEqual(survivors.filter((k) => !first.includes(k)));
    });

    it('an unknown or stale cursor does not crash and terminates', () => {
      const { db } = setup();
      for (let i = 0; i < 50; i++) db.set(`k${i}`, new Str('v'));
      for (const start of [999999, 2 ** 32 - 1, 2 ** 40 + 3]) {
        const out: string[] = [];
        let c = start;
        let steps = 0;
        do c = db.scan(c, 10, (k) => out.push(k));
        while (c !== 0 && ++steps < 1000);
        expect(c).toBe(0);
        expect(new Set(out).size).toBe(out.length);
        for (const k of out) expect(db.has(k)).toBe(true);
      }
      const { db: empty } = setup();
      expect(empty.scan(0, 10, () => undefined)).toBe(0);
    });
  });

  describe('randomKey', () => {
    it('is null on an empty database', () => {
      expect(setup().db.randomKey()).toBeNull();
    });

    it('returns live keys only, and eventually each of them', () => {
      const { db } = setup();
      for (let i = 0; i < 300; i++) db.set(`k${i}`, new Str('v'));
      for (let i = 3; i < 300; i++) db.delete(`k${i}`);
      const seen = new Set<string>();
      for (let i = 0; i < 500; i++) {
        const k = db.randomKey();
        expect(k).not.toBeNull();
        seen.add(k!);
      }
      expect([...seen].sort()).toEqual(['k0', 'k1', 'k2']);
    });

    it('skips expired keys, deleting them, and is null when all have expired', () => {
      const { db } = setup();
      for (let i = 0; i < 20; i++) {
        db.set(`k${i}`, new Str('v'));
        db.setExpire(`k${i}`, PAST());
      }
      db.set('live', new Str('v'));
      expect(db.randomKey()).toBe('live');
      db.delete('live');
      expect(db.randomKey()).toBeNull();
      expect(db.size).toBe(0);
    });
  });

  it('remembers raw strings until the key is stored again or removed, counting what that costs', () => {
    const { ks, db } = setup();
    const other = ks.db(1);
    db.set('a', new Str('x'));
    db.set('b', new Str('y'));
    db.set('long', new Str('z'));
    const bytes = db.bytes;
    db.markRaw('a', 3);
    db.markRaw('a', 3);
    db.markRaw('b', 44);
    db.markRaw('long', 45);
    expect([db.isRaw('a'), db.isRaw('b'), db.isRaw('long'), db.isRaw('none')]).toEqual([true, true, false, false]);
    expect(db.encodingOf('a', db.peek('a'))).toBe('raw');
    const marked = db.bytes - bytes;
    expect(marked).toBeGreaterThan(0);
    db.set('a', new Str('new'));
    expect(db.isRaw('a')).toBe(false);
    db.delete('b');
    expect(db.isRaw('b')).toBe(false);
    db.markRaw('long', 10);
    db.swapWith(other);
    expect(other.isRaw('long')).toBe(true);
    expect(db.isRaw('long')).toBe(false);
    other.clear();
    expect(other.isRaw('long')).toBe(false);
    expect(other.bytes).toBe(0);
    // What marking cost is given back with the key.
    const without = db.bytes;
    db.set('c', new Str('w'));
    const stored = db.bytes;
    db.markRaw('c', 1);
    expect(db.bytes - stored).toBe(marked / 2);
    db.delete('c');
    expect(db.bytes).toBe(without);
  });

  it('changed() measures the key a write stored, also once a removal moved the rows', () => {
    const { ks, db } = setup();
    class Sized {
      constructor(readonly items: number[]) {}
    }
    const sized: DataType<Sized> = {
      name: 'sized',
      is: (v): v is Sized => v instanceof Sized,
      encoding: () => 'sized',
      clone: (v) => new Sized([...v.items]),
      memory: (v) => v.items.length * 8,
    };
    ks.types.register(sized as DataType);
    const values: Record<string, Sized> = { a: new Sized([1]), b: new Sized([2]), c: new Sized([3]), d: new Sized([4]) };
    for (const k of Object.keys(values)) db.set(k, values[k]);
    const expected = () => Object.keys(values).reduce((n, k) => n + ks.sizeOf(k, values[k]), 0);
    db.set('b', values.b);
    values.b.items.push(1, 2, 3);
    db.changed('b');
    expect(db.bytes).toBe(expected());
    // d's row, the last, moves into a's place: changed() must not use the row set() found.
    db.set('d', values.d);
    db.delete('a');
    delete values.a;
    values.d.items.push(5, 6);
    db.changed('d');
    values.b.items.push(7);
    db.changed('b');
    expect(db.bytes).toBe(expected());
    db.set('c', values.c);
    db.swapWith(ks.db(1));
    values.c.items.push(8);
    ks.db(1).changed('c');
    expect(ks.db(1).bytes).toBe(expected());
  });

  it('clear() empties keys, TTLs and the scan index', () => {
    const { db } = setup();
    for (let i = 0; i < 100; i++) {
      db.set(`k${i}`, new Str('v'));
      db.setExpire(`k${i}`, FUTURE());
    }
    db.clear();
    expect(db.size).toBe(0);
    expect(db.expires.size).toBe(0);
    expect(fullScan(db, 10)).toEqual([]);
    db.set('again', new Str('v'));
    expect(fullScan(db, 10)).toEqual(['again']);
  });

  it('swapWith() exchanges contents, TTLs and scan state', () => {
    const { ks } = setup();
    const a = ks.db(0);
    const b = ks.db(1);
    a.set('a1', new Str('v'));
    a.setExpire('a1', FUTURE());
    b.set('b1', new Str('v'));
    b.set('b2', new Str('v'));
    a.swapWith(b);
    expect(a.id).toBe(0);
    expect(b.id).toBe(1);
    expect(a.keys().sort()).toEqual(['b1', 'b2']);
    expect(b.keys()).toEqual(['a1']);
    expect(b.getExpire('a1')).toBeGreaterThan(0);
    expect(fullScan(a, 1).sort()).toEqual(['b1', 'b2']);
    a.delete('b1');
    expect(fullScan(a, 1)).toEqual(['b2']);
  });

  it('Keyspace.flush empties one database or all, and tells the listeners', () => {
    const { ks, hooks } = setup();
    const flushed: number[] = [];
    hooks.onFlush((id) => flushed.push(id));
    ks.db(0).set('a', new Str('v'));
    ks.db(1).set('b', new Str('v'));
    ks.db(1).set('c', new Str('v'));
    expect(ks.flush(1)).toBe(2);
    expect(ks.db(0).size).toBe(1);
    expect(ks.flush(-1)).toBe(1);
    expect(ks.dbs.every((d) => d.size === 0)).toBe(true);
    expect(flushed).toEqual([1, -1]);
  });

  it('TypeRegistry names the type of a value and refuses duplicates and strangers', () => {
    const { ks } = setup();
    expect(ks.types.of(new Str('x')).name).toBe('string');
    expect(ks.types.of(['x']).name).toBe('list');
    expect(ks.types.byName('LIST')).toBe(listType);
    expect(() => ks.types.of(42)).toThrow(/unregistered type/);
    expect(() => ks.types.register(stringType as DataType)).toThrow(/registered twice/);
  });
});

describe('ScanMap (SCAN cursors for hashes, sets, sorted sets)', () => {
  function scanAll<V>(m: ScanMap<string, V>, count: number, between: () => void = () => undefined): string[] {
    const seen: string[] = [];
    let cursor = 0;
    let steps = 0;
    do {
      cursor = m.scan(cursor, count, (k) => seen.push(k));
      between();
      expect(++steps).toBeLessThan(100000);
    } while (cursor !== 0);
    return seen;
  }

  it('is a map: set reports new keys, get/has/delete/size', () => {
    const m = new ScanMap<string, number>();
    expect(m.set('a', 1)).toBe(true);
    expect(m.set('a', 2)).toBe(false);
    expect(m.get('a')).toBe(2);
    expect(m.has('a')).toBe(true);
    expect(m.size).toBe(1);
    expect(m.delete('a')).toBe(true);
    expect(m.delete('a')).toBe(false);
    expect(m.get('a')).toBeUndefined();
    expect(m.size).toBe(0);
    expect(m.randomKey()).toBeUndefined();
  });

  it('scans every element present throughout, across growth, deletion and compaction', () => {
    const m = new ScanMap<string, number>();
    for (let i = 0; i < 1000; i++) m.set(`f${i}`, i);
    let added = 0;
    let removed = 0;
    const seen = new Set(
      scanAll(m, 7, () => {
        for (let j = 0; j < 3; j++) m.set(`new${added++}`, 0);
        for (let j = 0; j < 5 && removed < 1000; j++, removed += 2) m.delete(`f${removed + 1}`);
      }),
    );
    for (let i = 0; i < 1000; i += 2) expect(seen.has(`f${i}`)).toBe(true);
    expect(m.size).toBe(500 + added);
  });

  it('gives values along with keys, samples live keys, and clears', () => {
    const m = new ScanMap<string, string>();
    m.set('x', 'X');
    m.set('y', 'Y');
    const pairs: string[] = [];
    m.scan(0, 10, (k, v) => pairs.push(`${k}=${v}`));
    expect(pairs).toEqual(['x=X', 'y=Y']);
    // Entries come in hash order (SCAN keeps insertion order).
    expect([...m.entries()].sort()).toEqual([
      ['x', 'X'],
      ['y', 'Y'],
    ]);
    m.delete('x');
    for (let i = 0; i < 20; i++) expect(m.randomKey()).toBe('y');
    m.clear();
    expect(m.size).toBe(0);
    expect(m.scan(0, 10, () => undefined)).toBe(0);
  });
});
