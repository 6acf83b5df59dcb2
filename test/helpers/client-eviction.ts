import { command, RawClient } from './raw-client';

export type Growth = 'output' | 'multi';

export interface EvictionOutcome {
  /** The growing client is still in CLIENT LIST. */
  survived: boolean;
  /** How much INFO stats' evicted_clients grew. */
  evicted: number;
}

function evictedClients(info: string): number {
  const m = /evicted_clients:(\d+)/.exec(info);
  if (m === null) throw new Error('no evicted_clients in INFO stats');
  return Number(m[1]);
}

async function listed(ctl: RawClient, name: string): Promise<boolean> {
  return (await ctl.call('CLIENT', 'LIST')).includes(`name=${name} `);
}

/**
 * The same client-eviction scenario for any server: with maxmemory-clients at 2mb, a client
 * grows past it by not reading the replies to 60 GETs of a 200 KB value ('output') or by
 * queueing 40 SETs of 100 KB in MULTI ('multi'); `noEvict` has it send CLIENT NO-EVICT on first.
 * The controlling connection is NO-EVICT itself: Redis counts every normal client's memory,
 * and would close it too once the grown one is protected.
 */
export async function clientEvictionScenario(port: number, growth: Growth, noEvict: boolean): Promise<EvictionOutcome> {
  const ctl = await RawClient.connect(port);
  const grower = await RawClient.connect(port);
  try {
    await ctl.call('CLIENT', 'NO-EVICT', 'on');
    await ctl.call('SET', 'big', 'x'.repeat(200_000));
    const before = evictedClients(await ctl.call('INFO', 'stats'));
    await ctl.call('CONFIG', 'SET', 'maxmemory-clients', '2mb');
    if (noEvict) await grower.call('CLIENT', 'NO-EVICT', 'on');
    await grower.call('CLIENT', 'SETNAME', 'grower');
    if (growth === 'output') {
      grower.socket.pause();
      grower.write(command('GET', 'big').repeat(60));
    } else {
      await grower.call('MULTI');
      let batch = '';
      for (let i = 0; i < 40; i++) batch += command('SET', `q${i}`, 'y'.repeat(100_000));
      grower.write(batch);
    }
    // Eviction happens at the grower's next command or the next check; give both a moment.
    const deadline = Date.now() + 1500;
    while (Date.now() < deadline && (await listed(ctl, 'grower'))) await new Promise((r) => setTimeout(r, 50));
    const survived = await listed(ctl, 'grower');
    const evicted = evictedClients(await ctl.call('INFO', 'stats')) - before;
    return { survived, evicted };
  } finally {
    grower.close();
    await ctl.call('CONFIG', 'SET', 'maxmemory-clients', '0');
    await ctl.call('DEL', 'big');
    ctl.close();
  }
}
