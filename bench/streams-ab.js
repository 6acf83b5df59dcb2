#!/usr/bin/env node
/**
 * Server CPU per request of the streams suite's loads over real sockets, for several builds and
 * redis-server started side by side (each pinned to CPU 0, the load to CPU 1), rounds alternating
 * their order: an A/B of two builds that the machine's other jobs move together.
 *
 *   node bench/streams-ab.js <xrg|xadd16|xadd|xlen> <rounds> <dist> [<dist> ...] [redis]
 *   e.g. node bench/streams-ab.js xadd16 4 /tmp/base/dist dist redis
 *
 * xrg is bench/drivers/xreadgroup-xack.js on the suite's 1M-entry stream (per request: half a
 * pair), the others redis-benchmark as the suite runs them. Prints µs of server CPU (all threads,
 * /proc schedstat) per request, one figure a round.
 */
'use strict';
const { spawn, spawnSync } = require('child_process');
const fs = require('fs');
const path = require('path');
const { freePort, waitPort } = require('./drivers/resp');
const { suites } = require('./suites');
const [test, rounds, ...dists] = process.argv.slice(2);
function cpuNs(pid) {
  let ns = 0;
  for (const tid of fs.readdirSync(`/proc/${pid}/task`)) ns += Number(fs.readFileSync(`/proc/${pid}/task/${tid}/schedstat`, 'utf8').split(' ')[0]);
  return ns;
}
async function start(dist) {
  const port = await freePort();
  const cmd = dist === 'redis' ? ['redis-server', '--port', String(port), '--save', '', '--appendonly', 'no']
    : ['node', '--max-old-space-size=4000', '--max-semi-space-size=4', path.join(path.resolve(dist), 'kernel/main.js'), '--port', String(port), '--bind', '127.0.0.1', '--loglevel', 'warning', '--save', ''];
  const proc = spawn('taskset', ['-c', '0', ...cmd], { stdio: 'ignore' });
  await waitPort(port);
  return { dist, port, proc };
}
function load(port, n) {
  if (test === 'xrg') return spawnSync('taskset', ['-c', '1', 'node', path.join(__dirname, 'drivers', 'xreadgroup-xack.js'), String(port), String(n), '50'], { encoding: 'utf8' });
  const p = test === 'xadd16' ? '16' : '1';
  const cmd = test === 'xlen' ? ['XLEN', 'xs1m'] : ['-r', '100000', 'XADD', 'bench:stream', '*', 'name', 'v__rand_int__', 'n', '__rand_int__'];
  return spawnSync('taskset', ['-c', '1', 'redis-benchmark', '-p', String(port), '-c', '50', '-n', String(n), '-P', p, '-q', ...cmd], { encoding: 'utf8' });
}
(async () => {
  const servers = [];
  for (const d of dists) servers.push(await start(d));
  const st = suites.streams.tests;
  if (test === 'xrg' || test === 'xlen') for (const s of servers) { await st[1].setup(s.port); await st[3].setup(s.port); }
  const N = test === 'xrg' ? 30000 : test === 'xadd16' ? 400000 : 100000;
  const per = test === 'xrg' ? 2 : 1;
  for (const s of servers) load(s.port, N / 2); // warm-up
  const res = new Map(dists.map((d) => [d, []]));
  for (let r = 0; r < Number(rounds); r++) {
    const order = r % 2 === 0 ? servers : [...servers].reverse();
    for (const s of order) {
      const c0 = cpuNs(s.proc.pid);
      const out = load(s.port, N);
      if (out.status !== 0) throw new Error(out.stderr);
      res.get(s.dist).push(((cpuNs(s.proc.pid) - c0) / 1000 / (N * per)).toFixed(2));
    }
  }
  for (const [d, v] of res) console.log(`${test} ${d}: server CPU µs/request ${v.join(' ')}`);
  for (const s of servers) s.proc.kill();
})();
