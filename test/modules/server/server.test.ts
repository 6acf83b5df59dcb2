import { useServer } from '../../helpers/fixtures';
import { RawClient } from '../../helpers/raw-client';
import { startTestServer } from '../../helpers/server';

function infoFields(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of text.split('\r\n')) {
    const i = line.indexOf(':');
    if (i > 0 && !line.startsWith('#')) out.set(line.slice(0, i), line.slice(i + 1));
  }
  return out;
}

describe('server module', () => {
  const srv = useServer();

  it('FLUSHDB empties only the current database, FLUSHALL all of them, and both count as writes', async () => {
    await srv.io.set('a', '1');
    await srv.io.select(1);
    await srv.io.set('b', '2');
    await srv.io.set('c', '3');
    expect(await srv.io.dbsize()).toBe(2);
    const dirty = srv.server.keyspace.stats.dirty;
    expect(await srv.io.flushdb()).toBe('OK');
    expect(srv.server.keyspace.stats.dirty).toBe(dirty + 2);
    expect(await srv.io.dbsize()).toBe(0);
    await srv.io.select(0);
    expect(await srv.io.dbsize()).toBe(1);
    await srv.io.select(1);
    await srv.io.set('b', '2');
    expect(await srv.io.call('FLUSHALL', 'ASYNC')).toBe('OK');
    // FLUSHALL counts the keys it removed (one per database here) plus one.
    expect(srv.server.keyspace.stats.dirty).toBe(dirty + 2 + 1 + 3);
    expect(await srv.io.dbsize()).toBe(0);
    await srv.io.select(0);
    expect(await srv.io.dbsize()).toBe(0);
  });

  it('tells flush listeners which database was emptied', async () => {
    const seen: number[] = [];
    srv.server.hooks.onFlush((db) => seen.push(db));
    await srv.io.flushdb();
    await srv.io.flushall();
    expect(seen).toEqual([0, -1]);
  });

  it('TIME returns seconds and microseconds as bulk strings', async () => {
    const [sec, usec] = (await srv.io.time()) as unknown as [string, string];
    expect(Math.abs(Number(sec) - Date.now() / 1000)).toBeLessThan(60);
    expect(Number(usec)).toBeGreaterThanOrEqual(0);
    expect(Number(usec)).toBeLessThan(1e6);
    expect(await srv.raw.call('TIME')).toMatch(/^\*2\r\n\$\d+\r\n\d+\r\n\$\d+\r\n\d+\r\n$/);
  });

  it('INFO default has Redis section headers and field names, and a keyspace line per used database', async () => {
    await srv.io.set('k', 'v');
    await srv.io.set('t', 'v', 'EX', 100);
    const text = await srv.io.info();
    for (const h of ['# Server', '# Clients', '# Memory', '# Persistence', '# Stats', '# CPU', '# Errorstats', '# Keyspace']) {
      expect(text).toContain(`${h}\r\n`);
    }
    expect(text).not.toContain('# Commandstats');
    const f = infoFields(text);
    expect(f.get('redis_version')).toBe('7.0.15');
    expect(f.get('tcp_port')).toBe(String(srv.port));
    expect(Number(f.get('connected_clients'))).toBeGreaterThanOrEqual(2);
    expect(Number(f.get('used_memory'))).toBeGreaterThan(0);
    expect(f.get('used_memory_human')).toMatch(/^\d+(\.\d\d[KMGTP])?B?$/);
    expect(f.get('loading')).toBe('0');
    expect(f.get('db0')).toMatch(/^keys=2,expires=1,avg_ttl=\d+$/);
    expect(Number(f.get('db0')!.split('avg_ttl=')[1])).toBeGreaterThan(90000);
  });

  it('INFO with sections: only those, in Redis order; unknown sections give an empty string', async () => {
    const text = await srv.io.info('keyspace', 'server');
    expect(text.startsWith('# Server\r\n')).toBe(true);
    expect(text.indexOf('# Keyspace')).toBeGreaterThan(0);
    expect(text).not.toContain('# Clients');
    expect(await srv.io.info('nosuchsection')).toBe('');
    const all = await srv.io.call('INFO', 'everything');
    expect(all).toContain('# Commandstats\r\n');
    expect(await srv.raw.call('INFO', 'nosuch')).toBe('$0\r\n\r\n');
  });

  it('INFO commandstats and errorstats count calls, failures and rejections; CONFIG RESETSTAT clears them', async () => {
    await srv.io.call('CONFIG', 'RESETSTAT');
    await srv.io.set('x', '1');
    await srv.io.get('x');
    await srv.io.get('x');
    await expect(srv.io.call('GET')).rejects.toThrow("ERR wrong number of arguments for 'get' command");
    await expect(srv.io.call('FLUSHALL', 'nope')).rejects.toThrow('ERR syntax error');
    await expect(srv.io.call('NOSUCHCMD')).rejects.toThrow(/unknown command/);
    const f = infoFields(await srv.io.info('commandstats', 'errorstats', 'stats'));
    expect(f.get('cmdstat_get')).toMatch(/^calls=2,usec=\d+,usec_per_call=\d+\.\d\d,rejected_calls=1,failed_calls=0$/);
    expect(f.get('cmdstat_flushall')).toMatch(/^calls=1,usec=\d+,usec_per_call=\d+\.\d\d,rejected_calls=0,failed_calls=1$/);
    expect(f.get('errorstat_ERR')).toBe('count=3');
    expect(f.get('total_error_replies')).toBe('3');
    expect(f.get('keyspace_hits')).toBe('2');
    await srv.io.call('CONFIG', 'RESETSTAT');
    const g = infoFields(await srv.io.info('commandstats', 'errorstats', 'stats'));
    expect(g.has('cmdstat_get')).toBe(false);
    expect(g.has('errorstat_ERR')).toBe(false);
    expect(g.get('keyspace_hits')).toBe('0');
    expect(g.get('total_error_replies')).toBe('0');
  });

  it('INFO is a verbatim string in RESP3', async () => {
    const c = await RawClient.connect(srv.port);
    await c.call('HELLO', '3');
    const r = await c.call('INFO', 'server');
    expect(r).toMatch(/^=\d+\r\ntxt:# Server\r\n/);
    c.close();
  });

  it('CONFIG GET with globs and several patterns; a RESP3 map through node-redis', async () => {
    const r = (await srv.io.call('CONFIG', 'GET', 'max*', 'hz')) as string[];
    const pairs = new Map<string, string>();
    for (let i = 0; i < r.length; i += 2) pairs.set(r[i], r[i + 1]);
    expect(pairs.get('maxclients')).toBe('10000');
    expect(pairs.get('hz')).toBe('10');
    const nr = await srv.nodeRedis({ RESP: 3 });
    expect(await nr.configGet('hz')).toEqual({ hz: '10' });
  });

  it('CONFIG SET applies all pairs or none', async () => {
    await expect(srv.io.call('CONFIG', 'SET', 'hz', '20', 'maxclients', 'x')).rejects.toThrow(
      "ERR CONFIG SET failed (possibly related to argument 'maxclients') - argument couldn't be parsed into an integer",
    );
    expect(await srv.io.call('CONFIG', 'GET', 'hz')).toEqual(['hz', '10']);
    expect(await srv.io.call('CONFIG', 'SET', 'hz', '20', 'maxclients', '500')).toBe('OK');
    expect(srv.server.config.get('hz')).toBe(20);
    expect(srv.server.config.get('maxclients')).toBe(500);
    await srv.io.call('CONFIG', 'SET', 'hz', '10', 'maxclients', '10000');
  });

  it('COMMAND LIST FILTERBY MODULE lists this module, COMMAND INFO reflects the registry', async () => {
    const names = (await srv.io.call('COMMAND', 'LIST', 'FILTERBY', 'MODULE', 'server')) as string[];
    expect(names).toEqual(expect.arrayContaining(['flushall', 'dbsize', 'info', 'config|get', 'command|docs']));
    expect(names).not.toContain('get');
    const info = (await srv.io.call('COMMAND', 'INFO', 'dbsize')) as unknown[][];
    expect(info[0].slice(0, 6)).toEqual(['dbsize', 1, ['readonly', 'fast'], 0, 0, 0]);
    expect(info[0][6]).toEqual(['@keyspace', '@read', '@fast']);
  });

  it('COMMAND GETKEYS finds keys from the key specs', async () => {
    expect(await srv.io.call('COMMAND', 'GETKEYS', 'MSET', 'a', '1', 'b', '2')).toEqual(['a', 'b']);
    expect(await srv.io.call('COMMAND', 'GETKEYSANDFLAGS', 'DEL', 'a')).toEqual([['a', ['RM', 'delete']]]);
    await expect(srv.io.call('COMMAND', 'GETKEYS', 'DBSIZE', 'x')).rejects.toThrow('ERR The command has no key arguments');
  });
});

describe('SHUTDOWN', () => {
  it('stops the server and closes connections (SAVE too, with no persistence module)', async () => {
    const srv = await startTestServer();
    let stopped = false;
    const prev = srv.server.onStopped;
    srv.server.onStopped = () => {
      stopped = true;
      prev?.();
    };
    const c = await RawClient.connect(srv.port);
    const other = await RawClient.connect(srv.port);
    expect(await c.call('SHUTDOWN', 'ABORT')).toBe('-ERR No shutdown in progress.\r\n');
    c.write('*2\r\n$8\r\nSHUTDOWN\r\n$4\r\nSAVE\r\n');
    await c.waitClosed();
    await other.waitClosed();
    expect(stopped).toBe(true);
    expect(c.unread).toBe('');
    await srv.close();
  });
});
