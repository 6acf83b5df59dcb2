#!/usr/bin/env node
/**
 * The two halves of a full sync without sockets, in one process: the master's fork-less
 * snapshot of --keys string keys (RDB_SNAPSHOTS.stream, the image gathered in memory) and a
 * replica's load of that image fed in 64 KB pieces as a socket would (RDB_SNAPSHOTS.loadStream,
 * of unknown size as a diskless transfer). Prints the process's CPU time for each (the garbage
 * collector's included), the minimum and median of --rounds rounds. Compare builds by
 * alternating them (`--dist` points at another build's dist/, with its package.json and config/
 * beside it).
 *
 *   taskset -c 1 node --max-old-space-size=4000 --max-semi-space-size=4 bench/replication-in-process.js --keys 1000000 --rounds 5
 */
'use strict';
const path = require('path');
const { benchArgs } = require('./drivers/resp');

const args = benchArgs();
const DIST = path.resolve(args.dist ?? path.join(__dirname, '..', 'dist'));
const KEYS = Number(args.keys ?? 1000000);
const ROUNDS = Number(args.rounds ?? 5);

require('reflect-metadata');
const kernel = require(path.join(DIST, 'kernel'));

const cpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};
const summary = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return `min ${s[0].toFixed(0)} ms, median ${s[s.length >> 1].toFixed(0)} ms`;
};

async function main() {
  const ferrous = await kernel.startServer({ ephemeral: true, argv: ['--save', '', '--appendonly', 'no', '--loglevel', 'warning'] });
  const snapshots = ferrous.container.resolve(kernel.RDB_SNAPSHOTS);
  const db = ferrous.container.resolve(kernel.Keyspace).db(0);
  for (let i = 0; i < KEYS; i++) db.set(`key:${i}`, `value:${i}`);
  const snapshot = [];
  const load = [];
  let bytes = 0;
  for (let round = 0; round < ROUNDS; round++) {
    const chunks = [];
    let c0 = cpuMs();
    await snapshots.stream((b) => chunks.push(b), [['repl-offset', '0']]).done;
    snapshot.push(cpuMs() - c0);
    const image = Buffer.concat(chunks);
    bytes = image.length;
    // The load replaces the dataset with the same keys, ready for the next round's snapshot.
    c0 = cpuMs();
    const l = snapshots.loadStream(-1);
    for (let at = 0; at < image.length; at += 65536) l.feed(image.subarray(at, Math.min(image.length, at + 65536)));
    l.end();
    const r = await l.done;
    load.push(cpuMs() - c0);
    if (r.keys !== KEYS) throw new Error(`loaded ${r.keys} keys of ${KEYS}`);
  }
  console.log(`${DIST}: ${KEYS} keys, image ${(bytes / 1e6).toFixed(1)} MB, ${ROUNDS} rounds; snapshot CPU ${summary(snapshot)}; load CPU ${summary(load)}`);
  await ferrous.stop();
  process.exit(0);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
