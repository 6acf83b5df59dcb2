import { useCompat } from '../helpers/compat';

/** The bulk string of an INFO reply, split into lines. */
function lines(reply: string): string[] {
  const body = reply.slice(reply.indexOf('\r\n') + 2);
  return body.split('\r\n').filter((l) => l !== '');
}

const headers = (reply: string) => lines(reply).filter((l) => l.startsWith('#'));
/** `name:value` lines of a section reply, values replaced where they are timings or ids. */
const names = (reply: string) => lines(reply).map((l) => l.split(':')[0]);

describe('INFO sections vs redis-server 7.0', () => {
  const h = useCompat();

  it('prints the same sections, in the same order, for every way of asking', async () => {
    const variants = [[], ['default'], ['all'], ['everything'], ['server', 'clients'], ['CLUSTER', 'Modules', 'errorstats', 'latencystats'], ['keyspace', 'server'], ['commandstats'], ['nosuch'], ['server', 'server']];
    const { ferrous, redis } = await h.both([['SET', 'k', 'v'], ...variants.map((v) => ['INFO', ...v])]);
    expect(ferrous.slice(1).map(headers)).toEqual(redis.slice(1).map(headers));
  });

  it('cluster, modules, errorstats and replication read as Redis (ids aside)', async () => {
    await h.same(['INFO', 'cluster'], ['INFO', 'modules'], ['INFO', 'errorstats']);
    await h.same(['GET'], ['NOSUCHCOMMAND'], ['SET', 'k', 'v'], ['LPUSH', 'k', 'x'], ['INCR', 'k'], ['INFO', 'errorstats']);
    await h.same3(['INFO', 'cluster']);
    const { ferrous, redis } = await h.both([['INFO', 'replication']]);
    const withoutIds = (r: string) => lines(r).map((l) => (l.startsWith('master_replid:') ? 'master_replid:<id>' : l));
    expect(withoutIds(ferrous[0])).toEqual(withoutIds(redis[0]));
    expect(lines(ferrous[0]).find((l) => l.startsWith('master_replid:'))).toMatch(/^master_replid:[0-9a-f]{40}$/);
  });

  it('latencystats has a line per command called, with the configured percentiles', async () => {
    const cmds = [['CONFIG', 'RESETSTAT'], ['SET', 'k', 'v'], ['GET', 'k'], ['CONFIG', 'GET', 'hz'], ['INFO', 'latencystats']];
    const { ferrous, redis } = await h.both(cmds);
    const sorted = (r: string) => names(r).sort();
    expect(sorted(ferrous[4])).toEqual(sorted(redis[4]));
    for (const l of lines(ferrous[4]).slice(1)) expect(l).toMatch(/^latency_percentiles_usec_[a-z|]+:p50=\d+\.\d{3},p99=\d+\.\d{3},p99\.9=\d+\.\d{3}$/);
    const custom = [['CONFIG', 'SET', 'latency-tracking-info-percentiles', '0 50.5 100'], ['CONFIG', 'GET', 'latency-tracking-info-percentiles'], ['INFO', 'latencystats']];
    const both = await h.both(custom);
    expect(both.ferrous.slice(0, 2)).toEqual(both.redis.slice(0, 2));
    expect(lines(both.ferrous[2])[1]).toMatch(/:p0=\d+\.\d{3},p50\.5=\d+\.\d{3},p100=\d+\.\d{3}$/);
    await h.same(
      ['CONFIG', 'SET', 'latency-tracking-info-percentiles', '50 abc'],
      ['CONFIG', 'SET', 'latency-tracking-info-percentiles', '50 101'],
      ['CONFIG', 'SET', 'latency-tracking-info-percentiles', '-1'],
      ['CONFIG', 'SET', 'latency-tracking-info-percentiles', ''],
      ['CONFIG', 'GET', 'latency-tracking-info-percentiles'],
      ['CONFIG', 'SET', 'latency-tracking-info-percentiles', '50 99 99.9'],
      ['CONFIG', 'SET', 'latency-tracking', 'no'],
      ['CONFIG', 'RESETSTAT'],
      ['SET', 'k', 'v'],
      ['INFO', 'latencystats'],
      ['LATENCY', 'HISTOGRAM'],
      ['CONFIG', 'SET', 'latency-tracking', 'yes'],
      ['CONFIG', 'GET', 'latency-tracking'],
    );
  });

  it('LATENCY HISTOGRAM has the RESP2 and RESP3 shapes of Redis', async () => {
    const shape = (reply: string) => reply.replace(/:\d+\r\n/g, ':N\r\n').replace(/\*\d+\r\n(?=:N)/g, '*B\r\n').replace(/%\d+\r\n(?=:N)/g, '%B\r\n');
    for (const resp of [2, 3] as const) {
      const cmds = [
        ['CONFIG', 'RESETSTAT'],
        ['SET', 'k', 'v'],
        ['CONFIG', 'GET', 'hz'],
        ['LATENCY', 'HISTOGRAM', 'set'],
        ['LATENCY', 'HISTOGRAM', 'nosuch', 'get'],
        ['LATENCY', 'HISTOGRAM', 'config|get'],
        ['LATENCY', 'HISTOGRAM', 'CONFIG'],
      ];
      const { ferrous, redis } = await h.both(cmds, resp);
      // A container lists its subcommands in hash order in Redis: compare the set of names there.
      expect(ferrous.slice(0, -1).map(shape)).toEqual(redis.slice(0, -1).map(shape));
      const subs = (r: string) => (r.match(/config\|[a-z]+/g) ?? []).sort();
      expect(subs(ferrous[6])).toEqual(subs(redis[6]));
    }
  });

  it("INFO memory's script fields: Redis's names and order, growing with SCRIPT LOAD and FUNCTION LOAD, dropping with the flushes", async () => {
    const SCRIPT_FIELD = /lua|script|function|vm_/;
    const body = `return '${'x'.repeat(4000)}'`;
    const lib = `#!lua name=memlib\nredis.register_function('memf', function() return '${'y'.repeat(4000)}' end)`;
    const steps: string[][] = [['SCRIPT', 'FLUSH'], ['FUNCTION', 'FLUSH'], ['INFO', 'memory'], ['SCRIPT', 'LOAD', body], ['INFO', 'memory'], ['FUNCTION', 'LOAD', lib], ['INFO', 'memory'], ['SCRIPT', 'FLUSH', 'ASYNC'], ['INFO', 'memory'], ['FUNCTION', 'FLUSH'], ['INFO', 'memory']];
    const { ferrous, redis } = await h.both(steps);
    /** The script fields of each INFO memory, and how they moved from one INFO to the next. */
    const summary = (replies: string[]) => {
      const infos = replies
        .filter((_, i) => steps[i][0] === 'INFO')
        .map((r) => new Map(lines(r).filter((l) => SCRIPT_FIELD.test(l.split(':')[0])).map((l) => l.split(':') as [string, string])));
      const n = (m: Map<string, string>, k: string) => Number(m.get(k));
      const [empty, loaded, withLib, flushed, noLib] = infos;
      return {
        names: infos.map((m) => [...m.keys()]),
        consistent: infos.every((m) => m.get('used_memory_lua') === m.get('used_memory_vm_eval') && n(m, 'used_memory_vm_total') === n(m, 'used_memory_vm_eval') + n(m, 'used_memory_vm_functions') && n(m, 'used_memory_scripts') === n(m, 'used_memory_scripts_eval') + n(m, 'used_memory_functions')),
        cached: infos.map((m) => m.get('number_of_cached_scripts')),
        functions: infos.map((m) => [m.get('number_of_functions'), m.get('number_of_libraries')]),
        scriptLoad: { scriptsEval: n(loaded, 'used_memory_scripts_eval') >= n(empty, 'used_memory_scripts_eval') + body.length, vmEval: n(loaded, 'used_memory_vm_eval') > n(empty, 'used_memory_vm_eval') },
        functionLoad: { functions: n(withLib, 'used_memory_functions') >= n(loaded, 'used_memory_functions') + lib.length, vmFunctions: n(withLib, 'used_memory_vm_functions') > n(loaded, 'used_memory_vm_functions'), vmEval: n(withLib, 'used_memory_vm_eval') === n(loaded, 'used_memory_vm_eval') },
        scriptFlush: { scriptsEval: n(flushed, 'used_memory_scripts_eval'), vmEval: n(flushed, 'used_memory_vm_eval') < n(withLib, 'used_memory_vm_eval'), functions: n(flushed, 'used_memory_functions') === n(withLib, 'used_memory_functions') },
        // SCRIPT FLUSH makes a new eval VM; FUNCTION FLUSH keeps the functions' VM, whose memory Lua's collector gives back when it runs.
        functionFlush: { functions: n(noLib, 'used_memory_functions') === n(empty, 'used_memory_functions'), vmFunctions: n(noLib, 'used_memory_vm_functions') <= n(withLib, 'used_memory_vm_functions') },
      };
    };
    const expected = summary(redis);
    expect(expected).toMatchObject({
      consistent: true,
      cached: ['0', '1', '1', '0', '0'],
      scriptLoad: { scriptsEval: true, vmEval: true },
      functionLoad: { functions: true, vmFunctions: true },
      scriptFlush: { scriptsEval: 0, vmEval: true },
      functionFlush: { functions: true, vmFunctions: true },
    });
    expect(summary(ferrous)).toEqual(expected);
  });
});
