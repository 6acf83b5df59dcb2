import * as fs from 'fs';
import * as net from 'net';
import * as os from 'os';
import * as path from 'path';
import { CmdFlag, type RegisteredCommand } from '../../../kernel';
import type { Ferrous } from '../../../kernel/bootstrap';
import { RawClient } from '../../helpers/raw-client';
import { startTestServer } from '../../helpers/server';
import { replyLength } from '../../helpers/resp-reader';
import { FIXTURES } from './generator';

/**
 * Commands that would end or disturb a run itself (stop the server, close or silence
 * connections, hold every client, wipe the canaries' database, write files, or take seconds
 * of CPU per call by design as PFSELFTEST does), not commands whose handlers are exempt from
 * robustness: each has its own suite.
 */
export const DISRUPTIVE = [
  'shutdown',
  'quit',
  'monitor',
  'client|pause',
  'client|kill',
  'client|reply',
  'flushall',
  'swapdb',
  'save',
  'bgsave',
  'bgrewriteaof',
  'debug',
  'pfselftest',
];
/**
 * Commands that wait for an event rather than a key, which Redis does not flag `blocking`
 * (WAIT for replica acknowledgements): their timeouts are kept short like a BLPOP's.
 */
const EVENT_WAITS = new Set(['wait']);

/** Whether a command may wait: its vectors then get short timeouts and it runs fewer times. */
export function mayBlock(cmd: RegisteredCommand): boolean {
  return cmd.has(CmdFlag.Blocking) || EVENT_WAITS.has(cmd.name);
}

/** Commands that would make the server a replica (refusing writes) for the rest of a long run. */
export const REPLICATION = ['replicaof', 'slaveof', 'failover', 'sync', 'psync'];

/** A suite's server and a control connection in database 9, which no vector selects. */
export interface CanaryServer {
  ferrous: Ferrous;
  /** Selected into database 9, where the canary commands ran. */
  control: RawClient;
}

/**
 * In a describe block: start a server, run `canaries` (commands creating keys) in database 9
 * on a control connection, stop both afterwards. Nothing the vectors send may reach those keys.
 */
export function useCanaryServer(canaries: string[][]): CanaryServer {
  const s = {} as CanaryServer;
  beforeAll(async () => {
    s.ferrous = await startTestServer();
    s.control = await RawClient.connect(s.ferrous.port);
    await s.control.call('SELECT', '9');
    for (const c of canaries) await s.control.call(...c);
  });
  afterAll(async () => {
    s.control?.close();
    await s.ferrous?.close();
  });
  return s;
}

/** Empty database 0, create the fixture keys, and put back the settings vectors may change. */
export async function resetFixtures(port: number): Promise<void> {
  const c = await RawClient.connect(port);
  try {
    await c.call('FLUSHDB');
    for (const f of FIXTURES) await c.call(...f);
    await c.call('CONFIG', 'SET', 'hz', '10', 'list-max-listpack-size', '-2', 'zset-max-listpack-entries', '128');
    await c.call('CONFIG', 'SET', 'set-max-intset-entries', '512', 'slowlog-log-slower-than', '10000', 'notify-keyspace-events', '');
  } finally {
    c.close();
  }
}

/** Where crashing or bug-revealing inputs are saved; regressions.test.ts replays every file here. */
export const REGRESSIONS = path.join(__dirname, 'regressions');
/**
 * The batch this process is sending, outside the worktree: still there after a run only if the
 * process died during it. The next run adopts it as a regression case (adoptCrashes).
 */
const PENDING = path.join(os.tmpdir(), `ferrous-fuzz-pending-${process.pid}.json`);
const PENDING_NAME = /^ferrous-fuzz-pending-(\d+)\.json$/;

