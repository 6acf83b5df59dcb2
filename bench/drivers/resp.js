'use strict';
/** Minimal RESP helpers for benchmark set-up and drivers (no client library: nothing between the socket and the server). */
const net = require('net');

function encode(argv) {
  let out = `*${argv.length}\r\n`;
  for (const a of argv) out += `$${Buffer.byteLength(a)}\r\n${a}\r\n`;
  return out;
}

/** Count complete replies in a buffer from `pos` (simple types, bulk and arrays of them). */
function skipReply(buf, pos) {
  if (pos >= buf.length) return -1;
  const le = buf.indexOf('\r\n', pos);
  if (le < 0) return -1;
  const t = buf[pos];
  const n = Number(buf.toString('latin1', pos + 1, le));
  if (t === 0x24) return n < 0 ? le + 2 : buf.length >= le + 2 + n + 2 ? le + 4 + n : -1;
  if (t === 0x2a || t === 0x3e) {
    let p = le + 2;
    for (let i = 0; i < n; i++) {
      p = skipReply(buf, p);
      if (p < 0) return -1;
    }
    return p;
  }
  return le + 2;
}

/** Send one command, resolve with its reply's first line payload (status/bulk text). */
function call(port, argv) {
  return new Promise((resolve, reject) => {
    const s = net.createConnection({ port, host: '127.0.0.1' }, () => s.write(encode(argv)));
    let buf = Buffer.alloc(0);
    s.on('data', (d) => {
      buf = Buffer.concat([buf, d]);
      if (skipReply(buf, 0) < 0) return;
      s.destroy();
      const text = buf.toString('latin1');
      if (text[0] === '-') reject(new Error(text));
      else if (text[0] === '$') resolve(text.split('\r\n')[1]);
      else resolve(text.slice(1).split('\r\n')[0]);
    });
    s.on('error', reject);
  });
}

/** The ZADD arguments of member `i`: score i, `member:i`. */
const zaddMember = (i) => [String(i), `member:${i}`];

/**
 * Fill a sorted set with `n` members using pipelined writes of 1000 members each: ZADD by
 * default, or `command` with `args(i)` for member i (e.g. GEOADD's longitude, latitude, name).
 */
function pipelineFill(port, key, n, command = 'ZADD', args = zaddMember) {
  return new Promise((resolve, reject) => {
    const s = net.createConnection({ port, host: '127.0.0.1' });
    let sent = 0;
    let pending = 0;
    let buf = Buffer.alloc(0);
    const batch = () => {
      let out = '';
      for (let k = 0; k < 100 && sent < n; k++) {
        const argv = [command, key];
        for (let i = 0; i < 1000 && sent < n; i++, sent++) argv.push(...args(sent));
        out += encode(argv);
        pending++;
      }
      s.write(out);
    };
    s.on('connect', batch);
    s.on('data', (d) => {
      buf = Buffer.concat([buf, d]);
      let p = 0;
      for (;;) {
        const next = skipReply(buf, p);
        if (next < 0) break;
        p = next;
        pending--;
      }
      buf = buf.subarray(p);
      if (pending === 0) {
        if (sent < n) batch();
        else {
          s.destroy();
          resolve();
        }
      }
    });
    s.on('error', reject);
  });
}

/**
 * A closed-loop load: `clients` connections each send `request` (bytes that produce
 * `repliesPerRequest` replies), wait for all its replies, send again, until `requests` requests
 * completed overall. Resolves with requests per second.
 */
function closedLoop(port, clients, requests, request, repliesPerRequest) {
  let done = 0;
  let sent = 0;
  const start = process.hrtime.bigint();
  return new Promise((resolve) => {
    for (let c = 0; c < clients; c++) {
      const s = net.createConnection({ port, host: '127.0.0.1' });
      let buf = Buffer.alloc(0);
      let replies = 0;
      const send = () => {
        if (sent >= requests) return;
        sent++;
        s.write(request);
      };
      s.on('connect', send);
      s.on('data', (d) => {
        buf = buf.length ? Buffer.concat([buf, d]) : d;
        let p = 0;
        for (;;) {
          const next = skipReply(buf, p);
          if (next < 0) break;
          p = next;
          if (++replies % repliesPerRequest !== 0) continue;
          if (++done === requests) resolve(requests / (Number(process.hrtime.bigint() - start) / 1e9));
          else send();
        }
        buf = buf.subarray(p);
      });
    }
  });
}

/** A port nobody listens on right now. */
function freePort() {
  return new Promise((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const p = s.address().port;
      s.close(() => resolve(p));
    });
  });
}

/** Resolves once a server accepts connections on `port`. */
async function waitPort(port) {
  for (let i = 0; i < 200; i++) {
    const ok = await new Promise((r) => {
      const s = net.createConnection({ port, host: '127.0.0.1' }, () => (s.destroy(), r(true)));
      s.on('error', () => r(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`server on ${port} did not start`);
}

module.exports = { encode, skipReply, call, pipelineFill, closedLoop, freePort, waitPort };
