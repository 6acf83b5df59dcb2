'use strict';
/**
 * Transactions: `clients` connections each send MULTI, 10 SETs and EXEC as one write and
 * wait for the 12 replies, until `requests` transactions completed. Prints {"ops": EXECs per second}.
 */
const { encode, closedLoop } = require('./resp');

const [port, requests, clients] = process.argv.slice(2).map(Number);
let tx = encode(['MULTI']);
for (let i = 0; i < 10; i++) tx += encode(['SET', `key:${i}`, 'xxxxxxxxxxxxxxxx']);
tx += encode(['EXEC']);

closedLoop(port, clients, requests, tx, 12).then((ops) => {
  console.log(JSON.stringify({ ops }));
  process.exit(0);
});
