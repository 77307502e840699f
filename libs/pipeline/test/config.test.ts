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
});
