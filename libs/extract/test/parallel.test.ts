import { describe, expect, it } from 'vitest';
import { extractSources, extractSourcesParallel, mockField } from '../src/index.ts';

describe('extractSourcesParallel', () => {
  it('gives exactly the same catalogue and segmentation as extractSources (2 threads)', async () => {
    const f = mockField({ width: 400, height: 300, nSources: 120, seed: 17, noise: 1, background: 3, fluxRange: [10, 3000] });
    const img = { width: 400, height: 300, data: f.data, header: null as never };
    const a = extractSources(img, { apertures: [4, 8] });
    const b = await extractSourcesParallel(img, { apertures: [4, 8] }, { threads: 2, waitForWorkers: true });
    expect(b.sources.length).toBe(a.sources.length);
    expect(JSON.stringify(b.sources)).toBe(JSON.stringify(a.sources));
    expect(Buffer.from(b.segmentation.buffer).equals(Buffer.from(a.segmentation.buffer))).toBe(true);
  });

  it('is byte-identical with 3 threads and workers joining part-way (dynamic chunk scheduling)', async () => {
    const f = mockField({ width: 300, height: 260, nSources: 90, seed: 5, noise: 1, background: 2, fluxRange: [10, 3000] });
    const img = { width: 300, height: 260, data: f.data, header: null as never };
    const a = extractSources(img, { apertures: [5], backSize: 32 });
    // no waitForWorkers: stages start on the main thread and workers take chunks once booted
    const b = await extractSourcesParallel(img, { apertures: [5], backSize: 32 }, { threads: 3 });
    expect(b.sources.length).toBeGreaterThan(20);
    expect(JSON.stringify(b.sources)).toBe(JSON.stringify(a.sources));
    expect(Buffer.from(b.segmentation.buffer).equals(Buffer.from(a.segmentation.buffer))).toBe(true);
    expect(Buffer.from(b.background.buffer).equals(Buffer.from(a.background.buffer))).toBe(true);
  });
});
