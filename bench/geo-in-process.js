#!/usr/bin/env node
/**
 * The geo suite's GEOADD without sockets (issue 16), to compare the sorted set's add path
 * between builds (`--dist`) on a shared machine: 50 connection-less clients (a stand-in
 * transport that drops the output, as bench/in-process.js) fed GEOADD of the bench's shape
 * (`13.<r> 45.<r> m:<r>`, r 12 digits below --range: one geohash cell, so every score is equal),
 * or the set's own put() called directly. Requests are drawn from a seeded generator, so two
 * runs do the same work and `--mode callgrind` (the same process run for two lengths, so
 * start-up, the fill and most compilation cancel in the difference) counts instructions. The
 * hash key is random per process and the JIT's tier-ups land where they land: a window that a
 * collection or a recompilation falls in reads high, so compare builds over several rounds.
 *
 *   taskset -c 0 node bench/geo-in-process.js --test geoadd --rounds 5
 *   node bench/geo-in-process.js --test put-new --mode callgrind [--cache 1] [--dist other/dist]
 *   tests: geoadd (one command a read; the set is filled with --fill of the --range members
 *          first, so about (range - fill) / range of the requests add one), geoadd16 (the same,
 *          16 a read), geoadd-new (every member new), zadd (ZADD of the same shape, score 1),
 *          put-new / put-old (the SortedSets service's put() alone: a new member each call /
 *          an existing one, same score, in a set of --fill members), search / search-dist (the
 *          geo suite's GEOSEARCH FROMLONLAT 10 47 BYRADIUS 10 km ASC [WITHDIST], the search
 *          function alone, no kernel, on the suite's points within 8-12 E, 45.5-48.5 N: the same
 *          neighbourhood as its million, so the same candidates and results, in a set small
 *          enough to fill under valgrind)
 */
