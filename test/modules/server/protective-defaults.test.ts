import * as fs from 'fs';
import * as net from 'net';
import * as os from 'os';
import * as path from 'path';
import type { Ferrous } from '../../../kernel/bootstrap';
import { RawClient } from '../../helpers/raw-client';
import { startTestServer } from '../../helpers/server';
import { exited, ready, spawnFerrous } from '../../helpers/spawn';

const PROTECTED_CONFIG = (name: string) => `-ERR CONFIG SET failed (possibly related to argument '${name}') - can't set protected config\r\n`;
const DEBUG_DENIED =
  '-ERR DEBUG command not allowed. If the enable-debug-command option is set to "local", you can run it from a local connection, otherwise you need to set this option in the configuration file, and then restart the server.\r\n';

/** This host's first non-loopback IPv4 address: a connection from it is not local. */
function externalAddress(): string {
  for (const list of Object.values(os.networkInterfaces())) {
    for (const a of list ?? []) if (a.family === 'IPv4' && !a.internal) return a.address;
  }
  throw new Error('this test needs a non-loopback IPv4 interface');
}

/**
 * The server's one-line answer to PING on a fresh connection from `host` (a connection the
 * server keeps open is closed here once the line is in, never after a fixed delay).
 */
function firstWords(port: number, host: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const s = net.connect({ port, host, localAddress: host }, () => s.write('PING\r\n'));
    let got = '';
    s.on('data', (d) => {
      got += d.toString('latin1');
      if (got.endsWith('\r\n')) s.destroy();
    });
    const timer = setTimeout(() => s.destroy(), 10000);
    s.on('error', reject);
    s.on('close', () => {
      clearTimeout(timer);
      resolve(got);
    });
  });
}

async function withServer(config: Record<string, string | number>, fn: (f: Ferrous) => Promise<void>): Promise<void> {
  const f = await startTestServer(config);
  try {
    await fn(f);
  } finally {
    await f.close();
  }
}

async function rawTo(f: Ferrous, host = '127.0.0.1'): Promise<RawClient> {
  return RawClient.connect(f.port, host);
}

describe('protected mode', () => {
  const ip = externalAddress();

  it('refuses a remote client with Redis 7.0 text while the default user has no password', async () => {
    await withServer({ bind: '*' }, async (f) => {
      const words = await firstWords(f.port, ip);
      expect(words).toMatch(/^-DENIED Redis is running in protected mode because protected mode is enabled and no password is set for the default user\. /);
      expect(words).toContain("3) If you started the server manually just for testing, restart it with the '--protected-mode no' option. 4) Setup a an authentication password for the default user.");
      expect(words.endsWith('outside.\r\n')).toBe(true);
      // Loopback clients are served, and the data is there for them.
      const local = await rawTo(f);
      expect(await local.call('SET', 'k', 'v')).toBe('+OK\r\n');
      expect(await local.call('GET', 'k')).toBe('$1\r\nv\r\n');
      local.close();
    });
  });

  it('lets remote clients in with a password set, with protected-mode no, and follows CONFIG SET', async () => {
    await withServer({ bind: '*', requirepass: 'secret' }, async (f) => {
      expect(await firstWords(f.port, ip)).toBe('-NOAUTH Authentication required.\r\n');
    });
    await withServer({ bind: '*', 'protected-mode': 'no' }, async (f) => {
      expect(await firstWords(f.port, ip)).toBe('+PONG\r\n');
      const local = await rawTo(f);
      expect(await local.call('CONFIG', 'SET', 'protected-mode', 'yes')).toBe('+OK\r\n');
      expect(await firstWords(f.port, ip)).toMatch(/^-DENIED /);
      expect(await local.call('CONFIG', 'GET', 'protected-mode')).toBe('*2\r\n$14\r\nprotected-mode\r\n$3\r\nyes\r\n');
      local.close();
    });
  });
});

