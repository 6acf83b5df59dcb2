#!/usr/bin/env node
/**
 * Side-by-side benchmark: redis-benchmark against a real redis-server and against Ferrous in
 * the same run, each server pinned to one core and the benchmark to the other (taskset), so
 * the figures are ratios measured under identical conditions.
 *
 *   npm run bench                       # defaults below
 *   node bench/run.js --tests set,get --requests 100000 --pipelines 1,16 --clients 50
 *
 * Prints, per test and pipeline depth: ops/s for both, the ratio Ferrous/Redis, and the
 * server CPU time per request (from /proc/<pid>/stat) for both.
 */
'use strict';
const { spawn, spawnSync } = require('child_process');
const fs = require('fs');
const net = require('net');
const path = require('path');

const args = Object.fromEntries(
  process.argv.slice(2).reduce((acc, a, i, all) => (a.startsWith('--') ? [...acc, [a.slice(2), all[i + 1]]] : acc), []),
);
const TESTS = (args.tests ?? 'ping,set,get,incr,mset').split(',');
const REQUESTS = Number(args.requests ?? 200000);
const CLIENTS = Number(args.clients ?? 50);
const PIPELINES = (args.pipelines ?? '1,16').split(',').map(Number);
const SERVER_CPU = args['server-cpu'] ?? '0';
const BENCH_CPU = args['bench-cpu'] ?? '1';
const ROOT = path.resolve(__dirname, '..');
const CLK_TCK = 100;

function need(cmd) {
  if (spawnSync('which', [cmd]).status !== 0) throw new Error(`${cmd} is required (apt-get install -y redis-server redis-tools util-linux)`);
}

function freePort() {
  return new Promise((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const p = s.address().port;
      s.close(() => resolve(p));
    });
  });
}

async function waitPort(port) {
  for (let i = 0; i < 200; i++) {
    const ok = await new Promise((r) => {
      const s = net.createConnection({ port, host: '127.0.0.1' }, () => (s.destroy(), r(true)));
      s.on('error', () => r(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`server on ${port} did not start`);
}

function cpuSeconds(pid) {
  const f = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = f.slice(f.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / CLK_TCK;
}

async function startServer(kind) {
  const port = await freePort();
  const cmd =
    kind === 'redis'
      ? ['redis-server', '--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no']
      : ['node', path.join(ROOT, 'dist/kernel/main.js'), '--port', String(port), '--bind', '127.0.0.1', '--loglevel', 'warning'];
  const proc = spawn('taskset', ['-c', SERVER_CPU, ...cmd], { stdio: 'ignore' });
  await waitPort(port);
  return { port, proc };
}

function runBench(port, test, pipeline) {
  const r = spawnSync(
    'taskset',
    ['-c', BENCH_CPU, 'redis-benchmark', '-p', String(port), '-c', String(CLIENTS), '-n', String(REQUESTS), '-P', String(pipeline), '-t', test, '--csv', '-r', '100000'],
    { encoding: 'utf8' },
  );
  if (r.status !== 0) throw new Error(`redis-benchmark failed: ${r.stderr}`);
  const rows = {};
  for (const line of r.stdout.trim().split('\n').slice(1)) {
    const cells = line.split(',').map((c) => c.replace(/"/g, ''));
    rows[cells[0]] = Number(cells[1]);
  }
  return rows;
}

async function measure(kind) {
  const { port, proc } = await startServer(kind);
  const out = {};
  try {
    for (const pipeline of PIPELINES) {
      for (const test of TESTS) {
        const before = cpuSeconds(proc.pid);
        const rows = runBench(port, test, pipeline);
        const cpu = cpuSeconds(proc.pid) - before;
        const names = Object.keys(rows);
        for (const name of names) {
          out[`${name} -P ${pipeline}`] = { ops: rows[name], cpuUsPerReq: (cpu * 1e6) / (REQUESTS * names.length) };
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
  const version = spawnSync('redis-server', ['--version'], { encoding: 'utf8' }).stdout.trim();
  const redis = await measure('redis');
  const ferrous = await measure('ferrous');
  const lines = [
    `redis-benchmark -c ${CLIENTS} -n ${REQUESTS}, server on CPU ${SERVER_CPU}, benchmark on CPU ${BENCH_CPU}; ${version.split(' ').slice(0, 3).join(' ')}; node ${process.version}`,
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

main().catch((e) => {
  console.error(e.message);
  process.exit(1);
});
