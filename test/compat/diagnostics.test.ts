import { useCompat } from '../helpers/compat';

describe('diagnostics commands vs redis-server 7.0', () => {
  const h = useCompat();

  it('SLOWLOG, LATENCY and MEMORY help and errors', async () => {
    await h.same(
      ['SLOWLOG', 'HELP'],
      ['SLOWLOG', 'GET', '-2'],
      ['SLOWLOG', 'GET', 'x'],
      ['SLOWLOG', 'RESET'],
      ['SLOWLOG', 'FOO'],
      ['LATENCY', 'HELP'],
      ['LATENCY', 'LATEST'],
      ['LATENCY', 'HISTORY', 'nosuch'],
      ['LATENCY', 'RESET'],
      ['LATENCY', 'GRAPH', 'nosuch'],
      ['LATENCY', 'DOCTOR'],
      ['MEMORY', 'HELP'],
      ['MEMORY', 'USAGE', 'missing'],
      ['SET', 'k', 'v'],
      ['MEMORY', 'USAGE', 'k', 'SAMPLES', 'x'],
      ['MEMORY', 'USAGE', 'k', 'SAMPLES', '-1'],
      ['MEMORY', 'USAGE', 'k', 'FOO'],
      ['MEMORY', 'PURGE'],
      ['LOLWUT', 'VERSION', '1'],
      ['LOLWUT', 'VERSION', 'x'],
      ['MULTI'],
      ['MONITOR'],
      ['EXEC'],
    );
    await h.same3(['LOLWUT', 'VERSION', '4'], ['LATENCY', 'DOCTOR']);
  });
});
