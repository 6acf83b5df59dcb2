import { command } from '../../helpers/raw-client';
import { useBlockingClients, useRecorder, useServer } from '../../helpers/fixtures';
import { RdbInput, RdbOutput, RdbType } from '../../../kernel';
import { streamCodec } from '../../../modules/streams/codec';
import { idOf, MIN_ID } from '../../../modules/streams/id';
import { Stream } from '../../../modules/streams/stream';

const BIN = 'k\x00\r\n\xff';

describe('streams module', () => {
  const f = useServer();
  const rec = useRecorder(f);
  const { client, blocked } = useBlockingClients(f);

  it('ioredis: a producer/consumer round trip with a consumer group', async () => {
    const io = f.io;
    const id = await io.xadd('jobs', '*', 'task', 'a', 'n', '1');
    expect(id).toMatch(/^\d+-0$/);
    await io.xadd('jobs', '*', 'task', 'b', 'n', '2');
    expect(await io.xlen('jobs')).toBe(2);
    expect(await io.xgroup('CREATE', 'jobs', 'workers', '0')).toBe('OK');
    const read = (await io.xreadgroup('GROUP', 'workers', 'w1', 'COUNT', '10', 'STREAMS', 'jobs', '>')) as [string, [string, string[]][]][];
    expect(read[0][0]).toBe('jobs');
    expect(read[0][1].map(([, fields]) => fields)).toEqual([
      ['task', 'a', 'n', '1'],
      ['task', 'b', 'n', '2'],
    ]);
    expect(await io.xack('jobs', 'workers', read[0][1][0][0])).toBe(1);
    const pending = (await io.xpending('jobs', 'workers')) as unknown[];
    expect(pending[0]).toBe(1);
    expect(await io.xrange('jobs', '-', '+', 'COUNT', 1)).toEqual([[id, ['task', 'a', 'n', '1']]]);
  });

  it('node-redis: typed stream commands, RESP2 and RESP3', async () => {
    const nr = f.nr;
    await nr.xAdd('ev', '1-1', { a: '1' });
    await nr.xAdd('ev', '2-1', { b: '2' });
    expect(await nr.xLen('ev')).toBe(2);
    expect(await nr.xRange('ev', '-', '+')).toEqual([
      { id: '1-1', message: { a: '1' } },
      { id: '2-1', message: { b: '2' } },
    ]);
    await nr.xGroupCreate('ev', 'g', '0');
    const got = await nr.xReadGroup('g', 'c', { key: 'ev', id: '>' }, { COUNT: 1 });
    expect(JSON.stringify(got)).toContain('1-1');
    const info = await nr.xInfoStream('ev');
    expect(info.length).toBe(2);
    const nr3 = await f.nodeRedis({ RESP: 3 });
    const groups = await nr3.xInfoGroups('ev');
    expect(JSON.stringify(groups)).toContain('"name":"g"');
  });

  it('keyspace events and propagation: XADD with its concrete ID, XREADGROUP as XCLAIM', async () => {
    await f.raw.call('XADD', 's', '5-*', 'f', 'v');
    await f.raw.call('XGROUP', 'CREATE', 's', 'g', '0');
    await f.raw.call('XREADGROUP', 'GROUP', 'g', 'c', 'STREAMS', 's', '>');
    await f.raw.call('XSETID', 's', '9-0');
    await f.raw.call('XDEL', 's', '5-0');
    expect(rec.events).toEqual(['t:xadd:s', 't:xgroup-create:s', 't:xgroup-createconsumer:s', 't:xsetid:s', 't:xdel:s']);
    expect(rec.propagated[0]).toEqual(['XADD', 's', '5-0', 'f', 'v']);
    expect(rec.propagated[2].slice(0, 6)).toEqual(['XCLAIM', 's', 'g', 'c', '0', '5-0']);
  });

  it('binary keys, fields and values round-trip', async () => {
    expect(await f.raw.call('XADD', BIN, '1-0', BIN, BIN, '', '\x00')).toBe('$3\r\n1-0\r\n');
    expect(await f.raw.call('XRANGE', BIN, '-', '+')).toBe(`*1\r\n*2\r\n$3\r\n1-0\r\n*4\r\n$5\r\n${BIN}\r\n$5\r\n${BIN}\r\n$0\r\n\r\n$1\r\n\x00\r\n`);
  });

  it('bad input: arity, wrong type, invalid IDs, huge counts; nothing stored is lost', async () => {
    await f.raw.call('XADD', 's', '1-0', 'a', '1');
    await f.raw.call('SET', 'str', 'v');
    expect(await f.raw.call('XADD', 's')).toBe("-ERR wrong number of arguments for 'xadd' command\r\n");
    expect(await f.raw.call('XADD', 's', '2-0', 'a')).toBe("-ERR wrong number of arguments for 'xadd' command\r\n");
    expect(await f.raw.call('XLEN', 'str')).toBe('-WRONGTYPE Operation against a key holding the wrong kind of value\r\n');
    expect(await f.raw.call('XADD', 's', '1-0-0', 'a', '1')).toBe('-ERR Invalid stream ID specified as stream command argument\r\n');
    expect(await f.raw.call('XADD', 's', 'x'.repeat(200), 'a', '1')).toBe('-ERR Invalid stream ID specified as stream command argument\r\n');
    expect(await f.raw.call('XRANGE', 's', '-', '+', 'COUNT', '9223372036854775807')).toBe('*1\r\n*2\r\n$3\r\n1-0\r\n*2\r\n$1\r\na\r\n$1\r\n1\r\n');
    expect(await f.raw.call('XRANGE', 's', '-', '+', 'COUNT', '9223372036854775808')).toBe('-ERR value is not an integer or out of range\r\n');
    expect(await f.raw.call('XREAD', 'COUNT', '9223372036854775807', 'STREAMS', 's', '0')).toMatch(/^\*1\r\n/);
    expect(await f.raw.call('XTRIM', 's', 'MAXLEN', '9223372036854775807')).toBe(':0\r\n');
    expect(await f.raw.call('XAUTOCLAIM', 's', 'g', 'c', '0', '0', 'COUNT', '576460752303423487')).toMatch(/^-NOGROUP/);
    expect(await f.raw.call('XLEN', 's')).toBe(':1\r\n');
    expect(await f.raw.call('GET', 'str')).toBe('$1\r\nv\r\n');
  });

  it('IDs stored as deltas and whole (past 2^53) in one node: seeks, bounds, replies, generated IDs', async () => {
    const io = f.io;
    const big = '9007199254740993';
    for (const [id, v] of [['5-1', '1'], [`5-${big}`, '2'], ['6-0', '3'], [`${big}-0`, '4']]) await io.call('XADD', 'w', id, 'f', v);
    expect(await io.call('XADD', 'w', `${big}-*`, 'f', '5')).toBe(`${big}-1`);
    expect(await io.call('XADD', 'w', '*', 'f', '6')).toBe(`${big}-2`);
    const all = [
      ['5-1', ['f', '1']],
      [`5-${big}`, ['f', '2']],
      ['6-0', ['f', '3']],
      [`${big}-0`, ['f', '4']],
      [`${big}-1`, ['f', '5']],
      [`${big}-2`, ['f', '6']],
    ];
    expect(await io.call('XRANGE', 'w', '5-2', '+')).toEqual(all.slice(1));
    expect(await io.call('XRANGE', 'w', '(5-1', '6')).toEqual(all.slice(1, 3));
    expect(await io.call('XRANGE', 'w', `5-${big}`, `${big}-0`)).toEqual(all.slice(1, 4));
    expect(await io.call('XREVRANGE', 'w', big, '(6-0')).toEqual(all.slice(3).reverse());
    expect(await io.call('XREVRANGE', 'w', '6', '-', 'COUNT', '2')).toEqual([all[2], all[1]]);
    expect(await io.call('XRANGE', 'w', '7', '8')).toEqual([]);
    await io.call('XGROUP', 'CREATE', 'w', 'g', '5-1');
    expect(await io.call('XREADGROUP', 'GROUP', 'g', 'c', 'COUNT', '3', 'STREAMS', 'w', '>')).toEqual([['w', all.slice(1, 4)]]);
    expect(await io.call('XACK', 'w', 'g', `5-${big}`, '6-0', `${big}-0`, '6-0')).toBe(3);
    expect(await f.raw.call('XRANGE', 'w', '5-x', '+')).toBe('-ERR Invalid stream ID specified as stream command argument\r\n');
    expect(await f.raw.call('XADD', 'w', '*', 'f')).toBe("-ERR wrong number of arguments for 'xadd' command\r\n");
    expect(await io.call('XLEN', 'w')).toBe(6);
  });

  it('XREAD BLOCK is served by XADD; XREADGROUP BLOCK inside MULTI answers at once', async () => {
    const w = await client();
    w.write(command('XREAD', 'BLOCK', '0', 'STREAMS', 's', '$'));
    await blocked(1);
    await f.raw.call('XADD', 's', '1-0', 'f', 'v');
    expect(await w.read()).toBe('*1\r\n*2\r\n$1\r\ns\r\n*1\r\n*2\r\n$3\r\n1-0\r\n*2\r\n$1\r\nf\r\n$1\r\nv\r\n');
    await f.raw.call('XGROUP', 'CREATE', 's', 'g', '$');
    await f.raw.call('MULTI');
    await f.raw.call('XREADGROUP', 'GROUP', 'g', 'c', 'BLOCK', '0', 'STREAMS', 's', '>');
    expect(await f.raw.call('EXEC')).toBe('*1\r\n*-1\r\n');
  });

  it('a blocked XREADGROUP served by XADD propagates its XCLAIM after the XADD', async () => {
    await f.raw.call('XGROUP', 'CREATE', 's', 'g', '$', 'MKSTREAM');
    const w = await client();
    w.write(command('XREADGROUP', 'GROUP', 'g', 'c', 'BLOCK', '0', 'STREAMS', 's', '>'));
    await blocked(1);
    rec.propagated = [];
    await f.raw.call('XADD', 's', '3-0', 'f', 'v');
    expect(await w.read()).toMatch(/3-0/);
    expect(rec.propagated.map((a) => a[0])).toEqual(['XADD', 'XCLAIM']);
  });

  it('TYPE, OBJECT ENCODING, MEMORY USAGE; COPY is a deep copy', async () => {
    await f.raw.call('XADD', 's', '1-0', 'a', '1');
    await f.raw.call('XGROUP', 'CREATE', 's', 'g', '0');
    expect(await f.raw.call('TYPE', 's')).toBe('+stream\r\n');
    expect(await f.raw.call('OBJECT', 'ENCODING', 's')).toBe('$6\r\nstream\r\n');
    expect(await f.raw.call('MEMORY', 'USAGE', 's')).toMatch(/^:\d+\r\n$/);
    await f.raw.call('COPY', 's', 'c');
    await f.raw.call('XREADGROUP', 'GROUP', 'g', 'x', 'STREAMS', 'c', '>');
    expect(await f.raw.call('XPENDING', 's', 'g')).toBe('*4\r\n:0\r\n$-1\r\n$-1\r\n*-1\r\n');
    expect(await f.raw.call('XPENDING', 'c', 'g')).toMatch(/^\*4\r\n:1\r\n/);
  });

  it('runs hot: 200k XADD/XRANGE/XREADGROUP/XACK calls keep the stream consistent', async () => {
    const io = f.io;
    await io.xgroup('CREATE', 'hot', 'g', '$', 'MKSTREAM');
    let acked = 0;
    for (let round = 0; round < 100; round++) {
      const p = io.pipeline();
      for (let i = 0; i < 1000; i++) p.xadd('hot', 'MAXLEN', '~', '5000', '*', 'i', String(i), 'r', String(round));
      for (let i = 0; i < 250; i++) p.xrange('hot', '-', '+', 'COUNT', 10);
      for (let i = 0; i < 250; i++) p.xlen('hot');
      p.xreadgroup('GROUP', 'g', 'c', 'COUNT', '500', 'STREAMS', 'hot', '>');
      const res = (await p.exec())!;
      const read = res[res.length - 1][1] as [string, [string, string[]][]][];
      const ids = read[0][1].map(([id]) => id);
      acked += (await io.xack('hot', 'g', ...ids)) as number;
    }
    expect(acked).toBe(50000);
    const len = await io.xlen('hot');
    expect(len).toBeGreaterThanOrEqual(5000);
    expect(len).toBeLessThan(5100);
    const all = await io.xrange('hot', '-', '+');
    expect(all).toHaveLength(len);
    for (let i = 1; i < all.length; i++) expect(all[i][0] > all[i - 1][0] || all[i][0].length > all[i - 1][0].length).toBe(true);
  }, 120000);

  it('keeps the byte total of its nodes (MEMORY USAGE) through appends, trims, deletes, copies and reloads', () => {
    // A closed node's offsets are a view at the end of its buffer.
    const sum = (x: Stream): number => x.nodes.reduce((n, node) => n + node.buf.length + (node.offs.buffer === node.buf.buffer ? 0 : node.offs.byteLength), 0);
    const s = new Stream();
    const limits = { maxBytes: 4096, maxEntries: 100 };
    for (let i = 1; i <= 3000; i++) {
      // Values growing past the tail's room (its buffer regrows) and entries of other fields.
      const argv = i % 9 === 0 ? ['other', 'x'.repeat(i % 700)] : ['f', 'v'.repeat(i % 50), 'n', String(i)];
      s.append(null, argv, 0, limits, argv.join('').length, i, i % 3);
      if (i % 500 === 0) expect(s.nodeBytes).toBe(sum(s));
    }
    expect(s.nodes.length).toBeGreaterThan(30);
    s.trim(1, 2000, MIN_ID, true, 0);
    expect(s.nodeBytes).toBe(sum(s));
    const node = s.nodes[3];
    const ids: string[] = [];
    for (let i = 0; i < node.n; i++) ids.push(node.idAt(i));
    for (const id of ids) expect(s.delete(id)).toBe(true);
    expect(s.nodeBytes).toBe(sum(s));
    // The last node deleted whole: the closed one before it takes appends again, past its room.
    const last = s.nodes[s.nodes.length - 1];
    for (let i = 0; i < last.n; i++) if (!last.isDeleted(i)) s.delete(last.idAt(i));
    for (let i = 3001; i <= 3150; i++) {
      const argv = ['f', 'v'.repeat(i % 50), 'n', String(i)];
      s.append(null, argv, 0, { maxBytes: 0, maxEntries: 0 }, argv.join('').length, i, 0);
    }
    expect(s.nodeBytes).toBe(sum(s));
    const tail = s.nodes[s.nodes.length - 1];
    expect(tail.pairs(0)).toEqual(s.get(tail.idAt(0)));
    expect(s.get(idOf(3149, 0))).toEqual(['f', 'v'.repeat(3149 % 50), 'n', '3149']);
    const copy = s.clone();
    expect(copy.nodeBytes).toBe(sum(copy));
    const out = new RdbOutput(false);
    streamCodec.save(out, s);
    const loaded = streamCodec.load(new RdbInput(out.take()), RdbType.StreamListpacks2) as Stream;
    expect(loaded.nodeBytes).toBe(sum(loaded));
    expect(loaded.length).toBe(s.length);
  });
});
