// Parametric spectral energy distributions (SEDs), in f_ν per unit frequency (arbitrary units in
// the rest frame; observed-frame helpers scale them to nJy). These are physically motivated
// *recipes*, not stellar-population-synthesis or model-atmosphere spectra — each function says
// which observed property it is built to reproduce. Wavelengths in Å.
//
// Observed frame (astro-reference §E.1): f_ν,obs(λ) ∝ L_ν(λ/(1+z)) · T_IGM(λ, z).
import { igmTransmission, type IgmModel } from './igm.ts';
import { bandFluxNJy, type Filter } from './filters.ts';
import { nJyFromAbMag } from './magnitudes.ts';

/** A spectrum f_ν(λ) with λ in Å (rest or observed frame depending on context). */
export type Sed = (lambdaA: number) => number;

const LYMAN_LIMIT = 911.75;

/**
 * Young star-forming continuum: f_λ ∝ λ^β, i.e. f_ν ∝ λ^(β+2), normalised to 1 at 1500 Å
 * (astro-reference §E.1; β ≈ −2 … −2.6 at z ≳ 9). Zero ionising flux below the Lyman limit
 * (escape fraction 0). Beyond 2 µm rest the stellar continuum falls as f_ν ∝ λ^−1.5
 * (Rayleigh–Jeans side of cool giants), which only matters for z < 1 fits.
 */
export function starFormingContinuum(beta: number): Sed {
  const p = beta + 2;
  const f2um = Math.pow(20000 / 1500, p);
  return (l) => {
    if (l < LYMAN_LIMIT) return 0;
    if (l > 20000) return f2um * Math.pow(l / 20000, -1.5);
    return Math.pow(l / 1500, p);
  };
}

/** Gaussian emission line: rest-frame equivalent width (Å, in f_λ), added to a continuum. */
export interface EmissionLine { lambdaA: number; ewA: number }

/**
 * Add emission lines of given rest-frame EW to a continuum. A line of EW W at λ0 has integrated
 * f_λ flux W·f_λ,cont(λ0); in f_ν this is f_ν,cont(λ0)·W·G(λ)·λ²/λ0², with G a unit-area Gaussian.
 * Lines are given σ = 15 Å rest (broader than real lines; flux-conserving, which is all that
 * broad-band photometry sees, and resolved by the ≤ 10 Å integration grid at any z).
 */
export function withLines(cont: Sed, lines: EmissionLine[], sigmaA = 15): Sed {
  const ls = lines.filter((x) => x.ewA > 0).map((x) => ({ ...x, c: cont(x.lambdaA) }));
  const norm = 1 / (sigmaA * Math.sqrt(2 * Math.PI));
  return (l) => {
    let f = cont(l);
    for (const x of ls) {
      const d = (l - x.lambdaA) / sigmaA;
      if (d > -6 && d < 6) f += x.c * x.ewA * norm * Math.exp(-0.5 * d * d) * (l * l) / (x.lambdaA * x.lambdaA);
    }
    return f;
  };
}

/**
 * Lyman-break (star-forming) galaxy: β power-law continuum (§E.1), optional Lyα emission (rest EW,
 * usually 0 at z > 9 because the neutral IGM absorbs it), optional [OIII]+Hβ and Hα nebular lines.
 */
export function lymanBreakSed(opts: { beta?: number; lyaEwA?: number; oiiiHbEwA?: number; haEwA?: number } = {}): Sed {
  const cont = starFormingContinuum(opts.beta ?? -2);
  const lines = [
    { lambdaA: 1215.67, ewA: opts.lyaEwA ?? 0 },
    ...oiiiHbLines(opts.oiiiHbEwA ?? 0),
    { lambdaA: 6564.6, ewA: opts.haEwA ?? 0 },
  ];
  return lines.some((x) => x.ewA > 0) ? withLines(cont, lines) : cont;
}

/** Split a total [OIII]λλ4960,5008+Hβ EW into the three lines (5008:4960 = 2.98:1, Hβ = 1/6 of total). */
function oiiiHbLines(total: number): EmissionLine[] {
  const hb = total / 6, oiii = total - hb;
  return [
    { lambdaA: 4862.7, ewA: hb },
    { lambdaA: 4960.3, ewA: oiii / 3.98 },
    { lambdaA: 5008.2, ewA: (oiii * 2.98) / 3.98 },
  ];
}

/**
 * Strong-line emitter (z ≈ 3–8 interlopers that boost single LW bands, astro-reference §C.4): a
 * young blue continuum (β) with [OIII]+Hβ (total rest EW, e.g. 1000–3000 Å), Hα (e.g. 500–1500 Å)
 * and [OII]λ3727 (default 0.15× the [OIII]+Hβ EW), optionally reddened by Calzetti dust (A_V).
 */
