import { clientEvictionScenario } from '../../helpers/client-eviction';
import { useServer, waitFor } from '../../helpers/fixtures';
import { command } from '../../helpers/raw-client';

function evictedClients(info: string): number {
  return Number(/evicted_clients:(\d+)/.exec(info)![1]);
}

/** maxmemory-clients (Redis 7.0's client eviction), against an in-process server. */
describe('client eviction', () => {
  const f = useServer();

  afterEach(async () => {
    await f.io.config('SET', 'maxmemory-clients', '0');
    await f.io.config('SET', 'maxmemory', '0');
  });

  it('disconnects a client whose unread output passes the limit, and counts it', async () => {
    expect(await clientEvictionScenario(f.port, 'output', false)).toEqual({ survived: false, evicted: 1 });
  });

  it('disconnects a client whose MULTI queue passes the limit', async () => {
    expect(await clientEvictionScenario(f.port, 'multi', false)).toEqual({ survived: false, evicted: 1 });
  });

  it('keeps a client with CLIENT NO-EVICT on, whatever it holds', async () => {
    // The fixture's own connections may go instead (Redis counts a protected client's memory
    // too, and closes the others): only the protected one's fate is asserted here.
    expect((await clientEvictionScenario(f.port, 'output', true)).survived).toBe(true);
    expect((await clientEvictionScenario(f.port, 'multi', true)).survived).toBe(true);
  });

  it('evicts the largest client first and only as many as it takes', async () => {
    await f.io.call('CLIENT', 'NO-EVICT', 'on');
    await f.io.set('big', 'x'.repeat(200_000));
    const small = await f.connect();
    await small.call('CLIENT', 'SETNAME', 'small');
    const large = await f.connect();
    await large.call('CLIENT', 'SETNAME', 'large');
    await large.call('MULTI');
    let batch = '';
    for (let i = 0; i < 12; i++) batch += command('SET', `q${i}`, 'y'.repeat(100_000));
    large.write(batch);
    for (let i = 0; i < 12; i++) expect(await large.read()).toBe('+QUEUED\r\n');
    await f.io.config('SET', 'maxmemory-clients', '1mb');
    await large.waitClosed();
    expect(await small.call('PING')).toBe('+PONG\r\n');
    expect(evictedClients((await f.io.info('stats')) as string)).toBeGreaterThanOrEqual(1);
    await f.io.call('CLIENT', 'NO-EVICT', 'off');
  });

  it('evicts a pub/sub client that does not read what is published to it', async () => {
    await f.io.call('CLIENT', 'NO-EVICT', 'on');
    const sub = await f.connect();
    expect(await sub.call('SUBSCRIBE', 'ch')).toContain('subscribe');
    const id = Number((await sub.call('CLIENT', 'ID')).slice(1, -2));
    sub.socket.pause();
    await f.io.config('SET', 'maxmemory-clients', '2mb');
    const message = 'm'.repeat(200_000);
    const pub = f.io.pipeline();
    for (let i = 0; i < 100; i++) pub.publish('ch', message);
    await pub.exec();
    // Measured by the timer: the subscriber sends nothing itself.
    await waitFor(() => !f.server.clients.has(id), 'the subscriber\'s eviction');
    await f.io.call('CLIENT', 'NO-EVICT', 'off');
  });

  it('takes a percentage of maxmemory, off while maxmemory is 0', async () => {
    await f.io.call('CLIENT', 'NO-EVICT', 'on');
    await f.io.set('big', 'x'.repeat(200_000));
    await f.io.config('SET', 'maxmemory-clients', '1%');
    const c = await f.connect();
    // By id, not by count: the previous tests' connections may still be closing.
    const id = Number((await c.call('CLIENT', 'ID')).slice(1, -2));
    c.socket.pause();
    c.write(command('GET', 'big').repeat(100));
    // Off while maxmemory is 0: the server took all 100 GETs and still holds the client (a
    // paused socket would not see a close, so ask the server).
    const processed = async (): Promise<boolean> => {
      const line = (await f.io.call('CLIENT', 'LIST', 'ID', String(id))) as string;
      return line === '' || (/ qbuf=0 /.test(line) && / cmd=get /.test(line));
    };
    await waitFor(processed, 'the GETs to be processed');
    expect(f.server.clients.has(id)).toBe(true);
    // 1% of 200 MB: 2 MB, less than the 20 MB of replies waiting (the sockets' buffers take a few).
    await f.io.config('SET', 'maxmemory', '200mb');
    await waitFor(() => !f.server.clients.has(id), 'the eviction');
    // A paused socket notices the server's close only when it reads again.
    c.socket.resume();
    await c.waitClosed();
    await f.io.call('CLIENT', 'NO-EVICT', 'off');
  });

  it('never goes below 128 KB: a tiny limit leaves ordinary clients alone', async () => {
    await f.io.config('SET', 'maxmemory-clients', '1');
    expect(await f.io.config('GET', 'maxmemory-clients')).toEqual(['maxmemory-clients', '1']);
    const c = await f.connect();
    expect(await c.call('SET', 'k', 'v')).toBe('+OK\r\n');
    expect(await c.call('GET', 'k')).toBe('$1\r\nv\r\n');
  });

  it('refuses bad values with Redis\'s errors and shows evicted_clients in INFO stats', async () => {
    await expect(f.io.config('SET', 'maxmemory-clients', '101%')).rejects.toThrow('percentage argument must be less or equal to 100');
    await expect(f.io.config('SET', 'maxmemory-clients', '-1')).rejects.toThrow('argument must be a memory or percent value');
    await expect(f.io.config('SET', 'maxmemory-clients', 'x')).rejects.toThrow('argument must be a memory or percent value');
    await expect(f.io.call('CLIENT', 'NO-EVICT', 'maybe')).rejects.toThrow('ERR syntax error');
    const stats = (await f.io.info('stats')) as string;
    expect(stats).toMatch(/evicted_keys:\d+\r\nevicted_clients:\d+\r\n/);
  });

  it('CONFIG RESETSTAT zeroes evicted_clients', async () => {
    await clientEvictionScenario(f.port, 'multi', false);
    expect(evictedClients((await f.io.info('stats')) as string)).toBeGreaterThan(0);
    await f.io.config('RESETSTAT');
    expect(evictedClients((await f.io.info('stats')) as string)).toBe(0);
  });
});
