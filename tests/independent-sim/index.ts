// Independent mock-field generator for validation (issue 13). Written from scratch for the tests, sharing
// no code with libs/sim: its own RNG (xoshiro128**), its own PSFs (Moffat, Gaussian mixtures), its own
// source profiles and its own detector effects. Settings are deliberately far from libs/sim's defaults
// (0.03–0.06″/px, few exposures, strong sky gradients, 1/f row striping, optional drizzle-like correlation).
//
// A field is N exposures × bands on one pixel grid, written in the field format (docs/field-format.md):
// field.json, <BAND>/<band>_exp<k>.fits (SCI, ERR, DQ; MJy/sr with PIXAR_SR), psf/<BAND>.fits, truth.csv.
// Everything is a pure function of the spec: the same seed gives the same bytes.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Header, writeFits, type Image } from '@asteris/fits';

// ---------------------------------------------------------------- RNG (xoshiro128**, seeded by splitmix32)
export class IndepRng {
  private s = new Uint32Array(4);
  private spare = NaN;
  constructor(seed: number) {
    let z = seed >>> 0;
    for (let i = 0; i < 4; i++) {
      z = (z + 0x9e3779b9) >>> 0;
      let t = z;
      t = Math.imul(t ^ (t >>> 16), 0x85ebca6b) >>> 0;
      t = Math.imul(t ^ (t >>> 13), 0xc2b2ae35) >>> 0;
      this.s[i] = (t ^ (t >>> 16)) >>> 0;
    }
  }
  private next(): number {
    const s = this.s;
    const r = Math.imul(rotl(Math.imul(s[1], 5) >>> 0, 7), 9) >>> 0;
    const t = (s[1] << 9) >>> 0;
    s[2] ^= s[0]; s[3] ^= s[1]; s[1] ^= s[2]; s[0] ^= s[3]; s[2] ^= t; s[3] = rotl(s[3], 11);
    return r;
  }
  /** uniform in [0, 1) */
  u(): number { return (this.next() + 0.5) / 4294967296; }
  /** standard normal (Marsaglia polar) */
  n(): number {
    if (this.spare === this.spare) { const v = this.spare; this.spare = NaN; return v; }
    for (;;) {
      const a = 2 * this.u() - 1, b = 2 * this.u() - 1, q = a * a + b * b;
      if (q > 0 && q < 1) { const f = Math.sqrt((-2 * Math.log(q)) / q); this.spare = b * f; return a * f; }
    }
  }
}
function rotl(x: number, k: number): number { return ((x << k) | (x >>> (32 - k))) >>> 0; }

// ---------------------------------------------------------------- PSFs
export type IndepPsf =
  | { kind: 'moffat'; fwhmPx: number; beta: number }
  | { kind: 'gmix'; comps: { w: number; sigmaPx: number }[] };

/** PSF surface brightness (unnormalised) at radius² r2 (pixels²). */
function psfProfile(p: IndepPsf): (r2: number) => number {
  if (p.kind === 'moffat') {
    const alpha = p.fwhmPx / (2 * Math.sqrt(2 ** (1 / p.beta) - 1));
    return (r2) => (1 + r2 / (alpha * alpha)) ** -p.beta;
  }
  return (r2) => p.comps.reduce((s, c) => s + (c.w / (c.sigmaPx * c.sigmaPx)) * Math.exp(-r2 / (2 * c.sigmaPx * c.sigmaPx)), 0);
}

/**
 * Pixel-integrated PSF stamp (size × size, odd), centred at (size−1)/2 + (dx, dy), sampled 7×7 per pixel
 * (× `oversample` finer grid when > 1: pixel = 1/oversample of a detector pixel), normalised to unit sum.
 */
