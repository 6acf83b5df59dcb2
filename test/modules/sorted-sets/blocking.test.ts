import { command } from '../../helpers/raw-client';
import { useBlockingClients, useRecorder, useServer } from '../../helpers/fixtures';

/** BZPOPMIN / BZPOPMAX / BZMPOP waiting on keys, through raw sockets. */
describe('sorted sets: blocking pops', () => {
  const f = useServer();
  const rec = useRecorder(f);
  const { client, blocked } = useBlockingClients(f);

  it('BZPOPMIN wakes on ZADD with [key, member, score] and propagates ZPOPMIN', async () => {
    const w = await client();
    w.write(command('BZPOPMIN', 'nokey', 'k', '0'));
    await blocked(1);
    rec.propagated = [];
    expect(await f.raw.call('ZADD', 'k', '2', 'b', '1.5', 'a')).toBe(':2\r\n');
    expect(await w.read()).toBe('*3\r\n$1\r\nk\r\n$1\r\na\r\n$3\r\n1.5\r\n');
    expect(rec.propagated).toEqual([['ZADD', 'k', '2', 'b', '1.5', 'a'], ['ZPOPMIN', 'k']]);
    expect(await f.raw.call('ZRANGE', 'k', '0', '-1')).toBe('*1\r\n$1\r\nb\r\n');
  });

  it('BZPOPMAX in RESP3 replies a double and deletes the emptied key', async () => {
    const w = await client();
    await w.call('HELLO', '3');
    w.write(command('BZPOPMAX', 'k', '0'));
    await blocked(1);
    await f.raw.call('ZADD', 'k', '7', 'only');
    expect(await w.read()).toBe('*3\r\n$1\r\nk\r\n$4\r\nonly\r\n,7\r\n');
    expect(await f.raw.call('EXISTS', 'k')).toBe(':0\r\n');
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
    await f.raw.call('ZADD', 'k', '1', 'a', '2', 'b');
    expect(await w1.read()).toBe('*3\r\n$1\r\nk\r\n$1\r\na\r\n$1\r\n1\r\n');
    expect(await w2.read()).toBe('*3\r\n$1\r\nk\r\n$1\r\nb\r\n$1\r\n2\r\n');
    expect(f.server.blocking.count).toBe(1);
    await f.raw.call('ZADD', 'k', '5', 'x', '9', 'y');
    expect(await w3.read()).toBe('*3\r\n$1\r\nk\r\n$1\r\ny\r\n$1\r\n9\r\n');
    expect(await f.raw.call('ZRANGE', 'k', '0', '-1')).toBe('*1\r\n$1\r\nx\r\n');
  });

  it('times out with a null array (RESP2) or null (RESP3)', async () => {
    expect(await f.raw.call('BZPOPMIN', 'k', '0.01')).toBe('*-1\r\n');
    expect(await f.raw.call('BZMPOP', '0.01', '2', 'k', 'j', 'MAX', 'COUNT', '3')).toBe('*-1\r\n');
    const w = await client();
    await w.call('HELLO', '3');
    expect(await w.call('BZPOPMAX', 'k', '0.01')).toBe('_\r\n');
    expect(rec.propagated).toEqual([]);
  });

  it('waits only in its own database', async () => {
    const w = await client();
    await w.call('SELECT', '1');
    w.write(command('BZPOPMIN', 'k', '0'));
    await blocked(1);
    await f.raw.call('ZADD', 'k', '1', 'db0');
    expect(f.server.blocking.count).toBe(1);
    await f.raw.call('SELECT', '1');
    await f.raw.call('ZADD', 'k', '1', 'db1');
    expect(await w.read()).toBe('*3\r\n$1\r\nk\r\n$3\r\ndb1\r\n$1\r\n1\r\n');
    expect(await f.raw.call('ZCARD', 'k')).toBe(':0\r\n');
    await f.raw.call('SELECT', '0');
    expect(await f.raw.call('ZCARD', 'k')).toBe(':1\r\n');
  });

  it('keeps waiting when the key gets another type, then serves the sorted set', async () => {
    const w = await client();
    w.write(command('BZPOPMIN', 'k', '0'));
    await blocked(1);
    await f.raw.call('SET', 'k', 'string');
    await f.raw.call('DEL', 'k');
    expect(f.server.blocking.count).toBe(1);
    await f.raw.call('ZADD', 'k', '3', 'm');
    expect(await w.read()).toBe('*3\r\n$1\r\nk\r\n$1\r\nm\r\n$1\r\n3\r\n');
  });

  it('BZMPOP serves [key, [[member, score]...]] and propagates ZPOPMAX key count', async () => {
    const w = await client();
    w.write(command('BZMPOP', '0', '2', 'a', 'b', 'MAX', 'COUNT', '2'));
    await blocked(1);
    rec.propagated = [];
    await f.raw.call('ZADD', 'b', '1', 'x', '2', 'y', '3', 'z');
    expect(await w.read()).toBe('*2\r\n$1\r\nb\r\n*2\r\n*2\r\n$1\r\nz\r\n$1\r\n3\r\n*2\r\n$1\r\ny\r\n$1\r\n2\r\n');
    expect(rec.propagated).toEqual([['ZADD', 'b', '1', 'x', '2', 'y', '3', 'z'], ['ZPOPMAX', 'b', '2']]);
  });

  it('immediate pops propagate as ZPOPMIN/ZPOPMAX, ZMPOP with its count', async () => {
    await f.raw.call('ZADD', 'k', '1', 'a', '2', 'b', '3', 'c', '4', 'd');
    rec.propagated = [];
    await f.raw.call('BZPOPMIN', 'k', '0');
    await f.raw.call('BZMPOP', '0', '1', 'k', 'MAX');
    await f.raw.call('ZMPOP', '1', 'k', 'MIN', 'COUNT', '5');
    await f.raw.call('ZMPOP', '1', 'k', 'MIN');
    expect(rec.propagated).toEqual([['ZPOPMIN', 'k'], ['ZPOPMAX', 'k', '1'], ['ZPOPMIN', 'k', '5']]);
  });

  it('inside MULTI a blocking pop answers at once as on timeout', async () => {
    await f.raw.call('MULTI');
    await f.raw.call('BZPOPMIN', 'k', '0');
    await f.raw.call('BZMPOP', '0', '1', 'k', 'MIN');
    expect(await f.raw.call('EXEC')).toBe('*2\r\n*-1\r\n*-1\r\n');
  });
});
