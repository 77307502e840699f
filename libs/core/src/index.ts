// Public API of @asteris/core: the small utilities every stage shares (see docs/contracts.md).
export * from './rng.ts';
export * from './csv.ts';
export * from './atomic.ts';
export * from './fs.ts';
export * from './worker.ts';
export * from './pool.ts';
export * from './stage.ts';
export * from './stats.ts';
export * from './fft.ts';
export * from './optimize.ts';
export * from './special.ts';
export * from './cutout.ts';
