import { useCompat } from '../helpers/compat';
import { decode, type Decoded } from '../helpers/resp-reader';

/**
 * Redis lists a container's subcommands in its dict's hash order; compare them by name, and
 * only those Ferrous registers (a module may implement part of a container).
 */
function normalizeInfo(d: Decoded, keep: Set<string>): Decoded {
  if (!Array.isArray(d) || !Array.isArray(d[9])) return d;
  const subs = (d[9] as Decoded[][]).filter((s) => keep.has(s[0] as string)).sort((a, b) => String(a[0]).localeCompare(String(b[0])));
  return [...d.slice(0, 9), subs];
}

function isMap(d: Decoded): d is { map: [Decoded, Decoded][] } {
  return d !== null && typeof d === 'object' && !Array.isArray(d) && 'map' in d;
}

function normalizeDocs(d: Decoded, keep: Set<string>): Decoded {
  if (!isMap(d)) return d;
  return {
    map: d.map.map(([k, v]): [Decoded, Decoded] => {
      if (k !== 'subcommands' || !isMap(v)) return [k, v];
      const subs = v.map.filter(([name]) => keep.has(name as string)).sort((a, b) => String(a[0]).localeCompare(String(b[0])));
      return [k, { map: subs }];
    }),
  };
}

describe('server commands vs Redis 7.0', () => {
  const h = useCompat();

  it('CONFIG SET with several pairs applies all or none; CONFIG GET with several patterns (compared as maps: Redis lists them in hash order)', async () => {
    const cmds: string[][] = [
      ['CONFIG', 'SET', 'hz', '20', 'timeout', '5', 'slowlog-max-len', '64'],
      ['CONFIG', 'GET', 'hz', 'timeout', 'slowlog-max-len'],
      ['CONFIG', 'SET', 'hz', '30', 'timeout', '-1'],
      ['CONFIG', 'SET', 'hz', '30', 'HZ', '40'],
      ['CONFIG', 'SET', 'timeout', '7', 'databases', '3'],
      ['CONFIG', 'SET', 'hz', '30', 'nosuch', '1'],
      ['CONFIG', 'SET', 'hz', '30', 'timeout'],
      ['CONFIG', 'SET', 'hz', '30', 'notify-keyspace-events', 'Q'],
      ['CONFIG', 'GET', 'hz', 'timeout', 'notify-keyspace-events'],
      ['CONFIG', 'GET', 'slowlog*', 'HZ', 'hz', 'slowlog-max-len', 'nosuch', 'zset-max-*-entries'],
      ['CONFIG', 'GET', 'list-max-ziplist-size', 'list-max-listpack-size', 'LIST-MAX-*'],
      ['CONFIG', 'SET', 'hz', '10', 'timeout', '0', 'slowlog-max-len', '128'],
      ['CONFIG', 'GET', 'hz', 'timeout', 'slowlog-max-len'],
    ];
    const { ferrous, redis } = await h.both(cmds);
    // A map reply's pairs, sorted; other replies as they are.
    const pairs = (raw: string): unknown => {
      const d = decode(raw);
      if (!Array.isArray(d)) return d;
      const out: string[] = [];
      for (let i = 0; i < d.length; i += 2) out.push(`${String(d[i])}=${String(d[i + 1])}`);
      return out.sort();
    };
    expect(ferrous.map(pairs)).toEqual(redis.map(pairs));
  });

  it("Redis's hidden parameters: read and set by name, never listed by a pattern", async () => {
    const hidden = ['key-load-delay', 'rdb-key-save-delay', 'loading-process-events-interval-bytes', 'use-exit-on-panic'];
    const cmds: string[][] = [
      ['CONFIG', 'GET', ...hidden],
      ['CONFIG', 'GET', '*'],
      ['CONFIG', 'GET', '*delay*', 'use-*'],
      ['CONFIG', 'SET', 'key-load-delay', '10', 'rdb-key-save-delay', '-5', 'use-exit-on-panic', 'yes'],
      ['CONFIG', 'GET', ...hidden],
      ['CONFIG', 'SET', 'loading-process-events-interval-bytes', '100'],
      ['CONFIG', 'SET', 'key-load-delay', 'x'],
      ['CONFIG', 'SET', 'key-load-delay', '0', 'rdb-key-save-delay', '0', 'use-exit-on-panic', 'no'],
    ];
    const { ferrous, redis } = await h.both(cmds);
    /** Map replies as sorted pairs; CONFIG GET * as which hidden names it listed. */
    const view = (raw: string, i: number): unknown => {
      const d = decode(raw);
      if (!Array.isArray(d)) return d;
      const names = d.filter((_, j) => j % 2 === 0).map(String);
      if (cmds[i][2] === '*') return hidden.filter((n) => names.includes(n));
      return d.map(String).reduce<string[]>((out, v, j) => (j % 2 === 0 ? [...out, `${v}=${String(d[j + 1])}`] : out), []).sort();
    };
    expect(redis.map(view)[0]).toHaveLength(hidden.length);
    expect(ferrous.map(view)).toEqual(redis.map(view));
  });

  it('FLUSHALL, FLUSHDB and DBSIZE', async () => {
    await h.same(
      ['SET', 'a', '1'],
      ['SET', 'b', '2'],
      ['DBSIZE'],
      ['SELECT', '1'],
      ['SET', 'c', '3'],
      ['DBSIZE'],
      ['FLUSHDB'],
      ['DBSIZE'],
      ['SELECT', '0'],
      ['DBSIZE'],
      ['FLUSHDB', 'ASYNC'],
      ['DBSIZE'],
      ['SET', 'a', '1'],
      ['FLUSHALL', 'sync'],
      ['DBSIZE'],
      ['FLUSHALL', 'foo'],
      ['FLUSHALL', 'sync', 'async'],
      ['FLUSHDB', 'bar'],
      ['FLUSHDB', 'SYNC', 'x'],
      ['DBSIZE', 'x'],
    );
  });

  it('TIME, SHUTDOWN and CONFIG errors', async () => {
    await h.same(
      ['TIME', 'x'],
      ['SHUTDOWN', 'foo'],
      ['SHUTDOWN', 'ABORT'],
      ['SHUTDOWN', 'NOSAVE', 'ABORT'],
      ['SHUTDOWN', 'SAVE', 'NOSAVE'],
      ['CONFIG'],
      ['CONFIG', 'NOSUCH'],
      ['CONFIG', 'GET'],
      ['CONFIG', 'SET', 'maxclients'],
      ['CONFIG', 'SET', 'maxclients', '100', 'hz'],
      ['CONFIG', 'SET', 'nosuchparam', '1'],
      ['CONFIG', 'SET', 'maxclients', '100', 'maxclients', '200'],
      ['CONFIG', 'SET', 'databases', '4'],
      ['CONFIG', 'SET', 'hz', 'abc'],
      ['CONFIG', 'SET', 'hz', '20', 'maxclients', 'x'],
      ['CONFIG', 'GET', 'hz'],
      ['CONFIG', 'SET', 'hz', '20', 'maxclients', '5000'],
      ['CONFIG', 'GET', 'hz'],
      ['CONFIG', 'GET', 'maxclients'],
      ['CONFIG', 'GET', 'MAXCLIENTS'],
      ['CONFIG', 'GET', 'no-such-*'],
      ['CONFIG', 'GET', 'nosuch'],
      ['CONFIG', 'SET', 'hz', '10', 'maxclients', '10000'],
      ['CONFIG', 'RESETSTAT'],
      ['CONFIG', 'RESETSTAT', 'x'],
      ['CONFIG', 'HELP'],
    );
    await h.same3(['CONFIG', 'GET', 'maxclients'], ['CONFIG', 'GET', 'nosuch']);
  });

  it('COMMAND subcommands: HELP, COUNT arity, GETKEYS, LIST filters, unknown names', async () => {
    await h.same(
      ['COMMAND', 'HELP'],
      ['COMMAND', 'NOSUCH'],
      ['COMMAND', 'COUNT', 'x'],
      ['COMMAND', 'GETKEYS'],
      ['COMMAND', 'GETKEYS', 'get'],
      ['COMMAND', 'GETKEYS', 'get', 'a'],
      ['COMMAND', 'GETKEYS', 'GET', 'a', 'b'],
      ['COMMAND', 'GETKEYS', 'nosuch', 'a'],
      ['COMMAND', 'GETKEYS', 'ping', 'a'],
      ['COMMAND', 'GETKEYS', 'mset', 'a', '1', 'b', '2'],
      ['COMMAND', 'GETKEYS', 'del', 'a', 'b', 'c'],
      ['COMMAND', 'GETKEYS', 'copy', 'a', 'b'],
      ['COMMAND', 'GETKEYS', 'config', 'get', 'x'],
      ['COMMAND', 'GETKEYS', 'config', 'nosuch', 'x'],
      ['COMMAND', 'GETKEYSANDFLAGS', 'get', 'k'],
      ['COMMAND', 'GETKEYSANDFLAGS', 'del', 'a', 'b'],
      ['COMMAND', 'GETKEYSANDFLAGS', 'rename', 'a', 'b'],
      ['COMMAND', 'LIST', 'FILTERBY', 'nosuch', 'x'],
      ['COMMAND', 'LIST', 'FILTERBY', 'module', 'nosuch'],
      ['COMMAND', 'LIST', 'FILTERBY'],
      ['COMMAND', 'LIST', 'x'],
      ['COMMAND', 'LIST', 'FILTERBY', 'aclcat', 'nosuch'],
      ['COMMAND', 'INFO', 'nosuch', 'get', 'GET', 'get|x', 'config|get|x'],
      ['COMMAND', 'DOCS', 'nosuch'],
      ['COMMAND', 'DOCS', 'nosuch', 'get'],
    );
  });

  it('COMMAND LIST filters by pattern and ACL category like Redis, for the commands Ferrous has', async () => {
    const { ferrous, redis } = await h.both([
      ['COMMAND', 'LIST'],
      ['COMMAND', 'LIST', 'FILTERBY', 'pattern', 'config*'],
      ['COMMAND', 'LIST', 'FILTERBY', 'aclcat', 'keyspace'],
    ]);
    const [fAll, fPat, fCat] = ferrous.map((r) => decode(r) as string[]);
    const [, rPat, rCat] = redis.map((r) => decode(r) as string[]);
    const ours = new Set(fAll);
    expect(fPat.sort()).toEqual(rPat.filter((n) => ours.has(n)).sort());
    expect(fCat.sort()).toEqual(rCat.filter((n) => ours.has(n)).sort());
  });

  /** Every command and subcommand Ferrous registers, from its own registry (COMMAND LIST). */
  async function registered(): Promise<string[]> {
    const { ferrous } = await h.both([['COMMAND', 'LIST']]);
    return (decode(ferrous[0]) as string[]).sort();
  }

  it('COMMAND INFO and COMMAND DOCS match Redis byte for byte for every command Ferrous implements (RESP3)', async () => {
    const names = await registered();
    const keep = new Set(names);
    const cmds = names.flatMap((n) => [['COMMAND', 'INFO', n], ['COMMAND', 'DOCS', n]]);
    const { ferrous, redis } = await h.both(cmds, 3);
    const mismatches: string[] = [];
    cmds.forEach((cmd, i) => {
      if (redis[i] === ferrous[i]) return;
      const r = decode(redis[i]);
      // Commands Redis does not have (plugins) are not compared.
      if ((Array.isArray(r) && r[0] === null) || (typeof r === 'object' && r !== null && 'map' in r && r.map.length === 0)) return;
      const f = decode(ferrous[i]);
      const norm = (d: Decoded): Decoded =>
        cmd[1] === 'INFO'
          ? (d as Decoded[]).map((x) => normalizeInfo(x, keep))
          : { map: (d as { map: [Decoded, Decoded][] }).map.map(([k, v]): [Decoded, Decoded] => [k, normalizeDocs(v, keep)]) };
      if (JSON.stringify(norm(f), bigintSafe) !== JSON.stringify(norm(r), bigintSafe)) {
        mismatches.push(`${cmd.join(' ')}\n  redis:   ${redis[i]}\n  ferrous: ${ferrous[i]}`);
      }
    });
    expect(mismatches).toEqual([]);
    expect(names.length).toBeGreaterThan(10);
  });

  it('COMMAND INFO and COMMAND DOCS match Redis byte for byte in RESP2 (containers are covered per subcommand)', async () => {
    const names = await registered();
    const plain = names.filter((n) => !names.some((m) => m.startsWith(`${n}|`)));
    const cmds = plain.flatMap((n) => [['COMMAND', 'INFO', n], ['COMMAND', 'DOCS', n]]);
    const { ferrous, redis } = await h.both(cmds, 2);
    const mismatches = cmds
      .map((cmd, i) => ({ cmd: cmd.join(' '), redis: redis[i], ferrous: ferrous[i] }))
      .filter((m) => m.redis !== m.ferrous && m.redis !== '*1\r\n$-1\r\n' && m.redis !== '*0\r\n');
    expect(mismatches).toEqual([]);
  });

  it('COMMAND COUNT and COMMAND (all) agree with COMMAND LIST', async () => {
    const { ferrous } = await h.both([['COMMAND', 'COUNT'], ['COMMAND'], ['COMMAND', 'INFO'], ['COMMAND', 'LIST']]);
    const [count, all, info, list] = ferrous.map(decode);
    const top = (list as string[]).filter((n) => !n.includes('|'));
    expect(count).toBe(top.length);
    expect((all as Decoded[][]).map((c) => c[0]).sort()).toEqual(top.sort());
    expect(info).toEqual(all);
  });
});

function bigintSafe(_k: string, v: unknown): unknown {
  return typeof v === 'bigint' ? v.toString() : v;
}
