// Source populations with full truth (docs/sim.md):
//  - low-z galaxies: Euclidean-sub counts dN/dm ∝ 10^(slope·m) in a reference band (deep NIRCam counts
//    have d log N/dm ≈ 0.2 at m ≈ 24–30, e.g. Windhorst+23), magnitude-dependent Sérsic sizes, and
//    sub-types that mimic dropouts: Balmer-break (z≈3–6), dusty (A_V 1.5–4), strong-line emitters;
//  - brown dwarfs (point sources, T/Y colours);
//  - high-z galaxies z≈8.5–17 drawn from an evolving UV LF over the field's comoving volume
//    (β ≈ −2.2 ± 0.25, Inoue+14 IGM, compact n = 1 discs);
//  - explicit sources listed in the spec.
import {
  abMagFromNJy, bandFluxNJy, defaultCosmology, drawFromLF, expectedCount, loadFilter, nJyFromAbMag, type Filter, type LfParams,
} from '@asteris/astro';
import { Rng } from '@asteris/core';
import { brownDwarfSed, galaxySedSplit, galaxySedAt1500, highzSedSplit, splitBandFlux, type GalaxySedParams, type SourceKind, type SplitSed } from './sed.ts';
import type { FieldSpec } from './spec.ts';

export interface TruthSource {
  id: number;
  kind: SourceKind;
  x: number; y: number;           // 0-based pixels
  ra: number; dec: number;
  z: number;                      // NaN for brown dwarfs
  muv: number;                    // absolute UV magnitude (NaN where undefined)
  re: number;                     // half-light radius (major axis), arcsec; 0 for point sources
  n: number; q: number; pa: number;
  point: boolean;
  weight: number;                 // 1/oversampling of the population (for counts)
  flux: Record<string, number>;   // nJy per band (total)
}

const filterCache = new Map<string, Filter>();
function filt(b: string): Filter {
  let f = filterCache.get(b);
  if (!f) { f = loadFilter(b); filterCache.set(b, f); }
  return f;
}

/** Band fluxes (nJy) of an SED normalised so that the `refBand` magnitude is `mag`. */
export function fluxesForSed(sed: SplitSed | ((l: number) => number), bands: readonly string[], refBand: string, mag: number): Record<string, number> {
  const bf = (b: string) => (typeof sed === 'function' ? bandFluxNJy(filt(b), sed) : splitBandFlux(filt(b), sed));
  const ref = bf(refBand);
  const scale = ref > 0 ? nJyFromAbMag(mag) / ref : 0;
  const out: Record<string, number> = {};
  for (const b of bands) out[b] = bf(b) * scale;
  return out;
}

/** M_UV (1500 Å rest) of an SED with band fluxes fixed by `refBand` = `mag`. */
function muvOf(p: GalaxySedParams, sed: SplitSed, refBand: string, mag: number): number {
  if (p.z < 0.5) return NaN;
  const cosmo = defaultCosmology();
  const ref = splitBandFlux(filt(refBand), sed);
  if (!(ref > 0)) return NaN;
  const f1500 = galaxySedAt1500(p) * (nJyFromAbMag(mag) / ref);
  return abMagFromNJy(f1500) - cosmo.distanceModulus(p.z) + 2.5 * Math.log10(1 + p.z);
}

/** Redshift of a field galaxy of magnitude m: p(z) ∝ z² exp(−(z/z0)^1.5), z0 = 0.6 + 0.12 (m − 20). */
function drawLowZ(rng: Rng, m: number): number {
  const z0 = Math.max(0.4, 0.6 + 0.12 * (m - 20));
  const zMax = 6.5;
  const pmax = (() => { let b = 0; for (let z = 0.01; z < zMax; z += 0.01) b = Math.max(b, z * z * Math.exp(-Math.pow(z / z0, 1.5))); return b; })();
  for (let i = 0; i < 1000; i++) {
    const z = rng.uniform(0.05, zMax);
    if (rng.random() * pmax < z * z * Math.exp(-Math.pow(z / z0, 1.5))) return z;
  }
  return z0;
}

export interface CatalogueContext {
  spec: FieldSpec;
  bands: string[];
  pixToSky: (x: number, y: number) => [number, number];
  areaArcmin2: number;
}

// Evolving LF at redshift z: φ* varies as 10^(dlogφ*/dz · (z − z0)).
export function lfAt(spec: FieldSpec, z: number): LfParams {
  const lf = spec.populations.highz.lf;
  const phiStar = Math.pow(10, lf.logPhiStar + lf.dLogPhiStarDz * (z - lf.z0));
  return lf.kind === 'dpl'
    ? { kind: 'dpl', phiStar, MStar: lf.MStar, alpha: lf.alpha, beta: lf.beta }
    : { kind: 'schechter', phiStar, MStar: lf.MStar, alpha: lf.alpha };
}

