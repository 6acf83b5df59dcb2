import { useRecorder, useServer } from '../../helpers/fixtures';

/** Keyspace events and propagated commands, observed through the kernel's hooks. */
describe('bitmaps: keyspace events and propagation', () => {
  const f = useServer();
  const rec = useRecorder(f);

  it('SETBIT fires setbit only when something changes, and propagates only then', async () => {
    await f.raw.call('SETBIT', 'k', '3', '0');
    await f.raw.call('SETBIT', 'k', '3', '0');
    await f.raw.call('SETBIT', 'k', '3', '1');
    await f.raw.call('SETBIT', 'k', '20', '0');
    expect(rec.events).toEqual(['$:setbit:k', '$:setbit:k', '$:setbit:k']);
    expect(rec.propagated).toEqual([
      ['SETBIT', 'k', '3', '0'],
      ['SETBIT', 'k', '3', '1'],
      ['SETBIT', 'k', '20', '0'],
    ]);
  });

  it('SETBIT and BITFIELD keep the TTL; BITOP drops the destination TTL', async () => {
    await f.raw.call('SET', 'k', 'x', 'EX', '100');
    await f.raw.call('SETBIT', 'k', '0', '1');
    await f.raw.call('BITFIELD', 'k', 'SET', 'u8', '8', '1');
    expect(await f.raw.call('TTL', 'k')).toBe(':100\r\n');
    await f.raw.call('SET', 'd', 'x', 'EX', '100');
    await f.raw.call('BITOP', 'NOT', 'd', 'k');
    expect(await f.raw.call('TTL', 'd')).toBe(':-1\r\n');
  });

  it('BITOP fires set on the destination, del when the result is empty', async () => {
    await f.raw.call('SET', 'a', 'x');
    await f.raw.call('BITOP', 'OR', 'd', 'a', 'missing');
    await f.raw.call('BITOP', 'AND', 'd', 'nothing');
    await f.raw.call('BITOP', 'AND', 'd', 'nothing');
    expect(rec.events).toEqual(['$:set:a', 'm:keymiss:missing', '$:set:d', 'm:keymiss:nothing', 'g:del:d', 'm:keymiss:nothing']);
    expect(rec.propagated).toEqual([
      ['SET', 'a', 'x'],
      ['BITOP', 'OR', 'd', 'a', 'missing'],
      ['BITOP', 'AND', 'd', 'nothing'],
    ]);
  });

  it('BITFIELD fires one setbit per command whose writes changed something, as Redis 7.0 does', async () => {
    await f.raw.call('BITFIELD', 'k', 'SET', 'u8', '0', '1', 'INCRBY', 'u8', '0', '1');
    // FAIL refuses every write, and writing the value already there changes nothing: no event.
    await f.raw.call('BITFIELD', 'k', 'OVERFLOW', 'FAIL', 'INCRBY', 'u8', '0', '1000');
    await f.raw.call('BITFIELD', 'k', 'SET', 'u8', '0', '2');
    await f.raw.call('BITFIELD', 'k', 'GET', 'u8', '0');
    await f.raw.call('BITFIELD_RO', 'missing', 'GET', 'u8', '0');
    expect(rec.events).toEqual(['$:setbit:k', 'm:keymiss:missing']);
    expect(rec.propagated).toHaveLength(1);
  });

  it('read commands report key misses', async () => {
    await f.raw.call('GETBIT', 'a', '0');
    await f.raw.call('BITCOUNT', 'b');
    await f.raw.call('BITPOS', 'c', '1');
    expect(rec.events).toEqual(['m:keymiss:a', 'm:keymiss:b', 'm:keymiss:c']);
  });
});
