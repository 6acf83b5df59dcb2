import { useRecorder, useServer } from '../../helpers/fixtures';

/** Keyspace events and propagated commands, observed through the kernel's hooks. */
describe('hyperloglog: keyspace events and propagation', () => {
  const f = useServer();
  const rec = useRecorder(f);

  it('PFADD fires pfadd and propagates only when a register changes', async () => {
    await f.raw.call('PFADD', 'k', 'a');
    await f.raw.call('PFADD', 'k', 'a');
    await f.raw.call('PFADD', 'e');
    expect(rec.events).toEqual(['$:pfadd:k', '$:pfadd:e']);
    expect(rec.propagated).toEqual([
      ['PFADD', 'k', 'a'],
      ['PFADD', 'e'],
    ]);
  });

  it('PFCOUNT propagates when it caches the cardinality, without an event', async () => {
    await f.raw.call('PFADD', 'k', 'a', 'b');
    rec.events = [];
    rec.propagated = [];
    expect(await f.raw.call('PFCOUNT', 'k')).toBe(':2\r\n');
    expect(await f.raw.call('PFCOUNT', 'k')).toBe(':2\r\n');
    expect(await f.raw.call('PFCOUNT', 'k', 'other')).toBe(':2\r\n');
    expect(rec.events).toEqual(['m:keymiss:other']);
    expect(rec.propagated).toEqual([['PFCOUNT', 'k']]);
  });

  it('PFMERGE fires pfadd on the destination and keeps its TTL', async () => {
    await f.raw.call('PFADD', 'd', 'x');
    await f.raw.call('EXPIRE', 'd', '100');
    rec.events = [];
    await f.raw.call('PFMERGE', 'd', 'missing');
    expect(rec.events).toEqual(['m:keymiss:missing', '$:pfadd:d']);
    expect(await f.raw.call('TTL', 'd')).toBe(':100\r\n');
  });
});
