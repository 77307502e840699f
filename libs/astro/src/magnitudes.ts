// AB magnitudes ↔ flux densities in nJy (Oke & Gunn 1983): m_AB = −2.5 log10(f_ν / 3631 Jy)
// = 31.4 − 2.5 log10(f_ν / nJy)  (3631 Jy = 10^(31.4/2.5) nJy to 4 significant figures; we use
// the exact AB definition 8.90 + 22.5 = 31.40).

/** AB magnitude of a flux density in nJy. Non-positive or non-finite flux → +Infinity (undetected). */
export function abMagFromNJy(f: number): number {
  if (!(f > 0) || !Number.isFinite(f)) return Number.POSITIVE_INFINITY;
  return 31.4 - 2.5 * Math.log10(f);
}

/** Flux density in nJy of an AB magnitude. */
export function nJyFromAbMag(m: number): number {
  return Math.pow(10, -0.4 * (m - 31.4));
}

/** 1σ magnitude error from flux and flux error (1.0857 σ_F / F, SExtractor convention). */
export function abMagErr(f: number, ferr: number): number {
  if (!(f > 0)) return Number.POSITIVE_INFINITY;
  return (2.5 / Math.LN10) * (ferr / f);
}
