import type { Ferrous } from '../../../kernel/bootstrap';
import { RawClient } from '../../helpers/raw-client';
import { startTestServer } from '../../helpers/server';
import { recordJournal } from '../../helpers/journal';

/** Keyspace events, dirty counts and propagated commands, observed through the kernel's hooks. */
describe('hashes: keyspace events and propagation', () => {
  let f: Ferrous;
  let c: RawClient;
  let events: string[] = [];
  let propagated: string[][] = [];

  beforeAll(async () => {
    f = await startTestServer();
    f.server.hooks.onKeyspaceEvent((cls, event, key) => events.push(`${cls}:${event}:${key}`));
    recordJournal(f.server.journal, (_db, argv) => propagated.push(argv));
    c = await RawClient.connect(f.port);
  });
  afterAll(async () => {
    c.close();
    await f.close();
  });
  beforeEach(async () => {
    await c.call('FLUSHALL');
    events = [];
    propagated = [];
  });

  it('HSET, HMSET and HSETNX fire hset; a refused HSETNX fires nothing', async () => {
    await c.call('HSET', 'h', 'a', '1', 'b', '2');
    await c.call('HMSET', 'h', 'c', '3');
    await c.call('HSETNX', 'h', 'a', 'x');
    await c.call('HSETNX', 'h', 'd', 'x');
    expect(events).toEqual(['h:hset:h', 'h:hset:h', 'h:hset:h']);
    expect(propagated).toEqual([
      ['HSET', 'h', 'a', '1', 'b', '2'],
      ['HMSET', 'h', 'c', '3'],
      ['HSETNX', 'h', 'd', 'x'],
    ]);
  });

  it('HSET counts every pair as a change, as server.dirty does', async () => {
    const ks = f.server.keyspace;
    const before = ks.stats.dirty;
    await c.call('HSET', 'h', 'a', '1', 'b', '2', 'c', '3');
    expect(ks.stats.dirty - before).toBe(3);
    await c.call('HDEL', 'h', 'a', 'b', 'zz');
    expect(ks.stats.dirty - before).toBe(5);
  });

  it('HDEL fires hdel, then del when the hash is emptied; nothing when no field went', async () => {
    await c.call('HSET', 'h', 'a', '1', 'b', '2');
    events = [];
    await c.call('HDEL', 'h', 'zz');
    await c.call('HDEL', 'h', 'a');
    await c.call('HDEL', 'h', 'b', 'c');
    expect(events).toEqual(['h:hdel:h', 'h:hdel:h', 'g:del:h']);
  });

  it('HINCRBY fires hincrby; HINCRBYFLOAT fires hincrbyfloat and propagates HSET with the result', async () => {
    await c.call('HINCRBY', 'h', 'n', '5');
    await c.call('HINCRBYFLOAT', 'h', 'x', '1.1');
    await c.call('HINCRBYFLOAT', 'h', 'x', '2.2e0');
    await c.call('HINCRBY', 'h', 'x', '1');
    expect(events).toEqual(['h:hincrby:h', 'h:hincrbyfloat:h', 'h:hincrbyfloat:h']);
    expect(propagated).toEqual([
      ['HINCRBY', 'h', 'n', '5'],
      ['HSET', 'h', 'x', '1.1'],
      ['HSET', 'h', 'x', '3.3'],
    ]);
  });

  it('read commands signal a key miss on a missing key, write commands do not', async () => {
    await c.call('HGET', 'nokey', 'a');
    await c.call('HGETALL', 'nokey');
    await c.call('HRANDFIELD', 'nokey', '3');
    await c.call('HSCAN', 'nokey', '0');
    await c.call('HDEL', 'nokey', 'a');
    expect(events).toEqual(['m:keymiss:nokey', 'm:keymiss:nokey', 'm:keymiss:nokey', 'm:keymiss:nokey']);
  });

  it('a hash keeps its TTL across writes; HSET on a missing key creates it without one', async () => {
    await c.call('HSET', 'h', 'a', '1');
    await c.call('EXPIRE', 'h', '100');
    await c.call('HSET', 'h', 'b', '2');
    await c.call('HINCRBYFLOAT', 'h', 'c', '1');
    expect(await c.call('TTL', 'h')).toBe(':100\r\n');
  });

  it('WATCH sees a hash write', async () => {
    const other = await RawClient.connect(f.port);
    try {
      await c.call('WATCH', 'h');
      await other.call('HSET', 'h', 'a', '1');
      await c.call('MULTI');
      await c.call('HGET', 'h', 'a');
      expect(await c.call('EXEC')).toBe('*-1\r\n');
    } finally {
      other.close();
    }
  });
});
