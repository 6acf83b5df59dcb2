// A Jest suite against the server the global setup started (REDIS_URL).
const Redis = require('ioredis');

let redis;
beforeAll(() => (redis = new Redis(process.env.REDIS_URL)));
afterAll(() => redis.disconnect());

test('the global server answers', async () => {
  expect(await redis.ping()).toBe('PONG');
  await redis.hset('h', 'f', 'v');
  expect(await redis.hgetall('h')).toEqual({ f: 'v' });
});

test('errors are Redis errors', async () => {
  await redis.set('s', 'x');
  await expect(redis.lpush('s', 'a')).rejects.toThrow('WRONGTYPE Operation against a key holding the wrong kind of value');
});
