// Public API of @asteris/astro (see docs/contracts.md).
export * from './magnitudes.ts';
export * from './filters.ts';
export * from './igm.ts';
export * from './sed.ts';
export * from './cosmology.ts';
export * from './uvlf.ts';
export * from './coords.ts';
export * from './detection.ts';
export * from './m90.ts';
