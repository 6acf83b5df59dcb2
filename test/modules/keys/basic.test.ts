import Redis from 'ioredis';
import { createClient } from 'redis';
import type { Ferrous } from '../../../kernel/bootstrap';
import { RawClient } from '../../helpers/raw-client';
import { startTestServer } from '../../helpers/server';

const BINARY = ['\x00', 'a\r\nb', '\xff\xfe', 'k\x00\r\n\xff'];

describe('keys: DEL, UNLINK, EXISTS, TOUCH, TYPE, KEYS, RANDOMKEY', () => {
  let srv: Ferrous;
  let io: Redis;
  let raw: RawClient;
  let nr: ReturnType<typeof createClient>;

  beforeAll(async () => {
    srv = await startTestServer();
    io = new Redis(srv.port, { enableReadyCheck: false });
    raw = await RawClient.connect(srv.port);
    nr = createClient({ socket: { port: srv.port } });
    await nr.connect();
  });
  afterAll(async () => {
    io.disconnect();
    raw.close();
    await nr.close();
    await srv.close();
  });
  beforeEach(async () => {
    await io.flushall();
  });

  it('DEL counts only existing keys, once each', async () => {
    await io.set('a', '1');
    await io.set('b', '2');
    expect(await io.del('a', 'a', 'b', 'missing')).toBe(2);
    expect(await io.exists('a', 'b')).toBe(0);
    expect(await io.del('a')).toBe(0);
  });

  it('UNLINK deletes like DEL', async () => {
    await io.set('a', '1');
    expect(await nr.unlink(['a', 'b'])).toBe(1);
    expect(await nr.get('a')).toBeNull();
  });

  it('EXISTS counts repeated keys every time', async () => {
    await io.set('a', '1');
    expect(await io.exists('a', 'a', 'a', 'nope')).toBe(3);
    expect(await nr.exists(['nope'])).toBe(0);
  });

  it('TOUCH counts existing keys', async () => {
    await io.set('a', '1');
    expect(await io.touch('a', 'b', 'a')).toBe(2);
  });

  it('TYPE answers a status reply: string or none', async () => {
    await io.set('s', 'v');
    expect(await raw.call('TYPE', 's')).toBe('+string\r\n');
    expect(await raw.call('TYPE', 'nope')).toBe('+none\r\n');
    expect(await nr.type('s')).toBe('string');
  });

  it('KEYS matches glob patterns', async () => {
    for (const k of ['hello', 'hallo', 'hxllo', 'hllo', 'heeeello', 'a*b']) await io.set(k, '1');
    expect((await io.keys('h?llo')).sort()).toEqual(['hallo', 'hello', 'hxllo']);
    expect((await io.keys('h*llo')).sort()).toEqual(['hallo', 'heeeello', 'hello', 'hllo', 'hxllo']);
    expect((await io.keys('h[ae]llo')).sort()).toEqual(['hallo', 'hello']);
    expect((await io.keys('h[^e]llo')).sort()).toEqual(['hallo', 'hxllo']);
    expect(await io.keys('a\\*b')).toEqual(['a*b']);
    expect((await io.keys('*')).length).toBe(6);
    expect(await io.keys('zzz*')).toEqual([]);
  });

  it('KEYS leaves out keys whose TTL has passed', async () => {
    await io.set('live', '1');
    await io.set('dead', '1');
    srv.server.keyspace.db(0).setExpire('dead', Date.now() - 1);
    expect(await io.keys('*')).toEqual(['live']);
  });

  it('RANDOMKEY returns null on an empty database and a key otherwise', async () => {
    expect(await io.randomkey()).toBeNull();
    await io.set('only', '1');
    expect(await io.randomkey()).toBe('only');
    await io.set('other', '1');
    for (let i = 0; i < 10; i++) expect(['only', 'other']).toContain(await io.randomkey());
  });

  it('RANDOMKEY never returns an expired key', async () => {
    await io.set('live', '1');
    for (let i = 0; i < 50; i++) await io.set(`dead${i}`, '1');
    const db = srv.server.keyspace.db(0);
    for (let i = 0; i < 50; i++) db.setExpire(`dead${i}`, Date.now() - 1);
    for (let i = 0; i < 5; i++) expect(await io.randomkey()).toBe('live');
  });

  it('read lookups count keyspace hits and misses and report keymiss; OBJECT does not report', async () => {
    const misses: string[] = [];
    srv.server.hooks.onKeyspaceEvent((cls, event, key) => {
      if (event === 'keymiss') misses.push(key);
    });
    await io.set('k', 'v');
    const stats = srv.server.keyspace.stats;
    const hits = stats.keyspaceHits;
    const missed = stats.keyspaceMisses;
    await io.exists('k', 'm1');
    await io.type('m2');
    await io.ttl('k');
    await io.touch('m3');
    await io.object('ENCODING', 'm4');
    expect(stats.keyspaceHits - hits).toBe(2);
    expect(stats.keyspaceMisses - missed).toBe(4);
    expect(misses).toEqual(['m1', 'm2', 'm3']);
  });

  it('reports arity errors with Redis texts', async () => {
    expect(await raw.call('DEL')).toBe("-ERR wrong number of arguments for 'del' command\r\n");
    expect(await raw.call('EXISTS')).toBe("-ERR wrong number of arguments for 'exists' command\r\n");
    expect(await raw.call('TYPE', 'a', 'b')).toBe("-ERR wrong number of arguments for 'type' command\r\n");
    expect(await raw.call('KEYS')).toBe("-ERR wrong number of arguments for 'keys' command\r\n");
    expect(await raw.call('RANDOMKEY', 'x')).toBe("-ERR wrong number of arguments for 'randomkey' command\r\n");
    expect(await raw.call('TOUCH')).toBe("-ERR wrong number of arguments for 'touch' command\r\n");
  });

  it('handles binary keys in DEL, EXISTS, TYPE, TOUCH and KEYS', async () => {
    for (const k of BINARY) expect(await raw.call('SET', k, k)).toBe('+OK\r\n');
    expect(await raw.call('EXISTS', ...BINARY)).toBe(`:${BINARY.length}\r\n`);
    expect(await raw.call('TOUCH', ...BINARY)).toBe(`:${BINARY.length}\r\n`);
    for (const k of BINARY) expect(await raw.call('TYPE', k)).toBe('+string\r\n');
    const all = (await raw.exec('KEYS', '*')) as string[];
    expect(all.sort()).toEqual([...BINARY].sort());
    expect(await raw.exec('KEYS', 'k\x00*')).toEqual(['k\x00\r\n\xff']);
    expect(await raw.exec('KEYS', '?')).toEqual(['\x00']);
    expect(await raw.call('DEL', ...BINARY)).toBe(`:${BINARY.length}\r\n`);
    expect(await raw.call('EXISTS', ...BINARY)).toBe(':0\r\n');
  });
});
