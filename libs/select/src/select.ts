// Dropout selection (astro-reference §C.2 generic recipe): break colour, red-side colour,
// non-detection blueward of the break, χ²_opt, detection S/N, then photo-z cuts (P(z > 7), Δχ²,
// z_best range) and contaminant rejection (brown dwarfs by template χ² + colours + compactness,
// low-z Balmer-break / dusty / strong-line solutions). Every failed test adds a reason string.
import {
  abMagFromNJy, loadFilter, absoluteMagnitudeUV, uvBandForRedshift, NIRCAM_BANDS, HST_BANDS,
  type Cosmology, type Filter,
} from '@asteris/astro';
import { type Catalogue, catalogueBands, findColumn, num } from './catalogue.ts';
import { SelectError } from './errors.ts';
import type { Preset } from './preset.ts';
import { photoz, validPhot, pAbove, probColourAbove, type PhotozResult } from './photoz.ts';
import { templateGrid } from './templates.ts';

export interface SelectOptions {
  /** Fractional systematic flux-error floor for the photo-z (default 0.05). */
  sysErr?: number;
  /** Multiply catalogue fluxes and errors by this to get nJy (default 1: already nJy). */
  fluxScale?: number;
  /** Cosmology for M_UV (default flat ΛCDM H0 = 70, Ωm = 0.3). */
  cosmo?: Cosmology;
  /** Photo-z results per catalogue row from `photozCatalogue` (reused when zSplit and sysErr match). */
  photoz?: { zSplit: number; sysErr: number; results: (PhotozResult | null)[] };
  /** Progress callback (objects done, total). */
  onProgress?: (done: number, total: number) => void;
}

export interface Candidate {
  index: number;              // row index in the input catalogue
  id: string;
  ra: number; dec: number;    // NaN when the catalogue has no RA/Dec
  preset: string;
  selected: boolean;
  reasons: string[];          // why rejected (empty when selected)
  notes: string[];            // informational flags (low-z alternative, marginal detections, …)
  flux: Record<string, number>; fluxErr: Record<string, number>;   // nJy, all catalogue bands
  snrDet: number;
  breakColour: number; redColour: number; chi2Opt: number;
  breakAboveContinuum: number; // break colour minus the UV-continuum colour (presets with break.continuum; else NaN)
  pz: PhotozResult | null;
  /** Posterior presets: ∫P(z > posterior.zMin) (NaN for recipe presets). */
  pZMin: number;
  /** Presets with posterior.luminosityPrior: ∫P_L(z > posterior.zMin) under the luminosity prior (else NaN). */
  pZMinLum: number;
  /** Posterior presets: P(break colour > cut) and P(red colour < cut) from the flux errors (NaN if not evaluated). */
  pBreak: number; pRed: number;
  muv: number; muvBand: string | null; beta: number;
  refMag: number;             // AB magnitude in the preset's reference band
  priorityClass: number;      // 1 (best) … 3; 0 when not selected
}

export interface SelectionResult {
  preset: Preset;
  bands: string[];            // catalogue bands
  all: Candidate[];           // every row, input order
  candidates: Candidate[];    // selected, sorted by priority (class, then reference magnitude, then id)
  nDropped: number;           // rows missing a required band (reason recorded)
  warnings: string[];
}

const KNOWN = new Set([...NIRCAM_BANDS, ...HST_BANDS]);
const LYA = 1215.67;

function halfPowerBlue(f: Filter): number {
  let m = 0;
  for (const t of f.trans) m = Math.max(m, t);
  for (let i = 0; i < f.trans.length; i++) if (f.trans[i] >= 0.5 * m) return f.wave[i];
  return f.wave[0];
}

