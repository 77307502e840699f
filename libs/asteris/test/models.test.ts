import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveModelsPerBand } from '../src/index.ts';

describe('per-band model resolution', () => {
  it('gives SW and LW bands their own model and a cache key with every band', () => {
    const dir = mkdtempSync(join(tmpdir(), 'asteris-models-'));
    writeFileSync(join(dir, 'asteris4_nrcshort.onnx'), 'sw');
    writeFileSync(join(dir, 'asteris4_nrclong.onnx'), 'lw');
    const { models, cacheKey } = resolveModelsPerBand('asteris4', ['F115W', 'F277W', 'F444W'], { ASTERIS_MODEL_DIR: dir });
    expect(models.get('F115W')!.path).toBe(join(dir, 'asteris4_nrcshort.onnx'));
    expect(models.get('F277W')!.path).toBe(join(dir, 'asteris4_nrclong.onnx'));
    expect(models.get('F444W')!.path).toBe(join(dir, 'asteris4_nrclong.onnx'));
    expect(models.get('F115W')!.sha256).not.toBe(models.get('F277W')!.sha256);
    expect(cacheKey.split(',')).toHaveLength(3);
    expect(cacheKey).toContain(`F277W:${models.get('F277W')!.sha256}`);
  });
});
