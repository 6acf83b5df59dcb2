import * as net from 'net';
import { OutboundConnection, OutboundTimeout } from '../../kernel/outbound';
import { DoubleReply, MapReply, PushReply, ReplyError, SetReply, StatusReply, VerbatimReply, BigNumberReply, IntegerReply } from '../../kernel/reply';
import { INCOMPLETE, ReplyProtocolError, ReplyReader } from '../../kernel/resp/reply-reader';
import { waitFor } from '../helpers/fixtures';
import { startRealRedis, type RealRedis } from '../helpers/redis';

describe('ReplyReader', () => {
  const all = (r: ReplyReader) => {
    const out: unknown[] = [];
    for (let v = r.next(); v !== INCOMPLETE; v = r.next()) out.push(v);
    return out;
  };

  test('every RESP2 and RESP3 type, fed one byte at a time', () => {
    const wire =
      '+OK\r\n-ERR bad\r\n:42\r\n:-9223372036854775808\r\n$3\r\na\x00\xff\r\n$-1\r\n*-1\r\n*0\r\n' +
      '*2\r\n*1\r\n:1\r\n$0\r\n\r\n_\r\n,1.5\r\n,inf\r\n#t\r\n#f\r\n(12345678901234567890\r\n' +
      '=7\r\ntxt:abc\r\n!5\r\nERR x\r\n%1\r\n+k\r\n:1\r\n~2\r\n:1\r\n:2\r\n>2\r\n+message\r\n$1\r\nx\r\n';
    const r = new ReplyReader();
    const got: unknown[] = [];
    for (const ch of Buffer.from(wire, 'latin1')) {
      r.feed(Buffer.from([ch]));
      got.push(...all(r));
    }
    expect(got).toEqual([
      new StatusReply('OK'),
      new ReplyError('ERR bad'),
      42,
      new IntegerReply('-9223372036854775808'),
      'a\x00\xff',
      null,
      null,
      [],
      [[1], ''],
      null,
      new DoubleReply(1.5),
      new DoubleReply(Infinity),
      true,
      false,
      new BigNumberReply('12345678901234567890'),
      new VerbatimReply('txt', 'abc'),
      new ReplyError('ERR x'),
      new MapReply([new StatusReply('k'), 1]),
      new SetReply([1, 2]),
      new PushReply([new StatusReply('message'), 'x']),
    ]);
  });

  test('bytes that are not RESP are a protocol error; what follows replies stays for takeRest', () => {
    const r = new ReplyReader();
    r.feed(Buffer.from('?what\r\n'));
    expect(() => r.next()).toThrow(ReplyProtocolError);
    const s = new ReplyReader();
    s.feed(Buffer.from('+FULLRESYNC id 0\r\n$5\r\nREDIS'));
    expect(s.next()).toEqual(new StatusReply('FULLRESYNC id 0'));
    expect(s.takeRest().toString()).toBe('$5\r\nREDIS');
  });
});

describe('OutboundConnection', () => {
  let redis: RealRedis;
  beforeAll(async () => (redis = await startRealRedis()));
  afterAll(() => redis.stop());

  test('pipelined calls to redis-server get their replies in order', async () => {
    const c = await OutboundConnection.open('127.0.0.1', redis.port);
    try {
      const replies = await Promise.all([
        c.call(['SET', 'out:k', 'v\x00\xff']),
        c.call(['GET', 'out:k']),
        c.call(['INCR', 'out:k']),
        c.call(['HELLO', '3']),
        c.call(['HSET', 'out:h', 'f', '1']),
        c.call(['HGETALL', 'out:h']),
      ]);
      expect(replies.slice(0, 3)).toEqual([new StatusReply('OK'), 'v\x00\xff', new ReplyError('ERR value is not an integer or out of range')]);
      expect(replies[3]).toBeInstanceOf(MapReply);
      expect(replies[5]).toEqual(new MapReply(['f', '1']));
    } finally {
      c.close();
    }
  });

  test('refused and timed-out connects reject; a peer closing rejects what is pending', async () => {
    const free = await new Promise<number>((res) => {
      const s = net.createServer().listen(0, '127.0.0.1', () => {
        const p = (s.address() as net.AddressInfo).port;
        s.close(() => res(p));
      });
    });
    await expect(OutboundConnection.open('127.0.0.1', free)).rejects.toThrow(/ECONNREFUSED/);
    // A server that accepts and then says nothing, and one that hangs up.
    const silent = net.createServer((s) => s.on('data', () => undefined)).listen(0, '127.0.0.1');
    await new Promise((r) => silent.once('listening', r));
    const c = await OutboundConnection.open('127.0.0.1', (silent.address() as net.AddressInfo).port);
    await expect(c.call(['PING'], 100)).rejects.toBeInstanceOf(OutboundTimeout);
    expect(c.closed).toBe(true);
    const rude = net.createServer((s) => s.on('data', () => s.destroy())).listen(0, '127.0.0.1');
    await new Promise((r) => rude.once('listening', r));
    const d = await OutboundConnection.open('127.0.0.1', (rude.address() as net.AddressInfo).port);
    const closed = new Promise((r) => d.onClose(r));
    await expect(d.call(['PING'])).rejects.toThrow(/closed by the peer/);
    expect(await closed).toBeInstanceOf(Error);
    silent.close();
    rude.close();
  });

  test('a pipeline times each reply from the one before it, as Redis times each read', async () => {
    // Answers one command a second: three replies take 3 s, more than the 2.5 s each may take
    // after the last (a margin of 1.5 s for timers that fire late on a loaded machine).
    const slow = net
      .createServer((s) => {
        let queued = 0;
        // Replies still queued when the client gave up are written to a closed socket.
        s.on('error', () => undefined);
        s.on('data', (d) => {
          const n = d.toString('latin1').split('*1').length - 1;
          for (let i = 0; i < n; i++) setTimeout(() => s.write('+PONG\r\n'), 1000 * ++queued);
        });
      })
      .listen(0, '127.0.0.1');
    await new Promise((r) => slow.once('listening', r));
    const c = await OutboundConnection.open('127.0.0.1', (slow.address() as net.AddressInfo).port);
    try {
      const started = Date.now();
      const replies = await Promise.all(c.callAll([['PING'], ['PING'], ['PING']], 2500));
      expect(replies).toEqual([new StatusReply('PONG'), new StatusReply('PONG'), new StatusReply('PONG')]);
      expect(Date.now() - started).toBeGreaterThanOrEqual(2900);
      await expect(Promise.all(c.callAll([['PING'], ['PING']], 100))).rejects.toBeInstanceOf(OutboundTimeout);
      expect(c.closed).toBe(true);
    } finally {
      c.close();
      slow.close();
    }
  });

  test('stream() hands over the bytes that follow a reply, as after PSYNC', async () => {
    const server = net
      .createServer((s) => s.once('data', () => s.write('+FULLRESYNC abc 0\r\n$5\r\nREDIS' + 'tail')))
      .listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    const c = await OutboundConnection.open('127.0.0.1', (server.address() as net.AddressInfo).port);
    const chunks: Buffer[] = [];
    const reply = await c.call(['PSYNC', '?', '-1']).then((r) => {
      c.stream((b) => chunks.push(b));
      return r;
    });
    expect(reply).toEqual(new StatusReply('FULLRESYNC abc 0'));
    await waitFor(() => Buffer.concat(chunks).length >= 13, 'the streamed bytes');
    expect(Buffer.concat(chunks).toString()).toBe('$5\r\nREDIStail');
    c.close();
    server.close();
  });
});
