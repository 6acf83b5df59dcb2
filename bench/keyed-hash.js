#!/usr/bin/env node
/**
 * What the keyed hash costs: the same build with SipHash-1-2 (as shipped) and with the unkeyed
 * FNV-1a it replaced (bench/fnv-hash-preload.js substitutes it as the build loads; the product has
 * no such switch), under redis-benchmark's loads (SET, GET, INCR, MSET, HSET, SADD, ZADD; -P 1 and 16).
 *
 *   node bench/keyed-hash.js --mode hash        # one hashString call a key length: instructions
 *                                               # under callgrind (exact) and ns in a loop
 *   node bench/keyed-hash.js --mode inproc      # instructions per command of the in-process
 *                                               # command path under callgrind, and hashes per
 *                                               # command counted: the deterministic A/B
 *   node bench/keyed-hash.js --mode callgrind   # instructions/request of the whole server under
 *                                               # valgrind (windows vary: JIT, GC, the cron)
 *   node bench/keyed-hash.js --mode profile     # the hash function's share of V8 CPU profiles of
 *                                               # each variant's server, and the difference
 *   node bench/keyed-hash.js --mode ab --rounds N  # the throughput A/B (the default mode; `cpu` is
 *                                               # the same): server CPU µs/request over
 *                                               # redis-benchmark, both servers up, the range
 *                                               # prefilled, a full collection before each pass,
 *                                               # N alternating pairs a test, medians and ranges
 *
 * How to read them. Instructions are counted, not timed, so they do not move with the machine's
 * load; `inproc` is the figure to compare builds with: one process a variant, the server's cron
 * stopped, V8 single-threaded, windows that hold commands only (a test's windows mostly agree
 * within 1-3%; the median of 5 drops the odd one a GC or a recompilation lands in).
 * It leaves out the socket path (libuv, the system calls), so its cost % is an upper bound of
 * the whole server's; `callgrind` has those but its windows also catch GC and cron work. An
 * instruction is not a unit of time: SipHash is register arithmetic at several instructions a
 * cycle while much of a request waits on memory, so `hash`'s ns difference times the hashes a
 * command computes, over the CPU µs a request costs, estimates the throughput cost, and
 * `profile`'s difference of shares measures it within each run.
 *
 * Options: --requests N (a pass or window; default: ab sized to --pass-ms, 200 ms of server CPU,
 * profile 100000, inproc 10000, callgrind 4000; hash: 10N calls measured), --rounds R (pairs of passes a test, default 11;
 * callgrind: windows a test, median of 3; inproc: of 5), --range R (redis-benchmark -r:
 * distinct keys, fields, members; default 100000, callgrind and inproc 1000), --clients C,
 * --tests SET,GET-P16,... (names as printed), --server-cpu, --bench-cpu. Each test gets a
 * warm-up first (not counted), so V8 has compiled the path. Under callgrind the small key range
 * makes the measured windows a steady state: every key exists by then, so no table grows inside
 * a window (instruction counts do not depend on cache misses, which is what a larger table
 * would add).
 */
