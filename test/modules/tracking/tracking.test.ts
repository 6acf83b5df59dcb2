import type { Ferrous } from '../../../kernel/bootstrap';
import { waitFor } from '../../helpers/fixtures';
import { command, RawClient } from '../../helpers/raw-client';
import { startTestServer } from '../../helpers/server';

const invalidate = (...keys: string[]): string => `>2\r\n$10\r\ninvalidate\r\n*${keys.length}\r\n${keys.map((k) => `$${k.length}\r\n${k}\r\n`).join('')}`;

/** One INFO field's value. */
async function info(c: RawClient, field: string): Promise<string> {
  const text = await c.call('INFO', 'everything');
  const m = new RegExp(`\\r\\n${field}:([^\\r]*)\\r\\n`).exec(text);
  if (m === null) throw new Error(`INFO has no ${field}`);
  return m[1];
}

/** The flags CLIENT INFO shows for a connection. */
async function clientFlags(c: RawClient): Promise<string> {
  return /flags=(\S+)/.exec(await c.call('CLIENT', 'INFO'))![1];
}

describe('client tracking', () => {
  let f: Ferrous;
  const opened: RawClient[] = [];

  beforeAll(async () => {
    f = await startTestServer();
  });
  afterEach(async () => {
    for (const c of opened.splice(0)) c.close();
    const c = await RawClient.connect(f.port);
    await c.call('FLUSHALL');
    await c.call('CONFIG', 'SET', 'tracking-table-max-keys', '1000000');
    c.close();
  });
  afterAll(async () => {
    await f.close();
  });

  async function connect(resp: 2 | 3 = 2): Promise<RawClient> {
    const c = await RawClient.connect(f.port);
    opened.push(c);
    if (resp === 3) await c.call('HELLO', '3');
    return c;
  }

  test('a RESP3 client hears of writes to the keys it read, once per read', async () => {
    const reader = await connect(3);
    const writer = await connect();
    expect(await reader.call('CLIENT', 'TRACKING', 'on')).toBe('+OK\r\n');
    expect(await reader.call('GET', 'k')).toBe('_\r\n');
    expect(await writer.call('SET', 'k', '1')).toBe('+OK\r\n');
    expect(await reader.read()).toBe(invalidate('k'));
    // Not read again since: a second write sends nothing, so the PING reply comes next.
    await writer.call('SET', 'k', '2');
    expect(await reader.call('PING')).toBe('+PONG\r\n');
  });

  test("the client's own write: the invalidation follows the reply, or not at all with NOLOOP", async () => {
    const c = await connect(3);
    await c.call('CLIENT', 'TRACKING', 'on');
    await c.call('GET', 'own');
    c.write(command('SET', 'own', '1'));
    expect(await c.read()).toBe('+OK\r\n');
    expect(await c.read()).toBe(invalidate('own'));

    await c.call('CLIENT', 'TRACKING', 'on', 'noloop');
    await c.call('GET', 'own');
    expect(await c.call('SET', 'own', '2')).toBe('+OK\r\n');
    expect(await c.call('PING')).toBe('+PONG\r\n');
  });

  test('inside MULTI the invalidations wait for the whole EXEC reply', async () => {
    const c = await connect(3);
    await c.call('CLIENT', 'TRACKING', 'on');
    await c.call('MGET', 'm1', 'm2');
    await c.call('MULTI');
    await c.call('SET', 'm1', 'x');
    await c.call('SET', 'm2', 'y');
    expect(await c.call('EXEC')).toBe('*2\r\n+OK\r\n+OK\r\n');
    expect(await c.read()).toBe(invalidate('m1'));
    expect(await c.read()).toBe(invalidate('m2'));
  });

  test('FLUSHALL sends a null key array to every tracking client', async () => {
    const resp3 = await connect(3);
    const sub = await connect();
    const resp2 = await connect();
    const subId = (await sub.call('CLIENT', 'ID')).slice(1, -2);
    await sub.call('SUBSCRIBE', '__redis__:invalidate');
    await resp3.call('CLIENT', 'TRACKING', 'on', 'bcast');
    await resp2.call('CLIENT', 'TRACKING', 'on', 'redirect', subId);
    await resp2.call('FLUSHDB');
    expect(await resp3.read()).toBe('>2\r\n$10\r\ninvalidate\r\n_\r\n');
    // The null is in the tracking client's protocol (RESP2 here), inside a pub/sub message.
    expect(await sub.read()).toBe('*3\r\n$7\r\nmessage\r\n$20\r\n__redis__:invalidate\r\n$-1\r\n');
  });

  test('BCAST sends the written keys that match a prefix, batched and sorted', async () => {
    const c = await connect(3);
    const writer = await connect();
    await c.call('CLIENT', 'TRACKING', 'on', 'bcast', 'prefix', 'user:');
    writer.write(command('SET', 'user:2', 'x') + command('SET', 'post:1', 'x') + command('SET', 'user:1', 'x'));
    for (let i = 0; i < 3; i++) expect(await writer.read()).toBe('+OK\r\n');
    expect(await c.read()).toBe(invalidate('user:1', 'user:2'));
    expect(await c.call('PING')).toBe('+PONG\r\n');
    expect(await info(writer, 'tracking_total_prefixes')).toBe('1');
  });

  test('a RESP2 client without REDIRECT gets nothing, yet the key is consumed', async () => {
    const c = await connect();
    const writer = await connect();
    await c.call('CLIENT', 'TRACKING', 'on');
    await c.call('GET', 'r2');
    expect(await info(writer, 'tracking_total_keys')).toBe('1');
    await writer.call('SET', 'r2', '1');
    expect(await info(writer, 'tracking_total_keys')).toBe('0');
    expect(await c.call('PING')).toBe('+PONG\r\n');
  });

  test('a vanished REDIRECT target: tracking-redir-broken, the R flag and broken_redirect', async () => {
    const c = await connect(3);
    const target = await connect(3);
    const writer = await connect();
    const targetId = (await target.call('CLIENT', 'ID')).slice(1, -2);
    await c.call('CLIENT', 'TRACKING', 'on', 'redirect', targetId);
    expect(await clientFlags(c)).toBe('t');
    await c.call('GET', 'b');
    target.close();
    await target.waitClosed();
    // The server notices the disconnect asynchronously: wait until the target is gone.
    await waitFor(async () => !(await writer.call('CLIENT', 'LIST')).includes(`id=${targetId} `), 'the server to drop the redirect target');
    await writer.call('SET', 'b', '1');
    expect(await c.read()).toBe(`>2\r\n$21\r\ntracking-redir-broken\r\n:${targetId}\r\n`);
    expect(await clientFlags(c)).toBe('tR');
    const tinfo = await c.call('CLIENT', 'TRACKINGINFO');
    expect(tinfo).toContain('$15\r\nbroken_redirect\r\n');
    // Re-enabling clears the broken state.
    await c.call('CLIENT', 'TRACKING', 'on');
    expect(await clientFlags(c)).toBe('t');
  });

  test('disconnect and RESET turn tracking off and free the prefixes', async () => {
    const a = await connect();
    const b = await connect();
    const observer = await connect();
    await a.call('CLIENT', 'TRACKING', 'on', 'bcast', 'prefix', 'x');
    await b.call('CLIENT', 'TRACKING', 'on', 'bcast', 'prefix', 'y');
    expect(await clientFlags(a)).toBe('tB');
    expect(await info(observer, 'tracking_clients')).toBe('2');
    expect(await info(observer, 'tracking_total_prefixes')).toBe('2');

    expect(await a.call('RESET')).toBe('+RESET\r\n');
    expect(await clientFlags(a)).toBe('N');
    expect(await a.call('CLIENT', 'GETREDIR')).toBe(':-1\r\n');
    b.close();
    await b.waitClosed();
    await waitFor(async () => (await info(observer, 'tracking_clients')) === '0', 'the closed tracking client to be forgotten');
    expect(await info(observer, 'tracking_total_prefixes')).toBe('0');
  });

  test('keys read with tracking off are not remembered', async () => {
    const c = await connect(3);
    await c.call('MGET', 'n1', 'n2');
    expect(await info(c, 'tracking_total_keys')).toBe('0');
    await c.call('CLIENT', 'TRACKING', 'on');
    await c.call('MGET', 'n1', 'n2', 'n1');
    expect(await info(c, 'tracking_total_keys')).toBe('2');
    expect(await info(c, 'tracking_total_items')).toBe('2');
  });

  test('tracking-table-max-keys invalidates the oldest keys beyond the limit', async () => {
    const c = await connect(3);
    expect(await c.call('CONFIG', 'GET', 'tracking-table-max-keys')).toBe('%1\r\n$23\r\ntracking-table-max-keys\r\n$7\r\n1000000\r\n');
    expect(await c.call('CONFIG', 'SET', 'tracking-table-max-keys', '-1')).toBe(
      "-ERR CONFIG SET failed (possibly related to argument 'tracking-table-max-keys') - argument must be between 0 and 9223372036854775807 inclusive\r\n",
    );
    await c.call('CONFIG', 'SET', 'tracking-table-max-keys', '2');
    await c.call('CLIENT', 'TRACKING', 'on');
    await c.call('GET', 'old');
    await c.call('GET', 'mid');
    expect(await c.call('GET', 'new')).toBe('_\r\n');
    expect(await c.read()).toBe(invalidate('old'));
    expect(await info(c, 'tracking_total_keys')).toBe('2');
  });
});
