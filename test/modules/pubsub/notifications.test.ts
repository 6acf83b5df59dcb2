import Redis from 'ioredis';
import { RawClient } from '../../helpers/raw-client';
import { useServer, waitFor } from '../../helpers/fixtures';
import { startTestServer } from '../../helpers/server';

/** Keyspace notifications from strings and keys commands, seen by a pattern subscriber. */
describe('pubsub: keyspace notifications', () => {
  const f = useServer({ 'notify-keyspace-events': 'KEA' });
  let sub: Redis;
  let events: string[] = [];

  /** Run `fn`, then a marker publish, and return the notifications that came before the marker. */
  async function during(fn: () => Promise<unknown>): Promise<string[]> {
    events = [];
    await fn();
    await f.io.publish('__marker__', 'end');
    await waitFor(() => events.includes('marker'), 'the marker');
    return events.slice(0, events.indexOf('marker'));
  }

  beforeAll(async () => {
    sub = f.ioredis();
    sub.on('pmessage', (_p: string, ch: string, msg: string) => {
      if (ch === '__marker__') events.push('marker');
      else if (ch.startsWith('__keyevent@')) events.push(`${ch.slice(2, ch.indexOf('__:'))} ${ch.slice(ch.indexOf('__:') + 3)} ${msg}`);
      else events.push(`${ch.slice(2, ch.indexOf('__:'))} ${ch.slice(ch.indexOf('__:') + 3)}: ${msg}`);
    });
    await sub.psubscribe('__key*__:*', '__marker__');
  });
  beforeEach(async () => {
    await f.io.config('SET', 'notify-keyspace-events', 'KEA');
  });

  it('a start-up value is stored in its canonical form', async () => {
    const f2 = await startTestServer({ 'notify-keyspace-events': 'xKg' });
    try {
      const c = await RawClient.connect(f2.port);
      expect(await c.call('CONFIG', 'GET', 'notify-keyspace-events')).toBe('*2\r\n$22\r\nnotify-keyspace-events\r\n$3\r\ngxK\r\n');
      c.close();
    } finally {
      await f2.close();
    }
  });

  it('SET, EXPIRE, PERSIST, DEL: both channels, keyspace first', async () => {
    const got = await during(async () => {
      await f.io.set('k', 'v');
      await f.io.expire('k', 100);
      await f.io.persist('k');
      await f.io.del('k', 'missing');
    });
    expect(got).toEqual([
      'keyspace@0 k: set',
      'keyevent@0 set k',
      'keyspace@0 k: expire',
      'keyevent@0 expire k',
      'keyspace@0 k: persist',
      'keyevent@0 persist k',
      'keyspace@0 k: del',
      'keyevent@0 del k',
    ]);
  });

  it('RENAME fires rename_from then rename_to; events carry the database', async () => {
    await f.io.select(5);
    await f.io.set('src', 'v');
    await f.io.config('SET', 'notify-keyspace-events', 'Eg');
    const got = await during(() => f.io.rename('src', 'dst'));
    await f.io.select(0);
    expect(got).toEqual(['keyevent@5 rename_from src', 'keyevent@5 rename_to dst']);
  });

  it('strings events: INCRBY, APPEND, SETRANGE, INCRBYFLOAT, GETDEL', async () => {
    await f.io.config('SET', 'notify-keyspace-events', 'E$g');
    const got = await during(async () => {
      await f.io.incrby('n', 3);
      await f.io.append('s', 'ab');
      await f.io.setrange('s', 1, 'z');
      await f.io.incrbyfloat('f', 1.5);
      await f.io.getdel('s');
    });
    expect(got).toEqual(['keyevent@0 incrby n', 'keyevent@0 append s', 'keyevent@0 setrange s', 'keyevent@0 incrbyfloat f', 'keyevent@0 del s']);
  });

  it('classes filter: K only keyspace, E only keyevent, a missing class is silent', async () => {
    await f.io.config('SET', 'notify-keyspace-events', 'K$');
    expect(await during(() => f.io.set('a', '1'))).toEqual(['keyspace@0 a: set']);
    expect(await during(() => f.io.del('a'))).toEqual([]);
    await f.io.config('SET', 'notify-keyspace-events', 'g');
    expect(await during(() => f.io.set('b', '1').then(() => f.io.del('b')))).toEqual([]);
  });

  it('keymiss (m) is not part of A; new (n) fires before the command event', async () => {
    expect(await during(() => f.io.get('nope'))).toEqual([]);
    await f.io.config('SET', 'notify-keyspace-events', 'Em');
    expect(await during(() => f.io.get('nope'))).toEqual(['keyevent@0 keymiss nope']);
    await f.io.config('SET', 'notify-keyspace-events', 'E$n');
    expect(await during(() => f.io.set('fresh', '1').then(() => f.io.set('fresh', '2')))).toEqual([
      'keyevent@0 new fresh',
      'keyevent@0 set fresh',
      'keyevent@0 set fresh',
    ]);
    await f.io.config('SET', 'notify-keyspace-events', 'E$');
    expect(await during(() => f.io.set('other', '1'))).toEqual(['keyevent@0 set other']);
  });

  it('lazy expiry on access fires expired, then the keymiss of the lookup', async () => {
    await f.io.config('SET', 'notify-keyspace-events', 'KEAm');
    // Keep the active cycle away so that the access is what expires the key.
    const cycle = jest.spyOn(f.server.keyspace, 'activeExpireCycle').mockImplementation(() => undefined);
    try {
      await f.io.set('lazy', 'v', 'PX', 20);
      await waitFor(() => f.server.keyspace.db(0).isExpired('lazy'), 'the TTL to pass');
      const got = await during(() => f.io.get('lazy'));
      expect(got).toEqual(['keyspace@0 lazy: expired', 'keyevent@0 expired lazy', 'keyspace@0 lazy: keymiss', 'keyevent@0 keymiss lazy']);
    } finally {
      cycle.mockRestore();
    }
  });

  it('the active expiry cycle fires expired without any access', async () => {
    await f.io.config('SET', 'notify-keyspace-events', 'Ex');
    events = [];
    await f.io.set('active', 'v', 'PX', 10);
    await waitFor(() => events.includes('keyevent@0 expired active'), 'the expired event');
    expect(f.server.keyspace.db(0).size).toBe(0);
  });

  it('an empty value turns notifications off', async () => {
    await f.io.config('SET', 'notify-keyspace-events', '');
    expect(await f.io.config('GET', 'notify-keyspace-events')).toEqual(['notify-keyspace-events', '']);
    expect(await during(() => f.io.set('x', '1').then(() => f.io.del('x')))).toEqual([]);
  });
});
