import * as fs from 'fs';
import Redis from 'ioredis';
import * as net from 'net';
import * as path from 'path';
import type { Ferrous } from '../../../kernel/bootstrap';
import { command, RawClient } from '../../helpers/raw-client';
import { decode } from '../../helpers/resp-reader';
import { caughtUp, field, linkUp, SYNC_TIMEOUT } from '../../helpers/replication';
import { waitFor } from '../../helpers/fixtures';
import { startTestServer } from '../../helpers/server';

const OPTS = { 'repl-diskless-sync-delay': 0, 'enable-debug-command': 'yes' };

async function digest(c: Redis): Promise<string> {
  return String(await c.call('DEBUG', 'DIGEST'));
}

describe('replication between Ferrous servers', () => {
  let m: Ferrous;
  let r: Ferrous;
  let mc: Redis;
  let rc: Redis;

  beforeEach(async () => {
    m = await startTestServer(OPTS);
    r = await startTestServer(OPTS);
    mc = new Redis(m.port, { lazyConnect: true });
    rc = new Redis(r.port, { lazyConnect: true });
  });
  afterEach(async () => {
    mc.disconnect();
    rc.disconnect();
    await r.stop();
    await m.stop();
  });

  async function fill(c: Redis): Promise<void> {
    await c.set('s', 'v\x00\xff');
    await c.rpush('l', 'a', 'b', 'c');
    await c.sadd('set', '1', '2', 'x');
    await c.zadd('z', '1.5', 'a', '2', 'b');
    await c.hset('h', 'f', 'v');
    await c.set('ttl', 'x', 'EX', 1000);
    await c.pfadd('hll', 'a', 'b');
    await c.xadd('st', '*', 'f', 'v');
    await c.xgroup('CREATE', 'st', 'grp', '0');
    await c.select(5);
    await c.set('in5', '1');
    await c.select(0);
  }

  it('full sync of every type, then the live stream (MULTI, scripts, SELECT, expiry) applied in order', async () => {
    await fill(mc);
    expect(await rc.replicaof('127.0.0.1', String(m.port))).toBe('OK');
    await linkUp(rc);
    await caughtUp(mc, rc);
    expect(await digest(rc)).toBe(await digest(mc));
    expect(await rc.ttl('ttl')).toBeGreaterThan(990);
    // Live writes of every kind.
    await mc.multi().incr('n').lpush('l', 'z').exec();
    await mc.eval("redis.call('set', KEYS[1], 'lua'); redis.call('spop', 'set')", 1, 'fromlua');
    await mc.select(7);
    await mc.set('in7', 'x');
    await mc.select(0);
    await mc.expire('s', 100);
    await mc.incrbyfloat('f', '1.5');
    await caughtUp(mc, rc);
    expect(await digest(rc)).toBe(await digest(mc));
    expect(await rc.get('fromlua')).toBe('lua');
    const info = await mc.info('replication');
    expect(field(info, 'connected_slaves')).toBe('1');
    expect(field(info, 'slave0')).toMatch(new RegExp(`^ip=127\\.0\\.0\\.1,port=${r.port},state=online,offset=\\d+,lag=\\d+$`));
    expect(field(await mc.info('stats'), 'sync_full')).toBe('1');
    // The links as CLIENT LIST shows them.
    expect(String(await rc.call('CLIENT', 'LIST', 'TYPE', 'master'))).toMatch(/flags=M /);
    expect(String(await mc.call('CLIENT', 'LIST', 'TYPE', 'replica'))).toMatch(/flags=S /);
  });

  it('refuses writes on a read-only replica, allows them with replica-read-only no, and hides expired keys it may not delete', async () => {
    await rc.replicaof('127.0.0.1', String(m.port));
    await linkUp(rc);
    await expect(rc.set('k', 'v')).rejects.toThrow("READONLY You can't write against a read only replica.");
    await expect(rc.eval("return redis.call('set', 'k', 'v')", 0)).rejects.toThrow('READONLY');
    await expect(rc.multi().set('k', 'v').exec()).rejects.toThrow('EXECABORT');
    expect(await rc.get('missing')).toBeNull();
    // Expiry: the master decides; the replica hides the key meanwhile.
    await mc.call('DEBUG', 'SET-ACTIVE-EXPIRE', '0');
    await mc.set('short', 'v', 'PX', 50);
    await caughtUp(mc, rc);
    await new Promise((res) => setTimeout(res, 100));
    expect(await rc.get('short')).toBeNull();
    expect(await rc.dbsize()).toBe(1);
    expect(await mc.get('short')).toBeNull();
    await caughtUp(mc, rc);
    expect(await rc.dbsize()).toBe(0);
    await rc.config('SET', 'replica-read-only', 'no');
    expect(await rc.set('local', 'v')).toBe('OK');
  });

  it('a replica over maxmemory evicts nothing unless replica-ignore-maxmemory is no: its master decides', async () => {
    await rc.config('SET', 'maxmemory-policy', 'allkeys-random');
    await rc.replicaof('127.0.0.1', String(m.port));
    await linkUp(rc);
    await rc.config('SET', 'maxmemory', '1');
    for (let i = 0; i < 50; i++) await mc.set(`k${i}`, 'v'.repeat(100));
    await caughtUp(mc, rc);
    expect(await rc.get('k0')).toBe('v'.repeat(100));
    expect(await rc.dbsize()).toBe(50);
    await rc.config('SET', 'replica-ignore-maxmemory', 'no');
    await rc.get('k0');
    expect(await rc.dbsize()).toBeLessThan(50);
  });

  it('resumes with a partial resync after the link is killed, and counts it', async () => {
    await fill(mc);
    await rc.replicaof('127.0.0.1', String(m.port));
    await linkUp(rc);
    expect(await rc.client('KILL', 'TYPE', 'master')).toBe(1);
    await mc.set('while-down', '1');
    await mc.rpush('l', 'more');
    await linkUp(rc);
    await caughtUp(mc, rc);
    expect(await rc.get('while-down')).toBe('1');
    expect(await digest(rc)).toBe(await digest(mc));
    const stats = await mc.info('stats');
    expect(field(stats, 'sync_full')).toBe('1');
    expect(field(stats, 'sync_partial_ok')).toBe('1');
    // From the master's side too.
    expect(await mc.client('KILL', 'TYPE', 'replica')).toBe(1);
    await mc.set('after-kill', '1');
    await waitFor(async () => field(await mc.info('stats'), 'sync_partial_ok') === '2', 'the second partial resync', SYNC_TIMEOUT);
    await caughtUp(mc, rc);
    expect(await rc.get('after-kill')).toBe('1');
  });

  it('sends the image length-prefixed with repl-diskless-sync no, and saves it as the data file as a BGSAVE would', async () => {
    const dir = String(((await mc.config('GET', 'dir')) as string[])[1]);
    const dump = path.join(dir, String(((await mc.config('GET', 'dbfilename')) as string[])[1]));
    fs.rmSync(dump, { force: true });
    await mc.config('SET', 'repl-diskless-sync', 'no');
    await fill(mc);
    expect(Number(field(await mc.info('persistence'), 'rdb_changes_since_last_save'))).toBeGreaterThan(0);
    await rc.replicaof('127.0.0.1', String(m.port));
    await linkUp(rc);
    // Redis's disk-backed sync is a BGSAVE of dbfilename: the file, LASTSAVE and the dirty count follow it.
    expect(fs.readFileSync(dump).subarray(0, 9).toString()).toBe('REDIS0010');
    expect(field(await mc.info('persistence'), 'rdb_changes_since_last_save')).toBe('0');
    expect(fs.readdirSync(dir).filter((n) => n.startsWith('temp-'))).toEqual([]);
    await mc.set('live', '1');
    await caughtUp(mc, rc);
    expect(await digest(rc)).toBe(await digest(mc));
    expect(await rc.dbsize()).toBe(await mc.dbsize());
  });

  it('repl-diskless-load: disabled stores the image in the data file; a replica with data keeps it until the new image is in', async () => {
    const dir = String(((await rc.config('GET', 'dir')) as string[])[1]);
    const dump = path.join(dir, 'dump.rdb');
    const temps = () => fs.readdirSync(dir).filter((n) => n.startsWith('temp-'));
    await fill(mc);
    await rc.replicaof('127.0.0.1', String(m.port));
    await linkUp(rc);
    await caughtUp(mc, rc);
    expect(await digest(rc)).toBe(await digest(mc));
    // As Redis's disk load: the received image becomes the data file (renamed once synced).
    await waitFor(() => fs.existsSync(dump), 'the data file', SYNC_TIMEOUT);
    expect(fs.readFileSync(dump).subarray(0, 9).toString()).toBe('REDIS0010');
    await waitFor(() => temps().length === 0, 'the temporary file to go');
    fs.rmSync(dump);

    // A replica with data of its own, out of the master's backlog: the next sync is a full one.
    for (const mode of ['swapdb', 'on-empty-db']) {
      await rc.replicaof('NO', 'ONE');
      await rc.config('SET', 'repl-diskless-load', mode);
      await rc.set('local', mode);
      await mc.config('SET', 'repl-backlog-size', '16384');
      await mc.set('filler', 'x'.repeat(40000));
      await mc.set('mode', mode);
      await rc.replicaof('127.0.0.1', String(m.port));
      await linkUp(rc);
      await caughtUp(mc, rc);
      expect(await rc.get('local')).toBeNull();
      expect(await rc.get('mode')).toBe(mode);
      expect(await digest(rc)).toBe(await digest(mc));
    }
    // on-empty-db with data loads from disk as Redis does; swapdb never writes the file.
    await waitFor(() => fs.existsSync(dump) && temps().length === 0, 'the data file');
    expect(field(await mc.info('stats'), 'sync_full')).toBe('3');

    // An empty replica with on-empty-db loads from the socket only.
    fs.rmSync(dump);
    await rc.replicaof('NO', 'ONE');
    await rc.flushall();
    await mc.set('filler', 'y'.repeat(40000));
    await rc.replicaof('127.0.0.1', String(m.port));
    await linkUp(rc);
    await caughtUp(mc, rc);
    expect(await digest(rc)).toBe(await digest(mc));
    await new Promise((res) => setTimeout(res, 200));
    expect(fs.existsSync(dump)).toBe(false);
    expect(temps()).toEqual([]);
    await expect(rc.config('SET', 'repl-diskless-load', 'sometimes')).rejects.toThrow("ERR CONFIG SET failed (possibly related to argument 'repl-diskless-load')");
  }, 60000);

  it('MEMORY STATS and INFO memory show the backlog once a replica created it, and follow repl-backlog-size', async () => {
    const backlog = async (c: Redis): Promise<number> => {
      const stats = (await c.call('MEMORY', 'STATS')) as unknown[];
      const at = stats.indexOf('replication.backlog');
      expect(Number(field(await c.info('memory'), 'mem_replication_backlog'))).toBe(stats[at + 1]);
      return stats[at + 1] as number;
    };
    expect(await backlog(mc)).toBe(0);
    await rc.replicaof('127.0.0.1', String(m.port));
    await linkUp(rc);
    expect(await backlog(mc)).toBe(1024 * 1024);
    // A replica keeps one too, for its own replicas.
    expect(await backlog(rc)).toBe(1024 * 1024);
    await mc.config('SET', 'repl-backlog-size', '2mb');
    expect(await backlog(mc)).toBe(2 * 1024 * 1024);
    await mc.config('SET', 'repl-backlog-size', '1');
    expect(await backlog(mc)).toBe(16 * 1024);
  });

  it('answers ROLE on both sides, and WAIT counts the replicas that acknowledged', async () => {
    expect(await mc.role()).toEqual(['master', 0, []]);
    await rc.replicaof('127.0.0.1', String(m.port));
    await linkUp(rc);
    await mc.set('k', 'v');
    expect(await mc.call('WAIT', '1', '5000')).toBe(1);
    expect(await mc.call('WAIT', '2', '100')).toBe(1);
    expect(await mc.call('WAIT', '0', '0')).toBe(1);
    // After a transaction and a script, WAIT waits for their writes (the client's own offset).
    await mc.multi().set('t1', '1').incr('t2').exec();
    expect(await mc.call('WAIT', '1', '5000')).toBe(1);
    await mc.eval("redis.call('set', 'e1', '1')", 0);
    expect(await mc.call('WAIT', '1', '5000')).toBe(1);
    expect(await rc.get('e1')).toBe('1');
    // A client that never wrote waits for nothing.
    const idle = new Redis(m.port);
    expect(await idle.call('WAIT', '1', '0')).toBe(1);
    idle.disconnect();
    const role = (await mc.role()) as unknown[];
    expect(role[0]).toBe('master');
    expect(role[2]).toEqual([['127.0.0.1', String(r.port), expect.stringMatching(/^\d+$/)]]);
    const rrole = (await rc.role()) as unknown[];
    expect(rrole.slice(0, 4)).toEqual(['slave', '127.0.0.1', m.port, 'connected']);
    expect(typeof rrole[4]).toBe('number');
    await expect(rc.call('WAIT', '1', '0')).rejects.toThrow('ERR WAIT cannot be used with replica instances');
  });

  it('refuses writes with NOREPLICAS under min-replicas-to-write, and serves -MASTERDOWN with replica-serve-stale-data no', async () => {
    await mc.config('SET', 'min-replicas-to-write', '1');
    await expect(mc.set('k', 'v')).rejects.toThrow('NOREPLICAS Not enough good replicas to write.');
    expect(await mc.get('k')).toBeNull();
    await rc.replicaof('127.0.0.1', String(m.port));
    await linkUp(rc);
    await waitFor(async () => field(await mc.info('replication'), 'min_slaves_good_slaves') === '1', 'a good replica', SYNC_TIMEOUT);
    expect(await mc.set('k', 'v')).toBe('OK');
    await rc.config('SET', 'replica-serve-stale-data', 'no');
    await rc.replicaof('127.0.0.1', '1');
    await expect(rc.get('k')).rejects.toThrow("MASTERDOWN Link with MASTER is down and replica-serve-stale-data is set to 'no'.");
    // PING has no STALE flag either; INFO has.
    await expect(rc.ping()).rejects.toThrow('MASTERDOWN');
    expect(field(await rc.info('replication'), 'master_link_status')).toBe('down');
  });

  it('authenticates with masterauth (and masteruser), and retries until it can', async () => {
    await mc.config('SET', 'requirepass', 'secret');
    await mc.auth('secret');
    await mc.set('k', 'v');
    await rc.replicaof('127.0.0.1', String(m.port));
    await new Promise((res) => setTimeout(res, 300));
    expect(field(await rc.info('replication'), 'master_link_status')).toBe('down');
    await rc.config('SET', 'masterauth', 'secret');
    await linkUp(rc);
    await caughtUp(mc, rc);
    expect(await rc.get('k')).toBe('v');
    await mc.call('ACL', 'SETUSER', 'repl', 'on', '>pw', '+@all', '~*');
    await rc.config('SET', 'masteruser', 'repl');
    await rc.config('SET', 'masterauth', 'pw');
    expect(await rc.client('KILL', 'TYPE', 'master')).toBe(1);
    await mc.set('k2', 'v2');
    await waitFor(async () => field(await mc.info('stats'), 'sync_partial_ok') === '1', 'the partial resync as user repl', SYNC_TIMEOUT);
    await caughtUp(mc, rc);
    expect(await rc.get('k2')).toBe('v2');
  });

  it('survives a replica that goes away during its full sync: the next one completes while writes go on, and loads in slices', async () => {
    await mc.call('DEBUG', 'POPULATE', '200000');
    await rc.replicaof('127.0.0.1', String(m.port));
    await waitFor(async () => /state=send_bulk/.test(field(await mc.info('replication'), 'slave0')), 'the transfer', 20000);
    expect(await mc.client('KILL', 'TYPE', 'replica')).toBe(1);
    await mc.set('during', '1');
    // The image loads in slices: the replica answers meanwhile, -LOADING to what needs the data.
    let loadingSeen = false;
    await waitFor(async () => {
      const got = await rc.get('key:1').catch((e: Error) => e.message);
      if (got === 'LOADING Redis is loading the dataset in memory') loadingSeen = true;
      return field(await rc.info('replication'), 'master_link_status') === 'up';
    }, 'the load', 30000);
    await mc.set('after', '1');
    await caughtUp(mc, rc);
    expect(await rc.dbsize()).toBe(200002);
    expect(loadingSeen).toBe(true);
    expect(await digest(rc)).toBe(await digest(mc));
    expect(field(await mc.info('stats'), 'sync_full')).toBe('2');
  }, 60000);

  it('refuses bad input with Redis errors', async () => {
    const raw = await RawClient.connect(m.port);
    try {
      expect(await raw.call('REPLCONF', 'foo', 'bar')).toBe('-ERR Unrecognized REPLCONF option: foo\r\n');
      expect(await raw.call('REPLCONF', 'listening-port')).toBe('-ERR syntax error\r\n');
      expect(await raw.call('REPLCONF', 'listening-port', 'x')).toBe('-ERR value is not an integer or out of range\r\n');
      expect(await raw.call('REPLCONF')).toBe('+OK\r\n');
      expect(await raw.call('REPLCONF', 'capa', 'whatever')).toBe('+OK\r\n');
      expect(await raw.call('PSYNC', '?')).toBe("-ERR wrong number of arguments for 'psync' command\r\n");
      expect(await raw.call('PSYNC', '?', 'abc')).toBe('-ERR value is not an integer or out of range\r\n');
      expect(await raw.call('SYNC', 'x')).toBe("-ERR wrong number of arguments for 'sync' command\r\n");
      expect(await raw.call('REPLICAOF', 'host', 'abc')).toBe('-ERR Invalid master port\r\n');
      expect(await raw.call('REPLICAOF', 'host', '70000')).toBe('-ERR Invalid master port\r\n');
      expect(await raw.call('REPLICAOF', 'host')).toBe("-ERR wrong number of arguments for 'replicaof' command\r\n");
      expect(await raw.call('REPLICAOF', 'NO', 'ONE')).toBe('+OK\r\n');
      expect(await raw.call('WAIT', 'x', '0')).toBe('-ERR value is not an integer or out of range\r\n');
      expect(await raw.call('WAIT', '1', '-1')).toBe('-ERR timeout is negative\r\n');
      expect(await raw.call('WAIT', '1', '1.5')).toBe('-ERR timeout is not an integer or out of range\r\n');
      expect(await raw.call('ROLE', 'x')).toBe("-ERR wrong number of arguments for 'role' command\r\n");
      // A replica without a link to its master does not serve a sync.
      expect(await raw.call('REPLICAOF', '127.0.0.1', '1')).toBe('+OK\r\n');
      expect(await raw.call('PSYNC', '?', '-1')).toBe("-NOMASTERLINK Can't SYNC while not connected with my master\r\n");
      expect(await raw.call('REPLICAOF', '127.0.0.1', '1')).toBe('+OK Already connected to specified master\r\n');
      expect(await raw.call('REPLICAOF', 'no', 'one')).toBe('+OK\r\n');
      expect(await raw.call('SET', 'k', 'v')).toBe('+OK\r\n');
    } finally {
      raw.close();
    }
  });
});

