import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Header, readImage, tanWcs, writeImage, type Image } from '@asteris/fits';
import { AsterisError, denoiseFrames, denoiseStack } from '../src/index.ts';
import { mapRunner, synthStack } from './helpers.ts';

function images(frames: Float32Array[], width: number, height: number): Image[] {
  return frames.map((data, t) => {
    const h = new Header();
    h.set('BUNIT', 'MJy/sr');
    h.set('PIXAR_SR', 3.76e-14);
    h.set('FILTER', 'F200W');
    h.set('XPOSURE', 100 + t);
    tanWcs({ crval: [53.1, -27.8], crpix0: [width / 2, height / 2], scaleArcsec: 0.04 }).toHeader(h);
    return { width, height, data, header: h };
  });
}

describe('inference path with stand-in networks', () => {
  it('identity network: denoised equals the same-preprocessing co-add for any tiling', async () => {
    const W = 150, H = 101;
    const frames = synthStack(12, W, H, 5, { missingBorder: true });
    const results = [];
    for (const tile of [32, 64, 104, 256]) {
      const r = await denoiseFrames(frames, W, H, mapRunner(8), { tileSize: tile });
      let worst = 0;
      for (let i = 0; i < r.coadd.length; i++) if (!Number.isNaN(r.coadd[i]!)) worst = Math.max(worst, Math.abs(r.denoised[i]! - r.coadd[i]!));
      expect(worst).toBeLessThan(1e-4 * r.norm.sigma);
      results.push(r);
    }
    // co-add is independent of the tiling, exactly
    expect(Buffer.from(results[0]!.coadd.buffer).equals(Buffer.from(results[3]!.coadd.buffer))).toBe(true);
    // NaN exactly outside the common valid box
    const r = results[0]!;
    expect(r.box).toEqual({ x0: 2, y0: 2, x1: W, y1: H });
    expect(Number.isNaN(r.denoised[0])).toBe(true);
    expect(Number.isNaN(r.denoised[5 * W + 1])).toBe(true);
    expect(Number.isFinite(r.denoised[5 * W + 2])).toBe(true);
  });

  it('de-normalisation is exact: faint pixels of the co-add equal the plain mean; a +c network offset becomes +4σc', async () => {
    const W = 64, H = 48;
    const frames = synthStack(8, W, H, 6, { blobs: 0 });
    const r = await denoiseFrames(frames, W, H, mapRunner(8, (v) => v + 0.01), { tileSize: 64 });
    const { lo, hi, sigma } = r.norm;
    let checked = 0;
    for (let p = 0; p < W * H; p++) {
      let s = 0, clipped = false;
      for (const f of frames) { s += f[p]!; if (f[p]! < lo || f[p]! > hi) clipped = true; }
      if (clipped) continue;
      checked++;
      expect(Math.abs(r.coadd[p]! - s / 8)).toBeLessThan(2e-5 * Math.abs(s / 8));
      if (r.denoised[p]! < (r.cap - 1) * 4 * sigma + r.norm.mu - 1e-3) expect(r.denoised[p]! - r.coadd[p]!).toBeCloseTo(0.04 * sigma, 4);
    }
    expect(checked).toBeGreaterThan(0.9 * W * H);
  });

  it('overshoot cap: output never exceeds the maximum of the raw mean', async () => {
    const W = 48, H = 48;
    const frames = synthStack(8, W, H, 7);
    const r = await denoiseFrames(frames, W, H, mapRunner(8, (v) => v * 3 + 0.5), { tileSize: 48, restoreClipPart: false });
    const capPhys = (r.cap - 1) * 4 * r.norm.sigma + r.norm.mu;
    let maxCo = -Infinity, maxDen = -Infinity;
    for (let i = 0; i < r.coadd.length; i++) { maxCo = Math.max(maxCo, r.coadd[i]!); maxDen = Math.max(maxDen, r.denoised[i]!); }
    expect(maxCo).toBeCloseTo(capPhys, 3);
    expect(maxDen).toBeLessThanOrEqual(capPhys + 1e-4);
  });

  it('bright sources: restored from the temporal median of the clipped excess, flattened without it', async () => {
    const W = 64, H = 64;
    const frames = synthStack(8, W, H, 8, { blobs: 0 });
    const p0 = 32 * W + 32;
    for (const f of frames) f[p0] = f[p0]! + 100; // a bright star's peak, ≫ 3σ in every exposure
    const on = await denoiseFrames(frames, W, H, mapRunner(8), { tileSize: 64 });
    const off = await denoiseFrames(frames, W, H, mapRunner(8), { tileSize: 64, restoreClipPart: false });
    const trueMean = frames.reduce((a, f) => a + f[p0]!, 0) / 8;
    expect(Math.abs(on.coadd[p0]! - trueMean)).toBeLessThan(1); // median vs mean of the excess: noise-level difference
    expect(Math.abs(on.denoised[p0]! - trueMean)).toBeLessThan(1);
    expect(off.denoised[p0]!).toBeLessThan(off.norm.hi + 1e-3);
    // a single-exposure hit (cosmic ray) is not restored
    const cr = synthStack(8, W, H, 8, { blobs: 0 });
    cr[3]![p0] = cr[3]![p0]! + 500;
    const c = await denoiseFrames(cr, W, H, mapRunner(8), { tileSize: 64 });
    expect(c.coadd[p0]!).toBeLessThan(c.norm.hi);
  });

  it("R from the median loses flux where a source crosses the ceiling in only some exposures; 'mean' conserves it", async () => {
    const W = 48, H = 48;
    const frames = synthStack(8, W, H, 12, { blobs: 0 });
    const c0 = 24 * W + 24;
    // a faint-ish star: its peak is near the ≈3σ per-exposure ceiling, so only some exposures are clipped
    for (const f of frames) for (let y = 20; y < 29; y++) for (let x = 20; x < 29; x++) f[y * W + x] += 4 * Math.exp(-((x - 24) ** 2 + (y - 24) ** 2) / 2);
    const med = await denoiseFrames(frames, W, H, mapRunner(8), { tileSize: 48 });
    const mean = await denoiseFrames(frames, W, H, mapRunner(8), { tileSize: 48, clipPartMode: 'mean' });
    let sPlain = 0, sMed = 0, sMean = 0;
    for (let y = 20; y < 29; y++) for (let x = 20; x < 29; x++) {
      const p = y * W + x;
      sPlain += frames.reduce((a, f) => a + f[p]!, 0) / 8;
      sMed += med.coadd[p]!;
      sMean += mean.coadd[p]!;
    }
    expect(Math.abs(sMean - sPlain)).toBeLessThan(1e-3 * sPlain);
    expect(sPlain - sMed).toBeGreaterThan(0.2); // the reference's median restoration is biased low here
    expect(Number.isFinite(med.coadd[c0]!)).toBe(true);
  });

  it('N < T is a clear error; mismatched grids are rejected', async () => {
    const frames = synthStack(6, 32, 32, 9);
    await expect(denoiseFrames(frames, 32, 32, mapRunner(8), { tileSize: 32 })).rejects.toThrow(AsterisError);
    await expect(denoiseFrames(frames, 32, 32, mapRunner(8), { tileSize: 32 })).rejects.toThrow(/6 exposure\(s\)/);
    const ims = images(synthStack(8, 32, 32, 9), 32, 32);
    ims[3] = { ...ims[3]!, width: 31, data: new Float32Array(31 * 32) };
    await expect(denoiseStack(ims, { model: 'x', runner: mapRunner(8) })).rejects.toThrow(/exposure 3 is 31×32/);
  });

  it('image exactly one tile wide (reference edge bug) and smaller than a tile are fully written', async () => {
    for (const [W, H, tile] of [[64, 64, 64], [37, 21, 64]] as const) {
      const frames = synthStack(8, W, H, 10);
      const runner = mapRunner(8, (v) => v * 0.5);
      const r = await denoiseFrames(frames, W, H, runner, { tileSize: tile });
      expect(r.denoised.every((v) => Number.isFinite(v))).toBe(true);
      expect(runner.calls).toEqual([[Math.ceil(H / 8) * 8, Math.ceil(W / 8) * 8]]);
    }
  });
});

