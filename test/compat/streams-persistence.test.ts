import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { spawnSync } from 'child_process';
import Redis from 'ioredis';
import { RdbInput, RdbOutput } from '../../kernel';
import { streamCodec } from '../../modules/streams/codec';
import { startRealRedis } from '../helpers/redis';
import { startTestServer } from '../helpers/server';
import { waitFor } from '../helpers/fixtures';

/**
 * Streams every way Redis lays them out: several nodes, entries with and without the master's
 * fields, integers and long strings, deleted entries, 64-bit IDs, groups with pending entries
 * (some deleted from the stream), consumers without pending entries, an empty stream.
 */
async function populate(r: Redis): Promise<void> {
  for (let i = 1; i <= 260; i++) {
    const fields = i % 7 === 0 ? ['other', String(i)] : ['name', `item-${i}`, 'n', String(i * 1000), 'neg', String(-i)];
    await r.xadd('log', `${1700000000000 + i}-${i % 3}`, ...fields);
  }
  await r.xadd('log', '1700000001000-0', 'big', 'x'.repeat(5000), 'int', '9223372036854775807');
  await r.xdel('log', '1700000000005-2', '1700000000100-1', '1700000000101-2');
  await r.xgroup('CREATE', 'log', 'workers', '0');
  await r.xgroup('CREATE', 'log', 'late', '$');
  await r.xreadgroup('GROUP', 'workers', 'alice', 'COUNT', '30', 'STREAMS', 'log', '>');
  await r.xreadgroup('GROUP', 'workers', 'bob', 'COUNT', '5', 'STREAMS', 'log', '>');
  await r.call('XREADGROUP', 'GROUP', 'workers', 'carol', 'NOACK', 'COUNT', '5', 'STREAMS', 'log', '>');
  await r.xack('log', 'workers', '1700000000001-1', '1700000000002-2');
  await r.xdel('log', '1700000000003-0');
  await r.xgroup('CREATECONSUMER', 'log', 'late', 'idle');
  await r.xadd('wide', '18446744073709551615-1', 'a', '1');
  await r.xadd('wide', '18446744073709551615-18446744073709551614', 'a', '2');
  await r.xadd('empty', 'MAXLEN', '0', '5-5', 'a', '1');
  await r.xgroup('CREATE', 'empty', 'g', '$', 'ENTRIESREAD', '1');
  await r.xsetid('empty', '9-9', 'ENTRIESADDED', '7', 'MAXDELETEDID', '5-5');
}

async function snapshot(r: Redis): Promise<unknown> {
  const out: Record<string, unknown> = {};
  for (const key of (await r.keys('*')).sort()) {
    out[key] = {
      type: await r.type(key),
      full: await r.call('XINFO', 'STREAM', key, 'FULL', 'COUNT', '0'),
      rev: await r.xrevrange(key, '+', '-', 'COUNT', 3),
      groups: ((await r.call('XINFO', 'GROUPS', key)) as unknown[]).length,
    };
  }
  return out;
}

