'use strict';
/** Profiling helpers the in-process benchmarks share: a V8 CPU profile of a stretch of the run, callgrind windows. */
const fs = require('fs');
const path = require('path');
const { spawnSync } = require('child_process');

/** Start a V8 CPU profile of this process (50 µs sampling); stopProfile writes it. */
async function startProfile() {
  const session = new (require('inspector').Session)();
  session.connect();
  const post = (method, params) => new Promise((resolve, reject) => session.post(method, params, (e, r) => (e ? reject(e) : resolve(r))));
  await post('Profiler.enable');
  await post('Profiler.setSamplingInterval', { interval: 50 });
  await post('Profiler.start');
  session.postAsync = post;
  return session;
}

async function stopProfile(session, file) {
  const { profile } = await session.postAsync('Profiler.stop');
  fs.writeFileSync(file, JSON.stringify(profile));
  session.disconnect();
}

/** Run callgrind_control with `flag` on the valgrind process `pid`. */
function callgrindControl(flag, pid) {
  const r = spawnSync('timeout', ['120', 'callgrind_control', ...flag, String(pid)], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`callgrind_control ${flag.join(' ')} failed: ${r.stdout}${r.stderr}`);
}

/**
 * The totals of the latest dump `<prefix>.<n>` in `dir`, by event name (Ir; with
 * --cache-sim=yes also Dr, Dw, D1mr, D1mw, DLmr, DLmw, ...).
 */
function lastDumpTotals(dir, prefix) {
  const dumps = fs.readdirSync(dir).filter((f) => f.startsWith(`${prefix}.`));
  const last = dumps.sort((a, b) => Number(a.split('.').pop()) - Number(b.split('.').pop())).pop();
  const text = fs.readFileSync(path.join(dir, last), 'utf8');
  const events = /^events: (.+)$/m.exec(text);
  const totals = /^totals: ([\d ]+)$/m.exec(text);
  if (events === null || totals === null) throw new Error(`no totals in ${last}`);
  const names = events[1].trim().split(/\s+/);
  const values = totals[1].trim().split(/\s+/).map(Number);
  return Object.fromEntries(names.map((n, i) => [n, values[i] ?? 0]));
}

/** The instruction total of the latest dump `<prefix>.<n>` in `dir`. */
function lastDumpTotal(dir, prefix) {
  return lastDumpTotals(dir, prefix).Ir;
}

/** A reader of `stream`'s lines: `expect(line)` waits for the next one and throws unless it is `line`. */
function lineExpecter(stream) {
  const lines = require('readline').createInterface({ input: stream })[Symbol.asyncIterator]();
  return async (want) => {
    const { value, done } = await lines.next();
    if (done || value !== want) throw new Error(`expected ${want}, got ${done ? 'the end' : value}`);
  };
}

/**
 * One window of a child under callgrind that runs one when it reads `go` and then prints
 * `done`: the counters zeroed before, dumped (as `label`) after; the window's totals (lastDumpTotals).
 */
async function callgrindWindow(proc, expect, dir, prefix, label) {
  callgrindControl(['-z'], proc.pid);
  proc.stdin.write('go\n');
  await expect('done');
  callgrindControl(['-d', label], proc.pid);
  return lastDumpTotals(dir, prefix);
}

module.exports = { startProfile, stopProfile, callgrindControl, lastDumpTotal, lastDumpTotals, lineExpecter, callgrindWindow };
