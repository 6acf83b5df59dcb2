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
});
