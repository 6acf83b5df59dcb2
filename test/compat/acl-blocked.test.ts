import { useCompat } from '../helpers/compat';
import { waitFor } from '../helpers/fixtures';
import { RawClient } from '../helpers/raw-client';

/**
 * Clients blocked in BLPOP while their user changes, against redis-server 7.0: ACL DELUSER
 * closes the user's connections at once, blocked ones included; ACL SETUSER (off, a command
 * or key permission taken away) leaves an already blocked command waiting, and it is served
 * when its key is pushed, as Redis 7.0 serves it without checking the permissions again.
 */
async function scenario(port: number): Promise<Record<string, string>> {
  const control = await RawClient.connect(port);
  const blocked: RawClient[] = [];
  try {
    await control.call('FLUSHALL');
    for (const u of ['off', 'deleted', 'narrowed', 'other']) {
      await control.call('ACL', 'SETUSER', u, 'on', '>pw', '~*', '+@all');
      const c = await RawClient.connect(port);
      blocked.push(c);
      await c.call('AUTH', u, 'pw');
      c.write(`*3\r\n$5\r\nBLPOP\r\n$${u.length + 2}\r\nq:${u}\r\n$1\r\n0\r\n`);
    }
    await waitFor(async () => /blocked_clients:4\r/.test(await control.call('INFO', 'clients')), 'four blocked clients');
    const out: Record<string, string> = {};
    out.off = await control.call('ACL', 'SETUSER', 'off', 'off');
    out.deleted = await control.call('ACL', 'DELUSER', 'deleted');
    out.narrowed = await control.call('ACL', 'SETUSER', 'narrowed', '-blpop', 'resetkeys', '-@list');
    await waitFor(async () => /blocked_clients:3\r/.test(await control.call('INFO', 'clients')), 'the deleted user gone');
    out.stillBlocked = (await control.call('INFO', 'clients')).match(/blocked_clients:\d+/)![0];
    for (const u of ['off', 'narrowed', 'other']) await control.call('RPUSH', `q:${u}`, 'x');
    const [off, deleted, narrowed, other] = blocked;
    out.offReply = await off.read();
    out.deletedReply = await deleted.read().catch((e: Error) => e.message.replace(/ \(unread.*/, ''));
    out.narrowedReply = await narrowed.read();
    out.otherReply = await other.read();
    // Once served, the narrowed user's next BLPOP is refused.
    out.narrowedAgain = await narrowed.call('BLPOP', 'q:narrowed', '0.01');
    // The disabled user's connection stays logged in, as in Redis: only new AUTHs fail.
    out.offAgain = await off.call('LPUSH', 'q:off', 'y');
    const fresh = await RawClient.connect(port);
    blocked.push(fresh);
    out.offAuth = await fresh.call('AUTH', 'off', 'pw');
    return out;
  } finally {
    control.close();
    for (const c of blocked) c.close();
  }
}

describe('blocked clients when their ACL user changes, vs redis-server 7.0', () => {
  const h = useCompat();

  it('DELUSER closes the blocked client; SETUSER off or narrower rules let the blocked command be served', async () => {
    const redis = await scenario(h.redisPort());
    const ferrous = await scenario(h.ferrousPort());
    expect(redis.deletedReply).toBe('connection closed');
    expect(ferrous).toEqual(redis);
  }, 30_000);
});
