// The independent generator (tests/independent-sim): seeded and byte-identical, field format products,
// truth fluxes equal to the rendered light, the requested sky gradient present.
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { readImage } from '@asteris/fits';
import { generateIndependentField, writeIndependentField, coadd } from '../../../tests/independent-sim/index.ts';

const small = { width: 96, height: 80, nPoint: 6, nSersic: 4, nExposures: 2, pixelScale: 0.03 };
function digest(dir: string, files: string[]): string {
  const h = createHash('sha256');
  for (const f of files.slice().sort()) h.update(f).update(readFileSync(join(dir, f)));
  return h.digest('hex');
}

describe('independent generator', () => {
  it('same seed → same bytes; another seed → different bytes; field format readable', () => {
    const dirs = [0, 1, 2].map(() => mkdtempSync(join(tmpdir(), 'indep-')));
    try {
      const f1 = writeIndependentField(generateIndependentField({ ...small, seed: 5 }), dirs[0]);
      const f2 = writeIndependentField(generateIndependentField({ ...small, seed: 5 }), dirs[1]);
      const f3 = writeIndependentField(generateIndependentField({ ...small, seed: 6 }), dirs[2]);
      expect(digest(dirs[0], f1)).toBe(digest(dirs[1], f2));
      expect(digest(dirs[0], f1)).not.toBe(digest(dirs[2], f3));
      const fj = JSON.parse(readFileSync(join(dirs[0], 'field.json'), 'utf8'));
      expect(fj.format).toBe('asteris-field/1');
      expect(fj.pixelScale).toBe(0.03);
      expect(readdirSync(join(dirs[0], 'F444W')).length).toBe(2);
      const sci = readImage(join(dirs[0], fj.bands[0].exposures[0]), { hdu: 'SCI' });
      expect([sci.width, sci.height]).toEqual([96, 80]);
      expect(sci.header.get('BUNIT')).toBe('MJy/sr');
      const psf = readImage(join(dirs[0], 'psf', 'F444W.fits'));
      expect(psf.header.get('PIXELSCL')).toBe(0.03);
      let s = 0; for (const v of psf.data) s += v;
      expect(Math.abs(s - 1)).toBeLessThan(1e-5);
      expect(readFileSync(join(dirs[0], 'truth.csv'), 'utf8').trim().split('\n').length).toBe(11);
    } finally { for (const d of dirs) rmSync(d, { recursive: true, force: true }); }
  });

  it('truth flux = rendered light; co-add carries the ±gradient sky; DQ flags the artefacts', () => {
    const f = generateIndependentField({ ...small, seed: 9, nCosmic: 10, nHot: 5 });
    for (const b of f.bands) {
      let m = 0; for (const v of b.model) m += v;
      const t = f.truth.reduce((s, x) => s + x.flux[b.name], 0);
      expect(Math.abs(m - t) / t).toBeLessThan(1e-4);
      const bs = f.spec.bands.find((x) => x.name === b.name)!;
      let lo = Infinity, hi = -Infinity; for (const v of b.background) { lo = Math.min(lo, v); hi = Math.max(hi, v); }
      // linear gradient spans 2 × 5 % of the sky between opposite corners (plus the constant offset)
      expect((hi - lo) / bs.sky).toBeCloseTo(0.1, 3);
      expect(b.exposures.some((e) => e.dq.some((d) => d & 4))).toBe(true);
      expect(b.exposures[0].dq.some((d) => d & 2048)).toBe(true);
      const c = coadd(f, b.name);
      // hot pixels are flagged in every exposure: those (and only those, up to coincident CRs) are NaN in the co-add
      const nNaN = c.sci.reduce((k, v) => k + (Number.isFinite(v) ? 0 : 1), 0);
      expect(nNaN).toBeGreaterThan(0);
      expect(nNaN).toBeLessThanOrEqual(5 + 2);
    }
  });
});
