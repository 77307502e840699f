import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { modelCandidates, resolveModel, resolveModelsPerBand } from '../src/index.ts';

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

describe('lite-art registration', () => {
  it('resolves beside lite, with its own file and environment override', () => {
    const dir = mkdtempSync(join(tmpdir(), 'asteris-models-'));
    writeFileSync(join(dir, 'asteris-lite.onnx'), 'lite');
    writeFileSync(join(dir, 'asteris-lite-art.onnx'), 'art');
    expect(modelCandidates('lite-art', 'F277W', { ASTERIS_MODEL_DIR: dir })).toEqual([join(dir, 'asteris-lite-art.onnx')]);
    const art = resolveModel('lite-art', 'F277W', { ASTERIS_MODEL_DIR: dir });
    expect(art.path).toBe(join(dir, 'asteris-lite-art.onnx'));
    expect(art.sha256).not.toBe(resolveModel('lite', 'F277W', { ASTERIS_MODEL_DIR: dir }).sha256);
    expect(modelCandidates('lite-art', undefined, { ASTERIS_LITE_ART_ONNX: '/x/y.onnx' })).toEqual(['/x/y.onnx']);
    expect(() => resolveModel('lite-art', undefined, { ASTERIS_MODEL_DIR: join(dir, 'none') })).toThrow(/ASTERIS-lite-art model not found/);
  });
  it('the committed lite-art model is found by default', () => {
    const m = resolveModel('lite-art', undefined, {});
    expect(m.path.endsWith('data/models/asteris-lite-art.onnx')).toBe(true);
    expect(m.sha256).not.toBe(resolveModel('lite', undefined, {}).sha256);
  });
});

describe('lite-null registration', () => {
  it('is the images stage default, resolves to its committed file, and takes its environment override', async () => {
    const { ImagesConfigSchema } = await import('../src/index.ts');
    expect(ImagesConfigSchema.parse({}).denoiser).toBe('lite-null');
    const m = resolveModel('lite-null', 'F444W', {});
    expect(m.path.endsWith('data/models/asteris-lite-null.onnx')).toBe(true);
    expect(m.sha256).not.toBe(resolveModel('lite', undefined, {}).sha256);
    expect(modelCandidates('lite-null', undefined, { ASTERIS_LITE_NULL_ONNX: '/x/n.onnx' })).toEqual(['/x/n.onnx']);
    expect(() => resolveModel('lite-null', undefined, { ASTERIS_MODEL_DIR: '/nonexistent-dir' })).toThrow(/ASTERIS-lite-null model not found/);
  });
});