export function makeHighz(ctx: CatalogueContext, rng: Rng, z: number, muv: number, x: number, y: number, opts: { beta?: number; re?: number; weight?: number; ewOiiiHb?: number } = {}): TruthSource {
  const h = ctx.spec.populations.highz;
  const cosmo = defaultCosmology();
  const beta = opts.beta ?? h.betaMean + h.betaSigma * rng.normal();
  const m1500 = muv + cosmo.distanceModulus(z) - 2.5 * Math.log10(1 + z);
  const ew = opts.ewOiiiHb ?? (h.ewOiiiHb > 0 ? rng.logNormal(h.ewOiiiHb, 0.2) : 0);
  const sed = highzSedSplit(z, beta, nJyFromAbMag(m1500), ew, 0.8 * ew);
  const flux: Record<string, number> = {};
  for (const b of ctx.bands) flux[b] = splitBandFlux(filt(b), sed);
  let re = opts.re;
  if (re === undefined) {
    const kpc = rng.logNormal(h.reKpc * (10 / (1 + z)), h.reSigmaDex);
    re = (kpc / 1000 / cosmo.angularDiameterDistance(z)) * (180 / Math.PI) * 3600;
  }
  const [ra, dec] = ctx.pixToSky(x, y);
  return { id: 0, kind: 'highz', x, y, ra, dec, z, muv, re, n: 1, q: rng.uniform(0.4, 1), pa: rng.uniform(0, 180), point: false, weight: opts.weight ?? 1, flux };
}

export function makeBrownDwarf(ctx: CatalogueContext, rng: Rng, mag444: number, x: number, y: number, teff?: number, weight = 1): TruthSource {
  const t = teff ?? rng.uniform(500, 1300);
  const flux = fluxesForSed({ continuum: brownDwarfSed(t), lines: [] }, ctx.bands, 'F444W', mag444);
  const [ra, dec] = ctx.pixToSky(x, y);
  return { id: 0, kind: 'browndwarf', x, y, ra, dec, z: NaN, muv: NaN, re: 0, n: NaN, q: 1, pa: 0, point: true, weight, flux };
}

