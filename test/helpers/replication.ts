import type Redis from 'ioredis';
import { waitFor } from './fixtures';

/** Links and full syncs take seconds on a loaded machine: the replication suites wait this long. */
export const SYNC_TIMEOUT = 15000;

/** A field of an INFO section ('' when absent). */
export function field(info: string, name: string): string {
  const m = new RegExp(`^${name}:(.*)\\r?$`, 'm').exec(info);
  return m === null ? '' : m[1].trim();
}

export async function linkUp(r: Redis): Promise<void> {
  await waitFor(async () => field(await r.info('replication'), 'master_link_status') === 'up', 'the link', SYNC_TIMEOUT);
}

/** Same offset on every server: the replicas applied all the master sent. */
export async function caughtUp(master: Redis, ...replicas: Redis[]): Promise<void> {
  await waitFor(
    async () => {
      const want = field(await master.info('replication'), 'master_repl_offset');
      for (const r of replicas) if (field(await r.info('replication'), 'master_repl_offset') !== want) return false;
      return true;
    },
    'the replicas to catch up',
    SYNC_TIMEOUT,
  );
}
