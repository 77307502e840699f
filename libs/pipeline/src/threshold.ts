// Detection-threshold calibration lives with the detect stage (libs/extract/src/stage.ts).
export { calibrateThreshold, falseDetections, negated, THRESHOLD_LADDER } from '@asteris/extract';