export function psfStamp(p: IndepPsf, size: number, dx = 0, dy = 0, oversample = 1): Float64Array {
  const f = psfProfile(p);
  const out = new Float64Array(size * size);
  const c = (size - 1) / 2, sub = 7, os = oversample;
  let tot = 0;
  for (let y = 0; y < size; y++) for (let x = 0; x < size; x++) {
    let s = 0;
    for (let j = 0; j < sub; j++) for (let i = 0; i < sub; i++) {
      const px = (x - c + (i + 0.5) / sub - 0.5) / os - dx, py = (y - c + (j + 0.5) / sub - 0.5) / os - dy;
      s += f(px * px + py * py);
    }
    out[y * size + x] = s;
    tot += s;
  }
  for (let i = 0; i < out.length; i++) out[i] /= tot;
  return out;
}

/** FWHM (px) of a PSF spec, analytic for Moffat, by bisection for a mixture. */
export function psfFwhm(p: IndepPsf): number {
  if (p.kind === 'moffat') return p.fwhmPx;
  const f = psfProfile(p), h = f(0) / 2;
  let lo = 0, hi = 50;
  for (let k = 0; k < 60; k++) { const m = (lo + hi) / 2; if (f(m * m) > h) lo = m; else hi = m; }
  return 2 * lo;
}

// ---------------------------------------------------------------- spec
export interface IndepBand {
  name: string;
  psf: IndepPsf;
  /** sky level in nJy/px (the exposures carry sky offset + gradient; the nominal sky is subtracted) */
  sky: number;
  /** per-exposure white-noise σ (nJy/px) */
  sigma: number;
}
export interface IndepSpec {
  seed: number;
  width: number;
  height: number;
  /** arcsec per pixel (0.03–0.06) */
  pixelScale: number;
  bands: IndepBand[];
  nExposures: number;
  /** amplitude of the linear sky gradient as a fraction of the sky, centre to edge (0.05 = ±5 %) */
  gradient: number;
  /** residual constant sky after the nominal subtraction, fraction of the sky (signed, per band random in ±this) */
  skyOffset: number;
  /** rms of the per-exposure 1/f row striping (nJy/px) */
  stripe: number;
  /** cosmic rays per exposure, hot pixels per band (all flagged in DQ: 4 JUMP_DET, 2048 HOT) */
  nCosmic: number;
  nHot: number;
  /** drizzle-like correlation of the per-exposure noise: neighbour weight a of a separable [a, 1, a] kernel (0 = white) */
  correlate: number;
  nPoint: number;
  nSersic: number;
  /** log-uniform flux range (nJy) */
  fluxMin: number;
  fluxMax: number;
  /** PSF stamp size written to psf/ and used for rendering (odd) */
  psfSize: number;
  /**
   * Optional source list (replaces nPoint/nSersic and the random fluxes): fluxes per band (nJy) and shapes
   * given by the caller (e.g. from SEDs); positions are drawn as usual. `label` and `z` go to the truth.
   */
  sources?: IndepSourceSpec[];
  /** minimum separation between sources (px; default 9) */
  minSeparation?: number;
}

export interface IndepSourceSpec {
  kind: 'point' | 'sersic';
  flux: Record<string, number>;
  re?: number; n?: number; q?: number; pa?: number;
  label?: string; z?: number;
}

export const INDEP_DEFAULTS: IndepSpec = {
  seed: 1, width: 200, height: 200, pixelScale: 0.05,
  bands: [
    { name: 'F150W', psf: { kind: 'gmix', comps: [{ w: 0.7, sigmaPx: 0.9 }, { w: 0.3, sigmaPx: 2.6 }] }, sky: 8, sigma: 1.0 },
    { name: 'F277W', psf: { kind: 'moffat', fwhmPx: 3.2, beta: 3.5 }, sky: 14, sigma: 1.2 },
    { name: 'F444W', psf: { kind: 'moffat', fwhmPx: 4.2, beta: 2.5 }, sky: 20, sigma: 1.4 },
  ],
  nExposures: 4, gradient: 0.05, skyOffset: 0.01, stripe: 0.35, nCosmic: 40, nHot: 15, correlate: 0,
  nPoint: 40, nSersic: 30, fluxMin: 40, fluxMax: 3000, psfSize: 41,
};

