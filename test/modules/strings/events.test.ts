import { useRecorder, useServer } from '../../helpers/fixtures';

/** Keyspace events and propagated commands, observed through the kernel's hooks. */
describe('strings: keyspace events and propagation', () => {
  const f = useServer();
  const rec = useRecorder(f);

  it('SET fires set, and expire with a TTL; propagates SET ... PXAT', async () => {
    const before = Date.now();
    expect(await f.raw.call('SET', 'k', 'v', 'EX', '100')).toBe('+OK\r\n');
    expect(rec.events).toEqual(['$:set:k', 'g:expire:k']);
    expect(rec.propagated).toHaveLength(1);
    const [name, key, value, pxat, when] = rec.propagated[0];
    expect([name, key, value, pxat]).toEqual(['SET', 'k', 'v', 'PXAT']);
    expect(Number(when)).toBeGreaterThanOrEqual(before + 100000);
    expect(Number(when)).toBeLessThanOrEqual(Date.now() + 100000);
  });

  it('SETEX and PSETEX propagate as SET ... PXAT; EXAT keeps the given time', async () => {
    await f.raw.call('SETEX', 'a', '10', 'v');
    await f.raw.call('PSETEX', 'b', '10000', 'v');
    await f.raw.call('SET', 'c', 'v', 'EXAT', '4102444800');
    expect(rec.propagated.map((p) => p.slice(0, 4))).toEqual([
      ['SET', 'a', 'v', 'PXAT'],
      ['SET', 'b', 'v', 'PXAT'],
      ['SET', 'c', 'v', 'PXAT'],
    ]);
    expect(rec.propagated[2][4]).toBe('4102444800000');
  });

  it('SET GET propagates without the GET tokens; a failed NX propagates nothing', async () => {
    await f.raw.call('SET', 'k', 'v', 'GET', 'XX', 'get');
    await f.raw.call('SET', 'k', 'v', 'gEt');
    await f.raw.call('SET', 'k', 'w', 'NX');
    expect(rec.propagated).toEqual([['SET', 'k', 'v']]);
    expect(rec.events).toEqual(['m:keymiss:k', 'm:keymiss:k', '$:set:k']);
  });

  it('INCR family fires incrby; INCRBYFLOAT fires incrbyfloat and propagates SET KEEPTTL', async () => {
    await f.raw.call('INCR', 'n');
    await f.raw.call('DECRBY', 'n', '5');
    await f.raw.call('INCRBYFLOAT', 'f', '10.5');
    await f.raw.call('INCRBYFLOAT', 'f', '0.1');
    expect(rec.events).toEqual(['$:incrby:n', '$:incrby:n', '$:incrbyfloat:f', '$:incrbyfloat:f']);
    expect(rec.propagated).toEqual([
      ['INCR', 'n'],
      ['DECRBY', 'n', '5'],
      ['SET', 'f', '10.5', 'KEEPTTL'],
      ['SET', 'f', '10.6', 'KEEPTTL'],
    ]);
  });

  it('APPEND, SETRANGE, MSET, GETSET events', async () => {
    await f.raw.call('APPEND', 'a', 'x');
    await f.raw.call('SETRANGE', 'a', '3', 'y');
    await f.raw.call('SETRANGE', 'a', '3', '');
    await f.raw.call('MSET', 'b', '1', 'c', '2');
    await f.raw.call('MSETNX', 'b', '1', 'd', '2');
    await f.raw.call('GETSET', 'b', '3');
    expect(rec.events).toEqual(['$:append:a', '$:setrange:a', '$:set:b', '$:set:c', '$:set:b']);
    expect(rec.propagated.at(-1)).toEqual(['SET', 'b', '3']);
  });

  it('GETDEL fires del and propagates DEL; misses fire keymiss', async () => {
    await f.raw.call('SET', 'k', 'v');
    rec.events = [];
    rec.propagated = [];
    expect(await f.raw.call('GETDEL', 'k')).toBe('$1\r\nv\r\n');
    expect(await f.raw.call('GETDEL', 'k')).toBe('$-1\r\n');
    expect(await f.raw.call('GET', 'k')).toBe('$-1\r\n');
    expect(rec.events).toEqual(['g:del:k', 'm:keymiss:k', 'm:keymiss:k']);
    expect(rec.propagated).toEqual([['DEL', 'k']]);
  });

  it('GETEX propagates PEXPIREAT, PERSIST or DEL', async () => {
    await f.raw.call('SET', 'k', 'v');
    rec.events = [];
    await f.raw.call('GETEX', 'k', 'PX', '5000');
    await f.raw.call('GETEX', 'k', 'PERSIST');
    await f.raw.call('GETEX', 'k', 'PERSIST');
    await f.raw.call('GETEX', 'k', 'EXAT', '4102444800');
    await f.raw.call('GETEX', 'k');
    await f.raw.call('GETEX', 'k', 'PXAT', '1');
    expect(rec.events).toEqual(['g:expire:k', 'g:persist:k', 'g:expire:k', 'g:del:k']);
    expect(rec.propagated.map((p) => p[0])).toEqual(['SET', 'PEXPIREAT', 'PERSIST', 'PEXPIREAT', 'DEL']);
    expect(rec.propagated[3]).toEqual(['PEXPIREAT', 'k', '4102444800000']);
  });

  it('read-only commands and failed writes propagate nothing', async () => {
    await f.raw.call('SET', 'k', 'abc');
    rec.propagated = [];
    await f.raw.call('GET', 'k');
    await f.raw.call('MGET', 'k', 'x');
    await f.raw.call('GETRANGE', 'k', '0', '1');
    await f.raw.call('LCS', 'k', 'k');
    await f.raw.call('STRLEN', 'k');
    await f.raw.call('INCR', 'k');
    await f.raw.call('SETNX', 'k', 'z');
    await f.raw.call('GETEX', 'k');
    expect(rec.propagated).toEqual([]);
  });
});
