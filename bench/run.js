#!/usr/bin/env node
/**
 * Side-by-side benchmark: redis-benchmark (or a small driver) against a real redis-server and
 * against Ferrous in the same run, each server pinned to one core and the load generator to
 * the other (taskset), so the figures are ratios measured under identical conditions.
 *
 *   npm run bench                                   # the core suite
 *   node bench/run.js --suite collections           # core | collections | small | messaging | aof | scripting | geo | streams | all
 *   node bench/run.js --suite core --requests 100000 --clients 50
 *   node bench/run.js --suite core --rounds 5       # 5 rounds, alternating which server goes first
 *   node bench/run.js --suite core --baseline ../old # also an older Ferrous build (a checkout with dist/)
 *
 * Prints, per test: ops/s for both servers, the ratio Ferrous/Redis, and each server's CPU
 * time per request (from /proc/<pid>/stat). Both servers run at once (idle while the other is
 * measured) and each test runs on one right after the other: on a small machine the speed of
 * both drifts over a minute, and a ratio is only meaningful between measurements taken close
 * together. With several rounds (Redis first in odd rounds, Ferrous first in even ones) the
 * table gives the median of each column, the ratio being the median of the rounds' own ratios,
 * with their range. With --baseline, a third server (another checkout's build) runs each test
 * in the same rotation, and the table adds its ratio to Redis and this build's ratio to it: the
 * fair way to ask whether a change lost speed, since figures from another day are not comparable.
 */
'use strict';
const { spawn, spawnSync } = require('child_process');
const fs = require('fs');
const path = require('path');
const { suites } = require('./suites');
const { benchArgs, freePort, waitPort } = require('./drivers/resp');

const args = benchArgs();
const SUITE = args.suite ?? 'core';
const REQUESTS = Number(args.requests ?? 200000);
const CLIENTS = Number(args.clients ?? 50);
const SERVER_CPU = args['server-cpu'] ?? '0';
const BENCH_CPU = args['bench-cpu'] ?? '1';
const ROUNDS = Math.max(1, Number(args.rounds ?? 1));
const ROOT = path.resolve(__dirname, '..');
const BASELINE = args.baseline ? path.resolve(args.baseline) : undefined;
const CLK_TCK = 100;

function need(cmd) {
  if (spawnSync('which', [cmd]).status !== 0) throw new Error(`${cmd} is required (apt-get install -y redis-server redis-tools util-linux)`);
}