export interface TruthSource {
  id: number; kind: 'point' | 'sersic'; x: number; y: number;
  /** Sérsic: half-light radius (px), index, axis ratio, position angle (deg) */
  re: number; n: number; q: number; pa: number;
  /** true total flux per band (nJy): exactly the light rendered */
  flux: Record<string, number>;
  /** from IndepSourceSpec (source lists only) */
  label?: string; z?: number;
}

export interface Exposure { sci: Float32Array; err: Float32Array; dq: Int32Array }
export interface IndepField {
  spec: IndepSpec;
  /** nJy per MJy/sr pixel value */
  nJyPerUnit: number;
  truth: TruthSource[];
  /** per band: noiseless source model (nJy/px), the smooth sky left in the exposures (nJy/px), PSF stamp, exposures (MJy/sr) */
  bands: { name: string; model: Float32Array; background: Float32Array; psf: Float64Array; exposures: Exposure[] }[];
}

// ---------------------------------------------------------------- sources
function sersicB(n: number): number { return 2 * n - 1 / 3 + 4 / (405 * n) + 46 / (25515 * n * n); } // Ciotti & Bertin 1999

/** Sérsic stamp (size², centred at (size−1)/2 + (dx, dy)), 5×5 sub-pixel sampling, unit sum. */
function sersicStamp(s: TruthSource, size: number, dx: number, dy: number): Float64Array {
  const out = new Float64Array(size * size);
  const c = (size - 1) / 2, sub = 5, b = sersicB(s.n);
  const ct = Math.cos((s.pa * Math.PI) / 180), st = Math.sin((s.pa * Math.PI) / 180);
  let tot = 0;
  for (let y = 0; y < size; y++) for (let x = 0; x < size; x++) {
    let v = 0;
    for (let j = 0; j < sub; j++) for (let i = 0; i < sub; i++) {
      const px = x - c + (i + 0.5) / sub - 0.5 - dx, py = y - c + (j + 0.5) / sub - 0.5 - dy;
      const u = px * ct + py * st, w = -px * st + py * ct;
      const r = Math.sqrt(u * u + (w * w) / (s.q * s.q));
      v += Math.exp(-b * ((r / s.re) ** (1 / s.n) - 1));
    }
    out[y * size + x] = v;
    tot += v;
  }
  for (let i = 0; i < out.length; i++) out[i] /= tot;
  return out;
}

function convolveStamp(img: Float64Array, n: number, k: Float64Array, m: number): Float64Array {
  const out = new Float64Array(n * n), h = (m - 1) >> 1;
  for (let y = 0; y < n; y++) for (let x = 0; x < n; x++) {
    const v = img[y * n + x];
    if (v === 0) continue;
    for (let j = 0; j < m; j++) {
      const yy = y + j - h;
      if (yy < 0 || yy >= n) continue;
      for (let i = 0; i < m; i++) {
        const xx = x + i - h;
        if (xx >= 0 && xx < n) out[yy * n + xx] += v * k[j * m + i];
      }
    }
  }
  return out;
}

/** Adds `stamp` (unit sum) × flux at integer centre (ix, iy); returns the flux that landed on the image. */
function addStamp(img: Float32Array, W: number, H: number, stamp: Float64Array, size: number, ix: number, iy: number, flux: number): number {
  const c = (size - 1) / 2;
  let landed = 0;
  for (let y = 0; y < size; y++) {
    const Y = iy - c + y;
    if (Y < 0 || Y >= H) continue;
    for (let x = 0; x < size; x++) {
      const X = ix - c + x;
      if (X < 0 || X >= W) continue;
      const v = flux * stamp[y * size + x];
      img[Y * W + X] += v;
      landed += v;
    }
  }
  return landed;
}

