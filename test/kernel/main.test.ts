/**
 * The `ferrous` command (kernel/main.ts) as an operator meets it, in a child process from the
 * sources: redis-server's arguments and messages, signals, the log, and a port already in use.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import Redis from 'ioredis';
import { exited, ready, spawnFerrous } from '../helpers/spawn';
import { startTestServer } from '../helpers/server';
import { waitFor } from '../helpers/fixtures';

jest.setTimeout(60000);

let dir: string;
beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ferrous-main-'))));
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('ferrous (the command)', () => {
  it('prints its version and usage as redis-server does', async () => {
    const version = await exited(spawnFerrous(['--version']));
    expect(version.code).toBe(0);
    expect(version.out).toMatch(/^Ferrous server v=\d+\.\d+\.\d+ redis=7\.0\.\d+ node=v\d+/);
    const help = await exited(spawnFerrous(['-h']));
    expect(help.code).toBe(0);
    expect(help.out).toMatch(/^Usage: ferrous \[\/path\/to\/redis\.conf\] \[options\]/);
    expect(help.out).toContain('ferrous /etc/myredis.conf --loglevel verbose --port 6380');
  });

  it("names a bad option with the line Redis gives it, after the file's lines", async () => {
    const noFile = await exited(spawnFerrous(['--save', '', '--port', 'abc']));
    expect(noFile.code).toBe(1);
    expect(noFile.out).toContain(
      "*** FATAL CONFIG FILE ERROR (Redis 7.0.15) ***\nReading the configuration file, at line 3\n>>> 'port \"abc\"'\nargument couldn't be parsed into an integer\n",
    );
    const conf = path.join(dir, 'redis.conf');
    fs.writeFileSync(conf, 'port 0\nbind 127.0.0.1\n');
    const withFile = await exited(spawnFerrous([conf, '--nosuch', '1', '2']));
    expect(withFile.code).toBe(1);
    expect(withFile.out).toContain("Reading the configuration file, at line 4\n>>> 'nosuch \"1\" \"2\"'\nBad directive or wrong number of arguments\n");
    expect(withFile.out).not.toMatch(/\n\s+at /);
  });

  it("fails on a port in use with Redis's bind error, before reading or writing dump.rdb", async () => {
    const other = await startTestServer();
    try {
      const rdb = path.join(dir, 'dump.rdb');
      fs.writeFileSync(rdb, 'not an rdb file: loading it would fail, saving would replace it');
      const r = await exited(spawnFerrous(['--port', String(other.port), '--bind', '127.0.0.1', '--dir', dir, '--save', '1 1']));
      expect(r.code).toBe(1);
      expect(r.out).toMatch(
        new RegExp(`# Warning: Could not create server TCP listening socket 127\\.0\\.0\\.1:${other.port}: bind: Address already in use\n.*# Failed listening on port ${other.port} \\(TCP\\), aborting\\.\n`),
      );
      expect(r.out).not.toMatch(/\n\s+at |RDB|Saving/);
      expect(fs.readFileSync(rdb, 'utf8')).toBe('not an rdb file: loading it would fail, saving would replace it');
      expect(fs.readdirSync(dir)).toEqual(['dump.rdb']);
    } finally {
      await other.close();
    }
  });

  it('refuses to start on a dump.rdb that does not load, with the reason and no stack trace', async () => {
    fs.writeFileSync(path.join(dir, 'dump.rdb'), 'garbage');
    const r = await exited(spawnFerrous(['--port', '0', '--bind', '127.0.0.1', '--dir', dir]));
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/# Fatal error loading the RDB file .*dump\.rdb: .*Refusing to start: fix or remove the file\.\n/);
    expect(r.out).not.toMatch(/\n\s+at /);
    expect(fs.readFileSync(path.join(dir, 'dump.rdb'), 'utf8')).toBe('garbage');
  });

  it('logs version, pid, modules and plugins at start; stops on SIGTERM with the last lines in the logfile', async () => {
    const log = path.join(dir, 'ferrous.log');
    const proc = spawnFerrous(['--port', '0', '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--logfile', log, '--loadmodule', './plugins/hello']);
    const done = exited(proc);
    // With a logfile nothing reaches stdout: wait for the ready line in the file.
    let port = 0;
    await waitFor(() => {
      port = Number(/Ready to accept connections on port (\d+)/.exec(fs.existsSync(log) ? fs.readFileSync(log, 'utf8') : '')?.[1] ?? 0);
      return port !== 0;
    }, 'the ready line in the log file', 20000);
    const redis = new Redis({ port, host: '127.0.0.1', lazyConnect: true });
    await redis.connect();
    expect(await redis.ping()).toBe('PONG');
    redis.disconnect();
    proc.kill('SIGTERM');
    const r = await done;
    expect(r.code).toBe(0);
    const text = fs.readFileSync(log, 'utf8');
    expect(text).toMatch(new RegExp(`Ferrous version=\\d+\\.\\d+\\.\\d+ \\(Redis 7\\.0\\.15 compatible\\), node=v\\d+.*, pid=${proc.pid}, just started`));
    expect(text).toMatch(/\* Modules: connection, server, keys, strings, .*scripting/);
    expect(text).toMatch(/\* Plugins: hello 1\.\d+\.\d+ \(plugin '\.\/plugins\/hello'\)/);
    expect(text).toMatch(/# Received SIGTERM scheduling shutdown\.\.\.\n.*\* Ferrous is now ready to exit, bye bye\.\.\.\n$/);
  });

  it('stops on SIGINT too', async () => {
    const proc = spawnFerrous(['--port', '0', '--bind', '127.0.0.1', '--dir', dir, '--save', '']);
    const done = exited(proc);
    await ready(proc);
    proc.kill('SIGINT');
    const r = await done;
    expect(r.code).toBe(0);
    expect(r.out).toContain('Received SIGINT scheduling shutdown...');
  });

  it('runs itself again with a V8 heap sized from maxmemory, passing signals on', async () => {
    const proc = spawnFerrous(['--port', '0', '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--maxmemory', '64mb'], true);
    const done = exited(proc);
    const port = await ready(proc);
    const redis = new Redis({ port, host: '127.0.0.1', lazyConnect: true });
    await redis.connect();
    const stats = (await redis.memory('MALLOC-STATS')) as string;
    const limit = Number(/heap_size_limit: (\d+)/.exec(stats)![1]);
    // 2.5 times maxmemory for the old generation, plus the young generation's semi-spaces.
    expect(limit).toBeGreaterThan(160 * 1024 * 1024);
    expect(limit).toBeLessThan(200 * 1024 * 1024);
    const pid = Number(/process_id:(\d+)/.exec(await redis.info('server'))![1]);
    expect(pid).not.toBe(proc.pid);
    redis.disconnect();
    proc.kill('SIGTERM');
    const r = await done;
    expect(r.code).toBe(0);
    expect(r.out).toContain('Received SIGTERM scheduling shutdown...');
    expect(r.out).toContain('Ferrous is now ready to exit, bye bye...');
  });

  it('stops the server when its launcher is killed outright', async () => {
    const proc = spawnFerrous(['--port', '0', '--bind', '127.0.0.1', '--dir', dir, '--save', ''], true);
    const done = exited(proc);
    const port = await ready(proc);
    const redis = new Redis({ port, host: '127.0.0.1', lazyConnect: true });
    await redis.connect();
    const pid = Number(/process_id:(\d+)/.exec(await redis.info('server'))![1]);
    redis.disconnect();
    proc.kill('SIGKILL');
    await done;
    const alive = () => {
      try {
        process.kill(pid, 0);
        return true;
      } catch {
        return false;
      }
    };
    await waitFor(() => !alive(), 'the server to stop with its launcher');
    expect(alive()).toBe(false);
  });

  it('refuses writes with the OOM error when the V8 heap nears its limit, instead of dying', async () => {
    const proc = spawnFerrous(['--port', '0', '--bind', '127.0.0.1', '--dir', dir, '--save', ''], false, '--max-old-space-size=96 --max-semi-space-size=2');
    const done = exited(proc);
    const port = await ready(proc);
    const redis = new Redis({ port, host: '127.0.0.1', lazyConnect: true });
    await redis.connect();
    const value = 'x'.repeat(100 * 1024);
    let refused = 0;
    // 200 MB of 100 KB values into a heap of 96 MB: the heap gate must close before V8 aborts.
    for (let batch = 0; batch < 20 && refused === 0; batch++) {
      const p = redis.pipeline();
      for (let i = 0; i < 100; i++) p.set(`k:${batch}:${i}`, value);
      for (const [err] of (await p.exec())!) if (err !== null && /^OOM command not allowed/.test(err.message)) refused++;
    }
    expect(refused).toBeGreaterThan(0);
    // Still serving: reads, deletes, and writes again once memory was given back.
    expect(await redis.ping()).toBe('PONG');
    expect(await redis.dbsize()).toBeGreaterThan(100);
    await redis.flushall();
    await waitFor(async () => (await redis.set('after', 'v').catch(() => null)) === 'OK', 'writes to be accepted again');
    expect(await redis.get('after')).toBe('v');
    redis.disconnect();
    proc.kill('SIGTERM');
    expect((await done).code).toBe(0);
  });
});
