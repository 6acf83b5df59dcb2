#!/usr/bin/env node
/**
 * Side-by-side benchmark: redis-benchmark (or a small driver) against a real redis-server and
 * against Ferrous in the same run, each server pinned to one core and the load generator to
 * the other (taskset), so the figures are ratios measured under identical conditions.
 *
 *   npm run bench                                   # the core suite
 *   node bench/run.js --suite collections           # core | collections | small | messaging | aof | scripting | geo | streams | all
 *   node bench/run.js --suite core --requests 100000 --clients 50
 *
 * Prints, per test: ops/s for both servers, the ratio Ferrous/Redis, and each server's CPU
 * time per request (from /proc/<pid>/stat).
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
const ROOT = path.resolve(__dirname, '..');
const CLK_TCK = 100;

function need(cmd) {
  if (spawnSync('which', [cmd]).status !== 0) throw new Error(`${cmd} is required (apt-get install -y redis-server redis-tools util-linux)`);
}

function cpuSeconds(pid) {
  const f = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = f.slice(f.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / CLK_TCK;
}

async function startServer(kind, extra) {
  const port = await freePort();
  const cmd =
    kind === 'redis'
      ? ['redis-server', '--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', ...extra]
      : // With the heap flags the launcher would add, so it runs the server itself (proc.pid is the server's).
        ['node', ...require(path.join(ROOT, 'dist/kernel/heap-size')).heapFlags(0), path.join(ROOT, 'dist/kernel/main.js'), '--port', String(port), '--bind', '127.0.0.1', '--loglevel', 'warning', '--save', '', ...extra];
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

async function measure(kind, suite) {
  const extra = typeof suite.serverArgs === 'function' ? suite.serverArgs() : (suite.serverArgs ?? []);
  const { port, proc } = await startServer(kind, extra);
  const out = {};
  try {
    for (const test of suite.tests) {
      // A set-up may return the command to run (e.g. an EVALSHA with the SHA it loaded).
      const cmd = (test.setup ? await test.setup(port) : undefined) ?? test.cmd;
      const requests = test.requests ?? REQUESTS;
      for (const pipeline of test.pipelines ?? [1]) {
        // Warm-up (not measured): V8 compiles the hot path on first use; Redis gets the same run.
        if (test.driver) driver(port, test, Math.ceil(requests / 5));
        else redisBenchmark(port, test, cmd, pipeline, Math.ceil(requests / 5));
        const before = cpuSeconds(proc.pid);
        const rows = test.driver ? driver(port, test, requests) : redisBenchmark(port, test, cmd, pipeline, requests);
        const cpu = cpuSeconds(proc.pid) - before;
        const names = Object.keys(rows);
        for (const name of names) {
          const label = pipeline === 1 ? name : `${name} -P ${pipeline}`;
          out[label] = { ops: rows[name], cpuUsPerReq: (cpu * 1e6) / (requests * names.length) };
        }
      }
    }
  } finally {
    proc.kill('SIGKILL');
  }
  return out;
}

async function main() {
  need('redis-server');
  need('redis-benchmark');
  need('taskset');
  if (!fs.existsSync(path.join(ROOT, 'dist/kernel/main.js'))) throw new Error('build first: npm run build');
  const names = SUITE === 'all' ? Object.keys(suites) : SUITE.split(',');
  const version = spawnSync('redis-server', ['--version'], { encoding: 'utf8' }).stdout.trim();
  console.log(`clients ${CLIENTS}, server on CPU ${SERVER_CPU}, load on CPU ${BENCH_CPU}; ${version.split(' ').slice(0, 3).join(' ')}; node ${process.version}`);
  for (const name of names) {
    const suite = suites[name];
    if (!suite) throw new Error(`unknown suite ${name}: ${Object.keys(suites).join(', ')}`);
    const redis = await measure('redis', suite);
    const ferrous = await measure('ferrous', suite);
    const lines = [
      '',
      `## ${name}`,
      '',
      '| test | Redis ops/s | Ferrous ops/s | ratio | Redis CPU µs/req | Ferrous CPU µs/req |',
      '| --- | ---: | ---: | ---: | ---: | ---: |',
    ];
    for (const key of Object.keys(redis)) {
      const r = redis[key];
      const f = ferrous[key];
      if (!f) continue;
      lines.push(`| ${key} | ${r.ops.toFixed(0)} | ${f.ops.toFixed(0)} | ${(f.ops / r.ops).toFixed(2)} | ${r.cpuUsPerReq.toFixed(2)} | ${f.cpuUsPerReq.toFixed(2)} |`);
    }
    console.log(lines.join('\n'));
  }
}

main().catch((e) => {
  console.error(e.message);
  process.exit(1);
});
