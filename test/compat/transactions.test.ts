import { useCompat } from '../helpers/compat';
import { command, RawClient } from '../helpers/raw-client';

/** One step of a two-client script: which client sends which command. */
type Step = [client: 0 | 1, command: string[]];

describe('compat: MULTI / EXEC / DISCARD / WATCH', () => {
  const h = useCompat();

  /** Run a two-client script against one server and return every raw reply. */
  async function script(port: number, steps: Step[]): Promise<string[]> {
    const clients = [await RawClient.connect(port), await RawClient.connect(port)];
    try {
      await clients[0].call('FLUSHALL');
      const out: string[] = [];
      for (const [i, cmd] of steps) out.push(await clients[i].call(...cmd));
      return out;
    } finally {
      for (const c of clients) c.close();
    }
  }

  async function sameScript(...steps: Step[]): Promise<void> {
    const redis = await script(h.redisPort(), steps);
    const ferrous = await script(h.ferrousPort(), steps);
    const rows = steps.map(([i, cmd], n) => ({ step: `${i}: ${cmd.join(' ')}`, redis: redis[n], ferrous: ferrous[n] }));
    expect(rows).toEqual(rows.map((row) => ({ ...row, ferrous: row.redis })));
  }

  it('queues, executes and replies in place', async () => {
    await h.same(
      ['MULTI'],
      ['SET', 'a', '1'],
      ['INCR', 'a'],
      ['GET', 'a'],
      ['MGET', 'a', 'nokey'],
      ['EXEC'],
      ['MULTI'],
      ['EXEC'],
      ['GET', 'a'],
    );
  });

  it('misplaced commands and their errors', async () => {
    await h.same(
      ['EXEC'],
      ['DISCARD'],
      ['MULTI'],
      ['MULTI'],
      ['WATCH', 'a'],
      ['SET', 'a', '1'],
      ['EXEC'],
      ['WATCH'],
      ['MULTI', 'extra'],
      ['EXEC', 'extra'],
      ['SET', 'a', '2'],
      ['DISCARD', 'extra'],
      ['UNWATCH', 'extra'],
    );
  });

  it('EXECABORT after a refused command', async () => {
    await h.same(['MULTI'], ['SET', 'a', '1'], ['NOSUCH', 'x', 'y'], ['GET', 'a'], ['EXEC'], ['GET', 'a']);
    await h.same(['MULTI'], ['SET', 'a'], ['EXEC'], ['EXEC']);
    await h.same(['MULTI'], ['CONFIG', 'NOPE'], ['SET', 'a', '1'], ['EXEC']);
    await h.same(['MULTI'], ['SHUTDOWN'], ['SET', 'a', '1'], ['EXEC'], ['EXISTS', 'a']);
    await h.same(['MULTI'], ['NOSUCH'], ['DISCARD'], ['MULTI'], ['SET', 'a', '1'], ['EXEC']);
    await h.same(['MULTI'], ['SET', 'a', '1'], ['EXEC', 'now'], ['GET', 'a'], ['EXEC'], ['INFO', 'errorstats']);
  });

  it('runtime errors inside EXEC', async () => {
    await h.same(
      ['SET', 's', 'text'],
      ['MULTI'],
      ['SET', 'a', '1'],
      ['INCR', 's'],
      ['LPUSH', 's', 'x'],
      ['SET', 'a', '2', 'BADOPT'],
      ['INCR', 'a'],
      ['EXEC'],
      ['MGET', 'a', 's'],
    );
  });

  it('blocking commands inside MULTI answer at once', async () => {
    await h.same(['MULTI'], ['BLPOP', 'l', '0'], ['BRPOP', 'l', '1'], ['BLMOVE', 'l', 'm', 'LEFT', 'RIGHT', '0'], ['EXEC']);
    await h.same3(['MULTI'], ['BLPOP', 'l', '0'], ['GET', 'nokey'], ['EXEC']);
  });

  it('SELECT and DISCARD inside a transaction', async () => {
    await h.same(['MULTI'], ['SELECT', '5'], ['SET', 'k', 'v'], ['EXEC'], ['GET', 'k'], ['SELECT', '0'], ['GET', 'k']);
    await h.same(['MULTI'], ['SET', 'k', 'v'], ['DISCARD'], ['GET', 'k'], ['DISCARD']);
  });

  it('WATCH on one connection: own writes, UNWATCH, the null reply in RESP2 and RESP3', async () => {
    await h.same(['WATCH', 'k'], ['SET', 'k', '1'], ['MULTI'], ['PING'], ['EXEC'], ['MULTI'], ['PING'], ['EXEC']);
    await h.same3(['WATCH', 'k'], ['SET', 'k', '1'], ['MULTI'], ['PING'], ['EXEC']);
    await h.same(['WATCH', 'k'], ['SET', 'k', '1'], ['UNWATCH'], ['MULTI'], ['PING'], ['EXEC']);
    await h.same(['WATCH', 'k'], ['GET', 'k'], ['DEL', 'k'], ['MULTI'], ['PING'], ['EXEC']);
    await h.same(['WATCH', 'k'], ['SET', 'k', '1'], ['MULTI'], ['UNWATCH'], ['EXEC']);
  });

  it('WATCH with FLUSHALL and FLUSHDB', async () => {
    await h.same(['SET', 'k', 'v'], ['WATCH', 'k'], ['FLUSHALL'], ['MULTI'], ['PING'], ['EXEC']);
    await h.same(['WATCH', 'k'], ['FLUSHALL'], ['MULTI'], ['PING'], ['EXEC']);
    await h.same(['SET', 'k', 'v'], ['WATCH', 'k'], ['SELECT', '1'], ['FLUSHDB'], ['SELECT', '0'], ['MULTI'], ['PING'], ['EXEC']);
  });

  it('WATCH race between two clients', async () => {
    await sameScript(
      [0, ['SET', 'seat', 'free']],
      [0, ['WATCH', 'seat']],
      [1, ['WATCH', 'seat']],
      [0, ['GET', 'seat']],
      [1, ['GET', 'seat']],
      [0, ['MULTI']],
      [0, ['SET', 'seat', 'alice']],
      [1, ['MULTI']],
      [1, ['SET', 'seat', 'bob']],
      [0, ['EXEC']],
      [1, ['EXEC']],
      [1, ['GET', 'seat']],
    );
  });

  it('WATCH against another client: writes, reads, other databases, MOVE, SWAPDB', async () => {
    await sameScript(
      [0, ['SET', 'k', 'v']],
      [0, ['WATCH', 'k', 'absent']],
      [1, ['GET', 'k']],
      [1, ['DEL', 'absent']],
      [0, ['MULTI']],
      [0, ['PING']],
      [0, ['EXEC']],
      [0, ['WATCH', 'k']],
      [1, ['SELECT', '1']],
      [1, ['SET', 'k', 'other db']],
      [0, ['MULTI']],
      [0, ['PING']],
      [0, ['EXEC']],
      [0, ['WATCH', 'k']],
      [1, ['MOVE', 'k', '0']],
      [0, ['MULTI']],
      [0, ['PING']],
      [0, ['EXEC']],
      [0, ['WATCH', 'k']],
      [1, ['SWAPDB', '0', '1']],
      [0, ['MULTI']],
      [0, ['PING']],
      [0, ['EXEC']],
    );
  });

  it('WATCH and a key reaching its TTL', async () => {
    const run = async (port: number) => {
      const clients = [await RawClient.connect(port), await RawClient.connect(port)];
      try {
        await clients[0].call('FLUSHALL');
        // SET and WATCH in one write: the key cannot expire between them, however slow a round trip.
        clients[0].write(command('SET', 'k', 'v', 'PX', '20') + command('WATCH', 'k'));
        const out = [await clients[0].read(), await clients[0].read(), await clients[1].call('SET', 'unrelated', 'x')];
        await new Promise((r) => setTimeout(r, 60));
        for (const cmd of [['MULTI'], ['PING'], ['EXEC'], ['EXISTS', 'k']]) out.push(await clients[0].call(...cmd));
        return out;
      } finally {
        for (const c of clients) c.close();
      }
    };
    const redis = await run(h.redisPort());
    expect(await run(h.ferrousPort())).toEqual(redis);
    expect(redis[5]).toBe('*-1\r\n');
  });

  it('a transaction feeding a client blocked in BLPOP', async () => {
    const run = async (port: number) => {
      const [waiter, writer] = [await RawClient.connect(port), await RawClient.connect(port)];
      try {
        await writer.call('FLUSHALL');
        waiter.write('*3\r\n$5\r\nBLPOP\r\n$1\r\nq\r\n$1\r\n0\r\n');
        // Wait until the BLPOP is parked.
        while (!(await writer.call('CLIENT', 'LIST')).includes('cmd=blpop')) await new Promise((r) => setImmediate(r));
        const out = [await writer.call('MULTI')];
        for (const cmd of [['RPUSH', 'q', 'a'], ['RPUSH', 'q', 'b'], ['LLEN', 'q']]) out.push(await writer.call(...cmd));
        out.push(await writer.call('EXEC'), await waiter.read(), await writer.call('LRANGE', 'q', '0', '-1'));
        return out;
      } finally {
        waiter.close();
        writer.close();
      }
    };
    const redis = await run(h.redisPort());
    expect(await run(h.ferrousPort())).toEqual(redis);
  });
});
