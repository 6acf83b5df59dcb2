// CommonJS: embed Ferrous (ephemeral), talk to it, stop it; then the redis-memory-server drop-in.
const assert = require('node:assert/strict');
const fs = require('node:fs');
const Redis = require('ioredis');
const { startServer, FERROUS_VERSION } = require('ferrous');
const { RedisMemoryServer } = require('ferrous/testing');

(async () => {
  const server = await startServer({ ephemeral: true });
  const redis = new Redis({ host: server.host, port: server.port });
  await redis.set('k', 'v');
  assert.equal(await redis.get('k'), 'v');
  const dir = (await redis.config('GET', 'dir'))[1];
  redis.disconnect();
  await server.stop();
  assert.equal(fs.existsSync(dir), false, 'the temporary directory is removed');

  const memory = await RedisMemoryServer.create();
  const client = new Redis(await memory.getUri());
  assert.equal(await client.ping(), 'PONG');
  client.disconnect();
  assert.equal(await memory.stop(), true);
  console.log(`cjs ok (Ferrous ${FERROUS_VERSION})`);
})().catch((e) => {
  console.error(e);
  process.exit(1);
});
