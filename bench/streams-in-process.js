#!/usr/bin/env node
/**
 * The streams suite's loads without sockets (issue 12): 50 connection-less clients (a stand-in
 * transport that drops the output, as bench/in-process.js) fed what the suite sends, so a
 * build's CPU per request can be compared with another's (`--dist`) while other jobs share the
 * machine, or counted in instructions under callgrind (`--mode callgrind`: the same process run
 * for two lengths, so start-up, the fill and compilation cancel in the difference).
 *
 *   taskset -c 0 node bench/streams-in-process.js --test xadd16 --rounds 5
 *   node bench/streams-in-process.js --test xrg --mode callgrind
 *   tests: xadd16 (XADD * two fields, -P 16), xadd (the same, one command a read),
 *          xrg (XREADGROUP COUNT 1 + XACK a round, per pair, on a stream of --entries, default 1M),
 *          xrange (XRANGE 10 entries from the middle), xlen
 */
'use strict';
const { spawnSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');
const { benchArgs } = require('./drivers/resp');
const { startProfile, stopProfile } = require('./drivers/profile');

const args = benchArgs();
const DIST = path.resolve(args.dist ?? path.join(__dirname, '..', 'dist'));
const TEST = args.test ?? 'xadd16';
const MODE = args.mode ?? 'cpu';
const REQUESTS = Number(args.requests ?? (MODE === 'callgrind' ? 20000 : 400000));
const ROUNDS = Number(args.rounds ?? 3);
const ENTRIES = Number(args.entries ?? (MODE === 'callgrind' ? 100000 : 1000000));
const CLIENTS = 50;

const bulk = (s) => `$${s.length}\r\n${s}\r\n`;
const cmd = (argv) => `*${argv.length}\r\n${argv.map(bulk).join('')}`;
const rand = () => String(Math.floor(Math.random() * 100000)).padStart(12, '0');

/** Reads of `per` commands each, made before measuring. */
function reads(per, make) {
  const out = [];
  for (let i = 0; i < 4096; i++) out.push(Buffer.from(Array.from({ length: per }, make).join(''), 'latin1'));
  return out;
}

const xaddCmd = () => cmd(['XADD', 'bench:stream', '*', 'name', `v${rand()}`, 'n', rand()]);
const TESTS = {
  xadd16: { per: 16, batches: () => reads(16, xaddCmd) },
  xadd: { per: 1, batches: () => reads(1, xaddCmd) },
  xrange: { per: 1, fill: true, batches: () => reads(1, () => cmd(['XRANGE', 'xs1m', String(ENTRIES / 2), '+', 'COUNT', '10'])) },
  xlen: { per: 1, fill: true, batches: () => reads(1, () => cmd(['XLEN', 'xs1m'])) },
  xrg: { per: 1, fill: true, pairs: true },
};
const test = TESTS[TEST] ?? fail(`unknown test ${TEST}: ${Object.keys(TESTS).join(', ')}`);

function fail(message) {
  throw new Error(message);
}

/** The suite's stream: IDs i-0, fields name v<i%1000>, n <i>, sent 1000 commands a read. */
function fill(c) {
  for (let i = 0; i < ENTRIES; ) {
    let s = '';
    for (let k = 0; k < 1000 && i < ENTRIES; k++, i++) s += cmd(['XADD', 'xs1m', `${i + 1}-0`, 'name', `v${i % 1000}`, 'n', String(i)]);
    c.onData(Buffer.from(s, 'latin1'));
  }
  c.onData(Buffer.from(cmd(['XGROUP', 'CREATE', 'xs1m', 'workers', '0']), 'latin1'));
}

let delivered = 0;
const readCmds = Array.from({ length: CLIENTS }, (_, i) => Buffer.from(cmd(['XREADGROUP', 'GROUP', 'workers', `w${i}`, 'COUNT', '1', 'STREAMS', 'xs1m', '>']), 'latin1'));

/**
 * The XACKs of the next `n` pairs' entries (IDs i-0, delivered in order), made before measuring
 * in one buffer (a buffer each would be objects surviving the collector's scavenges while they
 * wait, which the server's own garbage would be charged for).
 */
function acks(n) {
  const all = Buffer.allocUnsafe(n * 64);
  const at = new Int32Array(n + 1);
  let p = 0;
  for (let i = 1; i <= n; i++) {
    const id = `${delivered + i}-0`;
    p += all.write(`*4\r\n$4\r\nXACK\r\n$4\r\nxs1m\r\n$7\r\nworkers\r\n$${id.length}\r\n${id}\r\n`, p, 'latin1');
    at[i] = p;
  }
  return { at: (i) => all.subarray(at[i], at[i + 1]) };
}

/** Feed `n` requests, one read per client in turn, a turn per event-loop iteration (replies flushed as the server does). */
function feed(clients, batches, n, ack = test.pairs ? acks(n / 2) : null) {
  return new Promise((resolve) => {
    let b = 0;
    let done = 0;
    let acking = false;
    const turn = () => {
      if (test.pairs) {
        // A round of XREADGROUP from every client, then each acknowledges what it got.
        const k = Math.min(CLIENTS, (n - done) / 2);
        for (let i = 0; i < k; i++) clients[i].onData(acking ? ack.at(done / 2 + i) : readCmds[i]);
        if (acking) {
          done += 2 * k;
          delivered += k;
        }
        acking = !acking;
      } else {
        for (let i = 0; i < CLIENTS && done < n; i++, done += test.per) clients[i].onData(batches[b++ % batches.length]);
      }
      setImmediate(done < n ? turn : resolve);
    };
    turn();
  });
}

async function run() {
  require('reflect-metadata');
  const { startServer } = require(path.join(DIST, 'kernel'));
  const { Client } = require(path.join(DIST, 'kernel/client'));
  const batches = test.batches ? test.batches() : null;
  const ferrous = await startServer({ ephemeral: true, argv: ['--save', '', '--appendonly', 'no', '--loglevel', 'warning'] });
  let check = '';
  // `--check 1` keeps the output, to look at the replies.
  const transport = { direct: true, pending: 0, write(s) { if (args.check) check += s; }, writeBuffer() {}, end() {}, destroy() {} };
  const clients = Array.from({ length: CLIENTS }, (_, i) => {
    const c = new Client(ferrous.server, { remoteAddress: '127.0.0.1', remotePort: 40000 + i, localAddress: '127.0.0.1', localPort: ferrous.port });
    c.transport = transport;
    ferrous.server.clients.set(c.id, c);
    return c;
  });
  if (test.fill) fill(clients[0]);
  return { ferrous, clients, batches, check: () => check };
}

async function cpuMode() {
  const { ferrous, clients, batches, check } = await run();
  await feed(clients, batches, REQUESTS / 2);
  const session = args.profile ? await startProfile() : null;
  const ns = [];
  for (let r = 0; r < ROUNDS; r++) {
    const ack = test.pairs ? acks(REQUESTS / 2) : null;
    const before = process.cpuUsage();
    await feed(clients, batches, REQUESTS, ack);
    const used = process.cpuUsage(before);
    ns.push(Math.round(((used.user + used.system) * 1000 * (test.pairs ? 2 : 1)) / REQUESTS));
  }
  if (session !== null) await stopProfile(session, args.profile);
  if (args.check) console.log(JSON.stringify(check().slice(0, 300)), (check().match(/:0\r\n/g) ?? []).length, (check().match(/:1\r\n/g) ?? []).length);
  console.log(`${TEST}: CPU ns per ${test.pairs ? 'pair' : 'request'} ${ns.join(' ')}`);
  for (const c of clients) c.close();
  await ferrous.stop();
}

// `--profile file`: a V8 CPU profile of the measured rounds only (not the fill or the warm-up).

/** Inside valgrind: a warm-up, then `--window` requests; prints nothing (the caller diffs totals). */
async function windowMode() {
  const { ferrous, clients, batches } = await run();
  await feed(clients, batches, REQUESTS);
  await feed(clients, batches, Number(args.window));
  for (const c of clients) c.close();
  await ferrous.stop();
}

function instructions(window) {
  const out = path.join(os.tmpdir(), `xs-callgrind-${process.pid}-${window}.out`);
  const node = [process.execPath, '--max-semi-space-size=4', __filename, '--test', TEST, '--mode', 'window', '--window', String(window), '--requests', String(REQUESTS), '--entries', String(ENTRIES), '--dist', DIST];
  const r = spawnSync('valgrind', ['--tool=callgrind', '--smc-check=all-non-file', `--callgrind-out-file=${out}`, ...node], { encoding: 'utf8' });
  if (r.status !== 0) fail(`valgrind failed: ${r.stderr.slice(-2000)}`);
  const m = /summary:\s*(\d+)/.exec(fs.readFileSync(out, 'utf8'));
  fs.unlinkSync(out);
  return Number(m[1]);
}

async function callgrindMode() {
  const base = instructions(0);
  const per = [];
  for (let r = 0; r < ROUNDS; r++) per.push(Math.round((instructions(REQUESTS) - base) / REQUESTS) * (test.pairs ? 2 : 1));
  console.log(`${TEST}: instructions per ${test.pairs ? 'pair' : 'request'} ${per.join(' ')} (callgrind, ${REQUESTS} after a warm-up of ${REQUESTS}, ${ENTRIES} entries)`);
}

(MODE === 'cpu' ? cpuMode() : MODE === 'window' ? windowMode() : MODE === 'callgrind' ? callgrindMode() : Promise.reject(new Error(`unknown mode ${MODE}`))).catch((e) => {
  console.error(e);
  process.exit(1);
});