/** UV slope β from a weighted power-law fit to bands sampling rest 1300–3000 Å redward of Lyα. */
export function uvSlope(z: number, bands: string[], flux: Record<string, number>, err: Record<string, number>): number {
  let sw = 0, sx = 0, sy = 0, sxx = 0, sxy = 0, n = 0;
  for (const b of bands) {
    if (!KNOWN.has(b)) continue;
    const f = flux[b], e = err[b];
    if (!validPhot(f, e) || f / e < 3) continue;
    const filt = loadFilter(b);
    const rest = filt.pivot / (1 + z);
    if (rest < 1300 || rest > 3000 || halfPowerBlue(filt) < LYA * (1 + z) * 1.02) continue;
    const x = Math.log10(filt.pivot), y = Math.log10(f), w = (f / e) ** 2;
    sw += w; sx += w * x; sy += w * y; sxx += w * x * x; sxy += w * x * y; n++;
  }
  if (n < 2) return -2;
  const slope = (sw * sxy - sx * sy) / (sw * sxx - sx * sx);   // f_ν ∝ λ^(β+2)
  return Math.min(1, Math.max(-3.5, slope - 2));
}

/** M_UV from the band nearest rest 1500 Å (redward of Lyα) with the measured β (§D.1). */
export function computeMuv(z: number, bands: string[], flux: Record<string, number>, err: Record<string, number>, cosmo?: Cosmology):
  { muv: number; band: string | null; beta: number } {
  if (!(z > 0)) return { muv: NaN, band: null, beta: NaN };
  const specs = bands.filter((b) => KNOWN.has(b) && validPhot(flux[b], err[b])).map((b) => {
    const f = loadFilter(b);
    return { name: b, pivotA: f.pivot, blueA: halfPowerBlue(f) };
  });
  const band = uvBandForRedshift(z, specs) ?? null;
  const beta = uvSlope(z, bands, flux, err);
  if (!band || !(flux[band] > 0)) return { muv: NaN, band, beta };
  const pivotA = specs.find((s) => s.name === band)!.pivotA;
  return { muv: absoluteMagnitudeUV(abMagFromNJy(flux[band]), z, { pivotA, beta, cosmo }), band, beta };
}

/**
 * Colour m_blue − m_red that a power-law UV continuum f_ν ∝ λ^(β+2) has between the break bands, with β
 * from the red-side colour of `cont` (pivot wavelengths) clamped to cont.betaRange; a non-positive flux
 * in either red-side band gives the reddest β of the range. For β = −2 the colour is 0.
 */
export function breakContinuum(blue: string, red: string, cont: { blue: string; red: string; betaRange: [number, number] }, fContBlue: number, fContRed: number):
  { beta: number; colour: number } {
  const lb = loadFilter(blue).pivot, lr = loadFilter(red).pivot;
  const lcb = loadFilter(cont.blue).pivot, lcr = loadFilter(cont.red).pivot;
  const [bLo, bHi] = cont.betaRange;
  let beta = bHi;
  if (fContBlue > 0 && fContRed > 0) {
    // m_a − m_b = 2.5 (β + 2) log10(λ_b / λ_a)
    beta = -2 + (abMagFromNJy(fContBlue) - abMagFromNJy(fContRed)) / (2.5 * Math.log10(lcr / lcb));
    beta = Math.min(bHi, Math.max(bLo, beta));
  }
  return { beta, colour: 2.5 * (beta + 2) * Math.log10(lr / lb) };
}

const FAMILY_LABEL: Record<string, string> = {
  'balmer-break': 'Balmer-break interloper',
  dusty: 'dusty interloper',
  'strong-line': 'strong-line emitter',
  'star-forming': 'low-z star-forming galaxy',
};

function fmt(x: number, d = 2): string { return Number.isFinite(x) ? x.toFixed(d) : String(x); }

/** Priority class for follow-up (documented in docs/select.md). */
export function priorityClass(c: Candidate): number {
  const p = c.pz;
  if (!p) return 3;
  if (p.pHigh >= 0.95 && p.dchi2 >= 9 && c.snrDet >= 10) return 1;
  if (p.pHigh >= 0.8 && p.dchi2 >= 6 && c.snrDet >= 7) return 2;
  return 3;
}

