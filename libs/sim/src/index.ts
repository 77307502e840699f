// @asteris/sim — mock JWST/NIRCam multi-exposure fields with full truth, injection, semi-real stacks.
// Public API (docs/contracts.md, docs/sim.md, docs/field-format.md).
export { simulateField, readSpecFile, sigmaPerExposure, FIELD_FORMAT, type SimulateOptions, type SimulateResult } from './simulate.ts';
export { parseSpec, SpecError, SPEC_KIND, DEFAULT_BANDS, DEFAULT_DEPTH, type FieldSpec, type FieldSpecInput } from './spec.ts';
export { loadField, readExposureStack, isFieldSpec, FieldError, type Field, type FieldBand, type ExposureStack } from '@asteris/field';
export { renderScene, convolve2d, sersicB, type RenderSource } from './render.ts';
export { psfKernel, modelKernel, fileKernel, kernelFwhm, realPsfPath, REAL_PSF_FILES, REPO_ROOT, type PsfKernel } from './psf/kernel.ts';
export { fitPsfModel, NIRCAM_FWHM_ARCSEC, type PsfModelParams } from './psf/model.ts';
export { makeExposure, DQ, DEFAULT_SKY_MJYSR, type NoiseParams } from './noise.ts';
export { galaxySed, highzSed, brownDwarfSed, type SourceKind } from './sed.ts';
export { type TruthSource } from './populations.ts';
export { Rng, deriveSeed } from '@asteris/core';
export { injectSources, checkInjectTarget, drawInjections, injectionCsv, bandPsf, renderPsf, type InjectOptions, type InjectResult, type InjectedSource, type InjectKind } from './inject.ts';
export { stackFromMosaic, type MosaicStackOptions } from './mosaic.ts';
export { simulateStage, injectStage, simOversample, InjectionConfigSchema, InjectConfigSchema, SIMULATE_FILES, INJECT_FILES, type InjectionConfig, type InjectConfig, type SimulateInputs, type InjectInputs } from './stage.ts';
