#!/usr/bin/env node
/**
 * Snapshot benchmark: BGSAVE and RDB load of 1,000,000 string keys, Redis vs Ferrous.
 *
 *   node bench/snapshot.js            # needs redis-server, taskset and a build (npx tsc -p .)
 *
 * Per server (pinned to CPU 0, this script on CPU 1, each with a fresh temp --dir): fill
 * key:0..key:999999 with 16-byte values, take baseline RSS, run BGSAVE while sampling RSS
 * every 20 ms and timing GETs in a closed loop on another connection, then SHUTDOWN NOSAVE,
 * restart on the same dir and time spawn -> DBSIZE = 1,000,000. Prints a Markdown table.
 */
'use strict';
const { spawn, spawnSync } = require('child_process');
const fs = require('fs');
const net = require('net');
const os = require('os');
const path = require('path');
const { encode, skipReply, freePort } = require('./drivers/resp');

const KEYS = 1_000_000;
const MSET_KEYS = 100; // keys per MSET
const IN_FLIGHT = 50; // MSETs per pipelined write
const SAMPLE_MS = 20;
const BASELINE_MS = 1000; // GET latency with no save running, for context
const ROOT = path.resolve(__dirname, '..');
const SERVER_CPU = '0';
const BENCH_CPU = '1';

const live = new Set(); // spawned servers, killed on any exit path
const dirs = [];
function cleanup() {
  for (const p of live) p.kill('SIGKILL');
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
}
process.on('exit', cleanup);
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => process.exit(130));
// Hard bound on the whole run: a hung server must not hang the benchmark.
setTimeout(() => {
  console.error('snapshot bench: global 5 min timeout');
  process.exit(1);
}, 5 * 60_000).unref();

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function withTimeout(promise, ms, what) {
  let t;
  return Promise.race([promise, new Promise((_, rej) => (t = setTimeout(() => rej(new Error(`timeout: ${what}`)), ms)))]).finally(() => clearTimeout(t));
}

/** Decode one complete reply at buf[pos..end): string for status/bulk/int, Error for errors. */
function decode(buf, pos, end) {
  const le = buf.indexOf('\r\n', pos);
  const line = buf.toString('latin1', pos + 1, le);
  switch (buf[pos]) {
    case 0x2d: return new Error(line); // '-'
    case 0x24: return Number(line) < 0 ? null : buf.toString('latin1', le + 2, end - 2); // '$'
    default: return line;
  }
}

/** A persistent connection with FIFO reply matching, so commands can be pipelined. */
class Conn {
  static open(port) {
    return new Promise((resolve, reject) => {
      const s = net.createConnection({ port, host: '127.0.0.1' }, () => (s.off('error', reject), resolve(new Conn(s))));
      s.once('error', reject);
    });
  }
  constructor(sock) {
    this.sock = sock;
    this.sock.setNoDelay(true);
    this.waiting = [];
    this.buf = Buffer.alloc(0);
    sock.on('data', (d) => this.onData(d));
    const fail = (e) => {
      for (const w of this.waiting.splice(0)) w.reject(e ?? new Error('connection closed'));
    };
    sock.on('error', fail);
    sock.on('close', () => fail());
  }
  onData(d) {
    this.buf = this.buf.length ? Buffer.concat([this.buf, d]) : d;
    let p = 0;
    for (;;) {
      const next = skipReply(this.buf, p);
      if (next < 0) break;
      const w = this.waiting.shift();
      if (w) w.resolve(decode(this.buf, p, next));
      p = next;
    }
    this.buf = this.buf.subarray(p);
  }
  /** Send raw pipelined bytes for `n` commands; resolves with their replies. */
  sendRaw(bytes, n) {
    const replies = [];
    for (let i = 0; i < n; i++) replies.push(new Promise((resolve, reject) => this.waiting.push({ resolve, reject })));
    this.sock.write(bytes);
    return Promise.all(replies);
  }
  async cmd(...argv) {
    const [r] = await this.sendRaw(encode(argv), 1);
    if (r instanceof Error) throw r;
    return r;
  }
  close() {
    this.sock.destroy();
  }
}

function rssKb(pid) {
  try {
    return Number(/VmRSS:\s+(\d+)/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0);
  } catch {
    return 0; // process (e.g. the fork child) just exited
  }
}

function childPids(pid) {
  const out = [];
  try {
    for (const tid of fs.readdirSync(`/proc/${pid}/task`)) {
      const c = fs.readFileSync(`/proc/${pid}/task/${tid}/children`, 'utf8').trim();
      if (c) out.push(...c.split(/\s+/).map(Number));
    }
  } catch {
    /* task exited between readdir and read */
  }
  return out;
}

