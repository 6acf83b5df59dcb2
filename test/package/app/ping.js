// PING a server on 127.0.0.1:<port>, retrying while it starts: node ping.js <port> [timeout ms].
const net = require('node:net');
const [port, timeout = '20000'] = process.argv.slice(2);
const deadline = Date.now() + Number(timeout);
(function attempt() {
  const s = net.connect({ port: Number(port), host: '127.0.0.1' });
  s.once('connect', () => s.write('PING\r\n'));
  s.once('data', (d) => {
    s.destroy();
    if (d.toString() !== '+PONG\r\n') throw new Error(`unexpected reply ${JSON.stringify(d.toString())}`);
    console.log(`PONG from port ${port}`);
  });
  s.once('error', () => {
    s.destroy();
    if (Date.now() > deadline) throw new Error(`no server on port ${port}`);
    setTimeout(attempt, 100);
  });
})();
