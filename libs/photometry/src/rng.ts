// Seeded random numbers for photometry (empty-aperture placement, tests): the shared mulberry32 of
// @asteris/core with photometry's seed scrambling, so existing seeded results are unchanged.
import { mulberry32, type SimpleRng } from '@asteris/core';

export type Rng = SimpleRng;

export function createRng(seed: number): Rng {
  return mulberry32((seed >>> 0) ^ 0x9e3779b9);
}
