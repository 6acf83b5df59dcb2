#!/usr/bin/env node
/**
 * Memory per key, Ferrous against a real redis-server in the same run (issue 14).
 *
 *   node bench/memory.js                         # every shape
 *   node bench/memory.js --shapes hash,zset      # strings | hash | zset | list | set | stream
 *   node bench/memory.js --keys 100000           # keys per collection shape (strings: 5x that)
 *
 * For each shape both servers start fresh (pinned to one core with taskset), are filled the same
 * way over one pipelined connection, and are measured before and after the fill:
 *   - RSS: resident memory growth (VmRSS) divided by DBSIZE, what the machine pays;
 *   - heap: growth of INFO used_memory divided by DBSIZE (Redis: its allocator's count; Ferrous:
 *     allocator_allocated, V8 heap used plus external memory, after a full GC so that garbage is
 *     not counted).
 * Ferrous runs with --expose-gc and a preload (bench/gc-signal.js) that collects on SIGUSR2;
 * its RSS is read after that GC too, and after the same pause Redis gets.
 */
'use strict';
const { spawn, spawnSync } = require('child_process');
const fs = require('fs');
const net = require('net');
const path = require('path');
const { encode, skipReply, call, freePort, waitPort } = require('./drivers/resp');

const args = Object.fromEntries(
  process.argv.slice(2).reduce((acc, a, i, all) => (a.startsWith('--') ? [...acc, [a.slice(2), all[i + 1]]] : acc), []),
);
const KEYS = Number(args.keys ?? 200000);
const SERVER_CPU = args['server-cpu'] ?? '0';
const BENCH_CPU = args['bench-cpu'] ?? '1';
const ROOT = path.resolve(__dirname, '..');

/** Five small members per collection, as the issue measured; strings get five times the keys. */
const SHAPES = {
  strings: { label: 'strings (3-byte values)', keys: () => KEYS * 5, argv: (i) => ['SET', `key:${i}`, 'xxx'] },
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
  // Issue 12: one stream of KEYS * 5 entries, two small fields each; figures are per entry.
  stream: {
    label: 'stream entries (2 small fields)',
    keys: () => KEYS * 5,
    argv: (i) => ['XADD', 'stream', `${i + 1}-0`, 'name', `v${i % 1000}`, 'n', String(i)],
    perEntry: true,
  },
};

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function rss(pid) {
  const m = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
  return Number(m[1]) * 1024;
}

/**
 * INFO memory's `field` (the whole bulk reply is read, not its first line): used_memory for
 * Redis; for Ferrous allocator_allocated, V8's heap used plus external memory (its used_memory
 * is an estimate kept per key, which this benchmark is meant to check, not to take as given).
 */
function usedMemory(port, field) {
  return new Promise((resolve, reject) => {
    const s = net.createConnection({ port, host: '127.0.0.1' }, () => s.write(encode(['INFO', 'memory'])));
    let buf = Buffer.alloc(0);
    s.on('data', (d) => {
      buf = Buffer.concat([buf, d]);
      if (skipReply(buf, 0) < 0) return;
      s.destroy();
      resolve(Number(new RegExp(`${field}:(\\d+)`).exec(buf.toString('latin1'))[1]));
    });
    s.on('error', reject);
  });
}

async function startServer(kind) {
  const port = await freePort();
  const cmd =
    kind === 'redis'
      ? ['redis-server', '--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no']
      : // With the heap flags the launcher would add, so it runs the server itself (the pid signalled and measured is the server's).
        ['node', '--expose-gc', ...require(path.join(ROOT, 'dist/kernel/heap-size')).heapFlags(0), '-r', path.join(__dirname, 'gc-signal.js'), path.join(ROOT, 'dist/kernel/main.js'), '--port', String(port), '--bind', '127.0.0.1', '--loglevel', 'warning', '--save', ''];
  const proc = spawn('taskset', ['-c', SERVER_CPU, ...cmd], { stdio: 'ignore' });
  await waitPort(port);
  return { port, proc, pid: proc.pid };
}

