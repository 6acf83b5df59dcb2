import { CommandTable, allRedisCommandNames } from '../../../kernel';
import { useServer } from '../../helpers/fixtures';
import { RawClient } from '../../helpers/raw-client';
import { startTestServer } from '../../helpers/server';

const DISABLED = 'ERR This instance has cluster support disabled';

describe('cluster module (cluster support disabled)', () => {
  const f = useServer();

  it('registers every cluster command Redis 7.0 has, with Redis\'s metadata', () => {
    const table = f.ferrous.container.resolve(CommandTable);
    const names = allRedisCommandNames().filter((n) => n === 'asking' || n === 'readonly' || n === 'readwrite' || n.startsWith('cluster|'));
    expect(names.length).toBeGreaterThan(25);
    for (const n of names) expect(table.byFullName(n)?.module).toBe('cluster');
    expect(table.byFullName('cluster|keyslot')!.def.arity).toBe(3);
  });

  it('answers through ioredis and node-redis, and the connection and data stay', async () => {
    await f.io.set('k', 'v');
    await expect(f.io.call('CLUSTER', 'INFO')).rejects.toThrow(DISABLED);
    await expect(f.io.call('READONLY')).rejects.toThrow(DISABLED);
    await expect(f.nr.sendCommand(['CLUSTER', 'SLOTS'])).rejects.toThrow(DISABLED);
    await expect(f.nr.sendCommand(['ASKING'])).rejects.toThrow(DISABLED);
    expect(await f.raw.call('CLUSTER', 'KEYSLOT')).toBe("-ERR wrong number of arguments for 'cluster|keyslot' command\r\n");
    expect(await f.raw.call('CLUSTER', 'NOSUCH\r\n')).toBe("-ERR unknown subcommand 'NOSUCH  '. Try CLUSTER HELP.\r\n");
    expect(await f.io.get('k')).toBe('v');
  });

  it('is gone with --disable-module cluster', async () => {
    const g = await startTestServer({ 'disable-module': 'cluster' });
    const raw = await RawClient.connect(g.port);
    try {
      expect(await raw.call('CLUSTER', 'INFO')).toBe("-ERR unknown command 'CLUSTER', with args beginning with: 'INFO' \r\n");
      expect(await raw.call('COMMAND', 'COUNT')).toBe(`:${240 - 4}\r\n`);
    } finally {
      raw.close();
      await g.close();
    }
  });
});