describe('ONNX model end-to-end and FITS provenance', () => {
  let dir = '';
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'asteris-e2e-'));
    execFileSync('/usr/bin/python3', [join(import.meta.dirname, 'py/tiny_parity.py'), dir, '8', '16', '16'], { stdio: ['ignore', 'pipe', 'pipe'] });
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('worker pool and in-process session give identical images; header keeps units/WCS and records provenance', async () => {
    const W = 120, H = 90;
    const ims = images(synthStack(10, W, H, 11), W, H);
    const model = join(dir, 'tiny.onnx');
    const a = await denoiseStack(ims, { model, tileSize: 64, workers: 0 });
    const b = await denoiseStack(ims, { model, tileSize: 64, workers: 2 });
    expect(a.info.nTiles).toBe(4);
    expect(Buffer.from(a.denoised.data.buffer).equals(Buffer.from(b.denoised.data.buffer))).toBe(true);
    // the network changed the image
    let diff = 0;
    for (let i = 0; i < W * H; i++) diff = Math.max(diff, Math.abs(a.denoised.data[i]! - a.coadd.data[i]!));
    expect(diff).toBeGreaterThan(1e-3);

    const path = join(dir, 'den.fits');
    writeImage(path, a.denoised);
    const back = readImage(path);
    const h = back.header;
    expect(h.getString('BUNIT')).toBe('MJy/sr');
    expect(h.getNumber('PIXAR_SR')).toBeCloseTo(3.76e-14, 20);
    expect(h.getString('CTYPE1')).toMatch(/TAN/);
    expect(h.getNumber('CRVAL1')).toBeCloseTo(53.1, 10);
    expect(h.getNumber('XPOSURE')).toBe(10 * 100 + 45);
    expect(h.getString('ASTPROD')).toBe('denoised');
    expect(h.getString('ASTMFILE')).toBe('tiny.onnx');
    expect(h.getString('ASTMSHA')).toMatch(/^[0-9a-f]{16}$/);
    expect(h.getNumber('ASTTILE')).toBe(64);
    expect(h.getNumber('ASTNFRM')).toBe(8);
    expect(h.getNumber('ASTNEXP')).toBe(10);
    expect(h.get('ASTRESTO')).toBe(true);
    expect(h.getNumber('ASTSIGMA')).toBeCloseTo(a.info.norm.sigma, 5);
    expect(back.data[50 * W + 60]).toBeCloseTo(a.denoised.data[50 * W + 60]!, 5);
    expect(a.coadd.header.getString('ASTPROD')).toBe('coadd');
  });

  it('missing named models give an actionable message', async () => {
    const ims = images(synthStack(8, 16, 16, 1), 16, 16);
    const prev = process.env.ASTERIS_MODEL_DIR;
    process.env.ASTERIS_MODEL_DIR = dir;
    try {
      await expect(denoiseStack(ims, { model: 'asteris8' })).rejects.toThrow(/asteris8_nrcshort\.onnx.*convert/);
      await expect(denoiseStack(ims, { model: join(dir, 'nope.onnx') })).rejects.toThrow(/model file not found/);
    } finally {
      if (prev === undefined) delete process.env.ASTERIS_MODEL_DIR; else process.env.ASTERIS_MODEL_DIR = prev;
    }
  });
});
