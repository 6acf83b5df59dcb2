import { useCompat } from '../helpers/compat';

describe('MODULE vs redis-server 7.0 (enable-module-command default: no)', () => {
  const h = useCompat();

  it('LIST and HELP answer; LOAD, LOADEX and UNLOAD are refused with Redis 7 text', async () => {
    await h.same(
      ['MODULE', 'LIST'],
      ['MODULE', 'HELP'],
      ['MODULE', 'LOAD', '/nonexistent.so'],
      ['MODULE', 'LOADEX', '/nonexistent.so', 'CONFIG', 'a', 'b'],
      ['MODULE', 'UNLOAD', 'x'],
      ['MODULE', 'LIST', 'extra'],
      ['MODULE', 'nosuch'],
      ['MODULE'],
      ['CONFIG', 'GET', 'enable-module-command'],
    );
    await h.same3(['MODULE', 'LIST'], ['MODULE', 'HELP']);
  });
});

describe('MODULE vs redis-server 7.0 (enable-module-command yes)', () => {
  const h = useCompat({ 'enable-module-command': 'yes' }, ['--enable-module-command', 'yes']);

  it('errors for a missing library, a missing module and bad LOADEX arguments read as Redis', async () => {
    await h.same(
      ['MODULE', 'LOAD', '/nonexistent.so'],
      ['MODULE', 'LOADEX', '/nonexistent.so', 'CONFIG', 'a', 'b', 'ARGS', 'x'],
      ['MODULE', 'LOADEX', '/nonexistent.so', 'bogus'],
      ['MODULE', 'UNLOAD', 'nosuch'],
      ['MODULE', 'LOAD'],
      ['MODULE', 'UNLOAD'],
      ['MODULE', 'LIST'],
      ['INFO', 'modules'],
    );
  });
});
