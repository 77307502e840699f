// Test helper: the real PRIMER-UDS cutouts (F115W, F444W sci + wht, LW segmentation) as photometry inputs.
import { readImage, type Image } from '@asteris/fits';
import { UDS } from './psfdata.ts';

export function errFromWht(wht: Image): Image {
  const d = new Float32Array(wht.data.length);
  for (let i = 0; i < d.length; i++) d[i] = wht.data[i] > 0 ? 1 / Math.sqrt(wht.data[i]) : NaN;
  return { ...wht, data: d };
}

export function loadUds(): { f115: Image; f115err: Image; f444: Image; f444err: Image; seg: Int32Array } {
  const f115 = readImage(`${UDS}uds-test-f115w_sci.fits`);
  const f444 = readImage(`${UDS}uds-test-f444w_sci.fits`);
  const segImg = readImage(`${UDS}uds-test-LW_seg.fits`);
  return {
    f115, f444,
    f115err: errFromWht(readImage(`${UDS}uds-test-f115w_wht.fits`)),
    f444err: errFromWht(readImage(`${UDS}uds-test-f444w_wht.fits`)),
    seg: Int32Array.from(segImg.data),
  };
}