describe('protected configs and commands', () => {
  const ip = externalAddress();

  it('CONFIG SET dir / dbfilename is refused by default, all or nothing, and nothing changes', async () => {
    await withServer({}, async (f) => {
      const c = await rawTo(f);
      const dir = f.server.config.get<string>('dir');
      expect(await c.call('CONFIG', 'SET', 'dir', os.tmpdir())).toBe(PROTECTED_CONFIG('dir'));
      expect(await c.call('CONFIG', 'SET', 'dbfilename', 'x.rdb')).toBe(PROTECTED_CONFIG('dbfilename'));
      expect(await c.call('CONFIG', 'SET', 'maxclients', '100', 'DBFILENAME', 'x.rdb')).toBe(PROTECTED_CONFIG('DBFILENAME'));
      expect(f.server.config.get('dir')).toBe(dir);
      expect(f.server.config.get('dbfilename')).toBe('dump.rdb');
      expect(f.server.config.get('maxclients')).toBe(10000);
      // The setting itself is fixed at start-up, as in Redis.
      expect(await c.call('CONFIG', 'SET', 'enable-protected-configs', 'yes')).toBe(
        "-ERR CONFIG SET failed (possibly related to argument 'enable-protected-configs') - can't set immutable config\r\n",
      );
      expect(await c.call('CONFIG', 'SET', 'maxclients', '100')).toBe('+OK\r\n');
      c.close();
    });
  });

  it('enable-protected-configs yes allows it; local allows it only from this host', async () => {
    const target = fs.mkdtempSync(path.join(os.tmpdir(), 'ferrous-prot-'));
    await withServer({ 'enable-protected-configs': 'yes' }, async (f) => {
      const c = await rawTo(f);
      expect(await c.call('CONFIG', 'SET', 'dir', target, 'dbfilename', 'x.rdb')).toBe('+OK\r\n');
      expect(f.server.config.get('dbfilename')).toBe('x.rdb');
      c.close();
    });
    await withServer({ 'enable-protected-configs': 'local', bind: '*', requirepass: 'pw' }, async (f) => {
      const local = await rawTo(f);
      expect(await local.call('AUTH', 'pw')).toBe('+OK\r\n');
      expect(await local.call('CONFIG', 'SET', 'dbfilename', 'y.rdb')).toBe('+OK\r\n');
      const remote = await rawTo(f, ip);
      expect(await remote.call('AUTH', 'pw')).toBe('+OK\r\n');
      expect(await remote.call('CONFIG', 'SET', 'dbfilename', 'z.rdb')).toBe(PROTECTED_CONFIG('dbfilename'));
      expect(f.server.config.get('dbfilename')).toBe('y.rdb');
      local.close();
      remote.close();
    });
  });

  it('commands flagged protected (DEBUG) follow enable-debug-command: no, yes, local', async () => {
    await withServer({}, async (f) => {
      const c = await rawTo(f);
      expect(await c.call('DEBUG', 'SLEEP', '0')).toBe(DEBUG_DENIED);
      // The arity is checked first, as in Redis's processCommand.
      expect(await c.call('debug')).toBe("-ERR wrong number of arguments for 'debug' command\r\n");
      expect(await c.call('PING')).toBe('+PONG\r\n');
      c.close();
    });
    await withServer({ requirepass: 'pw' }, async (f) => {
      const c = await rawTo(f);
      // Refused before authentication is looked at.
      expect(await c.call('DEBUG', 'SLEEP', '0')).toBe(DEBUG_DENIED);
      c.close();
    });
    await withServer({ 'enable-debug-command': 'yes' }, async (f) => {
      const c = await rawTo(f);
      expect(await c.call('DEBUG', 'SLEEP', '0')).toBe('+OK\r\n');
      c.close();
    });
    await withServer({ 'enable-debug-command': 'local', bind: '*', 'protected-mode': 'no' }, async (f) => {
      const local = await rawTo(f);
      expect(await local.call('DEBUG', 'SLEEP', '0')).toBe('+OK\r\n');
      const remote = await rawTo(f, ip);
      expect(await remote.call('DEBUG', 'SLEEP', '0')).toBe(DEBUG_DENIED);
      local.close();
      remote.close();
    });
  });

  it('the enable-* settings take only no, yes or local', async () => {
    await expect(startTestServer({ 'enable-module-command': 'maybe' })).rejects.toThrow('argument(s) must be one of the following: no, yes, local');
  });
});