/** Server RSS plus its children's (Redis's BGSAVE fork). Child RSS counts pages still shared
 *  copy-on-write with the parent, so for Redis this is an upper bound on real extra memory. */
function totalRssKb(pid) {
  return childPids(pid).reduce((sum, c) => sum + rssKb(c), rssKb(pid));
}

/** Spawn pinned to SERVER_CPU; taskset execs the server, so proc.pid is the server's pid. */
function spawnServer(kind, port, dir) {
  const cmd =
    kind === 'redis'
      ? ['redis-server', '--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--appendonly', 'no', '--loglevel', 'warning']
      : // With the heap flags the launcher would add, so it runs the server itself (no second process).
        ['node', ...require(path.join(ROOT, 'dist/kernel/heap-size')).heapFlags(0), path.join(ROOT, 'dist/kernel/main.js'), '--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--loglevel', 'warning'];
  const proc = spawn('taskset', ['-c', SERVER_CPU, ...cmd], { stdio: ['ignore', 'ignore', 'inherit'] });
  live.add(proc);
  proc.exited = new Promise((r) => proc.once('exit', r));
  proc.exited.then(() => live.delete(proc));
  return proc;
}

/** Poll until DBSIZE == expected (Redis answers -LOADING meanwhile; a server may also refuse
 *  connections until loaded). Returns ms from `t0`. */
async function waitDbsize(proc, port, expected, t0, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (proc.exitCode !== null) throw new Error(`server exited with ${proc.exitCode} while starting`);
    let c;
    try {
      c = await withTimeout(Conn.open(port), 1000, 'connect');
      for (;;) {
        const n = await withTimeout(c.cmd('DBSIZE'), 5000, 'DBSIZE').catch((e) => e);
        if (Number(n) === expected) return Number(process.hrtime.bigint() - t0) / 1e6;
        if (!(n instanceof Error && /LOADING/.test(n.message))) break;
        if (Date.now() > deadline) break;
        await sleep(5);
      }
    } catch {
      /* not listening yet */
    } finally {
      c?.close();
    }
    await sleep(5);
  }
  throw new Error(`DBSIZE did not reach ${expected} within ${timeoutMs} ms`);
}

async function fill(c) {
  const value = (i) => `v${String(i).padStart(15, '0')}`; // exactly 16 bytes
  for (let next = 0; next < KEYS; ) {
    const parts = [];
    for (let m = 0; m < IN_FLIGHT && next < KEYS; m++) {
      const argv = ['MSET'];
      for (let k = 0; k < MSET_KEYS && next < KEYS; k++, next++) argv.push(`key:${next}`, value(next));
      parts.push(encode(argv));
    }
    const replies = await c.sendRaw(parts.join(''), parts.length);
    const err = replies.find((r) => r instanceof Error);
    if (err) throw err;
  }
}

/** Closed-loop GET key:<random> until stop() is called; returns the latencies in µs. */
function getLoop(c) {
  const lat = [];
  let running = true;
  const done = (async () => {
    while (running) {
      const t = process.hrtime.bigint();
      await c.cmd('GET', `key:${Math.floor(Math.random() * KEYS)}`);
      lat.push(Number(process.hrtime.bigint() - t) / 1e3);
    }
    return lat;
  })();
  return () => ((running = false), done);
}

function pct(sorted, p) {
  return sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] : NaN;
}

function latStats(lat) {
  const s = Float64Array.from(lat).sort();
  return { count: s.length, p50: pct(s, 50), p99: pct(s, 99), max: s.length ? s[s.length - 1] : NaN };
}

const infoField = (info, name) => new RegExp(`^${name}:(.*)$`, 'm').exec(info)?.[1]?.trim();

