import { CommandTable } from '../../../kernel';
import { Rng, VectorGenerator } from './generator';
import { DISRUPTIVE, encodeCommand, mayBlock, journal, journalDone, pingWithin, REPLICATION, resetFixtures, saveRegression, sendBatch, useCanaryServer } from './harness';

const SKIPPED = new Set([...DISRUPTIVE, ...REPLICATION]);

/** Calls per command, pipelined; blocking commands may wait a few ms per call, so fewer. */
const CALLS = Number(process.env.FERROUS_SWEEP_CALLS ?? 1000);
const BLOCKING_CALLS = 40;
const BATCH = 300;
const CANARY = ['canary:\x00sweep', 'still here \xff'];

/**
 * The volume sweep: every registered command driven hot with hostile arguments, pipelined,
 * so a handler that crashes V8 once optimised, hangs, leaks or writes broken RESP is caught.
 * FERROUS_SWEEP_CALLS sets the calls per command (1000 in CI).
 */
describe('volume sweep: every registered command, hot', () => {
  const s = useCanaryServer([['SET', ...CANARY]]);

  it('answers every call in valid RESP, keeps serving and loses nothing', async () => {
    const commands = s.ferrous.container.resolve(CommandTable).allWithSubcommands().filter((c) => !SKIPPED.has(c.name));
    expect(commands.length).toBeGreaterThan(150);
    const gen = new VectorGenerator(new Rng(0x5eeb));
    const problems: string[] = [];
    let calls = 0;
    let marker = 0;
    const started = Date.now();
    for (const cmd of commands) {
      await resetFixtures(s.ferrous.port);
      const blocking = mayBlock(cmd);
      const total = blocking ? BLOCKING_CALLS : CALLS;
      for (let done = 0; done < total; done += BATCH) {
        const vectors: string[] = [];
        for (let i = 0; i < Math.min(BATCH, total - done); i++) vectors.push(encodeCommand(gen.vector(cmd.def, blocking)));
        const data = vectors.join('');
        journal([data]);
        const r = await sendBatch(s.ferrous.port, data, `sweep-marker-${marker++}`, 60_000);
        journalDone();
        calls += vectors.length;
        if (r.failure !== null || r.bugs.length > 0) {
          const file = saveRegression(`${cmd.name}: ${r.failure ?? r.bugs[0]}`, [data]);
          problems.push(`${cmd.name}: ${r.failure ?? ''} ${r.bugs.slice(0, 3).join(' | ')} (saved as ${file})`);
        }
        if (!(await pingWithin(s.ferrous.port, 10_000))) throw new Error(`the server stopped answering after ${cmd.name}`);
      }
      expect(await s.control.call('GET', CANARY[0])).toBe(`$${CANARY[1].length}\r\n${CANARY[1]}\r\n`);
    }
    console.log(`volume sweep: ${commands.length} commands, ${calls} calls in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    expect(problems).toEqual([]);
    expect(s.ferrous.server.stats.handlerErrors).toBe(0);
  }, 600_000);
});
