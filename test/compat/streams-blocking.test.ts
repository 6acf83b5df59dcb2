import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import Redis from 'ioredis';
import type { Ferrous } from '../../kernel/bootstrap';
import { RawClient, command } from '../helpers/raw-client';
import { waitParked } from '../helpers/fixtures';
import { startRealRedis, type RealRedis } from '../helpers/redis';
import { startTestServer } from '../helpers/server';

/**
 * A blocking scenario run on one server: waiters send their (blocking) commands in order, a
 * writer runs its commands once they are all parked, and the transcript records every reply in
 * the order it is read.
 */
async function scenario(port: number, setup: string[][], waiters: string[][], writes: string[][], resp: 2 | 3 = 2): Promise<string[]> {
  const writer = await RawClient.connect(port);
  const clients: RawClient[] = [];
  const log: string[] = [];
  try {
    await writer.call('FLUSHALL');
    for (const c of setup) log.push(await writer.call(...c));
    for (const w of waiters) {
      const c = await RawClient.connect(port);
      if (resp === 3) await c.call('HELLO', '3');
      clients.push(c);
      const id = await c.id();
      c.write(command(...w));
      await waitParked(writer, id);
    }
    for (const c of writes) {
      log.push(await writer.call(...c));
    }
    for (const c of clients) log.push(await c.read());
    return log;
  } finally {
    writer.close();
    for (const c of clients) c.close();
  }
}