async function measure(kind) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `snapbench-${kind}-`));
  dirs.push(dir);
  const port = await freePort();
  const res = {};

  let proc = spawnServer(kind, port, dir);
  await waitDbsize(proc, port, 0, process.hrtime.bigint(), 30_000);
  const ctl = await Conn.open(port);
  const getc = await Conn.open(port);
  try {
    let t = Date.now();
    await withTimeout(fill(ctl), 120_000, 'fill');
    res.fillS = (Date.now() - t) / 1000;
    if (Number(await ctl.cmd('DBSIZE')) !== KEYS) throw new Error('fill: wrong DBSIZE');

    await sleep(200); // let allocator/GC settle before the baseline
    res.baseRssMb = totalRssKb(proc.pid) / 1024;

    let stop = getLoop(getc);
    await sleep(BASELINE_MS);
    res.idle = latStats(await stop());

    // BGSAVE with RSS sampling and the GET loop running; the wall time is BGSAVE sent ->
    // first poll that sees rdb_bgsave_in_progress:0, so it has SAMPLE_MS resolution.
    let peakKb = totalRssKb(proc.pid);
    stop = getLoop(getc);
    const t0 = process.hrtime.bigint();
    await ctl.cmd('BGSAVE');
    const deadline = Date.now() + 120_000;
    let info;
    for (;;) {
      peakKb = Math.max(peakKb, totalRssKb(proc.pid));
      info = await withTimeout(ctl.cmd('INFO', 'persistence'), 10_000, 'INFO during BGSAVE');
      if (infoField(info, 'rdb_bgsave_in_progress') === '0') break;
      if (Date.now() > deadline) throw new Error('BGSAVE did not finish within 120 s');
      await sleep(SAMPLE_MS);
    }
    res.bgsaveS = Number(process.hrtime.bigint() - t0) / 1e9;
    res.during = latStats(await withTimeout(stop(), 10_000, 'GET loop stop'));
    res.peakOverMb = (peakKb / 1024) - res.baseRssMb;
    if (infoField(info, 'rdb_last_bgsave_status') !== 'ok') throw new Error(`BGSAVE status ${infoField(info, 'rdb_last_bgsave_status')}`);
    res.rdbMb = fs.statSync(path.join(dir, 'dump.rdb')).size / 1048576;

    // SHUTDOWN NOSAVE closes the connection instead of replying; wait for the exit.
    ctl.cmd('SHUTDOWN', 'NOSAVE').catch(() => {});
    await withTimeout(proc.exited, 10_000, 'SHUTDOWN NOSAVE');
  } finally {
    ctl.close();
    getc.close();
    proc.kill('SIGKILL');
  }

  const t1 = process.hrtime.bigint();
  proc = spawnServer(kind, port, dir);
  try {
    res.loadS = (await waitDbsize(proc, port, KEYS, t1, 120_000)) / 1000;
    res.loadedRssMb = rssKb(proc.pid) / 1024;
  } finally {
    proc.kill('SIGKILL');
    await proc.exited;
  }
  return res;
}

async function main() {
  for (const cmd of ['redis-server', 'taskset']) if (spawnSync('which', [cmd]).status !== 0) throw new Error(`${cmd} is required`);
  if (!fs.existsSync(path.join(ROOT, 'dist/kernel/main.js'))) throw new Error('build first: npx tsc -p .');
  // Pin this load generator to its own core, away from the server's.
  spawnSync('taskset', ['-p', '-c', BENCH_CPU, String(process.pid)], { stdio: 'ignore' });

  const r = await measure('redis');
  const f = await measure('ferrous');
  const version = spawnSync('redis-server', ['--version'], { encoding: 'utf8' }).stdout.split(' ').slice(0, 3).join(' ');
  const rows = [
    ['fill 1M keys (s)', r.fillS, f.fillS, 2],
    ['baseline RSS (MB)', r.baseRssMb, f.baseRssMb, 1],
    ['BGSAVE wall time (s)', r.bgsaveS, f.bgsaveS, 3],
    ['BGSAVE peak RSS over baseline (MB)', r.peakOverMb, f.peakOverMb, 1],
    ['RDB file size (MB)', r.rdbMb, f.rdbMb, 1],
    ['GET idle p50 (µs)', r.idle.p50, f.idle.p50, 0],
    ['GET idle p99 (µs)', r.idle.p99, f.idle.p99, 0],
    ['GET during BGSAVE count', r.during.count, f.during.count, 0],
    ['GET during BGSAVE p50 (µs)', r.during.p50, f.during.p50, 0],
    ['GET during BGSAVE p99 (µs)', r.during.p99, f.during.p99, 0],
    ['GET during BGSAVE max (µs)', r.during.max, f.during.max, 0],
    ['load time, spawn to DBSIZE=1M (s)', r.loadS, f.loadS, 3],
    ['RSS after load (MB)', r.loadedRssMb, f.loadedRssMb, 1],
  ];
  const ratio = (a, b) => (a > 0 && Number.isFinite(b) ? (b / a).toFixed(2) : 'n/a');
  console.log(`${KEYS} keys, 16-byte values; server on CPU ${SERVER_CPU}, load on CPU ${BENCH_CPU}; ${version}; node ${process.version}\n`);
  console.log('| metric | Redis | Ferrous | ratio |\n| --- | ---: | ---: | ---: |');
  for (const [name, a, b, dp] of rows) console.log(`| ${name} | ${a.toFixed(dp)} | ${b.toFixed(dp)} | ${ratio(a, b)} |`);
}

main().then(
  () => process.exit(0),
  (e) => {
    console.error(`snapshot bench: ${e.message}`);
    process.exit(1);
  },
);
