import { FlowProducer, Queue, QueueEvents, Worker } from 'bullmq';
import type { Ferrous } from '../../kernel/bootstrap';
import { waitFor } from '../helpers/fixtures';
import { startRealRedis, type RealRedis } from '../helpers/redis';
import { startTestServer } from '../helpers/server';

/**
 * The same BullMQ jobs on one server: a worker with retries and backoff, a delayed job,
 * priorities, QueueEvents (XREAD BLOCK on the events stream), a flow of parent and children,
 * pause/resume, counts, clean and obliterate. Returns what a user would observe.
 */
async function scenario(port: number): Promise<unknown> {
  const connection = { host: '127.0.0.1', port };
  const q = new Queue('jobs', { connection });
  const events = new QueueEvents('jobs', { connection });
  const flows = new FlowProducer({ connection });
  await events.waitUntilReady();
  const completed: string[] = [];
  const failed: string[] = [];
  events.on('completed', ({ jobId }) => completed.push(jobId));
  events.on('failed', ({ jobId }) => failed.push(jobId));
  const order: string[] = [];
  const attempts: Record<string, number> = {};
  await q.pause();
  await q.add('low', { n: 1 }, { jobId: 'low', priority: 10 });
  await q.add('high', { n: 2 }, { jobId: 'high', priority: 1 });
  await q.add('flaky', { n: 3 }, { jobId: 'flaky', attempts: 3, backoff: { type: 'fixed', delay: 50 } });
  await q.add('doomed', { n: 4 }, { jobId: 'doomed', attempts: 2, backoff: { type: 'exponential', delay: 20 } });
  await q.add('later', { n: 5 }, { jobId: 'later', delay: 200 });
  await flows.add({ name: 'parent', queueName: 'jobs', data: { n: 6 }, opts: { jobId: 'parent' }, children: [
    { name: 'child', queueName: 'jobs', data: { n: 7 }, opts: { jobId: 'child-a' } },
    { name: 'child', queueName: 'jobs', data: { n: 8 }, opts: { jobId: 'child-b' } },
  ] });
  const pausedCounts = await q.getJobCounts();
  const worker = new Worker(
    'jobs',
    async (job) => {
      order.push(job.id!);
      attempts[job.id!] = job.attemptsMade + 1;
      if (job.id === 'flaky' && job.attemptsMade < 1) throw new Error('first try fails');
      if (job.id === 'doomed') throw new Error('always fails');
      if (job.name === 'parent') return Object.values(await job.getChildrenValues()).sort();
      return job.data.n * 10;
    },
    { connection, concurrency: 1 },
  );
  await q.resume();
  await waitFor(async () => (await q.getJobCounts('completed')).completed === 7 && (await q.getJobCounts('failed')).failed === 1, 'all jobs done');
  await waitFor(() => completed.length === 7 && failed.length === 1, 'queue events');
  const results: Record<string, unknown> = {};
  for (const id of ['low', 'high', 'flaky', 'later', 'parent', 'child-a', 'child-b']) results[id] = (await q.getJob(id))!.returnvalue;
  const doomed = await q.getJob('doomed');
  const finalCounts = await q.getJobCounts();
  const cleaned = (await q.clean(0, 100, 'completed')).length;
  await worker.close();
  await q.obliterate({ force: true });
  const left = await q.getJobCounts();
  await flows.close();
  await events.close();
  await q.close();
  return {
    pausedCounts,
    firstTwo: order.slice(0, 2),
    attempts,
    results,
    doomed: [doomed!.failedReason, doomed!.attemptsMade],
    completed: completed.sort(),
    failed,
    finalCounts,
    cleaned,
    left,
  };
}

describe('BullMQ runs the same jobs on Ferrous and redis-server 7.0', () => {
  let redis: RealRedis;
  let ferrous: Ferrous;
  beforeAll(async () => {
    redis = await startRealRedis();
    ferrous = await startTestServer();
  });
  afterAll(async () => {
    await ferrous?.close();
    await redis?.stop();
  });

  it('queue, worker, QueueEvents, retries with backoff, delays, priorities, flows, pause/resume, clean, obliterate', async () => {
    const expected = await scenario(redis.port);
    expect(await scenario(ferrous.port)).toEqual(expected);
  }, 60000);
});
