import * as fs from 'fs';
import * as net from 'net';
import * as os from 'os';
import * as path from 'path';
import type { Client } from '../../../kernel';
import { type Ferrous, startServer } from '../../../kernel/bootstrap';
import { command, RawClient } from '../../helpers/raw-client';
import { useServer, waitFor } from '../../helpers/fixtures';

const PAYLOAD = 'x'.repeat(64 * 1024);

/** A subscriber that stops reading: its socket is paused right after the confirmation. */
async function stalledSubscriber(port: number, name: string, channel: string): Promise<net.Socket> {
  const s = net.createConnection({ port, host: '127.0.0.1' });
  await new Promise<void>((resolve, reject) => {
    s.once('connect', resolve);
    s.once('error', reject);
  });
  s.on('error', () => undefined);
  s.write(command('CLIENT', 'SETNAME', name) + command('SUBSCRIBE', channel));
  await new Promise<void>((resolve) => {
    let seen = '';
    const onData = (d: Buffer): void => {
      seen += d.toString('latin1');
      if (seen.includes(':1\r\n')) {
        s.off('data', onData);
        s.pause();
        resolve();
      }
    };
    s.on('data', onData);
  });
  return s;
}

function serverClient(f: Pick<Ferrous, 'server'>, name: string): Client | undefined {
  return [...f.server.clients.values()].find((c) => c.name === name);
}

/** Publish PAYLOAD to `channel` in pipelined batches until `done()`, at most `max` messages. */
async function flood(pub: RawClient, channel: string, done: () => boolean, max = 2000, size = 16): Promise<number> {
  let sent = 0;
  while (!done() && sent < max) {
    let batch = '';
    for (let i = 0; i < size; i++) batch += command('PUBLISH', channel, PAYLOAD);
    pub.write(batch);
    for (let i = 0; i < size; i++) await pub.read();
    sent += size;
  }
  return sent;
}

describe('pubsub: output buffer limits', () => {
  const f = useServer();

  it('a subscriber that stops reading is closed at the hard limit; everyone else carries on', async () => {
    const admin = await RawClient.connect(f.port);
    const pub = await RawClient.connect(f.port);
    const reader = await RawClient.connect(f.port);
    try {
      expect(await admin.call('CONFIG', 'SET', 'client-output-buffer-limit', 'pubsub 256kb 0 0')).toBe('+OK\r\n');
      await reader.call('SUBSCRIBE', 'flood');
      const slow = await stalledSubscriber(f.port, 'slow', 'flood');
      let received = 0;
      reader.socket.removeAllListeners('data');
      reader.socket.on('data', (d: Buffer) => (received += d.length));
      await pub.call('PUBLISH', 'flood', 'start');
      // Two messages a batch: what one turn queues for the reading subscriber stays under the
      // limit (queued output counts at once, as in Redis), so only the stalled one passes it.
      const sent = await flood(pub, 'flood', () => serverClient(f, 'slow') === undefined, 2000, 2);
      expect(serverClient(f, 'slow')).toBeUndefined();
      expect(sent).toBeLessThan(2000);
      // The reading subscriber got every message, and the publisher still gets answers.
      const frame = `*3\r\n$7\r\nmessage\r\n$5\r\nflood\r\n$${PAYLOAD.length}\r\n${PAYLOAD}\r\n`;
      const expected = '*3\r\n$7\r\nmessage\r\n$5\r\nflood\r\n$5\r\nstart\r\n'.length + sent * frame.length;
      await waitFor(() => received >= expected, 'the reader to get every message');
      expect(received).toBe(expected);
      expect(await pub.call('PUBLISH', 'flood', 'after')).toBe(':1\r\n');
      expect(await admin.call('PING')).toBe('+PONG\r\n');
      slow.destroy();
    } finally {
      await admin.call('CONFIG', 'SET', 'client-output-buffer-limit', 'pubsub 32mb 8mb 60');
      admin.close();
      pub.close();
      reader.close();
    }
  });

  it('over the soft limit the subscriber survives until the soft seconds have passed', async () => {
    const admin = await RawClient.connect(f.port);
    const pub = await RawClient.connect(f.port);
    try {
      await admin.call('CONFIG', 'SET', 'client-output-buffer-limit', 'pubsub 0 256kb 1');
      const slow = await stalledSubscriber(f.port, 'soft', 'soft');
      const pending = (): number => serverClient(f, 'soft')?.transport?.pending ?? 0;
      await flood(pub, 'soft', () => pending() >= 256 * 1024);
      // Just over the soft limit: not closed yet.
      expect(serverClient(f, 'soft')).toBeDefined();
      // Still over it a second later (and still written to): closed.
      await waitFor(
        () => {
          if (serverClient(f, 'soft') !== undefined) pub.write(command('PUBLISH', 'soft', 'more'));
          return serverClient(f, 'soft') === undefined;
        },
        'the soft limit to close the subscriber',
        10000,
      );
      expect(serverClient(f, 'soft')).toBeUndefined();
      slow.destroy();
    } finally {
      await admin.call('CONFIG', 'SET', 'client-output-buffer-limit', 'pubsub 32mb 8mb 60');
      admin.close();
      pub.close();
    }
  });

  it('normal clients have no limit by default; a class limit applies to its class only', async () => {
    const admin = await RawClient.connect(f.port);
    const pub = await RawClient.connect(f.port);
    try {
      // A normal client reading a big reply late is not closed...
      await admin.call('SET', 'big', 'y'.repeat(4 * 1024 * 1024));
      const late = net.createConnection({ port: f.port, host: '127.0.0.1' });
      await new Promise((r) => late.once('connect', r));
      late.pause();
      late.write(command('CLIENT', 'SETNAME', 'late') + command('GET', 'big').repeat(8));
      await waitFor(() => (serverClient(f, 'late')?.transport?.pending ?? 0) > 1024 * 1024, 'output to pile up');
      expect(serverClient(f, 'late')).toBeDefined();
      // ...until its class gets a limit: then the next write closes it.
      await admin.call('CONFIG', 'SET', 'client-output-buffer-limit', 'normal 1mb 0 0');
      late.write(command('PING'));
      await waitFor(() => serverClient(f, 'late') === undefined, 'the normal client to be closed');
      expect(await admin.call('PING')).toBe('+PONG\r\n');
      late.destroy();
    } finally {
      await admin.call('CONFIG', 'SET', 'client-output-buffer-limit', 'normal 0 0 0');
      await admin.call('DEL', 'big');
      admin.close();
      pub.close();
    }
  });

  it('config file lines for several classes accumulate', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ferrous-obuf-'));
    const file = path.join(dir, 'redis.conf');
    fs.writeFileSync(file, 'client-output-buffer-limit pubsub 1mb 512kb 5\nclient-output-buffer-limit replica 2mb 1mb 10\n');
    const f2 = await startServer({ configFile: file, config: { port: 0, bind: '127.0.0.1', loglevel: 'warning', save: '', dir } });
    try {
      const c = await RawClient.connect(f2.port);
      expect(await c.exec('CONFIG', 'GET', 'client-output-buffer-limit')).toEqual([
        'client-output-buffer-limit',
        'normal 0 0 0 slave 2097152 1048576 10 pubsub 1048576 524288 5',
      ]);
      expect(f2.server.outputLimits[2]).toEqual({ hard: 1048576, soft: 524288, softSeconds: 5 });
      c.close();
    } finally {
      await f2.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
