import { execFile } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import Redis from 'ioredis';
import { createClient } from 'redis';
import type { Ferrous } from '../../../kernel/bootstrap';
import { useServer } from '../../helpers/fixtures';
import { RawClient } from '../../helpers/raw-client';
import { startRealRedis } from '../../helpers/redis';
import { startTestServer } from '../../helpers/server';

const NOPERM_KEY = 'NOPERM this user has no permissions to access one of the keys used as arguments';

describe('acl module', () => {
  const f = useServer();

  afterEach(async () => {
    const c = await f.connect();
    const users = (await c.exec('ACL', 'USERS')) as string[];
    for (const u of users) if (u !== 'default') await c.call('ACL', 'DELUSER', u);
    c.close();
  });

  it('ioredis and node-redis connect with a username and are held to its permissions', async () => {
    await f.raw.call('ACL', 'SETUSER', 'app', 'on', '>s3cret', '~app:*', '+@read', '+@write', '+@connection', '+acl|whoami');
    const io = new Redis({ port: f.port, username: 'app', password: 's3cret', lazyConnect: true, maxRetriesPerRequest: 0 });
    try {
      await io.connect();
      expect(await io.set('app:1', 'v')).toBe('OK');
      expect(await io.get('app:1')).toBe('v');
      await expect(io.get('other')).rejects.toThrow(NOPERM_KEY);
      await expect(io.config('GET', 'port')).rejects.toThrow("NOPERM this user has no permissions to run the 'config|get' command");
      expect(await io.call('ACL', 'WHOAMI')).toBe('app');
    } finally {
      io.disconnect();
    }
    for (const RESP of [2, 3] as const) {
      const nr = createClient({ socket: { port: f.port }, username: 'app', password: 's3cret', RESP });
      await nr.connect();
      try {
        expect(await nr.get('app:1')).toBe('v');
        await expect(nr.get('other')).rejects.toThrow(NOPERM_KEY);
      } finally {
        await nr.close();
      }
    }
    const bad = createClient({ socket: { port: f.port, reconnectStrategy: false }, username: 'app', password: 'wrong' });
    bad.on('error', () => undefined);
    await expect(bad.connect()).rejects.toThrow('WRONGPASS invalid username-password pair or user is disabled.');
  });

  it('redis-py (Debian python3-redis, RESP2) connects with a username and is held to its permissions', async () => {
    await f.raw.call('ACL', 'SETUSER', 'py', 'on', '>pw', '~py:*', '+@read', '+@write', '+@connection', '+acl|whoami');
    const script = [
      'import redis, sys',
      `r = redis.Redis(host='127.0.0.1', port=${f.port}, username='py', password='pw')`,
      "assert r.set('py:k', 'v') is True",
      "assert r.get('py:k') == b'v'",
      "assert r.acl_whoami() == 'py'",
      'try:',
      "    r.get('other')",
      "    sys.exit('read of a forbidden key passed')",
      'except redis.exceptions.NoPermissionError as e:',
      '    print(e)',
      'try:',
      `    redis.Redis(host='127.0.0.1', port=${f.port}, username='py', password='wrong').ping()`,
      "    sys.exit('a wrong password passed')",
      'except redis.exceptions.ResponseError as e:',
      '    print(e)',
    ].join('\n');
    // Asynchronously: the server runs in this process and must keep answering.
    const r = await new Promise<{ code: number | null; out: string; err: string }>((resolve) => {
      execFile('/usr/bin/python3', ['-c', script], { timeout: 30_000 }, (e, out, err) => resolve({ code: e === null ? 0 : (e.code as number), out, err }));
    });
    expect(r.err).toBe('');
    // redis-py maps the NOPERM code to NoPermissionError and drops it from the message.
    expect(r.out.split('\n').slice(0, 2)).toEqual([NOPERM_KEY.replace('NOPERM ', ''), 'WRONGPASS invalid username-password pair or user is disabled.']);
    expect(r.code).toBe(0);
  });

  it('the data and the connection survive refusals, bad rules and binary names', async () => {
    await f.raw.call('SET', 'keep', 'v');
    expect(await f.raw.call('ACL', 'SETUSER', 'bin\x01\xff', 'on', 'nopass', '~k\x01*', '+get')).toBe('+OK\r\n');
    const c = await f.connect();
    expect(await c.call('AUTH', 'bin\x01\xff', 'x')).toBe('+OK\r\n');
    expect(await c.call('GET', 'k\x01one')).toBe('$-1\r\n');
    expect(await c.call('GET', 'keep')).toBe(`-${NOPERM_KEY}\r\n`);
    expect(await c.call('ACL', 'WHOAMI')).toBe("-NOPERM this user has no permissions to run the 'acl|whoami' command\r\n");
    expect(await c.call('SETUSER')).toMatch(/^-ERR unknown command 'SETUSER'/);
    expect(await f.raw.call('ACL', 'SETUSER', 'x', '+@' + 'a'.repeat(100000))).toMatch(/^-ERR Error in ACL SETUSER modifier/);
    expect(await f.raw.call('ACL', 'GETUSER')).toBe("-ERR wrong number of arguments for 'acl|getuser' command\r\n");
    expect(await f.raw.call('ACL', 'LOG', '99999999999999999999')).toBe('-ERR value is not an integer or out of range\r\n');
    expect(await f.raw.call('GET', 'keep')).toBe('$1\r\nv\r\n');
    c.close();
  });

  it('DELUSER disconnects the user\'s clients; SETUSER changes apply to connected clients at once', async () => {
    await f.raw.call('ACL', 'SETUSER', 'tmp', 'on', '>p', 'allkeys', '+@all');
    const c = await f.connect();
    expect(await c.call('AUTH', 'tmp', 'p')).toBe('+OK\r\n');
    expect(await c.call('SET', 'a', '1')).toBe('+OK\r\n');
    await f.raw.call('ACL', 'SETUSER', 'tmp', '-set');
    expect(await c.call('SET', 'a', '1')).toBe("-NOPERM this user has no permissions to run the 'set' command\r\n");
    await f.raw.call('ACL', 'SETUSER', 'tmp', '+set');
    expect(await c.call('SET', 'a', '2')).toBe('+OK\r\n');
    expect(await f.raw.call('ACL', 'DELUSER', 'tmp')).toBe(':1\r\n');
    await c.waitClosed();
    expect(c.closed).toBe(true);
  });

  it('the default user: requirepass is its password, and restricting it restricts new connections', async () => {
    expect(await f.raw.call('CONFIG', 'SET', 'requirepass', 'pw')).toBe('+OK\r\n');
    try {
      const c = await f.connect();
      expect(await c.call('GET', 'x')).toBe('-NOAUTH Authentication required.\r\n');
      expect(await c.call('AUTH', 'pw')).toBe('+OK\r\n');
      // Stored as its SHA-256, no longer nopass.
      const user = (await c.exec('ACL', 'GETUSER', 'default')) as unknown[];
      expect(user.slice(0, 4)).toEqual(['flags', ['on'], 'passwords', ['30c952fab122c3f9759f02a6d95c3758b246b4fee239957b2d4fee46e26170c4']]);
      c.close();
    } finally {
      await f.raw.call('CONFIG', 'SET', 'requirepass', '');
    }
    expect(await f.raw.call('ACL', 'LIST')).toBe('*1\r\n$34\r\nuser default on nopass ~* &* +@all\r\n');
  });

  it('channels: acl-pubsub-default, refused SUBSCRIBE, pattern subscriptions must match a pattern as written', async () => {
    await f.raw.call('ACL', 'SETUSER', 'sub', 'on', 'nopass', '+@all', '&news.*');
    const c = await f.connect();
    await c.call('AUTH', 'sub', 'x');
    expect(await c.call('SUBSCRIBE', 'news.1')).toBe('*3\r\n$9\r\nsubscribe\r\n$6\r\nnews.1\r\n:1\r\n');
    expect(await c.call('PSUBSCRIBE', 'news.*')).toBe('*3\r\n$10\r\npsubscribe\r\n$6\r\nnews.*\r\n:2\r\n');
    expect(await c.call('PSUBSCRIBE', 'news.a*')).toBe('-NOPERM this user has no permissions to access one of the channels used as arguments\r\n');
    // Revoking a channel it listens to disconnects it, as in Redis 7.0; others stay.
    const other = await f.connect();
    await other.call('AUTH', 'sub', 'x');
    expect(await other.call('SUBSCRIBE', 'news.2')).toBe('*3\r\n$9\r\nsubscribe\r\n$6\r\nnews.2\r\n:1\r\n');
    await f.raw.call('ACL', 'SETUSER', 'sub', 'resetchannels', '&news.2');
    await c.waitClosed();
    expect(c.closed).toBe(true);
    expect(other.closed).toBe(false);
    other.close();
    expect(await f.raw.call('CONFIG', 'SET', 'acl-pubsub-default', 'allchannels')).toBe('+OK\r\n');
    await f.raw.call('ACL', 'SETUSER', 'pub');
    expect(await f.raw.exec('ACL', 'GETUSER', 'pub')).toContain('&*');
    await f.raw.call('CONFIG', 'SET', 'acl-pubsub-default', 'resetchannels');
  });
});

