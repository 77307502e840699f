// Per-exposure noise and detector artefacts, in nJy/pixel (converted to MJy/sr on output).
// Model (JDox "NIRCam Known Issues"; astro-reference §B.5):
//   sky  = zodiacal + thermal level B (MJy/sr, band table) × (1 + ε_e) × (1 + g_x·(x/W−½) + g_y·(y/H−½)),
//          with ε_e, g_x, g_y drawn per exposure (exposure-to-exposure level and gradient changes);
//   photon noise  var = (sky + max(scene, 0)) / c   (Gaussian approximation to Poisson; c = e⁻ per nJy),
//   read noise    var = σ_read²,
//   1/f noise     row offsets per amplifier (4 × W/4 columns) with a 1/f-like spectrum along the slow
//                 axis plus weaker column offsets; per-pixel variance σ_1f²,
//   optional correlated (drizzle-like) noise: the white part is convolved with a kernel normalised to Σk² = 1,
//   artefacts     cosmic-ray tracks, hot pixels (different detector pixels land on different sky pixels
//                 in each dithered exposure) and snowballs; not part of ERR, like JWST cal products.
// The depth fixes the total per-pixel σ per exposure; c, σ_read and σ_1f are fixed fractions of its variance.
// ERR² = (sky + max(scene,0))/c + σ_read² + σ_1f²  — the variance of the noise actually added.
import { Rng } from '@asteris/core';

/** Zodiacal + thermal sky per band, MJy/sr (≈ Rigby+23 PASP 135, 048002 levels at moderate ecliptic latitude). */
export const DEFAULT_SKY_MJYSR: Readonly<Record<string, number>> = Object.freeze({
  F070W: 0.20, F090W: 0.20, F115W: 0.20, F140M: 0.19, F150W: 0.19, F162M: 0.18, F182M: 0.17, F200W: 0.16, F210M: 0.16,
  F250M: 0.13, F277W: 0.12, F300M: 0.12, F335M: 0.12, F356W: 0.13, F360M: 0.14, F410M: 0.20, F430M: 0.24,
  F444W: 0.28, F460M: 0.33, F480M: 0.40,
});

/** JWST DQ bits used here (jwst datamodels dqflags). */
export const DQ = Object.freeze({ DO_NOT_USE: 1, SATURATED: 2, JUMP_DET: 4, HOT: 2048 });

export interface NoiseParams {
  /** Total per-pixel σ of one exposure (nJy), excluding source photon noise. */
  sigmaExp: number;
  /** Mean sky level, nJy/pixel. */
  sky: number;
  readFraction: number;      // share of σ² from read noise
  oneOverFFraction: number;  // share of σ² from 1/f striping
  skyVariation: number;      // rms fractional exposure-to-exposure sky change
  skyGradient: number;       // rms fractional gradient across the field
  subtractSky: boolean;      // SCI has the nominal sky level removed (residual level/gradient kept)
  cosmicRayRate: number;     // residual CR events per pixel per exposure
  hotPixelRate: number;      // hot pixels per pixel per exposure
  hotPixelFlagged: number;   // fraction of hot pixels flagged in DQ
  snowballRate: number;      // snowballs per pixel per exposure
  artefacts: boolean;
  correlationKernel?: { data: Float64Array; size: number };
}

export interface ExposureNoiseMeta {
  skyLevel: number; skyGx: number; skyGy: number;   // actual sky of this exposure (nJy/pix, fractional gradients)
  nCosmicRays: number; nHotPixels: number; nSnowballs: number;
  gain: number; sigmaRead: number; sigmaOneOverF: number;
}

/** Sky (nJy/pix) of this exposure at pixel (x, y). */
export function skyAt(meta: Pick<ExposureNoiseMeta, 'skyLevel' | 'skyGx' | 'skyGy'>, x: number, y: number, w: number, h: number): number {
  return meta.skyLevel * (1 + meta.skyGx * (x / w - 0.5) + meta.skyGy * (y / h - 0.5));
}

