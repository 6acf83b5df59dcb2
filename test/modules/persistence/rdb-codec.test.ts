import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import type { PortableValue } from '../../../kernel';
import { crc64 } from '../../../modules/persistence/crc64';
import { lzfCompress, lzfDecompress } from '../../../modules/persistence/lzf';
import { ziplistEntries, zipmapPairs } from '../../../modules/persistence/packed';
import { dumpPayload, RdbError, RdbOutput, readRdb as readRdbWith, writeEntry, writeHeader, writeSelectDb, writeTrailer } from '../../../modules/persistence/rdb';
import { Crc64 } from '../../../modules/persistence/crc64';
import { RawClient } from '../../helpers/raw-client';
import { startRealRedis, type RealRedis } from '../../helpers/redis';

interface Rec {
  db: number;
  key: string;
  value: PortableValue;
  expireMs: number;
}

/** Every key an RDB image holds, in file order. */
function readRdb(buf: Buffer, verify: boolean): { records: Rec[] } {
  const records: Rec[] = [];
  readRdbWith(buf, verify, (db, key, value, expireMs) => records.push({ db, key, value, expireMs }));
  return { records };
}

/** Values in a canonical order, so sets and hashes compare regardless of encoding order. */
function canonical(p: PortableValue): PortableValue {
  switch (p.kind) {
    case 'set':
      return { kind: 'set', members: [...p.members].sort() };
    case 'hash':
      return { kind: 'hash', entries: [...p.entries].sort((a, b) => (a[0] < b[0] ? -1 : 1)) };
    case 'zset':
      return { kind: 'zset', entries: [...p.entries].sort((a, b) => a[1] - b[1] || (a[0] < b[0] ? -1 : 1)) };
    default:
      return p;
  }
}

const range = (n: number, f: (i: number) => string) => Array.from({ length: n }, (_, i) => f(i));

describe('CRC64 and LZF', () => {
  test('CRC64-Jones check value as in Redis crc64.c', () => {
    expect(crc64(Buffer.from('123456789')).readBigUInt64LE(0)).toBe(0xe9c6d914c4b8d9can);
    const data = Buffer.from('This is a test of the emergency broadcast system.');
    expect(new Crc64().update(data, 0, 10).update(data, 10).digest()).toEqual(crc64(data));
  });

  test('CRC64 eight bytes at a time equals the bit-by-bit definition, at any length and split', () => {
    // Reflected CRC-64/Jones, one bit at a time, in BigInt: the definition, slow and plain.
    const POLY = 0x95ac9329ac4bc9b5n;
    const reference = (b: Uint8Array): bigint => {
      let crc = 0n;
      for (const byte of b) {
        crc ^= BigInt(byte);
        for (let k = 0; k < 8; k++) crc = crc & 1n ? (crc >> 1n) ^ POLY : crc >> 1n;
      }
      return crc;
    };
    let seed = 7;
    const data = Buffer.from(Array.from({ length: 300 }, () => (seed = (seed * 1103515245 + 12345) & 0xff)));
    for (const len of [0, 1, 7, 8, 9, 15, 16, 17, 63, 64, 65, 299]) {
      const part = data.subarray(0, len);
      expect(crc64(part).readBigUInt64LE(0)).toBe(reference(part));
      const cut = len >> 1;
      expect(new Crc64().update(part, 0, cut).update(part, cut).digest()).toEqual(crc64(part));
    }
  });

  test('LZF round-trips and refuses output that does not save space', () => {
    const samples = ['a'.repeat(1000), 'abcabcabcxyzxyz'.repeat(300), `${'q'.repeat(40)}${Buffer.from(range(200, (i) => String.fromCharCode(i)).join(''), 'latin1').toString('latin1')}`];
    for (const s of samples) {
      const raw = Buffer.from(s, 'latin1');
      const c = lzfCompress(raw, raw.length - 4);
      expect(c).not.toBeNull();
      expect(lzfDecompress(c!, raw.length)).toEqual(raw);
    }
    const noise = Buffer.from(range(256, (i) => String.fromCharCode((i * 7919) & 0xff)).join(''), 'latin1');
    expect(lzfCompress(noise, noise.length - 4)).toBeNull();
    expect(() => lzfDecompress(Buffer.from([0xe0, 0xff, 0x10]), 20)).toThrow();
  });
});