/** A temporary directory with `name` in it. */
function tmpFile(name: string): string {
  return path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'ferrous-acl-')), name);
}

describe('ACL files and user directives', () => {
  it('an ACL file written by redis-server 7.0 loads in Ferrous, and Ferrous\'s loads in redis-server', async () => {
    const redisFile = tmpFile('users.acl');
    fs.writeFileSync(redisFile, '');
    const redis = await startRealRedis(['--aclfile', redisFile]);
    const rc = await RawClient.connect(redis.port);
    const rules = [
      ['alice', 'on', '>pw', '~k*', '%R~r*', '&ch*', '+@hash', '+get', '(~s* +set)'],
      ['bob', 'off', 'nopass', 'allkeys', '+@all', '-flushall'],
    ];
    for (const r of rules) await rc.call('ACL', 'SETUSER', ...r);
    expect(await rc.call('ACL', 'SAVE')).toBe('+OK\r\n');
    const redisList = await rc.call('ACL', 'LIST');
    rc.close();
    await redis.stop();

    let ferrous: Ferrous = await startTestServer({ aclfile: redisFile });
    try {
      const c = await RawClient.connect(ferrous.port);
      expect(await c.call('ACL', 'LIST')).toBe(redisList);
      expect(await c.call('AUTH', 'alice', 'pw')).toBe('+OK\r\n');
      expect(await c.call('SET', 's1', 'x')).toBe('+OK\r\n');
      c.close();
    } finally {
      await ferrous.close();
    }

    // The other way: Ferrous saves, redis-server loads.
    const ourFile = tmpFile('users.acl');
    fs.writeFileSync(ourFile, '');
    ferrous = await startTestServer({ aclfile: ourFile });
    let ourList: string;
    try {
      const c = await RawClient.connect(ferrous.port);
      for (const r of rules) await c.call('ACL', 'SETUSER', ...r);
      expect(await c.call('ACL', 'SAVE')).toBe('+OK\r\n');
      ourList = await c.call('ACL', 'LIST');
      // LOAD brings back what was saved, after a change.
      await c.call('ACL', 'SETUSER', 'carol');
      expect(await c.call('ACL', 'LOAD')).toBe('+OK\r\n');
      expect(await c.call('ACL', 'LIST')).toBe(ourList);
      c.close();
    } finally {
      await ferrous.close();
    }
    const redis2 = await startRealRedis(['--aclfile', ourFile]);
    const rc2 = await RawClient.connect(redis2.port);
    expect(await rc2.call('ACL', 'LIST')).toBe(ourList);
    rc2.close();
    await redis2.stop();
  });

  it('a bad ACL file is refused whole, with the line; LOAD and SAVE need aclfile', async () => {
    const file = tmpFile('bad.acl');
    fs.writeFileSync(file, 'user ok on nopass +@all\nuser bad on +nosuchcmd\n');
    await expect(startTestServer({ aclfile: file })).rejects.toThrow(`${file}:2: Error in applying operation '+nosuchcmd': Unknown command or category name in ACL`);
    const f = await startTestServer();
    try {
      const c = await RawClient.connect(f.port);
      expect(await c.call('ACL', 'LOAD')).toMatch(/^-ERR This Redis instance is not configured to use an ACL file/);
      expect(await c.call('ACL', 'SAVE')).toMatch(/^-ERR This Redis instance is not configured to use an ACL file/);
      c.close();
    } finally {
      await f.close();
    }
  });

  it('user directives in the config file, and their errors', async () => {
    const f = await startTestServer({ user: ['worker on >w ~jobs:* +@list', 'default on nopass ~* &* +@all'] } as never);
    try {
      const c = await RawClient.connect(f.port);
      expect(await c.call('AUTH', 'worker', 'w')).toBe('+OK\r\n');
      expect(await c.call('LPUSH', 'jobs:1', 'x')).toBe(':1\r\n');
      expect(await c.call('LPUSH', 'other', 'x')).toBe(`-${NOPERM_KEY}\r\n`);
      // As in Redis, CONFIG GET does not show user lines (they may carry passwords).
      await c.call('AUTH', 'default', 'x');
      expect(await c.call('CONFIG', 'GET', 'user')).toBe('*0\r\n');
      expect(await c.exec('CONFIG', 'GET', '*')).not.toContain('user');
      c.close();
    } finally {
      await f.close();
    }
    await expect(startTestServer({ user: 'x on +nosuch' })).rejects.toThrow("Error in user declaration 'x': Error in ACL SETUSER modifier '+nosuch': Unknown command or category name in ACL");
    const file = tmpFile('u.acl');
    fs.writeFileSync(file, '');
    await expect(startTestServer({ user: 'x on', aclfile: file })).rejects.toThrow('Configuring Redis with users defined in redis.conf and at the same setting an ACL file path is invalid');
  });
});
