// Detection-threshold calibration lives with the detect stage (libs/extract/src/stage.ts).
export { calibrateThreshold, falseDetections, negativeExtractor, negated, THRESHOLD_LADDER, type Calibration } from '@asteris/extract';
