#!/usr/bin/env node
/**
 * Eviction side by side: a real redis-server and Ferrous, each with `maxmemory 64mb` and one
 * policy at a time, are written 256 MB of 1 KB values (half of the keys with a TTL, so the
 * volatile policies have candidates) through one pipelined connection, while a hot set of 1000
 * keys (no TTL) is read all along. Reported per server and policy: used_memory at the end and
 * its highest sample (INFO every 32 batches) against maxmemory, resident memory growth against
 * maxmemory, evicted_keys, the OOM errors (noeviction), how many hot keys survived, the time.
 *
 *   npm run build && node bench/eviction.js
 *   node bench/eviction.js --policies allkeys-lru,noeviction --mb 256 --maxmemory 64mb
 *
 * Ferrous starts through its launcher (dist/kernel/main.js), which sizes V8's heap from
 * maxmemory, as `npm start` does; figures come from each server's own INFO.
 */
'use strict';
const { spawn, spawnSync } = require('child_process');
const fs = require('fs');
const net = require('net');
const { benchArgs, freePort } = require('./drivers/resp');
const path = require('path');

const args = benchArgs();
const ALL = ['noeviction', 'allkeys-lru', 'allkeys-lfu', 'allkeys-random', 'volatile-lru', 'volatile-lfu', 'volatile-random', 'volatile-ttl'];
const POLICIES = args.policies ? args.policies.split(',') : ALL;
const MB = 1024 * 1024;
const WRITE_MB = Number(args.mb ?? 256);
const MAXMEMORY = args.maxmemory ?? '64mb';
const VALUE_BYTES = Number(args.value ?? 1000);
const HOT = 1000;
const BATCH = 500;
/** Hot reads per batch: every hot key is read once per HOT / HOT_READS batches (10 MB written). */
const HOT_READS = 50;
const SERVER_CPU = args['server-cpu'] ?? '0';
const ROOT = path.resolve(__dirname, '..');

/** One connection sending pipelined commands and counting replies (and error replies). */
class Conn {
  static open(port) {
    return new Promise((resolve, reject) => {
      const socket = net.createConnection({ port, host: '127.0.0.1' }, () => resolve(new Conn(socket)));
      socket.once('error', reject);
    });
  }

  constructor(socket) {
    this.socket = socket;
    this.buf = Buffer.alloc(0);
    this.waiting = null;
    this.replies = [];
    socket.on('data', (d) => {
      this.buf = this.buf.length === 0 ? d : Buffer.concat([this.buf, d]);
      this.parse();
    });
  }

  /** Parse complete replies off the buffer (simple, error, integer, bulk: what these commands answer). */
  parse() {
    let pos = 0;
    const b = this.buf;
    for (;;) {
      const nl = b.indexOf('\r\n', pos);
      if (nl < 0) break;
      const type = String.fromCharCode(b[pos]);
      const line = b.toString('latin1', pos + 1, nl);
      if (type === '$') {
        const n = Number(line);
        if (n < 0) {
          this.replies.push(null);
          pos = nl + 2;
          continue;
        }
        if (b.length < nl + 2 + n + 2) break;
        this.replies.push(b.toString('latin1', nl + 2, nl + 2 + n));
        pos = nl + 2 + n + 2;
      } else {
        this.replies.push(type === '-' ? new Error(line) : type === ':' ? Number(line) : line);
        pos = nl + 2;
      }
    }
    this.buf = b.subarray(pos);
    if (this.waiting !== null && this.replies.length >= this.waiting.n) {
      const w = this.waiting;
      this.waiting = null;
      w.resolve(this.replies.splice(0, w.n));
    }
  }

  /** Send commands (arrays of strings) and resolve with their replies. */
  send(commands) {
    let out = '';
    for (const argv of commands) {
      out += `*${argv.length}\r\n`;
      for (const a of argv) out += `$${Buffer.byteLength(a, 'latin1')}\r\n${a}\r\n`;
    }
    return new Promise((resolve) => {
      this.waiting = { n: commands.length, resolve };
      this.socket.write(out, 'latin1');
      this.parse();
    });
  }

  async info(section) {
    const [text] = await this.send([['INFO', section]]);
    const fields = {};
    for (const line of text.split('\r\n')) {
      const i = line.indexOf(':');
      if (i > 0) fields[line.slice(0, i)] = line.slice(i + 1);
    }
    return fields;
  }

  close() {
    this.socket.destroy();
  }
}

