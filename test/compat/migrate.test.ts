import type { Ferrous } from '../../kernel/bootstrap';
import { useCompat } from '../helpers/compat';
import { RawClient } from '../helpers/raw-client';
import { startRealRedis, type RealRedis } from '../helpers/redis';
import { startTestServer } from '../helpers/server';

/** A dataset of every type, with a TTL, to move around. */
const DATA = [
  ['SET', 's', 'v\x00\xff'],
  ['RPUSH', 'l', 'a', 'b', 'c'],
  ['SADD', 'set', '1', '2', 'x'],
  ['ZADD', 'z', '1.5', 'a', '2', 'b'],
  ['HSET', 'h', 'f', 'v'],
  ['SET', 'ttl', 'x', 'EX', '1000'],
];
const KEYS = ['s', 'l', 'set', 'z', 'h', 'ttl'];

async function call(port: number, ...cmds: string[][]): Promise<string[]> {
  const c = await RawClient.connect(port);
  try {
    const out: string[] = [];
    for (const cmd of cmds) out.push(await c.call(...cmd));
    return out;
  } finally {
    c.close();
  }
}

describe('MIGRATE vs redis-server 7.0, to a third server', () => {
  const h = useCompat();
  let target: RealRedis;
  let secured: RealRedis;

  beforeAll(async () => {
    target = await startRealRedis();
    secured = await startRealRedis(['--requirepass', 'pw']);
  });
  afterAll(async () => {
    await target?.stop();
    await secured?.stop();
  });

  it('moves keys as Redis does: OK, NOKEY, COPY, REPLACE, KEYS, db selection, and what the target then holds', async () => {
    const t = String(target.port);
    const cmds = [
      ...DATA,
      ['MIGRATE', '127.0.0.1', t, 's', '0', '5000', 'REPLACE'],
      ['EXISTS', 's'],
      ['MIGRATE', '127.0.0.1', t, 's', '0', '5000', 'REPLACE'],
      ['MIGRATE', '127.0.0.1', t, '', '1', '5000', 'REPLACE', 'KEYS', 'l', 'set', 'nokey'],
      ['EXISTS', 'l', 'set'],
      ['MIGRATE', '127.0.0.1', t, 'z', '2', '5000', 'COPY', 'REPLACE'],
      ['EXISTS', 'z'],
      ['MIGRATE', '127.0.0.1', t, '', '3', '5000', 'COPY', 'REPLACE', 'KEYS', 'h', 'ttl', 'z'],
      ['DBSIZE'],
    ];
    await h.same(...cmds);
    const [inDb0, , inDb1, , inDb2, , inDb3, ttl] = await call(
      target.port,
      ['EXISTS', 's'],
      ['SELECT', '1'],
      ['EXISTS', 'l', 'set', 'nokey'],
      ['SELECT', '2'],
      ['EXISTS', 'z'],
      ['SELECT', '3'],
      ['EXISTS', 'h', 'ttl', 'z'],
      ['TTL', 'ttl'],
    );
    expect([inDb0, inDb1, inDb2, inDb3]).toEqual([':1\r\n', ':2\r\n', ':1\r\n', ':3\r\n']);
    expect(Number(ttl.slice(1))).toBeGreaterThan(990);
  });

  it('errors read as Redis: BUSYKEY from the target, bad arguments, refused connection, AUTH', async () => {
    const t = String(target.port);
    await call(target.port, ['SET', 'busy', 'there']);
    await h.same(
      ['SET', 'busy', 'here'],
      ['MIGRATE', '127.0.0.1', t, 'busy', '0', '5000'],
      ['GET', 'busy'],
      ['MIGRATE', '127.0.0.1', t, 'busy', 'x', '5000'],
      ['MIGRATE', '127.0.0.1', t, 'busy', '0', 'x'],
      ['MIGRATE', '127.0.0.1', t, 'busy', '0', '5000', 'bogus'],
      ['MIGRATE', '127.0.0.1', t, 'busy', '0', '5000', 'AUTH'],
      ['MIGRATE', '127.0.0.1', t, 'busy', '0', '5000', 'AUTH2', 'u'],
      ['MIGRATE', '127.0.0.1', t, 'busy', '0', '5000', 'KEYS', 'busy'],
      ['MIGRATE', '127.0.0.1', t, 'nokey', '0', '5000'],
      ['MIGRATE', '127.0.0.1', '1', 'busy', '0', '1000'],
      ['MIGRATE', '127.0.0.1', t, 'busy', '0', '5000'],
      ['MIGRATE', '127.0.0.1', String(secured.port), 'busy', '0', '5000', 'REPLACE'],
      ['MIGRATE', '127.0.0.1', String(secured.port), 'busy', '0', '5000', 'REPLACE', 'AUTH', 'wrong'],
      ['MIGRATE', '127.0.0.1', String(secured.port), 'busy', '0', '5000', 'REPLACE', 'AUTH', 'pw'],
      ['EXISTS', 'busy'],
      ['SET', 'busy', 'again'],
      ['MIGRATE', '127.0.0.1', String(secured.port), 'busy', '0', '5000', 'REPLACE', 'AUTH2', 'default', 'pw'],
      ['MIGRATE'],
    );
  });
});

describe('MIGRATE between Ferrous servers, and between Ferrous and Redis both ways', () => {
  let a: Ferrous;
  let b: Ferrous;
  let redis: RealRedis;
  beforeAll(async () => {
    a = await startTestServer({ 'enable-debug-command': 'yes' });
    b = await startTestServer({ 'enable-debug-command': 'yes' });
    redis = await startRealRedis(['--enable-debug-command', 'yes']);
  });
  afterAll(async () => {
    await a?.close();
    await b?.close();
    await redis?.stop();
  });

  it.each([
    ['Ferrous to Ferrous', () => [a.port, b.port]],
    ['Ferrous to Redis', () => [a.port, redis.port]],
    ['Redis to Ferrous', () => [redis.port, a.port]],
  ] as [string, () => number[]][])('%s: every type arrives with the same digest and TTL, and leaves the source', async (_name, ports) => {
    const [from, to] = ports();
    await call(from, ['FLUSHALL'], ...DATA);
    await call(to, ['FLUSHALL']);
    const [before] = await call(from, ['DEBUG', 'DIGEST-VALUE', ...KEYS]);
    const [reply, left] = await call(from, ['MIGRATE', '127.0.0.1', String(to), '', '0', '5000', 'KEYS', ...KEYS], ['DBSIZE']);
    expect(reply).toBe('+OK\r\n');
    expect(left).toBe(':0\r\n');
    const [after, ttl] = await call(to, ['DEBUG', 'DIGEST-VALUE', ...KEYS], ['TTL', 'ttl']);
    expect(after).toBe(before);
    expect(Number(ttl.slice(1))).toBeGreaterThan(990);
  });
});
