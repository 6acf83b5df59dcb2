/**
 * Ferrous embedded in a test suite: startServer({ ephemeral: true }) and `ferrous/testing`
 * (the redis-memory-server drop-in, the Jest global setup). Each server must free its port and
 * remove its directory when stopped, however it is stopped.
 */
import * as fs from 'fs';
import * as net from 'net';
import * as os from 'os';
import Redis from 'ioredis';
import { startServer } from '../../kernel/bootstrap';
import { waitFor } from '../helpers/fixtures';
import { jestGlobalSetup, jestGlobalTeardown, RedisMemoryServer, startEphemeralServer } from '../../testing';

function refused(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect({ port, host: '127.0.0.1' });
    s.once('connect', () => {
      s.destroy();
      resolve(false);
    });
    s.once('error', () => resolve(true));
  });
}

async function configGet(r: Redis, name: string): Promise<string> {
  return ((await r.config('GET', name)) as string[])[1];
}

describe('startServer({ ephemeral: true })', () => {
  it('listens on loopback on a free port, saves nothing, and stop() frees the port and removes its directory', async () => {
    const f = await startServer({ ephemeral: true });
    const r = new Redis({ port: f.port, host: f.host });
    try {
      expect(f.host).toBe('127.0.0.1');
      expect(f.port).toBeGreaterThan(0);
      expect(await configGet(r, 'bind')).toBe('127.0.0.1');
      expect(await configGet(r, 'save')).toBe('');
      expect(await configGet(r, 'appendonly')).toBe('no');
      expect(await configGet(r, 'loglevel')).toBe('warning');
      const dir = await configGet(r, 'dir');
      expect(dir.startsWith(fs.realpathSync(os.tmpdir())) || dir.startsWith(os.tmpdir())).toBe(true);
      expect(fs.existsSync(dir)).toBe(true);
      await r.set('k', 'v');
      expect(await r.save()).toBe('OK');
      expect(fs.readdirSync(dir)).toEqual(['dump.rdb']);
      r.disconnect();
      await f.stop();
      expect(fs.existsSync(dir)).toBe(false);
      expect(await refused(f.port)).toBe(true);
    } finally {
      r.disconnect();
      await f.stop();
    }
  });

  it('removes its directory when a client shuts it down', async () => {
    const f = await startEphemeralServer();
    const r = new Redis({ port: f.port, host: f.host, retryStrategy: () => null });
    const dir = await configGet(r, 'dir');
    await r.shutdown('NOSAVE').catch(() => undefined);
    await waitFor(() => !fs.existsSync(dir), 'the shutdown to remove the directory');
    expect(fs.existsSync(dir)).toBe(false);
  });

  it('lets every other source override its defaults, and works without the persistence module', async () => {
    const withSave = await startServer({ ephemeral: true, argv: ['--save', '900 1', '--loglevel', 'warning'] });
    const w = new Redis({ port: withSave.port, host: withSave.host });
    expect(await configGet(w, 'save')).toBe('900 1');
    w.disconnect();
    await withSave.stop();
    // Replication's full syncs are RDB snapshots: it goes with persistence, and says so.
    await expect(startServer({ ephemeral: true, config: { 'disable-module': 'persistence' } })).rejects.toThrow(
      "Module 'replication' requires module 'persistence', which is not loaded",
    );
    const f = await startServer({ ephemeral: true, argv: ['--hz', '20'], config: { 'disable-module': 'persistence replication', databases: 2 } });
    const r = new Redis({ port: f.port, host: f.host });
    try {
      expect(await configGet(r, 'hz')).toBe('20');
      expect(await configGet(r, 'databases')).toBe('2');
      expect(await r.config('GET', 'save')).toEqual([]);
    } finally {
      r.disconnect();
      await f.stop();
    }
  });

  it('removes its directory when the start fails', async () => {
    const before = fs.readdirSync(os.tmpdir()).filter((d) => d.startsWith('ferrous-')).length;
    await expect(startServer({ ephemeral: true, config: { nosuchdirective: 1 } })).rejects.toThrow('Bad directive or wrong number of arguments');
    const after = fs.readdirSync(os.tmpdir()).filter((d) => d.startsWith('ferrous-')).length;
    expect(after).toBeLessThanOrEqual(before);
  });
});

describe('ferrous/testing', () => {
  it('RedisMemoryServer.create() serves at getHost(), getPort() and getUri() until stop()', async () => {
    const server = await RedisMemoryServer.create();
    const uri = await server.getUri();
    expect(server.getInstanceInfo()).toEqual({ ip: '127.0.0.1', port: await server.getPort() });
    expect(uri).toBe(`redis://${await server.getHost()}:${await server.getPort()}`);
    const r = new Redis(uri);
    expect(await r.ping()).toBe('PONG');
    r.disconnect();
    const port = await server.getPort();
    expect(await server.stop()).toBe(true);
    expect(server.getInstanceInfo()).toBe(false);
    expect(await server.stop()).toBe(false);
    expect(await refused(port)).toBe(true);
  });

  it('new RedisMemoryServer() starts by itself and takes redis-server arguments', async () => {
    const server = new RedisMemoryServer({ instance: { args: ['--databases', '4'] } });
    const r = new Redis({ host: await server.getHost(), port: await server.getPort() });
    try {
      expect(await configGet(r, 'databases')).toBe('4');
    } finally {
      r.disconnect();
      await server.stop();
    }
  });

  it('a bad argument rejects start() with the configuration error', async () => {
    const server = new RedisMemoryServer({ autoStart: false, instance: { args: ['--port', 'x'] } });
    await expect(server.start()).rejects.toThrow("argument couldn't be parsed into an integer");
    expect(await server.stop()).toBe(false);
  });

  it('the Jest global setup publishes REDIS_URL, REDIS_HOST and REDIS_PORT; the teardown stops the server', async () => {
    const saved = { ...process.env };
    try {
      await jestGlobalSetup();
      const r = new Redis(process.env.REDIS_URL!);
      expect(await r.ping()).toBe('PONG');
      expect(process.env.REDIS_URL).toBe(`redis://${process.env.REDIS_HOST}:${process.env.REDIS_PORT}`);
      r.disconnect();
      await jestGlobalTeardown();
      expect(await refused(Number(process.env.REDIS_PORT))).toBe(true);
    } finally {
      process.env = saved;
    }
  });
});
