import { useCompat } from '../helpers/compat';

/** A dataset of every type and encoding, binary data, TTLs and two databases. */
const DATASET = [
  ['SET', 'str', 'v'],
  ['SET', 'int', '123'],
  ['SET', 'bigint', '123456789012'],
  ['SET', 'bin\x00\xff', 'a\r\n\x00\xfe'],
  ['SET', 'ttl', 'x', 'EX', '1000'],
  ['RPUSH', 'list', 'a', 'b', 'c', '1', ''],
  ['SADD', 'intset', '1', '2', '-3'],
  ['SADD', 'set', 'a', 'b', 'c\x00'],
  ['ZADD', 'zsmall', '1.5', 'a', '2', 'b', '3.3333', 'c', '-0', 'z', '1e300', 'big', 'inf', 'i', '-inf', 'm'],
  ['ZADD', 'zbig', ...Array.from({ length: 140 }, (_, i) => [String(i / 7), `m${i}`]).flat()],
  ['HSET', 'hsmall', 'f', 'v', 'f2', 'v2', '', ''],
  ['HSET', 'hbig', ...Array.from({ length: 140 }, (_, i) => [`f${i}`, `v${i}`]).flat()],
  ['XADD', 'stream', '1-1', 'f', 'v', 'g', 'w'],
  ['XADD', 'stream', '1-2', 'f', 'v2'],
  ['XADD', 'stream', '18446744073709551615-5', '\x00', '\xff'],
  ['XGROUP', 'CREATE', 'stream', 'grp', '0'],
  ['XADD', 'emptystream', 'MAXLEN', '0', '5-5', 'f', 'v'],
  ['GEOADD', 'geo', '13.361389', '38.115556', 'Palermo', '-180', '85.05112878', 'corner'],
  ['PFADD', 'hll', 'a', 'b', 'c'],
  ['EXPIRE', 'zsmall', '1000'],
  ['SELECT', '3'],
  ['SET', 'str', 'v'],
  ['LPUSH', 'l3', 'x'],
  ['SELECT', '0'],
];
const KEYS = ['str', 'int', 'bigint', 'bin\x00\xff', 'ttl', 'list', 'intset', 'set', 'zsmall', 'zbig', 'hsmall', 'hbig', 'stream', 'emptystream', 'geo', 'hll', 'nokey'];

