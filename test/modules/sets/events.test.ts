import { useRecorder, useServer } from '../../helpers/fixtures';

/** Keyspace events and propagated commands, observed through the kernel's hooks. */
describe('sets: keyspace events and propagation', () => {
  const f = useServer();
  const rec = useRecorder(f);

  it('SADD fires sadd only when something was added; SREM fires srem, then del when emptied', async () => {
    await c.call('SADD', 's', 'a', 'b');
    await c.call('SADD', 's', 'a');
    await c.call('SREM', 's', 'zz');
    await c.call('SREM', 's', 'a');
    await c.call('SREM', 's', 'b', 'c');
    expect(events).toEqual(['s:sadd:s', 's:srem:s', 's:srem:s', 'g:del:s']);
    expect(propagated).toEqual([
      ['SADD', 's', 'a', 'b'],
      ['SREM', 's', 'a'],
      ['SREM', 's', 'b', 'c'],
    ]);
  });

  it('SADD counts one dirty change per added member, as Redis', async () => {
    const before = f.server.keyspace.stats.dirty;
    await c.call('SADD', 's', 'a', 'b', 'c', 'a');
    expect(f.server.keyspace.stats.dirty - before).toBe(3);
  });

  it('SPOP propagates as SREM of the popped member, and deletes an emptied key', async () => {
    await c.call('SADD', 's', 'only');
    events = [];
    expect(await c.call('SPOP', 's')).toBe('$4\r\nonly\r\n');
    expect(events).toEqual(['s:spop:s', 'g:del:s']);
    expect(propagated.at(-1)).toEqual(['SREM', 's', 'only']);
  });

  it('SPOP with a count propagates one SREM per member; the whole set as DEL; count 0 nothing', async () => {
    const members = Array.from({ length: 10 }, (_, i) => `m${i}`);
    await c.call('SADD', 's', ...members);
    propagated = [];
    events = [];
    await c.call('SPOP', 's', '0');
    expect(propagated).toEqual([]);
    const raw = await c.exec('SPOP', 's', '2');
    expect(propagated).toEqual((raw as string[]).map((m) => ['SREM', 's', m]));
    propagated = [];
    const most = (await c.exec('SPOP', 's', '7')) as string[];
    expect(propagated.map((p) => p[2]).sort()).toEqual([...most].sort());
    expect(propagated.every((p) => p[0] === 'SREM' && p[1] === 's')).toBe(true);
    propagated = [];
    await c.call('SPOP', 's', '5');
    expect(propagated).toEqual([['DEL', 's']]);
    expect(events).toEqual(['s:spop:s', 's:spop:s', 's:spop:s', 'g:del:s']);
  });

  it('SMOVE fires srem on the source (del if emptied) and sadd on the destination', async () => {
    await c.call('SADD', 'src', 'a');
    await c.call('SADD', 'dst', 'a');
    events = [];
    await c.call('SMOVE', 'src', 'dst', 'a');
    expect(events).toEqual(['s:srem:src', 'g:del:src']);
    await c.call('SADD', 'src', 'b');
    events = [];
    await c.call('SMOVE', 'src', 'new', 'b');
    expect(events).toEqual(['s:srem:src', 'g:del:src', 's:sadd:new']);
    events = [];
    await c.call('SMOVE', 'new', 'new', 'b');
    expect(events).toEqual([]);
  });

  it('*STORE commands fire their own events, or del when the result is empty', async () => {
    await c.call('SADD', 'a', '1', '2');
    await c.call('SADD', 'b', '2', '3');
    events = [];
    await c.call('SINTERSTORE', 'd', 'a', 'b');
    await c.call('SUNIONSTORE', 'd', 'a', 'b');
    await c.call('SDIFFSTORE', 'd', 'a', 'b');
    await c.call('SINTERSTORE', 'd', 'a', 'nokey');
    await c.call('SDIFFSTORE', 'd', 'a', 'a');
    expect(events).toEqual(['s:sinterstore:d', 's:sunionstore:d', 's:sdiffstore:d', 'g:del:d']);
    expect(propagated.map((p) => p[0])).toEqual(['SADD', 'SADD', 'SINTERSTORE', 'SUNIONSTORE', 'SDIFFSTORE', 'SINTERSTORE']);
  });

  it('reads fire keymiss for missing keys; writes do not', async () => {
    await c.call('SMEMBERS', 'nokey');
    await c.call('SINTER', 'n1', 'n2');
    await c.call('SPOP', 'nokey');
    expect(events).toEqual(['m:keymiss:nokey', 'm:keymiss:n1', 'm:keymiss:n2']);
  });
});
