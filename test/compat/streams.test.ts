import { useCompat } from '../helpers/compat';

const BIN = 'a\x00b\r\nc\xff';

/** XADD key id field value, for building streams with explicit IDs. */
function adds(key: string, ids: string[], ...pairs: string[]): string[][] {
  return ids.map((id) => ['XADD', key, id, ...(pairs.length > 0 ? pairs : ['f', id])]);
}

describe('streams vs redis-server 7.0', () => {
  const h = useCompat();

  it('XADD: explicit, <ms>-*, NOMKSTREAM, top-item and 0-0 errors, arity, wrong type', async () => {
    await h.same(
      ['XADD', 's', '1-1', 'a', '1', 'b', '2'],
      ['XADD', 's', '1-1', 'a', '1'],
      ['XADD', 's', '1-0', 'a', '1'],
      ['XADD', 's', '0-0', 'a', '1'],
      ['XADD', 'new', '0-0', 'a', '1'],
      ['XADD', 'new', '0', 'a', '1'],
      ['EXISTS', 'new'],
      ['XADD', 'new', '0-*', 'a', '1'],
      ['XADD', 's', '1-*', 'a', '1'],
      ['XADD', 's', '5-*', 'c', '3'],
      ['XADD', 's', '5', 'c', '3'],
      ['XADD', 's', '6', 'c', '3'],
      ['XADD', 's', 'NOMKSTREAM', '7-0', 'x', 'y'],
      ['XADD', 'none', 'NOMKSTREAM', '7-0', 'x', 'y'],
      ['EXISTS', 'none'],
      ['XADD', 's', '8-0', 'a'],
      ['XADD', 's', '8-0', 'a', '1', 'b'],
      ['XADD', 's', 'abc', 'a', '1'],
      ['XADD', 's', '1-2-3', 'a', '1'],
      ['XADD', 's', '-', 'a', '1'],
      ['XADD', 's', '+', 'a', '1'],
      ['XADD', 's', '-5', 'a', '1'],
      ['XADD', 's', '18446744073709551616-0', 'a', '1'],
      ['XADD', 's', '9-18446744073709551616', 'a', '1'],
      ['XADD', 's', ' 9-1', 'a', '1'],
      ['XADD', 's', '+10-1', 'a', '1'],
      ['XADD', 's', '011-01', 'a', '1'],
      ['XADD', 's', '12-*1', 'a', '1'],
      ['XADD', 's', '12-', 'a', '1'],
      ['XADD', 's'],
      ['XADD', 's', '*'],
      ['XADD', 's', '*', 'a'],
      ['SET', 'str', 'v'],
      ['XADD', 'str', '1-1', 'a', '1'],
      ['XLEN', 's'],
      ['XLEN', 'str'],
      ['XLEN', 'none'],
      ['XRANGE', 's', '-', '+'],
      ['TYPE', 's'],
      ['OBJECT', 'ENCODING', 's'],
    );
  });

  it('64-bit IDs: the largest ms and seq, exhaustion, wrap into the next ms', async () => {
    await h.same(
      ['XADD', 's', '18446744073709551614-18446744073709551615', 'a', '1'],
      ['XADD', 's', '18446744073709551614-*', 'a', '1'],
      ['XADD', 's', '*', 'a', '1'],
      ['XADD', 's', '18446744073709551615-*', 'a', '1'],
      ['XADD', 's', '18446744073709551615-18446744073709551615', 'a', '1'],
      ['XADD', 's', '*', 'a', '1'],
      ['XADD', 's', '18446744073709551615-*', 'a', '1'],
      ['XRANGE', 's', '-', '+'],
      ['XREVRANGE', 's', '+', '-', 'COUNT', '2'],
      ['XRANGE', 's', '(18446744073709551615-18446744073709551615', '+'],
      ['XRANGE', 's', '-', '(0-0'],
      ['XRANGE', 's', '18446744073709551614', '18446744073709551614'],
      ['XINFO', 'STREAM', 's'],
      ['XADD', 't', '9007199254740993-9007199254740993', 'a', '1'],
      ['XADD', 't', '9007199254740993-*', 'a', '1'],
      ['XRANGE', 't', '9007199254740993-9007199254740994', '+'],
      ['XADD', 'u', '4294967296-4294967295', 'a', '1'],
      ['XADD', 'u', '4294967296-*', 'a', '1'],
      ['XADD', 'u', '4294967297', 'a', '1'],
      ['XRANGE', 'u', '(4294967296-4294967295', '+'],
      ['XREVRANGE', 'u', '(4294967297-0', '-'],
    );
  });

  it('XRANGE / XREVRANGE: bounds, exclusive ranges, COUNT, errors', async () => {
    const cmds = [
      ...adds('s', ['1-1', '1-2', '2-0', '3-5', '10-0', '10-1', '11-0']),
      ['XRANGE', 's', '-', '+'],
      ['XRANGE', 's', '1', '2'],
      ['XRANGE', 's', '(1-1', '(10-1'],
      ['XRANGE', 's', '(1', '+'],
      ['XRANGE', 's', '2', '1'],
      ['XRANGE', 's', '-', '+', 'COUNT', '2'],
      ['XRANGE', 's', '-', '+', 'COUNT', '0'],
      ['XRANGE', 's', '-', '+', 'COUNT', '-1'],
      ['XRANGE', 's', '-', '+', 'count', '100', 'COUNT', '1'],
      ['XRANGE', 's', '-', '+', 'COUNT'],
      ['XRANGE', 's', '-', '+', 'COUNT', 'x'],
      ['XRANGE', 's', '-', '+', 'LIMIT', '1'],
      ['XRANGE', 's', '(-', '+'],
      ['XRANGE', 's', '(', '+'],
      ['XRANGE', 's', 'x', '+'],
      ['XRANGE', 's', '-', 'y'],
      ['XRANGE', 'none', '-', '+'],
      ['XRANGE', 'none', '-', '+', 'COUNT', '0'],
      ['XREVRANGE', 's', '+', '-'],
      ['XREVRANGE', 's', '10', '2'],
      ['XREVRANGE', 's', '(10-1', '(1-2', 'COUNT', '2'],
      ['XREVRANGE', 's', '-', '+'],
      ['XREVRANGE', 's', '+', '-', 'COUNT', '0'],
      ['XREVRANGE', 's', '+', '(18446744073709551615-18446744073709551615'],
      ['SET', 'str', 'v'],
      ['XRANGE', 'str', '-', '+'],
      ['XRANGE', 's', '-'],
    ];
    await h.same(...cmds);
    await h.same3(...cmds);
  });

  it('XDEL, first/last IDs, max deleted ID, emptied nodes', async () => {
    await h.same(
      ...adds('s', ['1-0', '2-0', '3-0', '4-0', '5-0']),
      ['XDEL', 's', '1-0', '3-0', '9-9'],
      ['XDEL', 's', '2-0', 'bad'],
      ['XDEL', 's', '-'],
      ['XLEN', 's'],
      ['XINFO', 'STREAM', 's'],
      ['XDEL', 's', '2-0', '4-0', '5-0'],
      ['XINFO', 'STREAM', 's'],
      ['XADD', 's', '3-0', 'a', '1'],
      ['XADD', 's', '6-0', 'a', '1'],
      ['XINFO', 'STREAM', 's'],
      ['XDEL', 'none', '1-0'],
      ['SET', 'str', 'v'],
      ['XDEL', 'str', '1-0'],
      ['XDEL', 's'],
    );
  });

  it('XTRIM and XADD trimming: MAXLEN/MINID, = and ~, LIMIT, errors', async () => {
    const many: string[][] = [];
    for (let i = 1; i <= 350; i++) many.push(['XADD', 's', `${i}-0`, 'f', String(i)]);
    await h.same(
      ...many,
      ['XINFO', 'STREAM', 's'],
      ['XTRIM', 's', 'MAXLEN', '~', '300'],
      ['XLEN', 's'],
      ['XTRIM', 's', 'MAXLEN', '~', '120', 'LIMIT', '50'],
      ['XLEN', 's'],
      ['XTRIM', 's', 'MAXLEN', '~', '120', 'LIMIT', '100'],
      ['XLEN', 's'],
      ['XTRIM', 's', 'MAXLEN', '=', '180'],
      ['XLEN', 's'],
      ['XTRIM', 's', 'MINID', '~', '200'],
      ['XLEN', 's'],
      ['XTRIM', 's', 'MINID', '205-0'],
      ['XRANGE', 's', '-', '+', 'COUNT', '1'],
      ['XTRIM', 's', 'MINID', '~', '310', 'LIMIT', '0'],
      ['XLEN', 's'],
      ['XTRIM', 's', 'MAXLEN', '0'],
      ['XINFO', 'STREAM', 's'],
      ['XTRIM', 'none', 'MAXLEN', '0'],
      ['XTRIM', 's'],
      ['XTRIM', 's', 'MAXLEN'],
      ['XTRIM', 's', 'MAXLEN', '-1'],
      ['XTRIM', 's', 'MAXLEN', 'x'],
      ['XTRIM', 's', 'MINID', 'x'],
      ['XTRIM', 's', 'MAXLEN', '1', 'MINID', '1'],
      ['XTRIM', 's', 'MAXLEN', '1', 'LIMIT', '1'],
      ['XTRIM', 's', 'MAXLEN', '~', '1', 'LIMIT', '-1'],
      ['XTRIM', 's', 'LIMIT', '1'],
      ['XTRIM', 's', 'FOO', '1'],
      ['XADD', 's', 'MAXLEN', '2', '1000-0', 'a', '1'],
      ['XADD', 's', 'MAXLEN', '2', '1001-0', 'a', '1'],
      ['XADD', 's', 'MAXLEN', '2', '1002-0', 'a', '1'],
      ['XRANGE', 's', '-', '+'],
      ['XADD', 's', 'MINID', '1002', '1003-0', 'a', '1'],
      ['XRANGE', 's', '-', '+'],
      ['XADD', 's', 'MAXLEN', '~', '0', '1004-0', 'a', '1'],
      ['XADD', 's', 'LIMIT', '5', '1005-0', 'a', '1'],
      ['XADD', 's', 'MAXLEN', '1', 'LIMIT', '5', '1005-0', 'a', '1'],
      ['XADD', 's', 'MAXLEN', '1', 'MINID', '5', '1005-0', 'a', '1'],
      ['XADD', 's', 'MAXLEN', '-1', '1005-0', 'a', '1'],
      ['XADD', 's', 'MAXLEN', 'x', '1005-0', 'a', '1'],
      ['XADD', 's', 'MAXLEN', '1005-0', 'a', '1'],
      ['XLEN', 's'],
    );
  });

  it('node boundaries follow stream-node-max-bytes and -entries (radix-tree-keys), packed values', async () => {
    const cmds: string[][] = [];
    for (let i = 1; i <= 120; i++) cmds.push(['XADD', 'big', `${i}-0`, 'field', 'x'.repeat(i * 7), 'n', String(i * 1000)]);
    for (let i = 1; i <= 250; i++) cmds.push(['XADD', 'mixed', `${i}-${i}`, ...(i % 3 === 0 ? ['a', '1'] : ['a', String(-i), 'b', String(i * 70000)])]);
    for (let i = 1; i <= 30; i++) cmds.push(['XADD', 'wide', `${i * 1000000007}-0`, 'k', 'v'.repeat(300)]);
    cmds.push(
      ['XINFO', 'STREAM', 'big'],
      ['XINFO', 'STREAM', 'mixed'],
      ['XINFO', 'STREAM', 'wide'],
      ['XTRIM', 'big', 'MAXLEN', '~', '50'],
      ['XTRIM', 'mixed', 'MAXLEN', '~', '50'],
      ['XTRIM', 'wide', 'MAXLEN', '~', '10'],
      ['XINFO', 'STREAM', 'big'],
      ['XINFO', 'STREAM', 'mixed'],
      ['XINFO', 'STREAM', 'wide'],
    );
    await h.same(...cmds);
  });

  it('XSETID with ENTRIESADDED and MAXDELETEDID, and its errors', async () => {
    await h.same(
      ...adds('s', ['1-0', '2-0', '3-0']),
      ['XSETID', 's', '5-0'],
      ['XINFO', 'STREAM', 's'],
      ['XSETID', 's', '2-0'],
      ['XSETID', 's', '3-0', 'ENTRIESADDED', '2'],
      ['XSETID', 's', '10-0', 'ENTRIESADDED', '100', 'MAXDELETEDID', '7-0'],
      ['XINFO', 'STREAM', 's'],
      ['XSETID', 's', '10-0', 'MAXDELETEDID', '11-0'],
      ['XSETID', 's', '6-0'],
      ['XSETID', 's', '10-0', 'ENTRIESADDED', '-1'],
      ['XSETID', 's', '10-0', 'ENTRIESADDED'],
      ['XSETID', 's', '10-0', 'FOO', '1'],
      ['XSETID', 's', 'x'],
      ['XSETID', 's', '+'],
      ['XSETID', 'none', '1-0'],
      ['SET', 'str', 'v'],
      ['XSETID', 'str', '1-0'],
      ['XADD', 's', '10-0', 'a', '1'],
      ['XADD', 's', '10-1', 'a', '1'],
    );
  });

  it('XGROUP CREATE/SETID/DESTROY/CREATECONSUMER/DELCONSUMER and HELP, with their errors', async () => {
    await h.same(
      ...adds('s', ['1-0', '2-0', '3-0']),
      ['XGROUP', 'CREATE', 's', 'g', '0'],
      ['XGROUP', 'CREATE', 's', 'g', '0'],
      ['XGROUP', 'CREATE', 's', 'g2', '$'],
      ['XGROUP', 'CREATE', 's', 'g3', '2-0', 'ENTRIESREAD', '2'],
      ['XGROUP', 'CREATE', 's', 'g4', '2', 'ENTRIESREAD', '-2'],
      ['XGROUP', 'CREATE', 's', 'g4', '2', 'ENTRIESREAD', 'x'],
      ['XGROUP', 'CREATE', 's', 'g4', '2', 'FOO'],
      ['XGROUP', 'CREATE', 's', 'g4', 'bad'],
      ['XGROUP', 'CREATE', 's', 'g4', '-'],
      ['XGROUP', 'CREATE', 'none', 'g', '0'],
      ['XGROUP', 'CREATE', 'none', 'g', '$', 'MKSTREAM'],
      ['XGROUP', 'CREATE', 'none2', 'g', '5-5', 'MKSTREAM', 'ENTRIESREAD', '3'],
      ['XINFO', 'STREAM', 'none'],
      ['XINFO', 'GROUPS', 'none2'],
      ['XINFO', 'GROUPS', 's'],
      ['XGROUP', 'SETID', 's', 'g', '$'],
      ['XGROUP', 'SETID', 's', 'g2', '1', 'ENTRIESREAD', '1'],
      ['XGROUP', 'SETID', 's', 'g2', '1', 'ENTRIESREAD', '-3'],
      ['XGROUP', 'SETID', 's', 'g2', '1', 'FOO', '1'],
      ['XGROUP', 'SETID', 's', 'g2', '1', 'ENTRIESREAD'],
      ['XGROUP', 'SETID', 's', 'nog', '1'],
      ['XGROUP', 'SETID', 'none3', 'g', '1'],
      ['XGROUP', 'SETID', 's', 'g', 'x'],
      ['XINFO', 'GROUPS', 's'],
      ['XGROUP', 'CREATECONSUMER', 's', 'g', 'alice'],
      ['XGROUP', 'CREATECONSUMER', 's', 'g', 'alice'],
      ['XGROUP', 'CREATECONSUMER', 's', 'nog', 'alice'],
      ['XGROUP', 'DELCONSUMER', 's', 'g', 'alice'],
      ['XGROUP', 'DELCONSUMER', 's', 'g', 'bob'],
      ['XGROUP', 'DELCONSUMER', 's', 'nog', 'bob'],
      ['XGROUP', 'DESTROY', 's', 'g3'],
      ['XGROUP', 'DESTROY', 's', 'g3'],
      ['XGROUP', 'DESTROY', 'none3', 'g3'],
      ['XGROUP', 'HELP'],
      ['XGROUP', 'HELP', 'x'],
      ['XGROUP', 'FOO', 's', 'g'],
      ['XGROUP'],
      ['XGROUP', 'CREATE', 's', 'g'],
      ['SET', 'str', 'v'],
      ['XGROUP', 'CREATE', 'str', 'g', '0'],
      ['XINFO', 'GROUPS', 's'],
    );
  });

  it('XREADGROUP, XACK and XPENDING: delivery, history, NOACK, deleted entries, errors', async () => {
    const cmds = [
      ...adds('s', ['1-0', '2-0', '3-0', '4-0', '5-0']),
      ['XGROUP', 'CREATE', 's', 'g', '0'],
      ['XREADGROUP', 'GROUP', 'g', 'alice', 'COUNT', '2', 'STREAMS', 's', '>'],
      ['XREADGROUP', 'GROUP', 'g', 'bob', 'COUNT', '1', 'STREAMS', 's', '>'],
      ['XREADGROUP', 'GROUP', 'g', 'alice', 'STREAMS', 's', '0'],
      ['XREADGROUP', 'GROUP', 'g', 'alice', 'STREAMS', 's', '1-0'],
      ['XREADGROUP', 'GROUP', 'g', 'carol', 'NOACK', 'COUNT', '1', 'STREAMS', 's', '>'],
      ['XPENDING', 's', 'g'],
      ['XPENDING', 's', 'g', '-', '+', '10', 'bob'],
      ['XPENDING', 's', 'g', '-', '+', '10', 'nobody'],
      ['XDEL', 's', '2-0'],
      ['XREADGROUP', 'GROUP', 'g', 'alice', 'STREAMS', 's', '0'],
      ['XACK', 's', 'g', '1-0', '1-0', '9-0'],
      ['XACK', 's', 'g', '2-0', 'bad'],
      ['XACK', 's', 'nog', '2-0'],
      ['XACK', 'none', 'g', '2-0'],
      ['XPENDING', 's', 'g'],
      ['XINFO', 'GROUPS', 's'],
      ['XREADGROUP', 'GROUP', 'g', 'alice', 'STREAMS', 's', '>'],
      ['XREADGROUP', 'GROUP', 'g', 'alice', 'STREAMS', 's', '>'],
      ['XREADGROUP', 'GROUP', 'g', 'alice', 'STREAMS', 's', '$'],
      ['XREADGROUP', 'GROUP', 'nog', 'alice', 'STREAMS', 's', '>'],
      ['XREADGROUP', 'GROUP', 'g', 'alice', 'STREAMS', 'none', '>'],
      ['XREADGROUP', 'GROUP', 'g', 'alice', 'STREAMS', 's'],
      ['XREADGROUP', 'GROUP', 'g', 'alice', 'STREAMS', 's', 'bad'],
      ['XREADGROUP', 'STREAMS', 's', '>'],
      ['XREADGROUP', 'GROUP', 'g', 'alice', 'COUNT', 'x', 'STREAMS', 's', '>'],
      ['XREADGROUP', 'GROUP', 'g', 'alice', 'BLOCK', '-1', 'STREAMS', 's', '>'],
      ['XREADGROUP', 'GROUP', 'g', 'alice', 'BLOCK', 'x', 'STREAMS', 's', '>'],
      ['XREADGROUP', 'GROUP', 'g', 'alice', 'FOO', 'STREAMS', 's', '>'],
      ['XREADGROUP', 'GROUP', 'g', 'STREAMS', 's', '>'],
      ['XINFO', 'GROUPS', 's'],
      ['XPENDING', 's', 'g', '-', '+', '10'],
      ['XPENDING', 's', 'g', '(1-0', '(5-0', '1'],
      ['XPENDING', 's', 'g', 'IDLE', '0', '-', '+', '10', 'alice'],
      ['XPENDING', 's', 'g', '-', '+'],
      ['XPENDING', 's', 'g', '-', '+', 'x'],
      ['XPENDING', 's', 'g', 'x', '+', '1'],
      ['XPENDING', 's', 'g', 'IDLE', 'x', '-', '+', '1'],
      ['XPENDING', 's', 'g', 'IDLE', '10', '-', '+'],
      ['XPENDING', 's', 'g', '-', '+', '-5'],
      ['XPENDING', 's', 'nog'],
      ['XPENDING', 'none', 'g'],
      ['SET', 'str', 'v'],
      ['XPENDING', 'str', 'g'],
      ['XREADGROUP', 'GROUP', 'g', 'alice', 'STREAMS', 'str', '>'],
      ['XACK', 'str', 'g', '1-0'],
    ];
    // Idle times are each server's clock: XPENDING's extended rows are compared without them.
    const { ferrous, redis } = await h.both(cmds);
    const idleless = (r: string) => r.replace(/(\*4\r\n\$\d+\r\n[^\r]*\r\n\$\d+\r\n[^\r]*\r\n):\d+\r\n/g, '$1:<idle>\r\n');
    expect(ferrous.map(idleless)).toEqual(redis.map(idleless));
  });

  it('long pending lists: acknowledged oldest first, newest first and from the middle, then read, claimed and listed', async () => {
    const ids = Array.from({ length: 400 }, (_, i) => `${i + 1}-0`);
    const cmds = [
      ...adds('s', ids),
      ['XGROUP', 'CREATE', 's', 'g', '0'],
      // alice takes 300 entries one at a time (a worker loop), bob the last 100 at once.
      ...ids.slice(0, 300).map(() => ['XREADGROUP', 'GROUP', 'g', 'alice', 'COUNT', '1', 'STREAMS', 's', '>']),
      ['XREADGROUP', 'GROUP', 'g', 'bob', 'STREAMS', 's', '>'],
      // The oldest 200 one by one (past the point where the lists move back to their start).
      ...ids.slice(0, 200).map((id) => ['XACK', 's', 'g', id]),
      ['XPENDING', 's', 'g'],
      ['XPENDING', 's', 'g', '-', '+', '3', 'alice'],
      // The newest, then entries in the middle of both consumers' lists, some twice or not pending.
      ['XACK', 's', 'g', '400-0', '399-0', '399-0'],
      ['XACK', 's', 'g', '250-0', '350-0', '100-0', '251-0'],
      ['XPENDING', 's', 'g'],
      ['XPENDING', 's', 'g', '(249-0', '+', '4'],
      ['XPENDING', 's', 'g', '-', '+', '2', 'bob'],
      ['XREADGROUP', 'GROUP', 'g', 'alice', 'COUNT', '3', 'STREAMS', 's', '248-0'],
      ['XCLAIM', 's', 'g', 'bob', '0', '201-0', '252-0', 'JUSTID'],
      ['XAUTOCLAIM', 's', 'g', 'carol', '0', '290-0', 'COUNT', '15', 'JUSTID'],
      ['XDEL', 's', '205-0', '206-0'],
      ['XAUTOCLAIM', 's', 'g', 'carol', '0', '0', 'COUNT', '10', 'JUSTID'],
      ['XPENDING', 's', 'g'],
      ['XINFO', 'GROUPS', 's'],
      ['XGROUP', 'DELCONSUMER', 's', 'g', 'bob'],
      ['XPENDING', 's', 'g'],
      ...ids.slice(200, 300).map((id) => ['XACK', 's', 'g', id]),
      ['XPENDING', 's', 'g'],
      ['XREADGROUP', 'GROUP', 'g', 'alice', 'STREAMS', 's', '0'],
    ];
    const { ferrous, redis } = await h.both(cmds);
    const idleless = (r: string) => r.replace(/(\*4\r\n\$\d+\r\n[^\r]*\r\n\$\d+\r\n[^\r]*\r\n):\d+\r\n/g, '$1:<idle>\r\n');
    expect(ferrous.map(idleless)).toEqual(redis.map(idleless));
  });

  it('XREAD: $, several streams, COUNT, errors; RESP3 maps', async () => {
    const cmds = [
      ...adds('a', ['1-0', '2-0', '3-0']),
      ...adds('b', ['5-0']),
      ['XREAD', 'STREAMS', 'a', 'b', '0', '0'],
      ['XREAD', 'COUNT', '1', 'STREAMS', 'a', 'b', '1', '0'],
      ['XREAD', 'STREAMS', 'a', 'b', '$', '$'],
      ['XREAD', 'STREAMS', 'a', 'none', '2', '0'],
      ['XREAD', 'STREAMS', 'none', '0'],
      ['XREAD', 'COUNT', '-3', 'STREAMS', 'a', '0'],
      ['XREAD', 'COUNT', '0', 'STREAMS', 'a', '0'],
      ['XREAD', 'STREAMS', 'a', '>'],
      ['XREAD', 'STREAMS', 'a', 'x'],
      ['XREAD', 'STREAMS', 'a', 'b', '0'],
      ['XREAD', 'STREAMS'],
      ['XREAD', 'COUNT', '1'],
      ['XREAD', 'GROUP', 'g', 'c', 'STREAMS', 'a', '0'],
      ['XREAD', 'NOACK', 'STREAMS', 'a', '0'],
      ['XREAD', 'FOO', 'STREAMS', 'a', '0'],
      ['XREAD', 'BLOCK', 'x', 'STREAMS', 'a', '0'],
      ['XREAD', 'BLOCK', '-1', 'STREAMS', 'a', '0'],
      ['XREAD', 'BLOCK', '1.5', 'STREAMS', 'a', '0'],
      ['XREAD', 'BLOCK', '0', 'STREAMS', 'a', '0'],
      ['XREAD', 'STREAMS', 'a', '(1-0'],
      ['SET', 'str', 'v'],
      ['XREAD', 'STREAMS', 'str', '0'],
      ['MULTI'],
      ['XREAD', 'BLOCK', '0', 'STREAMS', 'none', '0'],
      ['XREADGROUP', 'GROUP', 'g', 'c', 'BLOCK', '0', 'STREAMS', 'a', '>'],
      ['EXEC'],
      ['EVAL', "return redis.call('xread', 'block', '0', 'streams', 'none', '0')", '0'],
      ['EVAL', "return redis.call('xread', 'count', '1', 'streams', 'a', '0')", '0'],
    ];
    await h.same(...cmds);
    await h.same3(...cmds);
  });

  it('XCLAIM and XAUTOCLAIM: recovery after a consumer dies, FORCE, JUSTID, LASTID, deleted entries', async () => {
    const cmds = [
      ...adds('s', ['1-0', '2-0', '3-0', '4-0', '5-0', '6-0']),
      ['XGROUP', 'CREATE', 's', 'g', '0'],
      ['XREADGROUP', 'GROUP', 'g', 'dead', 'STREAMS', 's', '>'],
      ['XDEL', 's', '3-0'],
      ['XCLAIM', 's', 'g', 'alice', '0', '1-0', '2-0', 'JUSTID'],
      ['XCLAIM', 's', 'g', 'alice', '0', '1-0', 'RETRYCOUNT', '7'],
      ['XCLAIM', 's', 'g', 'alice', '3600000', '4-0'],
      ['XCLAIM', 's', 'g', 'alice', '0', '3-0'],
      ['XCLAIM', 's', 'g', 'alice', '0', '9-0', 'FORCE'],
      ['XCLAIM', 's', 'g', 'bob', '0', '9-0'],
      ['XCLAIM', 's', 'g', 'alice', '0', '5-0', 'IDLE', '1000', 'TIME', '1', 'JUSTID', 'LASTID', '100-0'],
      ['XACK', 's', 'g', '1-0', '2-0', '4-0', '5-0', '6-0'],
      ['XCLAIM', 's', 'g', 'bob', '0', '1-0', 'FORCE', 'JUSTID'],
      ['XPENDING', 's', 'g'],
      ['XINFO', 'GROUPS', 's'],
      ['XCLAIM', 's', 'g', 'alice', 'x', '1-0'],
      ['XCLAIM', 's', 'g', 'alice', '0', '1-0', 'IDLE', 'x'],
      ['XCLAIM', 's', 'g', 'alice', '0', '1-0', 'TIME', 'x'],
      ['XCLAIM', 's', 'g', 'alice', '0', '1-0', 'RETRYCOUNT', 'x'],
      ['XCLAIM', 's', 'g', 'alice', '0', '1-0', 'LASTID', 'x'],
      ['XCLAIM', 's', 'g', 'alice', '0', '1-0', 'FOO'],
      ['XCLAIM', 's', 'g', 'alice', '0', '1-0', 'IDLE'],
      ['XCLAIM', 's', 'nog', 'alice', '0', '1-0'],
      ['XCLAIM', 'none', 'g', 'alice', '0', '1-0'],
      ['XCLAIM', 's', 'g', 'alice', '0'],
      ['XGROUP', 'CREATE', 's', 'h', '0'],
      ['XREADGROUP', 'GROUP', 'h', 'dead', 'STREAMS', 's', '>'],
      ['XDEL', 's', '4-0'],
      ['XAUTOCLAIM', 's', 'h', 'alice', '0', '0-0', 'COUNT', '2'],
      ['XAUTOCLAIM', 's', 'h', 'alice', '0', '(2-0', 'COUNT', '2', 'JUSTID'],
      ['XAUTOCLAIM', 's', 'h', 'alice', '3600000', '0'],
      ['XAUTOCLAIM', 's', 'h', 'bob', '0', '0'],
      ['XPENDING', 's', 'h'],
      ['XAUTOCLAIM', 's', 'h', 'bob', '0', '0', 'COUNT', '0'],
      ['XAUTOCLAIM', 's', 'h', 'bob', '0', '0', 'COUNT', 'x'],
      ['XAUTOCLAIM', 's', 'h', 'bob', '0', '0', 'COUNT', '576460752303423488'],
      ['XAUTOCLAIM', 's', 'h', 'bob', '0', '0', 'FOO'],
      ['XAUTOCLAIM', 's', 'h', 'bob', 'x', '0'],
      ['XAUTOCLAIM', 's', 'h', 'bob', '0', 'x'],
      ['XAUTOCLAIM', 's', 'h', 'bob', '0', '(18446744073709551615-18446744073709551615'],
      ['XAUTOCLAIM', 's', 'nog', 'bob', '0', '0'],
      ['XAUTOCLAIM', 'none', 'h', 'bob', '0', '0'],
      ['SET', 'str', 'v'],
      ['XCLAIM', 'str', 'g', 'alice', '0', '1-0'],
      ['XAUTOCLAIM', 'str', 'g', 'alice', '0', '0'],
    ];
    await h.same(...cmds);
    await h.same3(...cmds.slice(0, 12));
  });

  it('XINFO STREAM FULL, GROUPS, CONSUMERS (clock-free parts), HELP and errors', async () => {
    const cmds = [
      ...adds('s', ['1-0', '2-0', '3-0', '4-0']),
      ['XGROUP', 'CREATE', 's', 'g', '0'],
      ['XGROUP', 'CREATE', 's', 'empty', '$'],
      ['XINFO', 'STREAM', 's', 'FULL'],
      ['XINFO', 'STREAM', 's', 'FULL', 'COUNT', '2'],
      ['XINFO', 'STREAM', 's', 'FULL', 'COUNT', '0'],
      ['XINFO', 'STREAM', 's', 'FULL', 'COUNT', '-1'],
      ['XINFO', 'STREAM', 's', 'FULL', 'COUNT'],
      ['XINFO', 'STREAM', 's', 'FULL', 'COUNT', 'x'],
      ['XINFO', 'STREAM', 's', 'FULL', 'FOO', '1'],
      ['XINFO', 'STREAM', 's', 'FOO'],
      ['XINFO', 'STREAM', 'none'],
      ['XINFO', 'GROUPS', 'none'],
      ['XINFO', 'CONSUMERS', 's', 'nog'],
      ['XINFO', 'CONSUMERS', 's', 'g'],
      ['XINFO', 'CONSUMERS', 'none', 'g'],
      ['XINFO', 'HELP'],
      ['XINFO', 'HELP', 'x'],
      ['XINFO', 'FOO', 's'],
      ['XINFO'],
      ['XINFO', 'STREAM'],
      ['SET', 'str', 'v'],
      ['XINFO', 'STREAM', 'str'],
      ['XINFO', 'GROUPS', 'str'],
      ['XADD', 'e', 'MAXLEN', '0', '1-0', 'a', '1'],
      ['XINFO', 'STREAM', 'e'],
      ['XINFO', 'STREAM', 'e', 'FULL'],
    ];
    await h.same(...cmds);
    await h.same3(...cmds);
  });

  it('binary keys, fields and values; empty strings; integers as values', async () => {
    await h.same(
      ['XADD', BIN, '1-0', BIN, BIN, '', ''],
      ['XADD', BIN, '2-0', BIN, '12345', '', '-7'],
      ['XADD', BIN, '3-0', '0', '00', '-0', '9223372036854775807', '9223372036854775808', '-9223372036854775808'],
      ['XRANGE', BIN, '-', '+'],
      ['XGROUP', 'CREATE', BIN, BIN, '0'],
      ['XREADGROUP', 'GROUP', BIN, BIN, 'STREAMS', BIN, '>'],
      ['XPENDING', BIN, BIN],
      ['XINFO', 'STREAM', BIN],
    );
  });

  it('entries written as RESP from the nodes: long values, other fields, 16-digit IDs, many entries; scripts get arrays', async () => {
    const long = 'v'.repeat(33) + BIN + 'w'.repeat(300);
    const many = Array.from({ length: 120 }, (_, i) => `${1234567890123456 + i}-${i * 99999999}`);
    const cmds = [
      ...adds('s', many, 'name', 'x', 'n', '1'),
      ['XADD', 's', '1234567890123999-0', 'name', long, 'n', ''],
      ['XADD', 's', '1234567890123999-1', 'other', 'x', long, 'y', 'z', '7'],
      ['XADD', 's', '1234567890124000-0', 'name'.repeat(20), 'x', 'n', '1'],
      ['XRANGE', 's', '-', '+'],
      ['XREVRANGE', 's', '+', '-', 'COUNT', '11'],
      ['XRANGE', 's', '(1234567890123456-0', '+', 'COUNT', '10'],
      ['XREAD', 'COUNT', '12', 'STREAMS', 's', '1234567890123500'],
      ['XGROUP', 'CREATE', 's', 'g', '1234567890123570'],
      ['XREADGROUP', 'GROUP', 'g', 'c', 'COUNT', '100', 'STREAMS', 's', '>'],
      ['XREADGROUP', 'GROUP', 'g', 'c', 'STREAMS', 's', '1234567890123575'],
      ['EVAL', "return redis.call('xrange', KEYS[1], '-', '+', 'count', 3)", '1', 's'],
      ['EVAL', "return redis.call('xrevrange', KEYS[1], '+', '-', 'count', 3)", '1', 's'],
      ['XGROUP', 'SETID', 's', 'g', '0'],
      ['EVAL', "return redis.call('xreadgroup', 'group', 'g', 'd', 'count', 2, 'streams', KEYS[1], '>')", '1', 's'],
      ['EVAL', "return redis.call('xread', 'count', 2, 'streams', KEYS[1], '0')", '1', 's'],
    ];
    await h.same(...cmds);
    await h.same3(...cmds);
  });

  it('keyspace: TYPE, SCAN TYPE, COPY, RENAME, MOVE, DUMP/RESTORE, EXPIRE, DEL', async () => {
    await h.same(
      ...adds('s', ['1-0', '2-0']),
      ['XGROUP', 'CREATE', 's', 'g', '0'],
      ['SET', 'str', 'v'],
      ['SCAN', '0', 'TYPE', 'stream'],
      ['COPY', 's', 'c'],
      ['XADD', 'c', '3-0', 'a', '1'],
      ['XLEN', 's'],
      ['XINFO', 'GROUPS', 'c'],
      ['RENAME', 'c', 'r'],
      ['XLEN', 'r'],
      ['MOVE', 'r', '1'],
      ['EXISTS', 'r'],
      ['SELECT', '1'],
      ['XLEN', 'r'],
      ['SELECT', '0'],
      ['PEXPIRE', 's', '100000'],
      ['TTL', 's'],
      ['DEL', 's'],
      ['EXISTS', 's'],
    );
  });
});

describe('streams: DEBUG DIGEST vs redis-server 7.0', () => {
  const h = useCompat({ 'enable-debug-command': 'yes' }, ['--enable-debug-command', 'yes']);

  it('DEBUG DIGEST-VALUE and DIGEST mix IDs, fields and values as Redis does', async () => {
    await h.same(
      ['XADD', 's', '1-1', 'a', '1', 'b', '2'],
      ['XADD', 's', '18446744073709551615-0', 'c', BIN],
      ['XADD', 'e', 'MAXLEN', '0', '1-0', 'a', '1'],
      ['DEBUG', 'DIGEST-VALUE', 's', 'e'],
      ['DEBUG', 'DIGEST'],
    );
  });
});