/** The server's own pid (taskset execs it, so the child's pid is the server's). */
async function settle(kind, pid) {
  if (kind === 'ferrous') process.kill(pid, 'SIGUSR2');
  await sleep(1500);
}

/** Send `n` commands over one connection, 1000 a write, at most 10 writes in flight. */
function fill(port, n, argvOf) {
  return new Promise((resolve, reject) => {
    const s = net.createConnection({ port, host: '127.0.0.1' });
    let sent = 0;
    let replied = 0;
    let buf = Buffer.alloc(0);
    const pump = () => {
      while (sent < n && sent - replied < 10000) {
        let out = '';
        for (let k = 0; k < 1000 && sent < n; k++, sent++) out += encode(argvOf(sent));
        s.write(out);
      }
    };
    s.on('connect', pump);
    s.on('data', (d) => {
      buf = buf.length ? Buffer.concat([buf, d]) : d;
      let p = 0;
      for (;;) {
        const next = skipReply(buf, p);
        if (next < 0) break;
        if (buf[p] === 0x2d) return reject(new Error(buf.toString('latin1', p, next)));
        p = next;
        replied++;
      }
      buf = buf.subarray(p);
      if (replied === n) {
        s.destroy();
        resolve();
      } else pump();
    });
    s.on('error', reject);
  });
}

async function measure(kind, shape) {
  const { port, proc, pid } = await startServer(kind);
  try {
    await settle(kind, pid);
    const rss0 = rss(pid);
    const field = kind === 'redis' ? 'used_memory' : 'allocator_allocated';
    const used0 = await usedMemory(port, field);
    await fill(port, shape.keys(), shape.argv);
    await settle(kind, pid);
    const keys = Number(await call(port, shape.perEntry ? ['XLEN', shape.argv(0)[1]] : ['DBSIZE']));
    const encoding = await call(port, ['OBJECT', 'ENCODING', shape.argv(0)[1]]);
    return { keys, encoding, rss: (rss(pid) - rss0) / keys, heap: ((await usedMemory(port, field)) - used0) / keys };
  } finally {
    proc.kill('SIGKILL');
  }
}

async function main() {
  for (const cmd of ['redis-server', 'taskset']) {
    if (spawnSync('which', [cmd]).status !== 0) throw new Error(`${cmd} is required (apt-get install -y redis-server util-linux)`);
  }
  if (!fs.existsSync(path.join(ROOT, 'dist/kernel/main.js'))) throw new Error('build first: npm run build');
  const names = args.shapes ? args.shapes.split(',') : Object.keys(SHAPES);
  const version = spawnSync('redis-server', ['--version'], { encoding: 'utf8' }).stdout.trim();
  console.log(`bytes per key; servers on CPU ${SERVER_CPU}, filler on CPU ${BENCH_CPU}; ${version.split(' ').slice(0, 3).join(' ')}; node ${process.version}`);
  const lines = [
    '',
    '| shape | keys | encoding (Redis / Ferrous) | Redis RSS | Ferrous RSS | ratio | Redis used_memory | Ferrous heap | ratio |',
    '| --- | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: |',
  ];
  for (const name of names) {
    const shape = SHAPES[name];
    if (!shape) throw new Error(`unknown shape ${name}: ${Object.keys(SHAPES).join(', ')}`);
    const r = await measure('redis', shape);
    const f = await measure('ferrous', shape);
    if (r.keys !== f.keys) throw new Error(`${name}: DBSIZE differs (${r.keys} vs ${f.keys})`);
    lines.push(
      `| ${shape.label} | ${r.keys} | ${r.encoding} / ${f.encoding} | ${r.rss.toFixed(0)} | ${f.rss.toFixed(0)} | ${(f.rss / r.rss).toFixed(2)} | ${r.heap.toFixed(0)} | ${f.heap.toFixed(0)} | ${(f.heap / r.heap).toFixed(2)} |`,
    );
  }
  console.log(lines.join('\n'));
}

main().catch((e) => {
  console.error(e.message);
  process.exit(1);
});
