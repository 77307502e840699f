// Header cards survive read → write → read: values, comments, HISTORY/COMMENT, HIERARCH, CONTINUE,
// with structural keywords regenerated and non-standard cards normalised (lower-case keys upper-cased,
// junk cards without '= ' kept as COMMENT text).
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readFits, readImage, writeImage, writeFits } from '../src/index.ts';

const ROOT = join(import.meta.dirname, '..', '..', '..');
const EXT = join(ROOT, 'data', 'external');
const tmp = mkdtempSync(join(tmpdir(), 'fits-hdr-'));
const STRUCT = /^(SIMPLE|BITPIX|NAXIS\d*|EXTEND|BSCALE|BZERO|BLANK)$/;

describe('header round trip', () => {
  for (const rel of ['sep_sextractor_reference/image.fits', 'mophongo_primer_uds_cutouts/uds-test-f115w_sci.fits',
    'mophongo_primer_uds_cutouts/psf/STDPSF_NRCAL_F444W.fits']) {
    it(`keeps every card of ${rel}`, () => {
      const src = join(EXT, rel);
      const hdu = readFits(src)[0];
      const out = join(tmp, rel.replace(/\//g, '_'));
      if (hdu.kind !== 'image') throw new Error('expected image');
      writeFits(out, [{ header: hdu.header, data: hdu.data, shape: hdu.shape }]);
      const back = readFits(out)[0].header;
      for (const c of hdu.header.cards) {
        if (c.value === undefined || STRUCT.test(c.key)) continue;
        expect(back.get(c.key), c.key).toEqual(hdu.header.get(c.key));
      }
      expect(back.history()).toEqual(hdu.header.history());
      // every commentary text is still present (junk cards become COMMENT '<KEY> <text>')
      const texts = back.cards.filter((c) => c.value === undefined).map((c) => (c.comment ?? '').trim()).join('\n');
      for (const c of hdu.header.cards.filter((x) => x.value === undefined && x.key !== 'HISTORY')) {
        const t = (c.comment ?? '').trim();
        if (t) expect(texts).toContain(t.slice(0, 40));
      }
      expect(back.warnings).toEqual([]); // written file is clean (lower-case keys fixed)
    });
  }

  it('image values and provenance survive writeImage', () => {
    const im = readImage(join(EXT, 'mophongo_primer_uds_cutouts', 'uds-test-f444w_sci.fits'));
    im.header.addHistory('asteris: test provenance');
    const out = join(tmp, 'uds.fits');
    writeImage(out, im);
    const back = readImage(out);
    expect(back.data.length).toBe(im.data.length);
    let diff = 0;
    for (let i = 0; i < im.data.length; i++) if (!Object.is(back.data[i], im.data[i])) diff++;
    expect(diff).toBe(0);
    expect(back.header.history().at(-1)).toBe('asteris: test provenance');
    expect(back.header.getString('FILTER')).toBe('F444W');
  });
});
