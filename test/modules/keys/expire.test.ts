import { useRecorder, useServer } from '../../helpers/fixtures';

describe('keys: EXPIRE family, TTL family, PERSIST', () => {
  const srv = useServer();
  const rec = useRecorder(srv, { eventDb: true });

  it('EXPIRE sets a TTL that TTL and PTTL read back', async () => {
    await srv.io.set('k', 'v');
    expect(await srv.io.expire('k', 100)).toBe(1);
    expect(await srv.io.ttl('k')).toBe(100);
    const pttl = await srv.io.pttl('k');
    expect(pttl).toBeGreaterThan(99000);
    expect(pttl).toBeLessThanOrEqual(100000);
    expect(await srv.io.expire('missing', 100)).toBe(0);
  });

  it('TTL family: -2 for missing, -1 without TTL', async () => {
    await srv.io.set('k', 'v');
    for (const c of ['TTL', 'PTTL', 'EXPIRETIME', 'PEXPIRETIME']) {
      expect(await srv.raw.call(c, 'nope')).toBe(':-2\r\n');
      expect(await srv.raw.call(c, 'k')).toBe(':-1\r\n');
    }
  });

  it('PEXPIRE, EXPIREAT, PEXPIREAT and the absolute-time readers agree', async () => {
    await srv.io.set('k', 'v');
    const at = Math.floor(Date.now() / 1000) + 1000;
    expect(await srv.io.expireat('k', at)).toBe(1);
    expect(await srv.io.expiretime('k')).toBe(at);
    expect(await srv.io.pexpiretime('k')).toBe(at * 1000);
    expect(await srv.io.pexpireat('k', at * 1000 + 123)).toBe(1);
    expect(await srv.io.pexpiretime('k')).toBe(at * 1000 + 123);
    expect(await srv.io.expiretime('k')).toBe(at);
    expect(await srv.io.pexpire('k', 50000)).toBe(1);
    const ttl = await srv.io.ttl('k');
    expect(ttl).toBeGreaterThanOrEqual(49);
    expect(ttl).toBeLessThanOrEqual(50);
  });

  it('a key expires once its time passes', async () => {
    await srv.io.set('k', 'v');
    expect(await srv.io.pexpire('k', 30)).toBe(1);
    await new Promise((r) => setTimeout(r, 80));
    expect(await srv.io.exists('k')).toBe(0);
    expect(await srv.io.ttl('k')).toBe(-2);
  });

  it('a time in the past deletes the key and propagates DEL', async () => {
    await srv.io.set('k', 'v');
    expect(await srv.io.expire('k', -1)).toBe(1);
    expect(await srv.io.exists('k')).toBe(0);
    expect(rec.propagated).toContainEqual(['DEL', 'k']);
    expect(rec.events).toContain('g:del:k@0');
    await srv.io.set('k', 'v');
    expect(await srv.io.pexpireat('k', 1)).toBe(1);
    expect(await srv.io.get('k')).toBeNull();
  });

  it('propagates EXPIRE and PEXPIRE as PEXPIREAT with the absolute time, keeping options', async () => {
    await srv.io.set('k', 'v');
    const before = Date.now();
    await srv.io.call('EXPIRE', 'k', '100', 'NX');
    const p = rec.propagated.find((a) => a[0] === 'PEXPIREAT')!;
    expect(p[1]).toBe('k');
    expect(Number(p[2])).toBeGreaterThanOrEqual(before + 100000);
    expect(Number(p[2])).toBeLessThanOrEqual(Date.now() + 100000);
    expect(p[3]).toBe('NX');
    expect(rec.events).toContain('g:expire:k@0');
    rec.propagated.length = 0;
    await srv.io.pexpireat('k', 99999999999999);
    expect(rec.propagated).toEqual([['pexpireat', 'k', '99999999999999']]);
  });

  it('NX / XX / GT / LT decide whether the TTL changes', async () => {
    await srv.io.set('k', 'v');
    expect(await srv.io.call('EXPIRE', 'k', '100', 'XX')).toBe(0);
    expect(await srv.io.call('EXPIRE', 'k', '100', 'GT')).toBe(0);
    expect(await srv.io.call('EXPIRE', 'k', '100', 'LT')).toBe(1);
    expect(await srv.io.call('EXPIRE', 'k', '200', 'NX')).toBe(0);
    expect(await srv.io.call('EXPIRE', 'k', '200', 'XX')).toBe(1);
    expect(await srv.io.call('EXPIRE', 'k', '100', 'gt')).toBe(0);
    expect(await srv.io.call('EXPIRE', 'k', '300', 'gt')).toBe(1);
    expect(await srv.io.call('EXPIRE', 'k', '400', 'lt')).toBe(0);
    expect(await srv.io.call('EXPIRE', 'k', '50', 'XX', 'LT')).toBe(1);
    expect(await srv.io.ttl('k')).toBe(50);
    await srv.io.set('p', 'v');
    expect(await srv.io.call('EXPIRE', 'p', '100', 'NX')).toBe(1);
    expect(await srv.io.ttl('p')).toBe(100);
    expect(await srv.io.call('EXPIRE', 'missing', '100', 'NX')).toBe(0);
  });

  it('rejects bad options, non-integers and overflowing times with Redis errors', async () => {
    await srv.io.set('k', 'v');
    const nx = '-ERR NX and XX, GT or LT options at the same time are not compatible\r\n';
    expect(await srv.raw.call('EXPIRE', 'k', '10', 'NX', 'XX')).toBe(nx);
    expect(await srv.raw.call('EXPIRE', 'k', '10', 'NX', 'GT')).toBe(nx);
    expect(await srv.raw.call('PEXPIRE', 'k', '10', 'LT', 'NX')).toBe(nx);
    expect(await srv.raw.call('EXPIRE', 'k', '10', 'GT', 'LT')).toBe('-ERR GT and LT options at the same time are not compatible\r\n');
    expect(await srv.raw.call('EXPIRE', 'k', '10', 'foo')).toBe('-ERR Unsupported option foo\r\n');
    expect(await srv.raw.call('EXPIRE', 'k', 'abc')).toBe('-ERR value is not an integer or out of range\r\n');
    expect(await srv.raw.call('EXPIRE', 'k', '1.5')).toBe('-ERR value is not an integer or out of range\r\n');
    expect(await srv.raw.call('EXPIRE', 'k', '9223372036854775808')).toBe('-ERR value is not an integer or out of range\r\n');
    expect(await srv.raw.call('EXPIRE', 'k', '9223372036854775807')).toBe("-ERR invalid expire time in 'expire' command\r\n");
    expect(await srv.raw.call('EXPIREAT', 'k', '9223372036854776')).toBe("-ERR invalid expire time in 'expireat' command\r\n");
    expect(await srv.raw.call('PEXPIRE', 'k', '9223372036854775807')).toBe("-ERR invalid expire time in 'pexpire' command\r\n");
    expect(await srv.raw.call('EXPIRE', 'k')).toBe("-ERR wrong number of arguments for 'expire' command\r\n");
    expect(await srv.raw.call('TTL')).toBe("-ERR wrong number of arguments for 'ttl' command\r\n");
    expect(await srv.raw.call('PERSIST', 'a', 'b')).toBe("-ERR wrong number of arguments for 'persist' command\r\n");
    expect(await srv.io.ttl('k')).toBe(-1);
    expect(await srv.io.get('k')).toBe('v');
  });

  it('the largest PEXPIREAT reads back as int64 max', async () => {
    await srv.io.set('k', 'v');
    expect(await srv.raw.call('PEXPIREAT', 'k', '9223372036854775807')).toBe(':1\r\n');
    expect(await srv.raw.call('PEXPIRETIME', 'k')).toBe(':9223372036854775807\r\n');
    expect(await srv.raw.call('EXPIRETIME', 'k')).toBe(':9223372036854776\r\n');
    expect(await srv.raw.call('PEXPIREAT', 'k', '-9223372036854775808')).toBe(':1\r\n');
    expect(await srv.io.exists('k')).toBe(0);
  });

  it('PERSIST removes a TTL once', async () => {
    await srv.io.set('k', 'v');
    expect(await srv.io.persist('k')).toBe(0);
    await srv.io.expire('k', 100);
    expect(await srv.nr.persist('k')).toBe(1);
    expect(await srv.io.ttl('k')).toBe(-1);
    expect(await srv.io.persist('k')).toBe(0);
    expect(await srv.io.persist('missing')).toBe(0);
    expect(rec.events).toContain('g:persist:k@0');
  });

  it('SET without KEEPTTL clears the TTL that EXPIRE set', async () => {
    await srv.io.set('k', 'v');
    await srv.io.expire('k', 100);
    await srv.io.set('k', 'w');
    expect(await srv.io.ttl('k')).toBe(-1);
  });

  it('works on binary keys', async () => {
    for (const k of ['\x00', 'a\r\nb', '\xff']) {
      expect(await srv.raw.call('SET', k, 'v')).toBe('+OK\r\n');
      expect(await srv.raw.call('EXPIRE', k, '100')).toBe(':1\r\n');
      expect(await srv.raw.call('TTL', k)).toBe(':100\r\n');
      expect(await srv.raw.call('PERSIST', k)).toBe(':1\r\n');
      expect(await srv.raw.call('PEXPIRE', k, '-5')).toBe(':1\r\n');
      expect(await srv.raw.call('EXISTS', k)).toBe(':0\r\n');
    }
  });
});
