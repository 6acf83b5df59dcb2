import * as net from 'net';
import { openTransport, type Transport } from '../../kernel/transport';
import { waitFor } from '../helpers/fixtures';

/**
 * Both transports against a real TCP connection: the direct one (libuv handle, shared read
 * buffer) that Ferrous uses on Node, and the stream-API fallback for runtimes without it.
 */
interface Pair {
  transport: Transport;
  peer: net.Socket;
  received: Buffer[];
  closed: () => number;
  close: () => Promise<void>;
}

async function pair(direct: boolean): Promise<Pair> {
  const received: Buffer[] = [];
  let closedCount = 0;
  let transport!: Transport;
  const server = net.createServer((s) => {
    transport = openTransport(s, { data: (chunk) => received.push(Buffer.from(chunk)), closed: () => closedCount++ }, direct);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as net.AddressInfo).port;
  const peer = net.connect(port, '127.0.0.1');
  await new Promise<void>((r) => server.once('connection', () => setImmediate(r)));
  return {
    transport,
    peer,
    received,
    closed: () => closedCount,
    close: () => new Promise<void>((r) => {
      peer.destroy();
      server.close(() => r());
    }),
  };
}

function until(cond: () => boolean): Promise<void> {
  return waitFor(cond, 'the bytes or the close to reach the other end');
}

describe.each([
  ['direct', true],
  ['stream', false],
])('%s transport', (_name, direct) => {
  test(`reports whether it drives the handle directly`, async () => {
    const p = await pair(direct);
    // Node 20+ exposes the stream_wrap binding: the direct path must be the one in use.
    expect(p.transport.direct).toBe(direct);
    await p.close();
  });

  test('delivers bytes in order, binary intact', async () => {
    const p = await pair(direct);
    const bytes = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
    p.peer.write(bytes);
    p.peer.write('tail\r\n');
    await until(() => Buffer.concat(p.received).length === 262);
    expect(Buffer.concat(p.received)).toEqual(Buffer.concat([bytes, Buffer.from('tail\r\n')]));
    await p.close();
  });

  test('writes latin1 strings byte for byte, large ones included', async () => {
    const p = await pair(direct);
    const chunks: Buffer[] = [];
    p.peer.on('data', (b: Buffer) => chunks.push(b));
    const small = '\x00\xff\r\n';
    const large = 'z'.repeat(8 * 1024 * 1024);
    p.transport.write(small);
    p.transport.write(large);
    await until(() => Buffer.concat(chunks).length === small.length + large.length);
    const all = Buffer.concat(chunks);
    expect(all.subarray(0, 4)).toEqual(Buffer.from([0, 255, 13, 10]));
    expect(all.subarray(4).toString('latin1')).toBe(large);
    expect(p.transport.pending).toBe(0);
    await p.close();
  });

  test('end() closes after the queued output was written', async () => {
    const p = await pair(direct);
    let got = '';
    p.peer.on('data', (b: Buffer) => (got += b.toString('latin1')));
    const ended = new Promise<void>((r) => p.peer.on('close', () => r()));
    p.transport.write('+OK\r\n');
    p.transport.end();
    await ended;
    expect(got).toBe('+OK\r\n');
    await p.close();
  });

  test('the peer closing is reported', async () => {
    const p = await pair(direct);
    p.peer.end();
    await until(() => p.closed() > 0);
    await p.close();
  });

  test('destroy() drops the connection and later writes are ignored', async () => {
    const p = await pair(direct);
    const ended = new Promise<void>((r) => p.peer.on('close', () => r()));
    p.transport.destroy();
    p.transport.write('+late\r\n');
    await ended;
    expect(p.transport.pending).toBe(0);
    await p.close();
  });
});
