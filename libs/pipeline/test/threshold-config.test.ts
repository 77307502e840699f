// The detect stage's strict config accepts the extraction noise-model options (issue 16 item 4): a run
// config {"extract": {"noiseKernel": "auto"}} is valid, reaches the detect stage and changes its cache key;
// unknown keys stay errors naming the key; the default (no key) is unchanged.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { detectStage } from '@asteris/extract';
import { loadRunConfig } from '../src/config.ts';
import { cacheKey } from '../src/cache.ts';
import { stageKeyParts } from '../src/engine.ts';

const cfgFile = (o: unknown) => { const d = mkdtempSync(join(tmpdir(), 'detect-cfg-')); const f = join(d, 'config.json'); writeFileSync(f, JSON.stringify(o)); return f; };
const detectKey = (extract: unknown) => {
  const config = detectStage.schema.parse({ bands: ['F277W', 'F444W'], extract });
  return cacheKey('detect', stageKeyParts(detectStage, { images: [] }, config, ['a', 'b']));
};

describe('detect stage config: noise-model options', () => {
  it('asteris run config accepts extract.noiseKernel and extract.weightType', () => {
    const c = loadRunConfig(cfgFile({ extract: { noiseKernel: 'auto', weightType: 'rms' } }));
    expect(c.extract).toEqual({ noiseKernel: 'auto', weightType: 'rms' });
    expect(loadRunConfig(undefined).extract).toEqual({}); // default unchanged: no kernel, background RMS
  });
  it('bad values and unknown keys are errors naming the key', () => {
    expect(() => loadRunConfig(cfgFile({ extract: { noiseKernel: 'measured' } }))).toThrow(/extract\.noiseKernel/);
    expect(() => loadRunConfig(cfgFile({ extract: { weightType: 'MAP_FOO' } }))).toThrow(/extract\.weightType/);
    expect(() => loadRunConfig(cfgFile({ extract: { noiseKernal: 'auto' } }))).toThrow(/noiseKernal/);
  });
  it('the options change the detect stage cache key (and the key is stable)', () => {
    const base = detectKey({});
    expect(detectKey({ noiseKernel: 'auto' })).not.toBe(base);
    expect(detectKey({ weightType: 'rms' })).not.toBe(base);
    expect(detectKey({ noiseKernel: 'auto' })).toBe(detectKey({ noiseKernel: 'auto' }));
  });
});
