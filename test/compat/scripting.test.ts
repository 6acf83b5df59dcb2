import Redis from 'ioredis';
import { crc64 } from '../../kernel';
import { useCompat } from '../helpers/compat';
import { RawClient } from '../helpers/raw-client';

const LOCK_ACQUIRE = "return redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2])";
const LOCK_RELEASE = "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) else return 0 end";
const RATE_LIMIT = `
local key, now, window, limit = KEYS[1], tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
redis.call('ZREMRANGEBYSCORE', key, '-inf', now - window)
local count = redis.call('ZCARD', key)
if count >= limit then return {0, count} end
redis.call('ZADD', key, now, ARGV[4])
redis.call('PEXPIRE', key, window)
return {1, count + 1}`;
const MOVE_TO_ACTIVE = `
local jobId = redis.call('RPOPLPUSH', KEYS[1], KEYS[2])
if not jobId then return nil end
local jobKey = KEYS[3] .. jobId
redis.call('HSET', jobKey, 'processedOn', ARGV[1], 'token', ARGV[2])
redis.call('HINCRBY', jobKey, 'attemptsMade', 1)
local data = redis.call('HGETALL', jobKey)
return {jobId, data}`;
const PCALL_HANDLING = `
local ok = redis.pcall('INCR', KEYS[1])
if type(ok) == 'table' and ok.err then
  redis.log(redis.LOG_NOTICE, 'incr failed: ' .. ok.err)
  return {'recovered', ok.err}
end
return ok`;

/** Upvalues captured between calls, as frames grow and shrink their stack around each call. */
const CLOSURES = `
local fs = {}
for i = 1, 10 do
  local x = i * 2
  fs[i] = function() return x + redis.call('INCR', KEYS[1]) * 0 end
  redis.call('INCR', KEYS[1])
end
local out = {}
for i = 1, 10 do out[i] = fs[i]() end
local function counter() local a, b = 1, 2 return function() a = a + 1 return a + b end end
local g = counter()
g()
out[11] = g()
local co = coroutine.wrap(function(n)
  local y = n
  for j = 1, 3 do y = coroutine.yield(y + j + redis.call('INCR', KEYS[1]) * 0) end
  return y
end)
out[12] = co(10) out[13] = co(20) out[14] = co(30) out[15] = co(40)
return out`;
/** Reads with constant keys from tables whose keys come and go, and through __index. */
const CONSTANT_KEYS = `
local t = {k = 1}
local seen = {}
for i = 1, 6 do
  seen[#seen + 1] = t.k or 'nil'
  if i % 2 == 1 then t.k = nil else t.k = i end
end
local proxy = setmetatable({}, {__index = function(_, key) return 'mm:' .. key end})
seen[#seen + 1] = proxy.k
rawset(proxy, 'k', 'raw')
seen[#seen + 1] = proxy.k
local function get(tab) return tab.k end
seen[#seen + 1] = get({k = 'a'})
seen[#seen + 1] = get({k = 'b'})
seen[#seen + 1] = get({}) == nil and 'none' or 'some'
seen[#seen + 1] = ({[1.0] = 'one'})[1]
return seen`;
/** Errors caught at several depths, the stack unwound below captured locals. */
const UNWIND = `
local out = {}
local function deep(n)
  local mine = n
  if n == 0 then error({code = 'bottom'}) end
  local ok, e = pcall(deep, n - 1)
  return function() return mine, ok, type(e) == 'table' and e.code or type(e) end
end
for d = 1, 3 do
  local f = deep(d)
  local a, ok, e = f()
  out[#out + 1] = a .. ':' .. tostring(ok) .. ':' .. tostring(e)
end
redis.call('SET', 'vm:str', 'x')
local r = redis.pcall('INCR', 'vm:str')
out[#out + 1] = type(r) .. ' ' .. r.err
local ok, err = pcall(function() return redis.call('INCR', 'vm:str') end)
out[#out + 1] = tostring(ok) .. ' ' .. (type(err) == 'table' and err.err or tostring(err))
out[#out + 1] = redis.call('INCR', KEYS[1])
return out`;

