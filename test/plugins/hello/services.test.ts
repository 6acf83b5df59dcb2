import * as path from 'path';
import Redis from 'ioredis';
import { ConfigError } from '../../../kernel/bootstrap';
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
