// The installed package runs scripts in Redis's sandbox (the patched Lua VM shipped in dist/):
// globals cannot be created or library tables changed, one script's state never reaches the
// next, and the syntax is Lua 5.1's. Texts as Redis 7.0 answers them.
const assert = require('node:assert/strict');
const Redis = require('ioredis');
const { startServer } = require('ferrous');

const refused = (p, re) => p.then(() => assert.fail('accepted'), (e) => assert.match(e.message, re));

(async () => {
  const server = await startServer({ ephemeral: true });
  const redis = new Redis({ host: server.host, port: server.port });
  try {
    await refused(redis.eval('x = 1', 0), /^ERR user_script:1: Attempt to modify a readonly table script: /);
    await refused(redis.eval('return x', 0), /^ERR user_script:1: Script attempted to access nonexistent global variable 'x' script: /);
    await refused(redis.eval('_G.y = 1', 0), /^ERR user_script:1: Attempt to modify a readonly table script: /);
    await refused(redis.eval('string.upper = nil', 0), /^ERR user_script:1: Attempt to modify a readonly table script: /);
    assert.equal(await redis.eval("return string.upper('a')", 0), 'A');
    await refused(redis.eval('return 1 // 2', 0), /^ERR Error compiling script \(new function\): user_script:1: unexpected symbol near '\/'/);
    assert.equal(await redis.eval('return tostring(0.1)', 0), '0.1');
    console.log('sandbox ok');
  } finally {
    redis.disconnect();
    await server.stop();
  }
})().catch((e) => {
  console.error(e);
  process.exit(1);
});