describe('rename-command', () => {
  it('renames a command and removes one renamed to ""', async () => {
    await withServer({ 'rename-command': ['get ""', 'set myset'] } as never, async (f) => {
      const c = await rawTo(f);
      expect(await c.call('MYSET', 'a', '1')).toBe('+OK\r\n');
      expect(await c.call('myset', 'b', '2')).toBe('+OK\r\n');
      expect(await c.call('SET', 'a', '1')).toBe("-ERR unknown command 'SET', with args beginning with: 'a' '1' \r\n");
      expect(await c.call('GET', 'a')).toBe("-ERR unknown command 'GET', with args beginning with: 'a' \r\n");
      expect(await c.call('MGET', 'a', 'b')).toBe('*2\r\n$1\r\n1\r\n$1\r\n2\r\n');
      c.close();
    });
  });

  it('fails at start-up with Redis texts for an unknown command or a taken name', async () => {
    await expect(startTestServer({ 'rename-command': 'nosuch foo' })).rejects.toThrow('No such command in rename-command');
    await expect(startTestServer({ 'rename-command': 'get set' })).rejects.toThrow('Target command name already exists');
  });
});

describe("Debian's stock redis.conf", () => {
  it('starts Ferrous (with port, dir, pidfile and daemonize overridden); inert knobs are logged once', async () => {
    const conf = '/etc/redis/redis.conf';
    expect(fs.existsSync(conf)).toBe(true);
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ferrous-debian-'));
    const pidfile = path.join(tmp, 'ferrous.pid');
    // A real process, logging to its standard output (logfile ""), as under systemd.
    const proc = spawnFerrous([conf, '--port', '0', '--dir', tmp, '--logfile', '', '--pidfile', pidfile, '--daemonize', 'no']);
    const done = exited(proc);
    try {
      const port = await ready(proc);
      expect(fs.readFileSync(pidfile, 'utf8')).toBe(`${proc.pid}\n`);
      const c = await RawClient.connect(port);
      expect(await c.call('SET', 'k', 'v')).toBe('+OK\r\n');
      expect(await c.call('CONFIG', 'GET', 'protected-mode')).toBe('*2\r\n$14\r\nprotected-mode\r\n$3\r\nyes\r\n');
      expect(await c.call('CONFIG', 'GET', 'lazyfree-lazy-user-del')).toBe('*2\r\n$22\r\nlazyfree-lazy-user-del\r\n$2\r\nno\r\n');
      expect(await c.call('CONFIG', 'GET', 'tcp-backlog')).toBe('*2\r\n$11\r\ntcp-backlog\r\n$3\r\n511\r\n');
      // The file's own settings are in force.
      expect(await c.call('CONFIG', 'GET', 'appendfsync')).toBe('*2\r\n$11\r\nappendfsync\r\n$8\r\neverysec\r\n');
      c.close();
    } finally {
      proc.kill('SIGTERM');
    }
    const { out } = await done;
    expect(fs.existsSync(pidfile)).toBe(false);
    const inert = out.split('\n').filter((l) => l.includes('has no effect in Ferrous'));
    expect(inert.some((l) => l.includes("'jemalloc-bg-thread'"))).toBe(true);
    expect(inert.some((l) => l.includes("'repl-disable-tcp-nodelay'"))).toBe(true);
    // Once each.
    expect(new Set(inert.map((l) => l.replace(/^.*'([^']+)'.*$/, '$1'))).size).toBe(inert.length);
  }, 30000);
});
