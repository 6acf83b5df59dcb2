import { useCompat } from '../helpers/compat';
import { waitParked } from '../helpers/fixtures';
import { RawClient } from '../helpers/raw-client';

const BIN = 'a\x00b\r\nc\xff';

describe('lists vs redis-server 7.0', () => {
  const h = useCompat();

  it('LPUSH / RPUSH / LPUSHX / RPUSHX, binary elements, wrong type and arity', async () => {
    await h.same(
      ['LPUSH', 'l', 'a', 'b', 'c'],
      ['RPUSH', 'l', 'x', 'y'],
      ['LRANGE', 'l', '0', '-1'],
      ['LPUSHX', 'l', 'p'],
      ['RPUSHX', 'l', 'q', 'r'],
      ['LPUSHX', 'none', 'p'],
      ['RPUSHX', 'none', 'p'],
      ['EXISTS', 'none'],
      ['RPUSH', BIN, BIN, '\x00', '\r\n', '\xff', ''],
      ['LRANGE', BIN, '0', '-1'],
      ['TYPE', BIN],
      ['OBJECT', 'ENCODING', BIN],
      ['SET', 's', 'v'],
      ['LPUSH', 's', 'a'],
      ['RPUSH', 's', 'a'],
      ['LPUSHX', 's', 'a'],
      ['RPUSHX', 's', 'a'],
      ['LPUSH', 'l'],
      ['RPUSH'],
      ['LPUSHX', 'l'],
      ['GET', 'l'],
    );
  });

  it('LPOP / RPOP with and without count, RESP2 and RESP3 null shapes', async () => {
    const cmds = [
      ['LPOP', 'none'],
      ['RPOP', 'none'],
      ['LPOP', 'none', '2'],
      ['RPOP', 'none', '0'],
      ['RPUSH', 'l', '1', '2', '3', '4', '5'],
      ['LPOP', 'l'],
      ['RPOP', 'l'],
      ['LPOP', 'l', '0'],
      ['LPOP', 'l', '2'],
      ['RPOP', 'l', '10'],
      ['EXISTS', 'l'],
      ['RPUSH', 'l', 'a'],
      ['LPOP', 'l', '-1'],
      ['LPOP', 'l', 'abc'],
      ['LPOP', 'none', '-1'],
      ['LPOP', 'l', '1', '2'],
      ['RPOP', 'l', '9223372036854775807'],
      ['SET', 's', 'v'],
      ['LPOP', 's'],
      ['RPOP', 's', '1'],
      ['RPOP', 's', '-1'],
      ['LPOP'],
    ];
    await h.same(...cmds);
    await h.same3(...cmds);
  });

  it('LLEN, LRANGE and LINDEX with negative, huge and invalid indexes', async () => {
    const cmds = [
      ['LLEN', 'none'],
      ['LRANGE', 'none', '0', '-1'],
      ['LINDEX', 'none', '0'],
      ['LINDEX', 'none', 'x'],
      ['RPUSH', 'l', 'a', 'b', 'c', 'd', 'e'],
      ['LLEN', 'l'],
      ['LRANGE', 'l', '0', '0'],
      ['LRANGE', 'l', '1', '3'],
      ['LRANGE', 'l', '-2', '-1'],
      ['LRANGE', 'l', '-100', '100'],
      ['LRANGE', 'l', '3', '1'],
      ['LRANGE', 'l', '5', '10'],
      ['LRANGE', 'l', '-1', '-2'],
      ['LRANGE', 'l', '0', '-6'],
      ['LRANGE', 'l', '-9223372036854775808', '9223372036854775807'],
      ['LRANGE', 'l', '0', '9223372036854775808'],
      ['LRANGE', 'l', 'a', '1'],
      ['LRANGE', 'l', '1', '1.5'],
      ['LINDEX', 'l', '0'],
      ['LINDEX', 'l', '4'],
      ['LINDEX', 'l', '5'],
      ['LINDEX', 'l', '-1'],
      ['LINDEX', 'l', '-5'],
      ['LINDEX', 'l', '-6'],
      ['LINDEX', 'l', 'x'],
      ['LINDEX', 'l', '9223372036854775807'],
      ['SET', 's', 'v'],
      ['LLEN', 's'],
      ['LRANGE', 's', '0', '-1'],
      ['LRANGE', 's', 'x', '-1'],
      ['LINDEX', 's', '0'],
      ['LLEN', 'l', 'x'],
      ['LRANGE', 'l', '0'],
      ['LINDEX', 'l'],
    ];
    await h.same(...cmds);
    await h.same3(...cmds);
  });

  it('LSET: no such key, out of range, negative indexes, wrong type', async () => {
    await h.same(
      ['LSET', 'none', '0', 'v'],
      ['LSET', 'none', 'x', 'v'],
      ['RPUSH', 'l', 'a', 'b', 'c'],
      ['LSET', 'l', '0', 'A'],
      ['LSET', 'l', '-1', 'C'],
      ['LSET', 'l', '1', BIN],
      ['LRANGE', 'l', '0', '-1'],
      ['LSET', 'l', '3', 'v'],
      ['LSET', 'l', '-4', 'v'],
      ['LSET', 'l', 'x', 'v'],
      ['LSET', 'l', '9223372036854775808', 'v'],
      ['SET', 's', 'v'],
      ['LSET', 's', '0', 'v'],
      ['LSET', 'l', '0'],
    );
  });

  it('LINSERT: BEFORE / AFTER, missing pivot, missing key, syntax errors', async () => {
    await h.same(
      ['LINSERT', 'none', 'BEFORE', 'a', 'x'],
      ['LINSERT', 'none', 'middle', 'a', 'x'],
      ['RPUSH', 'l', 'a', 'b', 'c', 'b'],
      ['LINSERT', 'l', 'BEFORE', 'b', 'x'],
      ['LINSERT', 'l', 'after', 'b', 'y'],
      ['LINSERT', 'l', 'Before', 'a', 'first'],
      ['LINSERT', 'l', 'AFTER', 'c', BIN],
      ['LINSERT', 'l', 'AFTER', 'missing', 'z'],
      ['LRANGE', 'l', '0', '-1'],
      ['LINSERT', 'l', 'middle', 'a', 'x'],
      ['SET', 's', 'v'],
      ['LINSERT', 's', 'BEFORE', 'a', 'x'],
      ['LINSERT', 's', 'nowhere', 'a', 'x'],
      ['LINSERT', 'l', 'BEFORE', 'a'],
    );
  });

  it('LREM: from head, from tail, all, deleting the emptied key', async () => {
    await h.same(
      ['LREM', 'none', '0', 'a'],
      ['LREM', 'none', 'x', 'a'],
      ['RPUSH', 'l', 'a', 'b', 'a', 'c', 'a', 'b', 'a'],
      ['LREM', 'l', '2', 'a'],
      ['LRANGE', 'l', '0', '-1'],
      ['LREM', 'l', '-1', 'b'],
      ['LRANGE', 'l', '0', '-1'],
      ['LREM', 'l', '0', 'a'],
      ['LRANGE', 'l', '0', '-1'],
      ['LREM', 'l', '1', 'zzz'],
      ['LREM', 'l', '0', 'b'],
      ['LREM', 'l', '0', 'c'],
      ['EXISTS', 'l'],
      ['RPUSH', 'm', 'x', 'y', 'x', 'y', 'x'],
      ['LREM', 'm', '-2', 'x'],
      ['LRANGE', 'm', '0', '-1'],
      ['LREM', 'm', '-9223372036854775808', 'y'],
      ['LRANGE', 'm', '0', '-1'],
      ['LREM', 'm', '1.5', 'x'],
      ['SET', 's', 'v'],
      ['LREM', 's', '0', 'v'],
    );
  });

  it('LTRIM: ranges, out-of-range deleting the key, wrong type', async () => {
    await h.same(
      ['LTRIM', 'none', '0', '1'],
      ['RPUSH', 'l', '1', '2', '3', '4', '5', '6'],
      ['LTRIM', 'l', '1', '-2'],
      ['LRANGE', 'l', '0', '-1'],
      ['LTRIM', 'l', '-100', '100'],
      ['LRANGE', 'l', '0', '-1'],
      ['LTRIM', 'l', '-2', '-1'],
      ['LRANGE', 'l', '0', '-1'],
      ['LTRIM', 'l', '1', '0'],
      ['EXISTS', 'l'],
      ['RPUSH', 'm', 'a', 'b'],
      ['LTRIM', 'm', '5', '10'],
      ['EXISTS', 'm'],
      ['RPUSH', 'n', 'a', 'b'],
      ['LTRIM', 'n', 'x', '1'],
      ['LTRIM', 'n', '0', '9223372036854775807'],
      ['LRANGE', 'n', '0', '-1'],
      ['SET', 's', 'v'],
      ['LTRIM', 's', '0', '1'],
      ['LTRIM', 's', 'x', '1'],
    );
  });

  it('LPOS: RANK, COUNT, MAXLEN and their errors', async () => {
    const cmds = [
      ['LPOS', 'none', 'a'],
      ['LPOS', 'none', 'a', 'COUNT', '0'],
      ['LPOS', 'none', 'a', 'RANK', '0'],
      ['RPUSH', 'l', 'a', 'b', 'c', 'a', 'b', 'c', 'a'],
      ['LPOS', 'l', 'a'],
      ['LPOS', 'l', 'c'],
      ['LPOS', 'l', 'z'],
      ['LPOS', 'l', 'a', 'RANK', '2'],
      ['LPOS', 'l', 'a', 'RANK', '-1'],
      ['LPOS', 'l', 'a', 'RANK', '-2'],
      ['LPOS', 'l', 'a', 'RANK', '4'],
      ['LPOS', 'l', 'a', 'COUNT', '0'],
      ['LPOS', 'l', 'a', 'COUNT', '2'],
      ['LPOS', 'l', 'a', 'COUNT', '2', 'RANK', '2'],
      ['LPOS', 'l', 'a', 'COUNT', '0', 'RANK', '-1'],
      ['LPOS', 'l', 'z', 'COUNT', '0'],
      ['LPOS', 'l', 'c', 'MAXLEN', '3'],
      ['LPOS', 'l', 'c', 'MAXLEN', '2'],
      ['LPOS', 'l', 'a', 'RANK', '-1', 'MAXLEN', '1'],
      ['LPOS', 'l', 'a', 'RANK', '-1', 'MAXLEN', '2', 'COUNT', '0'],
      ['LPOS', 'l', 'a', 'maxlen', '0', 'count', '5'],
      ['LPOS', 'l', 'a', 'RANK', '0'],
      ['LPOS', 'l', 'a', 'RANK', 'x'],
      ['LPOS', 'l', 'a', 'RANK', '-9223372036854775808'],
      ['LPOS', 'l', 'a', 'RANK', '-9223372036854775807'],
      ['LPOS', 'l', 'a', 'COUNT', '-1'],
      ['LPOS', 'l', 'a', 'COUNT', 'x'],
      ['LPOS', 'l', 'a', 'MAXLEN', '-1'],
      ['LPOS', 'l', 'a', 'MAXLEN', 'x'],
      ['LPOS', 'l', 'a', 'RANK'],
      ['LPOS', 'l', 'a', 'FOO', '1'],
      ['LPOS', 'none', 'a', 'FOO'],
      ['SET', 's', 'v'],
      ['LPOS', 's', 'a'],
      ['LPOS', 's', 'a', 'RANK', '0'],
      ['LPOS', 'l'],
    ];
    await h.same(...cmds);
    await h.same3(...cmds);
  });

  it('LMOVE and RPOPLPUSH: all directions, same key, missing source, wrong types', async () => {
    await h.same(
      ['RPUSH', 'src', '1', '2', '3', '4'],
      ['LMOVE', 'src', 'dst', 'LEFT', 'RIGHT'],
      ['LMOVE', 'src', 'dst', 'right', 'left'],
      ['LMOVE', 'src', 'dst', 'left', 'left'],
      ['LMOVE', 'src', 'dst', 'RIGHT', 'RIGHT'],
      ['EXISTS', 'src'],
      ['LRANGE', 'dst', '0', '-1'],
      ['LMOVE', 'dst', 'dst', 'LEFT', 'RIGHT'],
      ['LRANGE', 'dst', '0', '-1'],
      ['RPOPLPUSH', 'dst', 'dst'],
      ['LRANGE', 'dst', '0', '-1'],
      ['RPOPLPUSH', 'dst', 'other'],
      ['LRANGE', 'other', '0', '-1'],
      ['RPUSH', 'one', 'x'],
      ['LMOVE', 'one', 'one', 'LEFT', 'LEFT'],
      ['LRANGE', 'one', '0', '-1'],
      ['LMOVE', 'none', 'dst', 'LEFT', 'LEFT'],
      ['RPOPLPUSH', 'none', 'dst'],
      ['SET', 's', 'v'],
      ['LMOVE', 's', 'dst', 'LEFT', 'LEFT'],
      ['LMOVE', 'dst', 's', 'LEFT', 'LEFT'],
      ['LMOVE', 'none', 's', 'LEFT', 'LEFT'],
      ['RPOPLPUSH', 'dst', 's'],
      ['RPOPLPUSH', 's', 'dst'],
      ['LMOVE', 'dst', 'x', 'UP', 'LEFT'],
      ['LMOVE', 'dst', 'x', 'LEFT', 'DOWN'],
      ['LMOVE', 'none', 'x', 'UP', 'LEFT'],
      ['LRANGE', 'dst', '0', '-1'],
      ['LMOVE', 'dst', 'x', 'LEFT'],
      ['RPOPLPUSH', 'dst'],
    );
  });

  it('LMPOP: numkeys, COUNT, direction and their errors', async () => {
    const cmds = [
      ['LMPOP', '2', 'a', 'b', 'LEFT'],
      ['RPUSH', 'b', '1', '2', '3'],
      ['LMPOP', '2', 'a', 'b', 'LEFT'],
      ['LMPOP', '2', 'a', 'b', 'RIGHT', 'COUNT', '10'],
      ['EXISTS', 'b'],
      ['RPUSH', 'a', 'x', 'y'],
      ['LMPOP', '1', 'a', 'right', 'count', '1'],
      ['LMPOP', '0', 'a', 'LEFT'],
      ['LMPOP', '-1', 'a', 'LEFT'],
      ['LMPOP', 'x', 'a', 'LEFT'],
      ['LMPOP', '3', 'a', 'LEFT'],
      ['LMPOP', '1', 'a', 'UP'],
      ['LMPOP', '1', 'a', 'LEFT', 'COUNT'],
      ['LMPOP', '1', 'a', 'LEFT', 'COUNT', '0'],
      ['LMPOP', '1', 'a', 'LEFT', 'COUNT', '-1'],
      ['LMPOP', '1', 'a', 'LEFT', 'COUNT', 'x'],
      ['LMPOP', '1', 'a', 'LEFT', 'COUNT', '1', 'COUNT', '1'],
      ['LMPOP', '1', 'a', 'LEFT', 'FOO'],
      ['SET', 's', 'v'],
      ['LMPOP', '2', 'none', 's', 'LEFT'],
      ['LMPOP', '2', 'a', 's', 'LEFT'],
      ['LMPOP', '1', 'a'],
      ['LMPOP', '1'],
    ];
    await h.same(...cmds);
    await h.same3(...cmds);
  });

  it('blocking commands served at once, and their argument errors', async () => {
    const cmds = [
      ['RPUSH', 'a', '1', '2', '3'],
      ['BLPOP', 'none', 'a', '0'],
      ['BRPOP', 'a', 'none', '0'],
      ['BLMPOP', '0', '2', 'none', 'a', 'LEFT', 'COUNT', '5'],
      ['RPUSH', 'a', '1', '2', '3'],
      ['BRPOPLPUSH', 'a', 'b', '0'],
      ['BLMOVE', 'a', 'b', 'LEFT', 'LEFT', '0'],
      ['LRANGE', 'b', '0', '-1'],
      ['BLPOP', 'a', 'x'],
      ['BLPOP', 'a', '-1'],
      ['BLPOP', 'a', 'inf'],
      ['BLPOP', 'a', '-inf'],
      ['BLPOP', 'a', '9.3e15'],
      ['BLPOP', 'a', 'nan'],
      ['BLPOP', 'a', ' 1'],
      ['BRPOPLPUSH', 'a', 'b', 'x'],
      ['BLMOVE', 'a', 'b', 'UP', 'LEFT', '0'],
      ['BLMOVE', 'a', 'b', 'UP', 'LEFT', 'x'],
      ['BLMOVE', 'a', 'b', 'LEFT', 'LEFT', '-1'],
      ['BLMPOP', 'x', '1', 'a', 'LEFT'],
      ['BLMPOP', '0', '0', 'a', 'LEFT'],
      ['BLMPOP', '0', '1', 'a', 'UP'],
      ['BLMPOP', '0', '1', 'a', 'LEFT', 'COUNT', '0'],
      ['RPUSH', 'a', '1', '2', '3'],
      ['SET', 's', 'v'],
      ['BLPOP', 's', '0'],
      ['BLPOP', 'a', 's', '0'],
      ['BRPOPLPUSH', 's', 'b', '0'],
      ['BRPOPLPUSH', 'a', 's', '0'],
      ['BLMOVE', 's', 'b', 'LEFT', 'LEFT', '0'],
      ['BLMPOP', '0', '1', 's', 'LEFT'],
      ['BLPOP', 'a'],
      ['BLMOVE', 'a', 'b', 'LEFT', 'LEFT'],
    ];
    await h.same(...cmds);
    await h.same3(...cmds);
  });

  it('blocking commands time out with a null array, RESP2 and RESP3', async () => {
    const cmds = [
      ['BLPOP', 'none', '0.05'],
      ['BRPOP', 'none', 'other', '0.05'],
      ['BRPOPLPUSH', 'none', 'dst', '0.05'],
      ['BLMOVE', 'none', 'dst', 'LEFT', 'RIGHT', '0.05'],
      ['BLMPOP', '0.05', '2', 'none', 'other', 'LEFT'],
      ['EXISTS', 'dst'],
    ];
    await h.same(...cmds);
    await h.same3(...cmds);
  });

  it('blocking commands inside MULTI answer at once (BLMOVE/BRPOPLPUSH with a null bulk)', async () => {
    const cmds = [
      ['MULTI'],
      ['BLPOP', 'none', '0'],
      ['BRPOP', 'none', '0'],
      ['BRPOPLPUSH', 'none', 'dst', '0'],
      ['BLMOVE', 'none', 'dst', 'LEFT', 'LEFT', '0'],
      ['BLMPOP', '0', '1', 'none', 'LEFT'],
      ['RPUSH', 'l', 'a', 'b'],
      ['BLPOP', 'l', '0'],
      ['BLMOVE', 'l', 'dst', 'LEFT', 'LEFT', '0'],
      ['EXEC'],
    ];
    await h.same(...cmds);
    await h.same3(...cmds);
  });

  it('OBJECT ENCODING stays quicklist at every size and setting (Redis 7.0)', async () => {
    const big = Array.from({ length: 300 }, (_, i) => `element-${i}`);
    await h.same(
      ['RPUSH', 'small', 'a'],
      ['OBJECT', 'ENCODING', 'small'],
      ['RPUSH', 'big', ...big],
      ['OBJECT', 'ENCODING', 'big'],
      ['RPUSH', 'long', 'x'.repeat(10000)],
      ['OBJECT', 'ENCODING', 'long'],
      ['CONFIG', 'SET', 'list-max-listpack-size', '2'],
      ['RPUSH', 'three', 'a', 'b', 'c'],
      ['OBJECT', 'ENCODING', 'three'],
      ['CONFIG', 'SET', 'list-max-listpack-size', '-2'],
    );
  });

  it('list-max-listpack-size (alias list-max-ziplist-size) and list-compress-depth', async () => {
    await h.same(
      ['CONFIG', 'GET', 'list-max-listpack-size'],
      ['CONFIG', 'GET', 'list-max-ziplist-size'],
      ['CONFIG', 'GET', 'list-compress-depth'],
      ['CONFIG', 'SET', 'list-max-ziplist-size', '5'],
      ['CONFIG', 'GET', 'list-max-listpack-size'],
      ['CONFIG', 'SET', 'list-max-listpack-size', 'abc'],
      ['CONFIG', 'SET', 'list-max-listpack-size', '-2147483649'],
      ['CONFIG', 'SET', 'list-max-listpack-size', '-2'],
      ['CONFIG', 'SET', 'list-compress-depth', '-1'],
      ['CONFIG', 'SET', 'list-compress-depth', '1'],
      ['CONFIG', 'GET', 'list-compress-depth'],
      ['CONFIG', 'SET', 'list-compress-depth', '0'],
    );
  });

  it('SORT reads lists and SORT STORE writes one; COPY deep-copies', async () => {
    await h.same(
      ['RPUSH', 'l', '3', '1', '2'],
      ['SORT', 'l'],
      ['SORT', 'l', 'DESC', 'STORE', 'out'],
      ['LRANGE', 'out', '0', '-1'],
      ['TYPE', 'out'],
      ['COPY', 'l', 'c'],
      ['RPUSH', 'c', '9'],
      ['LRANGE', 'l', '0', '-1'],
      ['LRANGE', 'c', '0', '-1'],
    );
  });

  it('a blocked BLPOP is served by a push and a timed-out one answers nil, the same on both', async () => {
    for (const port of [h.redisPort(), h.ferrousPort()]) {
      const waiter = await RawClient.connect(port);
      const pusher = await RawClient.connect(port);
      try {
        await pusher.call('DEL', 'q');
        const id = await waiter.id();
        waiter.write('*3\r\n$5\r\nBLPOP\r\n$1\r\nq\r\n$1\r\n0\r\n');
        await waitParked(pusher, id);
        expect(await pusher.call('RPUSH', 'q', 'x', 'y')).toBe(':2\r\n');
        expect(await waiter.read()).toBe('*2\r\n$1\r\nq\r\n$1\r\nx\r\n');
        expect(await pusher.call('LRANGE', 'q', '0', '-1')).toBe('*1\r\n$1\r\ny\r\n');
      } finally {
        waiter.close();
        pusher.close();
      }
    }
  });
});
