// Seeded random numbers for photometry (empty-aperture placement, tests): the shared mulberry32 of
// @asteris/core with photometry's seed scrambling, so existing seeded results are unchanged.
import { mulberry32, type SimpleRng } from '@asteris/core';

/** photometry's generator (distinct from @asteris/core's createRng/Rng, the xoshiro generator) */
export function photometryRng(seed: number): SimpleRng {
  return mulberry32((seed >>> 0) ^ 0x9e3779b9);
}