export function strongLineSed(opts: { beta?: number; oiiiHbEwA?: number; haEwA?: number; oiiEwA?: number; av?: number } = {}): Sed {
  const o3 = opts.oiiiHbEwA ?? 1500;
  const base = withLines(starFormingContinuum(opts.beta ?? -2), [
    { lambdaA: 3728.5, ewA: opts.oiiEwA ?? 0.15 * o3 },
    ...oiiiHbLines(o3),
    { lambdaA: 6564.6, ewA: opts.haEwA ?? 0.5 * o3 },
  ]);
  const av = opts.av ?? 0;
  return av > 0 ? attenuate(base, av) : base;
}

/**
 * Balmer-break / quiescent galaxy (z ≈ 2–6 interlopers): piecewise power law in f_ν with a break
 * spread over 3646–4000 Å (Balmer limit to the 4000 Å metal break). `breakRatio` = f_ν(4000)/f_ν(3646)
 * (≈1.3–1.8 post-starburst, 2–3 old quiescent; cf. D_n4000), `uvBeta` the f_λ slope below 3646 Å
 * (≈ 0…+2 for old populations, i.e. a UV-faint SED), `optBeta` the f_λ slope over 4000 Å–1.6 µm
 * (≈ −1…−0.5: f_ν rising to the 1.6 µm H⁻ bump), then f_ν ∝ λ^−2 (Rayleigh–Jeans) beyond 1.6 µm.
 * Normalised to 1 at 4000 Å.
 */
export function balmerBreakSed(opts: { breakRatio?: number; uvBeta?: number; optBeta?: number } = {}): Sed {
  const br = opts.breakRatio ?? 2.5, pu = (opts.uvBeta ?? 1) + 2, po = (opts.optBeta ?? -1) + 2;
  const l1 = 3646, l2 = 4000, lh = 16000;
  const fBlue = 1 / br;
  const fH = Math.pow(lh / l2, po);
  return (l) => {
    if (l < LYMAN_LIMIT) return 0;
    if (l < l1) return fBlue * Math.pow(l / l1, pu);
    if (l < l2) return fBlue * Math.pow(br, Math.log(l / l1) / Math.log(l2 / l1));
    if (l < lh) return Math.pow(l / l2, po);
    return fH * Math.pow(l / lh, -2);
  };
}

/**
 * Calzetti et al. 2000 (ApJ 533, 682) starburst attenuation curve k(λ), R_V = 4.05, eqs. 4;
 * extrapolated linearly in 1/λ below 1200 Å (from the slope at 1200–1250 Å) and clipped at 0 in the IR.
 */
function calzettiKRaw(um: number): number {
  return um < 0.63
    ? 2.659 * (-2.156 + 1.509 / um - 0.198 / (um * um) + 0.011 / (um * um * um)) + 4.05
    : 2.659 * (-1.857 + 1.040 / um) + 4.05;
}
const CALZ_K1 = calzettiKRaw(0.12);
const CALZ_SLOPE = (CALZ_K1 - calzettiKRaw(0.125)) / (1 / 0.12 - 1 / 0.125);

export function calzettiK(lambdaA: number): number {
  const um = lambdaA / 1e4;
  if (um >= 0.12) return Math.max(0, calzettiKRaw(um));
  return CALZ_K1 + CALZ_SLOPE * (1 / um - 1 / 0.12);
}

/** Apply Calzetti attenuation A_V to a rest-frame SED: f × 10^(−0.4 A_V k(λ)/R_V). */
export function attenuate(sed: Sed, av: number): Sed {
  if (!(av > 0)) return sed;
  return (l) => sed(l) * Math.pow(10, (-0.4 * av * calzettiK(l)) / 4.05);
}

/**
 * Dusty star-forming galaxy (z ≈ 2–6 red interlopers, e.g. the CEERS-93316 family): a young
 * continuum (β0, default −2.2) plus an optional Balmer-break component (fraction `oldFraction` of the
 * 5000 Å flux), reddened by Calzetti A_V (default 2.5). Normalised to 1 at 5000 Å before dust.
 */
export function dustySed(opts: { av?: number; beta0?: number; oldFraction?: number } = {}): Sed {
  const young = starFormingContinuum(opts.beta0 ?? -2.2);
  const old = balmerBreakSed({ breakRatio: 2, uvBeta: 1, optBeta: -1 });
  const fo = opts.oldFraction ?? 0.3;
  const ny = 1 / young(5000), no = 1 / old(5000);
  return attenuate((l) => (1 - fo) * ny * young(l) + fo * no * old(l), opts.av ?? 2.5);
}