/**
 * Apply a preset to a catalogue. Throws SelectError when the catalogue lacks a column required by the
 * preset; rows with unusable photometry in a required band are kept in `all` with the reason.
 */
export function selectCandidates(cat: Catalogue, preset: Preset, opts: SelectOptions = {}): SelectionResult {
  checkRequiredBands(cat, preset);
  const bandCols = catalogueBands(cat);
  const bands = bandCols.map((b) => b.band);
  const warnings: string[] = [];
  const unknown = bands.filter((b) => !KNOWN.has(b));
  if (unknown.length) warnings.push(`bands without a filter curve are ignored by the photo-z: ${unknown.join(', ')}`);
  const fitBands = bands.filter((b) => KNOWN.has(b));
  const idCol = findColumn(cat, 'id', 'ID', 'NUMBER');
  const raCol = findColumn(cat, 'ra', 'RA', 'ALPHA_J2000'), decCol = findColumn(cat, 'dec', 'DEC', 'DELTA_J2000');
  const sizeCol = findColumn(cat, 'flux_radius', 'RH_F200W', 'a', 'A_IMAGE');
  const scale = opts.fluxScale ?? 1;
  const grid = templateGrid(fitBands);
  const all: Candidate[] = [];
  let nDropped = 0, nNegErr = 0, nNaN = 0;
  const total = cat.rows.length;
  for (let i = 0; i < total; i++) {
    const row = cat.rows[i];
    const flux: Record<string, number> = {}, fluxErr: Record<string, number> = {};
    for (const bc of bandCols) { flux[bc.band] = num(row[bc.flux]) * scale; fluxErr[bc.band] = num(row[bc.err]) * scale; }
    const c: Candidate = {
      index: i, id: idCol ? String(row[idCol]) : String(i + 1), ra: raCol ? num(row[raCol]) : NaN, dec: decCol ? num(row[decCol]) : NaN,
      preset: preset.name, selected: false, reasons: [], notes: [], flux, fluxErr, snrDet: NaN, breakColour: NaN, breakAboveContinuum: NaN, redColour: NaN,
      chi2Opt: NaN, pz: null, pZMin: NaN, pZMinLum: NaN, pBreak: NaN, pRed: NaN, muv: NaN, muvBand: null, beta: NaN, refMag: abMagFromNJy(flux[preset.referenceBand]), priorityClass: 0,
    };
    all.push(c);
    if (preset.mode === 'posterior') {
      const pre = opts.photoz && opts.photoz.zSplit === preset.photoz.zSplit && opts.photoz.sysErr === (opts.sysErr ?? 0.05) ? opts.photoz.results[i] : null;
      const pz = pre?.pz ? pre : photoz(fitBands.map((b) => flux[b]), fitBands.map((b) => fluxErr[b]), fitBands, { grid, sysErr: opts.sysErr, zSplit: preset.photoz.zSplit, keepPz: true });
      const dropped = posteriorChecks(c, preset, pz, sizeCol ? num(row[sizeCol]) : NaN, sizeCol);
      if (dropped) nDropped++;
      const m = computeMuv(pz.zBest, fitBands, flux, fluxErr, opts.cosmo);
      c.muv = m.muv; c.muvBand = m.band; c.beta = m.beta;
      c.selected = c.reasons.length === 0;
      if (c.selected) c.priorityClass = priorityClass(c);
      if (opts.onProgress && (i % 50 === 49 || i === total - 1)) opts.onProgress(i + 1, total);
      continue;
    }
    // required bands
    const bad: string[] = [];
    for (const b of preset.requiredBands) {
      const f = flux[b], e = fluxErr[b];
      if (Number.isNaN(f) || Number.isNaN(e)) { bad.push(`${b} (NaN)`); nNaN++; }
      else if (e < 0) { bad.push(`${b} (negative error ${e})`); nNegErr++; }
      else if (!validPhot(f, e)) bad.push(`${b} (no coverage: err ${e})`);
    }
    if (bad.length) { c.reasons.push(`missing band(s): ${bad.join(', ')}`); nDropped++; continue; }
    const snr = (b: string) => flux[b] / fluxErr[b];
    // (iv) detection S/N, inverse-variance-weighted over the detection bands
    let sNum = 0, sDen = 0, nAbove = 0;
    for (const b of preset.detection.bands) {
      sNum += flux[b] / fluxErr[b] ** 2; sDen += 1 / fluxErr[b] ** 2;
      if (preset.detection.minBandsAbove && snr(b) >= preset.detection.minBandsAbove.snr) nAbove++;
    }
    c.snrDet = sNum / Math.sqrt(sDen);
    if (!(c.snrDet >= preset.detection.minSnr)) c.reasons.push(`S/N_det ${fmt(c.snrDet, 1)} < ${preset.detection.minSnr}`);
    const mba = preset.detection.minBandsAbove;
    if (mba && nAbove < mba.n) c.reasons.push(`only ${nAbove} detection band(s) at ≥ ${mba.snr}σ (need ${mba.n})`);
    // (i) break colour with the blue band at max(f, 2σ)
    const bb = preset.break.blue, br = preset.break.red;
    const fBlue = Math.max(flux[bb], 2 * fluxErr[bb]);
    if (!(flux[br] > 0)) { c.reasons.push(`${br} not detected (flux ≤ 0)`); c.breakColour = NaN; }
    else {
      c.breakColour = abMagFromNJy(fBlue) - abMagFromNJy(flux[br]);
      const cont = preset.break.continuum;
      if (cont) {
        // break above the power-law UV continuum extrapolated from the red side (see breakContinuum)
        const k = breakContinuum(preset.break.blue, preset.break.red, cont, flux[cont.blue], flux[cont.red]);
        c.breakAboveContinuum = c.breakColour - k.colour;
        if (!(c.breakAboveContinuum > preset.break.min)) {
          c.reasons.push(`break ${bb}−${br} above the UV continuum = ${fmt(c.breakAboveContinuum)} ≤ ${preset.break.min} (colour ${fmt(c.breakColour)}, continuum ${fmt(k.colour)} for β = ${fmt(k.beta)} from ${cont.blue}−${cont.red})`);
        }
      } else if (!(c.breakColour > preset.break.min)) c.reasons.push(`break ${bb}−${br} = ${fmt(c.breakColour)} ≤ ${preset.break.min}`);
    }
    // (ii) red-side colour
    if (preset.redColour) {
      const { blue, red, max } = preset.redColour;
      c.redColour = abMagFromNJy(flux[blue]) - abMagFromNJy(Math.max(flux[red], 1e-30));
      if (!(flux[blue] > 0)) c.redColour = Infinity;
      if (!(c.redColour < max)) c.reasons.push(`red colour ${blue}−${red} = ${fmt(c.redColour)} ≥ ${max}`);
      if (preset.breakMinusRedMin !== undefined && Number.isFinite(c.breakColour) && !(c.breakColour > c.redColour + preset.breakMinusRedMin)) {
        c.reasons.push(`break ${fmt(c.breakColour)} ≤ red colour ${fmt(c.redColour)} + ${preset.breakMinusRedMin}`);
      }
    }
    // (iii) non-detection blueward + χ²_opt (Bouwens+11): Σ sgn(f)(f/σ)²
    let chi2Opt = 0, nOpt = 0;
    for (const b of preset.nonDetection.bands) {
      if (!(b in flux) || !validPhot(flux[b], fluxErr[b])) continue;
      const s = snr(b);
      nOpt++;
      chi2Opt += Math.sign(s) * s * s;
      if (s >= preset.nonDetection.maxSnr) c.reasons.push(`detected blueward of the break: ${b} S/N = ${fmt(s, 1)} ≥ ${preset.nonDetection.maxSnr}`);
    }
    c.chi2Opt = nOpt ? chi2Opt : NaN;
    if (preset.chi2OptMax !== undefined && nOpt && chi2Opt > preset.chi2OptMax) c.reasons.push(`χ²_opt = ${fmt(chi2Opt, 1)} > ${preset.chi2OptMax}`);
    if (nOpt === 0) c.notes.push('no band blueward of the break besides the dropout band');
    // (v) photo-z
    const pre = opts.photoz && opts.photoz.zSplit === preset.photoz.zSplit && opts.photoz.sysErr === (opts.sysErr ?? 0.05) ? opts.photoz.results[i] : null;
    const pz = pre ?? photoz(fitBands.map((b) => flux[b]), fitBands.map((b) => fluxErr[b]), fitBands, { grid, sysErr: opts.sysErr, zSplit: preset.photoz.zSplit, keepPz: false });
    c.pz = pz;
    const pzc = preset.photoz;
    const lowLabel = pz.lowFamily ? FAMILY_LABEL[pz.lowFamily] : 'low-z solution';
    if (!(pz.pHigh >= pzc.minPHigh)) c.reasons.push(`P(z>${pzc.zSplit}) = ${fmt(pz.pHigh)} < ${pzc.minPHigh} (best low-z: ${lowLabel} at z = ${fmt(pz.zLow)})`);
    if (!(pz.dchi2 >= pzc.minDchi2)) c.reasons.push(`Δχ²(low−high) = ${fmt(pz.dchi2, 1)} < ${pzc.minDchi2} (${lowLabel} at z = ${fmt(pz.zLow)})`);
    if (!(pz.zBest >= pzc.zBestRange[0] && pz.zBest <= pzc.zBestRange[1])) c.reasons.push(`z_best = ${fmt(pz.zBest)} outside [${pzc.zBestRange[0]}, ${pzc.zBestRange[1]}]`);
    if (pz.dchi2 < 9 && pz.dchi2 >= pzc.minDchi2) c.notes.push(`low-z alternative: ${lowLabel} at z = ${fmt(pz.zLow)} (Δχ² = ${fmt(pz.dchi2, 1)})`);
    // brown dwarfs: template χ² + Wang+23 colours, only when compact (or size unknown)
    if (preset.brownDwarf.enabled) {
      const size = sizeCol ? num(row[sizeCol]) : NaN;
      const compact = !Number.isFinite(size) || size <= preset.brownDwarf.maxSizePx;
      const wang = ['F115W', 'F277W', 'F444W'].every((b) => b in flux && validPhot(flux[b], fluxErr[b]))
        && abMagFromNJy(flux.F115W) - abMagFromNJy(flux.F277W) < -0.8 && abMagFromNJy(flux.F277W) - abMagFromNJy(flux.F444W) > 1.1;
      if (compact && pz.bdChi2 < pz.chi2Best) c.reasons.push(`brown dwarf: ${pz.bdType}-dwarf template χ² = ${fmt(pz.bdChi2, 1)} < galaxy χ² = ${fmt(pz.chi2Best, 1)}${Number.isFinite(size) ? `, compact (${sizeCol} = ${fmt(size, 1)} px)` : ''}`);
      else if (compact && wang) c.reasons.push('brown dwarf: Wang+23 colours F115W−F277W < −0.8 and F277W−F444W > 1.1, compact');
    }
    const m = computeMuv(pz.zBest, fitBands, flux, fluxErr, opts.cosmo);
    c.muv = m.muv; c.muvBand = m.band; c.beta = m.beta;
    c.selected = c.reasons.length === 0;
    if (c.selected) c.priorityClass = priorityClass(c);
    if (opts.onProgress && (i % 50 === 49 || i === total - 1)) opts.onProgress(i + 1, total);
  }
  if (nNaN) warnings.push(`${nNaN} NaN flux/error value(s) in required bands: those objects were dropped (reason recorded)`);
  if (nNegErr) warnings.push(`${nNegErr} negative flux error(s) in required bands: those objects were dropped (reason recorded)`);
  const candidates = all.filter((c) => c.selected).sort(comparePriority);
  return { preset, bands, all, candidates, nDropped, warnings };
}

