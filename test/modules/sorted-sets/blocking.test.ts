import type { Ferrous } from '../../../kernel/bootstrap';
import { command, RawClient } from '../../helpers/raw-client';
import { startTestServer } from '../../helpers/server';

/** BZPOPMIN / BZPOPMAX / BZMPOP waiting on keys, through raw sockets. */
describe('sorted sets: blocking pops', () => {
  let f: Ferrous;
  let c: RawClient;
  const extra: RawClient[] = [];
  let propagated: string[][] = [];

  /** A fresh connection, closed in afterEach. */
  async function client(): Promise<RawClient> {
    const r = await RawClient.connect(f.port);
    extra.push(r);
    return r;
  }

  /** Resolves once `n` clients are parked in the blocking service. */
  async function blocked(n: number): Promise<void> {
    while (f.server.blocking.count !== n) await new Promise((r) => setTimeout(r, 2));
  }

  beforeAll(async () => {
    f = await startTestServer();
    f.server.hooks.onPropagate((_db, argv) => propagated.push(argv));
    c = await RawClient.connect(f.port);
  });
  afterAll(async () => {
    c.close();
    await f.close();
  });
  beforeEach(async () => {
    await c.call('FLUSHALL');
    propagated = [];
  });
  afterEach(async () => {
    for (const r of extra.splice(0)) r.close();
    await blocked(0);
  });

  it('BZPOPMIN wakes on ZADD with [key, member, score] and propagates ZPOPMIN', async () => {
    const w = await client();
    w.write(command('BZPOPMIN', 'nokey', 'k', '0'));
    await blocked(1);
    propagated = [];
    expect(await c.call('ZADD', 'k', '2', 'b', '1.5', 'a')).toBe(':2\r\n');
    expect(await w.read()).toBe('*3\r\n$1\r\nk\r\n$1\r\na\r\n$3\r\n1.5\r\n');
    expect(propagated).toEqual([['ZADD', 'k', '2', 'b', '1.5', 'a'], ['ZPOPMIN', 'k']]);
    expect(await c.call('ZRANGE', 'k', '0', '-1')).toBe('*1\r\n$1\r\nb\r\n');
  });

  it('BZPOPMAX in RESP3 replies a double and deletes the emptied key', async () => {
    const w = await client();
    await w.call('HELLO', '3');
    w.write(command('BZPOPMAX', 'k', '0'));
    await blocked(1);
    await c.call('ZADD', 'k', '7', 'only');
    expect(await w.read()).toBe('*3\r\n$1\r\nk\r\n$4\r\nonly\r\n,7\r\n');
    expect(await c.call('EXISTS', 'k')).toBe(':0\r\n');
  });

  it('serves waiters first blocked, first served', async () => {
    const w1 = await client();
    const w2 = await client();
    const w3 = await client();
    w1.write(command('BZPOPMIN', 'k', '0'));
    await blocked(1);
    w2.write(command('BZPOPMIN', 'k', '0'));
    await blocked(2);
    w3.write(command('BZPOPMAX', 'k', '0'));
    await blocked(3);
    await c.call('ZADD', 'k', '1', 'a', '2', 'b');
    expect(await w1.read()).toBe('*3\r\n$1\r\nk\r\n$1\r\na\r\n$1\r\n1\r\n');
    expect(await w2.read()).toBe('*3\r\n$1\r\nk\r\n$1\r\nb\r\n$1\r\n2\r\n');
    expect(f.server.blocking.count).toBe(1);
    await c.call('ZADD', 'k', '5', 'x', '9', 'y');
    expect(await w3.read()).toBe('*3\r\n$1\r\nk\r\n$1\r\ny\r\n$1\r\n9\r\n');
    expect(await c.call('ZRANGE', 'k', '0', '-1')).toBe('*1\r\n$1\r\nx\r\n');
  });

  it('times out with a null array (RESP2) or null (RESP3)', async () => {
    expect(await c.call('BZPOPMIN', 'k', '0.01')).toBe('*-1\r\n');
    expect(await c.call('BZMPOP', '0.01', '2', 'k', 'j', 'MAX', 'COUNT', '3')).toBe('*-1\r\n');
    const w = await client();
    await w.call('HELLO', '3');
    expect(await w.call('BZPOPMAX', 'k', '0.01')).toBe('_\r\n');
    expect(propagated).toEqual([]);
  });

  it('waits only in its own database', async () => {
    const w = await client();
    await w.call('SELECT', '1');
    w.write(command('BZPOPMIN', 'k', '0'));
    await blocked(1);
    await c.call('ZADD', 'k', '1', 'db0');
    expect(f.server.blocking.count).toBe(1);
    await c.call('SELECT', '1');
    await c.call('ZADD', 'k', '1', 'db1');
    expect(await w.read()).toBe('*3\r\n$1\r\nk\r\n$3\r\ndb1\r\n$1\r\n1\r\n');
    expect(await c.call('ZCARD', 'k')).toBe(':0\r\n');
    await c.call('SELECT', '0');
    expect(await c.call('ZCARD', 'k')).toBe(':1\r\n');
  });

  it('keeps waiting when the key gets another type, then serves the sorted set', async () => {
    const w = await client();
    w.write(command('BZPOPMIN', 'k', '0'));
    await blocked(1);
    await c.call('SET', 'k', 'string');
    await c.call('DEL', 'k');
    expect(f.server.blocking.count).toBe(1);
    await c.call('ZADD', 'k', '3', 'm');
    expect(await w.read()).toBe('*3\r\n$1\r\nk\r\n$1\r\nm\r\n$1\r\n3\r\n');
  });

  it('BZMPOP serves [key, [[member, score]...]] and propagates ZPOPMAX key count', async () => {
    const w = await client();
    w.write(command('BZMPOP', '0', '2', 'a', 'b', 'MAX', 'COUNT', '2'));
    await blocked(1);
    propagated = [];
    await c.call('ZADD', 'b', '1', 'x', '2', 'y', '3', 'z');
    expect(await w.read()).toBe('*2\r\n$1\r\nb\r\n*2\r\n*2\r\n$1\r\nz\r\n$1\r\n3\r\n*2\r\n$1\r\ny\r\n$1\r\n2\r\n');
    expect(propagated).toEqual([['ZADD', 'b', '1', 'x', '2', 'y', '3', 'z'], ['ZPOPMAX', 'b', '2']]);
  });

  it('immediate pops propagate as ZPOPMIN/ZPOPMAX, ZMPOP with its count', async () => {
    await c.call('ZADD', 'k', '1', 'a', '2', 'b', '3', 'c', '4', 'd');
    propagated = [];
    await c.call('BZPOPMIN', 'k', '0');
    await c.call('BZMPOP', '0', '1', 'k', 'MAX');
    await c.call('ZMPOP', '1', 'k', 'MIN', 'COUNT', '5');
    await c.call('ZMPOP', '1', 'k', 'MIN');
    expect(propagated).toEqual([['ZPOPMIN', 'k'], ['ZPOPMAX', 'k', '1'], ['ZPOPMIN', 'k', '5']]);
  });

  it('inside MULTI a blocking pop answers at once as on timeout', async () => {
    await c.call('MULTI');
    await c.call('BZPOPMIN', 'k', '0');
    await c.call('BZMPOP', '0', '1', 'k', 'MIN');
    expect(await c.call('EXEC')).toBe('*2\r\n*-1\r\n*-1\r\n');
  });
});
