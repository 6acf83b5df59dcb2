import Redis from 'ioredis';
import { useRecorder, useServer } from '../../helpers/fixtures';

describe('MULTI / EXEC / DISCARD', () => {
  const f = useServer();
  /** What the server propagated, as [dbid, ...argv]. */
  const rec = useRecorder(f, { propagateDb: true });

  it('runs the queued commands through ioredis and node-redis', async () => {
    expect(await f.io.multi().set('a', '1').incr('a').get('a').exec()).toEqual([
      [null, 'OK'],
      [null, 2],
      [null, '2'],
    ]);
    expect(await f.nr.multi().set('b', 'x').append('b', 'y').get('b').exec()).toEqual(['OK', 2, 'xy']);
  });

  it('answers +QUEUED while queuing and runs nothing before EXEC', async () => {
    expect(await f.raw.call('MULTI')).toBe('+OK\r\n');
    expect(await f.raw.call('SET', 'k', 'v')).toBe('+QUEUED\r\n');
    expect(await f.raw.call('GET', 'k')).toBe('+QUEUED\r\n');
    expect(await f.io.exists('k')).toBe(0);
    expect(await f.raw.call('EXEC')).toBe('*2\r\n+OK\r\n$1\r\nv\r\n');
    expect(await f.raw.call('GET', 'k')).toBe('$1\r\nv\r\n');
    expect(await f.raw.call('MULTI')).toBe('+OK\r\n');
    expect(await f.raw.call('EXEC')).toBe('*0\r\n');
  });

  it("answers Redis's errors for misplaced MULTI, EXEC, DISCARD and WATCH", async () => {
    expect(await f.raw.call('EXEC')).toBe('-ERR EXEC without MULTI\r\n');
    expect(await f.raw.call('DISCARD')).toBe('-ERR DISCARD without MULTI\r\n');
    expect(await f.raw.call('MULTI')).toBe('+OK\r\n');
    expect(await f.raw.call('MULTI')).toBe('-ERR MULTI calls can not be nested\r\n');
    expect(await f.raw.call('WATCH', 'x')).toBe('-ERR WATCH inside MULTI is not allowed\r\n');
    expect(await f.raw.call('SET', 'a', '1')).toBe('+QUEUED\r\n');
    // Neither error aborts the transaction.
    expect(await f.raw.call('EXEC')).toBe('*1\r\n+OK\r\n');
  });

  it('DISCARD drops the queue and leaves MULTI', async () => {
    await f.raw.call('MULTI');
    await f.raw.call('SET', 'a', '1');
    expect(await f.raw.call('DISCARD')).toBe('+OK\r\n');
    expect(await f.raw.call('GET', 'a')).toBe('$-1\r\n');
    expect(await f.raw.call('EXEC')).toBe('-ERR EXEC without MULTI\r\n');
  });

  it.each([
    ['an unknown command', ['NOSUCHCMD', 'x'], "-ERR unknown command 'NOSUCHCMD', with args beginning with: 'x' \r\n"],
    ['a wrong arity', ['GET'], "-ERR wrong number of arguments for 'get' command\r\n"],
    ['an unknown subcommand', ['CONFIG', 'NOPE'], "-ERR unknown subcommand 'NOPE'. Try CONFIG HELP.\r\n"],
    ['a no-multi command', ['SHUTDOWN'], '-ERR Command not allowed inside a transaction\r\n'],
  ])('EXECABORT after %s while queuing', async (_what, bad, error) => {
    await f.raw.call('MULTI');
    expect(await f.raw.call('SET', 'a', '1')).toBe('+QUEUED\r\n');
    expect(await f.raw.call(...bad)).toBe(error);
    expect(await f.raw.call('INCR', 'n')).toBe('+QUEUED\r\n');
    expect(await f.raw.call('EXEC')).toBe('-EXECABORT Transaction discarded because of previous errors.\r\n');
    expect(await f.io.exists('a', 'n')).toBe(0);
    expect(await f.raw.call('EXEC')).toBe('-ERR EXEC without MULTI\r\n');
    expect(rec.propagated).toEqual([]);
  });

  it('an aborted transaction can still be discarded, and the next one is clean', async () => {
    await f.raw.call('MULTI');
    await f.raw.call('NOSUCHCMD');
    expect(await f.raw.call('DISCARD')).toBe('+OK\r\n');
    await f.raw.call('MULTI');
    await f.raw.call('SET', 'a', '1');
    expect(await f.raw.call('EXEC')).toBe('*1\r\n+OK\r\n');
  });

  it('a runtime error is returned in place and the rest still runs', async () => {
    await f.io.set('s', 'x');
    const r = await f.io.multi().set('a', '1').incr('s').lpush('a', 'v').set('b', '2').exec();
    expect(r![0]).toEqual([null, 'OK']);
    expect((r![1][0] as Error).message).toBe('ERR value is not an integer or out of range');
    expect((r![2][0] as Error).message).toBe('WRONGTYPE Operation against a key holding the wrong kind of value');
    expect(r![3]).toEqual([null, 'OK']);
    expect(await f.io.mget('a', 'b')).toEqual(['1', '2']);
  });

  it('a syntax error found only when running is a runtime error, not an abort', async () => {
    await f.raw.call('MULTI');
    expect(await f.raw.call('SET', 'a', '1', 'BADOPT')).toBe('+QUEUED\r\n');
    expect(await f.raw.call('SET', 'b', '2')).toBe('+QUEUED\r\n');
    expect(await f.raw.call('EXEC')).toBe('*2\r\n-ERR syntax error\r\n+OK\r\n');
  });

  it('SELECT inside MULTI switches the database for the rest of it and after', async () => {
    await f.raw.call('MULTI');
    await f.raw.call('SELECT', '2');
    await f.raw.call('SET', 'k', 'in2');
    expect(await f.raw.call('EXEC')).toBe('*2\r\n+OK\r\n+OK\r\n');
    expect(await f.raw.call('GET', 'k')).toBe('$3\r\nin2\r\n');
    expect(await f.io.exists('k')).toBe(0);
  });

  it('blocking commands inside MULTI answer at once as on timeout', async () => {
    await f.raw.call('MULTI');
    await f.raw.call('BLPOP', 'nolist', '0');
    await f.raw.call('BRPOP', 'nolist', '0');
    await f.raw.call('SET', 'after', '1');
    expect(await f.raw.call('EXEC')).toBe('*3\r\n*-1\r\n*-1\r\n+OK\r\n');
    // The client was never left blocked.
    expect(await f.raw.call('PING')).toBe('+PONG\r\n');
    expect(await f.io.get('after')).toBe('1');
  });

  it('wakes a client blocked in BLPOP only after the whole transaction', async () => {
    const waiter = new Redis(f.port, '127.0.0.1');
    try {
      const popped = waiter.blpop('q', 0);
      // Wait until the BLPOP is parked.
      while (!String(await f.io.call('CLIENT', 'LIST')).includes('cmd=blpop')) await new Promise((r) => setImmediate(r));
      const r = await f.io.multi().rpush('q', 'a').rpush('q', 'b').llen('q').exec();
      // The waiter did not take 'a' between the pushes.
      expect(r).toEqual([
        [null, 1],
        [null, 2],
        [null, 2],
      ]);
      expect(await popped).toEqual(['q', 'a']);
      expect(await f.io.lrange('q', 0, -1)).toEqual(['b']);
    } finally {
      waiter.disconnect();
    }
  });

  it('replies with RESP3 types inside EXEC', async () => {
    await f.raw.call('HELLO', '3');
    await f.raw.call('MULTI');
    await f.raw.call('GET', 'missing');
    await f.raw.call('BLPOP', 'nolist', '0');
    expect(await f.raw.call('EXEC')).toBe('*2\r\n_\r\n_\r\n');
  });

  it("shows the 'x' flag in CLIENT LIST while queuing", async () => {
    await f.raw.call('MULTI');
    expect(await f.io.client('LIST')).toMatch(/flags=x /);
    await f.raw.call('DISCARD');
    expect(await f.io.client('LIST')).not.toMatch(/flags=x /);
  });

  it('RESET leaves MULTI; QUIT is not queued', async () => {
    await f.raw.call('MULTI');
    await f.raw.call('SET', 'a', '1');
    expect(await f.raw.call('RESET')).toBe('+RESET\r\n');
    expect(await f.raw.call('EXEC')).toBe('-ERR EXEC without MULTI\r\n');
    await f.raw.call('MULTI');
    await f.raw.call('SET', 'a', '1');
    expect(await f.raw.call('QUIT')).toBe('+OK\r\n');
    await f.raw.waitClosed();
    expect(await f.io.exists('a')).toBe(0);
  });

  describe('propagation', () => {
    it('wraps the writes of an EXEC in MULTI ... EXEC, with each database', async () => {
      await f.raw.call('MULTI');
      await f.raw.call('SET', 'a', '1');
      await f.raw.call('GET', 'a');
      await f.raw.call('SELECT', '3');
      await f.raw.call('INCR', 'n');
      await f.raw.call('EXEC');
      expect(rec.propagated).toEqual([
        [0, 'MULTI'],
        [0, 'SET', 'a', '1'],
        [3, 'INCR', 'n'],
        [3, 'EXEC'],
      ]);
    });

    it('propagates a single write alone, and nothing for a read-only or failed EXEC', async () => {
      await f.io.set('s', 'x');
      rec.propagated.length = 0;
      await f.io.multi().incr('s').set('a', '1').get('a').exec();
      expect(rec.propagated).toEqual([[0, 'set', 'a', '1']]);
      rec.propagated.length = 0;
      await f.io.multi().get('a').incr('s').exec();
      expect(rec.propagated).toEqual([]);
    });

    it('propagates the rewritten commands of the transaction', async () => {
      await f.raw.call('MULTI');
      await f.raw.call('SET', 'a', '1', 'EX', '100');
      await f.raw.call('EXPIRE', 'a', '200');
      await f.raw.call('EXEC');
      expect(rec.propagated[0]).toEqual([0, 'MULTI']);
      expect(rec.propagated[1].slice(0, 4)).toEqual([0, 'SET', 'a', '1']);
      expect(rec.propagated[2].slice(0, 3)).toEqual([0, 'PEXPIREAT', 'a']);
      expect(rec.propagated[3]).toEqual([0, 'EXEC']);
    });
  });
});