// Brown-dwarf anchor spectra: AB magnitude (relative) at wavelength (µm), piecewise linear in
// (λ, mag). Anchors are placed on the J/H/K/4.5 µm peaks and the H2O (1.4, 1.8, 2.7 µm) and CH4
// (1.6+, 2.2, 3.3 µm) absorption troughs so that NIRCam colours fall on the observed loci
// (astro-reference §E.4: T/Y dwarfs have F115W−F277W < −0.8, F277W−F444W > 1.1 (Wang+23), typical
// T dwarfs F150W−F200W ≈ 0 … −0.5 and F277W−F444W ≈ 1.5–3, Y dwarfs redder; Hainline+24). They are
// colour recipes, not Sonora/ATMO atmosphere models (which are not bundled).
const BD_ANCHORS: Record<'L' | 'T' | 'Y', Array<[number, number]>> = {
  L: [[0.6, 7.0], [0.8, 4.0], [0.9, 3.0], [1.0, 2.0], [1.15, 1.0], [1.27, 0.6], [1.4, 0.9], [1.6, 0.2], [1.8, 0.4],
    [2.1, 0.0], [2.3, 0.3], [2.6, 0.5], [3.0, 0.4], [3.3, 0.5], [3.6, 0.3], [4.0, 0.15], [4.5, 0.0], [5.0, 0.1]],
  T: [[0.6, 8.0], [0.8, 4.5], [0.9, 3.2], [1.0, 2.0], [1.08, 1.0], [1.15, 0.4], [1.27, 0.0], [1.35, 1.2],
    [1.45, 2.0], [1.58, 0.6], [1.65, 1.0], [1.75, 1.8], [2.0, 1.4], [2.1, 1.3], [2.3, 2.0], [2.6, 3.4],
    [3.0, 3.4], [3.3, 4.0], [3.6, 2.2], [4.0, 0.8], [4.3, 0.2], [4.6, 0.0], [5.0, 0.3]],
  Y: [[0.6, 11.0], [0.8, 9.0], [1.0, 5.0], [1.1, 3.6], [1.27, 3.0], [1.4, 4.5], [1.58, 3.3], [1.75, 5.0],
    [2.0, 4.5], [2.1, 4.4], [2.3, 5.0], [2.6, 5.5], [3.0, 5.4], [3.3, 5.6], [3.6, 3.5], [4.0, 1.5], [4.3, 0.3],
    [4.6, 0.0], [5.0, 0.4]],
};
export type BrownDwarfType = 'L' | 'T' | 'Y';

/** Brown-dwarf spectrum (observed = rest frame, z = 0), normalised to f_ν = 1 at the 4.6 µm peak. */
export function brownDwarfSed(type: BrownDwarfType): Sed {
  const a = BD_ANCHORS[type];
  if (!a) throw new Error(`brownDwarfSed: unknown type '${type}' (use L, T or Y)`);
  const ref = interpAnchor(a, 4.6);
  return (l) => Math.pow(10, -0.4 * (interpAnchor(a, l / 1e4) - ref));
}

function interpAnchor(a: Array<[number, number]>, um: number): number {
  if (um <= a[0][0]) return a[0][1] + 10 * (a[0][0] - um); // steep fall bluewards
  const last = a[a.length - 1];
  if (um >= last[0]) return last[1] + 1.5 * (um - last[0]);
  let i = 1;
  while (a[i][0] < um) i++;
  const [x0, y0] = a[i - 1], [x1, y1] = a[i];
  return y0 + ((y1 - y0) * (um - x0)) / (x1 - x0);
}

/**
 * Observed-frame SED of a rest-frame recipe at redshift z: f(λ_obs) = rest(λ_obs/(1+z))·T_IGM(λ_obs, z).
 * The overall scale is arbitrary; use normaliseToBand / normaliseAtRest to get nJy.
 */
export function observedSed(rest: Sed, z: number, opts: { igm?: IgmModel } = {}): Sed {
  const zp1 = 1 + z, model = opts.igm ?? 'inoue14';
  return (l) => {
    const f = rest(l / zp1);
    if (f === 0) return 0;
    return f * igmTransmission(l, z, model);
  };
}

/** Scale an SED so that its photon-weighted band flux equals the AB magnitude `mag` (returns nJy SED). */
export function normaliseToBand(sed: Sed, filter: Filter, mag: number): Sed {
  const f = bandFluxNJy(filter, sed);
  if (!(f > 0)) throw new Error(`normaliseToBand: SED has no flux in ${filter.name}`);
  const s = nJyFromAbMag(mag) / f;
  return (l) => s * sed(l);
}

/**
 * Scale an observed-frame SED so that f_ν at rest-frame `restA` (default 1500 Å), i.e. observed
 * (1+z)·restA, equals AB magnitude `mag` (e.g. m_1500 = M_UV + DM(z) − 2.5 log10(1+z), §E.1).
 */
export function normaliseAtRest(sed: Sed, z: number, mag: number, restA = 1500): Sed {
  const f = sed(restA * (1 + z));
  if (!(f > 0)) throw new Error(`normaliseAtRest: SED has no flux at rest ${restA} Å`);
  const s = nJyFromAbMag(mag) / f;
  return (l) => s * sed(l);
}