/** Normalise a correlation kernel to Σk² = 1 (keeps the per-pixel variance). */
export function normaliseCorrelationKernel(k: number[][]): { data: Float64Array; size: number } {
  const size = k.length;
  if (size % 2 !== 1 || k.some((r) => r.length !== size)) throw new RangeError('correlation kernel must be square with odd size');
  const data = new Float64Array(size * size);
  let s2 = 0;
  k.forEach((r, j) => r.forEach((v, i) => { data[j * size + i] = v; s2 += v * v; }));
  if (!(s2 > 0)) throw new RangeError('correlation kernel is all zero');
  for (let i = 0; i < data.length; i++) data[i] /= Math.sqrt(s2);
  return { data, size };
}

/** A drizzle-like kernel: overlap of a square pixfrac drop with output pixels for a half-pixel shift. */
export function drizzleKernel(pixfrac = 0.75): number[][] {
  const a = 0.5 * pixfrac; // weight leaking to neighbours for a typical sub-pixel offset
  return [[a * a, a, a * a], [a, 1, a], [a * a, a, a * a]];
}

/** Pink (≈1/f) sequence of length n, unit variance: sum of AR(1) processes with lengths 1…64 rows. */
function pinkSequence(rng: Rng, n: number): Float64Array {
  const out = new Float64Array(n);
  const lens = [1, 4, 16, 64];
  for (const L of lens) {
    const r = L === 1 ? 0 : Math.exp(-1 / L);
    const s = Math.sqrt(1 - r * r);
    let v = rng.normal();
    for (let i = 0; i < n; i++) {
      v = r * v + s * rng.normal();
      out[i] += v / Math.sqrt(lens.length);
    }
  }
  return out;
}

/**
 * One exposure: returns SCI and ERR in nJy/pixel and DQ, given the noiseless scene (nJy/pixel).
 * Deterministic for a given `rng` state.
 */
export function makeExposure(scene: Float32Array, w: number, h: number, p: NoiseParams, rng: Rng): {
  sci: Float32Array; err: Float32Array; dq: Int32Array; meta: ExposureNoiseMeta;
} {
  const npix = w * h;
  const s2 = p.sigmaExp * p.sigmaExp;
  const skyShare = Math.max(1e-6, 1 - p.readFraction - p.oneOverFFraction);
  const gain = p.sky > 0 ? p.sky / (skyShare * s2) : 1e12; // e⁻ per nJy
  const sigmaRead = Math.sqrt(p.readFraction * s2 + (p.sky > 0 ? 0 : skyShare * s2));
  const sigma1f = Math.sqrt(p.oneOverFFraction * s2);
  const meta: ExposureNoiseMeta = {
    skyLevel: p.sky * (1 + p.skyVariation * rng.normal()),
    skyGx: p.skyGradient * rng.normal(), skyGy: p.skyGradient * rng.normal(),
    nCosmicRays: 0, nHotPixels: 0, nSnowballs: 0, gain, sigmaRead, sigmaOneOverF: sigma1f,
  };
  const sci = new Float32Array(npix), err = new Float32Array(npix), dq = new Int32Array(npix);
  // white unit-normal field, optionally correlated
  const white = new Float32Array(npix);
  rng.fillNormal(white);
  let noise: Float32Array = white;
  if (p.correlationKernel) noise = correlate(white, w, h, p.correlationKernel);
  // 1/f: rows (per amplifier) + columns
  const nAmp = w >= 64 ? 4 : 1;
  const ampW = Math.ceil(w / nAmp);
  // the detector (amplifier pattern) lands at a different offset on the common sky grid in each
  // dithered exposure, like the hot pixels
  const ampOff = nAmp > 1 ? rng.int(w) : 0;
  const rowOff: Float64Array[] = [];
  for (let a = 0; a < nAmp; a++) rowOff.push(pinkSequence(rng, h));
  const colOff = new Float64Array(w);
  for (let x = 0; x < w; x++) colOff[x] = rng.normal();
  const sRow = sigma1f * Math.sqrt(0.8), sCol = sigma1f * Math.sqrt(0.2);
  const ped = p.subtractSky ? p.sky : 0;
  const ampOf = new Uint8Array(w);
  for (let x = 0; x < w; x++) ampOf[x] = Math.min(nAmp - 1, Math.floor(((x + ampOff) % w) / ampW));
  const err2Const = sigmaRead * sigmaRead;
  const e1f = sigma1f * sigma1f;
  for (let y = 0; y < h; y++) {
    const fy = meta.skyGy * (y / h - 0.5);
    const rowBase = y * w;
    for (let x = 0; x < w; x++) {
      const i = rowBase + x;
      const skyv = meta.skyLevel * (1 + meta.skyGx * (x / w - 0.5) + fy);
      const sc = scene[i];
      const varWhite = (skyv + (sc > 0 ? sc : 0)) / gain + err2Const;
      sci[i] = sc + skyv - ped + Math.sqrt(varWhite) * noise[i] + sRow * rowOff[ampOf[x]][y] + sCol * colOff[x];
      err[i] = Math.sqrt(varWhite + e1f);
    }
  }
  if (p.artefacts) addArtefacts(sci, dq, w, h, p, rng, meta);
  return { sci, err, dq, meta };
}