// ---------------------------------------------------------------- field
export function generateIndependentField(partial: Partial<IndepSpec> = {}): IndepField {
  const spec: IndepSpec = { ...INDEP_DEFAULTS, ...partial };
  const { width: W, height: H } = spec;
  if (!(spec.pixelScale >= 0.02 && spec.pixelScale <= 0.1)) throw new Error(`independent-sim: pixelScale ${spec.pixelScale} out of range`);
  if (spec.psfSize % 2 !== 1) throw new Error('independent-sim: psfSize must be odd');
  const rng = new IndepRng(spec.seed);
  const pixSr = (spec.pixelScale / 206264.80624709636) ** 2;
  const nJyPerUnit = pixSr * 1e15;
  // --- truth list: sources kept ≥ 12 px from the edges and ≥ 9 px from each other
  const truth: TruthSource[] = [];
  const margin = 12;
  const nTot = spec.sources ? spec.sources.length : spec.nPoint + spec.nSersic;
  const sep2 = (spec.minSeparation ?? 9) ** 2;
  let guard = 0;
  while (spec.sources && truth.length < nTot && guard++ < 100000) {
    const x = margin + rng.u() * (W - 2 * margin), y = margin + rng.u() * (H - 2 * margin);
    if (truth.some((t) => (t.x - x) ** 2 + (t.y - y) ** 2 < sep2)) continue;
    const src = spec.sources[truth.length]!;
    const point = src.kind === 'point';
    truth.push({
      id: truth.length + 1, kind: src.kind, x, y,
      re: point ? 0 : src.re ?? 1.5, n: point ? 0 : src.n ?? 1, q: point ? 1 : src.q ?? 1, pa: point ? 0 : src.pa ?? 0,
      flux: { ...src.flux }, ...(src.label !== undefined ? { label: src.label } : {}), ...(src.z !== undefined ? { z: src.z } : {}),
    });
  }
  if (spec.sources && truth.length < nTot) throw new Error(`independent-sim: could not place ${nTot} sources ${Math.sqrt(sep2)} px apart`);
  while (!spec.sources && truth.length < nTot && guard++ < 100000) {
    const x = margin + rng.u() * (W - 2 * margin), y = margin + rng.u() * (H - 2 * margin);
    if (truth.some((t) => (t.x - x) ** 2 + (t.y - y) ** 2 < 81)) continue;
    const point = truth.length < spec.nPoint;
    const f0 = spec.fluxMin * (spec.fluxMax / spec.fluxMin) ** rng.u();
    const flux: Record<string, number> = {};
    for (const b of spec.bands) flux[b.name] = f0 * 10 ** (-0.4 * (rng.u() - 0.5)); // colours within ±0.5 mag
    truth.push({
      id: truth.length + 1, kind: point ? 'point' : 'sersic', x, y,
      re: point ? 0 : 0.8 + 2.7 * rng.u(), n: point ? 0 : 0.6 + 2.2 * rng.u(), q: point ? 1 : 0.45 + 0.55 * rng.u(),
      pa: point ? 0 : 180 * rng.u(), flux,
    });
  }
  const S = spec.psfSize;
  const GS = S; // galaxy stamp (light beyond it is not rendered: truth = the light that landed)
  const bands = spec.bands.map((band) => {
    const psf = psfStamp(band.psf, S);
    // --- noiseless model; truth flux = the light that landed on the image
    const model = new Float32Array(W * H);
    for (const t of truth) {
      const ix = Math.round(t.x), iy = Math.round(t.y);
      let stamp: Float64Array, size: number;
      if (t.kind === 'point') { stamp = psfStamp(band.psf, S, t.x - ix, t.y - iy); size = S; }
      else { stamp = convolveStamp(sersicStamp(t, GS, t.x - ix, t.y - iy), GS, psf, S); size = GS; }
      t.flux[band.name] = addStamp(model, W, H, stamp, size, ix, iy, t.flux[band.name]);
    }
    // --- smooth sky left in the exposures: residual offset + linear gradient (the same in every exposure)
    const gx = spec.gradient * (2 * rng.u() - 1), gy = spec.gradient * (2 * rng.u() - 1);
    const norm = Math.max(1e-9, Math.abs(gx) + Math.abs(gy));
    const ax = (spec.gradient * gx) / norm, ay = (spec.gradient * gy) / norm; // |ax| + |ay| = gradient: ±5 % at the corners
    const off = spec.skyOffset * (2 * rng.u() - 1);
    const background = new Float32Array(W * H);
    for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) {
      background[y * W + x] = band.sky * (off + ax * (2 * x / (W - 1) - 1) + ay * (2 * y / (H - 1) - 1));
    }
    // --- hot pixels (same detector pixels in every exposure)
    const hot: number[] = [];
    for (let k = 0; k < spec.nHot; k++) hot.push(Math.floor(rng.u() * W * H));
    const exposures: Exposure[] = [];
    for (let e = 0; e < spec.nExposures; e++) {
      const sci = new Float32Array(W * H), err = new Float32Array(W * H), dq = new Int32Array(W * H);
      const noise = new Float64Array(W * H);
      for (let i = 0; i < noise.length; i++) noise[i] = rng.n();
      const a = spec.correlate;
      if (a > 0) correlateSeparable(noise, W, H, a);
      // 1/f row striping: Σ_k k^(-1/2) cos(2πky/H + φ_k), normalised to rms `stripe`
      const rows = new Float64Array(H);
      for (let k = 1; k <= H >> 1; k++) {
        const amp = 1 / Math.sqrt(k), ph = 2 * Math.PI * rng.u();
        for (let y = 0; y < H; y++) rows[y] += amp * Math.cos((2 * Math.PI * k * y) / H + ph);
      }
      let rms = 0;
      for (let y = 0; y < H; y++) rms += rows[y] * rows[y];
      rms = Math.sqrt(rms / H) || 1;
      for (let y = 0; y < H; y++) rows[y] *= spec.stripe / rms;
      for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) {
        const i = y * W + x;
        sci[i] = (model[i] + background[i] + rows[y] + band.sigma * noise[i]) / nJyPerUnit;
        err[i] = band.sigma / nJyPerUnit;
      }
      for (const i of hot) { sci[i] += (200 + 800 * rng.u()) * band.sigma / nJyPerUnit; dq[i] |= 2048; }
      for (let k = 0; k < spec.nCosmic; k++) {
        let x = Math.floor(rng.u() * W), y = Math.floor(rng.u() * H);
        const len = 1 + Math.floor(rng.u() * 4), dxs = rng.u() < 0.5 ? 1 : 0, amp = (50 + 500 * rng.u()) * band.sigma / nJyPerUnit;
        for (let s = 0; s < len && x < W && y < H; s++) {
          sci[y * W + x] += amp; dq[y * W + x] |= 4;
          if (dxs) x++; else y++;
        }
      }
      exposures.push({ sci, err, dq });
    }
    return { name: band.name, model, background, psf, exposures };
  });
  return { spec, nJyPerUnit, truth, bands };
}