describe('streams: blocking reads and propagation vs redis-server 7.0', () => {
  let redis: RealRedis;
  let ferrous: Ferrous;
  beforeAll(async () => {
    redis = await startRealRedis();
    ferrous = await startTestServer();
  });
  afterAll(async () => {
    await ferrous?.close();
    await redis?.stop();
  });

  async function same(setup: string[][], waiters: string[][], writes: string[][], resp: 2 | 3 = 2): Promise<void> {
    const expected = await scenario(redis.port, setup, waiters, writes, resp);
    expect(await scenario(ferrous.port, setup, waiters, writes, resp)).toEqual(expected);
  }

  it('XREAD BLOCK: woken by XADD first blocked first served, $ and explicit IDs, several keys', async () => {
    await same(
      [['XADD', 'a', '1-0', 'f', 'v']],
      [
        ['XREAD', 'BLOCK', '0', 'STREAMS', 'a', '$'],
        ['XREAD', 'BLOCK', '0', 'COUNT', '1', 'STREAMS', 'b', 'a', '0', '1-0'],
        ['XREAD', 'BLOCK', '0', 'STREAMS', 'b', '$'],
      ],
      [
        ['XADD', 'a', '2-0', 'x', '1'],
        ['XADD', 'a', '3-0', 'x', '2'],
        ['XADD', 'b', '1-0', 'y', '1'],
      ],
    );
  });

  it('XREAD BLOCK in RESP3 answers a map; a timeout answers the null array', async () => {
    await same([], [['XREAD', 'BLOCK', '0', 'STREAMS', 'a', '$']], [['XADD', 'a', '1-0', 'f', 'v']], 3);
    for (const port of [redis.port, ferrous.port]) {
      const c = await RawClient.connect(port);
      expect(await c.call('XREAD', 'BLOCK', '30', 'STREAMS', 'none', '$')).toBe('*-1\r\n');
      await c.call('HELLO', '3');
      expect(await c.call('XREADGROUP', 'GROUP', 'g', 'c', 'BLOCK', '30', 'STREAMS', 'none', '>')).toMatch(/^-NOGROUP/);
      expect(await c.call('XREAD', 'BLOCK', '30', 'STREAMS', 'none', '$')).toBe('_\r\n');
      c.close();
    }
  });

  it('XREADGROUP BLOCK: one new entry goes to the first waiter only; NOACK; the rest keep waiting', async () => {
    await same(
      [
        ['XGROUP', 'CREATE', 's', 'g', '$', 'MKSTREAM'],
        ['XGROUP', 'CREATE', 's', 'h', '$'],
      ],
      [
        ['XREADGROUP', 'GROUP', 'g', 'alice', 'BLOCK', '0', 'STREAMS', 's', '>'],
        ['XREADGROUP', 'GROUP', 'g', 'bob', 'BLOCK', '0', 'STREAMS', 's', '>'],
        ['XREADGROUP', 'GROUP', 'h', 'carol', 'NOACK', 'BLOCK', '0', 'STREAMS', 's', '>'],
      ],
      [
        ['XADD', 's', '1-0', 'f', '1'],
        ['XPENDING', 's', 'g'],
        ['XADD', 's', '2-0', 'f', '2'],
        ['XPENDING', 's', 'g'],
        ['XPENDING', 's', 'h'],
        ['XINFO', 'GROUPS', 's'],
      ],
    );
  });

  it('a blocked XREADGROUP fails when its stream is deleted, replaced, or its group destroyed', async () => {
    await same(
      [
        ['XGROUP', 'CREATE', 'a', 'g', '$', 'MKSTREAM'],
        ['XGROUP', 'CREATE', 'b', 'g', '$', 'MKSTREAM'],
        ['XGROUP', 'CREATE', 'c', 'g', '$', 'MKSTREAM'],
      ],
      [
        ['XREADGROUP', 'GROUP', 'g', 'x', 'BLOCK', '0', 'STREAMS', 'a', '>'],
        ['XREADGROUP', 'GROUP', 'g', 'y', 'BLOCK', '0', 'STREAMS', 'b', '>'],
        ['XREADGROUP', 'GROUP', 'g', 'z', 'BLOCK', '0', 'STREAMS', 'c', '>'],
        ['XREAD', 'BLOCK', '0', 'STREAMS', 'a', '$'],
      ],
      [
        ['DEL', 'a'],
        ['XGROUP', 'DESTROY', 'b', 'g'],
        ['SET', 'c', 'string'],
        ['XADD', 'a', '5-0', 'f', 'v'],
      ],
    );
  });

  it('propagation: the AOF holds what Redis writes (concrete IDs, exact trimming, XCLAIM + SETID units)', async () => {
    const writes = async (r: Redis): Promise<void> => {
      await r.xadd('s', '1-*', 'a', '1');
      await r.xadd('s', '1-*', 'a', '2');
      for (let i = 2; i < 250; i++) await r.xadd('s', `${i}-0`, 'n', String(i));
      await r.xadd('s', 'MAXLEN', '~', '100', '300-*', 'n', 'x');
      await r.xadd('s', 'MINID', '~', '200', 'LIMIT', '1000', '301-*', 'n', 'x');
      await r.xtrim('s', 'MAXLEN', '~', '50');
      await r.xtrim('s', 'MAXLEN', '=', '60');
      await r.xtrim('s', 'MAXLEN', '60');
      await r.xdel('s', '240-0', '999-0');
      await r.xgroup('CREATE', 's', 'g', '0');
      await r.xreadgroup('GROUP', 'g', 'alice', 'COUNT', '2', 'STREAMS', 's', '>');
      await r.call('XREADGROUP', 'GROUP', 'g', 'bob', 'NOACK', 'COUNT', '2', 'STREAMS', 's', '>');
      await r.xreadgroup('GROUP', 'g', 'alice', 'STREAMS', 's', '0');
      await r.xack('s', 'g', '241-0', '999-0');
      await r.xdel('s', '242-0');
      await r.xautoclaim('s', 'g', 'carol', '0', '0', 'COUNT', '1');
      await r.xautoclaim('s', 'g', 'carol', '0', '0');
      await r.xclaim('s', 'g', 'dave', '0', '243-0', 'LASTID', '245-0');
      await r.xclaim('s', 'g', 'dave', '0', '999-0');
      await r.xgroup('SETID', 's', 'g', '244-0', 'ENTRIESREAD', '3');
      await r.xgroup('CREATECONSUMER', 's', 'g', 'erin');
      await r.xgroup('DELCONSUMER', 's', 'g', 'erin');
      await r.xsetid('s', '500-0', 'ENTRIESADDED', '1000');
      await r.xgroup('DESTROY', 's', 'g');
    };
    // Delivery times are the servers' clocks: compare with them masked.
    const incr = (d: string) =>
      fs.readFileSync(path.join(d, 'appendonlydir', 'appendonly.aof.1.incr.aof'), 'latin1').replace(/TIME\r\n\$13\r\n\d{13}/g, 'TIME\r\n$13\r\n<ms>');
    const rdir = fs.mkdtempSync(path.join(os.tmpdir(), 'ferrous-streams-aof-'));
    const fdir = fs.mkdtempSync(path.join(os.tmpdir(), 'ferrous-streams-aof-'));
    let r2: RealRedis | null = null;
    let f2: Ferrous | null = null;
    try {
      r2 = await startRealRedis(['--dir', rdir, '--appendonly', 'yes', '--appendfsync', 'always']);
      const rc = new Redis(r2.port, '127.0.0.1');
      await writes(rc);
      rc.disconnect();
      f2 = await startTestServer({ dir: fdir, appendonly: 'yes', appendfsync: 'always' });
      const fc = new Redis(f2.port, '127.0.0.1');
      await writes(fc);
      const before = await fc.call('XINFO', 'STREAM', 's', 'FULL');
      fc.disconnect();
      expect(incr(fdir)).toBe(incr(rdir));
      await f2.close();
      // The AOF loads back into the same stream.
      f2 = await startTestServer({ dir: fdir, appendonly: 'yes' });
      const again = new Redis(f2.port, '127.0.0.1');
      expect(await again.call('XINFO', 'STREAM', 's', 'FULL')).toEqual(before);
      again.disconnect();
    } finally {
      await f2?.close();
      await r2?.stop();
      fs.rmSync(rdir, { recursive: true, force: true });
      fs.rmSync(fdir, { recursive: true, force: true });
    }
  });
});