describe('PSYNC2 between Ferrous servers: chains and promotion', () => {
  const servers: Ferrous[] = [];
  const clients: Redis[] = [];

  afterEach(async () => {
    for (const c of clients.splice(0)) c.disconnect();
    for (const s of servers.splice(0).reverse()) await s.stop();
  });

  async function start(): Promise<[Ferrous, Redis]> {
    const s = await startTestServer(OPTS);
    const c = new Redis(s.port, { lazyConnect: true });
    servers.push(s);
    clients.push(c);
    return [s, c];
  }

  it('forwards the stream byte for byte down a chain, and after REPLICAOF NO ONE the others resync partially from the promoted one', async () => {
    const [m, mc] = await start();
    const [r, rc] = await start();
    const [, sc] = await start();
    await mc.set('a', '1');
    await rc.replicaof('127.0.0.1', String(m.port));
    await linkUp(rc);
    await sc.replicaof('127.0.0.1', String(r.port));
    await linkUp(sc);
    await mc.multi().set('b', '2').incr('c').exec();
    await mc.select(3);
    await mc.set('d', '4');
    await mc.select(0);
    await caughtUp(mc, rc, sc);
    expect(await digest(sc)).toBe(await digest(mc));
    const ids = field(await mc.info('replication'), 'master_replid');
    expect(field(await sc.info('replication'), 'master_replid')).toBe(ids);
    // Promote the middle one: the sub-replica stays, the old master follows it.
    expect(await rc.replicaof('NO', 'ONE')).toBe('OK');
    const promoted = await rc.info('replication');
    expect(field(promoted, 'role')).toBe('master');
    expect(field(promoted, 'master_replid2')).toBe(ids);
    expect(field(promoted, 'second_repl_offset')).toBe(String(Number(field(promoted, 'master_repl_offset')) + 1));
    await rc.set('new', 'history');
    await mc.replicaof('127.0.0.1', String(r.port));
    await linkUp(mc);
    await linkUp(sc);
    await caughtUp(rc, mc, sc);
    expect(await mc.get('new')).toBe('history');
    expect(await sc.get('new')).toBe('history');
    const stats = await rc.info('stats');
    expect(field(stats, 'sync_full')).toBe('1');
    expect(field(stats, 'sync_partial_ok')).toBe('2');
    expect(await digest(mc)).toBe(await digest(rc));
  });
});

