#!/usr/bin/env node
/**
 * The kernel's per-command CPU without sockets: 50 connection-less clients (a stand-in
 * transport that drops the output) each fed reads of 16 pipelined commands on keys drawn from
 * 100,000, as `redis-benchmark -P 16 -r 100000` sends them. Prints the process's CPU time per
 * command (all threads, the garbage collector's included) for each measured round. Without
 * the kernel's read and write system calls the figure moves less with the machine's load than
 * bench/run.js's; compare builds by alternating them (`--dist` points at another build).
 *
 *   taskset -c 0 node --max-old-space-size=4000 bench/in-process.js --command set --requests 400000 --rounds 3
 *   node bench/in-process.js --command set --mode callgrind [--dist other/dist]
 *   commands: set | get | incr | mset (ten keys) | sadd (an integer into one of 100,000 intsets)
 *             | geoadd (the geo suite's `GEOADD geo 13.<r> 45.<r> m:<r>`)
 *             | geosearch (the geo suite's `GEOSEARCH geo1m FROMLONLAT 10 47 BYRADIUS 10 km ASC`, on
 *               its million points, filled first) | geosearch-dist | geosearch-coord (the same
 *               WITHDIST / WITHCOORD)
 *
 * `--pipeline N` (default 16) sets the commands per read: 1 is redis-benchmark without -P, where
 * every command pays its own read, parse, dispatch and reply flush.
 * `--profile file` writes a V8 CPU profile of the measured rounds only. `--mode callgrind`
 * counts instructions per command under valgrind: windows of --requests (default 50000) after
 * a warm-up of --warmup (default 300000), the counters zeroed before each; --rounds windows.
 * `--cache 1` adds callgrind's cache simulation: data-cache misses per command, first level
 * and last level (the simulated geometry is the host's; cache misses are what a table's
 * layout changes). Counted,
 * not timed, so it does not move with the machine's load, but it leaves out cache misses.
 */
'use strict';
const fs = require('fs');
const os = require('os');
const path = require('path');
const { benchArgs } = require('./drivers/resp');
const { callgrindWindow, lineExpecter, startProfile, stopProfile } = require('./drivers/profile');

const args = benchArgs();
const DIST = path.resolve(args.dist ?? path.join(__dirname, '..', 'dist'));
// The launcher starts the server with this flag (kernel/heap-size.ts); unlike the heap sizes it can still be set now.
require('v8').setFlagsFromString('--no-minor-gc-task');
const COMMAND = args.command ?? 'set';
const MODE = args.mode ?? 'cpu';
const REQUESTS = Number(args.requests ?? (MODE === 'callgrind' ? 50000 : 400000));
const WARMUP = Number(args.warmup ?? 300000);
const ROUNDS = Number(args.rounds ?? 3);
const CLIENTS = 50;
const PIPELINE = Number(args.pipeline ?? 16);

const bulk = (s) => `$${s.length}\r\n${s}\r\n`;
const command = (argv) => `*${argv.length}\r\n${argv.map(bulk).join('')}`;
const randomKey = (prefix) => prefix + String(Math.floor(Math.random() * 100000)).padStart(12, '0');
const COMMANDS = {
  set: () => `*3\r\n${bulk('SET')}${bulk(randomKey('key:'))}${bulk('xxx')}`,
  get: () => `*2\r\n${bulk('GET')}${bulk(randomKey('key:'))}`,
  incr: () => `*2\r\n${bulk('INCR')}${bulk(randomKey('counter:'))}`,
  sadd: () => `*3\r\n${bulk('SADD')}${bulk(randomKey('set:'))}${bulk(String(Math.floor(Math.random() * 1000)))}`,
  mset: () => `*21\r\n${bulk('MSET')}${Array.from({ length: 10 }, () => bulk(randomKey('key:')) + bulk('xxx')).join('')}`,
  geoadd: () => `*5\r\n${bulk('GEOADD')}${bulk('geo')}${bulk(randomKey('13.'))}${bulk(randomKey('45.'))}${bulk(randomKey('m:'))}`,
  geosearch: () => command(['GEOSEARCH', 'geo1m', 'FROMLONLAT', '10', '47', 'BYRADIUS', '10', 'km', 'ASC']),
  'geosearch-dist': () => command(['GEOSEARCH', 'geo1m', 'FROMLONLAT', '10', '47', 'BYRADIUS', '10', 'km', 'ASC', 'WITHDIST']),
  'geosearch-coord': () => command(['GEOSEARCH', 'geo1m', 'FROMLONLAT', '10', '47', 'BYRADIUS', '10', 'km', 'ASC', 'WITHCOORD']),
};
if (!(COMMAND in COMMANDS)) throw new Error(`unknown command ${COMMAND}: ${Object.keys(COMMANDS).join(', ')}`);

