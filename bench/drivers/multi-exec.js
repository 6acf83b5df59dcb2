'use strict';
/**
 * Transactions: `clients` connections each send MULTI, 10 SETs and EXEC as one write and
 * wait for the 12 replies, until `requests` transactions completed. Prints {"ops": EXECs per second}.
 */
const net = require('net');
const { encode, skipReply } = require('./resp');

const [port, requests, clients] = process.argv.slice(2).map(Number);
const host = '127.0.0.1';
let tx = encode(['MULTI']);
for (let i = 0; i < 10; i++) tx += encode(['SET', `key:${i}`, 'xxxxxxxxxxxxxxxx']);
tx += encode(['EXEC']);

let done = 0;
let sent = 0;
const start = process.hrtime.bigint();
new Promise((resolve) => {
  for (let c = 0; c < clients; c++) {
    const s = net.createConnection({ port, host });
    let buf = Buffer.alloc(0);
    let replies = 0;
    const send = () => {
      if (sent >= requests) return;
      sent++;
      s.write(tx);
    };
    s.on('connect', send);
    s.on('data', (d) => {
      buf = buf.length ? Buffer.concat([buf, d]) : d;
      let p = 0;
      for (;;) {
        const next = skipReply(buf, p);
        if (next < 0) break;
        p = next;
        if (++replies % 12 === 0) {
          done++;
          if (done === requests) resolve();
          else send();
        }
      }
      buf = buf.subarray(p);
    });
  }
}).then(() => {
  const secs = Number(process.hrtime.bigint() - start) / 1e9;
  console.log(JSON.stringify({ ops: requests / secs }));
  process.exit(0);
});
