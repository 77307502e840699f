// Flat ΛCDM cosmology (Hogg 1999, arXiv:astro-ph/9905116, §§5–9; docs/astro-reference.md §D.1).
// Radiation is neglected (Ω_Λ = 1 − Ω_m), which is the convention of the z ≈ 9–16 UV-LF papers.
// Distances are integrated with composite 16-point Gauss–Legendre quadrature on panels of Δz ≤ 0.25
// (1/E(z) is smooth, so this is accurate to ≪ 1e-10 relative) and cached per redshift.

/** Speed of light in km/s. */
export const C_KM_S = 299792.458;
/** π/10800: one arcminute in radians. */
export const ARCMIN_RAD = Math.PI / 10800;
/** Solid angle of one square arcminute in steradians. */
export const ARCMIN2_SR = ARCMIN_RAD * ARCMIN_RAD;

// 16-point Gauss–Legendre nodes/weights on [−1, 1] (Abramowitz & Stegun Table 25.4).
const GL_X = [
  0.0950125098376374, 0.2816035507792589, 0.4580167776572274, 0.6178762444026438,
  0.755404408355003, 0.8656312023878318, 0.9445750230732326, 0.9894009349916499,
];
const GL_W = [
  0.1894506104550685, 0.1826034150449236, 0.1691565193950025, 0.1495959888165767,
  0.1246289712555339, 0.0951585116824928, 0.0622535239386479, 0.0271524594117541,
];

/** ∫_a^b f(x) dx by composite 16-point Gauss–Legendre with at most `maxStep` per panel. */
export function gaussLegendre(f: (x: number) => number, a: number, b: number, maxStep = 0.25): number {
  if (a === b) return 0;
  const n = Math.max(1, Math.ceil(Math.abs(b - a) / maxStep));
  const h = (b - a) / n;
  let total = 0;
  for (let p = 0; p < n; p++) {
    const mid = a + (p + 0.5) * h;
    const half = 0.5 * h;
    let s = 0;
    for (let k = 0; k < 8; k++) {
      const dx = half * GL_X[k];
      s += GL_W[k] * (f(mid - dx) + f(mid + dx));
    }
    total += s * half;
  }
  return total;
}

export interface CosmologyOptions {
  /** Hubble constant, km/s/Mpc (default 70). */
  H0?: number;
  /** Matter density parameter today (default 0.3); Ω_Λ = 1 − Ω_m (flat). */
  Om?: number;
}

export class Cosmology {
  readonly H0: number;
  readonly Om: number;
  readonly Ode: number;
  /** Hubble distance c/H0 in Mpc. */
  readonly hubbleDistance: number;
  private readonly cache = new Map<number, number>();

  constructor(opts: CosmologyOptions = {}) {
    const H0 = opts.H0 ?? 70;
    const Om = opts.Om ?? 0.3;
    if (!(H0 > 0) || !Number.isFinite(H0)) throw new RangeError(`Cosmology: H0 must be a positive number, got ${H0}`);
    if (!(Om >= 0 && Om <= 1)) throw new RangeError(`Cosmology: Om must be in [0, 1], got ${Om}`);
    this.H0 = H0;
    this.Om = Om;
    this.Ode = 1 - Om;
    this.hubbleDistance = C_KM_S / H0;
  }

  /** E(z) = H(z)/H0 = sqrt(Ω_m (1+z)^3 + Ω_Λ). */
  efunc(z: number): number {
    const a = 1 + z;
    return Math.sqrt(this.Om * a * a * a + this.Ode);
  }

  /** Line-of-sight comoving distance D_C(z) in Mpc (Hogg eq. 15). */
  comovingDistance(z: number): number {
    checkZ(z);
    const hit = this.cache.get(z);
    if (hit !== undefined) return hit;
    const d = this.hubbleDistance * gaussLegendre((x) => 1 / this.efunc(x), 0, z);
    if (this.cache.size > 4096) this.cache.clear();
    this.cache.set(z, d);
    return d;
  }

  /** Transverse comoving distance (= D_C for a flat universe), Mpc. */
  transverseComovingDistance(z: number): number {
    return this.comovingDistance(z);
  }

  /** Luminosity distance D_L = (1+z) D_C in Mpc (Hogg eq. 21). */
  luminosityDistance(z: number): number {
    return (1 + z) * this.comovingDistance(z);
  }

  /** Angular-diameter distance D_A = D_C/(1+z) in Mpc. */
  angularDiameterDistance(z: number): number {
    return this.comovingDistance(z) / (1 + z);
  }

  /** Distance modulus DM = 5 log10(D_L / 10 pc). */
  distanceModulus(z: number): number {
    if (z <= 0) throw new RangeError(`Cosmology.distanceModulus: z must be > 0, got ${z}`);
    return 5 * Math.log10(this.luminosityDistance(z)) + 25;
  }

  /** dV_C/dz/dΩ = D_H D_C² / E(z) in Mpc³ sr⁻¹ per unit z (Hogg eq. 28). */
  differentialComovingVolume(z: number): number {
    const dc = this.comovingDistance(z);
    return (this.hubbleDistance * dc * dc) / this.efunc(z);
  }

  /** Comoving volume between z1 < z2 over a sky area in arcmin², Mpc³ (flat: Ω/3 (D₂³ − D₁³)). */
  comovingVolume(z1: number, z2: number, areaArcmin2: number): number {
    if (!(z2 >= z1)) throw new RangeError(`Cosmology.comovingVolume: need z1 <= z2, got ${z1}, ${z2}`);
    if (!(areaArcmin2 >= 0)) throw new RangeError(`Cosmology.comovingVolume: area must be >= 0, got ${areaArcmin2}`);
    const d1 = this.comovingDistance(z1);
    const d2 = this.comovingDistance(z2);
    return ((areaArcmin2 * ARCMIN2_SR) / 3) * (d2 * d2 * d2 - d1 * d1 * d1);
  }

