import Redis from 'ioredis';
import type { Ferrous } from '../../kernel/bootstrap';
import { waitFor } from '../helpers/fixtures';
import { startRealRedis, type RealRedis } from '../helpers/redis';
import { caughtUp, field, linkUp } from '../helpers/replication';
import { startTestServer } from '../helpers/server';

/**
 * `masteruser` and `masterauth` against redis-server 7.0 both ways: the replica's handshake
 * sends `AUTH <masteruser> <masterauth>`, so a master whose default user is protected accepts a
 * replication user holding only the commands replication needs; a wrong password leaves the
 * link down with an ACL LOG entry for that user, and the right one brings it up.
 */
const USER = ['ACL', 'SETUSER', 'repl', 'on', '>replpw', '+psync', '+replconf', '+ping'];

/** The master's client line of its replica (flag S). */
async function replicaLine(master: Redis): Promise<string> {
  const list = (await master.client('LIST')) as string;
  return list.split('\n').find((l) => / flags=S /.test(l)) ?? '';
}

describe('replication as an ACL user (masteruser) vs redis-server 7.0', () => {
  let ferrous: Ferrous | undefined;
  let redis: RealRedis | undefined;
  const clients: Redis[] = [];

  afterEach(async () => {
    for (const c of clients.splice(0)) c.disconnect();
    await redis?.stop();
    await ferrous?.stop();
    redis = undefined;
    ferrous = undefined;
  });

  async function check(master: Redis, replica: Redis, masterPort: number): Promise<void> {
    await master.call(...(USER as [string, ...string[]]));
    await master.set('k', 'v');
    await replica.config('SET', 'masteruser', 'repl');
    await replica.config('SET', 'masterauth', 'wrong');
    await replica.replicaof('127.0.0.1', String(masterPort));
    await waitFor(async () => ((await master.call('ACL', 'LOG')) as unknown[]).length > 0, 'the failed AUTH in the ACL LOG');
    const [entry] = (await master.call('ACL', 'LOG', '1')) as unknown[][];
    const log = Object.fromEntries(Array.from({ length: entry.length / 2 }, (_, i) => [entry[2 * i], entry[2 * i + 1]]));
    expect([log.reason, log.username, log.object]).toEqual(['auth', 'repl', 'AUTH']);
    expect(field(await replica.info('replication'), 'master_link_status')).toBe('down');

    await replica.config('SET', 'masterauth', 'replpw');
    await linkUp(replica);
    await caughtUp(master, replica);
    expect(await replica.get('k')).toBe('v');
    expect(await replicaLine(master)).toMatch(/ user=repl /);
    await master.set('k2', 'v2');
    await caughtUp(master, replica);
    expect(await replica.get('k2')).toBe('v2');
  }

  it('a Ferrous replica of a Redis master authenticates as masteruser', async () => {
    redis = await startRealRedis(['--requirepass', 'adminpw']);
    ferrous = await startTestServer();
    const r = new Redis({ port: redis.port, password: 'adminpw' });
    const f = new Redis(ferrous.port);
    clients.push(r, f);
    await check(r, f, redis.port);
  }, 60_000);

  it('a Redis replica of a Ferrous master authenticates as masteruser', async () => {
    ferrous = await startTestServer({ requirepass: 'adminpw' });
    redis = await startRealRedis([]);
    const f = new Redis({ port: ferrous.port, password: 'adminpw' });
    const r = new Redis(redis.port);
    clients.push(r, f);
    await check(f, r, ferrous.port);
  }, 60_000);
});
