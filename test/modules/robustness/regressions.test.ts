import * as fs from 'fs';
import * as path from 'path';
import { pingWithin, REGRESSIONS, type Regression, sendBatch, useCanaryServer } from './harness';

/** Every input the sweep or the fuzzer saved (and the ones found by hand), replayed each run. */
const CASES = fs
  .readdirSync(REGRESSIONS)
  .filter((f) => f.endsWith('.json'))
  .sort()
  .map((f) => [f, JSON.parse(fs.readFileSync(path.join(REGRESSIONS, f), 'utf8')) as Regression] as const);

describe('saved crash and bug inputs', () => {
  const s = useCanaryServer([['SET', 'canary', 'alive']]);

  it('has cases to replay', () => {
    expect(CASES.length).toBeGreaterThan(0);
  });

  it.each(CASES)('%s: answered in valid RESP without a handler bug, the server serving after', async (_file, c) => {
    let n = 0;
    for (const data of c.connections) {
      const r = await sendBatch(s.ferrous.port, data, `regression-marker-${n++}`, 5000);
      expect(r.bugs).toEqual([]);
      // A damaged frame may close the connection or leave it waiting; broken replies never.
      expect(r.failure ?? '').not.toMatch(/^invalid RESP/);
    }
    expect(await pingWithin(s.ferrous.port, 5000)).toBe(true);
    expect(await s.control.call('GET', 'canary')).toBe('$5\r\nalive\r\n');
    expect(s.ferrous.server.stats.handlerErrors).toBe(0);
  }, 30_000);
});
