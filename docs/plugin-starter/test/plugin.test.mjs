// The plugin in a real server, in-process, through a real client: `npm test`.
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import Redis from 'ioredis';
import { startEphemeralServer } from 'ferrous/testing';

const pluginDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
let server;
let redis;

before(async () => {
  // loadmodule takes the plugin's folder: its package.json "main" is the compiled plugin.
  server = await startEphemeralServer({ config: { loadmodule: pluginDir } });
  redis = new Redis({ host: server.host, port: server.port });
});

after(async () => {
  redis.disconnect();
  await server.stop();
});

test('STARTER.ECHO returns its argument', async () => {
  assert.equal(await redis.call('STARTER.ECHO', 'hi'), 'hi');
});

test('STARTER.MAX keeps the largest value', async () => {
  assert.equal(await redis.call('STARTER.MAX', 'm', '5'), 5);
  assert.equal(await redis.call('STARTER.MAX', 'm', '3'), 5);
  assert.equal(await redis.call('STARTER.MAX', 'm', '-9223372036854775808'), 5);
  assert.equal(await redis.call('STARTER.MAX', 'm', '7'), 7);
  assert.equal(await redis.type('m'), 'starter-max');
});

test("values survive DUMP and RESTORE (the type's moduleCodec)", async () => {
  await redis.call('STARTER.MAX', 'd', '9');
  await redis.restore('d2', 0, await redis.dumpBuffer('d'));
  assert.equal(await redis.call('STARTER.MAX', 'd2', '1'), 9);
});

test('bad input gets Redis errors', async () => {
  await redis.set('s', 'a string');
  await assert.rejects(redis.call('STARTER.MAX', 's', '1'), /^ReplyError: WRONGTYPE Operation against a key holding the wrong kind of value/);
  await assert.rejects(redis.call('STARTER.MAX', 'm', 'x'), /^ReplyError: ERR value is not an integer or out of range/);
  await assert.rejects(redis.call('STARTER.MAX', 'm'), /^ReplyError: ERR wrong number of arguments for 'starter.max' command/);
  assert.equal(await redis.get('s'), 'a string');
});
