import * as net from 'net';
import type { Ferrous } from '../../../kernel/bootstrap';
import { command, RawClient } from '../../helpers/raw-client';
import { startTestServer } from '../../helpers/server';

const MIB = 1024 * 1024;
/** A 1 MiB value of every byte value in turn, so a shifted or torn reply cannot match. */
const VALUE = Buffer.alloc(MIB, Buffer.from(Array.from({ length: 256 }, (_, i) => i))).toString('latin1');
const FRAME = Buffer.from(`$${MIB}\r\n${VALUE}\r\n`, 'latin1');

/**
 * Sends `count` pipelined GETs of `key` in one write and checks the byte stream against `count`
 * identical frames as it arrives, keeping nothing: resolves with the number of whole frames.
 */
function pipelinedGets(port: number, key: string, count: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createConnection({ port, host: '127.0.0.1' });
    let received = 0;
    const total = count * FRAME.length;
    s.on('connect', () => s.write(Buffer.from(command('GET', key).repeat(count), 'latin1')));
    s.on('data', (chunk: Buffer) => {
      for (let at = 0; at < chunk.length; ) {
        const off = received % FRAME.length;
        const n = Math.min(chunk.length - at, FRAME.length - off);
        if (chunk.compare(FRAME, off, off + n, at, at + n) !== 0) {
          s.destroy();
          reject(new Error(`reply ${Math.floor(received / FRAME.length)} differs at byte ${off}: ${JSON.stringify(chunk.latin1Slice(at, at + 80))}`));
          return;
        }
        at += n;
        received += n;
      }
      if (received === total) {
        s.destroy();
        resolve(count);
      }
    });
    s.on('error', reject);
    s.on('close', () => resolve(Math.floor(received / FRAME.length)));
  });
}

describe('large pipelined replies', () => {
  let f: Ferrous;
  let admin: RawClient;

  beforeAll(async () => {
    f = await startTestServer();
    admin = await RawClient.connect(f.port);
    expect(await admin.call('SET', 'big', VALUE)).toBe('+OK\r\n');
  });
  afterAll(async () => {
    admin?.close();
    await f?.close();
  });

  it('answers 600 pipelined GETs of a 1 MiB value, every byte in order (600 MiB of output, more than one V8 string holds)', async () => {
    expect(await pipelinedGets(f.port, 'big', 600)).toBe(600);
    expect(f.server.stats.handlerErrors).toBe(0);
    expect(await admin.call('STRLEN', 'big')).toBe(`:${MIB}\r\n`);
  }, 120_000);

  it("MGET of two 256 MB values, whose reply is longer than V8's longest string, answers in full (found by the fuzzer)", async () => {
    const c = await RawClient.connect(f.port);
    const size = 2 ** 28 + 1;
    try {
      // A bit past 2^31 makes a zero-filled value of 2^28 + 1 bytes but for its last byte.
      expect(await c.call('SETBIT', 'huge', String(2 ** 31 + 7), '1')).toBe(':0\r\n');
      const header = `$${size}\r\n`;
      const frame = header.length + size + 2;
      const total = 4 + 2 * frame + '+PONG\r\n'.length;
      // Only the bytes around each frame's start and end are kept, whatever chunks they come in.
      const windows: Array<[number, number]> = [[0, 4 + header.length + 8], [4 + frame - 3, 4 + frame + header.length + 8], [4 + 2 * frame - 3, total]];
      const got = await new Promise<{ bytes: number; seen: string[] }>((resolve, reject) => {
        const s = net.createConnection({ port: f.port, host: '127.0.0.1' });
        let bytes = 0;
        const seen = windows.map(() => '');
        s.on('connect', () => s.write(command('MGET', 'huge', 'huge') + command('PING')));
        s.on('data', (chunk: Buffer) => {
          windows.forEach(([from, to], i) => {
            const a = Math.max(from, bytes);
            const b = Math.min(to, bytes + chunk.length);
            if (a < b) seen[i] += chunk.latin1Slice(a - bytes, b - bytes);
          });
          bytes += chunk.length;
          // A short reply (an error) ends with the PONG too.
          if (bytes >= total || chunk.latin1Slice(Math.max(0, chunk.length - 7), chunk.length) === '+PONG\r\n') {
            s.destroy();
            resolve({ bytes, seen });
          }
        });
        s.on('error', reject);
        s.on('close', () => resolve({ bytes, seen }));
      });
      const zeros = '\0'.repeat(8);
      expect(got.seen).toEqual([`*2\r\n${header}${zeros}`, `\x01\r\n${header}${zeros}`, '\x01\r\n+PONG\r\n']);
      expect(got.bytes).toBe(total);
      expect(f.server.stats.handlerErrors).toBe(0);
    } finally {
      await c.call('DEL', 'huge');
      c.close();
    }
  }, 120_000);

  it('a normal-class output limit closes a client whose queued replies pass it, mid-pipeline, and nobody else', async () => {
    await admin.call('CONFIG', 'SET', 'client-output-buffer-limit', 'normal 8mb 0 0');
    const closed = f.server.stats.outputLimitClosed;
    try {
      const got = await pipelinedGets(f.port, 'big', 600);
      // Closed once about 8 MiB were queued: far fewer than 600 replies ever left.
      expect(got).toBeLessThan(20);
      expect(f.server.stats.outputLimitClosed).toBe(closed + 1);
      expect(await admin.call('PING')).toBe('+PONG\r\n');
      expect(await admin.call('STRLEN', 'big')).toBe(`:${MIB}\r\n`);
    } finally {
      await admin.call('CONFIG', 'SET', 'client-output-buffer-limit', 'normal 0 0 0');
    }
    expect(await pipelinedGets(f.port, 'big', 30)).toBe(30);
  }, 60_000);

  it("CLIENT INFO counts large replies queued in the same pipeline in oll and omem (Redis's reply list)", async () => {
    const c = await RawClient.connect(f.port);
    try {
      c.write(command('GET', 'big') + command('CLIENT', 'INFO'));
      expect(await c.read()).toBe(FRAME.toString('latin1'));
      const info = await c.read();
      expect(Number(/ oll=(\d+)/.exec(info)![1])).toBeGreaterThanOrEqual(1);
      expect(Number(/ omem=(\d+)/.exec(info)![1])).toBeGreaterThanOrEqual(MIB);
      expect(Number(/ oll=(\d+)/.exec(await c.call('CLIENT', 'INFO'))![1])).toBe(0);
    } finally {
      c.close();
    }
  });

  it('small replies of a pipeline still come out whole and in order around large ones', async () => {
    const c = await RawClient.connect(f.port);
    try {
      c.write(command('PING') + command('GET', 'big') + command('ECHO', 'after') + command('GET', 'big') + command('INCR', 'n'));
      expect(await c.read()).toBe('+PONG\r\n');
      expect(await c.read()).toBe(FRAME.toString('latin1'));
      expect(await c.read()).toBe('$5\r\nafter\r\n');
      expect(await c.read()).toBe(FRAME.toString('latin1'));
      expect(await c.read()).toBe(':1\r\n');
    } finally {
      c.close();
    }
  });
});