async function startServer(kind, policy) {
  const port = await freePort();
  const common = ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--maxmemory', MAXMEMORY, '--maxmemory-policy', policy];
  const cmd = kind === 'redis' ? ['redis-server', ...common] : ['node', path.join(ROOT, 'dist/kernel/main.js'), ...common, '--loglevel', 'warning'];
  const proc = spawn('taskset', ['-c', SERVER_CPU, ...cmd], { stdio: 'ignore' });
  for (let i = 0; i < 200; i++) {
    try {
      const c = await Conn.open(port);
      const [pong] = await c.send([['PING']]);
      if (pong === 'PONG') return { proc, conn: c };
      c.close();
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  proc.kill('SIGKILL');
  throw new Error(`${kind} did not start`);
}

async function run(kind, policy) {
  const { proc, conn } = await startServer(kind, policy);
  try {
    const value = 'x'.repeat(VALUE_BYTES);
    const maxmemory = Number((await conn.info('memory')).maxmemory);
    const rss0 = Number((await conn.info('memory')).used_memory_rss);
    const hot = [];
    for (let i = 0; i < HOT; i++) hot.push(['SET', `hot:${i}`, value]);
    await conn.send(hot);
    const total = Math.ceil((WRITE_MB * MB) / VALUE_BYTES);
    let written = 0;
    let errors = 0;
    let maxUsed = 0;
    let maxRss = rss0;
    let hotCursor = 0;
    let batches = 0;
    const t0 = Date.now();
    while (written < total) {
      const cmds = [];
      for (let i = 0; i < BATCH && written < total; i++, written++) {
        // Half of the keys expire (in an hour, not during the run): candidates for volatile-*.
        cmds.push(written % 2 === 0 ? ['SET', `key:${written}`, value, 'EX', '3600'] : ['SET', `key:${written}`, value]);
      }
      for (let i = 0; i < HOT_READS; i++) cmds.push(['GET', `hot:${hotCursor++ % HOT}`]);
      for (const r of await conn.send(cmds)) if (r instanceof Error) errors++;
      if (++batches % 32 === 0) {
        const m = await conn.info('memory');
        maxUsed = Math.max(maxUsed, Number(m.used_memory));
        maxRss = Math.max(maxRss, Number(m.used_memory_rss));
      }
    }
    const seconds = (Date.now() - t0) / 1000;
    const m = await conn.info('memory');
    const s = await conn.info('stats');
    const [dbsize] = await conn.send([['DBSIZE']]);
    const exists = await conn.send(Array.from({ length: HOT }, (_, i) => ['EXISTS', `hot:${i}`]));
    const used = Number(m.used_memory);
    return {
      used,
      maxUsed: Math.max(maxUsed, used),
      maxmemory,
      rssGrowth: Math.max(maxRss, Number(m.used_memory_rss)) - rss0,
      evicted: Number(s.evicted_keys),
      errors,
      dbsize,
      hotKept: exists.reduce((a, b) => a + b, 0),
      seconds,
    };
  } finally {
    conn.close();
    proc.kill('SIGTERM');
    await new Promise((r) => proc.once('exit', r));
  }
}

async function main() {
  for (const cmd of ['redis-server', 'taskset']) {
    if (spawnSync('which', [cmd]).status !== 0) throw new Error(`${cmd} is required (apt-get install -y redis-server util-linux)`);
  }
  if (!fs.existsSync(path.join(ROOT, 'dist/kernel/main.js'))) throw new Error('build first: npm run build');
  const version = spawnSync('redis-server', ['--version'], { encoding: 'utf8' }).stdout.trim();
  console.log(`# Eviction: ${WRITE_MB} MB of ${VALUE_BYTES}-byte values into maxmemory ${MAXMEMORY} (${version})\n`);
  console.log('| policy | server | used_memory end / max (x maxmemory) | RSS growth (x maxmemory) | evicted | OOM errors | keys | hot kept / 1000 | seconds |');
  console.log('|---|---|---|---|---|---|---|---|---|');
  const fmt = (n) => `${(n / MB).toFixed(1)} MB`;
  for (const policy of POLICIES) {
    for (const kind of ['redis', 'ferrous']) {
      const r = await run(kind, policy);
      console.log(
        `| ${policy} | ${kind} | ${fmt(r.used)} / ${fmt(r.maxUsed)} (${(r.maxUsed / r.maxmemory).toFixed(2)}) | ${fmt(r.rssGrowth)} (${(r.rssGrowth / r.maxmemory).toFixed(2)}) | ${r.evicted} | ${r.errors} | ${r.dbsize} | ${r.hotKept} | ${r.seconds.toFixed(1)} |`,
      );
    }
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
