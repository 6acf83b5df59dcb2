#!/usr/bin/env node
/**
 * The kernel's per-command CPU without sockets: 50 connection-less clients (a stand-in
 * transport that drops the output) each fed reads of 16 pipelined commands on keys drawn from
 * 100,000, as `redis-benchmark -P 16 -r 100000` sends them. Prints the process's CPU time per
 * command (all threads, the garbage collector's included) for each measured round. Without
 * the kernel's read and write system calls the figure moves less with the machine's load than
 * bench/run.js's; compare builds by alternating them (`--dist` points at another build).
 *
 *   taskset -c 0 node --max-old-space-size=4000 bench/in-process.js --command set --requests 400000 --rounds 3
 *   commands: set | get | incr | mset (ten keys) | sadd (an integer into one of 100,000 intsets)
 */
'use strict';
const path = require('path');
const { benchArgs } = require('./drivers/resp');

const args = benchArgs();
const DIST = path.resolve(args.dist ?? path.join(__dirname, '..', 'dist'));
const COMMAND = args.command ?? 'set';
const REQUESTS = Number(args.requests ?? 400000);
const ROUNDS = Number(args.rounds ?? 3);
const CLIENTS = 50;
const PIPELINE = 16;

require('reflect-metadata');
const { startServer } = require(path.join(DIST, 'kernel'));
const { Client } = require(path.join(DIST, 'kernel/client'));

const bulk = (s) => `$${s.length}\r\n${s}\r\n`;
const randomKey = (prefix) => prefix + String(Math.floor(Math.random() * 100000)).padStart(12, '0');
const COMMANDS = {
  set: () => `*3\r\n${bulk('SET')}${bulk(randomKey('key:'))}${bulk('xxx')}`,
  get: () => `*2\r\n${bulk('GET')}${bulk(randomKey('key:'))}`,
  incr: () => `*2\r\n${bulk('INCR')}${bulk(randomKey('counter:'))}`,
  sadd: () => `*3\r\n${bulk('SADD')}${bulk(randomKey('set:'))}${bulk(String(Math.floor(Math.random() * 1000)))}`,
  mset: () => `*21\r\n${bulk('MSET')}${Array.from({ length: 10 }, () => bulk(randomKey('key:')) + bulk('xxx')).join('')}`,
};
if (!(COMMAND in COMMANDS)) throw new Error(`unknown command ${COMMAND}: ${Object.keys(COMMANDS).join(', ')}`);

/** 4096 reads of PIPELINE commands each, made before measuring. */
function reads(make) {
  const out = [];
  for (let i = 0; i < 4096; i++) out.push(Buffer.from(Array.from({ length: PIPELINE }, make).join(''), 'latin1'));
  return out;
}

/** Every key GET may ask for, stored once. */
function fillReads() {
  const out = [];
  for (let i = 0; i < 100000; i += PIPELINE) {
    let s = '';
    for (let j = i; j < i + PIPELINE; j++) s += `*3\r\n${bulk('SET')}${bulk('key:' + String(j).padStart(12, '0'))}${bulk('xxx')}`;
    out.push(Buffer.from(s, 'latin1'));
  }
  return out;
}

/** Feed `n` commands, one read per client in turn; each turn's replies are flushed as the server does. */
function feed(clients, batches, n) {
  return new Promise((resolve) => {
    let b = 0;
    let done = 0;
    const turn = () => {
      for (let i = 0; i < CLIENTS && done < n; i++, done += PIPELINE) clients[i].onData(batches[b++ % batches.length]);
      setImmediate(done < n ? turn : resolve);
    };
    turn();
  });
}

async function main() {
  const batches = reads(COMMANDS[COMMAND]);
  const ferrous = await startServer({ ephemeral: true, argv: ['--save', '', '--appendonly', 'no', '--loglevel', 'warning'] });
  const server = ferrous.server;
  const transport = { direct: true, pending: 0, write() {}, writeBuffer() {}, end() {}, destroy() {} };
  const clients = [];
  for (let i = 0; i < CLIENTS; i++) {
    const socket = { remoteAddress: '127.0.0.1', remotePort: 40000 + i, localAddress: '127.0.0.1', localPort: ferrous.port };
    const c = new Client(server, socket);
    c.transport = transport;
    server.clients.set(c.id, c);
    clients.push(c);
  }
  if (COMMAND === 'get') await feed(clients, fillReads(), 100000);
  // Warm-up: V8 compiles the path, and SET's keys exist as after redis-benchmark's first pass.
  await feed(clients, batches, REQUESTS / 2);
  const ns = [];
  for (let r = 0; r < ROUNDS; r++) {
    const before = process.cpuUsage();
    await feed(clients, batches, REQUESTS);
    const used = process.cpuUsage(before);
    ns.push(Math.round(((used.user + used.system) * 1000) / REQUESTS));
  }
  console.log(`${COMMAND} -P ${PIPELINE}: CPU ns per command ${ns.join(' ')}`);
  for (const c of clients) c.close();
  await ferrous.stop();
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
