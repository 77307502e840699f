// Tiny bad-input fixtures for the CLI tests (apps/cli/test/cli*.test.ts). Everything is generated into
// a temp directory in milliseconds; nothing here runs the pipeline.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Header, writeFits } from '@asteris/fits';

/** A 32×32 float32 image: seeded uniform noise plus one compact source at (16, 16). */
export function tinyImage(): Float32Array {
  const w = 32, h = 32;
  const data = new Float32Array(w * h);
  let s = 12345;
  for (let i = 0; i < data.length; i++) {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    data[i] = s / 2 ** 32 - 0.5;
  }
  data[16 * w + 16] += 50; data[16 * w + 17] += 20; data[17 * w + 16] += 20;
  return data;
}

export interface Fixtures {
  dir: string;
  /** a valid 32×32 image */
  img: string;
  /** a valid 32×32 image without BUNIT or zero-point keywords (units unknown) */
  noUnit: string;
  /** first header block complete, data cut short */
  truncated: string;
  /** header block cut short (no END card) */
  headerOnly: string;
  /** a text file with a .fits name */
  notFits: string;
  /** a zero-byte .fits */
  empty: string;
  /** a directory named like a FITS file */
  dirFits: string;
  /** a path that does not exist */
  missing: string;
  /** catalogue / candidate CSVs */
  csv: Record<string, string>;
}

export function makeFixtures(dir: string): Fixtures {
  mkdirSync(dir, { recursive: true });
  const img = join(dir, 'img.fits');
  const header = new Header();
  header.set('ABMAG', 31.4, 'AB zero point: data are in nJy');
  writeFits(img, [{ header, data: tinyImage(), shape: [32, 32] }]);
  const noUnit = join(dir, 'no-unit.fits');
  writeFits(noUnit, [{ data: tinyImage(), shape: [32, 32] }]);
  const bytes = readFileSync(img);
  const truncated = join(dir, 'truncated.fits');
  writeFileSync(truncated, bytes.subarray(0, 2880 + 1000));
  const headerOnly = join(dir, 'header-only.fits');
  writeFileSync(headerOnly, bytes.subarray(0, 1000));
  const notFits = join(dir, 'not-fits.fits');
  writeFileSync(notFits, 'id,ra,dec\n1,34.3,-5.1\n');
  const empty = join(dir, 'empty.fits');
  writeFileSync(empty, '');
  const dirFits = join(dir, 'a-directory.fits');
  mkdirSync(dirFits, { recursive: true });
  const bands = ['F115W', 'F150W', 'F200W', 'F277W', 'F356W', 'F444W'];
  const hdr = ['id', 'ra', 'dec', ...bands.flatMap((b) => [`flux_${b}`, `fluxerr_${b}`])].join(',');
  const row = (id: number, f: (b: string) => [string, string]) => [String(id), '34.30', '-5.11', ...bands.flatMap((b) => f(b))].join(',');
  const good = (b: string): [string, string] => [b === 'F115W' ? '0.5' : '30', '3'];
  const csv: Record<string, string> = {
    // select: a catalogue without any flux columns
    catNoFlux: 'id,ra,dec\n1,34.3,-5.1\n2,34.31,-5.12\n',
    // select: a catalogue without ra/dec
    catNoRa: `id,${hdr.split(',').slice(3).join(',')}\n1,${bands.map(() => '30,3').join(',')}\n`,
    // select: NaN flux and a negative error
    catNaN: `${hdr}\n${row(1, (b) => (b === 'F200W' ? ['nan', '3'] : good(b)))}\n${row(2, good)}\n`,
    catNegErr: `${hdr}\n${row(1, (b) => (b === 'F200W' ? ['30', '-3'] : good(b)))}\n${row(2, good)}\n`,
    // select: header only
    catEmpty: `${hdr}\n`,
    // select: ragged row
    catRagged: `${hdr}\n1,34.3,-5.1,30\n`,
    // lf: candidates without z / M_UV columns
    lfNoCols: 'id,ra,dec\n1,34.3,-5.1\n',
    lfNaN: 'id,z,M_UV\n1,10.2,nan\n2,9.8,-19.5\n',
    lfNegWeight: 'id,z,M_UV,weight\n1,10.2,-20.1,-1\n2,9.8,-19.5,1\n',
    lfNaNz: 'id,z,M_UV\n1,NaN,-20.1\n2,9.8,-19.5\n',
    lfOk: 'id,z,M_UV\n1,10.2,-20.1\n2,9.8,-19.5\n3,11.0,-19.0\n',
  };
  const paths: Record<string, string> = {};
  for (const [k, v] of Object.entries(csv)) { paths[k] = join(dir, `${k}.csv`); writeFileSync(paths[k], v); }
  return { dir, img, noUnit, truncated, headerOnly, notFits, empty, dirFits, missing: join(dir, 'does-not-exist.fits'), csv: paths };
}
