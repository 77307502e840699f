export { coadd, coaddArrays, setStackTimeKeys, robustSigma, medianNoiseFactor, StackError, COADD_METHODS } from './coadd.ts';
export type { CoaddMethod, CoaddOptions, CoaddArrays } from './coadd.ts';
export { medianInPlace, selectKth } from '@asteris/core';
export { mulberry32 } from '@asteris/core';
export type { SimpleRng } from '@asteris/core';
export { nullStacks, robustMean, drawSigns, nullFalseRate, calibrateNullThreshold } from './null.ts';
export type { NullMode, NullStackOptions, NullStacks, NullDetections, FalseRate } from './null.ts';
export { selfCalibrate } from './selfcal.ts';
export type { SelfCalOptions, SelfCalResult } from './selfcal.ts';