/**
 * Posterior-led decision for one object (preset.mode = 'posterior'): ∫P(z > zMin) and Δχ² first, then
 * error-aware vetoes (break and red colours as probabilities from the flux errors, blue non-detections,
 * detection S/N, z_best range, brown dwarfs). Bands without coverage are missing data: a veto that needs
 * one is skipped and noted, unless the band is in requiredBands. Reasons go to c.reasons (rejections)
 * or c.notes (kept: why). Returns true when a required band was missing.
 */
function posteriorChecks(c: Candidate, preset: Preset, pz: PhotozResult, size: number, sizeCol: string | undefined): boolean {
  const { flux, fluxErr } = c;
  const has = (b: string) => b in flux && validPhot(flux[b], fluxErr[b]);
  const missingReq = preset.requiredBands.filter((b) => !has(b));
  if (missingReq.length) { c.reasons.push(`missing required band(s): ${missingReq.join(', ')}`); return true; }
  const post = preset.posterior!;
  c.pz = pz;
  c.pZMin = pAbove(pz, post.zMin);
  const lowLabel = pz.lowFamily ? FAMILY_LABEL[pz.lowFamily] : 'low-z solution';
  // (1) the posterior
  if (!(c.pZMin >= post.minP)) c.reasons.push(`P(z>${post.zMin}) = ${fmt(c.pZMin, 3)} < ${post.minP}`);
  if (!(pz.dchi2 >= post.minDchi2)) c.reasons.push(`Δχ²(z<${preset.photoz.zSplit} − z≥${preset.photoz.zSplit}) = ${fmt(pz.dchi2, 1)} < ${post.minDchi2} (${lowLabel} at z = ${fmt(pz.zLow)})`);
  if (post.luminosityPrior) {
    // veto: the same likelihood under a UV-LF × volume prior must keep some probability above zMin
    c.pZMinLum = pAbove(pz, post.zMin, 'luminosity');
    if (!(c.pZMinLum >= post.luminosityPrior.minP)) c.reasons.push(`luminosity-prior veto: P_L(z>${post.zMin}) = ${fmt(c.pZMinLum, 3)} < ${post.luminosityPrior.minP}`);
  }
  const zr = preset.photoz.zBestRange;
  if (!(pz.zBest >= zr[0] && pz.zBest <= zr[1])) c.reasons.push(`z_best = ${fmt(pz.zBest)} outside [${zr[0]}, ${zr[1]}]`);
  const kept: string[] = [`P(z>${post.zMin}) = ${fmt(c.pZMin, 3)}`, `Δχ² = ${fmt(pz.dchi2, 1)}`];
  if (post.luminosityPrior) kept.push(`P_L(z>${post.zMin}) = ${fmt(c.pZMinLum, 3)}`);
  const skipped: string[] = [];
  // (2) detection S/N over the detection bands that have coverage
  const det = preset.detection.bands.filter(has);
  let sNum = 0, sDen = 0, nAbove = 0;
  for (const b of det) {
    sNum += flux[b] / fluxErr[b] ** 2; sDen += 1 / fluxErr[b] ** 2;
    if (preset.detection.minBandsAbove && flux[b] / fluxErr[b] >= preset.detection.minBandsAbove.snr) nAbove++;
  }
  c.snrDet = det.length ? sNum / Math.sqrt(sDen) : NaN;
  if (!(c.snrDet >= preset.detection.minSnr)) c.reasons.push(`S/N_det ${fmt(c.snrDet, 1)} < ${preset.detection.minSnr} (over ${det.join(', ') || 'no covered detection band'})`);
  const mba = preset.detection.minBandsAbove;
  if (mba && nAbove < mba.n) c.reasons.push(`only ${nAbove} detection band(s) at ≥ ${mba.snr}σ (need ${mba.n})`);
  // (3) break colour as an error-aware veto
  const { blue: bb, red: br, min: bmin } = preset.break;
  const bProb = preset.break.minProb ?? 0.16;
  if (has(bb) && has(br)) {
    c.breakColour = abMagFromNJy(Math.max(flux[bb], 2 * fluxErr[bb])) - abMagFromNJy(flux[br]);
    c.pBreak = probColourAbove(flux[bb], fluxErr[bb], flux[br], fluxErr[br], bmin);
    if (c.pBreak < bProb) c.reasons.push(`break veto: P(${bb}−${br} > ${bmin}) = ${fmt(c.pBreak, 3)} < ${bProb} (colour ${fmt(c.breakColour)})`);
    else kept.push(`P(${bb}−${br} > ${bmin}) = ${fmt(c.pBreak, 2)}`);
  } else skipped.push(`break ${bb}−${br} (no coverage in ${[bb, br].filter((b) => !has(b)).join(', ')})`);
  // (4) red-side colour veto
  if (preset.redColour) {
    const { blue, red, max } = preset.redColour;
    const rProb = preset.redColour.minProb ?? 0.16;
    if (has(blue) && has(red)) {
      c.redColour = flux[blue] > 0 && flux[red] > 0 ? abMagFromNJy(flux[blue]) - abMagFromNJy(flux[red]) : NaN;
      c.pRed = 1 - probColourAbove(flux[blue], fluxErr[blue], flux[red], fluxErr[red], max);
      if (c.pRed < rProb) c.reasons.push(`red-colour veto: P(${blue}−${red} < ${max}) = ${fmt(c.pRed, 3)} < ${rProb}`);
    } else skipped.push(`red colour ${blue}−${red}`);
  }
  // (5) blue non-detections: S/N < maxSnr in each covered band blueward of the break (σ-based already)
  let chi2Opt = 0, nOpt = 0;
  for (const b of preset.nonDetection.bands) {
    if (!has(b)) continue;
    const s = flux[b] / fluxErr[b];
    nOpt++; chi2Opt += Math.sign(s) * s * s;
    if (s >= preset.nonDetection.maxSnr) c.reasons.push(`non-detection veto: ${b} S/N = ${fmt(s, 1)} ≥ ${preset.nonDetection.maxSnr}`);
  }
  c.chi2Opt = nOpt ? chi2Opt : NaN;
  if (preset.chi2OptMax !== undefined && nOpt && chi2Opt > preset.chi2OptMax) c.reasons.push(`χ²_opt = ${fmt(chi2Opt, 1)} > ${preset.chi2OptMax}`);
  if (nOpt === 0) skipped.push('blue non-detection (no covered band blueward of the break)');
  // (6) brown dwarfs: template χ² better than the galaxy fit, when compact or size unknown
  if (preset.brownDwarf.enabled) {
    const compact = !Number.isFinite(size) || size <= preset.brownDwarf.maxSizePx;
    if (compact && pz.bdChi2 < pz.chi2Best) c.reasons.push(`brown dwarf: ${pz.bdType}-dwarf template χ² = ${fmt(pz.bdChi2, 1)} < galaxy χ² = ${fmt(pz.chi2Best, 1)}${Number.isFinite(size) ? `, compact (${sizeCol} = ${fmt(size, 1)} px)` : ''}`);
  }
  if (pz.dchi2 < 9 && pz.dchi2 >= post.minDchi2) c.notes.push(`low-z alternative: ${lowLabel} at z = ${fmt(pz.zLow)} (Δχ² = ${fmt(pz.dchi2, 1)})`);
  if (skipped.length) c.notes.push(`veto(s) skipped, band missing: ${skipped.join('; ')}`);
  c.notes.unshift(`posterior and vetoes: ${kept.join(', ')}`);
  return false;
}