  /** Age of the universe at z in Gyr (matter + Λ only), t = ∫_z^∞ dz' / ((1+z') H(z')). */
  age(z: number): number {
    checkZ(z);
    // Substitute a = 1/(1+z): t = (1/H0) ∫_0^a da / (a E(a)), integrand → a^{1/2}/sqrt(Ωm) near 0.
    // Further substitute a = u² to remove the sqrt singularity: da = 2u du.
    const aMax = 1 / (1 + z);
    const f = (u: number) => {
      const a = u * u;
      if (a === 0) return 0;
      const e = Math.sqrt(this.Om / (a * a * a) + this.Ode);
      return (2 * u) / (a * e);
    };
    const hubbleTimeGyr = (977.792221 / this.H0); // 1/H0 in Gyr for H0 in km/s/Mpc
    return hubbleTimeGyr * gaussLegendre(f, 0, Math.sqrt(aMax), 0.05);
  }
}

function checkZ(z: number): void {
  if (!Number.isFinite(z) || z < 0) throw new RangeError(`Cosmology: redshift must be a finite number >= 0, got ${z}`);
}

let defaultCosmo: Cosmology | undefined;
/** The shared default cosmology (H0 = 70, Ω_m = 0.3). Immutable apart from its distance cache. */
export function defaultCosmology(): Cosmology {
  return (defaultCosmo ??= new Cosmology());
}

/**
 * Absolute magnitude from an apparent magnitude at redshift z (astro-reference §D.1):
 * M = m − DM(z) + 2.5 log10(1+z). The +2.5 log10(1+z) term is the bandwidth K-correction for a
 * band sampling rest-frame λ_obs/(1+z) (flat f_ν, i.e. β = −2); see `absoluteMagnitudeUV` for β ≠ −2.
 */
export function absoluteMagnitude(m: number, z: number, cosmo: Cosmology = defaultCosmology()): number {
  return m - cosmo.distanceModulus(z) + 2.5 * Math.log10(1 + z);
}

/** Inverse of `absoluteMagnitude`: m = M + DM(z) − 2.5 log10(1+z). */
export function apparentMagnitude(M: number, z: number, cosmo: Cosmology = defaultCosmology()): number {
  return M + cosmo.distanceModulus(z) - 2.5 * Math.log10(1 + z);
}

/**
 * M_UV at rest 1500 Å from a band magnitude with pivot `pivotA` (Å) for a power-law continuum
 * f_λ ∝ λ^β (f_ν ∝ λ^(β+2)), astro-reference §D.1:
 *   m_1500 = m_band − 2.5 (β+2) log10(1500 (1+z) / λ_pivot);  M_UV = m_1500 − DM + 2.5 log10(1+z).
 * With β = −2 (default) this is `absoluteMagnitude(m, z)`.
 */
export function absoluteMagnitudeUV(
  mBand: number,
  z: number,
  opts: { pivotA: number; beta?: number; cosmo?: Cosmology; restA?: number },
): number {
  const beta = opts.beta ?? -2;
  const rest = opts.restA ?? 1500;
  const m1500 = mBand - 2.5 * (beta + 2) * Math.log10((rest * (1 + z)) / opts.pivotA);
  return absoluteMagnitude(m1500, z, opts.cosmo);
}

/** NIRCam wide bands: pivot and half-power edges in Å (JDox, astro-reference §B.1). */
export const NIRCAM_UV_BANDS: ReadonlyArray<{ name: string; pivotA: number; blueA: number; redA: number }> = [
  { name: 'F090W', pivotA: 9010, blueA: 7950, redA: 10050 },
  { name: 'F115W', pivotA: 11540, blueA: 10130, redA: 12820 },
  { name: 'F150W', pivotA: 15010, blueA: 13310, redA: 16680 },
  { name: 'F200W', pivotA: 19900, blueA: 17550, redA: 22270 },
  { name: 'F277W', pivotA: 27860, blueA: 24230, redA: 31320 },
  { name: 'F356W', pivotA: 35630, blueA: 31350, redA: 39810 },
  { name: 'F444W', pivotA: 44210, blueA: 38810, redA: 49820 },
];

/**
 * The band to measure M_UV in at redshift z (astro-reference §D.1): among bands whose blue
 * half-power edge lies redward of Lyα (1215.67 Å × (1+z)), the one whose pivot is closest (in log λ)
 * to rest 1500 Å. Returns undefined when no band qualifies.
 */
export function uvBandForRedshift(
  z: number,
  bands: ReadonlyArray<{ name: string; pivotA: number; blueA: number }> = NIRCAM_UV_BANDS,
): string | undefined {
  const lya = 1215.67 * (1 + z);
  const target = 1500 * (1 + z);
  let best: string | undefined;
  let bestD = Infinity;
  for (const b of bands) {
    if (b.blueA <= lya) continue;
    const d = Math.abs(Math.log(b.pivotA / target));
    if (d < bestD) {
      bestD = d;
      best = b.name;
    }
  }
  return best;
}

/** L_ν in erg s⁻¹ Hz⁻¹ for absolute AB magnitude M: 4π(10 pc)² · 3631 Jy · 10^(−0.4M). */
export function luminosityFromAbsMag(M: number): number {
  const tenPcCm = 3.0856775814913673e19;
  return 4 * Math.PI * tenPcCm * tenPcCm * 3631e-23 * Math.pow(10, -0.4 * M);
}