describe('compat: EVAL and conversions', () => {
  const h = useCompat();

  it('converts Lua values to replies', async () => {
    await h.same(
      ['EVAL', 'return 1', '0'],
      ['EVAL', 'return 3.99', '0'],
      ['EVAL', 'return -3.99', '0'],
      ['EVAL', 'return 1e300', '0'],
      ['EVAL', 'return 0/0', '0'],
      ['EVAL', 'return 2^53', '0'],
      ['EVAL', "return 'hello'", '0'],
      ['EVAL', 'return true', '0'],
      ['EVAL', 'return false', '0'],
      ['EVAL', 'return nil', '0'],
      ['EVAL', "return {1, 2, 3.5, 'x', nil, 4}", '0'],
      ['EVAL', "return {1, {2, {3, {'deep'}}}, {ok='fine'}, {err='bad'}}", '0'],
      ['EVAL', "return {ok='fine'}", '0'],
      ['EVAL', "return {err='bad thing'}", '0'],
      ['EVAL', "return {err='MYERR bad thing'}", '0'],
      ['EVAL', "return {err=''}", '0'],
      ['EVAL', "return {err=3}", '0'],
      ['EVAL', "return {foo='x'}", '0'],
      ['EVAL', "return redis.error_reply('x')", '0'],
      ['EVAL', "return redis.error_reply('-x y')", '0'],
      ['EVAL', "return redis.error_reply('')", '0'],
      ['EVAL', "return redis.status_reply('yo')", '0'],
      ['EVAL', "return {true, false, 'after'}", '0'],
      ['EVAL', "return 'line\\r\\nbreak'", '0'],
    );
  });

  it('converts replies to Lua values', async () => {
    await h.same(
      ['EVAL', "redis.call('set', 'k', 'v') return redis.call('get', 'k')", '0'],
      ['EVAL', "return redis.call('get', 'missing')", '0'],
      ['EVAL', "return type(redis.call('get', 'missing'))", '0'],
      ['EVAL', "return redis.call('set', 'k', 'v')", '0'],
      ['EVAL', "return type(redis.call('set', 'k', 'v'))", '0'],
      ['EVAL', "return redis.call('set', 'k', 'v').ok", '0'],
      ['EVAL', "redis.call('rpush', 'l', 'a', 'b', 'c') return redis.call('lrange', 'l', 0, -1)", '0'],
      ['EVAL', "return redis.call('incrby', 'n', 5) * 2", '0'],
      ['EVAL', "redis.call('set', 'a', 1.5) return redis.call('get', 'a')", '0'],
      ['EVAL', "redis.call('set', 'a', 0.1) return redis.call('get', 'a')", '0'],
      ['EVAL', "redis.call('set', 'a', 1e20) return redis.call('get', 'a')", '0'],
      ['EVAL', "redis.call('set', 'a', 42) return redis.call('get', 'a')", '0'],
      ['EVAL', "redis.call('hset', 'h', 'f', 'v') return redis.call('hgetall', 'h')", '0'],
      ['EVAL', "return redis.call('exists', 'h', 'nope')", '0'],
      ['EVAL', "return redis.call('ping')", '0'],
      ['EVAL', "return {redis.call('mget', 'k', 'missing', 'k')}", '0'],
    );
  });

  it('hex numerals are doubles as in Lua 5.1, not wrapped to 32 bits (BullMQ priority scores)', async () => {
    await h.same(
      ['EVAL', 'return tostring(0xffffffff)', '0'],
      ['EVAL', 'return tostring(0x100000000)', '0'],
      ['EVAL', 'return tostring(10 * 0x100000000 + 7 % 0x100000000)', '0'],
      ['EVAL', "return redis.call('ZADD', 'z', 3 * 0x100000000 + 1, 'm')", '0'],
      ['ZRANGE', 'z', '0', '-1', 'WITHSCORES'],
    );
  });

  it('KEYS, ARGV and the number of keys', async () => {
    await h.same(
      ['EVAL', 'return {KEYS[1], KEYS[2], ARGV[1], ARGV[2], #KEYS, #ARGV}', '2', 'k1', 'k2', 'a1', 'a2'],
      ['EVAL', 'return #KEYS', '0'],
      ['EVAL', 'return 1', '-1'],
      ['EVAL', 'return 1', '2', 'a'],
      ['EVAL', 'return 1', 'x'],
      ['EVAL', 'return 1'],
      ['EVAL', 'return ARGV[1]', '0', 'bin\x00\xff\x80ary'],
    );
  });

  it('errors: raised, returned, from commands, with their location', async () => {
    await h.same(
      ['EVAL', "return redis.call('nosuch')", '0'],
      ['EVAL', "return redis.pcall('nosuch')", '0'],
      ['EVAL', "local r = redis.pcall('nosuch'); return type(r) .. r.err", '0'],
      ['EVAL', "return redis.call('get')", '0'],
      ['EVAL', "return redis.pcall('get')", '0'],
      ['EVAL', "redis.call('set', 's', 'abc') return redis.call('incr', 's')", '0'],
      ['EVAL', "redis.call('set', 's', 'abc') return redis.pcall('incr', 's')", '0'],
      ['EVAL', "redis.call('set', 's', 'abc')\nlocal x = 1\nreturn redis.call('lpush', 's', 'x')", '0'],
      ['EVAL', "return redis.call('eval', 'return 1', 0)", '0'],
      ['EVAL', "return redis.call('subscribe', 'x')", '0'],
      ['EVAL', "return redis.call('get', {})", '0'],
      ['EVAL', 'return redis.call()', '0'],
      ['EVAL', 'return redis.pcall()', '0'],
      ['EVAL', "error('boom')", '0'],
      ['EVAL', "\n\nerror('boom on three')", '0'],
      ['EVAL', "error({err='X y'})", '0'],
      ['EVAL', 'return +', '0'],
      ['EVAL', 'return x', '0'],
      ['EVAL', 'x = 1', '0'],
      ['EVAL', 'return redis.setresp(4)', '0'],
      ['EVAL', 'return redis.set_repl(99)', '0'],
      ['EVAL', 'return redis.log(redis.LOG_WARNING)', '0'],
      ['EVAL', "return redis.log(99, 'x')", '0'],
      ['EVAL', PCALL_HANDLING, '1', 'str'],
      ['SET', 'str', 'abc'],
      ['EVAL', PCALL_HANDLING, '1', 'str'],
    );
  });

  it('Lua 5.1 numbers and library', async () => {
    await h.same(
      ['EVAL', 'return tostring(6/2)', '0'],
      ['EVAL', 'return tostring(3.0)', '0'],
      ['EVAL', 'return tostring(65536*65536)', '0'],
      ['EVAL', 'return 65536*65536', '0'],
      ['EVAL', 'return tostring(2^53)', '0'],
      ['EVAL', "return string.format('%d', 3e9)", '0'],
      ['EVAL', "return string.format('%5.2f|%-5d|%05d|%x|%s|%q', 3.14159, 42, -42, 255, 'str', 'a\\nb')", '0'],
      ['EVAL', 'return tostring(1/3)', '0'],
      ['EVAL', 'return tostring(1e15) .. tostring(1e16) .. tostring(0.1)', '0'],
      ['EVAL', "return 'n' .. 10/2", '0'],
      ['EVAL', 'local t = {} for i = 1, 100 do t[#t + 1] = i end return #t', '0'],
      ['EVAL', 'local s = 0 for i = 1, 100000 do s = s + i end return tostring(s)', '0'],
      ['EVAL', 'local x = 2147483647 return tostring(x + 1)', '0'],
      ['EVAL', "return tostring(tonumber('2147483648') * 2)", '0'],
      ['EVAL', 'return tostring(math.floor(3.7) / 2)', '0'],
      ['EVAL', 'return {unpack({1, 2, 3})}', '0'],
      ['EVAL', 'return table.getn({1, 2, 3})', '0'],
      ['EVAL', 'return math.pow(2, 10)', '0'],
      ['EVAL', 'return math.mod(10, 3)', '0'],
      ['EVAL', "local r = {} for w in string.gfind('a b c', '%a') do r[#r + 1] = w end return r", '0'],
      ['EVAL', "return loadstring('return 1 + 1')()", '0'],
      ['EVAL', "return {loadstring(string.dump(function() return 1 end))}", '0'],
      ['EVAL', 'return _VERSION', '0'],
      ['EVAL', 'return redis.sha1hex("")', '0'],
      ['EVAL', 'return redis.REDIS_VERSION_NUM', '0'],
      ['EVAL', 'return redis.replicate_commands()', '0'],
      ['EVAL', 'return {redis.LOG_DEBUG, redis.LOG_WARNING, redis.REPL_NONE, redis.REPL_AOF, redis.REPL_REPLICA, redis.REPL_SLAVE, redis.REPL_ALL}', '0'],
    );
  });

  it('the sandbox', async () => {
    const globals = "local r = {} for _, n in ipairs({'os', 'io', 'debug', 'package', 'require', 'loadfile', 'dofile', 'print', 'setfenv', 'getfenv', 'module', 'newproxy', 'coroutine', 'unpack', 'loadstring', 'load', 'gcinfo', 'rawset', 'xpcall'}) do r[#r + 1] = n .. '=' .. type(rawget(_G, n)) end return r";
    await h.same(
      ['EVAL', globals, '0'],
      ['EVAL', 'return os.time()', '0'],
      ['EVAL', "string.x = 1", '0'],
      ['EVAL', "redis.call = nil", '0'],
      ['EVAL', "return rawset(_G, 'x', 1)", '0'],
      ['EVAL', 'return setmetatable(_G, nil)', '0'],
      ['EVAL', "local t = getmetatable('') t.__index = nil return 1", '0'],
      ['EVAL', "local t = {} t.x = 1 setmetatable(t, {}) return t.x", '0'],
      ['EVAL', "return {pcall(function() undefined_thing() end)}", '0'],
      ['EVAL', "return load('return 1')", '0'],
    );
  });

  it('shebang flags and read-only scripts', async () => {
    await h.same(
      ['EVAL_RO', "return redis.call('set', 'a', '1')", '0'],
      ['EVAL_RO', "return redis.call('get', 'a')", '0'],
      ['EVAL', "#!lua flags=no-writes\nreturn redis.call('set', 'a', '1')", '0'],
      ['EVAL', "#!lua flags=no-writes,allow-stale\nreturn redis.call('get', 'a')", '0'],
      ['EVAL', "#!lua\nreturn redis.call('set', 'a', '1')", '0'],
      ['EVAL', '#!lua flags=bad\nreturn 1', '0'],
      ['EVAL', '#!js\nreturn 1', '0'],
      ['EVAL', '#!lua x=1\nreturn 1', '0'],
    );
  });

  it('EVALSHA and SCRIPT', async () => {
    await h.same(
      ['SCRIPT', 'LOAD', 'return 1'],
      ['EVALSHA', 'e0e1f9fabfc9d4800c877a703b823ac0578ff8db', '0'],
      ['EVALSHA', 'E0E1F9FABFC9D4800C877A703B823AC0578FF8DB', '0'],
      ['EVALSHA_RO', 'e0e1f9fabfc9d4800c877a703b823ac0578ff8db', '0'],
      ['EVALSHA', 'ffffffffffffffffffffffffffffffffffffffff', '0'],
      ['EVALSHA', 'abc', '0'],
      ['SCRIPT', 'EXISTS', 'e0e1f9fabfc9d4800c877a703b823ac0578ff8db', 'abc'],
      ['SCRIPT', 'LOAD', 'return +'],
      ['SCRIPT', 'KILL'],
      ['FUNCTION', 'KILL'],
      ['SCRIPT', 'HELP'],
      ['SCRIPT', 'FLUSH', 'BAD'],
      ['SCRIPT', 'FLUSH', 'ASYNC'],
      ['SCRIPT', 'EXISTS', 'e0e1f9fabfc9d4800c877a703b823ac0578ff8db'],
      ['SCRIPT', 'FLUSH'],
      ['SCRIPT', 'NOSUCH'],
      ['SCRIPT', 'DEBUG', 'NO'],
      ['SCRIPT', 'DEBUG', 'no'],
      ['SCRIPT', 'DEBUG', 'MAYBE'],
      ['SCRIPT', 'DEBUG'],
      ['SCRIPT', 'DEBUG', 'NO', 'extra'],
    );
  });

  it('SCRIPT DEBUG YES and SYNC are refused: Ferrous has no Lua debugger', async () => {
    const { ferrous } = await h.both([['SCRIPT', 'DEBUG', 'YES'], ['SCRIPT', 'DEBUG', 'SYNC'], ['SCRIPT', 'DEBUG', 'sync'], ['EVAL', 'return 1', '0'], ['EVALSHA', 'e0e1f9fabfc9d4800c877a703b823ac0578ff8db', '0']]);
    expect(ferrous).toEqual([
      '-ERR Ferrous has no Lua debugger: SCRIPT DEBUG YES and SYNC are not supported\r\n',
      '-ERR Ferrous has no Lua debugger: SCRIPT DEBUG YES and SYNC are not supported\r\n',
      '-ERR Ferrous has no Lua debugger: SCRIPT DEBUG YES and SYNC are not supported\r\n',
      // The client stays out of debugging mode: scripts run, and EVALSHA (of the script EVAL
      // cached) is not refused as Redis refuses it while debugging.
      ':1\r\n',
      ':1\r\n',
    ]);
  });

  it('SCRIPT DEBUG inside EXEC and in a pipeline: Redis refusals, before the mode is read', async () => {
    await h.same(
      ['MULTI'],
      ['SCRIPT', 'DEBUG', 'YES'],
      ['SCRIPT', 'DEBUG', 'NO'],
      ['SCRIPT', 'DEBUG', 'MAYBE'],
      ['EXEC'],
      ['MULTI'],
      ['SCRIPT', 'DEBUG'],
      ['EXEC'],
    );
    const pipelined = async (port: number): Promise<string> => {
      const c = await RawClient.connect(port);
      try {
        c.write('PING\r\nSCRIPT DEBUG NO\r\nSCRIPT DEBUG YES\r\nPING\r\n');
        let got = '';
        for (let i = 0; i < 4; i++) got += await c.read();
        return got;
      } finally {
        c.close();
      }
    };
    const redis = await pipelined(h.redisPort());
    expect(redis).toBe('+PONG\r\n-ERR SCRIPT DEBUG must be called outside a pipeline\r\n-ERR SCRIPT DEBUG must be called outside a pipeline\r\n+PONG\r\n');
    expect(await pipelined(h.ferrousPort())).toBe(redis);
  });

  it('RESP3 conversions with redis.setresp(3)', async () => {
    const cases: string[][] = [
      ['EVAL', "redis.setresp(3) return redis.call('hgetall', 'h')", '0'],
      ['EVAL', "redis.setresp(3) return {double=3.5}", '0'],
      ['EVAL', "redis.setresp(3) return {map={a=1}}", '0'],
      ['EVAL', "redis.setresp(3) return {set={a=true}}", '0'],
      ['EVAL', "return {big_number='123456789012345678901234567890'}", '0'],
      ['EVAL', "return {verbatim_string={format='txt', string='hi'}}", '0'],
      ['EVAL', 'redis.setresp(3) return true', '0'],
      ['EVAL', 'redis.setresp(3) return false', '0'],
      ['EVAL', "redis.setresp(3) return type(redis.call('get', 'missing'))", '0'],
      ['EVAL', "redis.setresp(3) local m = redis.call('hgetall', 'h').map return m.f", '0'],
      ['EVAL', "redis.setresp(3) return redis.call('smembers', 'empty')", '0'],
      ['EVAL', 'redis.setresp(3) return {true, false, 1}', '0'],
    ];
    await h.same(['HSET', 'h', 'f', 'v'], ...cases);
    await h.same3(['HSET', 'h', 'f', 'v'], ...cases);
  });

  it('a corpus of real-world scripts', async () => {
    await h.same(
      ['EVAL', LOCK_ACQUIRE, '1', 'lock:order:1', 'token-a', '30000'],
      ['EVAL', LOCK_ACQUIRE, '1', 'lock:order:1', 'token-b', '30000'],
      ['EVAL', LOCK_RELEASE, '1', 'lock:order:1', 'token-b'],
      ['EVAL', LOCK_RELEASE, '1', 'lock:order:1', 'token-a'],
      ['EXISTS', 'lock:order:1'],
      ['EVAL', RATE_LIMIT, '1', 'rl:user', '1000', '60000', '2', 'r1'],
      ['EVAL', RATE_LIMIT, '1', 'rl:user', '1001', '60000', '2', 'r2'],
      ['EVAL', RATE_LIMIT, '1', 'rl:user', '1002', '60000', '2', 'r3'],
      ['EVAL', RATE_LIMIT, '1', 'rl:user', '70000', '60000', '2', 'r4'],
      ['ZRANGE', 'rl:user', '0', '-1'],
      ['RPUSH', 'bull:wait', 'job1', 'job2'],
      ['EVAL', MOVE_TO_ACTIVE, '3', 'bull:wait', 'bull:active', 'bull:job:', '1700000000000', 'tok'],
      ['EVAL', MOVE_TO_ACTIVE, '3', 'bull:wait', 'bull:active', 'bull:job:', '1700000000001', 'tok'],
      ['EVAL', MOVE_TO_ACTIVE, '3', 'bull:wait', 'bull:active', 'bull:job:', '1700000000002', 'tok'],
      ['LRANGE', 'bull:active', '0', '-1'],
    );
  });

  it("Lua 5.1's syntax and its error messages (fengari compiles 5.3)", async () => {
    const scripts = [
      'return 1 +', 'local x = = 2', 'return "abc', 'if x then', 'return 1 2', 'for i=1 do end', 'return [[abc',
      'function end', 'return {1,2', 'f() = 1', 'goto l', 'local goto = 5 return goto', '::a:: return 1',
      'return 1 // 2', 'return 1 & 2', 'return 1 | 2', 'return ~1', 'return 1 ~ 2', 'return 1 << 2', 'return 1 >> 2',
      'return 1 ~= 2', 'return -[[x]]', 'local t = {} t.a.b = 1', 'local s = "a" return s + 1', 'local a; a()',
      'return ({}).x.y', 'local u = {} return u .. "x"', 'local n return #n', 'return -{}',
      'local up = nil local function f() return up.x end return f()',
      'return math.floor("x")', 'return math.ceil()', 'return math.fmod(1)',
      'return {tostring(math.floor(-0.5)), tostring(math.ceil(-0.5)), tostring(math.fmod(-7, 3)), tostring(math.fmod(7, 0)), tostring(math.mod(7.5, 2))}',
      'return string.rep("ab", 3, ",")',
      'return string.format("%g|%G|%10.3g|%-8g|%+g|% g|%08.2g", 1e20, 1e-20, 3.14159, 2.5, 1, 1, 1.5)',
      'return string.format("%g %g %g %g %g %g %g", 0.0001, 0.00001, 123456, 1234567, 100, 1/0, 0/0)',
      'return string.format("%s", {})',
      'return string.format("%f|%.2f|%10.3f|%-8.1f|%+.1f|%08.2f|%.0f|%.20f", 1.5, 2.345, -3, 2.25, 3, -1.5, 2.5, 0.1)',
      'return string.format("%f %f %f %.0f %.0f", 1/0, -1/0, 1e22, 0.5, -2.5)',
      'return string.format("%5.2e|%E|%e|%.0e|%12.3e", 12345.678, 0.000123, 1e300, 5, -1.5)',
      'return string.format("%q", "a\\nb\\0c\\r\\"d")',
      'return string.format("%a", 1)',
      'return {tostring(123456789012345), 123456789012345 .. "", tostring(2.5), tostring(12345678901234.5), tostring(0.1), tostring(1/3), tostring(2^63)}',
      'return {tostring(math.log(8, 2)), tostring(math.log10(1000)), tostring(math.log(math.exp(2)))}',
      'return string.format("%100d", 1)',
      'return redis.set_repl()', 'return redis.set_repl(99)', 'return redis.setresp(4)', 'return redis.log(99, "x")',
      'return string.format("%.0g %.1g %.10g %.1g %.2g %.0e %.1e %.2e", 12.5, 0.25, 1/3, 2.5, 0.125, 2.5, 0.25, 1.125)',
      'local t = setmetatable({}, {__len = function() return 42 end}) return #t',
      'return {collectgarbage(), collectgarbage("collect"), collectgarbage("count") > 0, collectgarbage("setpause", 100), type(collectgarbage("step"))}',
      'return collectgarbage("bogus")',
    ];
    await h.same(...scripts.map((code) => ['EVAL', code, '0']));
  });

  it('closures, coroutines and errors around redis.call (the VM paths fengari is patched on)', async () => {
    await h.same(
      ['EVAL', CLOSURES, '1', 'vm:counter'],
      ['EVAL', CONSTANT_KEYS, '0'],
      ['EVAL', UNWIND, '1', 'vm:counter'],
    );
  });

  it('replies nested 20 to 500 deep, and self-containing tables cut at the Lua stack limit as Redis cuts them', async () => {
    const cmds: string[][] = [];
    for (const d of [19, 20, 21, 50, 100, 200, 500]) {
      cmds.push(['EVAL', `local t = {'leaf'} for i = 1, ${d} do t = {i, t} end return t`, '0']);
      cmds.push(['EVAL', `local t = {map={a='leaf'}} for i = 1, ${d} do t = {map={k=t}} end return t`, '0']);
      cmds.push(['EVAL', `local t = {set={leaf=true}} for i = 1, ${d} do t = {set={[t]=true}} end return t`, '0']);
    }
    for (const script of [
      'local t = {} t[1] = t return t',
      "local t = {} t[1] = t t[2] = 'x' return t",
      'local t = {1} t[2] = t return t',
      'local t = {} t.map = {} t.map.a = t return t',
      'local t = {} t.set = {} t.set[t] = true return t',
      'local t = {} t[1] = t return {1, 2, t}',
      "local t = {} t.map = {} t.map[t] = 'v' return t",
    ]) {
      cmds.push(['EVAL', script, '0'], ['PING']);
    }
    await h.same(...cmds);
    await h.same3(...cmds);
  }, 60_000);
});