/** Draw the full catalogue of a spec (deterministic in spec.seed). */
export function drawCatalogue(ctx: CatalogueContext, seed: number): TruthSource[] {
  const { spec, bands } = ctx;
  const W = spec.width, H = spec.height;
  const out: TruthSource[] = [];
  const pos = (rng: Rng): [number, number] => [rng.uniform(-0.5, W - 0.5), rng.uniform(-0.5, H - 0.5)];
  const areaDeg2 = ctx.areaArcmin2 / 3600;

  // --- low-z galaxies and interlopers
  const lz = spec.populations.lowz;
  if (lz.enabled) {
    const rng = new Rng(seed ^ 0x1badb002);
    const [m1, m2] = lz.magRange;
    const s = lz.slope;
    const A = Math.pow(10, lz.log10N28);
    const mean = (areaDeg2 * A * (Math.pow(10, s * (m2 - 28)) - Math.pow(10, s * (m1 - 28)))) / (s * Math.LN10);
    const N = rng.poisson(mean);
    const lo = Math.pow(10, s * (m1 - 28)), hi = Math.pow(10, s * (m2 - 28));
    const fr = lz.fractions;
    for (let i = 0; i < N; i++) {
      const m = 28 + Math.log10(lo + rng.random() * (hi - lo)) / s;
      const [x, y] = pos(rng);
      const t = rng.choice([fr.balmer, fr.dusty, fr.eline, Math.max(0, 1 - fr.balmer - fr.dusty - fr.eline)]);
      let p: GalaxySedParams, kind: SourceKind, reMed: number, n: number, q: number;
      if (t === 0) {
        kind = 'balmer';
        p = { z: rng.uniform(3, 6), beta: rng.uniform(-1.0, 0.5), breakMag: rng.uniform(1.2, 2.2), redSlope: rng.uniform(0.3, 1.2), av: rng.uniform(0, 0.7), ewOiiiHb: 10, ewHa: 10 };
        reMed = 0.12; n = rng.uniform(2, 4); q = rng.uniform(0.5, 1);
      } else if (t === 1) {
        kind = 'dusty';
        p = { z: rng.uniform(2, 6), beta: -2, breakMag: 0.3, redSlope: 0.5, av: rng.uniform(1.5, 4), ewOiiiHb: 50, ewHa: 100 };
        reMed = 0.15; n = rng.uniform(0.8, 1.5); q = rng.uniform(0.3, 1);
      } else if (t === 2) {
        kind = 'eline';
        const b = rng.uniform(-2.5, -2);
        const ew = rng.logNormal(1500, 0.15);
        p = { z: rng.uniform(3, 8), beta: b, breakMag: 0.05, redSlope: b + 2, av: rng.uniform(0, 0.3), ewOiiiHb: ew, ewHa: 0.8 * ew };
        reMed = 0.06; n = 1; q = rng.uniform(0.4, 1);
      } else {
        kind = 'lowz';
        p = { z: drawLowZ(rng, m), beta: rng.uniform(-2.3, -1.2), breakMag: rng.uniform(0.1, 0.6), redSlope: rng.uniform(0, 1), av: -0.3 * Math.log(1 - rng.random()), ewOiiiHb: rng.logNormal(100, 0.3), ewHa: rng.logNormal(150, 0.3) };
        reMed = 0.35 * Math.pow(10, -0.12 * (m - 24));
        const disc = rng.random() < 0.7;
        n = disc ? rng.uniform(0.6, 1.5) : rng.uniform(2, 4);
        q = disc ? rng.uniform(0.2, 1) : rng.uniform(0.5, 1);
      }
      const re = Math.min(1.5, Math.max(0.02, rng.logNormal(reMed, 0.2)));
      const sed = galaxySedSplit(p);
      const flux = fluxesForSed(sed, bands, lz.refBand, m);
      const [ra, dec] = ctx.pixToSky(x, y);
      out.push({ id: 0, kind, x, y, ra, dec, z: p.z, muv: muvOf(p, sed, lz.refBand, m), re, n, q, pa: rng.uniform(0, 180), point: false, weight: 1, flux });
    }
  }

  // --- brown dwarfs
  const bd = spec.populations.browndwarfs;
  if (bd.enabled && bd.perArcmin2 > 0) {
    const rng = new Rng(seed ^ 0x2545f491);
    const N = rng.poisson(bd.perArcmin2 * ctx.areaArcmin2);
    for (let i = 0; i < N; i++) {
      const [x, y] = pos(rng);
      out.push(makeBrownDwarf(ctx, rng, rng.uniform(bd.magRange[0], bd.magRange[1]), x, y));
    }
  }

  // --- high-z galaxies from the UV LF, in Δz = 0.25 slices (φ* evolves with z)
  const hz = spec.populations.highz;
  if (hz.enabled && hz.oversample > 0) {
    const rng = new Rng(seed ^ 0x3c6ef372);
    const cosmo = defaultCosmology();
    const [za, zb] = hz.zRange;
    const nSlices = Math.max(1, Math.ceil((zb - za) / 0.25));
    for (let k = 0; k < nSlices; k++) {
      const z1 = za + ((zb - za) * k) / nSlices, z2 = za + ((zb - za) * (k + 1)) / nSlices;
      const Mfaint = hz.mLimit - cosmo.distanceModulus(z1) + 2.5 * Math.log10(1 + z1);
      if (Mfaint <= hz.MBright) continue;
      const lf = lfAt(spec, 0.5 * (z1 + z2));
      const opt = { Mbright: hz.MBright, Mfaint, z1, z2, areaArcmin2: ctx.areaArcmin2 * hz.oversample, cosmo };
      const mean = expectedCount(lf, opt);
      if (mean > 2e5) throw new RangeError(`populations.highz: ${Math.round(mean)} galaxies expected in z ${z1.toFixed(2)}–${z2.toFixed(2)}; lower oversample or mLimit`);
      const draw = drawFromLF(lf, opt, () => rng.random());
      for (const g of draw.galaxies) {
        const m1500 = g.M + cosmo.distanceModulus(g.z) - 2.5 * Math.log10(1 + g.z);
        if (m1500 > hz.mLimit) continue;
        const [x, y] = pos(rng);
        out.push(makeHighz(ctx, rng, g.z, g.M, x, y, { weight: 1 / hz.oversample }));
      }
    }
  }

  // --- explicit sources
  const rng = new Rng(seed ^ 0x7f4a7c15);
  const cosmo = defaultCosmology();
  for (const s of spec.sources) {
    if (s.kind === 'highz') {
      const z = s.z ?? 10;
      let muv = s.muv;
      if (muv === undefined) muv = (s.mag ?? 28) - cosmo.distanceModulus(z) + 2.5 * Math.log10(1 + z);
      out.push(makeHighz(ctx, rng, z, muv, s.x, s.y, { beta: s.beta ?? -2, re: s.re, ewOiiiHb: 0 }));
      if (s.n !== undefined) out[out.length - 1].n = s.n;
      if (s.q !== undefined) out[out.length - 1].q = s.q;
    } else if (s.kind === 'browndwarf') {
      out.push(makeBrownDwarf(ctx, rng, s.mag ?? 27, s.x, s.y, s.teff));
    } else {
      const f = nJyFromAbMag(s.mag ?? 27);
      const flux: Record<string, number> = {};
      for (const b of bands) flux[b] = f;
      const [ra, dec] = ctx.pixToSky(s.x, s.y);
      const point = s.kind === 'point';
      out.push({ id: 0, kind: s.kind, x: s.x, y: s.y, ra, dec, z: NaN, muv: NaN, re: point ? 0 : (s.re ?? 0.2), n: point ? NaN : (s.n ?? 1),
        q: s.q ?? 1, pa: s.pa ?? 0, point, weight: 1, flux });
    }
  }
  out.forEach((s, i) => { s.id = i + 1; });
  return out;
}
