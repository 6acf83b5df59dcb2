'use strict';
/**
 * PUBLISH fan-out: `subscribers` connections subscribe to one channel and drain what they
 * receive; `clients` publisher connections send PUBLISH in a closed loop until `requests`
 * publishes were acknowledged. Prints {"ops": publishes per second}.
 */
const net = require('net');
const { encode, closedLoop } = require('./resp');

const [port, requests, clients, subscribers] = process.argv.slice(2).map(Number);
const CHANNEL = 'bench-channel';

function subscribe() {
  return new Promise((resolve) => {
    const s = net.createConnection({ port, host: '127.0.0.1' }, () => s.write(encode(['SUBSCRIBE', CHANNEL])));
    s.once('data', () => resolve(s));
    s.on('data', () => undefined);
  });
}

async function main() {
  for (let i = 0; i < subscribers; i++) await subscribe();
  const ops = await closedLoop(port, clients, requests, encode(['PUBLISH', CHANNEL, 'x'.repeat(16)]), 1);
  console.log(JSON.stringify({ ops }));
  process.exit(0);
}

main();
