// Per-group (e.g. per-field) progress from the per-job EngineEvents, for the runner's display.
import type { EngineEvent, JobSpec } from './types.ts';

export interface GroupProgress { group: string; done: number; total: number; running: number; failed: number }

/**
 * An `onEvent` that counts jobs per group (`JobSpec.group`; jobs without one count under "")
 * and calls `onGroup` whenever a group's counts change; `next` receives every event unchanged.
 */
export function groupProgress(jobs: JobSpec[], onGroup: (g: GroupProgress) => void, next?: (e: EngineEvent) => void): (e: EngineEvent) => void {
  const groupOf = new Map(jobs.map((j) => [j.id, j.group ?? '']));
  const counts = new Map<string, GroupProgress>();
  for (const j of jobs) {
    const g = j.group ?? '';
    const c = counts.get(g) ?? { group: g, done: 0, total: 0, running: 0, failed: 0 };
    c.total++;
    counts.set(g, c);
  }
  const running = new Set<string>();
  return (e) => {
    next?.(e);
    const g = groupOf.get(e.id);
    if (g === undefined || e.type === 'progress' || e.type === 'retry') return;
    const c = counts.get(g)!;
    if (e.type === 'start') running.add(e.id);
    else {
      running.delete(e.id);
      if (e.type === 'failed') c.failed++;
      else c.done++;
    }
    c.running = [...running].filter((id) => groupOf.get(id) === g).length;
    onGroup({ ...c });
  };
}
