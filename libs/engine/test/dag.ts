// A small survey-shaped DAG of demo jobs: per field, two "bands" → a "detect" over both → a
// "measure"; one "lf" over every field's measure (a shared dependency, so not a tree).
import type { JobSpec } from '../src/index.ts';

export function surveyDag(fields: number, o: { stepMs?: number; steps?: number; bytes?: number; slow?: string } = {}): JobSpec[] {
  const jobs: JobSpec[] = [];
  const base = { bytes: o.bytes ?? 4096, steps: o.steps ?? 2, stepMs: o.stepMs ?? 20 };
  const job = (id: string, seed: number, deps: string[], group?: string): JobSpec => ({
    id, kind: 'demo.write', deps, group, label: id,
    payload: { out: `${id}.bin`, seed, ...base, ...(id === o.slow ? { steps: 12, stepMs: 150 } : {}) },
  });
  for (let f = 0; f < fields; f++) {
    const g = `field${f}`;
    jobs.push(job(`${g}/f150w`, 10 * f + 1, [], g), job(`${g}/f200w`, 10 * f + 2, [], g));
    jobs.push(job(`${g}/detect`, 10 * f + 3, [`${g}/f150w`, `${g}/f200w`], g));
    jobs.push(job(`${g}/measure`, 10 * f + 4, [`${g}/detect`, `${g}/f150w`], g));
  }
  jobs.push(job('survey/lf', 999, Array.from({ length: fields }, (_, f) => `field${f}/measure`), 'survey'));
  return jobs;
}
