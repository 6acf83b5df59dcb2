import { useServer } from '../../helpers/fixtures';

const BINARY = ['\x00', 'a\r\nb', '\xff\xfe', 'k\x00\r\n\xff'];

describe('keys: DEL, UNLINK, EXISTS, TOUCH, TYPE, KEYS, RANDOMKEY', () => {
  const srv = useServer();

  it('DEL counts only existing keys, once each', async () => {
    await srv.io.set('a', '1');
    await srv.io.set('b', '2');
    expect(await srv.io.del('a', 'a', 'b', 'missing')).toBe(2);
    expect(await srv.io.exists('a', 'b')).toBe(0);
    expect(await srv.io.del('a')).toBe(0);
  });

  it('UNLINK deletes like DEL', async () => {
    await srv.io.set('a', '1');
    expect(await srv.nr.unlink(['a', 'b'])).toBe(1);
    expect(await srv.nr.get('a')).toBeNull();
  });

  it('EXISTS counts repeated keys every time', async () => {
    await srv.io.set('a', '1');
    expect(await srv.io.exists('a', 'a', 'a', 'nope')).toBe(3);
    expect(await srv.nr.exists(['nope'])).toBe(0);
  });

  it('TOUCH counts existing keys', async () => {
    await srv.io.set('a', '1');
    expect(await srv.io.touch('a', 'b', 'a')).toBe(2);
  });

  it('TYPE answers a status reply: string or none', async () => {
    await srv.io.set('s', 'v');
    expect(await srv.raw.call('TYPE', 's')).toBe('+string\r\n');
    expect(await srv.raw.call('TYPE', 'nope')).toBe('+none\r\n');
    expect(await srv.nr.type('s')).toBe('string');
  });

  it('KEYS matches glob patterns', async () => {
    for (const k of ['hello', 'hallo', 'hxllo', 'hllo', 'heeeello', 'a*b']) await srv.io.set(k, '1');
    expect((await srv.io.keys('h?llo')).sort()).toEqual(['hallo', 'hello', 'hxllo']);
    expect((await srv.io.keys('h*llo')).sort()).toEqual(['hallo', 'heeeello', 'hello', 'hllo', 'hxllo']);
    expect((await srv.io.keys('h[ae]llo')).sort()).toEqual(['hallo', 'hello']);
    expect((await srv.io.keys('h[^e]llo')).sort()).toEqual(['hallo', 'hxllo']);
    expect(await srv.io.keys('a\\*b')).toEqual(['a*b']);
    expect((await srv.io.keys('*')).length).toBe(6);
    expect(await srv.io.keys('zzz*')).toEqual([]);
  });

  it('KEYS leaves out keys whose TTL has passed', async () => {
    await srv.io.set('live', '1');
    await srv.io.set('dead', '1');
    srv.server.keyspace.db(0).setExpire('dead', Date.now() - 1);
    expect(await srv.io.keys('*')).toEqual(['live']);
  });

  it('RANDOMKEY returns null on an empty database and a key otherwise', async () => {
    expect(await srv.io.randomkey()).toBeNull();
    await srv.io.set('only', '1');
    expect(await srv.io.randomkey()).toBe('only');
    await srv.io.set('other', '1');
    for (let i = 0; i < 10; i++) expect(['only', 'other']).toContain(await srv.io.randomkey());
  });

  it('RANDOMKEY never returns an expired key', async () => {
    await srv.io.set('live', '1');
    for (let i = 0; i < 50; i++) await srv.io.set(`dead${i}`, '1');
    const db = srv.server.keyspace.db(0);
    for (let i = 0; i < 50; i++) db.setExpire(`dead${i}`, Date.now() - 1);
    for (let i = 0; i < 5; i++) expect(await srv.io.randomkey()).toBe('live');
  });

  it('read lookups count keyspace hits and misses and report keymiss; OBJECT does not report', async () => {
    const misses: string[] = [];
    srv.server.hooks.onKeyspaceEvent((cls, event, key) => {
      if (event === 'keymiss') misses.push(key);
    });
    await srv.io.set('k', 'v');
    const stats = srv.server.keyspace.stats;
    const hits = stats.keyspaceHits;
    const missed = stats.keyspaceMisses;
    await srv.io.exists('k', 'm1');
    await srv.io.type('m2');
    await srv.io.ttl('k');
    await srv.io.touch('m3');
    await srv.io.object('ENCODING', 'm4');
    expect(stats.keyspaceHits - hits).toBe(2);
    expect(stats.keyspaceMisses - missed).toBe(4);
    expect(misses).toEqual(['m1', 'm2', 'm3']);
  });

  it('reports arity errors with Redis texts', async () => {
    expect(await srv.raw.call('DEL')).toBe("-ERR wrong number of arguments for 'del' command\r\n");
    expect(await srv.raw.call('EXISTS')).toBe("-ERR wrong number of arguments for 'exists' command\r\n");
    expect(await srv.raw.call('TYPE', 'a', 'b')).toBe("-ERR wrong number of arguments for 'type' command\r\n");
    expect(await srv.raw.call('KEYS')).toBe("-ERR wrong number of arguments for 'keys' command\r\n");
    expect(await srv.raw.call('RANDOMKEY', 'x')).toBe("-ERR wrong number of arguments for 'randomkey' command\r\n");
    expect(await srv.raw.call('TOUCH')).toBe("-ERR wrong number of arguments for 'touch' command\r\n");
  });

  it('handles binary keys in DEL, EXISTS, TYPE, TOUCH and KEYS', async () => {
    for (const k of BINARY) expect(await srv.raw.call('SET', k, k)).toBe('+OK\r\n');
    expect(await srv.raw.call('EXISTS', ...BINARY)).toBe(`:${BINARY.length}\r\n`);
    expect(await srv.raw.call('TOUCH', ...BINARY)).toBe(`:${BINARY.length}\r\n`);
    for (const k of BINARY) expect(await srv.raw.call('TYPE', k)).toBe('+string\r\n');
    const all = (await srv.raw.exec('KEYS', '*')) as string[];
    expect(all.sort()).toEqual([...BINARY].sort());
    expect(await srv.raw.exec('KEYS', 'k\x00*')).toEqual(['k\x00\r\n\xff']);
    expect(await srv.raw.exec('KEYS', '?')).toEqual(['\x00']);
    expect(await srv.raw.call('DEL', ...BINARY)).toBe(`:${BINARY.length}\r\n`);
    expect(await srv.raw.call('EXISTS', ...BINARY)).toBe(':0\r\n');
  });
});
