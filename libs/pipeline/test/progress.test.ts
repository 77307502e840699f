import { describe, expect, it } from 'vitest';
import { stageProgress, type Reporter } from '../src/progress.ts';

function recorder() {
  const ticks: string[] = [];
  const rep: Reporter = { start() {}, tick(stage, done, total, msg) { ticks.push(`${stage} ${done}/${total} ${msg ?? ''}`.trim()); }, end() {}, info() {}, close() {} };
  return { rep, ticks };
}

describe('stageProgress (piped: log lines)', () => {
  it('logs the first update, then at most one per interval, and always the last', () => {
    const { rep, ticks } = recorder();
    let t = 0;
    const progress = stageProgress(rep, 'denoise', { minIntervalMs: 1000, now: () => t });
    for (let i = 1; i <= 40; i++) { t += 100; progress(i, 40, `F200W tile ${i}`); }
    expect(ticks[0]).toBe('denoise 1/40 F200W tile 1');
    expect(ticks.at(-1)).toBe('denoise 40/40 F200W tile 40');
    expect(ticks).toHaveLength(5); // t = 100, 1100, 2100, 3100 and the final 4000
  });
});
