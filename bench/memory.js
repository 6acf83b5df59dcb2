#!/usr/bin/env node
/**
 * Memory per key, Ferrous against a real redis-server in the same run (issue 14).
 *
 *   node bench/memory.js                         # every shape
 *   node bench/memory.js --shapes hash,zset      # strings | hash | zset | list | set | ints (integer values)
 *   node bench/memory.js --keys 100000           # keys per collection shape (strings: 5x that)
 *   node bench/memory.js --settle 10             # seconds both servers rest before each reading
 *
 * For each shape both servers start fresh (pinned to one core with taskset), are filled the same
 * way over one pipelined connection, and are measured before and after the fill, per key:
 *   - RSS: resident memory growth (VmRSS of INFO's process_id) over DBSIZE, what the machine pays,
 *     read the same way for both servers: after the same pause once the fill is answered
 *     (--settle seconds, 10 by default: jemalloc gives dirty pages back over 10 s, dirty_decay_ms, and an idle Ferrous collects after 5 s), and
 *     before anything is done to Ferrous that a user's server would not do;
 *   - heap: growth of live allocations over DBSIZE (Redis: used_memory, its allocator's count;
 *     Ferrous: allocator_allocated, V8 heap used plus external memory, after a full GC so that
 *     garbage is not counted);
 *   - Ferrous's used_memory: its own estimate (what maxmemory is checked against), to compare
 *     with the heap it stands for.
 * Ferrous runs with the heap flags and environment its launcher gives it, plus --expose-gc and a preload
 * (bench/gc-signal.js) that collects on SIGUSR2, sent only after its RSS was read.
 */
'use strict';
const { spawn, spawnSync } = require('child_process');
const fs = require('fs');
const net = require('net');
const path = require('path');
const { encode, onReplies, info, benchArgs, call, freePort, waitPort } = require('./drivers/resp');

const args = benchArgs();
const KEYS = Number(args.keys ?? 200000);
const SERVER_CPU = args['server-cpu'] ?? '0';
const BENCH_CPU = args['bench-cpu'] ?? '1';
const SETTLE_MS = Number(args.settle ?? 10) * 1000;
const ROOT = path.resolve(__dirname, '..');

/** Five small members per collection, as the issue measured; strings get five times the keys. */
const SHAPES = {
  strings: { label: 'strings (3-byte values)', keys: () => KEYS * 5, argv: (i) => ['SET', `key:${i}`, 'xxx'] },
  // Not in the default run (the five shapes): integer values, Redis's `int` encoding.
  ints: { label: 'integer strings (SET key:i i)', keys: () => KEYS * 5, argv: (i) => ['SET', `key:${i}`, String(i)], optional: true },
  hash: {
    label: 'hashes of 5 fields',
    keys: () => KEYS,
    argv: (i) => ['HSET', `hash:${i}`, 'name', `user${i}`, 'age', String(i % 90), 'city', 'Paris', 'zip', '75001', 'score', String(i % 1000)],
  },
  zset: {
    label: 'sorted sets of 5 members',
    keys: () => KEYS,
    argv: (i) => ['ZADD', `zset:${i}`, '1', 'alpha', '2', 'beta', '3.5', `m${i}`, '4', 'delta', String(i % 100), 'epsilon'],
  },
  list: { label: 'lists of 5 items', keys: () => KEYS, argv: (i) => ['RPUSH', `list:${i}`, 'a', 'bb', `item${i}`, 'dddd', 'eeeee'] },
  set: { label: 'sets of 5 integers', keys: () => KEYS, argv: (i) => ['SADD', `set:${i}`, '1', '22', String(i), '4444', String(100000 + i)] },
};

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function rss(pid) {
  const m = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
  return Number(m[1]) * 1024;
}

/**
 * What a server holds, read after the pause both servers get: RSS of the serving process (INFO's
 * process_id: Ferrous's launcher may run the server as its child); then, Ferrous's garbage
 * collected (SIGUSR2 through the preload), the allocator's live bytes (Redis: used_memory;
 * Ferrous: allocator_allocated, V8's heap in use plus external memory) and used_memory as
 * reported (Ferrous: its estimate, what maxmemory is checked against).
 */
async function sample(kind, port) {
  await sleep(SETTLE_MS);
  const pid = Number((await info(port)).process_id);
  const resident = rss(pid);
  if (kind === 'ferrous') {
    process.kill(pid, 'SIGUSR2');
    await sleep(500);
  }
  const f = await info(port);
  const used = Number(f.used_memory);
  return { rss: resident, live: kind === 'ferrous' ? Number(f.allocator_allocated) : used, used };
}

