import Redis from 'ioredis';
import { createClient } from 'redis';
import type { Ferrous } from '../../../kernel/bootstrap';
import { command, RawClient } from '../../helpers/raw-client';
import { waitFor } from '../../helpers/fixtures';
import { startTestServer } from '../../helpers/server';
import { recordJournal } from '../../helpers/journal';

const BUSY = '-BUSY Redis is busy running a script. You can only call SCRIPT KILL or SHUTDOWN NOSAVE.\r\n';

/** Poll until a long script has passed busy-reply-threshold (other clients then get BUSY). */
async function waitBusy(c: RawClient): Promise<string> {
  let r = '';
  await waitFor(async () => (r = await c.call('GET', 'x')).startsWith('-BUSY'), 'the script to pass busy-reply-threshold');
  return r;
}

describe('scripting', () => {
  let f: Ferrous;
  let io: Redis;
  let nr: ReturnType<typeof createClient>;
  const propagated: string[][] = [];

  beforeAll(async () => {
    f = await startTestServer({ 'busy-reply-threshold': 50, 'script-hard-time-limit': 300 });
    recordJournal(f.server.journal, (_db, argv) => propagated.push(argv));
    io = new Redis(f.port, '127.0.0.1');
    nr = createClient({ socket: { port: f.port, host: '127.0.0.1' } });
    await nr.connect();
  });
  afterAll(async () => {
    io.disconnect();
    await nr.quit();
    await f.close();
  });
  beforeEach(async () => {
    await io.flushall();
    propagated.length = 0;
  });

  it('runs scripts through ioredis and node-redis, caching them by SHA1', async () => {
    expect(await io.eval("return redis.call('SET', KEYS[1], ARGV[1])", 1, 'k', 'v')).toBe('OK');
    const sha = (await io.script('LOAD', "return redis.call('GET', KEYS[1])")) as string;
    expect(await io.evalsha(sha, 1, 'k')).toBe('v');
    expect(await nr.evalSha(sha, { keys: ['k'] })).toBe('v');
    expect(await nr.eval('return {1, 2, {3}}')).toEqual([1, 2, [3]]);
    expect(await io.script('EXISTS', sha, 'nope')).toEqual([1, 0]);
    expect(await io.script('FLUSH')).toBe('OK');
    await expect(io.evalsha(sha, 1, 'k')).rejects.toThrow('NOSCRIPT No matching script. Please use EVAL.');
  });

  it('keys and values are binary-safe', async () => {
    const bin = Buffer.from([0, 1, 0xff, 0x80, 13, 10, 0xe9]);
    await io.set(bin, bin);
    const r = (await io.callBuffer('EVAL', "return {KEYS[1], redis.call('GET', KEYS[1]), #ARGV[1]}", 1, bin, bin)) as [Buffer, Buffer, number];
    expect(r[0].equals(bin)).toBe(true);
    expect(r[1].equals(bin)).toBe(true);
    expect(r[2]).toBe(bin.length);
  });

  it('error({}) and other error tables without a string err field answer a clear error; the connection stays usable', async () => {
    const c = await RawClient.connect(f.port);
    try {
      const text = "ERR the script raised a table without an 'err' field as its error";
      for (const script of ['error({})', 'error({foo = 1})', 'error({err = {}})', 'error({err = false})']) {
        const r = await c.call('EVAL', script, '0');
        expect(r.startsWith(`-${text}`)).toBe(true);
      }
      expect(await c.call('EVAL', 'error({err = 5})', '0')).toMatch(/^-5 /);
      await c.call('FUNCTION', 'LOAD', 'REPLACE', "#!lua name=errtab\nredis.register_function('errtab', function() error({}) end)");
      expect((await c.call('FCALL', 'errtab', '0')).startsWith(`-${text}`)).toBe(true);
      expect(await c.call('EVAL', "return 'still here'", '0')).toBe('$10\r\nstill here\r\n');
      expect(f.server.stats.handlerErrors).toBe(0);
    } finally {
      c.close();
    }
  });

  it('a script reply nested past the JS stack (a table holding itself) is encoded for RESP2 and RESP3 clients alike', async () => {
    const c = await RawClient.connect(f.port);
    try {
      for (const resp of ['2', '3']) {
        await c.call('HELLO', resp);
        const r = await c.call('EVAL', 'local t = {} t[1] = t return t', '0');
        expect(r).toBe('*1\r\n'.repeat(7995) + '-ERR reached lua stack limit\r\n');
      }
      expect(await c.call('PING')).toBe('+PONG\r\n');
    } finally {
      c.close();
    }
  });

  it("propagates a script's writes as MULTI/EXEC, never the EVAL itself", async () => {
    await io.eval("redis.call('SET', 'a', '1') redis.call('GET', 'a') redis.call('INCR', 'a')", 0);
    expect(propagated).toEqual([['MULTI'], ['SET', 'a', '1'], ['INCR', 'a'], ['EXEC']]);
    propagated.length = 0;
    await io.eval("redis.call('SET', 'b', '1')", 0);
    expect(propagated).toEqual([['SET', 'b', '1']]);
    propagated.length = 0;
    await io.eval("redis.set_repl(redis.REPL_NONE) redis.call('SET', 'c', '1') redis.set_repl(redis.REPL_ALL) redis.call('SET', 'd', '2')", 0);
    expect(propagated).toEqual([['SET', 'd', '2']]);
    propagated.length = 0;
    await io.eval("return redis.call('GET', 'a')", 0);
    expect(propagated).toEqual([]);
  });

  it('SCRIPT KILL stops an endless loop from a second client, which got BUSY meanwhile', async () => {
    const c1 = await RawClient.connect(f.port);
    const c2 = await RawClient.connect(f.port);
    try {
      const looping = c1.call('EVAL', 'while true do end', '0');
      expect(await waitBusy(c2)).toBe(BUSY);
      expect(await c2.call('SCRIPT', 'KILL')).toBe('+OK\r\n');
      expect(await looping).toMatch(/^-ERR Script killed by user with SCRIPT KILL\.\.\. script: [0-9a-f]{40}, on @user_script:1\.\r\n$/);
      expect(await c2.call('PING')).toBe('+PONG\r\n');
      expect(await c1.call('PING')).toBe('+PONG\r\n');
      expect(await c2.call('SCRIPT', 'KILL')).toBe('-NOTBUSY No scripts in execution right now.\r\n');
    } finally {
      c1.close();
      c2.close();
    }
  });

  it('SCRIPT KILL works after the script caught an error with pcall (the fengari hook fix)', async () => {
    const c1 = await RawClient.connect(f.port);
    const c2 = await RawClient.connect(f.port);
    try {
      const looping = c1.call('EVAL', "pcall(function() error('caught') end)\nlocal n = 0\nwhile true do n = n + 1 end", '0');
      expect(await waitBusy(c2)).toBe(BUSY);
      expect(await c2.call('SCRIPT', 'KILL')).toBe('+OK\r\n');
      expect(await looping).toMatch(/^-ERR Script killed by user/);
    } finally {
      c1.close();
      c2.close();
    }
  });

  it('a script that wrote cannot be killed; the writes are atomic to other clients', async () => {
    const c1 = await RawClient.connect(f.port);
    const c2 = await RawClient.connect(f.port);
    try {
      // Busy for half a second of server time, well past the 50 ms threshold.
      const script =
        "redis.call('SET', 'w', '1') local function now() local t = redis.call('TIME') return t[1] * 1e6 + t[2] end local s = now() while now() - s < 500000 do end redis.call('SET', 'w', '2') return 'done'";
      const running = c1.call('EVAL', script, '0');
      expect(await waitBusy(c2)).toBe(BUSY);
      expect(await c2.call('SCRIPT', 'KILL')).toMatch(/^-UNKILLABLE Sorry the script already executed write commands/);
      expect(await c2.call('FUNCTION', 'KILL')).toMatch(/^-UNKILLABLE/);
      expect(await running).toBe('$4\r\ndone\r\n');
      expect(await c2.call('GET', 'w')).toBe('$1\r\n2\r\n');
    } finally {
      c1.close();
      c2.close();
    }
  });

  it('a script that cannot yield (inside MULTI) is stopped by the hard limit, even through pcall', async () => {
    const c = await RawClient.connect(f.port);
    try {
      expect(await c.call('MULTI')).toBe('+OK\r\n');
      await c.call('EVAL', 'while true do pcall(function() while true do end end) end', '0');
      const r = await c.call('EXEC');
      expect(r).toMatch(/^\*1\r\n-ERR Script exceeded the hard time limit and was stopped script: [0-9a-f]{40}, on @user_script:1\.\r\n$/);
      expect(await c.call('PING')).toBe('+PONG\r\n');
    } finally {
      c.close();
    }
  });

  it('unbounded allocation fails the script, and the server keeps serving', async () => {
    await expect(io.eval("return string.rep('x', 2^31)", 0)).rejects.toThrow('resulting string too large');
    await expect(io.eval("local s = 'x' for i = 1, 40 do s = s .. s end return #s", 0)).rejects.toThrow('string length overflow');
    // 5.1's string.rep has no separator argument (Redis: 6).
    await expect(io.eval("return #string.rep('ab', 3, ',')", 0)).resolves.toBe(6);
    expect(await io.ping()).toBe('PONG');
  });

  it('redis.log writes to the server log', async () => {
    const lines: string[] = [];
    const spy = jest.spyOn(f.server.logger, 'warning').mockImplementation((m: string) => void lines.push(m));
    try {
      await io.eval("redis.log(redis.LOG_WARNING, 'hello', 'from', 'lua')", 0);
    } finally {
      spy.mockRestore();
    }
    expect(lines).toEqual(['hello from lua']);
  });

  it('lua-time-limit is an alias of busy-reply-threshold', async () => {
    expect(await io.config('GET', 'lua-time-limit')).toEqual(['lua-time-limit', '50']);
    expect(await io.config('SET', 'lua-time-limit', '60')).toBe('OK');
    expect(await io.config('GET', 'busy-reply-threshold')).toEqual(['busy-reply-threshold', '60']);
    await io.config('SET', 'busy-reply-threshold', '50');
  });

  it('INFO memory estimates the Lua interpreters and what the script cache and libraries keep, following loads and flushes', async () => {
    const memory = async (): Promise<Record<string, string>> => {
      const text = (await io.info('memory')) as string;
      return Object.fromEntries(text.split('\r\n').filter((l) => l.includes(':')).map((l) => l.split(':') as [string, string]));
    };
    const n = (m: Record<string, string>, k: string): number => Number(m[k]);
    const consistent = (m: Record<string, string>): void => {
      expect(m.used_memory_lua).toBe(m.used_memory_vm_eval);
      expect(n(m, 'used_memory_vm_total')).toBe(n(m, 'used_memory_vm_eval') + n(m, 'used_memory_vm_functions'));
      expect(n(m, 'used_memory_scripts')).toBe(n(m, 'used_memory_scripts_eval') + n(m, 'used_memory_functions'));
      expect(m.used_memory_lua_human).toMatch(/^\d+(\.\d\d[KMG])?B?$/);
    };
    await io.script('FLUSH');
    await io.call('FUNCTION', 'FLUSH');
    const empty = await memory();
    consistent(empty);
    // Both interpreters exist before any script, as Redis's do.
    expect(n(empty, 'used_memory_vm_eval')).toBeGreaterThan(32 * 1024);
    expect(n(empty, 'used_memory_vm_functions')).toBeGreaterThan(32 * 1024);
    expect(n(empty, 'used_memory_scripts_eval')).toBe(0);
    expect(n(empty, 'used_memory_functions')).toBeGreaterThan(0);

    const body = `return '${'x'.repeat(2000)}'`;
    await io.script('LOAD', body);
    await io.eval('return 1', 0);
    const cached = await memory();
    consistent(cached);
    expect(cached.number_of_cached_scripts).toBe('2');
    expect(n(cached, 'used_memory_scripts_eval')).toBeGreaterThan(body.length + 'return 1'.length);
    expect(n(cached, 'used_memory_vm_eval')).toBeGreaterThan(n(empty, 'used_memory_vm_eval') + body.length);

    const lib = `#!lua name=memlib\nredis.register_function('memf', function() return '${'y'.repeat(3000)}' end)`;
    await io.call('FUNCTION', 'LOAD', lib);
    const loaded = await memory();
    consistent(loaded);
    expect(n(loaded, 'used_memory_functions')).toBeGreaterThan(n(empty, 'used_memory_functions') + lib.length);
    expect(n(loaded, 'used_memory_vm_functions')).toBeGreaterThan(n(empty, 'used_memory_vm_functions') + lib.length);
    expect(n(loaded, 'used_memory_vm_eval')).toBe(n(cached, 'used_memory_vm_eval'));

    await io.script('FLUSH', 'ASYNC');
    const flushed = await memory();
    consistent(flushed);
    expect(flushed.number_of_cached_scripts).toBe('0');
    expect(flushed.used_memory_scripts_eval).toBe('0');
    expect(flushed.used_memory_vm_eval).toBe(empty.used_memory_vm_eval);
    expect(flushed.used_memory_functions).toBe(loaded.used_memory_functions);

    await io.call('FUNCTION', 'DELETE', 'memlib');
    const deleted = await memory();
    expect(deleted.used_memory_functions).toBe(empty.used_memory_functions);
    expect(deleted.used_memory_vm_functions).toBe(empty.used_memory_vm_functions);
  });
});

