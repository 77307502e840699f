// @asteris/field — the field format (docs/field-format.md): field.json, exposures, units, PSFs, grid checks.
export {
  loadField, readExposureStack, isFieldSpec, exposureShape, naturalCompare, sameGrid, sameWcs, wcsSignature, resolvePsf, exposureDithers, DITHER_KEYS,
  FieldError, SPEC_KIND, FIELD_JSON, PSF_DIR, type Field, type FieldBand, type ExposureStack, type PsfChoice,
} from './field.ts';