describe('old packed encodings', () => {
  test('ziplist with every integer width and string lengths', () => {
    // zlbytes, zltail, zllen, then entries: "ab", int 12 (1111xxxx), int8 -5, int16 1000, int24, int32, int64.
    const entries = [
      [0x00, 0x02, 0x61, 0x62],
      [0x04, 0xfd],
      [0x02, 0xfe, 0xfb],
      [0x03, 0xc0, 0xe8, 0x03],
      [0x04, 0xf0, 0x40, 0x42, 0x0f],
      [0x05, 0xd0, 0x00, 0x94, 0x35, 0x77],
      [0x06, 0xe0, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x80],
    ].flat();
    const zl = Buffer.from([0, 0, 0, 0, 0, 0, 0, 0, 7, 0, ...entries, 0xff]);
    expect(ziplistEntries(zl)).toEqual(['ab', '12', '-5', '1000', '1000000', '2000000000', '-9223372036854775808']);
    expect(() => ziplistEntries(zl.subarray(0, 14))).toThrow();
  });

  test('zipmap (hashes saved before Redis 2.6)', () => {
    const zm = Buffer.from([2, 1, 0x66, 2, 1, 0x76, 0x31, 0x00, 1, 0x67, 0, 0, 0xff]);
    expect(zipmapPairs(zm)).toEqual([
      ['f', 'v1'],
      ['g', ''],
    ]);
  });
});