function cpuSeconds(pid) {
  const f = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = f.slice(f.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / CLK_TCK;
}

/** Node flags the launcher of the build in `root` would add (older builds have no launcher). */
function heapFlags(root) {
  const file = path.join(root, 'dist/kernel/heap-size.js');
  return fs.existsSync(file) ? require(file).heapFlags(0) : [];
}

async function startServer(kind, extra) {
  const port = await freePort();
  const root = kind === 'baseline' ? BASELINE : ROOT;
  const cmd =
    kind === 'redis'
      ? ['redis-server', '--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', ...extra]
      : // With the heap flags the launcher would add, so it runs the server itself (proc.pid is the server's).
        ['node', ...heapFlags(root), path.join(root, 'dist/kernel/main.js'), '--port', String(port), '--bind', '127.0.0.1', '--loglevel', 'warning', '--save', '', ...extra];
  const proc = spawn('taskset', ['-c', SERVER_CPU, ...cmd], { stdio: 'ignore' });
  await waitPort(port);
  return { port, proc };
}

/** redis-benchmark with a built-in test (-t) or a custom command; returns { name: ops/s }. */
function redisBenchmark(port, test, cmd, pipeline, requests) {
  const base = ['-c', BENCH_CPU, 'redis-benchmark', '-p', String(port), '-c', String(CLIENTS), '-n', String(requests), '-P', String(pipeline), '--csv'];
  const argv = test.t ? [...base, '-r', '100000', '-t', test.t] : [...base, ...(test.random ? ['-r', String(test.random)] : []), ...cmd];
  const r = spawnSync('taskset', argv, { encoding: 'utf8', maxBuffer: 1 << 24 });
  if (r.status !== 0) throw new Error(`redis-benchmark failed: ${r.stderr}`);
  const rows = {};
  for (const line of r.stdout.trim().split('\n').slice(1)) {
    const cells = line.split(',').map((c) => c.replace(/"/g, ''));
    rows[test.name ?? cells[0]] = Number(cells[1]);
  }
  return rows;
}

/** A node driver (bench/drivers/*.js) pinned to the benchmark core; prints {"ops": n}. */
function driver(port, test, requests) {
  const r = spawnSync('taskset', ['-c', BENCH_CPU, 'node', path.join(__dirname, 'drivers', test.driver), String(port), String(requests), String(CLIENTS), ...(test.driverArgs ?? [])], {
    encoding: 'utf8',
  });
  if (r.status !== 0) throw new Error(`driver ${test.driver} failed: ${r.stderr}`);
  return { [test.name]: JSON.parse(r.stdout.trim().split('\n').pop()).ops };
}

/** One test at one pipeline depth against one server: a warm-up, then the measured run. */
function runOnce(server, test, cmd, pipeline, requests) {
  // Warm-up (not measured): V8 compiles the hot path on first use; Redis gets the same run.
  if (test.driver) driver(server.port, test, Math.ceil(requests / 5));
  else redisBenchmark(server.port, test, cmd, pipeline, Math.ceil(requests / 5));
  const before = cpuSeconds(server.proc.pid);
  const rows = test.driver ? driver(server.port, test, requests) : redisBenchmark(server.port, test, cmd, pipeline, requests);
  const cpu = cpuSeconds(server.proc.pid) - before;
  const names = Object.keys(rows);
  const out = {};
  for (const name of names) out[pipeline === 1 ? name : `${name} -P ${pipeline}`] = { ops: rows[name], cpuUsPerReq: (cpu * 1e6) / (requests * names.length) };
  return out;
}

/**
 * The servers side by side, each test run on one right after the other (`order` says who
 * leads), so each ratio compares measurements taken seconds apart.
 */
async function measure(suite, order) {
  const extra = () => (typeof suite.serverArgs === 'function' ? suite.serverArgs() : (suite.serverArgs ?? []));
  const servers = {};
  const out = {};
  for (const kind of order) {
    servers[kind] = await startServer(kind, extra());
    out[kind] = {};
  }
  try {
    for (const test of suite.tests) {
      const cmds = {};
      // A set-up may return the command to run (e.g. an EVALSHA with the SHA it loaded).
      for (const kind of order) cmds[kind] = (test.setup ? await test.setup(servers[kind].port) : undefined) ?? test.cmd;
      const requests = test.requests ?? REQUESTS;
      for (const pipeline of test.pipelines ?? [1]) {
        for (const kind of order) Object.assign(out[kind], runOnce(servers[kind], test, cmds[kind], pipeline, requests));
      }
    }
  } finally {
    for (const kind of order) servers[kind].proc.kill('SIGKILL');
  }
  return out;
}

async function main() {
  need('redis-server');
  need('redis-benchmark');
  need('taskset');
  if (!fs.existsSync(path.join(ROOT, 'dist/kernel/main.js'))) throw new Error('build first: npm run build');
  if (BASELINE && !fs.existsSync(path.join(BASELINE, 'dist/kernel/main.js'))) throw new Error(`no build in ${BASELINE}: run npm run build there`);
  const kinds = BASELINE ? ['redis', 'ferrous', 'baseline'] : ['redis', 'ferrous'];
  const names = SUITE === 'all' ? Object.keys(suites) : SUITE.split(',');
  const version = spawnSync('redis-server', ['--version'], { encoding: 'utf8' }).stdout.trim();
  console.log(`clients ${CLIENTS}, server on CPU ${SERVER_CPU}, load on CPU ${BENCH_CPU}; ${version.split(' ').slice(0, 3).join(' ')}; node ${process.version}${BASELINE ? `; baseline ${BASELINE}` : ''}`);
  for (const name of names) {
    const suite = suites[name];
    if (!suite) throw new Error(`unknown suite ${name}: ${Object.keys(suites).join(', ')}`);
    const rounds = [];
    // Each round rotates who goes first.
    for (let r = 0; r < ROUNDS; r++) {
      rounds.push(await measure(suite, kinds.map((_, i) => kinds[(i + r) % kinds.length])));
    }
    const lines = ['', `## ${name}${ROUNDS > 1 ? ` (median of ${ROUNDS} rounds)` : ''}`, ''];
    const base = BASELINE ? ' | baseline ratio | ratio to baseline' : '';
    lines.push(`| test | Redis ops/s | Ferrous ops/s | ratio${ROUNDS > 1 ? ' | ratio range' : ''}${base} | Redis CPU µs/req | Ferrous CPU µs/req |${BASELINE ? ' baseline CPU µs/req |' : ''}`);
    lines.push(`| --- | ---: | ---: | ---: |${ROUNDS > 1 ? ' --- |' : ''}${BASELINE ? ' ---: | ---: |' : ''} ---: | ---: |${BASELINE ? ' ---: |' : ''}`);
    for (const key of Object.keys(rounds[0].redis)) {
      if (!rounds[0].ferrous[key] || (BASELINE && !rounds[0].baseline[key])) continue;
      const col = (kind, field) => median(rounds.map((x) => x[kind][key][field]));
      const ratio = (a, b) => rounds.map((x) => x[a][key].ops / x[b][key].ops);
      const ratios = ratio('ferrous', 'redis');
      const range = ROUNDS > 1 ? ` | ${Math.min(...ratios).toFixed(2)}-${Math.max(...ratios).toFixed(2)}` : '';
      const againstBase = BASELINE ? ` | ${median(ratio('baseline', 'redis')).toFixed(2)} | ${median(ratio('ferrous', 'baseline')).toFixed(2)}` : '';
      lines.push(
        `| ${key} | ${col('redis', 'ops').toFixed(0)} | ${col('ferrous', 'ops').toFixed(0)} | ${median(ratios).toFixed(2)}${range}${againstBase} | ${col('redis', 'cpuUsPerReq').toFixed(2)} | ${col('ferrous', 'cpuUsPerReq').toFixed(2)} |${BASELINE ? ` ${col('baseline', 'cpuUsPerReq').toFixed(2)} |` : ''}`,
      );
    }
    console.log(lines.join('\n'));
  }
}

function median(values) {
  const v = [...values].sort((x, y) => x - y);
  const m = v.length >> 1;
  return v.length % 2 ? v[m] : (v[m - 1] + v[m]) / 2;
}

main().catch((e) => {
  console.error(e.message);
  process.exit(1);
});
