import type { Job } from 'bullmq';
import { handleEvent } from '../../jobs/handlers';
import { publishOutbox } from '../../src/outbox';
import type { Harness } from './harness';

/**
 * Runs every domain event waiting on the harness's `events` queue through its subscribers, as a worker
 * would, and returns the subscribers that acted, in order. A test calls it where the service's caller
 * would next see the effects; what it returns is the signal that the events were handled.
 */
export async function drainEvents(h: Pick<Harness, 'ctx'>): Promise<string[]> {
  await publishOutbox(h.ctx);
  const queue = h.ctx.queues.queue('events');
  const handled: string[] = [];
  for (;;) {
    const jobs = (await queue.getJobs(['waiting', 'delayed', 'prioritized'], 0, 200)) as Job[];
    if (!jobs.length) return handled;
    for (const job of jobs.sort((a, b) => a.timestamp - b.timestamp)) {
      const r = await handleEvent(job.data, h.ctx, job);
      handled.push(...r.handled.map((name) => `${(job.data as { type: string }).type}:${name}`));
      await job.remove();
    }
  }
}