describe('RDB files written by redis-server 7.0', () => {
  let redis: RealRedis;
  let c: RawClient;
  beforeAll(async () => {
    redis = await startRealRedis(['--enable-debug-command', 'yes']);
    c = await RawClient.connect(redis.port);
  });
  afterAll(async () => {
    c.close();
    await redis.stop();
  });

  test('every encoding decodes to the same neutral values', async () => {
    const big = range(300, (i) => `element-${i}`);
    const expected = new Map<string, PortableValue>([
      ['str:int', { kind: 'string', value: '12345' }],
      ['str:neg', { kind: 'string', value: '-70000' }],
      ['str:big', { kind: 'string', value: '123456789012345' }],
      ['str:lzf', { kind: 'string', value: 'compressible '.repeat(50) }],
      ['str:bin', { kind: 'string', value: '\x00\xff\r\n\x80binary' }],
      ['list:lp', { kind: 'list', items: ['a', '1', '-2', '300000', 'b'] }],
      ['list:ql', { kind: 'list', items: big }],
      ['list:plain', { kind: 'list', items: ['small', 'P'.repeat(200), 'tail'] }],
      ['set:intset', { kind: 'set', members: ['1', '-5', '70000', '9000000000'] }],
      ['set:ht', { kind: 'set', members: ['x', 'y', 'z'] }],
      ['set:big', { kind: 'set', members: big }],
      ['zset:lp', { kind: 'zset', entries: [['a', 1], ['b', 2.5], ['c', -3], ['inf', Infinity], ['ninf', -Infinity]] }],
      ['zset:sl', { kind: 'zset', entries: big.map((m, i): [string, number] => [m, i / 3]) }],
      ['hash:lp', { kind: 'hash', entries: [['f1', 'v1'], ['n', '42']] }],
      ['hash:ht', { kind: 'hash', entries: big.map((f, i): [string, string] => [f, i === 0 ? 'V'.repeat(100) : `value-${i}`]) }],
    ]);
    await c.call('DEBUG', 'QUICKLIST-PACKED-THRESHOLD', '100');
    for (const [key, p] of expected) {
      if (p.kind === 'string') await c.call('SET', key, p.value);
      else if (p.kind === 'list') await c.call('RPUSH', key, ...p.items);
      else if (p.kind === 'set') await c.call('SADD', key, ...p.members);
      else if (p.kind === 'zset') await c.call('ZADD', key, ...p.entries.flatMap(([m, s]) => [String(s), m]));
      else if (p.kind === 'hash') await c.call('HSET', key, ...p.entries.flat());
    }
    const encodings: Record<string, string> = {};
    for (const key of expected.keys()) encodings[key] = (await c.exec('OBJECT', 'ENCODING', key)) as string;
    expect(encodings).toMatchObject({ 'set:intset': 'intset', 'set:ht': 'hashtable', 'zset:lp': 'listpack', 'zset:sl': 'skiplist', 'hash:lp': 'listpack', 'hash:ht': 'hashtable', 'list:ql': 'quicklist' });
    await c.call('PEXPIREAT', 'str:int', String(Date.now() + 3_600_000));
    await c.call('SELECT', '3');
    await c.call('SET', 'in-db-3', 'yes');
    await c.call('SELECT', '0');
    expect(await c.call('SAVE')).toBe('+OK\r\n');

    const file = fs.readFileSync(path.join(redis.dir, 'dump.rdb'));
    const { records } = readRdb(file, true);
    const got = new Map(records.filter((r) => r.db === 0).map((r) => [r.key, canonical(r.value)]));
    expect(got).toEqual(new Map([...expected].map(([k, v]) => [k, canonical(v)])));
    expect(records.find((r) => r.key === 'in-db-3')).toMatchObject({ db: 3, value: { kind: 'string', value: 'yes' }, expireMs: -1 });
    expect(records.find((r) => r.key === 'str:int')!.expireMs).toBeGreaterThan(Date.now());

    // A flipped byte fails the checksum; a cut file is reported as truncated.
    const bad = Buffer.from(file);
    bad[40] ^= 1;
    expect(() => readRdb(bad, true)).toThrow(RdbError);
    expect(() => readRdb(file.subarray(0, file.length - 30), true)).toThrow(/unexpected end|truncated/);
  });

  test('streams are refused with a clear error', async () => {
    await c.call('FLUSHALL');
    await c.call('XADD', 's', '*', 'f', 'v');
    await c.call('SAVE');
    expect(() => readRdb(fs.readFileSync(path.join(redis.dir, 'dump.rdb')), true)).toThrow(/stream/);
  });

  test('a file written by the encoder passes redis-check-rdb and loads in redis-server', async () => {
    const out = new RdbOutput(true);
    writeHeader(out, '7.0.15', 1000);
    writeSelectDb(out, 0, 5, 1);
    const values: [string, PortableValue][] = [
      ['s', { kind: 'string', value: 'hello '.repeat(40) }],
      ['n', { kind: 'string', value: '-32768' }],
      ['l', { kind: 'list', items: range(200, (i) => `i${i}`) }],
      ['st', { kind: 'set', members: ['1', '2', 'three'] }],
      ['z', { kind: 'zset', entries: [['a', 1.5], ['b', -Infinity]] }],
      ['h', { kind: 'hash', entries: [['f', 'v'], ['g', '12']] }],
    ];
    for (const [k, v] of values) writeEntry(out, k, v, k === 's' ? Date.now() + 100_000 : -1);
    const crc = new Crc64();
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'ferrous-rdb-')), 'out.rdb');
    const body = writeTrailer(out, crc);
    fs.writeFileSync(file, body);
    const check = spawnSync('redis-check-rdb', [file], { encoding: 'utf8' });
    expect(check.stdout).toMatch(/RDB looks OK/);
    expect(readRdb(body, true).records.map((r) => [r.key, r.value])).toEqual(values);
    // DUMP payloads from the encoder restore in the real server.
    await c.call('FLUSHALL');
    for (const [k, v] of values) {
      expect(await c.call('RESTORE', k, '0', dumpPayload(v)!.toString('latin1'))).toBe('+OK\r\n');
    }
    expect(await c.exec('LRANGE', 'l', '0', '2')).toEqual(['i0', 'i1', 'i2']);
    expect(await c.exec('ZSCORE', 'z', 'b')).toBe('-inf');
    expect(await c.exec('HGET', 'h', 'g')).toBe('12');
    fs.rmSync(path.dirname(file), { recursive: true, force: true });
  });
});
