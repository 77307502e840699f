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
});
