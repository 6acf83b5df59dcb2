import { useRecorder, useServer } from '../../helpers/fixtures';

/** Keyspace events and propagated commands of sorted-set writes, observed through the kernel's hooks. */
describe('sorted sets: keyspace events and propagation', () => {
  const f = useServer();
  const rec = useRecorder(f);

  it('ZADD/ZINCRBY fire zadd/zincr only when something changed', async () => {
    await f.raw.call('ZADD', 'z', '1', 'a');
    await f.raw.call('ZADD', 'z', '1', 'a');
    await f.raw.call('ZADD', 'z', 'NX', '5', 'a');
    await f.raw.call('ZINCRBY', 'z', '2', 'a');
    await f.raw.call('ZADD', 'z', 'INCR', '1', 'a');
    await f.raw.call('ZADD', 'z', 'XX', '1', 'nope');
    expect(rec.events).toEqual(['z:zadd:z', 'z:zincr:z', 'z:zincr:z']);
    expect(rec.propagated).toEqual([
      ['ZADD', 'z', '1', 'a'],
      ['ZINCRBY', 'z', '2', 'a'],
      ['ZADD', 'z', 'INCR', '1', 'a'],
    ]);
  });

  it('removals fire their events, then del when the set empties', async () => {
    await f.raw.call('ZADD', 'z', '1', 'a', '2', 'b', '3', 'c', '4', 'd', '5', 'e');
    rec.events = [];
    await f.raw.call('ZREM', 'z', 'a', 'nope');
    await f.raw.call('ZREM', 'z', 'nope');
    await f.raw.call('ZREMRANGEBYSCORE', 'z', '2', '2');
    await f.raw.call('ZREMRANGEBYRANK', 'z', '0', '0');
    await f.raw.call('ZREMRANGEBYLEX', 'z', '[d', '[d');
    await f.raw.call('ZPOPMIN', 'z');
    expect(rec.events).toEqual([
      'z:zrem:z',
      'z:zremrangebyscore:z',
      'z:zremrangebyrank:z',
      'z:zremrangebylex:z',
      'z:zpopmin:z',
      'g:del:z',
    ]);
  });

  it('stores fire their events, or del when the result is empty', async () => {
    await f.raw.call('ZADD', 'a', '1', 'x');
    rec.events = [];
    await f.raw.call('ZUNIONSTORE', 'd', '1', 'a');
    await f.raw.call('ZINTERSTORE', 'd', '1', 'a');
    await f.raw.call('ZDIFFSTORE', 'd', '1', 'a');
    await f.raw.call('ZRANGESTORE', 'd', 'a', '0', '-1');
    await f.raw.call('ZRANGESTORE', 'd', 'a', '5', '6');
    await f.raw.call('ZUNIONSTORE', 'd', '1', 'nokey');
    expect(rec.events).toEqual(['z:zunionstore:d', 'z:zinterstore:d', 'z:zdiffstore:d', 'z:zrangestore:d', 'g:del:d']);
  });

  it('ZMPOP propagates as ZPOPMIN/ZPOPMAX with a count; nothing when all keys are empty', async () => {
    await f.raw.call('ZADD', 'z', '1', 'a', '2', 'b');
    rec.propagated = [];
    rec.events = [];
    expect(await f.raw.call('ZMPOP', '2', 'nokey', 'z', 'MAX', 'COUNT', '5')).toBe('*2\r\n$1\r\nz\r\n*2\r\n*2\r\n$1\r\nb\r\n$1\r\n2\r\n*2\r\n$1\r\na\r\n$1\r\n1\r\n');
    expect(await f.raw.call('ZMPOP', '1', 'z', 'MIN')).toBe('*-1\r\n');
    expect(rec.propagated).toEqual([['ZPOPMAX', 'z', '5']]);
    expect(rec.events).toEqual(['z:zpopmax:z', 'g:del:z']);
  });

  it('COPY, TYPE and OBJECT ENCODING see the registered type', async () => {
    await f.raw.call('ZADD', 'z', '1', 'a', '2', 'b');
    expect(await f.raw.call('TYPE', 'z')).toBe('+zset\r\n');
    expect(await f.raw.call('OBJECT', 'ENCODING', 'z')).toBe('$8\r\nlistpack\r\n');
    expect(await f.raw.call('COPY', 'z', 'y')).toBe(':1\r\n');
    await f.raw.call('ZADD', 'y', '3', 'c');
    expect(await f.raw.call('ZCARD', 'z')).toBe(':2\r\n');
    expect(await f.raw.call('ZRANGE', 'y', '0', '-1')).toBe('*3\r\n$1\r\na\r\n$1\r\nb\r\n$1\r\nc\r\n');
  });
});