'use strict';
const { spawnSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');
const { benchArgs } = require('./drivers/resp');

const args = benchArgs();
const DIST = path.resolve(args.dist ?? path.join(__dirname, '..', 'dist'));
const TEST = args.test ?? 'geoadd';
const MODE = args.mode ?? 'cpu';
const REQUESTS = Number(args.requests ?? (MODE === 'callgrind' ? 20000 : 200000));
const ROUNDS = Number(args.rounds ?? 3);
const RANGE = Number(args.range ?? 100000);
const FILL = Number(args.fill ?? 70000);
const CLIENTS = 50;

const bulk = (s) => `$${s.length}\r\n${s}\r\n`;
const cmd = (argv) => `*${argv.length}\r\n${argv.map(bulk).join('')}`;
const digits = (n) => String(n).padStart(12, '0');

/** mulberry32, seeded: the same requests every run. */
let seed = 1;
function rnd() {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}
const below = (n) => Math.floor(rnd() * n);

let fresh = RANGE;
const geoadd = (member) => cmd(['GEOADD', 'geo', `13.${digits(below(RANGE))}`, `45.${digits(below(RANGE))}`, `m:${digits(member)}`]);
const TESTS = {
  geoadd: { per: 1, make: () => geoadd(below(RANGE)) },
  geoadd16: { per: 16, make: () => geoadd(below(RANGE)) },
  'geoadd-new': { per: 1, make: () => geoadd(fresh++) },
  zadd: { per: 1, make: () => cmd(['ZADD', 'geo', '1', `m:${digits(below(RANGE))}`]) },
  'put-new': { direct: true },
  'put-old': { direct: true },
  search: { direct: true },
  'search-dist': { direct: true },
};
const test = TESTS[TEST] ?? fail(`unknown test ${TEST}: ${Object.keys(TESTS).join(', ')}`);

function fail(message) {
  throw new Error(message);
}

/** Reads of `per` commands each for `n` requests, made before measuring. */
function reads(n) {
  const out = [];
  for (let i = 0; i < n; i += test.per) out.push(Buffer.from(Array.from({ length: test.per }, test.make).join(''), 'latin1'));
  return out;
}

/** The members a shuffled half of the range's first FILL: the set the requests find. */
function fillMembers() {
  const order = Array.from({ length: RANGE }, (_, i) => i);
  for (let i = RANGE - 1; i > 0; i--) {
    const j = below(i + 1);
    [order[i], order[j]] = [order[j], order[i]];
  }
  return order.slice(0, FILL).map((i) => `m:${digits(i)}`);
}

/** Feed the reads, one per client in turn, a turn per event-loop iteration (replies flushed as the server does). */
function feed(clients, batches) {
  return new Promise((resolve) => {
    let b = 0;
    const turn = () => {
      for (let i = 0; i < CLIENTS && b < batches.length; i++) clients[i].onData(batches[b++]);
      setImmediate(b < batches.length ? turn : resolve);
    };
    turn();
  });
}

/** The score GEOADD gives (13, 45): every point of the bench's shape has it. */
const SCORE = 3668473277919722;

async function start() {
  require('reflect-metadata');
  const { startServer } = require(path.join(DIST, 'kernel'));
  const { Client } = require(path.join(DIST, 'kernel/client'));
  const ferrous = await startServer({ ephemeral: true, argv: ['--save', '', '--appendonly', 'no', '--loglevel', 'warning'] });
  const transport = { direct: true, pending: 0, write() {}, writeBuffer() {}, end() {}, destroy() {} };
  const clients = Array.from({ length: CLIENTS }, (_, i) => {
    const c = new Client(ferrous.server, { remoteAddress: '127.0.0.1', remotePort: 40000 + i, localAddress: '127.0.0.1', localPort: ferrous.port });
    c.transport = transport;
    ferrous.server.clients.set(c.id, c);
    return c;
  });
  const members = fillMembers();
  for (let i = 0; i < members.length; i += 1000) {
    const score = TEST === 'zadd' ? '1' : String(SCORE);
    clients[0].onData(Buffer.from(cmd(['ZADD', 'geo', ...members.slice(i, i + 1000).flatMap((m) => [score, m])]), 'latin1'));
  }
  return { ferrous, clients };
}

/**
 * put() on a set of FILL members m:<12 digits, a multiple of 10>: `n` calls, each a member
 * between them at random (put-new: new but for the odd repeat) or an existing one (put-old).
 */
function directSet() {
  const { ZSet } = require(path.join(DIST, 'modules/sorted-sets/zset'));
  const limits = { maxEntries: 128, maxValue: 64 };
  const z = new ZSet();
  const members = fillMembers().map((m) => `m:${digits(10 * Number(m.slice(2)))}`);
  for (const m of members) z.put(m, SCORE, false, false, limits);
  // Copies, as the parser hands a command its own strings.
  const arg = (m) => Buffer.from(m, 'latin1').toString('latin1');
  const make = TEST === 'put-new' ? () => arg(`m:${digits(10 * below(RANGE) + 1 + below(9))}`) : () => arg(members[below(members.length)]);
  return {
    /** The next `n` calls' members, made before they are measured. */
    make: (n) => Array.from({ length: n }, make),
    run(args, n = args.length) {
      const before = process.cpuUsage();
      for (let i = 0; i < n; i++) z.put(args[i], SCORE, false, false, limits);
      return process.cpuUsage(before);
    },
  };
}

/** The geo suite's GEOSEARCH on its points near (10, 47), called directly: `n` calls of the same search. */
function directSearch() {
  const { ZSet, sortedSetsService } = require(path.join(DIST, 'modules/sorted-sets/zset'));
  const { encodeScore } = require(path.join(DIST, 'modules/geo/geohash'));
  const { georadius } = require(path.join(DIST, 'modules/geo/search'));
  const limits = { maxEntries: 128, maxValue: 64 };
  const z = new ZSet();
  const point = require('./suites').europePoints();
  for (let i = 0; i < 1000000; i++) {
    const [lon, lat, member] = point(i);
    if (lon > 8 && lon < 12 && lat > 45.5 && lat < 48.5) z.put(member, encodeScore(Number(lon), Number(lat)), false, false, limits);
  }
  const ss = sortedSetsService(limits);
  const ctx = { db: { get: () => z }, keyMiss() {} };
  const argv = ['GEOSEARCH', 'geo1m', 'FROMLONLAT', '10', '47', 'BYRADIUS', '10', 'km', 'ASC', ...(TEST === 'search-dist' ? ['WITHDIST'] : [])];
  // GEOSEARCH's flags (search.ts's Search.GeoSearch).
  const GEOSEARCH = 8;
  return {
    make: (n) => n,
    run(n, m = n) {
      const before = process.cpuUsage();
      for (let i = 0; i < m; i++) georadius(ctx, ss, argv, 1, GEOSEARCH);
      return process.cpuUsage(before);
    },
  };
}

/** The direct test's driver: make(n) prepares n calls, run(prepared, [first m of them]) times them. */
function direct() {
  return TEST.startsWith('search') ? directSearch() : directSet();
}

async function cpuMode() {
  const ns = [];
  if (test.direct) {
    const d = direct();
    d.run(d.make(REQUESTS));
    for (let r = 0; r < ROUNDS; r++) {
      const used = d.run(d.make(REQUESTS));
      ns.push(Math.round(((used.user + used.system) * 1000) / REQUESTS));
    }
  } else {
    const { ferrous, clients } = await start();
    await feed(clients, reads(REQUESTS));
    for (let r = 0; r < ROUNDS; r++) {
      const batches = reads(REQUESTS);
      const before = process.cpuUsage();
      await feed(clients, batches);
      const used = process.cpuUsage(before);
      ns.push(Math.round(((used.user + used.system) * 1000) / REQUESTS));
    }
    for (const c of clients) c.close();
    await ferrous.stop();
  }
  console.log(`${TEST}: CPU ns per request ${ns.join(' ')}`);
}

/**
 * Inside valgrind: a warm-up of REQUESTS, then the first `--window` of 2 x REQUESTS more (made
 * whatever the window, so the runs differ only in the requests served); prints nothing (the
 * caller diffs totals).
 */
async function windowMode() {
  const window = Number(args.window);
  if (test.direct) {
    const d = direct();
    const warm = d.make(REQUESTS);
    const measured = d.make(2 * REQUESTS);
    d.run(warm);
    d.run(measured, window);
    return;
  }
  const { ferrous, clients } = await start();
  const warm = reads(REQUESTS);
  const measured = reads(2 * REQUESTS);
  await feed(clients, warm);
  await feed(clients, measured.slice(0, window / test.per));
  for (const c of clients) c.close();
  await ferrous.stop();
}

/** Total instructions (and first-level data read misses with --cache) of a run measuring `window` requests. */
function counts(window) {
  const out = path.join(os.tmpdir(), `geo-callgrind-${process.pid}-${window}.out`);
  const node = [process.execPath, '--max-semi-space-size=4', '--predictable', '--no-memory-reducer', __filename, '--test', TEST, '--mode', 'window', '--window', String(window), '--requests', String(REQUESTS), '--range', String(RANGE), '--fill', String(FILL), '--dist', DIST];
  const cache = args.cache ? ['--cache-sim=yes'] : [];
  const r = spawnSync('valgrind', ['--tool=callgrind', '--smc-check=all-non-file', ...cache, `--callgrind-out-file=${out}`, ...node], { encoding: 'utf8' });
  if (r.status !== 0) fail(`valgrind failed: ${r.stderr.slice(-2000)}`);
  const text = fs.readFileSync(out, 'utf8');
  fs.unlinkSync(out);
  const events = /events:\s*(.*)/.exec(text)[1].trim().split(/\s+/);
  const totals = /summary:\s*(.*)/.exec(text)[1].trim().split(/\s+/).map(Number);
  return { ir: totals[events.indexOf('Ir')], d1mr: args.cache ? totals[events.indexOf('D1mr')] : 0 };
}

/**
 * The difference between serving REQUESTS and 2 x REQUESTS after the warm-up: a compilation
 * the measured loop triggers on entry falls in both.
 */
function callgrindMode() {
  const base = counts(REQUESTS);
  const ir = [];
  const miss = [];
  for (let r = 0; r < ROUNDS; r++) {
    const c = counts(2 * REQUESTS);
    ir.push(Math.round((c.ir - base.ir) / REQUESTS));
    miss.push(((c.d1mr - base.d1mr) / REQUESTS).toFixed(1));
  }
  console.log(`${TEST}: instructions per request ${ir.join(' ')}${args.cache ? `; D1 read misses ${miss.join(' ')}` : ''} (callgrind, ${REQUESTS} after a warm-up of ${2 * REQUESTS}${TEST.startsWith('search') ? '' : `, ${FILL} of ${RANGE} members filled`})`);
}

(MODE === 'cpu' ? cpuMode() : MODE === 'window' ? windowMode() : MODE === 'callgrind' ? Promise.resolve(callgrindMode()) : Promise.reject(new Error(`unknown mode ${MODE}`))).catch((e) => {
  console.error(e);
  process.exit(1);
});
