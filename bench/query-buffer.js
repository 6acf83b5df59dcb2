#!/usr/bin/env node
/**
 * Transient memory given back (issue 14): a client sends one command with large bulk arguments
 * (by default EXISTS with 4 x 400 MB keys, 1.6 GB of request data) and disconnects; resident
 * memory must come back to within 10% of where it was. Ferrous and redis-server in the same run.
 *
 *   node bench/query-buffer.js                       # 4 x 400 MB
 *   node bench/query-buffer.js --args 4 --mb 400
 *
 * Prints, per server: RSS before, peak (VmHWM) and 2 s after the client left (nothing done to
 * either server meanwhile), whether "after" is within 10% of "before", and Ferrous's RSS once a
 * full GC was forced (bench/gc-signal.js) for comparison. Needs about twice the request size in
 * free memory: run it under the lock.
 */
'use strict';
const { spawn } = require('child_process');
const fs = require('fs');
const net = require('net');
const path = require('path');
const { encode, info, benchArgs, freePort, waitPort } = require('./drivers/resp');

const args = benchArgs();
const COUNT = Number(args.args ?? 4);
const MB = Number(args.mb ?? 400);
const ROOT = path.resolve(__dirname, '..');
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function status(pid) {
  const text = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (name) => Number(new RegExp(`${name}:\\s+(\\d+) kB`).exec(text)[1]) * 1024;
  return { rss: kb('VmRSS'), peak: kb('VmHWM') };
}

/** Send `argv` (small strings) then `COUNT` bulk arguments of `MB` MB each; resolve with the reply. */
function bigCommand(port, argv) {
  return new Promise((resolve, reject) => {
    const s = net.createConnection({ port, host: '127.0.0.1' });
    const size = MB * 1024 * 1024;
    const chunk = Buffer.alloc(16 * 1024 * 1024, 'x');
    let reply = '';
    s.on('data', (d) => {
      reply += d.toString('latin1');
      if (reply.endsWith('\r\n')) {
        s.end();
        resolve(reply.trim());
      }
    });
    s.on('error', reject);
    s.on('connect', async () => {
      s.write(encode(argv).replace(/^\*\d+/, `*${argv.length + COUNT}`));
      for (let a = 0; a < COUNT; a++) {
        s.write(`$${size}\r\n`);
        for (let sent = 0; sent < size; sent += chunk.length) {
          const part = sent + chunk.length <= size ? chunk : chunk.subarray(0, size - sent);
          // A distinct first byte per argument: four different keys.
          if (sent === 0) part[0] = 0x61 + a;
          if (!s.write(part)) await new Promise((r) => s.once('drain', r));
        }
        s.write('\r\n');
      }
    });
  });
}

async function run(kind) {
  const port = await freePort();
  const cmd =
    kind === 'redis'
      ? ['redis-server', '--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no']
      : ['node', '--expose-gc', ...require(path.join(ROOT, 'dist/kernel/heap-size')).heapFlags(0), '-r', path.join(__dirname, 'gc-signal.js'), path.join(ROOT, 'dist/kernel/main.js'), '--port', String(port), '--bind', '127.0.0.1', '--loglevel', 'warning', '--save', ''];
  const proc = spawn(cmd[0], cmd.slice(1), { stdio: 'ignore' });
  try {
    await waitPort(port);
    const pid = Number((await info(port)).process_id);
    await sleep(2000);
    const before = status(pid).rss;
    const t0 = Date.now();
    const reply = await bigCommand(port, ['EXISTS']);
    const seconds = (Date.now() - t0) / 1000;
    const peak = status(pid).peak;
    // As a user's server would be: nothing done to it but the pause Redis gets too.
    await sleep(2000);
    const after = status(pid).rss;
    let collected = after;
    if (kind === 'ferrous') {
      process.kill(pid, 'SIGUSR2');
      await sleep(2000);
      collected = status(pid).rss;
    }
    const mb = (n) => (n / 1048576).toFixed(0);
    const ok = after <= before * 1.1;
    console.log(`| ${kind} | ${reply} | ${seconds.toFixed(1)} | ${mb(before)} | ${mb(peak)} | ${mb(after)} | ${ok ? 'yes' : 'no'} | ${kind === 'ferrous' ? mb(collected) : '-'} |`);
    return ok;
  } finally {
    proc.kill('SIGKILL');
  }
}

async function main() {
  console.log(`EXISTS with ${COUNT} x ${MB} MB arguments, then the client leaves (RSS in MB)`);
  console.log('');
  console.log('| server | reply | seconds | RSS before | peak | RSS after | within 10% | after a forced full GC |');
  console.log('| --- | --- | ---: | ---: | ---: | ---: | --- | ---: |');
  await run('redis');
  const ok = await run('ferrous');
  process.exit(ok ? 0 : 1);
}

main().catch((e) => {
  console.error(e.message);
  process.exit(2);
});
