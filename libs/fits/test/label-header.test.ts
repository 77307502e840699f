import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { labelImageHeader, readImage, Wcs } from '../src/index.ts';

const UDS = join(import.meta.dirname, '..', '..', '..', 'data', 'external', 'mophongo_primer_uds_cutouts', 'uds-test-f115w_sci.fits');

describe('labelImageHeader', () => {
  it('drops the flux unit and calibration of a real science header, keeps WCS and FILTER', () => {
    const sci = readImage(UDS).header;
    expect(sci.getString('BUNIT')?.trim()).toBe('10.0*nanoJansky');
    const lab = labelImageHeader(sci);
    expect(lab.has('BUNIT')).toBe(false);
    expect(lab.has('BZERO') || lab.has('BSCALE') || lab.has('PHOTMJSR') || lab.has('PIXAR_SR')).toBe(false);
    expect(lab.getString('FILTER')).toBe(sci.getString('FILTER'));
    const [a, b] = [Wcs.fromHeader(sci), Wcs.fromHeader(lab)];
    expect(b.pixelToSky(10, 20)).toEqual(a.pixelToSky(10, 20));
    expect(sci.getString('BUNIT')?.trim()).toBe('10.0*nanoJansky'); // the input is not modified
    expect(labelImageHeader(sci, { bunit: 'segment id' }).getString('BUNIT')).toBe('segment id');
  });
});
