import { useServer } from '../../helpers/fixtures';

describe('keys: SCAN and OBJECT', () => {
  const srv = useServer();

  async function fill(n: number, prefix = 'key:'): Promise<string[]> {
    const keys: string[] = [];
    const p = srv.io.pipeline();
    for (let i = 0; i < n; i++) {
      keys.push(`${prefix}${i}`);
      p.set(`${prefix}${i}`, String(i));
    }
    await p.exec();
    return keys;
  }

  async function scanAll(...opts: string[]): Promise<string[]> {
    const seen: string[] = [];
    let cursor = '0';
    do {
      const [next, keys] = (await srv.io.call('SCAN', cursor, ...opts)) as [string, string[]];
      seen.push(...keys);
      cursor = next;
    } while (cursor !== '0');
    return seen;
  }

  describe('SCAN', () => {
    it('iterates every key exactly once on a stable keyspace', async () => {
      const keys = await fill(500);
      const seen = await scanAll('COUNT', '7');
      expect(seen.length).toBe(500);
      expect(new Set(seen)).toEqual(new Set(keys));
    });

    it('returns every original key while the keyspace grows during the scan', async () => {
      const keys = await fill(300);
      const seen = new Set<string>();
      let cursor = '0';
      let round = 0;
      do {
        const [next, got] = (await srv.io.scan(cursor, 'COUNT', 10)) as [string, string[]];
        got.forEach((k) => seen.add(k));
        cursor = next;
        await fill(5, `new${round++}:`);
      } while (cursor !== '0');
      for (const k of keys) expect(seen).toContain(k);
    });

    it('survives deletions between calls', async () => {
      const keys = await fill(200);
      const seen = new Set<string>();
      let cursor = '0';
      let i = 0;
      do {
        const [next, got] = (await srv.io.scan(cursor, 'COUNT', 15)) as [string, string[]];
        got.forEach((k) => seen.add(k));
        cursor = next;
        await srv.io.del(`key:${i++}`);
      } while (cursor !== '0');
      for (const k of keys.slice(i)) expect(seen).toContain(k);
    });

    it('filters with MATCH and TYPE', async () => {
      await fill(50);
      await fill(5, 'other:');
      expect((await scanAll('MATCH', 'other:*')).sort()).toEqual(['other:0', 'other:1', 'other:2', 'other:3', 'other:4']);
      expect((await scanAll('MATCH', 'key:1?', 'COUNT', '3')).length).toBe(10);
      expect((await scanAll('TYPE', 'string')).length).toBe(55);
      expect((await scanAll('TYPE', 'STRING', 'MATCH', 'other:0')).length).toBe(1);
      expect(await scanAll('TYPE', 'list')).toEqual([]);
      expect(await scanAll('TYPE', 'nosuchtype')).toEqual([]);
    });

    it('skips keys whose TTL has passed', async () => {
      await fill(10);
      const db = srv.server.keyspace.db(0);
      for (let i = 0; i < 5; i++) db.setExpire(`key:${i}`, Date.now() - 1);
      expect((await scanAll()).sort()).toEqual(['key:5', 'key:6', 'key:7', 'key:8', 'key:9']);
    });

    it('answers an empty database with cursor 0', async () => {
      expect(await srv.raw.call('SCAN', '0')).toBe('*2\r\n$1\r\n0\r\n*0\r\n');
      expect(await srv.nr.scan('0')).toEqual({ cursor: '0', keys: [] });
    });

    it('accepts strtoul cursors and rejects the rest', async () => {
      await fill(3);
      expect(await srv.raw.exec('SCAN', '')).toEqual(['0', expect.any(Array)]);
      expect(((await srv.raw.exec('SCAN', '+0')) as unknown[])[0]).toBe('0');
      expect(((await srv.raw.exec('SCAN', '000')) as unknown[])[0]).toBe('0');
      expect(await srv.raw.exec('SCAN', '18446744073709551615')).toEqual(['0', []]);
      for (const bad of ['abc', ' 1', '1 ', '-', '+', '1.5', '18446744073709551616']) {
        expect(await srv.raw.call('SCAN', bad)).toBe('-ERR invalid cursor\r\n');
      }
    });

    it('rejects bad options', async () => {
      expect(await srv.raw.call('SCAN', '0', 'COUNT', '0')).toBe('-ERR syntax error\r\n');
      expect(await srv.raw.call('SCAN', '0', 'COUNT', '-1')).toBe('-ERR syntax error\r\n');
      expect(await srv.raw.call('SCAN', '0', 'COUNT', 'x')).toBe('-ERR value is not an integer or out of range\r\n');
      expect(await srv.raw.call('SCAN', '0', 'COUNT')).toBe('-ERR syntax error\r\n');
      expect(await srv.raw.call('SCAN', '0', 'MATCH')).toBe('-ERR syntax error\r\n');
      expect(await srv.raw.call('SCAN', '0', 'FOO', 'bar')).toBe('-ERR syntax error\r\n');
      expect(await srv.raw.call('SCAN', 'x', 'FOO')).toBe('-ERR invalid cursor\r\n');
      expect(await srv.raw.call('SCAN')).toBe("-ERR wrong number of arguments for 'scan' command\r\n");
    });

    it('returns binary keys intact and matches them', async () => {
      const bin = ['\x00a', 'b\r\n', '\xff\xfe'];
      for (const k of bin) await srv.raw.call('SET', k, '1');
      const [cursor, keys] = (await srv.raw.exec('SCAN', '0', 'COUNT', '100')) as [string, string[]];
      expect(cursor).toBe('0');
      expect(keys.sort()).toEqual([...bin].sort());
      expect(await srv.raw.exec('SCAN', '0', 'MATCH', '\xff*')).toEqual(['0', ['\xff\xfe']]);
    });
  });

  describe('OBJECT', () => {
    it('ENCODING follows the value', async () => {
      await srv.io.set('i', '12345');
      await srv.io.set('e', 'hello');
      await srv.io.set('r', 'x'.repeat(100));
      expect(await srv.io.object('ENCODING', 'i')).toBe('int');
      expect(await srv.io.object('ENCODING', 'e')).toBe('embstr');
      expect(await srv.io.object('ENCODING', 'r')).toBe('raw');
      expect(await srv.io.object('ENCODING', 'missing')).toBeNull();
    });

    it('REFCOUNT: shared integers report INT_MAX, others 1', async () => {
      await srv.io.set('small', '100');
      await srv.io.set('big', '10000');
      await srv.io.set('s', 'abc');
      expect(await srv.io.object('REFCOUNT', 'small')).toBe(2147483647);
      expect(await srv.io.object('REFCOUNT', 'big')).toBe(1);
      expect(await srv.io.object('REFCOUNT', 's')).toBe(1);
      expect(await srv.io.object('REFCOUNT', 'missing')).toBeNull();
    });

    it('IDLETIME counts from the last access, which OBJECT itself does not refresh', async () => {
      await srv.io.set('k', 'v');
      expect(await srv.io.object('IDLETIME', 'k')).toBeLessThanOrEqual(1);
      srv.server.keyspace.db(0).setStamp('k', srv.server.keyspace.stampIdle(100));
      const idle = Number(await srv.io.object('IDLETIME', 'k'));
      expect(idle).toBeGreaterThanOrEqual(100);
      expect(idle).toBeLessThanOrEqual(102);
      expect(Number(await srv.io.object('IDLETIME', 'k'))).toBeGreaterThanOrEqual(100);
      await srv.io.get('k');
      expect(await srv.io.object('IDLETIME', 'k')).toBeLessThanOrEqual(1);
      expect(await srv.io.object('IDLETIME', 'missing')).toBeNull();
    });

    it('FREQ needs an LFU policy', async () => {
      await srv.io.set('k', 'v');
      expect(await srv.raw.call('OBJECT', 'FREQ', 'k')).toBe(
        '-ERR An LFU maxmemory policy is not selected, access frequency not tracked. Please note that when switching between policies at runtime LRU and LFU data will take some time to adjust.\r\n',
      );
      expect(await srv.raw.call('OBJECT', 'FREQ', 'missing')).toBe('$-1\r\n');
    });

    it('HELP lists the subcommands', async () => {
      const help = (await srv.raw.exec('OBJECT', 'HELP')) as { status: string }[];
      expect(help[0]).toEqual({ status: 'OBJECT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:' });
      expect(help.map((h) => h.status)).toEqual(expect.arrayContaining(['ENCODING <key>', 'FREQ <key>', 'IDLETIME <key>', 'REFCOUNT <key>', 'HELP']));
    });

    it('errors like Redis', async () => {
      expect(await srv.raw.call('OBJECT')).toBe("-ERR wrong number of arguments for 'object' command\r\n");
      expect(await srv.raw.call('OBJECT', 'ENCODING')).toBe("-ERR wrong number of arguments for 'object|encoding' command\r\n");
      expect(await srv.raw.call('OBJECT', 'HELP', 'x')).toBe("-ERR wrong number of arguments for 'object|help' command\r\n");
      expect(await srv.raw.call('OBJECT', 'NOPE', 'k')).toBe("-ERR unknown subcommand 'NOPE'. Try OBJECT HELP.\r\n");
    });

    it('works on binary keys', async () => {
      await srv.raw.call('SET', '\x00\r\n\xff', '7');
      expect(await srv.raw.call('OBJECT', 'ENCODING', '\x00\r\n\xff')).toBe('$3\r\nint\r\n');
      expect(await srv.raw.call('OBJECT', 'REFCOUNT', '\x00\r\n\xff')).toBe(':2147483647\r\n');
      expect(await srv.raw.call('OBJECT', 'IDLETIME', '\x00\r\n\xff')).toMatch(/^:[01]\r\n$/);
    });
  });
});
