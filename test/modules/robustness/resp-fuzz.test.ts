import { CommandTable, type RegisteredCommand } from '../../../kernel';
import type { Ferrous } from '../../../kernel/bootstrap';
import { RawClient } from '../../helpers/raw-client';
import { startTestServer } from '../../helpers/server';
import { Rng, VectorGenerator } from './generator';
import { DISRUPTIVE, encodeCommand, mayBlock, journal, journalDone, pingWithin, REPLICATION, resetFixtures, saveRegression, sendBatch } from './harness';

/**
 * The fuzzer: random argument vectors for every command (with corrupt DUMP, HLL and FUNCTION
 * payloads) and damaged RESP on the wire, for FERROUS_FUZZ_SECONDS (15 in CI; set it to an
 * hour or more on demand, with FERROUS_FUZZ_SEED to vary the run). Fails on a handler bug,
 * invalid RESP, a server that stops answering, or a stored key that changed; an input that
 * did so is saved under regressions/ and replayed by regressions.test.ts from then on.
 */
const SECONDS = Number(process.env.FERROUS_FUZZ_SECONDS ?? 15);
const SEED = Number(process.env.FERROUS_FUZZ_SEED ?? 0xf022);
const BATCH = 1000;
/** Damaged-RESP connections in flight at once (each may wait for bytes that never come). */
const PARALLEL = 16;

const SKIPPED = new Set([...DISRUPTIVE, ...REPLICATION]);

/** Keys of every type in a database the fuzz never selects: their DUMPs must not change. */
const CANARIES: string[][] = [
  ['SET', 'c:str', 'value \x00\xff'],
  ['RPUSH', 'c:list', 'a', 'b', '\x00'],
  ['HSET', 'c:hash', 'f', 'v'],
  ['ZADD', 'c:zset', '1', 'a', '2', 'b'],
  ['SADD', 'c:set', 'x', 'y'],
  ['PFADD', 'c:hll', 'a', 'b', 'c'],
  ['XADD', 'c:stream', '1-1', 'f', 'v'],
];

describe('fuzzer: argument vectors and damaged RESP', () => {
  let ferrous: Ferrous;
  let control: RawClient;
  let dumps: string[] = [];

  beforeAll(async () => {
    ferrous = await startTestServer();
    control = await RawClient.connect(ferrous.port);
    await control.call('SELECT', '9');
    for (const c of CANARIES) await control.call(...c);
    dumps = await canaryDumps();
  });
  afterAll(async () => {
    control?.close();
    await ferrous?.close();
  });

  async function canaryDumps(): Promise<string[]> {
    const out: string[] = [];
    for (const c of CANARIES) out.push(await control.call('DUMP', c[1]));
    return out;
  }

  it(`runs for ${SECONDS} s without a crash, a hang, a handler bug or invalid RESP, and every stored key intact`, async () => {
    const commands = ferrous.container.resolve(CommandTable).allWithSubcommands().filter((c) => !SKIPPED.has(c.name));
    const rng = new Rng(SEED);
    const gen = new Payloads(rng, new VectorGenerator(rng), await samplePayloads());
    const problems: string[] = [];
    const rssBefore = process.memoryUsage().rss;
    const deadline = Date.now() + SECONDS * 1000;
    let cases = 0;
    let marker = 0;
    for (let round = 0; Date.now() < deadline; round++) {
      if (round % 20 === 0) await resetFixtures(ferrous.port);
      // Argument vectors, pipelined on one connection.
      const vectors: string[] = [];
      for (let i = 0; i < BATCH; i++) vectors.push(encodeCommand(gen.vector(rng.pick(commands))));
      const data = vectors.join('');
      journal([data]);
      const limitClosed = ferrous.server.stats.outputLimitClosed;
      const r = await sendBatch(ferrous.port, data, `fuzz-marker-${marker++}`, 30_000);
      cases += BATCH;
      // A batch whose replies overcome the output buffer limit (e.g. MGET of large values, then
      // a SUBSCRIBE that puts the client under the pubsub class's 32 MB) is closed, as Redis does.
      const closedByLimit = r.failure?.startsWith('connection closed') === true && ferrous.server.stats.outputLimitClosed > limitClosed;
      const failure = closedByLimit ? null : r.failure;
      if (failure !== null || r.bugs.length > 0) {
        problems.push(`${failure ?? r.bugs[0]} (saved as ${saveRegression(failure ?? r.bugs[0], [data])})`);
      }
      // Damaged RESP, several connections at once: a protocol error may close them, a length
      // promising more bytes may leave them waiting; neither may harm anyone else.
      const damaged = Array.from({ length: PARALLEL }, () => gen.damaged(vectors));
      journal(damaged);
      const results = await Promise.all(damaged.map((d) => sendBatch(ferrous.port, d, `fuzz-marker-${marker++}`, 100)));
      cases += damaged.length;
      results.forEach((res, i) => {
        const bad = res.bugs[0] ?? (res.failure?.startsWith('invalid RESP') ? res.failure : null);
        if (bad !== null) problems.push(`${bad} (saved as ${saveRegression(bad, [damaged[i]])})`);
      });
      journalDone();
      if (!(await pingWithin(ferrous.port, 10_000))) throw new Error(`the server stopped answering after ${cases} cases`);
      if (problems.length > 20) break;
    }
    const rssMb = Math.round((process.memoryUsage().rss - rssBefore) / 1048576);
    console.log(`fuzzer: ${cases} cases in ${SECONDS} s (seed ${SEED}), rss ${rssMb >= 0 ? '+' : ''}${rssMb} MB`);
    expect(problems).toEqual([]);
    expect(ferrous.server.stats.handlerErrors).toBe(0);
    expect(await canaryDumps()).toEqual(dumps);
  }, (SECONDS + 120) * 1000);

  /** Real DUMP, HLL and FUNCTION DUMP payloads to damage. */
  async function samplePayloads(): Promise<string[]> {
    const c = await RawClient.connect(ferrous.port);
    try {
      await c.call('SELECT', '9');
      const out: string[] = [];
      for (const k of CANARIES) out.push(bulk(await c.call('DUMP', k[1])));
      out.push(bulk(await c.call('GET', 'c:hll')));
      await c.call('FUNCTION', 'LOAD', 'REPLACE', "#!lua name=fz\nredis.register_function('fz', function() return 1 end)");
      out.push(bulk(await c.call('FUNCTION', 'DUMP')));
      return out;
    } finally {
      c.close();
    }
  }
});

