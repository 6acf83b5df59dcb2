#!/usr/bin/env node
/**
 * Start to first PONG of an embedded, ephemeral Ferrous (what a test suite waits for), from the
 * compiled package: `npm run build && node bench/startup.js [runs]`.
 *
 * - cold: a fresh Node process each run: require('ferrous'), startServer({ ephemeral: true }),
 *   connect, PING, answered — the first server of a Jest worker.
 * - warm: further servers in the same process (modules already loaded) — the next suite in the
 *   worker, or a server per test.
 * Prints the median and the slowest run of each, in milliseconds.
 */
'use strict';
const { spawnSync } = require('child_process');
const net = require('net');
const path = require('path');

const RUNS = Number(process.argv[2] ?? 20);
const DIST = path.resolve(__dirname, '..', 'dist', 'kernel', 'index.js');

function ping(port) {
  return new Promise((resolve, reject) => {
    const s = net.connect({ port, host: '127.0.0.1' }, () => s.write('PING\r\n'));
    s.once('data', (d) => {
      s.destroy();
      if (d.toString() === '+PONG\r\n') resolve();
      else reject(new Error(`unexpected reply ${d}`));
    });
    s.once('error', reject);
  });
}

/** One timed start in this process; prints its milliseconds. */
async function once(requireToo) {
  const t0 = process.hrtime.bigint();
  const { startServer } = require(DIST);
  const t1 = process.hrtime.bigint();
  const server = await startServer({ ephemeral: true });
  await ping(server.port);
  const t2 = process.hrtime.bigint();
  await server.stop();
  return Number((requireToo ? t2 - t0 : t2 - t1) / 1000n) / 1000;
}

function summary(name, ms) {
  const s = [...ms].sort((a, b) => a - b);
  console.log(`${name}: median ${s[Math.floor(s.length / 2)].toFixed(1)} ms, slowest ${s[s.length - 1].toFixed(1)} ms (${s.length} runs)`);
}

async function main() {
  if (process.argv[2] === '--child') {
    process.stdout.write(String(await once(true)));
    return;
  }
  const cold = [];
  for (let i = 0; i < RUNS; i++) {
    const r = spawnSync(process.execPath, [__filename, '--child'], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(r.stderr);
    cold.push(Number(r.stdout));
  }
  summary('cold (new process, require + start + first PONG)', cold);
  await once(false);
  const warm = [];
  for (let i = 0; i < RUNS; i++) warm.push(await once(false));
  summary('warm (another server in the same process)', warm);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
