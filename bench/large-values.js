#!/usr/bin/env node
/**
 * A large dataset without maxmemory (issue 14): SET of 100 KB values until 8 GiB were sent. The
 * server must keep serving, each write answered +OK or refused with the OOM error, and never
 * abort (V8's "JavaScript heap out of memory" killed it at 3 GiB before the heap was sized).
 *
 *   node bench/large-values.js                  # 8 GiB of 100 KB values
 *   node bench/large-values.js --gib 2 --kb 100
 *
 * Ferrous is started as a user would (`node dist/kernel/main.js`: the launcher sizes the heap
 * from the machine), without maxmemory. Prints the replies counted by kind (every SET must be
 * answered, +OK or the OOM error), whether the server still answers PING, DBSIZE, used_memory and
 * RSS at the end, RSS after FLUSHALL, then PASS or FAIL (exit code 0 or 1); a server that
 * aborted closes the connection: FAIL with its last words on stderr. It takes about the data size
 * in memory: run it under the lock, on a machine with the room.
 */
'use strict';
const { spawn } = require('child_process');
const net = require('net');
const path = require('path');
const { encode, onReplies, info, benchArgs, call, freePort, waitPort } = require('./drivers/resp');

const args = benchArgs();
const GIB = Number(args.gib ?? 8);
const KB = Number(args.kb ?? 100);
const ROOT = path.resolve(__dirname, '..');
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Send `n` SETs of `value`, at most `window` unanswered; count the replies by their first line. */
function fill(port, n, value, window) {
  return new Promise((resolve, reject) => {
    const s = net.createConnection({ port, host: '127.0.0.1' });
    const replies = {};
    let sent = 0;
    let replied = 0;
    const pump = () => {
      while (sent < n && sent - replied < window) s.write(encode(['SET', `big:${sent++}`, value]));
    };
    s.on('connect', pump);
    onReplies(
      s,
      (buf, start, end) => {
        const line = buf.toString('latin1', start, Math.min(end, start + 40)).split('\r\n')[0];
        const kind = line.startsWith('-') ? line.split(' ')[0] : line;
        replies[kind] = (replies[kind] ?? 0) + 1;
        replied++;
      },
      () => {
        if (replied === n) {
          s.destroy();
          resolve(replies);
        } else pump();
      },
    );
    s.on('error', reject);
    s.on('close', () => replied < n && reject(new Error(`connection closed after ${replied} replies`)));
  });
}

async function main() {
  const port = await freePort();
  const proc = spawn('node', [path.join(ROOT, 'dist/kernel/main.js'), '--port', String(port), '--bind', '127.0.0.1', '--loglevel', 'warning', '--save', ''], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  proc.stderr.on('data', (d) => (stderr += d));
  try {
    await waitPort(port);
    const memory = async () => {
      const f = await info(port, 'memory');
      return { used: Number(f.used_memory), rss: Number(f.used_memory_rss) };
    };
    const n = Math.ceil((GIB * 1024 * 1024) / KB);
    const value = 'v'.repeat(KB * 1024);
    const t0 = Date.now();
    const replies = await fill(port, n, value, 16);
    const seconds = (Date.now() - t0) / 1000;
    const alive = proc.exitCode === null && (await call(port, ['PING'])) === 'PONG';
    const dbsize = Number(await call(port, ['DBSIZE']));
    const full = await memory();
    await call(port, ['FLUSHALL']);
    await sleep(3000);
    const flushed = await memory();
    const gb = (b) => (b / 2 ** 30).toFixed(2);
    console.log(`${n} SETs of ${KB} KB (${GIB} GiB) in ${seconds.toFixed(0)} s, no maxmemory`);
    // The criterion: each SET answered, +OK or the OOM error and nothing else, and the server still serving.
    const other = Object.keys(replies).filter((k) => k !== '+OK' && k !== '-OOM');
    console.log(`replies: ${JSON.stringify(replies)}; every SET answered: yes (${n}); answered otherwise than +OK or OOM: ${other.length === 0 ? 'none' : other.join(', ')}`);
    console.log(`still serving: ${alive ? 'yes' : 'no'}; DBSIZE ${dbsize}; used_memory ${gb(full.used)} GiB, RSS ${gb(full.rss)} GiB; after FLUSHALL used_memory ${gb(flushed.used)} GiB, RSS ${gb(flushed.rss)} GiB`);
    console.log(alive && other.length === 0 ? 'PASS' : 'FAIL');
    process.exitCode = alive && other.length === 0 ? 0 : 1;
  } catch (e) {
    console.log(`FAIL: ${e.message}; server exit code ${proc.exitCode}; stderr: ${stderr.slice(-500)}`);
    process.exitCode = 1;
  } finally {
    proc.kill('SIGTERM');
  }
}

main();