describe('streams: RDB and DUMP interchange with redis-server 7.0', () => {
  let dir: string;
  beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ferrous-compat-streams-'))));
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  test('DUMP payloads RESTORE in the other server, both ways, groups and pending entries included', async () => {
    const redis = await startRealRedis();
    const f = await startTestServer({ dir });
    const rr = new Redis(redis.port, '127.0.0.1');
    const fr = new Redis(f.port, '127.0.0.1');
    try {
      await populate(rr);
      const expected = await snapshot(rr);
      for (const key of await rr.keys('*')) expect(await fr.restore(key, 0, await rr.dumpBuffer(key))).toBe('OK');
      expect(await snapshot(fr)).toEqual(expected);
      await rr.flushall();
      for (const key of await fr.keys('*')) expect(await rr.restore(key, 0, await fr.dumpBuffer(key))).toBe('OK');
      expect(await snapshot(rr)).toEqual(expected);
      // The stream keeps working after the trip: IDs continue, groups deliver.
      expect(await fr.xadd('log', '*', 'a', '1')).toMatch(/^\d+-0$/);
      const read = (await fr.xreadgroup('GROUP', 'late', 'x', 'STREAMS', 'log', '>')) as [string, unknown[]][];
      expect(read[0][1]).toHaveLength(1);
    } finally {
      rr.disconnect();
      fr.disconnect();
      await f.close();
      await redis.stop();
    }
  });

  test('an RDB written by Ferrous passes redis-check-rdb and loads in redis-server; one from Redis loads in Ferrous', async () => {
    const f = await startTestServer({ dir, dbfilename: 'ferrous.rdb' });
    const fr = new Redis(f.port, '127.0.0.1');
    await populate(fr);
    await fr.save();
    const expected = await snapshot(fr);
    fr.disconnect();
    await f.close();
    const check = spawnSync('redis-check-rdb', [path.join(dir, 'ferrous.rdb')], { encoding: 'utf8' });
    expect(check.stdout).toMatch(/RDB looks OK/);

    const redis = await startRealRedis(['--dir', dir, '--dbfilename', 'ferrous.rdb']);
    const rr = new Redis(redis.port, '127.0.0.1');
    expect(await snapshot(rr)).toEqual(expected);
    await rr.xadd('log', '1800000000000-0', 'from', 'redis');
    await rr.save();
    const again = await snapshot(rr);
    rr.disconnect();
    await redis.stop();

    const f2 = await startTestServer({ dir, dbfilename: 'ferrous.rdb' });
    const fr2 = new Redis(f2.port, '127.0.0.1');
    expect(await snapshot(fr2)).toEqual(again);
    fr2.disconnect();
    await f2.close();
  });

  test('the codec re-writes the value Redis dumped byte for byte (nodes, flags, deltas, groups)', async () => {
    const redis = await startRealRedis(['--rdbcompression', 'no']);
    const rr = new Redis(redis.port, '127.0.0.1');
    try {
      await populate(rr);
      for (const key of await rr.keys('*')) {
        const payload = await rr.dumpBuffer(key);
        // type byte, value, RDB version (2 bytes), CRC64 (8 bytes)
        const body = payload.subarray(1, payload.length - 10);
        const value = streamCodec.load(new RdbInput(body), payload[0])!;
        const out = new RdbOutput(false);
        streamCodec.save(out, value);
        expect(out.take().toString('hex')).toBe(body.toString('hex'));
      }
    } finally {
      rr.disconnect();
      await redis.stop();
    }
  });

  test('an AOF rewrite (no RDB preamble) rebuilds the streams in Ferrous and in redis-server', async () => {
    const f = await startTestServer({ dir, appendonly: 'yes', 'aof-use-rdb-preamble': 'no' });
    const fr = new Redis(f.port, '127.0.0.1');
    await populate(fr);
    await fr.xgroup('CREATE', 'log', 'fresh', '0', 'MKSTREAM');
    await fr.xgroup('CREATE', 'nothing', 'g', '$', 'MKSTREAM');
    await fr.bgrewriteaof();
    await waitFor(async () => /aof_rewrite_in_progress:0/.test(await fr.info('persistence')), 'the rewrite to finish', 20000);
    const expected = await snapshot(fr);
    fr.disconnect();
    await f.close();
    const base = fs.readdirSync(path.join(dir, 'appendonlydir')).find((n) => n.endsWith('.base.aof'))!;
    expect(fs.readFileSync(path.join(dir, 'appendonlydir', base), 'latin1')).toContain('XCLAIM');

    // Consumers created by the rewrite get the loading server's clock as seen-time, and a
    // pending entry whose stream entry is gone is not re-created (XCLAIM FORCE needs the entry),
    // in Redis too: compare both loads with each other, and the entries with the original.
    const seenless = (v: unknown) => JSON.stringify(v).replace(/"seen-time",\d+/g, '"seen-time"');
    const f2 = await startTestServer({ dir, appendonly: 'yes' });
    const fr2 = new Redis(f2.port, '127.0.0.1');
    const fromFerrous = await snapshot(fr2);
    const entries = await fr2.xrange('log', '-', '+');
    fr2.disconnect();
    await f2.close();
    const redis = await startRealRedis(['--dir', dir, '--appendonly', 'yes']);
    const rr = new Redis(redis.port, '127.0.0.1');
    expect(seenless(fromFerrous)).toBe(seenless(await snapshot(rr)));
    expect(await rr.xrange('log', '-', '+')).toEqual(entries);
    expect(Object.keys(fromFerrous as object)).toEqual(Object.keys(expected as object));
    rr.disconnect();
    await redis.stop();
  });
});