/** 4096 reads of PIPELINE commands each, made before measuring. */
function reads(make) {
  const out = [];
  for (let i = 0; i < 4096; i++) out.push(Buffer.from(Array.from({ length: PIPELINE }, make).join(''), 'latin1'));
  return out;
}

/** Every key GET may ask for, stored once. */
function fillReads() {
  const out = [];
  for (let i = 0; i < 100000; i += PIPELINE) {
    let s = '';
    for (let j = i; j < i + PIPELINE; j++) s += `*3\r\n${bulk('SET')}${bulk('key:' + String(j).padStart(12, '0'))}${bulk('xxx')}`;
    out.push(Buffer.from(s, 'latin1'));
  }
  return out;
}

/** The geo suite's million points (bench/suites.js), 1,000 a GEOADD. */
function geoFillReads() {
  const point = require('./suites').europePoints();
  const out = [];
  for (let i = 0; i < 1000000; i += 1000) {
    const argv = ['GEOADD', 'geo1m'];
    for (let j = i; j < i + 1000; j++) argv.push(...point(j));
    out.push(Buffer.from(command(argv), 'latin1'));
  }
  return out;
}

/** Feed `n` commands, one read per client in turn; each turn's replies are flushed as the server does. */
function feed(clients, batches, n) {
  return new Promise((resolve) => {
    let b = 0;
    let done = 0;
    const turn = () => {
      for (let i = 0; i < CLIENTS && done < n; i++, done += PIPELINE) clients[i].onData(batches[b++ % batches.length]);
      setImmediate(done < n ? turn : resolve);
    };
    turn();
  });
}

async function start() {
  require('reflect-metadata');
  const { startServer } = require(path.join(DIST, 'kernel'));
  const { Client } = require(path.join(DIST, 'kernel/client'));
  const batches = reads(COMMANDS[COMMAND]);
  const ferrous = await startServer({ ephemeral: true, argv: ['--save', '', '--appendonly', 'no', '--loglevel', 'warning'] });
  const server = ferrous.server;
  const transport = { direct: true, pending: 0, write() {}, writeBuffer() {}, end() {}, destroy() {} };
  const clients = [];
  for (let i = 0; i < CLIENTS; i++) {
    const socket = { remoteAddress: '127.0.0.1', remotePort: 40000 + i, localAddress: '127.0.0.1', localPort: ferrous.port };
    const c = new Client(server, socket);
    c.transport = transport;
    server.clients.set(c.id, c);
    clients.push(c);
  }
  if (COMMAND === 'get') await feed(clients, fillReads(), 100000);
  if (COMMAND.startsWith('geosearch')) for (const read of geoFillReads()) clients[0].onData(read);
  return { ferrous, clients, batches };
}

async function cpuMode() {
  const { ferrous, clients, batches } = await start();
  // Warm-up: V8 compiles the path, and SET's keys exist as after redis-benchmark's first pass.
  await feed(clients, batches, REQUESTS / 2);
  const session = args.profile ? await startProfile() : null;
  const ns = [];
  for (let r = 0; r < ROUNDS; r++) {
    const before = process.cpuUsage();
    await feed(clients, batches, REQUESTS);
    const used = process.cpuUsage(before);
    ns.push(Math.round(((used.user + used.system) * 1000) / REQUESTS));
  }
  if (session !== null) await stopProfile(session, args.profile);
  console.log(`${COMMAND} -P ${PIPELINE}: CPU ns per command ${ns.join(' ')}`);
  for (const c of clients) c.close();
  await ferrous.stop();
}

/**
 * Bytes allocated per command, garbage included, by allocating function (V8's sampling heap
 * profiler keeping the samples of collected objects): what makes the young generation fill,
 * and so how often it is scavenged.
 */