describe('DEBUG vs redis-server 7.0 (enable-debug-command yes)', () => {
  const h = useCompat({ 'enable-debug-command': 'yes' }, ['--enable-debug-command', 'yes']);

  it('DIGEST and DIGEST-VALUE are the digests Redis computes for the same data', async () => {
    await h.same(
      ['DEBUG', 'DIGEST'],
      ...DATASET,
      ['DEBUG', 'DIGEST'],
      ['DEBUG', 'DIGEST-VALUE', ...KEYS],
      ['DEBUG', 'DIGEST-VALUE'],
      ['PERSIST', 'ttl'],
      ['DEBUG', 'DIGEST-VALUE', 'ttl'],
      ['DEBUG', 'DIGEST'],
      ['RPUSH', 'list', 'd'],
      ['DEBUG', 'DIGEST-VALUE', 'list'],
      ['DEBUG', 'digest'],
      ['DEBUG', 'DIGEST', 'extra'],
    );
  });

  it('PROTOCOL replies every RESP3 type, and what RESP2 makes of them', async () => {
    const types = ['string', 'integer', 'double', 'bignum', 'null', 'array', 'set', 'map', 'attrib', 'push', 'verbatim', 'true', 'false', 'TRUE', 'nosuch'];
    const cmds = [...types.map((t) => ['DEBUG', 'PROTOCOL', t]), ['DEBUG', 'PROTOCOL'], ['PING']];
    await h.same(...cmds);
    await h.same3(...cmds);
  });

  it('POPULATE creates the keys Redis creates, and checks its arguments', async () => {
    await h.same(
      ['DEBUG', 'POPULATE', '5'],
      ['SET', 'key:2', 'mine'],
      ['DEBUG', 'POPULATE', '4', 'p'],
      ['DEBUG', 'POPULATE', '3', 'key'],
      ['DEBUG', 'POPULATE', '3', 'sized', '3'],
      ['DEBUG', 'POPULATE', '2', 'padded', '12'],
      ['DEBUG', 'POPULATE', '0'],
      ['DEBUG', 'POPULATE', '-1'],
      ['DEBUG', 'POPULATE', 'abc'],
      ['DEBUG', 'POPULATE', '1', 'x', '-5'],
      ['DEBUG', 'POPULATE', '1', 'x', '1', 'extra'],
      ['DBSIZE'],
      ['MGET', 'key:0', 'key:2', 'key:4', 'p:3', 'sized:0', 'padded:1'],
      ['DEBUG', 'DIGEST'],
    );
  });

  it('OBJECT shows encoding, refcount and serialized length as Redis (address and clock aside)', async () => {
    const cmds = [...DATASET, ...KEYS.map((k) => ['DEBUG', 'OBJECT', k]), ['DEBUG', 'OBJECT'], ['DEBUG', 'OBJECT', 'str', 'x'], ['SET', 'shared', '9999'], ['DEBUG', 'OBJECT', 'shared']];
    const { ferrous, redis } = await h.both(cmds);
    // Ferrous's DUMP (whose length this is) writes lists, intsets and listpacks as plain RDB types.
    const stable = (r: string) =>
      r
        .replace(/^\+Value at:0x[0-9a-f]+ /, '+Value at:<addr> ')
        .replace(/ lru:\d+ lru_seconds_idle:\d+.*\r\n$/, ' lru:<clock>\r\n')
        .replace(/(encoding:(?:quicklist|intset|listpack)) serializedlength:\d+/, '$1');
    expect(ferrous.map(stable)).toEqual(redis.map(stable));
  });

  it('OBJECT of strings: encodings, and serialized lengths with or without LZF as Redis decides', async () => {
    // Strings of 21 to 400 bytes with repeats at every distance: whether Redis stores one
    // compressed, and how, is liblzf's (its hash, its match lengths, its space checks).
    let seed = 7;
    const rnd = (n: number) => {
      seed = (Math.imul(seed, 1103515245) + 12345) & 0x7fffffff;
      return seed % n;
    };
    const values: string[] = [];
    for (let i = 0; i < 150; i++) {
      const len = 21 + rnd(i < 100 ? 60 : 380);
      const letters = 2 + rnd(20);
      let v = '';
      while (v.length < len) {
        const at = rnd(v.length + 1);
        v += v.length > 3 && rnd(10) < 3 ? v.slice(at, at + 3 + rnd(40)) : String.fromCharCode(97 + rnd(letters));
      }
      values.push(v.slice(0, len));
    }
    const cmds: string[][] = [];
    values.forEach((v, i) => cmds.push(['SET', `s${i}`, v], ['DEBUG', 'OBJECT', `s${i}`], ['DUMP', `s${i}`]));
    for (const n of [1, 3, 8, 40, 200]) {
      cmds.push(['PFADD', `h${n}`, ...Array.from({ length: n }, (_, i) => `e${i}`)], ['DEBUG', 'OBJECT', `h${n}`], ['DUMP', `h${n}`]);
    }
    cmds.push(['SET', 'a', '1'], ['APPEND', 'a', '23'], ['DEBUG', 'OBJECT', 'a'], ['SETRANGE', 'r', '30', 'x'], ['DEBUG', 'OBJECT', 'r']);
    const { ferrous, redis } = await h.both(cmds);
    const stable = (r: string) => r.replace(/^\+Value at:0x[0-9a-f]+ /, '+Value at:<addr> ').replace(/ lru:\d+ lru_seconds_idle:\d+\r\n$/, ' lru:<clock>\r\n');
    expect(ferrous.map(stable)).toEqual(redis.map(stable));
  });

  it('the other subcommands: replies, argument checks and unknown ones', async () => {
    await h.same(
      ['SET', 'k', 'v'],
      ['RPUSH', 'l', 'a'],
      ['HSET', 'h', 'f', 'v'],
      ['ZADD', 'z', '1', 'a'],
      ['DEBUG', 'LISTPACK', 'h'],
      ['DEBUG', 'LISTPACK', 'z'],
      ['DEBUG', 'LISTPACK', 'l'],
      ['DEBUG', 'LISTPACK', 'k'],
      ['DEBUG', 'LISTPACK', 'nokey'],
      ['DEBUG', 'QUICKLIST', 'l'],
      ['DEBUG', 'QUICKLIST', 'l', '1'],
      ['DEBUG', 'QUICKLIST', 'h'],
      ['DEBUG', 'SLEEP', '0'],
      ['DEBUG', 'SLEEP', 'abc'],
      ['DEBUG', 'SLEEP', '0.001'],
      ['DEBUG', 'SLEEP'],
      ['DEBUG', 'SET-ACTIVE-EXPIRE', '0'],
      ['DEBUG', 'SET-ACTIVE-EXPIRE', '1'],
      ['DEBUG', 'SET-ACTIVE-EXPIRE', 'abc'],
      ['DEBUG', 'QUICKLIST-PACKED-THRESHOLD', '0'],
      ['DEBUG', 'QUICKLIST-PACKED-THRESHOLD', '100mb'],
      ['DEBUG', 'QUICKLIST-PACKED-THRESHOLD', '5gb'],
      ['DEBUG', 'QUICKLIST-PACKED-THRESHOLD', 'abc'],
      ['DEBUG', 'CHANGE-REPL-ID'],
      ['DEBUG', 'CHANGE-REPL-ID', 'x'],
      ['DEBUG', 'LOG', 'hello from the test'],
      ['DEBUG', 'LEAK', 'x'],
      ['DEBUG', 'ERROR', 'CUSTOM an error\r\nwith a line break'],
      ['DEBUG', 'ERROR'],
      ['DEBUG', 'REPLYBUFFER', 'PEAK-RESET-TIME', 'never'],
      ['DEBUG', 'REPLYBUFFER', 'peak-reset-time', 'reset'],
      ['DEBUG', 'REPLYBUFFER', 'PEAK-RESET-TIME', '100'],
      ['DEBUG', 'REPLYBUFFER', 'PEAK-RESET-TIME', 'soon'],
      ['DEBUG', 'REPLYBUFFER', 'RESIZING', '0'],
      ['DEBUG', 'REPLYBUFFER', 'RESIZING', '1'],
      ['DEBUG', 'REPLYBUFFER', 'other', '1'],
      ['DEBUG', 'REPLYBUFFER', 'RESIZING'],
      ['DEBUG', 'STRINGMATCH-LEN'],
      ['DEBUG', 'nosuch'],
      ['DEBUG', 'HELP', 'extra'],
      ['DEBUG'],
      ['GET', 'k'],
    );
  });

  it('subcommands about C internals answer the unknown-subcommand error, and HELP lists what Ferrous has', async () => {
    const { ferrous, redis } = await h.both([['DEBUG', 'MALLCTL', 'x'], ['DEBUG', 'SDSLEN', 'k'], ['DEBUG', 'HTSTATS', '0'], ['DEBUG', 'HELP']]);
    expect(ferrous.slice(0, 3)).toEqual([
      "-ERR unknown subcommand or wrong number of arguments for 'MALLCTL'. Try DEBUG HELP.\r\n",
      "-ERR unknown subcommand or wrong number of arguments for 'SDSLEN'. Try DEBUG HELP.\r\n",
      "-ERR unknown subcommand or wrong number of arguments for 'HTSTATS'. Try DEBUG HELP.\r\n",
    ]);
    // Every line of Ferrous's help is a line of Redis's, in Redis's order.
    const lines = (r: string) => r.split('\r\n').filter((l) => l.startsWith('+'));
    const theirs = lines(redis[3]);
    const ours = lines(ferrous[3]);
    expect(ours.length).toBeGreaterThan(40);
    expect(ours.map((l) => theirs.indexOf(l))).toEqual([...ours.map((l) => theirs.indexOf(l))].sort((a, b) => a - b));
    expect(ours.every((l) => theirs.includes(l))).toBe(true);
  });

  it('RELOAD saves, empties and loads again, with MERGE, NOFLUSH and NOSAVE as Redis', async () => {
    await h.same(
      ...DATASET,
      ['DEBUG', 'DIGEST'],
      ['DEBUG', 'RELOAD'],
      ['DEBUG', 'DIGEST'],
      ['DEBUG', 'DIGEST-VALUE', ...KEYS],
      ['TTL', 'ttl'],
      ['SET', 'later', 'x'],
      ['DEL', 'str'],
      ['DEBUG', 'RELOAD', 'NOSAVE'],
      ['EXISTS', 'later', 'str'],
      ['SET', 'extra', 'y'],
      ['SET', 'int', 'changed'],
      ['DEBUG', 'RELOAD', 'NOSAVE', 'NOFLUSH', 'MERGE'],
      ['MGET', 'extra', 'int', 'str'],
      ['DEBUG', 'DIGEST'],
      ['DEBUG', 'RELOAD', 'bogus'],
      ['DEBUG', 'reload', 'nosave', 'merge'],
      ['DBSIZE'],
    );
  });

  it('CHANGE-REPL-ID gives a new replication id, as INFO shows', async () => {
    const id = (info: string) => /master_replid:([0-9a-f]{40})/.exec(info)?.[1];
    const { ferrous, redis } = await h.both([['INFO', 'replication'], ['DEBUG', 'CHANGE-REPL-ID'], ['INFO', 'replication']]);
    for (const r of [ferrous, redis]) {
      expect(id(r[0])).toBeDefined();
      expect(id(r[2])).toBeDefined();
      expect(id(r[2])).not.toBe(id(r[0]));
    }
  });
});

describe('DEBUG is refused unless enable-debug-command allows it', () => {
  const h = useCompat();

  it('answers Redis 7.0 error for every subcommand by default', async () => {
    await h.same(['DEBUG', 'HELP'], ['DEBUG', 'DIGEST'], ['DEBUG', 'nosuch'], ['DEBUG', 'SEGFAULT'], ['CONFIG', 'GET', 'enable-debug-command'], ['CONFIG', 'SET', 'enable-debug-command', 'yes']);
  });
});

describe('DEBUG with enable-debug-command local', () => {
  const h = useCompat({ 'enable-debug-command': 'local' }, ['--enable-debug-command', 'local']);

  it('runs from a loopback connection', async () => {
    await h.same(['DEBUG', 'DIGEST'], ['CONFIG', 'GET', 'enable-debug-command']);
  });
});
