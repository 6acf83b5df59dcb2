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
 *
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
const { callgrindControl, lastDumpTotals } = require('./drivers/profile');

const args = benchArgs();
const ROOT = path.resolve(args.root ?? path.join(__dirname, '..'));
const TEST = args.test ?? 'mset';
const REQUESTS = Number(args.requests ?? 100000);
const WARMUP = Number(args.warmup ?? 50000);
const ROUNDS = Number(args.rounds ?? 3);
const NODE_FLAGS = (args.node ?? '').split(/\s+/).filter((f) => f !== '');

function benchmark(port, n) {
  const r = spawnSync('timeout', ['1800', 'redis-benchmark', '-p', String(port), '-c', '50', '-n', String(n), '-r', '100000', '-t', TEST, '-q'], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`redis-benchmark failed: ${r.stderr}`);
}

async function main() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'server-callgrind-'));
  const port = await freePort();
  // With a heap limit given, the launcher runs the server itself instead of a child valgrind would not follow.
  const heap = NODE_FLAGS.some((f) => f.startsWith('--max-old-space-size')) ? [] : ['--max-old-space-size=4000'];
  const server = ['node', ...heap, ...NODE_FLAGS, path.join(ROOT, 'dist/kernel/main.js'), '--port', String(port), '--bind', '127.0.0.1', '--loglevel', 'warning', '--save', ''];
  const proc = spawn('valgrind', ['--tool=callgrind', '--smc-check=all-non-file', `--callgrind-out-file=${path.join(dir, 'cg.out')}`, ...server], { stdio: 'ignore' });
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
    for (let w = 0; w < ROUNDS; w++) {
      callgrindControl(['-z'], proc.pid);
      benchmark(port, REQUESTS);
      callgrindControl(['-d', `window-${w}`], proc.pid);
      per.push(Math.round(lastDumpTotals(dir, 'cg.out').Ir / REQUESTS));
    }
    const sorted = [...per].sort((a, b) => a - b);
    console.log(`${TEST} (${ROOT}${NODE_FLAGS.length ? ` ${NODE_FLAGS.join(' ')}` : ''}): instructions per request ${per.join(' ')}, median ${sorted[sorted.length >> 1]} (callgrind, windows of ${REQUESTS} after a warm-up of ${WARMUP})`);
  } finally {
    proc.kill('SIGKILL');
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
