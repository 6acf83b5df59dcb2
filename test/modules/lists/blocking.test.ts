import Redis from 'ioredis';
import { RawClient, command } from '../../helpers/raw-client';
import { useRecorder, useServer, waitFor } from '../../helpers/fixtures';
import { recordJournal } from '../../helpers/journal';

describe('lists: blocking commands', () => {
  const f = useServer();
  const rec = useRecorder(f);

  /** Send a blocking command and wait until the server has parked this client (by id: others may still be parked or leaving). */
  async function block(r: RawClient, ...args: string[]): Promise<void> {
    const id = Number((await r.call('CLIENT', 'ID')).slice(1, -2));
    r.write(command(...args));
    await waitFor(() => {
      const c = f.server.clients.get(id);
      return c !== undefined && f.server.blocking.isBlocked(c);
    }, `${args[0]} to block`);
  }

  it('serves several waiters first blocked, first served', async () => {
    const w = [await f.connect(), await f.connect(), await f.connect()];
    await block(w[0], 'BLPOP', 'q', '0');
    await block(w[1], 'BRPOP', 'other', 'q', '0');
    await block(w[2], 'BLPOP', 'q', '0');
    expect(await f.raw.call('RPUSH', 'q', 'a', 'b')).toBe(':2\r\n');
    expect(await w[0].read()).toBe('*2\r\n$1\r\nq\r\n$1\r\na\r\n');
    expect(await w[1].read()).toBe('*2\r\n$1\r\nq\r\n$1\r\nb\r\n');
    expect(f.server.blocking.count).toBe(1);
    expect(await f.raw.call('EXISTS', 'q')).toBe(':0\r\n');
    expect(await f.raw.call('LPUSH', 'q', 'c')).toBe(':1\r\n');
    expect(await w[2].read()).toBe('*2\r\n$1\r\nq\r\n$1\r\nc\r\n');
    expect(rec.propagated).toEqual([['RPUSH', 'q', 'a', 'b'], ['LPOP', 'q'], ['RPOP', 'q'], ['LPUSH', 'q', 'c'], ['LPOP', 'q']]);
  });

  it('times out with nil replies and propagates nothing', async () => {
    const w = await f.connect();
    expect(await w.call('BLPOP', 'q', '0.05')).toBe('*-1\r\n');
    expect(await w.call('BLMOVE', 'q', 'd', 'LEFT', 'LEFT', '0.05')).toBe('*-1\r\n');
    expect(await w.call('BLMPOP', '0.05', '1', 'q', 'RIGHT')).toBe('*-1\r\n');
    await w.call('HELLO', '3');
    expect(await w.call('BRPOP', 'q', '0.05')).toBe('_\r\n');
    expect(await w.call('BRPOPLPUSH', 'q', 'd', '0.05')).toBe('_\r\n');
    expect(f.server.blocking.count).toBe(0);
    expect(rec.propagated).toEqual([]);
  });

  it('a push in another database does not wake a waiter in db 0', async () => {
    const w = await f.connect();
    await block(w, 'BLPOP', 'q', '0');
    const other = await f.connect();
    await other.call('SELECT', '1');
    expect(await other.call('RPUSH', 'q', 'db1')).toBe(':1\r\n');
    expect(await f.raw.call('PING')).toBe('+PONG\r\n');
    expect(f.server.blocking.count).toBe(1);
    expect(w.unread).toBe('');
    expect(await other.call('LLEN', 'q')).toBe(':1\r\n');
    expect(await f.raw.call('RPUSH', 'q', 'db0')).toBe(':1\r\n');
    expect(await w.read()).toBe('*2\r\n$1\r\nq\r\n$3\r\ndb0\r\n');
    expect(await other.call('LLEN', 'q')).toBe(':1\r\n');
  });

  it('a waiter in db 1 is served in db 1 and propagates there', async () => {
    const dbs: number[] = [];
    recordJournal(f.server.journal, (db, argv) => argv[0] === 'LPOP' && dbs.push(db));
    const w = await f.connect();
    await w.call('SELECT', '1');
    await block(w, 'BLPOP', 'q', '0');
    const other = await f.connect();
    await other.call('SELECT', '1');
    await other.call('RPUSH', 'q', 'x');
    expect(await w.read()).toBe('*2\r\n$1\r\nq\r\n$1\r\nx\r\n');
    expect(dbs).toEqual([1]);
  });

  it('keeps waiting while the key holds another type, and is served once it is a list', async () => {
    const w = await f.connect();
    await block(w, 'BLPOP', 'k', '0');
    expect(await f.raw.call('SET', 'k', 'str')).toBe('+OK\r\n');
    expect(await f.raw.call('APPEND', 'k', 'more')).toBe(':7\r\n');
    expect(f.server.blocking.count).toBe(1);
    expect(w.unread).toBe('');
    await f.raw.call('DEL', 'k');
    await f.raw.call('RPUSH', 'k', 'v');
    expect(await w.read()).toBe('*2\r\n$1\r\nk\r\n$1\r\nv\r\n');
  });

  it('BLMOVE into a key of another type fails the waiter with WRONGTYPE and keeps the element', async () => {
    const w = await f.connect();
    await f.raw.call('SET', 'dst', 'str');
    await block(w, 'BLMOVE', 'src', 'dst', 'LEFT', 'LEFT', '0');
    expect(await f.raw.call('RPUSH', 'src', 'v')).toBe(':1\r\n');
    expect(await w.read()).toBe('-WRONGTYPE Operation against a key holding the wrong kind of value\r\n');
    expect(await f.raw.call('LRANGE', 'src', '0', '-1')).toBe('*1\r\n$1\r\nv\r\n');
    expect(f.server.blocking.count).toBe(0);
  });

  it('chains BLMOVE waiters: one push travels through every list', async () => {
    const a = await f.connect();
    const b = await f.connect();
    const d = await f.connect();
    await block(a, 'BLMOVE', 'l1', 'l2', 'LEFT', 'RIGHT', '0');
    await block(b, 'BRPOPLPUSH', 'l2', 'l3', '0');
    await block(d, 'BLMPOP', '0', '2', 'none', 'l3', 'LEFT', 'COUNT', '5');
    expect(await f.raw.call('LPUSH', 'l1', 'x')).toBe(':1\r\n');
    expect(await a.read()).toBe('$1\r\nx\r\n');
    expect(await b.read()).toBe('$1\r\nx\r\n');
    expect(await d.read()).toBe('*2\r\n$2\r\nl3\r\n*1\r\n$1\r\nx\r\n');
    expect(await f.raw.call('DBSIZE')).toBe(':0\r\n');
    expect(rec.propagated).toEqual([
      ['LPUSH', 'l1', 'x'],
      ['LMOVE', 'l1', 'l2', 'left', 'right'],
      ['RPOPLPUSH', 'l2', 'l3'],
      ['LPOP', 'l3', '1'],
    ]);
  });

  it('forgets a client that disconnects while blocked', async () => {
    const w = await f.connect();
    await block(w, 'BLPOP', 'q', '0');
    w.close();
    await waitFor(() => f.server.blocking.count === 0, 'the closed waiter to be forgotten');
    expect(await f.raw.call('RPUSH', 'q', 'kept')).toBe(':1\r\n');
    expect(await f.raw.call('LRANGE', 'q', '0', '-1')).toBe('*1\r\n$4\r\nkept\r\n');
  });

  it('answers at once inside MULTI, and runs the pipelined commands after a served wait', async () => {
    const w = await f.connect();
    await w.call('MULTI');
    await w.call('BLPOP', 'q', '0');
    await w.call('BLMOVE', 'q', 'd', 'LEFT', 'LEFT', '0');
    expect(await w.call('EXEC')).toBe('*2\r\n*-1\r\n$-1\r\n');
    w.write(command('BLPOP', 'q', '0') + command('LLEN', 'q'));
    await waitFor(() => f.server.blocking.count === 1, 'BLPOP to block');
    await f.raw.call('RPUSH', 'q', 'a', 'b');
    expect(await w.read()).toBe('*2\r\n$1\r\nq\r\n$1\r\na\r\n');
    expect(await w.read()).toBe(':1\r\n');
  });

  it('serves a waiter through ioredis when another connection pushes', async () => {
    const io = new Redis(f.port, '127.0.0.1');
    const pusher = new Redis(f.port, '127.0.0.1');
    try {
      const waiting = io.blpop('jobs', 0);
      await waitFor(() => f.server.blocking.count === 1, 'BLPOP to block');
      await pusher.rpush('jobs', 'job-1');
      expect(await waiting).toEqual(['jobs', 'job-1']);
    } finally {
      io.disconnect();
      pusher.disconnect();
    }
  });

  it('CLIENT UNBLOCK ends a wait with the timeout reply or with an error', async () => {
    const w = await f.connect();
    const id = String(await w.exec('CLIENT', 'ID'));
    await block(w, 'BLPOP', 'nothing', '0');
    expect(await f.raw.call('CLIENT', 'UNBLOCK', id)).toBe(':1\r\n');
    expect(await w.read()).toBe('*-1\r\n');
    await block(w, 'BRPOP', 'nothing', '0');
    expect(await f.raw.call('CLIENT', 'UNBLOCK', id, 'ERROR')).toBe(':1\r\n');
    expect(await w.read()).toBe('-UNBLOCKED client unblocked via CLIENT UNBLOCK\r\n');
    expect(await f.raw.call('CLIENT', 'UNBLOCK', id)).toBe(':0\r\n');
    expect(await f.raw.call('CLIENT', 'UNBLOCK', id, 'LATER')).toBe('-ERR CLIENT UNBLOCK reason should be TIMEOUT or ERROR\r\n');
    expect(f.server.blocking.count).toBe(0);
  });
});
