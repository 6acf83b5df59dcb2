'use strict';
/** What each benchmark suite runs. A test is a redis-benchmark built-in (`t`), a custom command (`cmd`), or a node driver. */
const fs = require('fs');
const os = require('os');
const path = require('path');
const { call, encode, pipelined, pipelineFill } = require('./drivers/resp');

/** A fresh directory for a server's data files. */
const dataDir = () => fs.mkdtempSync(path.join(os.tmpdir(), 'ferrous-bench-'));

/** Append `n` entries with IDs 1-0 .. n-0 and two small fields, 1000 XADDs per write. */
function streamFill(port, key, n) {
  let sent = 0;
  return pipelined(port, () => {
    let out = '';
    let count = 0;
    for (; count < 1000 && sent < n; count++, sent++) out += encode(['XADD', key, `${sent + 1}-0`, 'name', `v${sent % 1000}`, 'n', String(sent)]);
    return count === 0 ? null : { out, count };
  });
}

const SMALL_SCRIPT = 'return redis.call("INCR", KEYS[1])';
const HUNDRED_CALLS = 'local n = 0 for i = 1, 100 do n = redis.call("INCR", KEYS[1]) end return n';

const suites = {
  /** Issue 2: the kernel's hot path. */
  core: {
    tests: [
      { t: 'ping', pipelines: [1, 16] },
      { t: 'set', pipelines: [1, 16] },
      { t: 'get', pipelines: [1, 16] },
      { t: 'incr', pipelines: [1, 16] },
      { t: 'mset', pipelines: [1, 16] },
    ],
  },
  /** Issue 3: collection types. */
  collections: {
    tests: [
      { t: 'lpush' },
      { t: 'rpush' },
      { t: 'lpop' },
      { t: 'rpop' },
      { t: 'sadd' },
      { t: 'spop' },
      { t: 'hset' },
      { t: 'zadd' },
      { t: 'zpopmin' },
      { t: 'lrange_100', requests: 50000 },
      {
        name: 'ZRANGE 1M-member zset (100 from the middle)',
        cmd: ['ZRANGE', 'zset1m', '500000', '500099'],
        requests: 50000,
        setup: async (port) => {
          await pipelineFill(port, 'zset1m', 1000000);
        },
      },
    ],
  },
  /**
   * Issue 14: small collections (10,000 keys of a few members each, the compact encodings),
   * where the collections suite's single large key measures the structures that scale.
   */
  small: {
    tests: [
      { name: 'HSET small hashes', cmd: ['HSET', 'h:__rand_int__', 'f__rand_int__', 'value'], random: 10000 },
      { name: 'HGET small hashes', cmd: ['HGET', 'h:__rand_int__', 'f__rand_int__'], random: 10000 },
      { name: 'ZADD small zsets', cmd: ['ZADD', 'z:__rand_int__', '__rand_int__', 'm__rand_int__'], random: 10000 },
      { name: 'ZSCORE small zsets', cmd: ['ZSCORE', 'z:__rand_int__', 'm__rand_int__'], random: 10000 },
      { name: 'ZRANGE small zsets', cmd: ['ZRANGE', 'z:__rand_int__', '0', '-1', 'WITHSCORES'], random: 10000 },
      { name: 'SADD small intsets', cmd: ['SADD', 's:__rand_int__', '__rand_int__'], random: 10000 },
      { name: 'SISMEMBER small intsets', cmd: ['SISMEMBER', 's:__rand_int__', '__rand_int__'], random: 10000 },
      { name: 'RPUSH small lists', cmd: ['RPUSH', 'l:__rand_int__', 'item'], random: 10000 },
      { name: 'LRANGE small lists', cmd: ['LRANGE', 'l:__rand_int__', '0', '-1'], random: 10000 },
      { name: 'LPOP small lists', cmd: ['LPOP', 'l:__rand_int__'], random: 10000 },
    ],
  },
  /** Issue 4: pub/sub fan-out and transactions. */
  messaging: {
    tests: [
      { name: 'PUBLISH to 1 subscriber', driver: 'publish.js', driverArgs: ['1'] },
      { name: 'PUBLISH to 50 subscribers', driver: 'publish.js', driverArgs: ['50'], requests: 50000 },
      { name: 'MULTI + 10 SET + EXEC', driver: 'multi-exec.js', requests: 50000 },
    ],
  },
  /** Issue 6: writes with the append-only file, fsync every second (compare with core's SET). */
  aof: {
    serverArgs: () => ['--appendonly', 'yes', '--appendfsync', 'everysec', '--dir', dataDir()],
    tests: [{ t: 'set', pipelines: [1, 16] }],
  },
  /** Issue 5: scripting. */
  scripting: {
    tests: [
      { name: 'EVALSHA INCR', setup: async (port) => ['EVALSHA', await call(port, ['SCRIPT', 'LOAD', SMALL_SCRIPT]), '1', 'counter'] },
      {
        name: 'EVALSHA 100 INCR calls',
        requests: 20000,
        setup: async (port) => ['EVALSHA', await call(port, ['SCRIPT', 'LOAD', HUNDRED_CALLS]), '1', 'counter'],
      },
    ],
  },
  /** Issue 12: streams. XADD appends to one stream; XRANGE reads 10 entries from the middle of 1M; XLEN; a consumer group's read-and-acknowledge loop. */
  streams: {
    tests: [
      { name: 'XADD * (one stream, two fields)', cmd: ['XADD', 'bench:stream', '*', 'name', 'v__rand_int__', 'n', '__rand_int__'], random: 100000, pipelines: [1, 16] },
      {
        name: 'XRANGE 10 entries in a 1M-entry stream',
        cmd: ['XRANGE', 'xs1m', '500000', '+', 'COUNT', '10'],
        requests: 100000,
        setup: async (port) => {
          await streamFill(port, 'xs1m', 1000000);
        },
      },
      { name: 'XLEN', cmd: ['XLEN', 'xs1m'] },
      {
        name: 'XREADGROUP COUNT 1 + XACK (a worker loop over the 1M-entry stream)',
        driver: 'xreadgroup-xack.js',
        requests: 100000,
        setup: async (port) => {
          await call(port, ['XGROUP', 'CREATE', 'xs1m', 'workers', '0']);
        },
      },
    ],
  },
  /** Issue 16: geo, on a million points spread over Europe (about 0.1 per km²). */
  geo: {
    tests: [
      {
        name: 'GEOADD (random points, 100k members)',
        cmd: ['GEOADD', 'geo', '13.__rand_int__', '45.__rand_int__', 'm:__rand_int__'],
        random: 100000,
        pipelines: [1, 16],
      },
      {
        name: 'GEOSEARCH BYRADIUS 10 km ASC in 1M points',
        cmd: ['GEOSEARCH', 'geo1m', 'FROMLONLAT', '10', '47', 'BYRADIUS', '10', 'km', 'ASC'],
        requests: 50000,
        pipelines: [1, 16],
        setup: async (port) => {
          await pipelineFill(port, 'geo1m', 1000000, 'GEOADD', europePoints());
        },
      },
    ],
  },
};

/**
 * The geo suite's points, GEOADD arguments of point i (called for 0, 1, 2, ... in turn): spread
 * over Europe by mulberry32, a small PRNG whose successive outputs are uncorrelated (an LCG's put
 * the points on a lattice), seeded alike every time.
 */
function europePoints() {
  let seed = 1;
  const rnd = () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return (i) => [(-10 + rnd() * 40).toFixed(6), (35 + rnd() * 25).toFixed(6), `p:${i}`];
}

module.exports = { suites, europePoints };
