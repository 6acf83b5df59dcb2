import type { Ferrous } from '../../kernel/bootstrap';
import { RawClient } from './raw-client';
import { startRealRedis, type RealRedis } from './redis';
import { startTestServer } from './server';

/**
 * A differential harness: the same commands go to Ferrous and to a real redis-server 7.0 over
 * raw sockets, and the raw reply bytes must be identical.
 *
 *   const h = useCompat();            // in a describe block: starts and stops both servers
 *   await h.same(['SET', 'k', 'v'], ['GET', 'k']);
 */
export interface Compat {
  /** Run each command on both (fresh connections, after FLUSHALL) and expect identical replies. */
  same(...commands: string[][]): Promise<void>;
  /** Like same() but over RESP3 (HELLO 3 first). */
  same3(...commands: string[][]): Promise<void>;
  /** The raw replies from both, for custom comparisons. */
  both(commands: string[][], resp?: 2 | 3): Promise<{ ferrous: string[]; redis: string[] }>;
  ferrousPort(): number;
  redisPort(): number;
}

/** `config` goes to Ferrous, `redisArgs` to redis-server (e.g. both with a password). */
export function useCompat(config: Record<string, string | number> = {}, redisArgs: string[] = []): Compat {
  let redis: RealRedis;
  let ferrous: Ferrous;
  beforeAll(async () => {
    redis = await startRealRedis(redisArgs);
    ferrous = await startTestServer(config);
  });
  afterAll(async () => {
    await ferrous?.close();
    await redis?.stop();
  });

  async function run(port: number, commands: string[][], resp: 2 | 3): Promise<string[]> {
    const c = await RawClient.connect(port);
    try {
      await c.call('FLUSHALL');
      if (resp === 3) await c.call('HELLO', '3');
      const out: string[] = [];
      for (const cmd of commands) out.push(await c.call(...cmd));
      return out;
    } finally {
      c.close();
    }
  }

  async function both(commands: string[][], resp: 2 | 3 = 2) {
    const r = await run(redis.port, commands, resp);
    const f = await run(ferrous.port, commands, resp);
    return { ferrous: f, redis: r };
  }

  async function compare(resp: 2 | 3, commands: string[][]): Promise<void> {
    const { ferrous: f, redis: r } = await both(commands, resp);
    const rows = commands.map((c, i) => ({ command: c.join(' '), redis: r[i], ferrous: f[i] }));
    expect(rows).toEqual(rows.map((row) => ({ ...row, ferrous: row.redis })));
  }

  return {
    same: (...commands) => compare(2, commands),
    same3: (...commands) => compare(3, commands),
    both,
    ferrousPort: () => ferrous.port,
    redisPort: () => redis.port,
  };
}
