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

/**
 * Read the replies arriving on socket `s`: `each(buf, start, end)` for every complete one, then
 * `after()` once per read (the place to send more).
 */
function onReplies(s, each, after) {
  let buf = Buffer.alloc(0);
  s.on('data', (d) => {
    buf = buf.length ? Buffer.concat([buf, d]) : d;
    let p = 0;
    for (let next = skipReply(buf, p); next >= 0; next = skipReply(buf, p)) {
      each(buf, p, next);
      p = next;
    }
    buf = buf.subarray(p);
    if (after !== undefined) after();
  });
}

/** INFO `section`'s fields as name -> text (the whole bulk reply is read, not its first line). */
function info(port, section = 'all') {
  return new Promise((resolve, reject) => {
    const s = net.createConnection({ port, host: '127.0.0.1' }, () => s.write(encode(['INFO', section])));
    onReplies(s, (buf, start, end) => {
      s.destroy();
      const fields = {};
      for (const line of buf.toString('latin1', start, end).split('\r\n')) {
        const i = line.indexOf(':');
        if (i > 0) fields[line.slice(0, i)] = line.slice(i + 1);
      }
      resolve(fields);
    });
    s.on('error', reject);
  });
}

/** The command line's `--name value` options as an object. */
function benchArgs() {
  return Object.fromEntries(
    process.argv.slice(2).reduce((acc, a, i, all) => (a.startsWith('--') ? [...acc, [a.slice(2), all[i + 1]]] : acc), []),
  );
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
  let sent = 0;
  return pipelined(port, () => {
    let out = '';
    let count = 0;
    for (; count < 100 && sent < n; count++) {
      const argv = [command, key];
      for (let i = 0; i < 1000 && sent < n; i++, sent++) argv.push(...args(sent));
      out += encode(argv);
    }
    return count === 0 ? null : { out, count };
  });
}

/**
 * Send the batches `next()` gives (`{ out, count }`: encoded commands and how many; null when
 * there are no more) over one connection, each once every reply of the one before came.
 */
function pipelined(port, next) {
  return new Promise((resolve, reject) => {
    const s = net.createConnection({ port, host: '127.0.0.1' });
    let pending = 0;
    const send = () => {
      const batch = next();
      if (batch === null) {
        s.destroy();
        resolve();
        return;
      }
      pending = batch.count;
      s.write(batch.out);
    };
    s.on('connect', send);
    onReplies(
      s,
      () => pending--,
      () => pending === 0 && send(),
    );
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
      let replies = 0;
      const send = () => {
        if (sent >= requests) return;
        sent++;
        s.write(request);
      };
      s.on('connect', send);
      onReplies(s, () => {
        if (++replies % repliesPerRequest !== 0) return;
        if (++done === requests) resolve(requests / (Number(process.hrtime.bigint() - start) / 1e9));
        else send();
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

module.exports = { encode, skipReply, onReplies, info, benchArgs, call, pipelineFill, pipelined, closedLoop, freePort, waitPort };
