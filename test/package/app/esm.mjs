// ES modules: the same through `import`, the default export included.
import assert from 'node:assert/strict';
import Redis from 'ioredis';
import ferrous, { startServer, REDIS_VERSION } from 'ferrous';
import { startEphemeralServer } from 'ferrous/testing';

assert.equal(ferrous.startServer, startServer);
const server = await startEphemeralServer();
const redis = new Redis({ host: server.host, port: server.port });
assert.match(await redis.info('server'), new RegExp(`redis_version:${REDIS_VERSION.replace(/\./g, '\\.')}`));
await redis.rpush('l', 'a', 'b');
assert.deepEqual(await redis.lrange('l', 0, -1), ['a', 'b']);
redis.disconnect();
await server.stop();
console.log('esm ok');
