import { CommandTable } from '../../../kernel';
import { RawClient } from '../../helpers/raw-client';
import { Rng, VectorGenerator } from './generator';
import { DISRUPTIVE, mayBlock, REPLICATION, resetFixtures, useCanaryServer } from './harness';

const SKIPPED = new Set([...DISRUPTIVE, ...REPLICATION, 'reset']);

const VECTORS_PER_COMMAND = 24;
const CANARY = ['canary:\x00robustness', 'still here \xff'];

describe('every registered command survives hostile arguments', () => {
  const s = useCanaryServer([['SET', ...CANARY]]);

  /** Send one vector on a fresh connection; its replies end where the marker PING answers. */
  async function run(argv: string[], marker: string): Promise<string[]> {
    const c = await RawClient.connect(s.ferrous.port);
    try {
      c.write(command(argv) + command(['PING', marker]));
      const replies: string[] = [];
      for (;;) {
        const r = await c.read(10000);
        // In MULTI the PING is queued; subscribed RESP2 clients get ["pong", marker].
        if (r.includes(marker) || (r === '+QUEUED\r\n' && replies.length > 0)) return replies;
        replies.push(r);
      }
    } finally {
      c.close();
    }
  }

  it('answers every vector without a handler bug, and loses nothing', async () => {
    const table = s.ferrous.container.resolve(CommandTable);
    const commands = table.allWithSubcommands().filter((c) => !SKIPPED.has(c.name));
    expect(commands.length).toBeGreaterThan(150);
    const rng = new Rng(0x5eed);
    const gen = new VectorGenerator(rng);
    const bugs: string[] = [];
    let sent = 0;
    for (const cmd of commands) {
      await resetFixtures(s.ferrous.port);
      for (let i = 0; i < VECTORS_PER_COMMAND; i++) {
        const argv = gen.vector(cmd.def, mayBlock(cmd));
        let replies: string[];
        try {
          replies = await run(argv, `marker-${sent++}`);
        } catch (e) {
          bugs.push(`${show(argv)} -> ${(e as Error).message.slice(0, 200)}`);
          continue;
        }
        for (const r of replies) if (r.startsWith('-ERR internal error')) bugs.push(`${show(argv)} -> ${r.trim()}`);
      }
      expect(await s.control.call('PING')).toBe('+PONG\r\n');
      expect(await s.control.call('GET', CANARY[0])).toBe(`$${CANARY[1].length}\r\n${CANARY[1]}\r\n`);
    }
    expect(bugs).toEqual([]);
    expect(s.ferrous.server.stats.handlerErrors).toBe(0);
    expect(sent).toBe(commands.length * VECTORS_PER_COMMAND);
  }, 120_000);
});

function command(argv: string[]): string {
  let out = `*${argv.length}\r\n`;
  for (const a of argv) out += `$${a.length}\r\n${a}\r\n`;
  return out;
}

/** A vector for a failure message: long arguments shortened, bytes escaped. */
function show(argv: string[]): string {
  return JSON.stringify(argv.map((a) => (a.length > 40 ? `${a.slice(0, 20)}...(${a.length} bytes)` : a)));
}