describe('compat: FUNCTION and FCALL', () => {
  const h = useCompat();
  const LIB = "#!lua name=mylib\nredis.register_function('myset', function(keys, args) return redis.call('set', keys[1], args[1]) end)\nredis.register_function{function_name='myget', callback=function(keys) return redis.call('get', keys[1]) end, flags={'no-writes'}}";

  it('loads libraries and calls their functions', async () => {
    await h.same(
      ['FUNCTION', 'FLUSH'],
      ['FUNCTION', 'LOAD', LIB],
      ['FUNCTION', 'LOAD', LIB],
      ['FUNCTION', 'LOAD', 'REPLACE', LIB],
      ['FCALL', 'myset', '1', 'k', 'v'],
      ['FCALL', 'myget', '1', 'k'],
      ['FCALL_RO', 'myget', '1', 'k'],
      ['FCALL_RO', 'myset', '1', 'k', 'v'],
      ['FCALL', 'nosuch', '0'],
      ['FCALL', 'myget', '-1'],
      ['FUNCTION', 'LOAD', 'return 1'],
      ['FUNCTION', 'LOAD', '#!lua name=empty\nlocal x = 1'],
      ['FUNCTION', 'DELETE', 'nosuch'],
      ['FUNCTION', 'DELETE', 'mylib'],
      ['FCALL', 'myget', '1', 'k'],
      ['FUNCTION', 'FLUSH', 'BAD'],
    );
  });

  it('a library sees only what Redis gives it while it loads; register_function checks its arguments', async () => {
    const bodies = [
      "redis.call('PING')", "error('boom')", 'local s = string', 'x = 1', 'local x = 1 + {}', 'local x = ({}).a.b',
      'redis.register_function()', "redis.register_function('a', 'notfn')", 'redis.register_function({}, function() end)',
      "redis.register_function('bad name', function() end)", 'redis.log(1)',
      "redis.register_function{function_name={}, callback=function() end}", "redis.register_function{function_name='n', callback=1}",
      "redis.register_function{function_name='n', callback=function() end, description={}}",
      "redis.register_function{function_name='n', callback=function() end, bogus=1}", 'redis.register_function{callback=function() end}',
      "redis.register_function{function_name='n'}", "redis.register_function{function_name='n', callback=function() end, flags='x'}",
      "redis.register_function{function_name='n', callback=function() end, flags={'bad'}}",
      "redis.register_function('a', function() end) redis.register_function('a', function() end)", 'return',
      "redis.log(redis.LOG_NOTICE, 'v' .. redis.REDIS_VERSION) local function up(x) return string.upper(x) end redis.register_function('up', function(keys, args) return up(args[1]) .. #keys end)",
    ];
    await h.same(
      ['FUNCTION', 'FLUSH'],
      ...bodies.map((b) => ['FUNCTION', 'LOAD', 'REPLACE', `#!lua name=t\n${b}`]),
      ['FCALL', 'up', '1', 'k', 'abc'],
      ['FUNCTION', 'LIST'],
    );
  });

  it('a library whose code never returns is stopped after 500 ms, and both servers go on serving', async () => {
    const started = Date.now();
    await h.same(
      ['FUNCTION', 'FLUSH'],
      ['FUNCTION', 'LOAD', '#!lua name=spin\nwhile 1 do end'],
      ['FUNCTION', 'LOAD', "#!lua name=spin\nredis.register_function('f', function() return 1 end)\nlocal t = {}\nwhile true do t[1] = 1 end"],
      ['FUNCTION', 'LOAD', '#!lua name=spin\nlocal function deep() while 1 do end end\ndeep()'],
      ['FUNCTION', 'LIST'],
      ['PING'],
      ['FUNCTION', 'LOAD', "#!lua name=ok\nredis.register_function('f', function() return 1 end)"],
      ['FCALL', 'f', '0'],
    );
    // Three stopped loads on each server: each took its 500 ms, none hung.
    expect(Date.now() - started).toBeLessThan(20_000);
  }, 30_000);

  it('the shebang: engine name and metadata keys in any case, a repeated name refused', async () => {
    const body = "\nredis.register_function('f', function() return 1 end)";
    await h.same(
      ['FUNCTION', 'FLUSH'],
      ...['#!LUA name=a1', '#!Lua name=a2', '#!lUa  name=a3', '#!LUAx name=a4', '#!lua NAME=a5', '#!lua Name=a6', '#!lua name=a7 name=a8', '#!lua name=a7 NAME=a8']
        .concat(['#!lua nam=a9', '#! lua name=b1', '#!LUA', '#!foo name=b-ad', '#!foo', '#!foo name=ok x=1', '#!lua\tname=t1', '#!lua "name=q1"', '#!lua "name=x', '#!', '#!lua name=c\r'])
        .map((sh) => ['FUNCTION', 'LOAD', 'REPLACE', sh + body]),
      ['FUNCTION', 'LOAD', '#!lua name=nonewline'],
      ['FUNCTION', 'LIST', 'LIBRARYNAME', 'a'],
    );
  });

  it('numkeys errors: EVAL before the script, FCALL after the function lookup and before its flags', async () => {
    const sha = '0123456789012345678901234567890123456789';
    const cmds: string[][] = [['FUNCTION', 'FLUSH'], ['FUNCTION', 'LOAD', LIB]];
    for (const n of ['x', '-1', '5', '1.5', '', '9223372036854775808', '1']) {
      cmds.push(['EVAL', 'return 1', n], ['EVAL', 'retur 1', n], ['EVALSHA', sha, n], ['EVALSHA_RO', sha, n]);
      for (const f of ['myset', 'myget', 'nosuch']) cmds.push(['FCALL', f, n, 'k'], ['FCALL_RO', f, n, 'k']);
    }
    cmds.push(['FUNCTION', 'RESTORE', 'a', 'b', 'c'], ['function', 'restore', 'a', 'FLUSH', 'c', 'd'], ['FUNCTION', 'RESTORE', 'a', 'b'], ['FUNCTION', 'RESTORE']);
    await h.same(...cmds);
  });

  it("FUNCTION DUMP is Redis's payload, and each server restores the other's", async () => {
    const f = new Redis(h.ferrousPort(), '127.0.0.1');
    const r = new Redis(h.redisPort(), '127.0.0.1');
    const OTHER = "#!lua name=other\nredis.register_function('two', function() return 2 end)";
    try {
      for (const c of [f, r]) {
        await c.call('FUNCTION', 'FLUSH');
        await c.call('FUNCTION', 'LOAD', LIB);
      }
      // Without compression, the same bytes: the RDB record, the version, the CRC64. (With it,
      // both compress the code with LZF, whose output may differ while both read either.)
      for (const c of [f, r]) await c.config('SET', 'rdbcompression', 'no');
      const plainFerrous = (await f.callBuffer('FUNCTION', 'DUMP')) as Buffer;
      const plainRedis = (await r.callBuffer('FUNCTION', 'DUMP')) as Buffer;
      expect(plainFerrous.toString('latin1')).toBe(plainRedis.toString('latin1'));
      for (const c of [f, r]) await c.config('SET', 'rdbcompression', 'yes');
      const fromRedis = (await r.callBuffer('FUNCTION', 'DUMP')) as Buffer;
      await r.set('k', 'v');
      const notAFunction = (await r.dumpBuffer('k'))!;
      // A record whose code runs into the footer (the checksum is right): read as Redis reads it.
      const body = Buffer.from([0xf5, 5, 0x61, 0x62, 10, 0]);
      const intoFooter = Buffer.concat([body, crc64(body)]);
      for (const [from, to] of [[r, f], [f, r]] as const) {
        await from.call('FUNCTION', 'LOAD', 'REPLACE', OTHER);
        const payload = (await from.callBuffer('FUNCTION', 'DUMP')) as Buffer;
        await from.call('FUNCTION', 'DELETE', 'other');
        await to.call('FUNCTION', 'FLUSH');
        expect(await to.call('FUNCTION', 'RESTORE', payload)).toBe('OK');
        expect(await to.call('FCALL', 'two', '0')).toBe(2);
        expect(await to.call('FUNCTION', 'RESTORE', payload, 'REPLACE')).toBe('OK');
      }
      const outcomes = async (c: Redis) => {
        const out: string[] = [];
        for (const args of [
          ['FUNCTION', 'RESTORE', fromRedis],
          ['FUNCTION', 'RESTORE', fromRedis, 'APPEND'],
          ['FUNCTION', 'RESTORE', fromRedis, 'BAD'],
          ['FUNCTION', 'RESTORE', 'not a payload'],
          ['FUNCTION', 'RESTORE', notAFunction],
          ['FUNCTION', 'RESTORE', intoFooter],
          ['FUNCTION', 'RESTORE', fromRedis, 'FLUSH'],
        ]) {
          out.push(await c.call(...(args as [string, ...(string | Buffer)[]])).then(String, (e: Error) => `error: ${e.message}`));
        }
        const list = (await c.call('FUNCTION', 'LIST')) as unknown[][];
        out.push(list.map((l) => String(l[1])).sort().join(','));
        return out;
      };
      expect(await outcomes(f)).toEqual(await outcomes(r));
    } finally {
      f.disconnect();
      r.disconnect();
    }
  });
});
