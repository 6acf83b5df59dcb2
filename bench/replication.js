#!/usr/bin/env node
/**
 * Replication, side by side with Redis in the same run (each master pinned to CPU 0; the load
 * generator and the replica share CPU 1, the same for both):
 *   1. SET throughput on a master with no replica, then with one redis-server replica attached
 *      (the same replica for both masters, so the difference is what a replica costs the
 *      master), and the master's CPU per request;
 *   2. a full sync of --keys keys (DEBUG POPULATE): time from REPLICAOF to master_link_status:up,
 *      replica of the master's own kind (Redis -> Redis, Ferrous -> Ferrous).
 *
 * The CPU each side spent on the full sync (master: snapshot and sending; replica: receiving
 * and loading) is reported too: on a shared machine it varies less than the time.
 * `--sync-only 1` skips the SET rows and the GETs during the sync (the GET client shares CPU 1
 * with the replica, which slows the replica's load), for the sync time alone.
 *
 *   npm run build && node bench/replication.js [--requests 200000] [--keys 1000000] [--sync-only 1]
 */
'use strict';
const { spawn, spawnSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');
const { benchArgs, freePort } = require('./drivers/resp');

const args = benchArgs();
const REQUESTS = Number(args.requests ?? 200000);
const KEYS = Number(args.keys ?? 1000000);
const CLIENTS = 50;
const SYNC_ONLY = args['sync-only'] === '1';
const ROOT = path.resolve(__dirname, '..');

function cli(port, ...argv) {
  const r = spawnSync('redis-cli', ['-p', String(port), ...argv], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`redis-cli ${argv.join(' ')}: ${r.stderr}`);
  return r.stdout.trim();
}

function field(port, section, name) {
  const m = new RegExp(`^${name}:(.*)$`, 'm').exec(cli(port, 'INFO', section));
  return m === null ? '' : m[1].trim();
}

async function start(kind, cpu, extra) {
  const port = await freePort();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ferrous-bench-repl-'));
  const common = ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--dir', dir, '--repl-diskless-sync-delay', '0', '--enable-debug-command', 'yes', ...extra];
  // With the heap flags the launcher would add, so it runs the server itself (proc.pid is the server's).
  const heap = kind === 'redis' ? [] : require(path.join(ROOT, 'dist/kernel/heap-size')).heapFlags(0);
  const cmd = kind === 'redis' ? ['redis-server', ...common] : ['node', ...heap, path.join(ROOT, 'dist/kernel/main.js'), '--loglevel', 'warning', ...common];
  const proc = spawn('taskset', ['-c', String(cpu), ...cmd], { stdio: 'ignore' });
  for (let i = 0; ; i++) {
    if (spawnSync('redis-cli', ['-p', String(port), 'PING'], { encoding: 'utf8' }).stdout.trim() === 'PONG') break;
    if (i > 200) throw new Error(`${kind} on ${port} did not start`);
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    port,
    proc,
    stop: () => {
      proc.kill('SIGKILL');
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** CPU seconds of a process and its descendants, live or waited for (Ferrous's entry point relaunches node with a sized heap). */
function cpuSeconds(pid) {
  const f = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = f.slice(f.lastIndexOf(')') + 2).split(' ');
  // Its own time and that of children it waited for (Redis's fork for a full sync).
  let s = (Number(fields[11]) + Number(fields[12]) + Number(fields[13]) + Number(fields[14])) / 100;
  const children = fs.readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim();
  for (const c of children === '' ? [] : children.split(' ')) s += cpuSeconds(Number(c));
  return s;
}

/** SET ops/s from redis-benchmark on CPU 1, and the master's CPU µs per request. */
function setBench(master, requests) {
  const run = (n) => {
    const r = spawnSync('taskset', ['-c', '1', 'redis-benchmark', '-p', String(master.port), '-c', String(CLIENTS), '-n', String(n), '-r', '100000', '-t', 'set', '--csv'], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`redis-benchmark failed: ${r.stderr}`);
    return Number(r.stdout.trim().split('\n')[1].split(',')[1].replace(/"/g, ''));
  };
  run(Math.ceil(requests / 5));
  const before = cpuSeconds(master.proc.pid);
  const ops = run(requests);
  return { ops, cpuUs: ((cpuSeconds(master.proc.pid) - before) * 1e6) / requests };
}

const GET_ARGS = (master, keys) => ['-c', '1', 'redis-benchmark', '-p', String(master.port), '-c', '10', '-n', String(Math.ceil(REQUESTS / 4)), '-r', String(keys), '--csv', 'GET', 'key:__rand_int__'];

/** GET p99 (ms) on the master, from redis-benchmark's CSV (p99_latency_ms). */
function p99FromCsv(out) {
  const [head, row] = out.trim().split('\n');
  const cols = head.split(',').map((c) => c.replace(/"/g, ''));
  return Number(row.split(',')[cols.indexOf('p99_latency_ms')].replace(/"/g, ''));
}

function getP99(master, keys) {
  return p99FromCsv(spawnSync('taskset', GET_ARGS(master, keys), { encoding: 'utf8' }).stdout);
}

function getP99Async(master, keys) {
  return new Promise((resolve, reject) => {
    const p = spawn('taskset', GET_ARGS(master, keys));
    let out = '';
    p.stdout.on('data', (d) => (out += d));
    p.on('exit', (code) => (code === 0 ? resolve(p99FromCsv(out)) : reject(new Error('redis-benchmark GET failed'))));
  });
}

async function waitUp(port, ms) {
  const deadline = Date.now() + ms;
  while (field(port, 'replication', 'master_link_status') !== 'up') {
    if (Date.now() > deadline) throw new Error('the replica did not sync in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}

async function measure(kind) {
  const master = await start(kind, 0, []);
  try {
    let alone = null;
    let withReplica = null;
    if (!SYNC_ONLY) {
      alone = setBench(master, REQUESTS);
      const replica = await start('redis', 1, ['--replicaof', '127.0.0.1', String(master.port)]);
      try {
        await waitUp(replica.port, 60000);
        withReplica = setBench(master, REQUESTS);
      } finally {
        replica.stop();
      }
    }
    cli(master.port, 'FLUSHALL');
    cli(master.port, 'DEBUG', 'POPULATE', String(KEYS));
    const r2 = await start(kind, 1, []);
    let syncMs;
    let p99Idle = null;
    let p99Sync = null;
    let masterCpu;
    let replicaCpu;
    try {
      if (!SYNC_ONLY) p99Idle = getP99(master, KEYS);
      const cpu0 = [cpuSeconds(master.proc.pid), cpuSeconds(r2.proc.pid)];
      const t0 = Date.now();
      cli(r2.port, 'REPLICAOF', '127.0.0.1', String(master.port));
      // GETs on the master while it produces and sends the snapshot.
      const during = SYNC_ONLY ? null : getP99Async(master, KEYS);
      await waitUp(r2.port, 600000);
      syncMs = Date.now() - t0;
      masterCpu = Math.round((cpuSeconds(master.proc.pid) - cpu0[0]) * 1000);
      replicaCpu = Math.round((cpuSeconds(r2.proc.pid) - cpu0[1]) * 1000);
      if (during !== null) p99Sync = await during;
      if (cli(r2.port, 'DBSIZE') !== String(KEYS)) throw new Error(`${kind}: the replica has ${cli(r2.port, 'DBSIZE')} keys`);
    } finally {
      r2.stop();
    }
    return { alone, withReplica, syncMs, masterCpu, replicaCpu, p99Idle, p99Sync };
  } finally {
    master.stop();
  }
}

async function main() {
  if (!fs.existsSync(path.join(ROOT, 'dist/kernel/main.js'))) throw new Error('build first: npm run build');
  const redis = await measure('redis');
  const ferrous = await measure('ferrous');
  const ops = (x) => `${x.ops.toFixed(0)} ops/s (${x.cpuUs.toFixed(2)} µs CPU/req)`;
  const row = (name, r, f) => `| ${name} | ${ops(r)} | ${ops(f)} | ${(f.ops / r.ops).toFixed(2)} |`;
  console.log(`SET, ${CLIENTS} clients, ${REQUESTS} requests; full sync of ${KEYS} keys (DEBUG POPULATE); ${process.version}`);
  console.log('\n| measure | Redis | Ferrous | Ferrous/Redis |\n| --- | ---: | ---: | ---: |');
  if (!SYNC_ONLY) {
    console.log(row('SET, no replica', redis.alone, ferrous.alone));
    console.log(row('SET, one redis-server replica', redis.withReplica, ferrous.withReplica));
    console.log(`| throughput kept with a replica | ${((redis.withReplica.ops / redis.alone.ops) * 100).toFixed(0)}% | ${((ferrous.withReplica.ops / ferrous.alone.ops) * 100).toFixed(0)}% | |`);
  }
  console.log(`| full sync to link up | ${redis.syncMs} ms | ${ferrous.syncMs} ms | ${(ferrous.syncMs / redis.syncMs).toFixed(2)} (time) |`);
  console.log(`| CPU of the sync, master / replica | ${redis.masterCpu} / ${redis.replicaCpu} ms | ${ferrous.masterCpu} / ${ferrous.replicaCpu} ms | |`);
  if (!SYNC_ONLY) {
    console.log(`| master GET p99, idle | ${redis.p99Idle} ms | ${ferrous.p99Idle} ms | |`);
    console.log(`| master GET p99, during the full sync | ${redis.p99Sync} ms | ${ferrous.p99Sync} ms | |`);
  }
}

main().catch((e) => {
  console.error(e.message);
  process.exit(1);
});
