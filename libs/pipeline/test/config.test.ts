import { describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadRunConfig, ConfigError } from '../src/config.ts';

describe('run configuration', () => {
  it('fills defaults and applies overrides over the file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cfg-'));
    const f = join(dir, 'c.json');
    writeFileSync(f, JSON.stringify({ denoiser: 'none', injection: { n: 10 } }));
    const c = loadRunConfig(f, { preset: 'f150w-dropout' });
    expect(c.denoiser).toBe('none');
    expect(c.preset).toBe('f150w-dropout');
    expect(c.injection.n).toBe(10);
    expect(c.injection.magRange).toEqual([25.5, 31]);
  });

  it('names the file and every problem', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cfg-'));
    const f = join(dir, 'bad.json');
    writeFileSync(f, JSON.stringify({ denoisr: 'lite', injection: { n: -1 } }));
    expect(() => loadRunConfig(f)).toThrow(ConfigError);
    try { loadRunConfig(f); } catch (e) {
      const msg = (e as Error).message;
      expect(msg).toContain('bad.json');
      expect(msg).toContain('denoisr');
      expect(msg).toContain('injection');
    }
    writeFileSync(f, '{ not json');
    expect(() => loadRunConfig(f)).toThrow(/bad.json: not valid JSON/);
    expect(() => loadRunConfig(join(dir, 'missing.json'))).toThrow(/missing.json: cannot read/);
  });
  it('detection keys (issue 14): bank by default with null stacks; detector, falseRate and nulls strict', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cfg-'));
    const c = loadRunConfig(undefined, {});
    expect(c.nulls).toEqual({ count: 2, mode: 'signflip', seed: 1 });
    expect(c.extract.detector).toBeUndefined(); // → 'bank' in the detect stage
    const f = join(dir, 'd.json');
    writeFileSync(f, JSON.stringify({ extract: { detector: 'sextractor', falseRate: 50 }, nulls: { count: 4 } }));
    const d = loadRunConfig(f, {});
    expect(d.extract.detector).toBe('sextractor');
    expect(d.nulls.count).toBe(4);
    for (const [bad, msg] of [[{ extract: { detector: 'sep' } }, /extract\.detector/], [{ extract: { falseRat: 5 } }, /falseRat/], [{ nulls: { cnt: 3 } }, /cnt/], [{ extract: { falseRate: -1 } }, /falseRate/]] as const) {
      writeFileSync(f, JSON.stringify(bad));
      expect(() => loadRunConfig(f, {}), JSON.stringify(bad)).toThrow(msg);
    }
  });
});
