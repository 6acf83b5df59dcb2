import type { Ferrous } from '../../../kernel/bootstrap';
import { RawClient } from '../../helpers/raw-client';
import { startTestServer } from '../../helpers/server';

/** Keyspace events and propagated commands, observed through the kernel's hooks. */
describe('strings: keyspace events and propagation', () => {
  let f: Ferrous;
  let c: RawClient;
  let events: string[] = [];
  let propagated: string[][] = [];

  beforeAll(async () => {
    f = await startTestServer();
    f.server.hooks.onKeyspaceEvent((cls, event, key) => events.push(`${cls}:${event}:${key}`));
    f.server.hooks.onPropagate((_db, argv) => propagated.push(argv));
    c = await RawClient.connect(f.port);
  });
  afterAll(async () => {
    c.close();
    await f.close();
  });
  beforeEach(async () => {
    await c.call('FLUSHALL');
    events = [];
    propagated = [];
  });

  it('SET fires set, and expire with a TTL; propagates SET ... PXAT', async () => {
    const before = Date.now();
    expect(await c.call('SET', 'k', 'v', 'EX', '100')).toBe('+OK\r\n');
    expect(events).toEqual(['$:set:k', 'g:expire:k']);
    expect(propagated).toHaveLength(1);
    const [name, key, value, pxat, when] = propagated[0];
    expect([name, key, value, pxat]).toEqual(['SET', 'k', 'v', 'PXAT']);
    expect(Number(when)).toBeGreaterThanOrEqual(before + 100000);
    expect(Number(when)).toBeLessThanOrEqual(Date.now() + 100000);
  });

  it('SETEX and PSETEX propagate as SET ... PXAT; EXAT keeps the given time', async () => {
    await c.call('SETEX', 'a', '10', 'v');
    await c.call('PSETEX', 'b', '10000', 'v');
    await c.call('SET', 'c', 'v', 'EXAT', '4102444800');
    expect(propagated.map((p) => p.slice(0, 4))).toEqual([
      ['SET', 'a', 'v', 'PXAT'],
      ['SET', 'b', 'v', 'PXAT'],
      ['SET', 'c', 'v', 'PXAT'],
    ]);
    expect(propagated[2][4]).toBe('4102444800000');
  });

  it('SET GET propagates without the GET tokens; a failed NX propagates nothing', async () => {
    await c.call('SET', 'k', 'v', 'GET', 'XX', 'get');
    await c.call('SET', 'k', 'v', 'gEt');
    await c.call('SET', 'k', 'w', 'NX');
    expect(propagated).toEqual([['SET', 'k', 'v']]);
    expect(events).toEqual(['m:keymiss:k', 'm:keymiss:k', '$:set:k']);
  });

  it('INCR family fires incrby; INCRBYFLOAT fires incrbyfloat and propagates SET KEEPTTL', async () => {
    await c.call('INCR', 'n');
    await c.call('DECRBY', 'n', '5');
    await c.call('INCRBYFLOAT', 'f', '10.5');
    await c.call('INCRBYFLOAT', 'f', '0.1');
    expect(events).toEqual(['$:incrby:n', '$:incrby:n', '$:incrbyfloat:f', '$:incrbyfloat:f']);
    expect(propagated).toEqual([
      ['INCR', 'n'],
      ['DECRBY', 'n', '5'],
      ['SET', 'f', '10.5', 'KEEPTTL'],
      ['SET', 'f', '10.6', 'KEEPTTL'],
    ]);
  });

  it('APPEND, SETRANGE, MSET, GETSET events', async () => {
    await c.call('APPEND', 'a', 'x');
    await c.call('SETRANGE', 'a', '3', 'y');
    await c.call('SETRANGE', 'a', '3', '');
    await c.call('MSET', 'b', '1', 'c', '2');
    await c.call('MSETNX', 'b', '1', 'd', '2');
    await c.call('GETSET', 'b', '3');
    expect(events).toEqual(['$:append:a', '$:setrange:a', '$:set:b', '$:set:c', '$:set:b']);
    expect(propagated.at(-1)).toEqual(['SET', 'b', '3']);
  });

  it('GETDEL fires del and propagates DEL; misses fire keymiss', async () => {
    await c.call('SET', 'k', 'v');
    events = [];
    propagated = [];
    expect(await c.call('GETDEL', 'k')).toBe('$1\r\nv\r\n');
    expect(await c.call('GETDEL', 'k')).toBe('$-1\r\n');
    expect(await c.call('GET', 'k')).toBe('$-1\r\n');
    expect(events).toEqual(['g:del:k', 'm:keymiss:k', 'm:keymiss:k']);
    expect(propagated).toEqual([['DEL', 'k']]);
  });

  it('GETEX propagates PEXPIREAT, PERSIST or DEL', async () => {
    await c.call('SET', 'k', 'v');
    events = [];
    await c.call('GETEX', 'k', 'PX', '5000');
    await c.call('GETEX', 'k', 'PERSIST');
    await c.call('GETEX', 'k', 'PERSIST');
    await c.call('GETEX', 'k', 'EXAT', '4102444800');
    await c.call('GETEX', 'k');
    await c.call('GETEX', 'k', 'PXAT', '1');
    expect(events).toEqual(['g:expire:k', 'g:persist:k', 'g:expire:k', 'g:del:k']);
    expect(propagated.map((p) => p[0])).toEqual(['SET', 'PEXPIREAT', 'PERSIST', 'PEXPIREAT', 'DEL']);
    expect(propagated[3]).toEqual(['PEXPIREAT', 'k', '4102444800000']);
  });

  it('read-only commands and failed writes propagate nothing', async () => {
    await c.call('SET', 'k', 'abc');
    propagated = [];
    await c.call('GET', 'k');
    await c.call('MGET', 'k', 'x');
    await c.call('GETRANGE', 'k', '0', '1');
    await c.call('LCS', 'k', 'k');
    await c.call('STRLEN', 'k');
    await c.call('INCR', 'k');
    await c.call('SETNX', 'k', 'z');
    await c.call('GETEX', 'k');
    expect(propagated).toEqual([]);
  });
});