describe('functions', () => {
  let f: Ferrous;
  let io: Redis;
  const LIB = "#!lua name=lib1\nredis.register_function{function_name='get1', callback=function(keys) return redis.call('GET', keys[1]) end, flags={'no-writes'}, description='reads'}\nredis.register_function('set1', function(keys, args) return redis.call('SET', keys[1], args[1]) end)";

  beforeAll(async () => {
    f = await startTestServer();
    io = new Redis(f.port, '127.0.0.1');
  });
  afterAll(async () => {
    io.disconnect();
    await f.close();
  });

  it('LIST, STATS, DUMP and RESTORE', async () => {
    expect(await io.function('LOAD', LIB)).toBe('lib1');
    expect(await io.fcall('set1', 1, 'k', 'v')).toBe('OK');
    expect(await io.fcall_ro('get1', 1, 'k')).toBe('v');
    expect(await io.function('LIST', 'WITHCODE')).toEqual([
      [
        'library_name', 'lib1', 'engine', 'LUA',
        'functions', [
          ['name', 'get1', 'description', 'reads', 'flags', ['no-writes']],
          ['name', 'set1', 'description', null, 'flags', []],
        ],
        'library_code', LIB,
      ],
    ]);
    expect(await io.function('LIST', 'LIBRARYNAME', 'nomatch*')).toEqual([]);
    expect(await io.function('STATS')).toEqual(['running_script', null, 'engines', ['LUA', ['libraries_count', 1, 'functions_count', 2]]]);
    const dump = (await io.callBuffer('FUNCTION', 'DUMP')) as Buffer;
    expect(await io.function('FLUSH')).toBe('OK');
    await expect(io.fcall('get1', 1, 'k')).rejects.toThrow('ERR Function not found');
    expect(await io.call('FUNCTION', 'RESTORE', dump)).toBe('OK');
    expect(await io.fcall('get1', 1, 'k')).toBe('v');
    await expect(io.call('FUNCTION', 'RESTORE', dump)).rejects.toThrow('ERR Library lib1 already exists');
    expect(await io.call('FUNCTION', 'RESTORE', dump, 'REPLACE')).toBe('OK');
    await expect(io.call('FUNCTION', 'RESTORE', 'garbage')).rejects.toThrow('ERR DUMP payload version or checksum are wrong');
  });

  it('a library whose code never returns is stopped after 500 ms; a client waiting meanwhile is answered and the data is intact', async () => {
    await io.set('kept', 'yes');
    const loader = await RawClient.connect(f.port);
    const other = await RawClient.connect(f.port);
    try {
      const started = Date.now();
      loader.write(command('FUNCTION', 'LOAD', '#!lua name=spin\nlocal n = 0\nwhile true do n = n + 1 end'));
      other.write(command('GET', 'kept'));
      expect(await loader.read(5000)).toBe('-ERR Error registering functions: ERR FUNCTION LOAD timeout\r\n');
      expect(Date.now() - started).toBeGreaterThanOrEqual(450);
      expect(await other.read(5000)).toBe('$3\r\nyes\r\n');
      expect(await loader.call('FUNCTION', 'LIST', 'LIBRARYNAME', 'spin')).toBe('*0\r\n');
      // The interpreter is usable afterwards: a library loads and runs.
      expect(await loader.call('FUNCTION', 'LOAD', "#!lua name=after\nredis.register_function('after', function() return 7 end)")).toBe('$5\r\nafter\r\n');
      expect(await loader.call('FCALL', 'after', '0')).toBe(':7\r\n');
    } finally {
      loader.close();
      other.close();
    }
  });

  it('register_function is only available while loading', async () => {
    await io.function('LOAD', 'REPLACE', "#!lua name=lib2\nredis.register_function('late', function() return redis.register_function('x', function() end) end)");
    await expect(io.fcall('late', 0)).rejects.toThrow('redis.register_function can only be called on FUNCTION LOAD command');
  });
});