/** In-place separable [a, 1, a] smoothing, rescaled so the per-pixel σ is unchanged (neighbour correlation 2a/(1+2a²)). */
function correlateSeparable(v: Float64Array, W: number, H: number, a: number): void {
  const tmp = new Float64Array(v.length);
  const g = 1 / (1 + 2 * a * a); // per-axis variance normalisation
  const s = Math.sqrt(g);
  for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) {
    const i = y * W + x;
    tmp[i] = s * (v[i] + a * (x > 0 ? v[i - 1] : v[i + 1]) + a * (x < W - 1 ? v[i + 1] : v[i - 1]));
  }
  for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) {
    const i = y * W + x;
    v[i] = s * (tmp[i] + a * (y > 0 ? tmp[i - W] : tmp[i + W]) + a * (y < H - 1 ? tmp[i + W] : tmp[i - W]));
  }
}

// ---------------------------------------------------------------- products
function wcsHeader(spec: IndepSpec, band: string): Header {
  const h = new Header();
  h.set('BUNIT', 'MJy/sr');
  h.set('PIXAR_SR', (spec.pixelScale / 206264.80624709636) ** 2);
  h.set('FILTER', band);
  h.set('TELESCOP', 'JWST');
  h.set('INSTRUME', 'NIRCAM');
  h.set('CTYPE1', 'RA---TAN'); h.set('CTYPE2', 'DEC--TAN');
  h.set('CRVAL1', 150.1); h.set('CRVAL2', 2.2);
  h.set('CRPIX1', (spec.width + 1) / 2); h.set('CRPIX2', (spec.height + 1) / 2);
  h.set('CD1_1', -spec.pixelScale / 3600); h.set('CD1_2', 0); h.set('CD2_1', 0); h.set('CD2_2', spec.pixelScale / 3600);
  h.set('INDSEED', spec.seed, 'tests/independent-sim seed');
  return h;
}

