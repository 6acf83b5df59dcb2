#!/usr/bin/env node
/**
 * Instructions per request of a whole server (sockets, libuv, the kernel and the collector)
 * under redis-benchmark, counted by callgrind: one build's server started under valgrind, a
 * warm-up, then windows of --requests with the counters zeroed before and dumped after each.
 * Works for any build with dist/kernel/main.js (--root), the 2026-12-02 one included, so two
 * builds' per-request cost can be compared where wall-clock figures drown in a shared
 * machine's noise.
 *
 *   node bench/server-callgrind.js --test mset [--root ../base] [--requests 100000] [--warmup 50000] [--rounds 3] [--node "--max-semi-space-size=4"]
 *   node bench/server-callgrind.js --cmd "GEOADD geo 13.__rand_int__ 45.__rand_int__ m:__rand_int__" [--pipeline 16] [--keep dir]
 *
 * --test: redis-benchmark's -t tests; --cmd: a raw command instead (redis-benchmark's
 * __rand_int__ placeholders); --pipeline: -P. --keep: keep the callgrind dumps in `dir`
 * (callgrind_annotate them to see which functions a request's instructions go to). --cache 1:
 * callgrind's cache simulation, cache misses per request besides the instructions.
 * --node: the server's Node flags (default: none, Node's own heap sizes; give the launcher's
 * heap flags to measure a build as bench/run.js starts it). Counted, not timed: the cron and
 * the collector's timing follow the wall clock, which valgrind stretches ~50x, so a window's
 * count moves by a few percent with where the collections fall; compare medians.
 */
'use strict';
const fs = require('fs');
const os = require('os');
const path = require('path');
const { spawn, spawnSync } = require('child_process');
const { benchArgs, freePort, waitPort } = require('./drivers/resp');
const { callgrindControl } = require('./drivers/profile');

const args = benchArgs();
const ROOT = path.resolve(args.root ?? path.join(__dirname, '..'));
const CMD = args.cmd === undefined ? null : args.cmd.split(/\s+/).filter((a) => a !== '');
const TEST = args.test ?? 'mset';
const PIPELINE = Number(args.pipeline ?? 1);
const KEEP = args.keep === undefined ? null : path.resolve(args.keep);
const CACHE = args.cache === '1';
const REQUESTS = Number(args.requests ?? 100000);
const WARMUP = Number(args.warmup ?? 50000);
const ROUNDS = Number(args.rounds ?? 3);
const NODE_FLAGS = (args.node ?? '').split(/\s+/).filter((f) => f !== '');

function benchmark(port, n) {
  const what = CMD === null ? ['-t', TEST] : CMD;
  const r = spawnSync('timeout', ['1800', 'redis-benchmark', '-p', String(port), '-c', '50', '-n', String(n), '-r', '100000', '-P', String(PIPELINE), '-q', ...what], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`redis-benchmark failed: ${r.stderr}`);
}

/**
 * Instructions of dump `n` (one file a thread, `cg.out.<n>-<thread>`): all threads (the
 * collector's and the compiler's helpers included) and the main thread alone (thread 01: the
 * event loop, which does not depend on when a background compilation or scavenge task ran).
 */
function windowTotals(dir, n) {
  let all = 0;
  let main = 0;
  /** With --cache 1: first-level and last-level data misses (reads and writes) and first-level instruction misses, all threads. */
  let d1 = 0;
  let ll = 0;
  let i1 = 0;
  for (const f of fs.readdirSync(dir)) {
    const m = /^cg\.out\.(\d+)-(\d+)$/.exec(f);
    if (m === null || Number(m[1]) !== n) continue;
    const text = fs.readFileSync(path.join(dir, f), 'utf8');
    const events = /^events: (.+)$/m.exec(text);
    const totals = /^totals: ([\d ]+)$/m.exec(text);
    if (events === null || totals === null) continue;
    const names = events[1].trim().split(/\s+/);
    const values = totals[1].trim().split(/\s+/).map(Number);
    const at = (name) => values[names.indexOf(name)] ?? 0;
    all += at('Ir');
    if (Number(m[2]) === 1) main = at('Ir');
    d1 += at('D1mr') + at('D1mw');
    ll += at('DLmr') + at('DLmw');
    i1 += at('I1mr');
  }
  return { all, main, d1, ll, i1 };
}

async function main() {
  const dir = KEEP ?? fs.mkdtempSync(path.join(os.tmpdir(), 'server-callgrind-'));
  if (KEEP !== null) {
    fs.mkdirSync(KEEP, { recursive: true });
    // A previous run's dumps would be read as this run's windows.
    for (const f of fs.readdirSync(KEEP)) if (f.startsWith('cg.out')) fs.rmSync(path.join(KEEP, f));
  }
  const port = await freePort();
  // With a heap limit given, the launcher runs the server itself instead of a child valgrind would not follow.
  const heap = NODE_FLAGS.some((f) => f.startsWith('--max-old-space-size')) ? [] : ['--max-old-space-size=4000'];
  const server = ['node', ...heap, ...NODE_FLAGS, path.join(ROOT, 'dist/kernel/main.js'), '--port', String(port), '--bind', '127.0.0.1', '--loglevel', 'warning', '--save', ''];
  const proc = spawn('valgrind', ['--tool=callgrind', '--smc-check=all-non-file', '--separate-threads=yes', ...(CACHE ? ['--cache-sim=yes'] : []), `--callgrind-out-file=${path.join(dir, 'cg.out')}`, ...server], { stdio: 'ignore' });
  try {
    // Node starts ~50x slower under valgrind than waitPort's ten seconds.
    for (let tries = 30; ; tries--) {
      try {
        await waitPort(port);
        break;
      } catch (e) {
        if (tries === 0) throw e;
      }
    }
    benchmark(port, WARMUP);
    const per = [];
    const main = [];
    const misses = [];
    for (let w = 0; w < ROUNDS; w++) {
      callgrindControl(['-z'], proc.pid);
      benchmark(port, REQUESTS);
      callgrindControl(['-d', `window-${w}`], proc.pid);
      const t = windowTotals(dir, w + 1);
      per.push(Math.round(t.all / REQUESTS));
      main.push(Math.round(t.main / REQUESTS));
      misses.push(`${(t.d1 / REQUESTS).toFixed(1)}/${(t.ll / REQUESTS).toFixed(1)}/${(t.i1 / REQUESTS).toFixed(1)}`);
    }
    const sorted = [...per].sort((a, b) => a - b);
    const mainSorted = [...main].sort((a, b) => a - b);
    const name = `${CMD === null ? TEST : CMD.join(' ')}${PIPELINE > 1 ? ` -P ${PIPELINE}` : ''}`;
    console.log(`${name} (${ROOT}${NODE_FLAGS.length ? ` ${NODE_FLAGS.join(' ')}` : ''}): instructions per request ${per.join(' ')}, median ${sorted[sorted.length >> 1]}; main thread ${main.join(' ')}, median ${mainSorted[mainSorted.length >> 1]}${CACHE ? `; misses per request, first-level data/last-level data/first-level instruction: ${misses.join(' ')}` : ''} (callgrind, windows of ${REQUESTS} after a warm-up of ${WARMUP})`);
  } finally {
    proc.kill('SIGKILL');
    if (KEEP === null) fs.rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
