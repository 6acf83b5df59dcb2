import { useCompat } from '../helpers/compat';

describe('cluster commands outside cluster mode vs Redis 7.0', () => {
  const h = useCompat();

  it('every CLUSTER subcommand, READONLY, READWRITE and ASKING answer as a redis-server without cluster-enabled', async () => {
    await h.same(
      ['CLUSTER', 'INFO'],
      ['CLUSTER', 'HELP'],
      ['cluster', 'nodes'],
      ['CLUSTER', 'SLOTS'],
      ['CLUSTER', 'SHARDS'],
      ['CLUSTER', 'MYID'],
      ['CLUSTER', 'KEYSLOT', 'foo'],
      ['CLUSTER', 'KEYSLOT'],
      ['CLUSTER', 'COUNTKEYSINSLOT', 'x'],
      ['CLUSTER', 'GETKEYSINSLOT', '1', '2'],
      ['CLUSTER', 'ADDSLOTS', '1', '2', '3'],
      ['CLUSTER', 'ADDSLOTS'],
      ['CLUSTER', 'MEET', '127.0.0.1', '7000'],
      ['CLUSTER', 'RESET', 'HARD'],
      ['CLUSTER', 'SETSLOT', '1', 'NODE', 'x'],
      ['CLUSTER'],
      ['CLUSTER', 'bogus'],
      ['CLUSTER', '\x00\xff'],
      ['READONLY'],
      ['READONLY', 'x'],
      ['READWRITE'],
      ['ASKING'],
      ['ASKING', 'x'],
      ['MULTI'],
      ['READONLY'],
      ['CLUSTER', 'INFO'],
      ['EXEC'],
      ['EVAL', "return redis.pcall('CLUSTER', 'INFO')", '0'],
      ['EVAL', "return redis.pcall('READONLY')", '0'],
      ['COMMAND', 'COUNT'],
      ['COMMAND', 'GETKEYS', 'CLUSTER', 'INFO'],
    );
  });
});
