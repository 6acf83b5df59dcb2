import { useCompat } from '../helpers/compat';
import { firstDifferences, pipelined, seeded } from '../helpers/pipeline';

/**
 * The parser hashes a command's first three arguments from the request bytes when it has seen
 * the command hash them before (issue 15's keyed hash, made cheaper): the tables must find a key
 * whichever way it was hashed. Keys reached as argument 1 in one command and as argument 4 or
 * later in another (MSET, SADD of several members, SMISMEMBER, HMGET), inside MULTI (run after
 * other commands were parsed), of every byte value and of lengths around the 32-byte limit of
 * the parser's hashing, driven hot against redis-server 7.0.
 */
describe('keys hashed while parsed vs redis-server 7.0', () => {
  const h = useCompat();

  it('SET, GET, SADD, HSET and friends driven hot (300,000 pipelined calls, binary keys of 0-40 bytes) answer byte for byte as Redis', async () => {
    const rand = seeded(0x15);
    const name = () => {
      const len = Math.floor(rand() * 41);
      let s = '';
      for (let j = 0; j < len; j++) s += String.fromCharCode(Math.floor(rand() * 256));
      return s;
    };
    const keys = Array.from({ length: 600 }, name);
    const members = Array.from({ length: 600 }, name);
    const key = () => keys[Math.floor(rand() * keys.length)];
    const member = () => members[Math.floor(rand() * members.length)];
    const sets = ['myset', keys[0], 's'.repeat(33)];
    const hashes = ['myhash', keys[1], 'h'.repeat(32)];
    const set = () => sets[Math.floor(rand() * sets.length)];
    const hash = () => hashes[Math.floor(rand() * hashes.length)];
    const cmds: string[][] = [['FLUSHALL']];
    while (cmds.length < 300_000) {
      const r = rand();
      // Runs of one command (as a pipeline repeats its command) and single commands mixed.
      const run = rand() < 0.5 ? 1 : 1 + Math.floor(rand() * 20);
      for (let i = 0; i < run; i++) {
        if (r < 0.2) cmds.push(['SET', key(), member()]);
        else if (r < 0.35) cmds.push(['GET', key()]);
        else if (r < 0.45) cmds.push(['SADD', set(), member()]);
        else if (r < 0.52) cmds.push(['SISMEMBER', set(), member()]);
        else if (r < 0.62) cmds.push(['HSET', hash(), member(), key()]);
        else if (r < 0.67) cmds.push(['HGET', hash(), member()]);
        else if (r < 0.71) cmds.push(['MSET', key(), '1', key(), '2', key(), '3']);
        else if (r < 0.75) cmds.push(['SADD', set(), member(), member(), member(), member(), member()]);
        else if (r < 0.79) cmds.push(['SMISMEMBER', set(), member(), member(), member(), member()]);
        else if (r < 0.83) cmds.push(['HMGET', hash(), member(), member(), member(), member()]);
        else if (r < 0.87) cmds.push(['EXISTS', key(), key(), key(), key()]);
        else if (r < 0.9) cmds.push(['INCR', key()]);
        else if (r < 0.93) cmds.push(['DEL', key()]);
        else if (r < 0.95) cmds.push(['SREM', set(), member()]);
        else if (r < 0.97) cmds.push(['HDEL', hash(), member()]);
        else cmds.push(['MULTI'], ['SET', key(), 'm'], ['SADD', set(), member()], ['GET', key()], ['EXEC']);
      }
    }
    cmds.push(['DBSIZE'], ...sets.map((s) => ['SCARD', s]), ...hashes.map((k) => ['HLEN', k]));
    cmds.push(...keys.map((k) => ['GET', k]), ...members.map((m) => ['SMISMEMBER', 'myset', m, m]), ...members.map((m) => ['HMGET', 'myhash', m, m]));
    const redis = await pipelined(h.redisPort(), cmds);
    const ferrous = await pipelined(h.ferrousPort(), cmds);
    expect(firstDifferences(cmds, redis, ferrous)).toEqual([]);
    expect(ferrous).toHaveLength(cmds.length);
  }, 180_000);
});