/** Co-add of a band's exposures: inverse-variance mean of the pixels not flagged in DQ (nJy/px), and its σ. */
export function coadd(field: IndepField, band: string): { sci: Float32Array; err: Float32Array } {
  const b = field.bands.find((x) => x.name === band);
  if (!b) throw new Error(`independent-sim: no band ${band}`);
  const n = b.model.length, s = field.nJyPerUnit;
  const sci = new Float32Array(n), err = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    let sw = 0, swx = 0;
    for (const e of b.exposures) {
      if (e.dq[i] !== 0) continue;
      const w = 1 / (e.err[i] * s) ** 2;
      sw += w; swx += w * e.sci[i] * s;
    }
    sci[i] = sw > 0 ? swx / sw : NaN;
    err[i] = sw > 0 ? 1 / Math.sqrt(sw) : NaN;
  }
  return { sci, err };
}

/** Writes the field in the asteris-field/1 format; returns the list of files written. */
export function writeIndependentField(field: IndepField, dir: string): string[] {
  const { spec } = field;
  const files: string[] = [];
  mkdirSync(join(dir, 'psf'), { recursive: true });
  const bandsJson = field.bands.map((b) => {
    mkdirSync(join(dir, b.name), { recursive: true });
    const exps = b.exposures.map((e, k) => {
      const rel = `${b.name}/${b.name.toLowerCase()}_exp${String(k + 1).padStart(2, '0')}.fits`;
      const h = wcsHeader(spec, b.name);
      h.set('EXPNUM', k + 1);
      writeFits(join(dir, rel), [
        { header: h },
        { name: 'SCI', header: wcsHeader(spec, b.name), data: e.sci, shape: [spec.width, spec.height] },
        { name: 'ERR', data: e.err, shape: [spec.width, spec.height] },
        { name: 'DQ', data: e.dq, shape: [spec.width, spec.height] },
      ]);
      files.push(rel);
      return rel;
    });
    const ph = new Header();
    ph.set('PIXELSCL', spec.pixelScale, 'arcsec per pixel');
    ph.set('OVERSAMP', 1);
    ph.set('FILTER', b.name);
    ph.set('PSFKIND', spec.bands.find((x) => x.name === b.name)!.psf.kind);
    writeFits(join(dir, 'psf', `${b.name}.fits`), [{ header: ph, data: Float32Array.from(b.psf), shape: [spec.psfSize, spec.psfSize] }]);
    files.push(`psf/${b.name}.fits`);
    return { name: b.name, unit: 'MJy/sr', psf: `psf/${b.name}.fits`, psfSource: 'model:independent-sim', exposures: exps };
  });
  const json = { format: 'asteris-field/1', name: `indep-${spec.seed}`, pixelScale: spec.pixelScale, width: spec.width, height: spec.height,
    bands: bandsJson, truth: 'truth.csv', simulated: 'tests/independent-sim' };
  writeFileSync(join(dir, 'field.json'), JSON.stringify(json, null, 2) + '\n');
  const names = field.bands.map((b) => b.name);
  const lines = [['id', 'kind', 'x', 'y', 're_px', 'sersic_n', 'axis_ratio', 'pa_deg', 'point', ...names.map((n) => `flux_${n}`)].join(',')];
  for (const t of field.truth) {
    lines.push([t.id, t.kind, t.x.toFixed(4), t.y.toFixed(4), t.re.toFixed(4), t.n.toFixed(4), t.q.toFixed(4), t.pa.toFixed(3),
      t.kind === 'point' ? 1 : 0, ...names.map((n) => t.flux[n].toPrecision(8))].join(','));
  }
  writeFileSync(join(dir, 'truth.csv'), lines.join('\n') + '\n');
  files.push('field.json', 'truth.csv');
  return files;
}

export type { Image };