async function startServer(kind) {
  const port = await freePort();
  const cmd =
    kind === 'redis'
      ? ['redis-server', '--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no']
      : // With the heap flags the launcher would add, so it runs the server itself (the pid signalled and measured is the server's).
        ['node', '--expose-gc', ...require(path.join(ROOT, 'dist/kernel/heap-size')).heapFlags(0), '-r', path.join(__dirname, 'gc-signal.js'), path.join(ROOT, 'dist/kernel/main.js'), '--port', String(port), '--bind', '127.0.0.1', '--loglevel', 'warning', '--save', ''];
  const env = kind === 'redis' ? process.env : require(path.join(ROOT, 'dist/kernel/heap-size')).serverEnv(process.env);
  const proc = spawn('taskset', ['-c', SERVER_CPU, ...cmd], { stdio: 'ignore', env });
  await waitPort(port);
  return { port, proc };
}

/** Send `n` commands over one connection, 1000 a write, at most 10 writes in flight. */
function fill(port, n, argvOf) {
  return new Promise((resolve, reject) => {
    const s = net.createConnection({ port, host: '127.0.0.1' });
    let sent = 0;
    let replied = 0;
    let error = null;
    const pump = () => {
      while (sent < n && sent - replied < 10000) {
        let out = '';
        for (let k = 0; k < 1000 && sent < n; k++, sent++) out += encode(argvOf(sent));
        s.write(out);
      }
    };
    s.on('connect', pump);
    onReplies(
      s,
      (buf, start, end) => {
        if (buf[start] === 0x2d) error ??= new Error(buf.toString('latin1', start, end));
        replied++;
      },
      () => {
        if (error !== null) {
          s.destroy();
          reject(error);
        } else if (replied === n) {
          s.destroy();
          resolve();
        } else pump();
      },
    );
    s.on('error', reject);
  });
}

async function measure(kind, shape) {
  const { port, proc } = await startServer(kind);
  try {
    const before = await sample(kind, port);
    await fill(port, shape.keys(), shape.argv);
    const after = await sample(kind, port);
    const keys = Number(await call(port, ['DBSIZE']));
    const encoding = await call(port, ['OBJECT', 'ENCODING', shape.argv(0)[1]]);
    const per = (k) => (after[k] - before[k]) / keys;
    return { keys, encoding, rss: per('rss'), live: per('live'), used: per('used') };
  } finally {
    proc.kill('SIGKILL');
  }
}

async function main() {
  for (const cmd of ['redis-server', 'taskset']) {
    if (spawnSync('which', [cmd]).status !== 0) throw new Error(`${cmd} is required (apt-get install -y redis-server util-linux)`);
  }
  if (!fs.existsSync(path.join(ROOT, 'dist/kernel/main.js'))) throw new Error('build first: npm run build');
  const names = args.shapes ? args.shapes.split(',') : Object.keys(SHAPES).filter((n) => !SHAPES[n].optional);
  const version = spawnSync('redis-server', ['--version'], { encoding: 'utf8' }).stdout.trim();
  console.log(`bytes per key; servers on CPU ${SERVER_CPU}, filler on CPU ${BENCH_CPU}; ${version.split(' ').slice(0, 3).join(' ')}; node ${process.version}`);
  const lines = [
    '',
    '| shape | keys | encoding (Redis / Ferrous) | Redis RSS | Ferrous RSS | ratio | Redis used_memory | Ferrous heap | ratio | Ferrous used_memory (estimate) |',
    '| --- | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  ];
  for (const name of names) {
    const shape = SHAPES[name];
    if (!shape) throw new Error(`unknown shape ${name}: ${Object.keys(SHAPES).join(', ')}`);
    const r = await measure('redis', shape);
    const f = await measure('ferrous', shape);
    if (r.keys !== f.keys) throw new Error(`${name}: DBSIZE differs (${r.keys} vs ${f.keys})`);
    lines.push(
      `| ${shape.label} | ${r.keys} | ${r.encoding} / ${f.encoding} | ${r.rss.toFixed(0)} | ${f.rss.toFixed(0)} | ${(f.rss / r.rss).toFixed(2)} | ${r.live.toFixed(0)} | ${f.live.toFixed(0)} | ${(f.live / r.live).toFixed(2)} | ${f.used.toFixed(0)} |`,
    );
  }
  console.log(lines.join('\n'));
}

main().catch((e) => {
  console.error(e.message);
  process.exit(1);
});