describe('FAILOVER between Ferrous servers', () => {
  let m: Ferrous;
  let r: Ferrous;
  let mc: Redis;
  let rc: Redis;

  beforeEach(async () => {
    m = await startTestServer(OPTS);
    r = await startTestServer(OPTS);
    mc = new Redis(m.port);
    rc = new Redis(r.port);
  });
  afterEach(async () => {
    mc.disconnect();
    rc.disconnect();
    await r.stop();
    await m.stop();
  });

  it('checks its arguments and state with Redis errors', async () => {
    await expect(mc.call('FAILOVER')).rejects.toThrow('ERR FAILOVER requires connected replicas.');
    await expect(mc.call('FAILOVER', 'ABORT')).rejects.toThrow('ERR No failover in progress.');
    await expect(mc.call('FAILOVER', 'TIMEOUT', '0')).rejects.toThrow('ERR FAILOVER timeout must be greater than 0');
    await expect(mc.call('FAILOVER', 'TIMEOUT', 'x')).rejects.toThrow('ERR value is not an integer or out of range');
    await expect(mc.call('FAILOVER', 'TO', 'h', 'x')).rejects.toThrow('ERR value is not an integer or out of range');
    await expect(mc.call('FAILOVER', 'bogus')).rejects.toThrow('ERR syntax error');
    await expect(mc.call('FAILOVER', 'ABORT', 'TIMEOUT', '10')).rejects.toThrow('ERR syntax error');
    await rc.replicaof('127.0.0.1', String(m.port));
    await linkUp(rc);
    await expect(mc.call('FAILOVER', 'FORCE')).rejects.toThrow('ERR FAILOVER with force option requires both a timeout and target HOST and IP.');
    await expect(mc.call('FAILOVER', 'TO', '127.0.0.1', '1')).rejects.toThrow('ERR FAILOVER target HOST and PORT is not a replica.');
    await expect(rc.call('FAILOVER')).rejects.toThrow('ERR FAILOVER is not valid when server is a replica.');
  });

  it('hands over to the replica once it caught up: the old master follows it with a partial resync', async () => {
    await rc.replicaof('127.0.0.1', String(m.port));
    await linkUp(rc);
    await mc.set('before', '1');
    // One write: the replica's acknowledgement cannot end the failover between these three.
    const during = await mc.pipeline().call('FAILOVER', 'TO', '127.0.0.1', String(r.port)).call('FAILOVER').replicaof('NO', 'ONE').exec();
    expect(during!.map(([e, v]) => (e === null ? v : e.message))).toEqual([
      'OK',
      'ERR FAILOVER already in progress.',
      'ERR REPLICAOF not allowed while failing over.',
    ]);
    await waitFor(async () => field(await mc.info('replication'), 'role') === 'slave', 'the failover', SYNC_TIMEOUT);
    await linkUp(mc);
    expect(field(await mc.info('replication'), 'master_failover_state')).toBe('no-failover');
    expect(field(await rc.info('replication'), 'role')).toBe('master');
    expect(field(await rc.info('stats'), 'sync_partial_ok')).toBe('1');
    await expect(mc.set('x', 'y')).rejects.toThrow('READONLY');
    await rc.set('after', '2');
    await caughtUp(rc, mc);
    expect(await mc.get('after')).toBe('2');
    expect(await rc.get('before')).toBe('1');
  });

  it('holds writes while waiting, and gives up after TIMEOUT without FORCE (or on ABORT)', async () => {
    // A replica that never acknowledges anything: a raw socket that asked for a sync.
    await mc.config('SET', 'repl-diskless-sync', 'no');
    const fake = net.createConnection({ port: m.port, host: '127.0.0.1' });
    fake.on('data', () => undefined);
    fake.write(command('REPLCONF', 'listening-port', '1') + command('PSYNC', '?', '-1'));
    try {
      await waitFor(async () => /state=online/.test(field(await mc.info('replication'), 'slave0')), 'the fake replica', SYNC_TIMEOUT);
      await mc.set('k', '1');
      // One write, so the 300 ms cannot run out before the INFO and the SET are read.
      const writer = await RawClient.connect(m.port);
      writer.write(command('FAILOVER', 'TIMEOUT', '300') + command('INFO', 'replication') + command('SET', 'held', '1'));
      expect(await writer.read()).toBe('+OK\r\n');
      expect(field(String(decode(await writer.read())), 'master_failover_state')).toBe('waiting-for-sync');
      await waitFor(async () => field(await mc.info('replication'), 'master_failover_state') === 'no-failover', 'the timeout', SYNC_TIMEOUT);
      expect(await writer.read()).toBe('+OK\r\n');
      writer.close();
      expect(field(await mc.info('replication'), 'role')).toBe('master');
      expect(await mc.call('FAILOVER')).toBe('OK');
      expect(await mc.call('FAILOVER', 'ABORT')).toBe('OK');
      expect(field(await mc.info('replication'), 'master_failover_state')).toBe('no-failover');
      expect(await mc.set('free', '1')).toBe('OK');
    } finally {
      fake.destroy();
    }
  });
});

