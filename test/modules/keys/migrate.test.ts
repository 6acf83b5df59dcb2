import type { Ferrous } from '../../../kernel/bootstrap';
import { useRecorder, useServer } from '../../helpers/fixtures';
import { startTestServer } from '../../helpers/server';

describe('MIGRATE: propagation, events and the cached connection', () => {
  const f = useServer();
  const rec = useRecorder(f);
  let target: Ferrous;
  beforeAll(async () => {
    target = await startTestServer();
  });
  afterAll(async () => target?.close());

  it('propagates the keys the target accepted as one DEL, with del events; COPY propagates nothing', async () => {
    await f.io.mset('a', '1', 'b', '2');
    rec.events = [];
    rec.propagated = [];
    expect(await f.io.call('MIGRATE', '127.0.0.1', String(target.port), '', '0', '5000', 'REPLACE', 'KEYS', 'a', 'b', 'missing')).toBe('OK');
    expect(rec.propagated).toEqual([['DEL', 'a', 'b']]);
    expect(rec.events).toEqual(['m:keymiss:missing', 'g:del:a', 'g:del:b']);
    await f.io.set('c', '3');
    rec.propagated = [];
    expect(await f.io.call('MIGRATE', '127.0.0.1', String(target.port), 'c', '0', '5000', 'COPY')).toBe('OK');
    expect(rec.propagated).toEqual([]);
    expect(await f.io.get('c')).toBe('3');
  });

  it('reuses its connection to the target, and reconnects once when the target dropped it', async () => {
    // By id, not by count: connections of earlier tests may still be closing.
    const ids = () => [...target.server.clients.keys()];
    await f.io.set('x', '1');
    expect(await f.io.call('MIGRATE', '127.0.0.1', String(target.port), 'x', '0', '5000', 'REPLACE', 'COPY')).toBe('OK');
    const before = new Set(ids());
    expect(await f.io.call('MIGRATE', '127.0.0.1', String(target.port), 'x', '0', '5000', 'REPLACE', 'COPY')).toBe('OK');
    expect(ids().filter((id) => !before.has(id))).toEqual([]);
    for (const c of target.server.clients.values()) c.close();
    await new Promise((r) => setTimeout(r, 50));
    expect(await f.io.call('MIGRATE', '127.0.0.1', String(target.port), 'x', '0', '5000', 'REPLACE')).toBe('OK');
    expect(await f.io.exists('x')).toBe(0);
  });
});