/**
 * Photo-z for every row of a catalogue (all bands with a known filter curve), e.g. to run several
 * presets without refitting: pass the result as `opts.photoz` to selectCandidates.
 */
export function photozCatalogue(cat: Catalogue, opts: { sysErr?: number; zSplit?: number; fluxScale?: number; keepPz?: boolean } = {}):
  { bands: string[]; zSplit: number; sysErr: number; results: (PhotozResult | null)[] } {
  const bandCols = catalogueBands(cat).filter((b) => KNOWN.has(b.band));
  const bands = bandCols.map((b) => b.band);
  if (bands.length < 2) throw new SelectError(`need ≥ 2 flux_<BAND>/fluxerr_<BAND> column pairs with known filters (found: ${bands.join(', ') || 'none'})`, cat.file);
  const grid = templateGrid(bands);
  const scale = opts.fluxScale ?? 1, zSplit = opts.zSplit ?? 7, sysErr = opts.sysErr ?? 0.05;
  const results = cat.rows.map((row) => {
    const f = bandCols.map((b) => num(row[b.flux]) * scale), e = bandCols.map((b) => num(row[b.err]) * scale);
    const r = photoz(f, e, bands, { grid, sysErr, zSplit, keepPz: opts.keepPz ?? false });
    return r.nBands >= 2 ? r : null;
  });
  return { bands, zSplit, sysErr, results };
}

