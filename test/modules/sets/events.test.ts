import { useRecorder, useServer } from '../../helpers/fixtures';

/** Keyspace events and propagated commands, observed through the kernel's hooks. */
describe('sets: keyspace events and propagation', () => {
  const f = useServer();
  const rec = useRecorder(f);

  it('SADD fires sadd only when something was added; SREM fires srem, then del when emptied', async () => {
    await f.raw.call('SADD', 's', 'a', 'b');
    await f.raw.call('SADD', 's', 'a');
    await f.raw.call('SREM', 's', 'zz');
    await f.raw.call('SREM', 's', 'a');
    await f.raw.call('SREM', 's', 'b', 'c');
    expect(rec.events).toEqual(['s:sadd:s', 's:srem:s', 's:srem:s', 'g:del:s']);
    expect(rec.propagated).toEqual([
      ['SADD', 's', 'a', 'b'],
      ['SREM', 's', 'a'],
      ['SREM', 's', 'b', 'c'],
    ]);
  });

  it('SADD counts one dirty change per added member, as Redis', async () => {
    const before = f.server.keyspace.stats.dirty;
    await f.raw.call('SADD', 's', 'a', 'b', 'c', 'a');
    expect(f.server.keyspace.stats.dirty - before).toBe(3);
  });

  it('SPOP propagates as SREM of the popped member, and deletes an emptied key', async () => {
    await f.raw.call('SADD', 's', 'only');
    rec.events = [];
    expect(await f.raw.call('SPOP', 's')).toBe('$4\r\nonly\r\n');
    expect(rec.events).toEqual(['s:spop:s', 'g:del:s']);
    expect(rec.propagated.at(-1)).toEqual(['SREM', 's', 'only']);
  });

  it('SPOP with a count propagates one SREM per member; the whole set as DEL; count 0 nothing', async () => {
    const members = Array.from({ length: 10 }, (_, i) => `m${i}`);
    await f.raw.call('SADD', 's', ...members);
    rec.propagated = [];
    rec.events = [];
    await f.raw.call('SPOP', 's', '0');
    expect(rec.propagated).toEqual([]);
    const raw = await f.raw.exec('SPOP', 's', '2');
    expect(rec.propagated).toEqual((raw as string[]).map((m) => ['SREM', 's', m]));
    rec.propagated = [];
    const most = (await f.raw.exec('SPOP', 's', '7')) as string[];
    expect(rec.propagated.map((p) => p[2]).sort()).toEqual([...most].sort());
    expect(rec.propagated.every((p) => p[0] === 'SREM' && p[1] === 's')).toBe(true);
    rec.propagated = [];
    await f.raw.call('SPOP', 's', '5');
    expect(rec.propagated).toEqual([['DEL', 's']]);
    expect(rec.events).toEqual(['s:spop:s', 's:spop:s', 's:spop:s', 'g:del:s']);
  });

  it('SMOVE fires srem on the source (del if emptied) and sadd on the destination', async () => {
    await f.raw.call('SADD', 'src', 'a');
    await f.raw.call('SADD', 'dst', 'a');
    rec.events = [];
    await f.raw.call('SMOVE', 'src', 'dst', 'a');
    expect(rec.events).toEqual(['s:srem:src', 'g:del:src']);
    await f.raw.call('SADD', 'src', 'b');
    rec.events = [];
    await f.raw.call('SMOVE', 'src', 'new', 'b');
    expect(rec.events).toEqual(['s:srem:src', 'g:del:src', 's:sadd:new']);
    rec.events = [];
    await f.raw.call('SMOVE', 'new', 'new', 'b');
    expect(rec.events).toEqual([]);
  });

  it('*STORE commands fire their own events, or del when the result is empty', async () => {
    await f.raw.call('SADD', 'a', '1', '2');
    await f.raw.call('SADD', 'b', '2', '3');
    rec.events = [];
    await f.raw.call('SINTERSTORE', 'd', 'a', 'b');
    await f.raw.call('SUNIONSTORE', 'd', 'a', 'b');
    await f.raw.call('SDIFFSTORE', 'd', 'a', 'b');
    await f.raw.call('SINTERSTORE', 'd', 'a', 'nokey');
    await f.raw.call('SDIFFSTORE', 'd', 'a', 'a');
    expect(rec.events).toEqual(['s:sinterstore:d', 's:sunionstore:d', 's:sdiffstore:d', 'g:del:d']);
    expect(rec.propagated.map((p) => p[0])).toEqual(['SADD', 'SADD', 'SINTERSTORE', 'SUNIONSTORE', 'SDIFFSTORE', 'SINTERSTORE']);
  });

  it('reads fire keymiss for missing keys; writes do not', async () => {
    await f.raw.call('SMEMBERS', 'nokey');
    await f.raw.call('SINTER', 'n1', 'n2');
    await f.raw.call('SPOP', 'nokey');
    expect(rec.events).toEqual(['m:keymiss:nokey', 'm:keymiss:n1', 'm:keymiss:n2']);
  });
});
