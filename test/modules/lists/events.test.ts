import { useRecorder, useServer } from '../../helpers/fixtures';

/** Keyspace events and propagation, observed through the kernel's hooks (sequences taken from Redis 7.0). */
describe('lists: keyspace events and propagation', () => {
  const f = useServer();
  const rec = useRecorder(f);

  async function run(...cmds: string[][]): Promise<void> {
    for (const cmd of cmds) await f.raw.call(...cmd);
  }

  it('fires the events Redis fires, in its order, for every write', async () => {
    await run(
      ['RPUSH', 'l', 'a', 'b', 'c'],
      ['LPUSH', 'l', 'z'],
      ['LPUSHX', 'l', 'y'],
      ['RPUSHX', 'none', 'x'],
      ['LPOP', 'l'],
      ['RPOP', 'l', '2'],
      ['LSET', 'l', '0', 'Q'],
      ['LINSERT', 'l', 'BEFORE', 'Q', 'P'],
      ['LINSERT', 'l', 'BEFORE', 'nope', 'P'],
      ['LREM', 'l', '1', 'P'],
      ['LREM', 'l', '1', 'nope'],
      ['LTRIM', 'l', '0', '-1'],
      ['LMOVE', 'l', 'd', 'LEFT', 'RIGHT'],
      ['RPOPLPUSH', 'd', 'd'],
      ['LPOP', 'd'],
      ['RPUSH', 'm', '1'],
      ['LTRIM', 'm', '5', '6'],
      ['RPUSH', 'n', '1', '2'],
      ['LREM', 'n', '0', '1'],
      ['LREM', 'n', '0', '2'],
    );
    expect(rec.events).toEqual([
      'l:rpush:l',
      'l:lpush:l',
      'l:lpush:l',
      'l:lpop:l',
      'l:rpop:l',
      'l:lset:l',
      'l:linsert:l',
      'l:lrem:l',
      'l:ltrim:l',
      'l:rpush:d',
      'l:lpop:l',
      'l:lpush:d',
      'l:rpop:d',
      'l:lpop:d',
      'g:del:d',
      'l:rpush:m',
      'l:ltrim:m',
      'g:del:m',
      'l:rpush:n',
      'l:lrem:n',
      'l:lrem:n',
      'g:del:n',
    ]);
  });

  it('fires keymiss for reads of a missing key only', async () => {
    await run(
      ['LMPOP', '1', 'x', 'LEFT'],
      ['LRANGE', 'x', '0', '-1'],
      ['LLEN', 'x'],
      ['LINDEX', 'x', '0'],
      ['LPOS', 'x', 'a'],
      ['LPOP', 'x'],
      ['RPUSHX', 'x', 'a'],
      ['LREM', 'x', '0', 'a'],
      ['LTRIM', 'x', '0', '1'],
      ['LMOVE', 'x', 'y', 'LEFT', 'LEFT'],
    );
    expect(rec.events).toEqual(['m:keymiss:x', 'm:keymiss:x', 'm:keymiss:x', 'm:keymiss:x']);
    expect(rec.propagated).toEqual([]);
  });

  it('propagates blocking and multi-key pops served at once as Redis 7.0 rewrites them', async () => {
    await run(
      ['RPUSH', 'l', '1', '2', '3', '4', '5'],
      ['BLPOP', 'none', 'l', '0'],
      ['BRPOP', 'l', '0'],
      ['BLMOVE', 'l', 'd', 'left', 'RIGHT', '0'],
      ['BRPOPLPUSH', 'l', 'd', '0'],
      ['BLMPOP', '0', '1', 'd', 'LEFT', 'COUNT', '5'],
      ['RPUSH', 'l', 'a'],
      ['LMPOP', '2', 'none', 'l', 'RIGHT'],
      ['RPUSH', 'l', 'a'],
      ['LMOVE', 'l', 'd', 'LEFT', 'LEFT'],
    );
    expect(rec.propagated).toEqual([
      ['RPUSH', 'l', '1', '2', '3', '4', '5'],
      ['LPOP', 'l'],
      ['RPOP', 'l'],
      ['LMOVE', 'l', 'd', 'left', 'RIGHT'],
      ['RPOPLPUSH', 'l', 'd'],
      ['LPOP', 'd', '2'],
      ['RPUSH', 'l', 'a'],
      ['RPOP', 'l', '1'],
      ['RPUSH', 'l', 'a'],
      ['LMOVE', 'l', 'd', 'LEFT', 'LEFT'],
    ]);
  });
});
