import type { ChildProcess } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import Redis from 'ioredis';
import { startTestServer } from '../../helpers/server';
import { ready, spawnFerrous } from '../../helpers/spawn';

/**
 * Crash safety of `appendfsync always`: Ferrous runs as a child process (from the TypeScript
 * sources, helpers/spawn.ts), takes thousands of writes, and is killed
 * with SIGKILL while more are in flight. Every write acknowledged before the kill must be
 * there when the directory is loaded again: strings, a counter, lists in MULTI, stream entries
 * (XADD) and a consumer group's acknowledgements (XACK).
 */

jest.setTimeout(180000);

/** Start Ferrous in a child process on a free port; resolves once it accepts connections. */
async function startFerrous(dir: string): Promise<{ proc: ChildProcess; port: number }> {
  const proc = spawnFerrous(['--port', '0', '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--appendonly', 'yes', '--appendfsync', 'always']);
  return { proc, port: await ready(proc) };
}

describe('appendfsync always survives kill -9', () => {
  let dir: string;
  const children: ChildProcess[] = [];
  beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ferrous-aof-crash-'))));
  afterEach(() => {
    // A failed run must not leave its server behind.
    for (const p of children.splice(0)) if (p.exitCode === null && p.signalCode === null) p.kill('SIGKILL');
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test('every acknowledged write is there after a crash (3 runs on the same directory)', async () => {
    const acked = new Map<string, string>();
    let counter = 0;
    /** Per run: the IDs XADD acknowledged, and those a consumer group read and XACK acknowledged. */
    const added: string[][] = [];
    const consumed: string[][] = [];
    for (let run = 0; run < 3; run++) {
      const { proc, port } = await startFerrous(dir);
      const exited = new Promise<void>((res) => proc.once('exit', () => res()));
      children.push(proc);
      const c = new Redis(port, '127.0.0.1', { lazyConnect: true, maxRetriesPerRequest: 0, enableOfflineQueue: false, retryStrategy: () => null });
      c.on('error', () => undefined);
      await c.connect();
      expect(await c.ping()).toBe('PONG');
      const stream = `r${run}:s`;
      added.push([]);
      consumed.push([]);
      expect(await c.call('XGROUP', 'CREATE', stream, 'g', '$', 'MKSTREAM')).toBe('OK');
      // A window of writes stays in flight, refilled as each is acknowledged, until the server
      // is gone: the writes under way then are never acknowledged. (Refilling only until the
      // signal is sent let a fast server acknowledge the whole window before it landed.)
      const killAt = 2000 + run * 300;
      const window = 64;
      let done = 0;
      let sent = 0;
      const inflight: Promise<unknown>[] = [];
      const sendOne = (): void => {
        if (proc.exitCode !== null || proc.signalCode !== null) return;
        const i = sent++;
        const key = `r${run}:k${i}`;
        const value = `v${i}:${'x'.repeat(i % 37)}`;
        inflight.push(
          c.set(key, value).then(
            () => {
              acked.set(key, value);
              if (++done === killAt) proc.kill('SIGKILL');
              sendOne();
            },
            () => undefined,
          ),
        );
        inflight.push(c.incr('counter').then(() => counter++, () => undefined));
        inflight.push(c.xadd(stream, '*', 'i', String(i)).then((id) => added[run].push(id!), () => undefined));
        // A worker reads what is new and acknowledges it: acknowledged XACKs must not come back as pending.
        if (i % 50 === 25) {
          inflight.push(
            (c.call('XREADGROUP', 'GROUP', 'g', 'w', 'COUNT', '20', 'STREAMS', stream, '>') as Promise<[string, [string, string[]][]][] | null>).then(
              (r) => {
                const ids = r === null ? [] : r[0][1].map(([id]) => id);
                if (ids.length === 0) return;
                return c.xack(stream, 'g', ...ids).then(() => consumed[run].push(...ids), () => undefined);
              },
              () => undefined,
            ),
          );
        }
        // Some writes in other databases and in transactions, in flight at the kill too.
        if (i % 100 === 0) {
          inflight.push(
            c
              .multi()
              .select(1)
              .rpush(`r${run}:list`, String(i))
              .select(0)
              .exec()
              .then((r) => {
                if (r !== null) acked.set(`1:r${run}:list:${i}`, String(i));
              }, () => undefined),
          );
        }
      };
      for (let w = 0; w < window; w++) sendOne();
      await exited;
      c.disconnect();
      await Promise.all(inflight);
      expect(proc.signalCode).toBe('SIGKILL');
      expect(done).toBeGreaterThanOrEqual(killAt);
      // The kill landed while writes were in flight: some were never acknowledged.
      expect([...acked.keys()].filter((k) => k.startsWith(`r${run}:`)).length).toBeLessThan(sent);

      // Load the directory (in-process) and look for every acknowledged write.
      const f = await startTestServer({ dir, appendonly: 'yes' });
      const r = new Redis(f.port, '127.0.0.1');
      try {
        const plain = [...acked.keys()].filter((k) => !k.startsWith('1:'));
        const values = await r.mget(...plain);
        const missing = plain.filter((k, i) => values[i] !== acked.get(k));
        expect(missing).toEqual([]);
        expect(Number(await r.get('counter'))).toBeGreaterThanOrEqual(counter);
        for (let p = 0; p <= run; p++) {
          const ids = new Set(((await r.xrange(`r${p}:s`, '-', '+')) as [string, string[]][]).map(([id]) => id));
          expect(added[p].filter((id) => !ids.has(id))).toEqual([]);
          const pending = new Set(((await r.xpending(`r${p}:s`, 'g', '-', '+', 1_000_000)) as [string][]).map(([id]) => id));
          expect(consumed[p].filter((id) => pending.has(id))).toEqual([]);
        }
        await r.select(1);
        for (let p = 0; p <= run; p++) {
          const list = new Set(await r.lrange(`r${p}:list`, 0, -1));
          const want = [...acked.keys()].filter((k) => k.startsWith(`1:r${p}:list:`)).map((k) => acked.get(k)!);
          expect(want.filter((v) => !list.has(v))).toEqual([]);
        }
      } finally {
        r.disconnect();
        await f.close();
      }
    }
    expect(acked.size).toBeGreaterThan(6000);
    // The streams part saw real traffic: entries added and acknowledged in every run.
    for (let p = 0; p < 3; p++) {
      expect(added[p].length).toBeGreaterThan(1000);
      expect(consumed[p].length).toBeGreaterThan(10);
    }
  });
});