function bulk(raw: string): string {
  return raw.slice(raw.indexOf('\r\n') + 2, -2);
}

/** Hostile inputs beyond the schema-driven vectors: damaged payloads and damaged RESP. */
class Payloads {
  constructor(
    private readonly rng: Rng,
    private readonly gen: VectorGenerator,
    private readonly samples: string[],
  ) {}

  vector(cmd: RegisteredCommand): string[] {
    const rng = this.rng;
    const r = rng.next();
    if (r < 0.04) return ['RESTORE', `r${rng.int(4)}`, '0', this.corrupt(rng.pick(this.samples)), ...(rng.chance(0.5) ? ['REPLACE'] : [])];
    if (r < 0.08) return ['SET', `h${rng.int(4)}`, this.corrupt(this.samples[CANARIES.length])];
    if (r < 0.12) return [rng.pick(['PFCOUNT', 'PFADD', 'PFMERGE', 'PFDEBUG']), `h${rng.int(4)}`, ...(rng.chance(0.5) ? [`h${rng.int(4)}`] : [])];
    if (r < 0.14) return ['FUNCTION', 'RESTORE', this.corrupt(this.samples[this.samples.length - 1]), rng.pick(['REPLACE', 'FLUSH', 'APPEND'])];
    return this.gen.vector(cmd.def, mayBlock(cmd));
  }

  /** A payload with a few bytes flipped, dropped or inserted, or cut short. */
  private corrupt(s: string): string {
    const rng = this.rng;
    let out = s;
    for (let n = 1 + rng.int(4); n > 0; n--) {
      const at = rng.int(Math.max(1, out.length));
      const byte = String.fromCharCode(rng.int(256));
      const k = rng.int(4);
      if (k === 0) out = out.slice(0, at) + byte + out.slice(at + 1);
      else if (k === 1) out = out.slice(0, at) + out.slice(at + 1);
      else if (k === 2) out = out.slice(0, at) + byte + out.slice(at);
      else out = out.slice(0, at);
    }
    return out;
  }

  /** Valid commands damaged on the wire: lengths, types, terminators, inline lines, garbage. */
  damaged(vectors: string[]): string {
    const rng = this.rng;
    let data = vectors.slice(0, 1 + rng.int(8)).join('');
    const edits = 1 + rng.int(3);
    for (let e = 0; e < edits; e++) {
      const at = rng.int(Math.max(1, data.length));
      const k = rng.int(9);
      if (k === 0) data = data.slice(0, at) + String.fromCharCode(rng.int(256)) + data.slice(at + 1);
      else if (k === 1) data = data.slice(0, at);
      else if (k === 2) data = data.slice(0, at) + rng.pick(['*', '$', '\r\n', '\r', '\n', '\x00', '-', '*-1\r\n', '$-1\r\n']) + data.slice(at);
      else if (k === 3) data += `*${rng.pick(['-5', '0', '1048577', '2147483648', '99999999999999999999', 'x', ''])}\r\n`;
      else if (k === 4) data += `*1\r\n$${rng.pick(['-2', '536870913', '4294967296', '1x', '', '00001'])}\r\n`;
      else if (k === 5) data += `${rng.pick(['SET a "unbalanced', "GET 'x", 'PING \\x4', '"a"b', 'ECHO "\\xzz"', '   ', 'PING'])}\r\n`;
      else if (k === 6) data += 'x'.repeat(rng.int(70000)) + (rng.chance(0.5) ? '\r\n' : '');
      else if (k === 7) data = data.replace(/\$(\d+)/, (_m, n: string) => `$${Number(n) + rng.int(5) - 2}`);
      else data += `*2\r\n$4\r\nECHO\r\n$${rng.int(100)}\r\n${'y'.repeat(rng.int(100))}\r\n`;
    }
    return data;
  }
}
