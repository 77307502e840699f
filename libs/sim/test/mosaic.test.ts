import { afterAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Header, tanWcs, writeFits } from '@asteris/fits';
import { stackFromMosaic, readExposureStack } from '../src/index.ts';
import { Rng } from '@asteris/core';

const tmp = mkdtempSync(join(tmpdir(), 'sim-mosaic-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('stackFromMosaic (semi-real stacks)', () => {
  it('exposures average back to the mosaic and their scatter follows the weight map', () => {
    const W = 128, H = 96;
    const h = new Header();
    h.set('BUNIT', '10.0*nanoJansky');
    h.set('FILTER', 'F115W');
    h.set('PIXAR_SR', 2.24e-14); // native-detector value kept by drizzled mosaics: must not be used
    tanWcs({ crval: [34.3, -5.1], crpix0: [63.5, 47.5], scaleArcsec: 0.04 }).toHeader(h);
    const rng = new Rng(1);
    const sci = new Float32Array(W * H), wht = new Float32Array(W * H);
    for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) {
      const i = y * W + x;
      sci[i] = 0.05 * rng.normal() + 3 * Math.exp(-((x - 40) ** 2 + (y - 50) ** 2) / 20);
      wht[i] = x < 64 ? 400 : 100; // σ = 0.05 and 0.1 (10 nJy units)
    }
    wht[5] = 0;
    writeFits(join(tmp, 'sci.fits'), [{ header: h, data: sci, shape: [W, H] }]);
    writeFits(join(tmp, 'wht.fits'), [{ header: h, data: wht, shape: [W, H] }]);
    const field = stackFromMosaic({ sci: join(tmp, 'sci.fits'), weight: join(tmp, 'wht.fits'), nexp: 8, outDir: join(tmp, 'out'), seed: 3 });
    expect(field.bands[0].name).toBe('F115W');
    const st = readExposureStack(field.bands[0]);
    expect(st.images).toHaveLength(8);
    const pix = st.images[0].header.getNumber('PIXAR_SR')!;
    expect(pix).toBeCloseTo((0.04 / 206264.806) ** 2, 18); // the mosaic grid's own pixel area
    const toMosaic = (pix * 1e15) / 10; // MJy/sr → 10 nJy units
    for (let i = 0; i < W * H; i++) {
      if (i === 5) continue;
      let m = 0;
      for (const im of st.images) m += im.data[i] / 8;
      expect(Math.abs(m * toMosaic - sci[i])).toBeLessThan(1e-4 + 1e-5 * Math.abs(sci[i]));
    }
    // zero-weight pixel: NaN + DO_NOT_USE
    expect(Number.isNaN(st.images[0].data[5])).toBe(true);
    expect(st.dqs[0]![5] & 1).toBe(1);
    // per-exposure scatter about the mosaic = √(N−1)·σ_m; ERR = √N·σ_m
    for (const [x0, sig] of [[0, 0.05], [64, 0.1]] as const) {
      let s2 = 0, n = 0;
      for (const im of st.images) for (let y = 0; y < H; y++) for (let x = x0 + 2; x < x0 + 62; x++) {
        if (y * W + x === 5) continue;
        const d = im.data[y * W + x] * toMosaic - sci[y * W + x];
        s2 += d * d; n++;
      }
      expect(Math.abs(Math.sqrt(s2 / n) / (Math.sqrt(7) * sig) - 1)).toBeLessThan(0.03);
      expect(st.errs[0]!.data[10 * W + x0 + 10] * toMosaic).toBeCloseTo(Math.sqrt(8) * sig, 5);
    }
  });
});
