import { clientEvictionScenario } from '../helpers/client-eviction';
import { useCompat } from '../helpers/compat';

describe('maxmemory-clients vs redis-server 7.0', () => {
  const h = useCompat();

  it('takes bytes, units and percentages and refuses bad values with the same errors', async () => {
    await h.same(
      ['CONFIG', 'SET', 'maxmemory-clients', '10%'],
      ['CONFIG', 'GET', 'maxmemory-clients'],
      ['CONFIG', 'SET', 'maxmemory-clients', '101%'],
      ['CONFIG', 'SET', 'maxmemory-clients', '0%'],
      ['CONFIG', 'GET', 'maxmemory-clients'],
      ['CONFIG', 'SET', 'maxmemory-clients', '-1'],
      ['CONFIG', 'SET', 'maxmemory-clients', 'abc'],
      ['CONFIG', 'SET', 'maxmemory-clients', '1mb'],
      ['CONFIG', 'GET', 'maxmemory-clients'],
      ['CONFIG', 'SET', 'maxmemory-clients', '0'],
      ['CLIENT', 'NO-EVICT', 'maybe'],
      ['CLIENT', 'NO-EVICT'],
    );
  });

  for (const growth of ['output', 'multi'] as const) {
    for (const noEvict of [false, true]) {
      it(`a client growing its ${growth === 'output' ? 'unread output' : 'MULTI queue'} past the limit${noEvict ? ' with NO-EVICT on' : ''}: the same outcome`, async () => {
        const redis = await clientEvictionScenario(h.redisPort(), growth, noEvict);
        const ferrous = await clientEvictionScenario(h.ferrousPort(), growth, noEvict);
        expect(redis).toEqual(noEvict ? { survived: true, evicted: 0 } : { survived: false, evicted: 1 });
        expect(ferrous).toEqual(redis);
      });
    }
  }
});