/** Move batches left by processes that died while sending them into REGRESSIONS. */
function adoptCrashes(): void {
  for (const name of fs.readdirSync(os.tmpdir())) {
    const m = PENDING_NAME.exec(name);
    if (m === null || isRunning(Number(m[1]))) continue;
    fs.mkdirSync(REGRESSIONS, { recursive: true });
    fs.renameSync(path.join(os.tmpdir(), name), path.join(REGRESSIONS, `crash-${Date.now()}-${m[1]}.json`));
  }
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

// Before regressions.test.ts lists its cases, and before a sweep or fuzz run starts.
adoptCrashes();

/** A saved input: raw bytes (latin1) sent on one connection, with why it was saved. */
export interface Regression {
  reason: string;
  /** Each entry is sent on its own connection. */
  connections: string[];
}

export function encodeCommand(argv: string[]): string {
  let out = `*${argv.length}\r\n`;
  for (const a of argv) out += `$${a.length}\r\n${a}\r\n`;
  return out;
}

/** Write what is about to be sent: if the server takes the process down, the file stays behind. */
export function journal(connections: string[]): void {
  const r: Regression = { reason: 'the process died while this was sent', connections };
  fs.writeFileSync(PENDING, JSON.stringify(r));
}

export function journalDone(): void {
  fs.rmSync(PENDING, { force: true });
}

/** Save an input that revealed a bug, as a regression case; returns the file name. */
export function saveRegression(reason: string, connections: string[]): string {
  fs.mkdirSync(REGRESSIONS, { recursive: true });
  const name = `case-${Date.now()}-${Math.floor(Math.random() * 1e6)}.json`;
  fs.writeFileSync(path.join(REGRESSIONS, name), JSON.stringify({ reason, connections } satisfies Regression, null, 1));
  return name;
}

export interface BatchResult {
  /** Replies seen before the marker (whole, valid RESP). */
  replies: number;
  /** Replies that are handler bugs (`-ERR internal error ...`). */
  bugs: string[];
  /** Why the batch did not complete: invalid RESP, a timeout, or the connection closing. */
  failure: string | null;
}

/**
 * Send `data` on a fresh connection, then RESET (leaves MULTI, subscriber mode, RESP3, a
 * reply mode) and ECHO `marker`; read every reply as RESP until the marker's. Replies are
 * checked to be valid RESP and counted, handler bugs collected; nothing is kept.
 */
export function sendBatch(port: number, data: string, marker: string, timeoutMs: number): Promise<BatchResult> {
  return new Promise((resolve) => {
    const s = net.createConnection({ port, host: '127.0.0.1' });
    const result: BatchResult = { replies: 0, bugs: [], failure: null };
    const expected = `$${marker.length}\r\n${marker}\r\n`;
    let buf: Buffer<ArrayBufferLike> = Buffer.alloc(0);
    let finished = false;
    const finish = (failure: string | null): void => {
      if (finished) return;
      finished = true;
      clearTimeout(timer);
      result.failure = failure;
      s.destroy();
      resolve(result);
    };
    const timer = setTimeout(() => finish(`no answer within ${timeoutMs} ms (${result.replies} replies read)`), timeoutMs);
    s.on('connect', () => s.write(Buffer.from(data + encodeCommand(['RESET']) + encodeCommand(['ECHO', marker]), 'latin1')));
    s.on('error', () => undefined);
    s.on('close', () => finish(`connection closed after ${result.replies} replies`));
    s.on('data', (chunk: Buffer) => {
      buf = buf.length === 0 ? chunk : Buffer.concat([buf, chunk]);
      let pos = 0;
      try {
        for (;;) {
          const n = replyLength(buf, pos);
          if (n < 0) break;
          const head = buf.latin1Slice(pos, pos + Math.min(n, 200));
          if (head.startsWith('-ERR internal error')) result.bugs.push(head.trim());
          pos += n;
          if (head === expected) {
            finish(null);
            return;
          }
          result.replies++;
        }
      } catch (e) {
        finish(`invalid RESP: ${(e as Error).message.slice(0, 200)}`);
        return;
      }
      buf = buf.subarray(pos);
    });
  });
}

/** A PING on `c` answered within `ms`: the server is alive and serving. */
export function pingWithin(port: number, ms: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.createConnection({ port, host: '127.0.0.1' });
    const t = setTimeout(() => (s.destroy(), resolve(false)), ms);
    s.on('error', () => (clearTimeout(t), resolve(false)));
    s.on('connect', () => s.write('*1\r\n$4\r\nPING\r\n'));
    s.on('data', (d: Buffer) => {
      if (d.latin1Slice(0, d.length).includes('+PONG\r\n')) {
        clearTimeout(t);
        s.destroy();
        resolve(true);
      }
    });
  });
}
