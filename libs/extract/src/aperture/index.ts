export { circleRectOverlap, ellipseRectOverlap, polygonUnitDiscOverlap } from './overlap.ts';
export {
  sumCircle, sumEllipse, sumCircAnnulus, sumEllipAnnulus, ellipseCoeffs,
  APER_TRUNC, APER_HASMASKED, APER_ALLMASKED, APER_NONPOSITIVE,
} from './sum.ts';
export type { ApertureOptions, ApertureResult } from './sum.ts';
export { kronRadius, fluxRadius } from './radii.ts';
export type { RadiusOptions } from './radii.ts';
