import * as net from 'net';
import { useCompat } from '../helpers/compat';
import { RawClient } from '../helpers/raw-client';

/** A port that was free a moment ago: each side binds it itself, so a race only fails the bind the test expects to succeed. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

function refused(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.createConnection({ port, host: '127.0.0.1' });
    s.once('connect', () => {
      s.destroy();
      resolve(false);
    });
    s.once('error', () => resolve(true));
  });
}

describe('CONFIG SET port vs Redis 7.0', () => {
  const h = useCompat();

  it("listens on the new port and stops on the old one, keeps connected clients, and refuses a port it cannot bind with Redis's text, every pair put back", async () => {
    const blocker = net.createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '0.0.0.0', resolve));
    const busy = (blocker.address() as net.AddressInfo).port;
    const replies: Record<string, string[]> = {};
    try {
      for (const [side, port] of [['redis', h.redisPort()], ['ferrous', h.ferrousPort()]] as const) {
        const out: string[] = [];
        const c = await RawClient.connect(port);
        try {
          out.push(await c.call('CONFIG', 'SET', 'hz', '33', 'port', String(busy)));
          out.push(await c.call('CONFIG', 'GET', 'hz'));
          out.push(await c.call('PING'));
          expect(await refused(port)).toBe(false);
          const next = await freePort();
          out.push(await c.call('CONFIG', 'SET', 'port', String(next), 'hz', '12'));
          out.push(await c.call('CONFIG', 'GET', 'hz'));
          // The connection made on the old port stays; new ones go to the new port only.
          out.push(await c.call('PING'));
          expect(await c.call('CONFIG', 'GET', 'port')).toBe(`*2\r\n$4\r\nport\r\n$${String(next).length}\r\n${next}\r\n`);
          const d = await RawClient.connect(next);
          out.push(await d.call('PING'));
          d.close();
          expect(await refused(port)).toBe(true);
          out.push(await c.call('CONFIG', 'SET', 'port', String(port), 'hz', '10'));
          expect(await refused(next)).toBe(true);
        } finally {
          c.close();
        }
        const again = await RawClient.connect(port);
        out.push(await again.call('PING'));
        again.close();
        replies[side] = out;
      }
    } finally {
      blocker.close();
    }
    expect(replies.ferrous).toEqual(replies.redis);
    expect(replies.redis[0]).toBe("-ERR CONFIG SET failed (possibly related to argument 'port') - Unable to listen on this port. Check server logs.\r\n");
    expect(replies.redis[1]).toBe('*2\r\n$2\r\nhz\r\n$2\r\n10\r\n');
  });
});