describe('SHUTDOWN of a master with lagging replicas', () => {
  /** A master whose only replica (a raw socket) never acknowledges on its own. */
  async function withLaggingReplica(): Promise<{ s: Ferrous; c: Redis; fake: net.Socket }> {
    const s = await startTestServer({ ...OPTS, 'repl-diskless-sync': 'no', 'shutdown-timeout': 60 });
    const c = new Redis(s.port);
    const fake = net.createConnection({ port: s.port, host: '127.0.0.1' });
    fake.on('data', () => undefined);
    fake.write(command('REPLCONF', 'listening-port', '1') + command('PSYNC', '?', '-1'));
    await waitFor(async () => /state=online/.test(field(await c.info('replication'), 'slave0')), 'the fake replica', SYNC_TIMEOUT);
    await c.set('k', '1');
    return { s, c, fake };
  }

  it('waits for them holding writes, answers reads, and SHUTDOWN ABORT cancels the wait', async () => {
    const { s, c, fake } = await withLaggingReplica();
    const shut = await RawClient.connect(s.port);
    const other = await RawClient.connect(s.port);
    try {
      const before = Number(field(await c.info('replication'), 'master_repl_offset'));
      shut.write(command('SHUTDOWN', 'NOSAVE'));
      // The wait has begun once its REPLCONF GETACK went down the stream.
      await waitFor(async () => Number(field(String(await other.exec('INFO', 'replication')), 'master_repl_offset')) > before, 'the wait');
      const held = c.set('held', '1');
      const first = await Promise.race([held, new Promise((r) => setTimeout(() => r('still held'), 300))]);
      expect(first).toBe('still held');
      expect(await other.call('GET', 'k')).toBe('$1\r\n1\r\n');
      expect(await other.call('SHUTDOWN', 'ABORT')).toBe('+OK\r\n');
      expect(await shut.read()).toBe('-ERR Errors trying to SHUTDOWN. Check logs.\r\n');
      expect(await held).toBe('OK');
      expect(await other.call('SHUTDOWN', 'ABORT')).toBe('-ERR No shutdown in progress.\r\n');
      // Still a working master: the shutdown was cancelled before anything closed.
      expect(await c.set('after', '1')).toBe('OK');

      // The replica acknowledges the final offset (GETACK asked for it): the shutdown goes on.
      const again = Number(field(await c.info('replication'), 'master_repl_offset'));
      shut.write(command('SHUTDOWN', 'NOSAVE'));
      await waitFor(async () => Number(field(String(await other.exec('INFO', 'replication')), 'master_repl_offset')) > again, 'the second wait');
      const offset = field(String(await other.exec('INFO', 'replication')), 'master_repl_offset');
      fake.write(command('REPLCONF', 'ACK', offset));
      await shut.waitClosed(SYNC_TIMEOUT);
    } finally {
      fake.destroy();
      shut.close();
      other.close();
      c.disconnect();
      await s.stop();
    }
  }, 30000);

  it('gives up after shutdown-timeout, and SHUTDOWN NOW does not wait', async () => {
    for (const now of [false, true]) {
      const { s, c, fake } = await withLaggingReplica();
      const shut = await RawClient.connect(s.port);
      try {
        if (!now) await c.config('SET', 'shutdown-timeout', '1');
        const t0 = Date.now();
        shut.write(now ? command('SHUTDOWN', 'NOW', 'NOSAVE') : command('SHUTDOWN', 'NOSAVE'));
        // NOW with shutdown-timeout 60 closes well within the wait it skips.
        await shut.waitClosed(SYNC_TIMEOUT);
        if (!now) expect(Date.now() - t0).toBeGreaterThanOrEqual(900);
      } finally {
        fake.destroy();
        shut.close();
        c.disconnect();
        await s.stop();
      }
    }
  }, 30000);
});
