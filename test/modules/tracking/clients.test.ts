import Redis from 'ioredis';
import { createClient } from 'redis';
import type { Ferrous } from '../../../kernel/bootstrap';
import { waitFor } from '../../helpers/fixtures';
import { startTestServer } from '../../helpers/server';

describe('client-side caching with real clients', () => {
  let f: Ferrous;
  const opened: Array<{ close(): unknown }> = [];

  beforeAll(async () => {
    f = await startTestServer();
  });
  afterEach(async () => {
    for (const c of opened.splice(0)) await c.close();
  });
  afterAll(async () => {
    await f.close();
  });

  function ioredis(): Redis {
    const r = new Redis(f.port, '127.0.0.1', { maxRetriesPerRequest: 1 });
    opened.push({ close: () => r.disconnect() });
    return r;
  }

  test('node-redis v5 RESP3 cache: hits until a write invalidates the key', async () => {
    const client = createClient({ url: `redis://127.0.0.1:${f.port}`, RESP: 3, clientSideCache: { ttl: 0, maxEntries: 0 } });
    await client.connect();
    opened.push({ close: () => client.close() });
    const cache = client.clientSideCache!;
    const writer = ioredis();
    await writer.set('csc:k', 'v1');

    expect(await client.get('csc:k')).toBe('v1');
    expect(await client.get('csc:k')).toBe('v1');
    expect(cache.stats().hitCount).toBe(1);
    expect(cache.size()).toBe(1);

    await writer.set('csc:k', 'v2');
    await waitFor(() => cache.size() === 0, 'the invalidation to empty the cache');
    expect(await client.get('csc:k')).toBe('v2');

    await client.get('csc:other');
    expect(cache.size()).toBe(2);
    await writer.flushall();
    await waitFor(() => cache.size() === 0, 'FLUSHALL to empty the cache');
  });

  test('ioredis: REDIRECT to a RESP2 subscriber of __redis__:invalidate', async () => {
    const sub = ioredis();
    const tracker = ioredis();
    const writer = ioredis();
    const messages: Array<[string, string]> = [];
    sub.on('message', (channel: string, message: string) => messages.push([channel, message]));
    const subId = (await sub.call('CLIENT', 'ID')) as number;
    await sub.subscribe('__redis__:invalidate');

    expect(await tracker.call('CLIENT', 'TRACKING', 'ON', 'REDIRECT', String(subId))).toBe('OK');
    expect(await tracker.call('CLIENT', 'GETREDIR')).toBe(subId);
    await tracker.get('redir:a');
    await tracker.mget('redir:b', 'redir:c');
    await writer.mset('redir:a', '1', 'redir:c', '1', 'redir:untracked', '1');
    // ioredis joins an array payload into the message string.
    await waitFor(() => messages.length === 2, 'two invalidation messages');
    expect(messages).toEqual([
      ['__redis__:invalidate', 'redir:a'],
      ['__redis__:invalidate', 'redir:c'],
    ]);

    // Each read registers once: a second write to the same key sends nothing new.
    await writer.set('redir:a', '2');
    await writer.set('redir:b', '2');
    await waitFor(() => messages.length === 3, 'the invalidation of redir:b');
    expect(messages[2]).toEqual(['__redis__:invalidate', 'redir:b']);
  });

  test('ioredis: CLIENT TRACKINGINFO shows the options in RESP2', async () => {
    const r = ioredis();
    expect(await r.call('CLIENT', 'TRACKING', 'ON', 'BCAST', 'PREFIX', 'user:', 'PREFIX', 'post:', 'NOLOOP')).toBe('OK');
    expect(await r.call('CLIENT', 'TRACKINGINFO')).toEqual(['flags', ['on', 'bcast', 'noloop'], 'redirect', 0, 'prefixes', ['post:', 'user:']]);
    expect(await r.call('CLIENT', 'TRACKING', 'OFF')).toBe('OK');
    expect(await r.call('CLIENT', 'TRACKINGINFO')).toEqual(['flags', ['off'], 'redirect', -1, 'prefixes', []]);
  });
});
