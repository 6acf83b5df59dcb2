import { command, RawClient } from './raw-client';

export type Growth = 'output' | 'multi';

export interface EvictionOutcome {
  /** The growing client is still in CLIENT LIST. */
  survived: boolean;
  /** How much INFO stats' evicted_clients grew. */
  evicted: number;
}

/** How long a server may take to act on a grown client (a loaded CI machine included). */
const SETTLE_MS = 10000;

function evictedClients(info: string): number {
  const m = /evicted_clients:(\d+)/.exec(info);
  if (m === null) throw new Error('no evicted_clients in INFO stats');
  return Number(m[1]);
}

/** The grower's CLIENT LIST fields, or null once it is gone. */
async function listed(ctl: RawClient, name: string): Promise<Map<string, string> | null> {
  const line = (await ctl.call('CLIENT', 'LIST')).split('\n').find((l) => l.includes(` name=${name} `));
  if (line === undefined) return null;
  return new Map(line.trim().split(' ').map((kv) => kv.split('=', 2) as [string, string]));
}

/**
 * The same client-eviction scenario for any server: with maxmemory-clients at 2mb, a client
 * grows past it by not reading the replies to 60 GETs of a 200 KB value ('output') or by
 * queueing 40 SETs of 100 KB in MULTI ('multi'); `noEvict` has it send CLIENT NO-EVICT on first.
 * The controlling connection is NO-EVICT itself: Redis counts every normal client's memory,
 * and would close it too once the grown one is protected.
 *
 * The outcome is read once it is settled, never after a fixed delay: the grower is gone, or it
 * is still listed after the server processed all it sent and holds more than the limit (both
 * servers check a client's memory before each of its commands, so a grower left then was spared).
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
    // All sent: 60 GETs in one write take one read; 40 queued SETs show as multi=40.
    let done: (fields: Map<string, string>) => boolean;
    if (growth === 'output') {
      grower.socket.pause();
      grower.write(command('GET', 'big').repeat(60));
      done = (fields) => fields.get('cmd') === 'get' && fields.get('qbuf') === '0';
    } else {
      await grower.call('MULTI');
      let batch = '';
      for (let i = 0; i < 40; i++) batch += command('SET', `q${i}`, 'y'.repeat(100_000));
      grower.write(batch);
      done = (fields) => fields.get('multi') === '40';
    }
    const deadline = Date.now() + SETTLE_MS;
    let survived = true;
    for (;;) {
      const fields = await listed(ctl, 'grower');
      if (fields === null) {
        survived = false;
        break;
      }
      if (done(fields) && Number(fields.get('tot-mem')) > 2 * 1024 * 1024) break;
      if (Date.now() > deadline) throw new Error(`the grower neither went nor grew past the limit: ${[...fields].map((kv) => kv.join('=')).join(' ')}`);
      await new Promise((r) => setTimeout(r, 20));
    }
    // One more round trip: a check that was due at the grower's last command has run by now.
    if (survived) survived = (await listed(ctl, 'grower')) !== null;
    const evicted = evictedClients(await ctl.call('INFO', 'stats')) - before;
    return { survived, evicted };
  } finally {
    grower.close();
    await ctl.call('CONFIG', 'SET', 'maxmemory-clients', '0');
    await ctl.call('DEL', 'big');
    ctl.close();
  }
}
