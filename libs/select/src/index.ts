// Public API of @asteris/select (see docs/contracts.md).
export * from './errors.ts';
export * from './preset.ts';
export * from './catalogue.ts';
export * from './photoz.ts';
export * from './templates.ts';
export * from './nnls.ts';
export * from './select.ts';
export { Rng } from '@asteris/core';
export * from './output.ts';
export * from './stamps.ts';
export * from './package.ts';
export * from './mock.ts';
export { selectStage, unionSelection, presetList, specHasAuto, presetFile, SelectConfigSchema, SELECT_FILES, type SelectConfig, type SelectInputs, type SelectProduct } from './stage.ts';
