/**
 * Runs whose kernel died (kill -9, a crash, a closed laptop) stay RUNNING in the store. Every run a kernel starts
 * records the kernel's process id and host; the next kernel that opens the store ends those whose process is gone.
 */
import { hostname } from 'node:os';
import type { Tracker } from '../tracker.js';

export const OWNER_TAGS = { pid: 'tracklab.kernel.pid', host: 'tracklab.kernel.host' } as const;

/** The tags naming this kernel process as the owner of a run. */
export function ownerTags(): Record<string, string> {
  return { [OWNER_TAGS.pid]: String(process.pid), [OWNER_TAGS.host]: hostname() };
}

/** Whether a process with this id exists on this machine. */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Ends KILLED the RUNNING runs of kernels on this host whose process is gone; returns their names. */
export async function endOrphanedRuns(tracker: Tracker): Promise<string[]> {
  const { runs } = await tracker.searchRuns({ filter: "attributes.status = 'RUNNING'", maxResults: 50000 });
  const host = hostname();
  const ended: string[] = [];
  for (const run of runs) {
    const pid = Number(run.tags[OWNER_TAGS.pid]);
    if (run.tags[OWNER_TAGS.host] !== host || !Number.isInteger(pid) || pid === process.pid || processAlive(pid))
      continue;
    await tracker.endRun(run.id, 'KILLED');
    ended.push(run.name);
  }
  return ended;
}
