'use strict';
/**
 * PUBLISH fan-out: `subscribers` connections subscribe to one channel and drain what they
 * receive; `clients` publisher connections send PUBLISH in a closed loop until `requests`
 * publishes were acknowledged. Prints {"ops": publishes per second}.
 */
const net = require('net');
const { encode, skipReply } = require('./resp');

const [port, requests, clients, subscribers] = process.argv.slice(2).map(Number);
const host = '127.0.0.1';
const CHANNEL = 'bench-channel';
const MESSAGE = encode(['PUBLISH', CHANNEL, 'x'.repeat(16)]);

function subscribe() {
  return new Promise((resolve) => {
    const s = net.createConnection({ port, host }, () => s.write(encode(['SUBSCRIBE', CHANNEL])));
    s.once('data', () => resolve(s));
    s.on('data', () => undefined);
  });
}

async function main() {
  const subs = [];
  for (let i = 0; i < subscribers; i++) subs.push(await subscribe());
  let done = 0;
  let sent = 0;
  const start = process.hrtime.bigint();
  await new Promise((resolve) => {
    for (let c = 0; c < clients; c++) {
      const s = net.createConnection({ port, host });
      let buf = Buffer.alloc(0);
      const send = () => {
        if (sent >= requests) return;
        sent++;
        s.write(MESSAGE);
      };
      s.on('connect', send);
      s.on('data', (d) => {
        buf = buf.length ? Buffer.concat([buf, d]) : d;
        let p = 0;
        for (;;) {
          const next = skipReply(buf, p);
          if (next < 0) break;
          p = next;
          done++;
          if (done === requests) resolve();
          else send();
        }
        buf = buf.subarray(p);
      });
    }
  });
  const secs = Number(process.hrtime.bigint() - start) / 1e9;
  console.log(JSON.stringify({ ops: requests / secs }));
  process.exit(0);
}

main();
