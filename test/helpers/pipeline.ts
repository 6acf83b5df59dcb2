import { command, RawClient } from './raw-client';

/** mulberry32: a seeded generator, so both servers get the same pseudo-random commands. */
export function seeded(seed: number): () => number {
  let state = seed;
  return () => {
    let t = (state = (state + 0x6d2b79f5) | 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Sends `commands` pipelined in batches on one connection and returns every reply, in order. */
export async function pipelined(port: number, commands: string[][], batch = 5000): Promise<string[]> {
  const c = await RawClient.connect(port);
  try {
    const out: string[] = [];
    for (let i = 0; i < commands.length; i += batch) {
      const part = commands.slice(i, i + batch);
      c.write(part.map((cmd) => command(...cmd)).join(''));
      for (let j = 0; j < part.length; j++) out.push(await c.read(30000));
    }
    return out;
  } finally {
    c.close();
  }
}

/** The first differences between two servers' replies to `commands` (at most five). */
export function firstDifferences(commands: string[][], a: string[], b: string[]): unknown[] {
  return commands.map((c, i) => [c, a[i], b[i]]).filter(([, x, y]) => x !== y).slice(0, 5);
}
