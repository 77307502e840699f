// @asteris/fits — FITS images, tables and TAN WCS (public API; see docs/contracts.md and docs/fits.md).
export { FitsError } from './errors.ts';
export { Header, type Card, type CardValue } from './header.ts';
export {
  readFits, readImage, parseFits, findHdu, selectImageHdu, imageFromHdu, decodeImageData, decodeStored,
  type Hdu, type ImageHdu, type TableHdu, type Image, type StoredPixels, type ReadOptions,
} from './read.ts';
export {
  writeFits, writeImage, writeTable, encodeFits, writeAtomic,
  type WriteHdu, type WriteImageHdu, type Int32Source, type WriteTableHdu, type WriteImageData,
} from './write.ts';
export { type TableColumn, type TypedColumn, type ColumnInfo, type WriteColumn } from './table.ts';
export { Wcs, tanWcs, type WcsParams, type Sip } from './wcs.ts';
export {
  nJyPerPixelScale, abZeroPointMJySr, nJyPerUnitFromZeroPoint, pixelAreaSr, parseFluxUnit, AB_ZP_NJY, ZERO_POINT_KEYS,
  FLUX_UNIT_KEYS, labelImageHeader,
} from './units.ts';