function correlate(src: Float32Array, w: number, h: number, k: { data: Float64Array; size: number }): Float32Array {
  const out = new Float32Array(w * h);
  const r = (k.size - 1) / 2;
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      let s = 0;
      for (let j = -r; j <= r; j++) {
        // periodic boundary keeps the variance uniform up to the edges
        const yy = (y + j + h) % h;
        for (let i = -r; i <= r; i++) s += k.data[(j + r) * k.size + (i + r)] * src[yy * w + ((x + i + w) % w)];
      }
      out[y * w + x] = s;
    }
  }
  return out;
}

function addArtefacts(sci: Float32Array, dq: Int32Array, w: number, h: number, p: NoiseParams, rng: Rng, meta: ExposureNoiseMeta): void {
  const npix = w * h;
  const sig = p.sigmaExp;
  // cosmic-ray residuals: short tracks (1–~8 px), amplitudes tens to hundreds of σ
  const nCr = rng.poisson(p.cosmicRayRate * npix);
  for (let c = 0; c < nCr; c++) {
    const x0 = rng.uniform(0, w), y0 = rng.uniform(0, h);
    const len = 1 + Math.floor(-Math.log(1 - rng.random()) * 2);
    const th = rng.uniform(0, Math.PI);
    const amp = rng.logNormal(40 * sig, 0.4);
    for (let t = 0; t < len; t++) {
      const x = Math.floor(x0 + t * Math.cos(th)), y = Math.floor(y0 + t * Math.sin(th));
      if (x < 0 || y < 0 || x >= w || y >= h) continue;
      sci[y * w + x] += amp * rng.uniform(0.4, 1);
    }
  }
  meta.nCosmicRays = nCr;
  // hot pixels (single pixels; most are in the bad-pixel mask and flagged)
  const nHot = rng.poisson(p.hotPixelRate * npix);
  for (let c = 0; c < nHot; c++) {
    const i = rng.int(npix);
    sci[i] += rng.logNormal(30 * sig, 0.5);
    if (rng.random() < p.hotPixelFlagged) dq[i] |= DQ.HOT | DQ.DO_NOT_USE;
  }
  meta.nHotPixels = nHot;
  // snowballs: round charge deposits with a flat core (flagged JUMP_DET) and a soft halo
  const nSb = rng.poisson(p.snowballRate * npix);
  for (let c = 0; c < nSb; c++) {
    const cx = rng.uniform(0, w), cy = rng.uniform(0, h);
    const R = rng.uniform(3, 9);
    const amp = rng.logNormal(150 * sig, 0.3);
    const rr = Math.ceil(R * 2);
    for (let y = Math.max(0, Math.floor(cy - rr)); y <= Math.min(h - 1, Math.ceil(cy + rr)); y++) {
      for (let x = Math.max(0, Math.floor(cx - rr)); x <= Math.min(w - 1, Math.ceil(cx + rr)); x++) {
        const d = Math.hypot(x - cx, y - cy);
        const v = d < R ? 1 : Math.exp(-((d - R) ** 2) / (2 * (0.35 * R) ** 2)) * 0.3;
        if (v < 1e-3) continue;
        sci[y * w + x] += amp * v;
        if (d < R) dq[y * w + x] |= DQ.JUMP_DET;
      }
    }
  }
  meta.nSnowballs = nSb;
}