async function allocMode() {
  const { ferrous, clients, batches } = await start();
  await feed(clients, batches, REQUESTS / 2);
  const session = new (require('inspector').Session)();
  session.connect();
  const post = (method, params) => new Promise((resolve, reject) => session.post(method, params, (e, r) => (e ? reject(e) : resolve(r))));
  await post('HeapProfiler.startSampling', { samplingInterval: 256, includeObjectsCollectedByMajorGC: true, includeObjectsCollectedByMinorGC: true });
  await feed(clients, batches, REQUESTS);
  const { profile } = await post('HeapProfiler.stopSampling');
  session.disconnect();
  const bySite = new Map();
  let total = 0;
  const walk = (node, caller) => {
    const f = node.callFrame;
    const site = `${f.functionName || '(anonymous)'} ${path.basename(f.url)}:${f.lineNumber + 1}${caller === '' ? '' : ` < ${caller}`}`;
    if (node.selfSize !== 0) {
      bySite.set(site, (bySite.get(site) ?? 0) + node.selfSize);
      total += node.selfSize;
    }
    for (const child of node.children) walk(child, `${f.functionName || '(anonymous)'}`);
  };
  walk(profile.head, '');
  console.log(`${COMMAND} -P ${PIPELINE}: ${Math.round(total / REQUESTS)} bytes allocated per command (sampled)`);
  for (const [site, bytes] of [...bySite].sort((a, b) => b[1] - a[1]).slice(0, 25)) console.log(`${String(Math.round(bytes / REQUESTS)).padStart(6)}  ${site}`);
  process.exit(0);
}

/**
 * Inside valgrind: a warm-up of --warmup commands, then a window of --requests each time the
 * parent says go (a line on stdin), answering done.
 */
async function windowMode() {
  const { ferrous, clients, batches } = await start();
  // The cron's work follows the wall clock, which callgrind stretches: stopped, so a window holds commands only.
  clearInterval(ferrous.server.cron);
  await feed(clients, batches, WARMUP);
  const lines = require('readline').createInterface({ input: process.stdin })[Symbol.asyncIterator]();
  process.stdout.write('ready\n');
  for (;;) {
    const { value, done } = await lines.next();
    if (done || value !== 'go') break;
    await feed(clients, batches, REQUESTS);
    process.stdout.write('done\n');
  }
  // Exits without stopping the server: older builds (--dist) name their stop differently.
  process.exit(0);
}

/**
 * One process under callgrind, V8 single-threaded with a GC schedule that ignores time: the
 * counters are zeroed before and dumped after each window; the median of --rounds windows.
 */
async function callgrindMode() {
  const { spawn } = require('child_process');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'inproc-callgrind-'));
  const out = path.join(dir, 'cg.out');
  const node = [process.execPath, '--single-threaded', '--predictable-gc-schedule', '--max-semi-space-size=4', __filename, '--command', COMMAND, '--mode', 'window', '--requests', String(REQUESTS), '--warmup', String(WARMUP), '--pipeline', String(PIPELINE), '--dist', DIST];
  const cache = args.cache ? ['--cache-sim=yes'] : [];
  const proc = spawn('valgrind', ['--tool=callgrind', '--smc-check=all-non-file', ...cache, `--callgrind-out-file=${out}`, ...node], { stdio: ['pipe', 'pipe', 'inherit'] });
  const expect = lineExpecter(proc.stdout);
  await expect('ready');
  const per = [];
  const misses = [];
  for (let w = 0; w < ROUNDS; w++) {
    const t = await callgrindWindow(proc, expect, dir, 'cg.out', `window-${w}`);
    per.push(Math.round(t.Ir / REQUESTS));
    if (args.cache) misses.push(`${((t.D1mr + t.D1mw) / REQUESTS).toFixed(1)}/${((t.DLmr + t.DLmw) / REQUESTS).toFixed(2)}`);
  }
  proc.stdin.end();
  await new Promise((resolve) => proc.on('exit', resolve));
  if (args.keep) console.log(`dumps kept in ${dir}`);
  else fs.rmSync(dir, { recursive: true, force: true });
  const sorted = [...per].sort((a, b) => a - b);
  console.log(`${COMMAND} -P ${PIPELINE}: instructions per command ${per.join(' ')}, median ${sorted[sorted.length >> 1]} (callgrind, windows of ${REQUESTS} after a warm-up of ${WARMUP})`);
  if (args.cache) console.log(`  simulated data-cache misses per command, D1/LL: ${misses.join(' ')}`);
}

const modes = { cpu: cpuMode, window: windowMode, callgrind: callgrindMode, alloc: allocMode };
if (!(MODE in modes)) throw new Error(`unknown mode ${MODE}: cpu | callgrind | alloc`);
Promise.resolve().then(modes[MODE]).catch((e) => {
  console.error(e);
  process.exit(1);
});