/** Priority order: class (1 first), then reference-band magnitude (brighter first), then id. */
export function comparePriority(a: Candidate, b: Candidate): number {
  if (a.priorityClass !== b.priorityClass) return a.priorityClass - b.priorityClass;
  const ma = Number.isFinite(a.refMag) ? a.refMag : 99, mb = Number.isFinite(b.refMag) ? b.refMag : 99;
  if (ma !== mb) return ma - mb;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

/** Throws SelectError naming the file when the catalogue lacks a flux/error column pair the preset requires. */
export function checkRequiredBands(cat: Catalogue, preset: Preset): void {
  const bands = catalogueBands(cat).map((b) => b.band);
  const missing = preset.requiredBands.filter((b) => !bands.includes(b));
  if (missing.length) {
    throw new SelectError(`missing band column(s) ${missing.map((b) => `flux_${b}/fluxerr_${b}`).join(', ')} required by preset '${preset.name}' (catalogue has: ${bands.join(', ') || 'no flux_<BAND> columns'})`, cat.file ?? 'catalogue');
  }
}

/**
 * Several presets over one catalogue with one shared photo-z (P(z) kept, as posterior presets need):
 * the pipeline's selection entry point. `union` holds each row selected by any preset (first preset
 * that kept it, in the given order), sorted by priority.
 */
export function selectWithPresets(cat: Catalogue, presets: Preset[], opts: Omit<SelectOptions, 'photoz'> = {}):
  { results: SelectionResult[]; union: Candidate[] } {
  for (const p of presets) checkRequiredBands(cat, p);
  const sysErr = opts.sysErr ?? 0.05;
  const splits = [...new Set(presets.map((p) => p.photoz.zSplit))];
  const pzs = new Map(splits.map((zs) => [zs, photozCatalogue(cat, { sysErr, zSplit: zs, fluxScale: opts.fluxScale, keepPz: true })]));
  const results = presets.map((p) => selectCandidates(cat, p, { ...opts, photoz: pzs.get(p.photoz.zSplit) }));
  const seen = new Set<number>();
  const union: Candidate[] = [];
  for (const r of results) for (const c of r.candidates) if (!seen.has(c.index)) { seen.add(c.index); union.push(c); }
  return { results, union: union.sort(comparePriority) };
}