'use strict';
const { spawn, spawnSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');
const { benchArgs, call, encode, freePort, pipelined } = require('./drivers/resp');

const args = benchArgs();
const MODE = args.mode === 'cpu' ? 'ab' : args.mode ?? 'ab';
const REQUESTS = Number(args.requests ?? (MODE === 'callgrind' ? 4000 : MODE === 'inproc' ? 10000 : 100000));
const ROUNDS = Number(args.rounds ?? (MODE === 'ab' ? 11 : MODE === 'inproc' ? 5 : 3));
const RANGE = args.range ?? (MODE === 'callgrind' || MODE === 'inproc' ? '1000' : '100000');
const CLIENTS = Number(args.clients ?? 50);
const PASS_MS = Number(args['pass-ms'] ?? 200);
const SERVER_CPU = args['server-cpu'] ?? '0';
const BENCH_CPU = args['bench-cpu'] ?? '1';
const ROOT = path.resolve(__dirname, '..');
const MAIN = path.join(ROOT, 'dist/kernel/main.js');
const PRELOAD = path.join(__dirname, 'fnv-hash-preload.js');

/** Keys are redis-benchmark's: key:<12 digits>, counter:<12 digits>, element:<12 digits> fields and members. */
const ALL_TESTS = [];
for (const pipeline of [1, 16]) {
  for (const t of ['set', 'get', 'incr', 'mset', 'hset', 'sadd', 'zadd']) ALL_TESTS.push({ name: t.toUpperCase() + (pipeline === 1 ? '' : `-P${pipeline}`), t, pipeline });
}
const TESTS = args.tests === undefined ? ALL_TESTS : args.tests.split(',').map((n) => ALL_TESTS.find((t) => t.name === n) ?? fail(`unknown test ${n}`));

function fail(message) {
  throw new Error(message);
}

/** CPU time of every thread of `pid` so far, in ns (schedstat: finer than /proc/<pid>/stat's ticks). */
function cpuNs(pid) {
  let ns = 0;
  for (const tid of fs.readdirSync(`/proc/${pid}/task`)) ns += threadNs(pid, tid);
  return ns;
}

/** CPU time of one thread of `pid` so far, in ns. */
function threadNs(pid, tid) {
  return Number(fs.readFileSync(`/proc/${pid}/task/${tid}/schedstat`, 'utf8').split(' ')[0]);
}

function benchmark(port, test, requests) {
  const argv = ['-c', BENCH_CPU, 'timeout', '600', 'redis-benchmark', '-p', String(port), '-c', String(CLIENTS), '-n', String(requests), '-P', String(test.pipeline), '-r', RANGE, '-t', test.t, '--csv'];
  const r = spawnSync('taskset', argv, { encoding: 'utf8' });
  if (r.status !== 0) fail(`redis-benchmark failed: ${r.stderr}`);
  return Number(r.stdout.trim().split('\n')[1].split(',')[1].replace(/"/g, ''));
}

/** Start a server of `variant` ('sip' or 'fnv'), under `wrap` (e.g. valgrind) if given. */
async function start(variant, wrap, extraNodeFlags) {
  const port = await freePort();
  // The heap flags the launcher would add, so this process is the server (not a relaunching parent).
  const node = ['node', ...require(path.join(ROOT, 'dist/kernel/heap-size')).heapFlags(0), ...extraNodeFlags, ...(variant === 'fnv' ? ['-r', PRELOAD] : [])];
  const cmd = [...wrap, ...node, MAIN, '--port', String(port), '--bind', '127.0.0.1', '--loglevel', 'warning', '--save', ''];
  const proc = spawn('taskset', ['-c', SERVER_CPU, ...cmd], { stdio: ['ignore', 'ignore', 'inherit'] });
  // Under valgrind the server takes several seconds to start.
  for (let i = 0; ; i++) {
    try {
      await call(port, ['PING']);
      return { port, proc };
    } catch (e) {
      if (i === 600 || proc.exitCode !== null) fail(`${variant} server did not start: ${e.message}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }
}

function stop(proc) {
  return new Promise((resolve) => {
    proc.on('exit', resolve);
    proc.kill('SIGTERM');
  });
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const pct = (sip, fnv) => `${((sip / fnv - 1) * 100).toFixed(1)}%`;

/** What each test's commands write or read: the keys, fields or members its draws can name. */
const FILL_OF = { set: 'key', get: 'key', mset: 'key', incr: 'counter', hset: 'hash', sadd: 'set', zadd: 'zset' };

/**
 * Store every key, field or member the selected tests can draw (range R: 0 .. R-1, 12 digits),
 * so that no table grows inside a measured pass: a growing keyspace or collection rehashes, and
 * allocates what a later full collection must walk, in some passes and not in others.
 */
function prefill(port, range) {
  const kinds = [...new Set(TESTS.map((t) => FILL_OF[t.t]))];
  let kind = 0;
  let next = 0;
  return pipelined(port, () => {
    let out = '';
    let count = 0;
    for (; count < 20 && kind < kinds.length; count++) {
      const k = kinds[kind];
      const argv = k === 'key' || k === 'counter' ? ['MSET'] : k === 'hash' ? ['HSET', 'myhash'] : k === 'set' ? ['SADD', 'myset'] : ['ZADD', 'myzset'];
      for (let i = 0; i < 1000 && next < range; i++, next++) {
        const name = `${k === 'key' ? 'key' : k === 'counter' ? 'counter' : 'element'}:${pad12(next)}`;
        if (k === 'key' || k === 'counter' || k === 'hash') argv.push(name, k === 'counter' ? '0' : 'xxx');
        else if (k === 'set') argv.push(name);
        else argv.push('0', name);
      }
      out += encode(argv);
      if (next === range) {
        kind++;
        next = 0;
      }
    }
    return count === 0 ? null : { out, count };
  });
}

/** A full collection in the server (MEMORY PURGE, with node --expose-gc), then a moment for V8's concurrent sweeping to finish. */
async function collect(port) {
  await call(port, ['MEMORY', 'PURGE']);
  await new Promise((r) => setTimeout(r, 30));
}

/**
 * The throughput A/B: both variants run at once (pinned to the same core, each idle while the
 * other is loaded); each test alternates passes between them (the order flips every round), so
 * a pair of passes sees the same machine load, and the cost is the median of the pairs' ratios
 * of server CPU time per request (every thread of the server process, from schedstat).
 *
 * What made pairs spread over ±20-200% before, and what each pass does against it:
 *   - tables growing in some passes (HSET's `myhash` and MSET's keys grew towards 100,000 while
 *     measured): every key, field and member of the range is stored first (prefill);
 *   - a full (mark-compact) collection landing in one pass of a pair and not the other: each
 *     server collects (MEMORY PURGE) before each of its passes, so a pass starts with an empty
 *     young generation and no marking under way;
 *   - passes too short to average the cron's ticks and the scavenges (40,000 pipelined requests
 *     were ~60-300 ms): each test's requests a pass are sized from its warm-up to cost about
 *     --pass-ms (default 200) of server CPU time, the same count for both variants;
 *   - warm-up: two passes a variant, so V8 has compiled the path before the first measured one.
 * (HSET's large hash was also measured again by the server's cron ten times a second, a walk of
 * its 100,000 fields each time; the hashes module now keeps that count as it writes.)
 */
async function abMode() {
  const gcFlags = ['--expose-gc'];
  const servers = { sip: await start('sip', [], gcFlags), fnv: await start('fnv', [], gcFlags) };
  const rows = [];
  const range = (xs, digits) => `${Math.min(...xs).toFixed(digits)} .. ${Math.max(...xs).toFixed(digits)}`;
  const began = Date.now();
  try {
    await Promise.all([prefill(servers.sip.port, Number(RANGE)), prefill(servers.fnv.port, Number(RANGE))]);
    for (const test of TESTS) {
      let requests = args.requests === undefined ? null : REQUESTS;
      for (let w = 0; w < 2; w++) {
        for (const v of ['sip', 'fnv']) {
          await collect(servers[v].port);
          const n = requests ?? (test.pipeline === 1 ? 10000 : 50000);
          const before = cpuNs(servers[v].proc.pid);
          benchmark(servers[v].port, test, n);
          // Sized from the second warm-up pass of the SipHash variant (its server CPU time, which
          // other processes' load does not stretch as it does wall time), rounded to 1000.
          if (requests === null && w === 1) requests = Math.max(1000, Math.round((n * PASS_MS * 1e6) / Math.max(1, cpuNs(servers[v].proc.pid) - before) / 1000) * 1000);
        }
      }
      const us = { sip: [], fnv: [] };
      const main = { sip: [], fnv: [] };
      const ops = { sip: [], fnv: [] };
      for (let round = 0; round < ROUNDS; round++) {
        for (const v of round % 2 === 0 ? ['sip', 'fnv'] : ['fnv', 'sip']) {
          const pid = servers[v].proc.pid;
          await collect(servers[v].port);
          const before = cpuNs(pid);
          const beforeMain = threadNs(pid, pid);
          ops[v].push(benchmark(servers[v].port, test, requests));
          us[v].push((cpuNs(pid) - before) / 1e3 / requests);
          main[v].push((threadNs(pid, pid) - beforeMain) / 1e3 / requests);
        }
      }
      const cost = us.sip.map((s, i) => (s / us.fnv[i] - 1) * 100);
      const mainCost = main.sip.map((s, i) => (s / main.fnv[i] - 1) * 100);
      rows.push(`| ${test.name} | ${requests} | ${median(us.sip).toFixed(3)} (${range(us.sip, 2)}) | ${median(us.fnv).toFixed(3)} (${range(us.fnv, 2)}) | ${median(cost).toFixed(1)}% | ${range(cost, 1)}% | ${median(mainCost).toFixed(1)}% | ${range(mainCost, 1)}% | ${median(ops.sip).toFixed(0)} | ${median(ops.fnv).toFixed(0)} |`);
      console.error(rows[rows.length - 1]);
    }
  } finally {
    await Promise.all([stop(servers.sip.proc), stop(servers.fnv.proc)]);
  }
  console.log(`\n${ROUNDS} alternating pairs a test (requests a pass as given, sized to ~${PASS_MS} ms of server CPU unless --requests), -r ${RANGE} prefilled, a full collection before each pass, ${CLIENTS} clients; ${((Date.now() - began) / 1000).toFixed(0)} s in all; server CPU µs/req: median (range); cost = median over pairs of SipHash / FNV-1a - 1, and its range; the same for the main thread alone (the event loop: no GC helper or compiler threads)\n`);
  console.log("| test | requests a pass | SipHash CPU µs/req | FNV-1a CPU µs/req | CPU cost | pairs' range | main thread cost | pairs' range | SipHash ops/s | FNV-1a ops/s |");
  console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
  for (const r of rows) console.log(r);
}

/** callgrind_control on the server (valgrind's gdbserver): `-z` zeroes the counters, `-d` dumps them. */
function callgrindControl(flag, pid) {
  const r = spawnSync('timeout', ['120', 'callgrind_control', ...flag, String(pid)], { encoding: 'utf8' });
  if (r.status !== 0) fail(`callgrind_control ${flag.join(' ')} failed: ${r.stdout}${r.stderr}`);
}

async function callgrindMode() {
  if (spawnSync('which', ['valgrind']).status !== 0) fail('valgrind is required (apt-get install -y valgrind)');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'keyed-hash-'));
  const results = { sip: {}, fnv: {} };
  for (const variant of ['sip', 'fnv']) {
    const out = path.join(dir, `${variant}.out`);
    // --smc-check: V8 writes and patches machine code in anonymous memory.
    const valgrind = ['valgrind', '--tool=callgrind', '--smc-check=all-non-file', `--callgrind-out-file=${out}`];
    const { port, proc } = await start(variant, valgrind, []);
    for (const test of TESTS) {
      benchmark(port, test, 2 * REQUESTS);
      const windows = [];
      for (let w = 0; w < ROUNDS; w++) {
        callgrindControl(['-z'], proc.pid);
        benchmark(port, test, REQUESTS);
        callgrindControl(['-d', test.name], proc.pid);
        // Each dump is a new file, out.1, out.2, ...: the newest holds this window's counts.
        const dumps = fs.readdirSync(dir).filter((f) => f.startsWith(`${variant}.out.`));
        const last = dumps.sort((a, b) => Number(a.split('.').pop()) - Number(b.split('.').pop())).pop();
        const totals = /^totals: (\d+)/m.exec(fs.readFileSync(path.join(dir, last), 'utf8'));
        if (totals === null) fail(`no totals in ${last}`);
        windows.push(Number(totals[1]) / REQUESTS);
      }
      results[variant][test.name] = median(windows);
      console.error(`${variant} ${test.name}: ${windows.map((x) => x.toFixed(0)).join(' ')} instructions/request`);
    }
    await stop(proc);
  }
  fs.rmSync(dir, { recursive: true, force: true });
  console.log(`\ncallgrind, median of ${ROUNDS} windows of ${REQUESTS} requests after a warm-up of ${2 * REQUESTS}, -r ${RANGE}, ${CLIENTS} clients; all threads of the server process\n`);
  console.log('| test | SipHash instructions/req | FNV-1a instructions/req | cost |');
  console.log('| --- | ---: | ---: | ---: |');
  for (const test of TESTS) {
    const s = results.sip[test.name];
    const f = results.fnv[test.name];
    console.log(`| ${test.name} | ${s.toFixed(0)} | ${f.toFixed(0)} | ${pct(s, f)} |`);
  }
}

/** Self time of the samples whose innermost frame (inlined frames included) is one of `names`, and of all non-idle ones. */
function profileShare(file, names) {
  const profile = JSON.parse(fs.readFileSync(file, 'utf8'));
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  let busy = 0;
  let hash = 0;
  profile.samples.forEach((id, i) => {
    const fn = byId.get(id).callFrame.functionName;
    const dt = profile.timeDeltas[i];
    if (fn === '(idle)') return;
    busy += dt;
    if (names.includes(fn)) hash += dt;
  });
  return hash / busy;
}

/**
 * Each variant's server profiled under the same load: the hash function's share of the busy
 * samples in each, and their difference, which is the keyed hash's share of the time. Shares
 * are ratios within one run, so they move less with the machine's load than CPU µs do.
 */
async function profileMode() {
  const rows = [];
  for (const test of TESTS) {
    const share = {};
    for (const variant of ['sip', 'fnv']) {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'keyed-hash-prof-'));
      const { port, proc } = await start(variant, [], ['--cpu-prof', `--cpu-prof-dir=${dir}`, '--cpu-prof-interval=100']);
      benchmark(port, test, REQUESTS);
      benchmark(port, test, REQUESTS);
      await stop(proc);
      const file = fs.readdirSync(dir).find((f) => f.endsWith('.cpuprofile')) ?? fail(`no profile written for ${test.name}`);
      share[variant] = profileShare(path.join(dir, file), ['hashString', variant === 'sip' ? 'sipHash12' : 'fnv1a']);
      fs.rmSync(dir, { recursive: true, force: true });
    }
    rows.push(`| ${test.name} | ${(share.sip * 100).toFixed(1)}% | ${(share.fnv * 100).toFixed(1)}% | ${((share.sip - share.fnv) * 100).toFixed(1)}% |`);
    console.error(rows[rows.length - 1]);
  }
  console.log(`\nV8 CPU profiles (100 µs sampling), warm-up and ${REQUESTS} requests a test, -r ${RANGE}, ${CLIENTS} clients\n`);
  console.log('| test | SipHash build: hashString + sipHash12 share of busy samples | FNV-1a build: hashString + fnv1a | difference |');
  console.log('| --- | ---: | ---: | ---: |');
  for (const r of rows) console.log(r);
}

/**
 * One hashString call, each variant in processes of its own: instructions under callgrind (two
 * loop lengths, so start-up and compilation cancel in the difference; --single-threaded, so no
 * compiler thread moves work between them) and ns in a loop without valgrind (best of 7 passes,
 * the least disturbed on a shared machine). Keys of 3, 10, 16, 24, 40 and 100 bytes (1024 a
 * length, no two in a row equal, so the last-string cache misses as it does between a
 * command's key and its field) and redis-benchmark's own (key:, counter:, element: + 12 digits).
 */
function hashMode() {
  const mapJs = path.join(ROOT, 'dist/kernel/util/string-map.js');
  const SHAPES = ['3', '10', '16', '24', '40', '100', 'bench'];
  const program = (shape, body) => `
    const { hashString } = require(${JSON.stringify(mapJs)});
    const keys = [];
    for (let i = 0; i < 1024; i++) {
      const d = String((i * 7919) % 100000).padStart(12, '0');
      // The digit that changes fastest comes first, so keys cut to 3 bytes still differ from the last.
      const r = String(i).padStart(4, '0').split('').reverse().join('');
      const k = ${shape === 'bench' ? "['key:', 'counter:', 'element:'][i % 3] + d" : `(r + ':element:' + d).repeat(9).slice(0, ${shape})`};
      keys.push(Buffer.from(k, 'latin1').toString('latin1'));
    }
    let x = 0;
    ${body}
    if (x === 0.5) console.log(x);`;
  const loop = (n) => `for (let i = 0; i < ${n}; i++) x ^= hashString(keys[i & 1023]);`;
  const node = (variant) => ['node', '--single-threaded', ...(variant === 'fnv' ? ['-r', PRELOAD] : [])];
  const count = (variant, shape, n) => {
    const out = path.join(os.tmpdir(), `keyed-hash-${process.pid}-${variant}-${n}.out`);
    const r = spawnSync('taskset', ['-c', SERVER_CPU, 'valgrind', '--tool=callgrind', '--smc-check=all-non-file', `--callgrind-out-file=${out}`, ...node(variant), '-e', program(shape, loop(n))], { encoding: 'utf8' });
    if (r.status !== 0) fail(`valgrind failed: ${r.stderr}`);
    const totals = /^totals: (\d+)/m.exec(fs.readFileSync(out, 'utf8'));
    fs.rmSync(out);
    return Number(totals[1]);
  };
  const ns = (variant, shape) => {
    const timed = `${loop(2000000)}
    let best = Infinity;
    for (let pass = 0; pass < 7; pass++) {
      const t = process.hrtime.bigint();
      ${loop(2000000)}
      best = Math.min(best, Number(process.hrtime.bigint() - t) / 2000000);
    }
    console.log(best);`;
    const r = spawnSync('taskset', ['-c', SERVER_CPU, ...node(variant), '-e', program(shape, timed)], { encoding: 'utf8' });
    if (r.status !== 0) fail(`timing run failed: ${r.stderr}`);
    return Number(r.stdout.trim());
  };
  const n1 = 300000;
  const n2 = n1 + REQUESTS * 10;
  const rows = [];
  for (const shape of SHAPES) {
    const ins = {};
    const t = {};
    for (const variant of ['sip', 'fnv']) {
      ins[variant] = (count(variant, shape, n2) - count(variant, shape, n1)) / (n2 - n1);
      t[variant] = ns(variant, shape);
    }
    rows.push(`| ${shape === 'bench' ? 'redis-benchmark keys (16-20)' : shape} | ${ins.sip.toFixed(0)} | ${ins.fnv.toFixed(0)} | ${(ins.sip - ins.fnv).toFixed(0)} | ${t.sip.toFixed(1)} | ${t.fnv.toFixed(1)} | ${(t.sip - t.fnv).toFixed(1)} |`);
    console.error(rows[rows.length - 1]);
  }
  console.log(`\none hashString call: instructions (I(${n2}) - I(${n1})) / ${n2 - n1} under callgrind; ns the best of 7 passes of 2,000,000 calls\n`);
  console.log('| key bytes | SipHash-1-2 instructions | FNV-1a instructions | difference | SipHash ns | FNV-1a ns | difference |');
  console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: |');
  for (const row of rows) console.log(row);
}

/** redis-benchmark's commands (-r: each __rand_int__ drawn on its own), as argument lists. */
const pad12 = (n) => String(n).padStart(12, '0');
const COMMAND_OF = {
  set: (r) => ['SET', `key:${pad12(r())}`, 'xxx'],
  get: (r) => ['GET', `key:${pad12(r())}`],
  incr: (r) => ['INCR', `counter:${pad12(r())}`],
  mset: (r) => ['MSET', ...Array.from({ length: 10 }, () => [`key:${pad12(r())}`, 'xxx']).flat()],
  hset: (r) => ['HSET', 'myhash', `element:${pad12(r())}`, 'xxx'],
  sadd: (r) => ['SADD', 'myset', `element:${pad12(r())}`],
  zadd: (r) => ['ZADD', 'myzset', pad12(r()), `element:${pad12(r())}`],
};
const resp = (argv) => `*${argv.length}\r\n${argv.map((a) => `$${a.length}\r\n${a}\r\n`).join('')}`;

/** The same pseudo-random draws in every run (Math.random's would differ between the runs compared). */
function lcg(seed, range) {
  let x = seed >>> 0;
  return () => {
    x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
    return x % range;
  };
}

/** Feed `n` commands or a few more (reads of `perRead`), one read per client in turn; replies go nowhere. Resolves with the count fed. */
function feed(clients, reads, n, perRead) {
  return new Promise((resolve) => {
    let b = 0;
    let done = 0;
    const turn = () => {
      for (let i = 0; i < clients.length && done < n; i++, done += perRead) clients[i].onData(reads[b++ % reads.length]);
      if (done < n) setImmediate(turn);
      else setImmediate(resolve, done);
    };
    turn();
  });
}

/** The string-map.js rewrite of `--child count`: counts hashString and hashMember calls and the SipHash computations among them. */
function installCounter() {
  const Module = require('module');
  const load = Module._extensions['.js'];
  globalThis.hashCounts = { calls: 0, sip: 0 };
  Module._extensions['.js'] = function (module, filename) {
    if (!filename.endsWith(path.join('kernel', 'util', 'string-map.js'))) return load(module, filename);
    const src = fs.readFileSync(filename, 'utf8').replace('function hashString(s) {', 'function hashString(s) {\n    globalThis.hashCounts.calls++;').replace('function hashMember(s) {', 'function hashMember(s) {\n    globalThis.hashCounts.calls++;').replace('sipHash(SIP_KEY, s)', '(globalThis.hashCounts.sip++, sipHash(SIP_KEY, s))');
    if (!src.includes('hashCounts.sip++') || src.split('hashCounts.calls++').length !== 3) fail('keyed-hash: string-map.js changed; update installCounter');
    module._compile(src, filename);
  };
}

/**
 * One in-process run (the child of --mode inproc): the kernel in this process, 50 connection-less
 * clients (a transport that drops the output, as bench/in-process.js), every key, field or member
 * of the range written once in order, then `--count` commands drawn from the range. Under
 * callgrind the parent subtracts two such runs of different counts.
 */
async function child() {
  if (args.child === 'count') installCounter();
  const range = Number(RANGE);
  const count = Number(args.count);
  require('reflect-metadata');
  const { startServer } = require(path.join(ROOT, 'dist/kernel'));
  const { Client } = require(path.join(ROOT, 'dist/kernel/client'));
  const ferrous = await startServer({ ephemeral: true, argv: ['--save', '', '--appendonly', 'no', '--loglevel', 'warning'] });
  // The cron's work follows the wall clock (time-boxed steps every 1000/hz ms), which callgrind
  // stretches many times over and unevenly: stopped, so a window holds commands only.
  clearInterval(ferrous.server.cron);
  const transport = { direct: true, pending: 0, write() {}, writeBuffer() {}, end() {}, destroy() {} };
  const clients = [];
  for (let i = 0; i < CLIENTS; i++) {
    const c = new Client(ferrous.server, { remoteAddress: '127.0.0.1', remotePort: 40000 + i, localAddress: '127.0.0.1', localPort: ferrous.port });
    c.transport = transport;
    ferrous.server.clients.set(c.id, c);
    clients.push(c);
  }
  const lines = require('readline').createInterface({ input: process.stdin })[Symbol.asyncIterator]();
  // Each test has keys of its own (GET reads SET's), so one server runs them all in turn.
  for (const test of TESTS) {
    let next = 0;
    const inOrder = () => next++ % range;
    const fill = [];
    for (let i = 0; i < range; i += 16) {
      let text = '';
      for (let j = 0; j < 16; j++) text += resp(COMMAND_OF[test.t === 'get' ? 'set' : test.t](inOrder));
      fill.push(Buffer.from(text, 'latin1'));
    }
    await feed(clients, fill, range, 16);
    const draw = lcg(12345, range);
    const reads = [];
    for (let i = 0; i < 2048; i++) {
      let text = '';
      for (let j = 0; j < test.pipeline; j++) text += resp(COMMAND_OF[test.t](draw));
      reads.push(Buffer.from(text, 'latin1'));
    }
    if (args.child === 'count') {
      const before = { ...globalThis.hashCounts };
      const fed = await feed(clients, reads, count, test.pipeline);
      const per = (k) => (globalThis.hashCounts[k] - before[k]) / fed;
      console.log(JSON.stringify({ test: test.name, calls: per('calls'), sip: per('sip') }));
      continue;
    }
    // Warm-up (three windows' worth: INCR's and ZADD's paths settled only after two), then a
    // window of `count` commands each time the parent says go (a line on stdin).
    await feed(clients, reads, 3 * count, test.pipeline);
    process.stdout.write('ready\n');
    for (;;) {
      const { value, done } = await lines.next();
      if (done || value !== 'go') break;
      await feed(clients, reads, count, test.pipeline);
      process.stdout.write('done\n');
    }
  }
  for (const c of clients) c.close();
  await ferrous.stop();
  process.exit(0);
}

/**
 * Instructions per command of the kernel's whole command path (parse, dispatch, handler, reply
 * encoding; no sockets), in process under callgrind: one process a variant runs the tests in
 * turn; a test fills its range, runs 3 x `--requests` commands to warm up, then `--rounds` windows
 * of as many, counters zeroed before and dumped after each (callgrind_control); the median is
 * taken. V8 runs --single-threaded (no compiler or GC threads beside a window) with a GC
 * schedule that ignores time.
 */
async function inprocMode() {
  if (spawnSync('which', ['valgrind']).status !== 0) fail('valgrind is required (apt-get install -y valgrind)');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'keyed-hash-inproc-'));
  const childArgs = ['--tests', TESTS.map((t) => t.name).join(','), '--count', String(REQUESTS), '--range', RANGE, '--clients', String(CLIENTS)];
  const r = spawnSync('node', [__filename, '--child', 'count', ...childArgs], { encoding: 'utf8' });
  if (r.status !== 0) fail(`count run failed: ${r.stderr}`);
  const counts = Object.fromEntries(r.stdout.trim().split('\n').map((l) => JSON.parse(l)).map((c) => [c.test, c]));
  const results = { sip: {}, fnv: {} };
  for (const variant of ['sip', 'fnv']) {
    const out = path.join(dir, `${variant}.out`);
    const node = ['node', '--single-threaded', '--predictable-gc-schedule', ...(variant === 'fnv' ? ['-r', PRELOAD] : []), __filename, '--child', 'run', ...childArgs];
    const proc = spawn('taskset', ['-c', SERVER_CPU, 'valgrind', '--tool=callgrind', '--smc-check=all-non-file', `--callgrind-out-file=${out}`, ...node], { stdio: ['pipe', 'pipe', 'inherit'] });
    const lines = require('readline').createInterface({ input: proc.stdout })[Symbol.asyncIterator]();
    const expect = async (want) => {
      const { value, done } = await lines.next();
      if (done || value !== want) fail(`in-process run: expected ${want}, got ${done ? 'the end' : value}`);
    };
    for (const test of TESTS) {
      await expect('ready');
      const per = [];
      for (let w = 0; w < ROUNDS; w++) {
        callgrindControl(['-z'], proc.pid);
        proc.stdin.write('go\n');
        await expect('done');
        callgrindControl(['-d', `${test.name}-${w}`], proc.pid);
        const dumps = fs.readdirSync(dir).filter((f) => f.startsWith(`${variant}.out.`));
        const last = dumps.sort((a, b) => Number(a.split('.').pop()) - Number(b.split('.').pop())).pop();
        const totals = /^totals: (\d+)/m.exec(fs.readFileSync(path.join(dir, last), 'utf8'));
        if (totals === null) fail(`no totals in ${last}`);
        per.push(Number(totals[1]) / REQUESTS);
      }
      proc.stdin.write('next\n');
      results[variant][test.name] = median(per);
      console.error(`${variant} ${test.name}: ${per.map((x) => x.toFixed(0)).join(' ')} instructions/command`);
    }
    proc.stdin.end();
    await new Promise((resolve) => proc.on('exit', resolve));
  }
  fs.rmSync(dir, { recursive: true, force: true });
  console.log(`\nin process under callgrind: median of ${ROUNDS} windows of ${REQUESTS} commands after a warm-up of ${3 * REQUESTS} (and a fill of the range), -r ${RANGE}, ${CLIENTS} clients; hashes counted in a separate run (hashString calls, and the hashes computed among them: the rest hit the last-string cache)\n`);
  console.log('| test | hashString calls/cmd | hashes computed/cmd | SipHash instructions/cmd | FNV-1a instructions/cmd | difference | cost |');
  console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: |');
  for (const test of TESTS) {
    const sip = results.sip[test.name];
    const fnv = results.fnv[test.name];
    const c = counts[test.name];
    console.log(`| ${test.name} | ${c.calls.toFixed(2)} | ${c.sip.toFixed(2)} | ${sip.toFixed(0)} | ${fnv.toFixed(0)} | ${(sip - fnv).toFixed(0)} | ${pct(sip, fnv)} |`);
  }
}

async function main() {
  if (!fs.existsSync(MAIN)) fail('build first: npm run build');
  if (args.child !== undefined) return child();
  console.log(`mode ${MODE}; server on CPU ${SERVER_CPU}, load on CPU ${BENCH_CPU}; node ${process.version}`);
  if (MODE === 'ab') await abMode();
  else if (MODE === 'callgrind') await callgrindMode();
  else if (MODE === 'profile') await profileMode();
  else if (MODE === 'hash') hashMode();
  else if (MODE === 'inproc') await inprocMode();
  else fail(`unknown mode ${MODE}: ab | callgrind | inproc | profile | hash`);
}

main().catch((e) => {
  console.error(e.message);
  process.exit(1);
});
