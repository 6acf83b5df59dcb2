import * as path from 'path';
import Redis from 'ioredis';
import { ConfigError } from '../../../kernel/bootstrap';
import { waitParked } from '../../helpers/fixtures';
import { RawClient } from '../../helpers/raw-client';
import { startTestServer } from '../../helpers/server';

const fixture = (name: string) => path.join(__dirname, '..', 'fixtures', name);

describe('services by token', () => {
  it('checks every write gate a module provides, in GateOrder, for clients and scripts', async () => {
    const ferrous = await startTestServer({ loadmodule: fixture('services') });
    const raw = await RawClient.connect(ferrous.port);
    try {
      expect(await raw.call('SET', 'k', 'v')).toBe('+OK\r\n');
      expect(await raw.call('GATE.SET', 'late', 'closed')).toBe('+OK\r\n');
      expect(await raw.call('SET', 'k', 'w')).toBe('-LATE writes closed by the late gate\r\n');
      expect(await raw.call('GATE.SET', 'early', 'closed')).toBe('+OK\r\n');
      expect(await raw.call('SET', 'k', 'w')).toBe('-EARLY writes closed by the early gate\r\n');
      expect(await raw.call('EVAL', "return redis.pcall('set', 'k', 'w')", '0')).toBe('-EARLY writes closed by the early gate\r\n');
      // Reads pass a closed gate; the refused writes changed nothing.
      expect(await raw.call('GET', 'k')).toBe('$1\r\nv\r\n');
      expect(await raw.call('GATE.SET', 'early', 'open')).toBe('+OK\r\n');
      expect(await raw.call('GATE.SET', 'late', 'open')).toBe('+OK\r\n');
      expect(await raw.call('SET', 'k', 'w')).toBe('+OK\r\n');
    } finally {
      raw.close();
      await ferrous.close();
    }
  });

  it('hands a module the publisher it takes in its constructor', async () => {
    const ferrous = await startTestServer({ loadmodule: fixture('services') });
    const sub = new Redis(ferrous.port, '127.0.0.1', { lazyConnect: true });
    const pub = new Redis(ferrous.port, '127.0.0.1', { lazyConnect: true });
    try {
      await sub.connect();
      await pub.connect();
      const got = new Promise<[string, string]>((resolve) => sub.on('message', (ch: string, msg: string) => resolve([ch, msg])));
      await sub.subscribe('news');
      expect(await pub.call('ANNOUNCE', 'news', 'hi')).toBe(1);
      expect(await got).toEqual(['news', 'hi']);
    } finally {
      sub.disconnect();
      pub.disconnect();
      await ferrous.close();
    }
  });

  it('blocks a client on an event, not a key: served when its condition holds, timeouts, UNBLOCK, MULTI', async () => {
    const ferrous = await startTestServer({ loadmodule: fixture('services') });
    const a = await RawClient.connect(ferrous.port);
    const b = await RawClient.connect(ferrous.port);
    try {
      const aid = await a.id();
      const waiting = a.call('EV.WAIT', 'acks', '2', '0');
      await waitParked(b, aid);
      await b.call('EV.FIRE', 'acks');
      expect(await b.call('INFO', 'clients')).toMatch(/blocked_clients:1\r\n/);
      await b.call('EV.FIRE', 'acks');
      expect(await waiting).toBe(':2\r\n');
      expect(await b.call('INFO', 'clients')).toMatch(/blocked_clients:0\r\n/);
      expect(await a.call('EV.WAIT', 'other', '1', '0.05')).toBe('$-1\r\n');
      const unblocked = a.call('EV.WAIT', 'other', '1', '0');
      await waitParked(b, aid);
      expect(await b.call('CLIENT', 'UNBLOCK', String(aid), 'ERROR')).toBe(':1\r\n');
      expect(await unblocked).toBe('-UNBLOCKED client unblocked via CLIENT UNBLOCK\r\n');
      expect(await a.call('MULTI')).toBe('+OK\r\n');
      expect(await a.call('EV.WAIT', 'other', '1', '0')).toBe('+QUEUED\r\n');
      expect(await a.call('EXEC')).toBe('*1\r\n$-1\r\n');
    } finally {
      a.close();
      b.close();
      await ferrous.close();
    }
  });

  it('refuses to start when a module needs a service that no loaded module provides', async () => {
    await expect(startTestServer({ loadmodule: fixture('services'), 'disable-module': 'pubsub' })).rejects.toThrow(
      new ConfigError("Module 'announcer' needs the 'publisher' service, which no loaded module provides"),
    );
  });

  it('refuses two providers of a single-provider service', async () => {
    await expect(startTestServer({ loadmodule: fixture('second-publisher') })).rejects.toThrow(
      new ConfigError("Modules 'pubsub' and 'second-publisher' both provide the 'publisher' service"),
    );
  });

  it('refuses modules that cannot work without the strings module', async () => {
    await expect(startTestServer({ 'disable-module': 'strings' })).rejects.toThrow(
      new ConfigError("Module 'bitmaps' requires module 'strings', which is not loaded"),
    );
    await expect(startTestServer({ 'disable-module': 'strings bitmaps' })).rejects.toThrow(
      new ConfigError("Module 'hyperloglog' requires module 'strings', which is not loaded"),
    );
    const ferrous = await startTestServer({ 'disable-module': 'strings bitmaps hyperloglog' });
    await ferrous.close();
  });

  it('refuses to disable a module that does not exist, listing the real ones', async () => {
    await expect(startTestServer({ 'disable-module': 'string' })).rejects.toThrow(
      /^disable-module: no built-in module is named 'string' \(the built-in modules are: connection, server, keys, strings, /,
    );
  });
});
