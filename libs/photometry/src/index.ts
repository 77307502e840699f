// @asteris/photometry — forced multiband photometry, PSF homogenisation, empty-aperture noise
// calibration and the catalogue product. See docs/photometry.md and docs/catalogue-columns.md.
export { PhotometryError } from './errors.ts';
export { photometryRng } from './rng.ts';
export { fft1d, fft2d, fftRows, fftColumns, nextPow2 } from '@asteris/core';
export { convolveImage, convolveImagePair, squaredKernel, type ConvolveOptions } from './psf/convolve.ts';
export { type Psf, psfSum, normalisePsf, checkPsf, centroid, resamplePsf, cropPsf } from './psf/psf.ts';
export { matchingKernel, type MatchingKernelOptions } from './psf/matching.ts';
export { type EeTable, type EeModel, parseEeTable, loadEeTable, EE_TABLE_PATHS, eeFromTable, curveOfGrowth, halfLightRadius, eeModel } from './psf/ee.ts';
export { rescaleVarianceLocally, type RescaleResult } from './noise/rescale.ts';
export { calibrateEmptyApertures, depthRatio, fitPowerLaw, noiseFactor, nmad, type NoiseCalibration, type NoiseCalibrationOptions } from './noise/empty.ts';
export {
  type Catalogue, type CatalogueRow, type ColumnSpec, catalogueColumns, magAB, magErrAB, bandsFromColumns,
  PHOT_FLAG_TRUNCATED, PHOT_FLAG_MASKED, PHOT_FLAG_UNMEASURED, PHOT_FLAG_KRON_CROWDED,
} from './catalogue/catalogue.ts';
export { writeCatalogueCsv, readCatalogueCsv, parseCatalogueCsv, catalogueToCsv, writeCatalogueFits, readCatalogueFits } from './catalogue/io.ts';
export { forcedPhotometry, preparePhotometry, measureBand, assembleCatalogue, type BandMeasurement, type BandPlan, type BandPixels, type PhotometryJob, type ApertureFluxes, type BandInput, type Detection, type DetectionSource, type ForcedPhotometryOptions } from './phot/forced.ts';
export { forcedPhotometryParallel, type ParallelOptions } from './parallel/forced-parallel.ts';
export { buildEpsf, selectPsfStars, psfFwhmPixels, type EpsfOptions, type EpsfResult, type EpsfStar } from './psf/epsf.ts';
export { subtractMeshBackground, sourceMask, annulusMedian, calibrateLocalApertures, DEFAULT_BACKGROUND, type BackgroundMode, type BackgroundSettings, type MeshBackgroundResult } from './phot/background.ts';
export { photometryStage, measurePhotometry, photometryThreads, photometryImage, MEASURE_ON, type MeasureOn, BACKGROUND_MODES, PhotometryConfigSchema, PHOTOMETRY_FILES, type PhotometryContext, type PhotometryConfig, type PhotometryInputs, type PhotometryProduct } from './stage.ts';
