import { useCompat } from '../helpers/compat';

const BIN = 'a\x00b\r\nc\xff';

describe('SORT / SORT_RO vs redis-server 7.0', () => {
  const h = useCompat();

  it('numeric and ALPHA sorting of lists, ASC/DESC, LIMIT, ties broken bytewise', async () => {
    const cmds = [
      ['RPUSH', 'l', '3', '1', '2', '10', '-5', '2.5', '1e2', '0x10', 'inf', '-inf', ' 7', '', '02', '2'],
      ['SORT', 'l'],
      ['SORT', 'l', 'DESC'],
      ['SORT', 'l', 'ASC', 'DESC', 'ASC'],
      ['SORT', 'l', 'LIMIT', '0', '3'],
      ['SORT', 'l', 'LIMIT', '2', '4', 'DESC'],
      ['SORT', 'l', 'LIMIT', '-5', '2'],
      ['SORT', 'l', 'LIMIT', '10', '-1'],
      ['SORT', 'l', 'LIMIT', '100', '5'],
      ['SORT', 'l', 'LIMIT', '3', '0'],
      ['SORT', 'l', 'ALPHA'],
      ['SORT', 'l', 'ALPHA', 'DESC', 'LIMIT', '1', '5'],
      ['RPUSH', 'w', 'b', 'B', 'a', 'A', '_x', 'a\x00z', 'a\x00a', '\xff', '\x01', 'aa'],
      ['SORT', 'w', 'ALPHA'],
      ['SORT', 'w', 'ALPHA', 'DESC'],
      ['SORT', 'w'],
      ['SORT_RO', 'l', 'LIMIT', '1', '2'],
      ['SORT_RO', 'w', 'ALPHA'],
      ['SORT', 'nokey'],
      ['SORT', 'nokey', 'ALPHA', 'LIMIT', '0', '1'],
      ['SORT_RO', 'nokey'],
    ];
    await h.same(...cmds);
    await h.same3(...cmds);
  });

  it('score conversion errors, syntax errors and WRONGTYPE', async () => {
    await h.same(
      // strtod stops at a NUL. Checked first: Redis never clears errno, so after an ERANGE
      // (1e-310 below) it would report this conversion as failed too.
      ['RPUSH', 'nul', '5\x00junk', '3'],
      ['SORT', 'nul'],
      ['RPUSH', 'bad', '1', 'abc'],
      ['SORT', 'bad'],
      ['SORT', 'bad', 'ALPHA'],
      ['RPUSH', 'tiny', '1e-310'],
      ['SORT', 'tiny'],
      ['RPUSH', 'big', '1e400'],
      ['SORT', 'big'],
      ['RPUSH', 'nan', 'nan'],
      ['SORT', 'nan'],
      ['RPUSH', 'sp', '  '],
      ['SORT', 'sp'],
      ['RPUSH', 'tail', '1 '],
      ['SORT', 'tail'],
      ['RPUSH', 'l', '1', '2'],
      ['SORT', 'l', 'LIMIT', '1'],
      ['SORT', 'l', 'LIMIT', 'a', '1'],
      ['SORT', 'l', 'LIMIT', '0', '1.5'],
      ['SORT', 'l', 'FOO'],
      ['SORT', 'l', 'BY'],
      ['SORT', 'l', 'GET'],
      ['SORT', 'l', 'STORE'],
      ['SORT_RO', 'l', 'STORE', 'dst'],
      ['SORT', 'l', 'LIMIT', '0', '1', 'LIMIT', '1', '1'],
      ['SET', 's', 'v'],
      ['SORT', 's'],
      ['SORT', 's', 'FOO'],
      ['SORT_RO', 's'],
      ['HSET', 'h', 'a', '1'],
      ['SORT', 'h'],
      ['SORT'],
      ['SORT_RO'],
    );
  });

  it('BY patterns (strings, hash fields, missing keys), BY nosort, GET # and key->field', async () => {
    const cmds = [
      ['RPUSH', 'l', 'a', 'b', 'c', 'd'],
      ['MSET', 'w_a', '3', 'w_b', '1', 'w_c', '2', 'n_a', 'Alice', 'n_b', 'Bob', 'n_d', 'Dan'],
      ['HSET', 'obj_a', 'age', '30', 'name', 'ann'],
      ['HSET', 'obj_b', 'age', '20', 'name', 'bo'],
      ['HSET', 'obj_c', 'age', '40'],
      ['SORT', 'l', 'BY', 'w_*'],
      ['SORT', 'l', 'BY', 'w_*', 'DESC'],
      ['SORT', 'l', 'BY', 'w_*', 'GET', '#', 'GET', 'n_*'],
      ['SORT', 'l', 'BY', 'obj_*->age'],
      ['SORT', 'l', 'BY', 'obj_*->age', 'GET', 'obj_*->name', 'GET', '#', 'GET', 'obj_*->missing'],
      ['SORT', 'l', 'BY', 'n_*', 'ALPHA'],
      ['SORT', 'l', 'BY', 'n_*', 'ALPHA', 'DESC'],
      ['SORT', 'l', 'BY', 'nosort'],
      ['SORT', 'l', 'BY', 'nosort', 'DESC'],
      ['SORT', 'l', 'BY', 'nosort', 'LIMIT', '1', '2'],
      ['SORT', 'l', 'BY', 'nosort', 'DESC', 'LIMIT', '1', '2'],
      ['SORT', 'l', 'BY', 'nosort', 'LIMIT', '5', '2'],
      ['SORT', 'l', 'BY', 'nosort', 'GET', 'n_*'],
      ['SORT', 'l', 'BY', 'nosort', 'BY', 'w_*'],
      ['SORT', 'l', 'GET', 'n_*', 'ALPHA'],
      ['SORT', 'l', 'GET', 'nostar', 'ALPHA'],
      ['SORT', 'l', 'GET', 'l', 'ALPHA'],
      ['SORT', 'l', 'GET', 'obj_*->', 'ALPHA'],
      ['SORT', 'l', 'GET', 'w_*->age', 'ALPHA'],
      ['SORT', 'l', 'GET', '#\x00x', 'ALPHA'],
      ['SORT', 'l', 'BY', 'w_*->x'],
      ['SORT', 'l', 'BY', 'n_*'],
      ['SORT_RO', 'l', 'BY', 'w_*', 'GET', 'n_*'],
      ['RPUSH', BIN, BIN, 'x'],
      ['SET', `k_${BIN}`, BIN],
      ['SORT', BIN, 'BY', 'nosort', 'GET', 'k_*', 'GET', '#'],
    ];
    await h.same(...cmds);
    await h.same3(...cmds);
  });

  it('STORE builds a list, overwrites any type and deletes the destination when empty', async () => {
    await h.same(
      ['RPUSH', 'l', '3', '1', '2'],
      ['MSET', 'n_1', 'one', 'n_3', 'three'],
      ['SORT', 'l', 'STORE', 'dst'],
      ['TYPE', 'dst'],
      ['LRANGE', 'dst', '0', '-1'],
      ['SET', 'str', 'v'],
      ['EXPIRE', 'str', '100'],
      ['SORT', 'l', 'DESC', 'STORE', 'str'],
      ['TTL', 'str'],
      ['LRANGE', 'str', '0', '-1'],
      ['SORT', 'l', 'GET', 'n_*', 'GET', '#', 'STORE', 'dst'],
      ['LRANGE', 'dst', '0', '-1'],
      ['SORT', 'l', 'LIMIT', '0', '0', 'STORE', 'dst'],
      ['EXISTS', 'dst'],
      ['SORT', 'nokey', 'STORE', 'str'],
      ['EXISTS', 'str'],
      ['SORT', 'nokey', 'STORE', 'str'],
      ['SORT', 'l', 'STORE', 'l'],
      ['LRANGE', 'l', '0', '-1'],
      ['RPUSH', 'bad', 'x'],
      ['SORT', 'bad', 'STORE', 'dst2'],
      ['EXISTS', 'dst2'],
      ['SORT', 'l', 'ALPHA', 'STORE', 'a', 'STORE', 'b'],
      ['EXISTS', 'a'],
      ['LRANGE', 'b', '0', '-1'],
    );
  });

  it('sets (intset and hashtable) and sorted sets: sorted by value, BY nosort keeps the native order', async () => {
    const cmds = [
      ['SADD', 'is', '5', '-3', '10', '0', '7'],
      ['SORT', 'is'],
      ['SORT', 'is', 'DESC', 'LIMIT', '1', '3'],
      ['SORT', 'is', 'BY', 'nosort'],
      ['SORT', 'is', 'BY', 'nosort', 'DESC'],
      ['SORT', 'is', 'BY', 'nosort', 'LIMIT', '1', '2'],
      ['SORT', 'is', 'BY', 'nosort', 'STORE', 'dst'],
      ['LRANGE', 'dst', '0', '-1'],
      ['SADD', 'ws', 'pear', 'apple', 'fig', 'banana'],
      ['SORT', 'ws', 'ALPHA'],
      ['SORT', 'ws', 'ALPHA', 'DESC', 'LIMIT', '0', '2'],
      ['SORT', 'ws'],
      ['SORT', 'ws', 'BY', 'nosort', 'STORE', 'dst'],
      ['LRANGE', 'dst', '0', '-1'],
      ['ZADD', 'z', '3', 'c', '1', 'a', '2', 'b', '0', '9', '5', '4'],
      ['SORT', 'z', 'ALPHA'],
      ['SORT', 'z', 'BY', 'nosort'],
      ['SORT', 'z', 'BY', 'nosort', 'DESC'],
      ['SORT', 'z', 'BY', 'nosort', 'LIMIT', '1', '3'],
      ['SORT', 'z', 'BY', 'nosort', 'DESC', 'LIMIT', '1', '3'],
      ['SORT', 'z', 'BY', 'nosort', 'LIMIT', '4', '10'],
      ['SORT', 'z'],
      ['ZADD', 'zn', '1', '30', '2', '10', '3', '20'],
      ['SORT', 'zn'],
      ['SORT', 'zn', 'BY', 'nosort', 'STORE', 'dst'],
      ['LRANGE', 'dst', '0', '-1'],
      ['SORT_RO', 'zn', 'DESC'],
    ];
    await h.same(...cmds);
    await h.same3(...cmds);
  });

  it('COMMAND GETKEYS and GETKEYSANDFLAGS for SORT and SORT_RO: the sorted key and the last STORE destination', async () => {
    const forms = [
      'SORT k', 'SORT k STORE d', 'SORT k BY w_* GET o_* STORE d', 'SORT k store d', 'SORT k STORE', 'SORT k LIMIT 0 1 STORE d',
      'SORT k STORE d STORE e', 'SORT k BY nosort', 'SORT k GET # STORE d ALPHA', 'SORT k LIMIT 0 STORE d', 'SORT k ASC STORE d DESC',
      'SORT k BY', 'SORT k STORE limit 1 2', 'SORT k constructor STORE d', 'SORT_RO k', 'SORT_RO k BY x', 'SORT_RO k STORE d', 'SORT',
    ];
    await h.same(...forms.flatMap((f) => [['COMMAND', 'GETKEYS', ...f.split(' ')], ['COMMAND', 'GETKEYSANDFLAGS', ...f.split(' ')]]));
  });

  it('inside a script, SORT of a set without a real BY sorts the elements lexicographically (deterministic), others keep their order', async () => {
    const sort = (args: string) => ['EVAL', `return redis.call('SORT', KEYS[1], ${args})`, '1'];
    await h.same(
      ['SADD', 's', 'c', 'a', 'b', '10', '2', 'B'],
      ['RPUSH', 'l', 'c', 'a', 'b'],
      ['ZADD', 'z', '3', 'c', '1', 'a', '2', 'b'],
      [...sort("'BY', 'nosort'"), 's'],
      [...sort("'BY', 'nosort', 'DESC'"), 's'],
      [...sort("'BY', 'nosort', 'LIMIT', '1', '3'"), 's'],
      [...sort("'BY', 'nosort', 'GET', '#'"), 's'],
      [...sort("'BY', 'nosort'"), 'l'],
      [...sort("'BY', 'nosort'"), 'z'],
      [...sort("'ALPHA'"), 's'],
      ['EVAL', "return redis.call('SORT_RO', KEYS[1], 'BY', 'nosort')", '1', 's'],
      ['FUNCTION', 'LOAD', 'REPLACE', "#!lua name=sortlib\nredis.register_function('s', function(keys) return redis.call('SORT', keys[1], 'BY', 'nosort') end)"],
      ['FCALL', 's', '1', 's'],
    );
  });
});
