'use strict';
/**
 * A consumer group's workers: each connection reads one new entry of `xs1m` with XREADGROUP
 * COUNT 1 and acknowledges it with XACK, then reads the next, until `requests` entries were read
 * and acknowledged. Prints {"ops": read-and-acknowledge rounds per second}.
 */
const net = require('net');
const { encode, skipReply } = require('./resp');

const [port, requests, clients] = process.argv.slice(2).map(Number);
/** The entry's ID: the first bulk string shaped like one (the key before it is not). */
const ID = /\$\d+\r\n(\d+-\d+)\r\n/;
let sent = 0;
let done = 0;
const start = process.hrtime.bigint();

for (let c = 0; c < clients; c++) {
  const s = net.createConnection({ port, host: '127.0.0.1' });
  const read = encode(['XREADGROUP', 'GROUP', 'workers', `w${c}`, 'COUNT', '1', 'STREAMS', 'xs1m', '>']);
  let buf = Buffer.alloc(0);
  let acking = false;
  const next = () => {
    if (sent >= requests) return;
    sent++;
    acking = false;
    s.write(read);
  };
  s.on('connect', next);
  s.on('data', (d) => {
    buf = buf.length ? Buffer.concat([buf, d]) : d;
    let p = 0;
    for (let end = skipReply(buf, p); end >= 0; end = skipReply(buf, p)) {
      const reply = buf.toString('latin1', p, end);
      p = end;
      if (!acking) {
        const m = ID.exec(reply);
        if (m === null) throw new Error(`XREADGROUP read no entry: ${reply.slice(0, 80)}`);
        acking = true;
        s.write(encode(['XACK', 'xs1m', 'workers', m[1]]));
      } else if (reply !== ':1\r\n') {
        throw new Error(`XACK answered ${reply}`);
      } else if (++done === requests) {
        console.log(JSON.stringify({ ops: requests / (Number(process.hrtime.bigint() - start) / 1e9) }));
        process.exit(0);
      } else {
        next();
      }
    }
    buf = buf.subarray(p);
  });
}
