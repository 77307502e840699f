import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { readFits, writeFits, Header } from '@asteris/fits';
import { abMagFromNJy } from '@asteris/astro';
import { simulateField, loadField, readExposureStack, FieldError, SpecError, isFieldSpec, bandPsf, renderPsf, renderScene, type FieldSpecInput } from '../src/index.ts';
import { parseCsvObjects } from '@asteris/core';

const tmp = mkdtempSync(join(tmpdir(), 'sim-field-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const SPEC: FieldSpecInput = {
  kind: 'asteris-field-spec', name: 'tiny', seed: 7, width: 96, height: 80, nexp: 4,
  bands: ['F115W', 'F150W', 'F200W', 'F277W', 'F444W'],
  populations: { lowz: { magRange: [22, 30] }, browndwarfs: { perArcmin2: 200 }, highz: { oversample: 2000, mLimit: 29 } },
  sources: [
    { kind: 'highz', x: 30, y: 30, z: 9, mag: 26, beta: -2, re: 0.05 },
    { kind: 'highz', x: 60, y: 40, z: 12, mag: 26, beta: -2, re: 0.05 },
    { kind: 'highz', x: 40, y: 60, z: 16, mag: 26, beta: -2, re: 0.05 },
  ],
  noise: { snowballRate: 2e-4 },
};

/** Files of a field directory, relative path → bytes. */
function snapshot(dir: string): Map<string, Buffer> {
  const m = new Map<string, Buffer>();
  const walk = (d: string, rel: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      if (e.isDirectory()) walk(join(d, e.name), join(rel, e.name));
      else m.set(join(rel, e.name), readFileSync(join(d, e.name)));
    }
  };
  walk(dir, '');
  return m;
}

describe('simulateField → field directory', () => {
  const a = join(tmp, 'a'), b = join(tmp, 'b'), c = join(tmp, 'c');
  beforeAll(async () => {
    await simulateField(SPEC, a, { workers: 0 });
    await simulateField(SPEC, b, { workers: 1 }); // worker thread: bytes must not depend on scheduling
  });

  it('is byte-identical for the same spec and seed (in-process vs worker thread)', () => {
    const sa = snapshot(a), sb = snapshot(b);
    expect([...sa.keys()].sort()).toEqual([...sb.keys()].sort());
    for (const [k, v] of sa) expect(v.equals(sb.get(k)!), k).toBe(true);
  });

  it('changes with the seed', async () => {
    await simulateField({ ...SPEC, seed: 8, bands: ['F115W'], populations: { lowz: { enabled: false }, browndwarfs: { enabled: false }, highz: { enabled: false } } }, c, { workers: 0 });
    const x = readFits(join(a, 'F115W/f115w_exp01.fits'))[1], y = readFits(join(c, 'F115W/f115w_exp01.fits'))[1];
    expect(Buffer.from(x.kind === 'image' ? x.data!.buffer : new ArrayBuffer(0)).equals(Buffer.from(y.kind === 'image' ? y.data!.buffer : new ArrayBuffer(0)))).toBe(false);
  });

  it('loadField + readExposureStack give the bands, N exposures, SCI/ERR/DQ on one grid with JWST headers', () => {
    const f = loadField(a);
    expect(f.name).toBe('tiny');
    expect(f.pixelScale).toBe(0.04);
    expect(f.bands.map((x) => x.name)).toEqual(['F115W', 'F150W', 'F200W', 'F277W', 'F444W']);
    expect(f.truthFile).toBeDefined();
    const st = readExposureStack(f.bands[0]);
    expect(st.images).toHaveLength(4);
    expect(st.errs.every((e) => e !== null)).toBe(true);
    expect(st.dqs.every((e) => e !== null)).toBe(true);
    const h = st.images[0].header;
    expect(h.getString('BUNIT')).toBe('MJy/sr');
    expect(h.getString('FILTER')).toBe('F115W');
    expect(h.getString('TELESCOP')).toBe('JWST');
    expect(h.getString('INSTRUME')).toBe('NIRCAM');
    expect(h.getNumber('XPOSURE')).toBeGreaterThan(0);
    expect(h.getNumber('PIXAR_SR')).toBeCloseTo((0.04 / 206264.806) ** 2, 20);
    expect(h.getString('CTYPE1')).toBe('RA---TAN');
    expect(st.images[0].width).toBe(96);
    expect(st.images[0].height).toBe(80);
  });

  it('records which PSF each band used (real STPSF for F115W/F444W, fitted model otherwise) and writes it', () => {
    const meta = JSON.parse(readFileSync(join(a, 'field.json'), 'utf8'));
    const src = Object.fromEntries(meta.bands.map((x: { name: string; psfSource: string }) => [x.name, x.psfSource]));
    expect(src.F115W).toMatch(/^file:.*UDS_NRCA1_F115W/);
    expect(src.F444W).toMatch(/^file:.*UDS_NRCA5_F444W/);
    expect(src.F150W).toBe('model:gauss+moffat');
    const psf = readFits(join(a, 'psf/F150W.fits'))[0];
    let s = 0;
    if (psf.kind === 'image') for (const v of psf.data!) s += v;
    expect(s).toBeCloseTo(1, 5);
  });

  it('bandPsf / psf/<BAND>.fits are the pixel-integrated PSF (= an exactly rendered point source at a pixel centre)', () => {
    const f = loadField(a);
    for (const name of ['F115W', 'F150W', 'F444W']) {
      const k = bandPsf(f, name, 0.04);
      const c = (k.size - 1) / 2;
      const img = renderScene([{ x: c, y: c, flux: 1, point: true, n: NaN, re: 0, q: 1, pa: 0 }], k.size, k.size, 1, renderPsf(f, name, 0.04));
      let peak = 0, s = 0;
      for (const v of k.data) { peak = Math.max(peak, v); s += v; }
      expect(s).toBeCloseTo(1, 6);
      let isum = 0;
      for (const v of img) isum += v;
      for (let i = 0; i < img.length; i++) expect(Math.abs(img[i] / isum - k.data[i])).toBeLessThan(0.02 * peak);
      const file = readFits(join(a, `psf/${name}.fits`))[0];
      if (file.kind !== 'image') throw new Error('psf');
      expect(file.shape[0]).toBe(k.size);
      for (let i = 0; i < k.data.length; i++) expect(Math.abs(file.data![i] - k.data[i])).toBeLessThan(5e-3 * peak);
    }
  });

  it("a field's PSF file is read at its own pixel scale (PIXELSCL: a 4× oversampled file), the field's only without keywords", () => {
    const d = join(tmp, 'psf-os');
    cpSync(a, d, { recursive: true });
    const fj = JSON.parse(readFileSync(join(d, 'field.json'), 'utf8'));
    const b = fj.bands.find((x: { name: string }) => x.name === 'F444W');
    delete b.psfSource;
    const gauss = (n: number, scale: number, withKey: boolean) => {
      const s = 0.06 / scale, c = (n - 1) / 2, data = new Float32Array(n * n);
      for (let j = 0; j < n; j++) for (let i = 0; i < n; i++) data[j * n + i] = Math.exp(-((i - c) ** 2 + (j - c) ** 2) / (2 * s * s));
      const h = new Header();
      if (withKey) h.set('PIXELSCL', scale);
      return [{ header: h, data, shape: [n, n] }];
    };
    const kernelOf = (file: string) => { b.psf = file; writeFileSync(join(d, 'field.json'), JSON.stringify(fj)); return bandPsf(loadField(d), 'F444W', 0.04); };
    writeFits(join(d, 'psf/os4.fits'), gauss(161, 0.01, true));
    writeFits(join(d, 'psf/os1.fits'), gauss(41, 0.04, true));
    writeFits(join(d, 'psf/nokey.fits'), gauss(41, 0.04, false));
    const k4 = kernelOf('psf/os4.fits'), k1 = kernelOf('psf/os1.fits'), k0 = kernelOf('psf/nokey.fits');
    const peak = (k: { data: Float64Array }) => Math.max(...k.data);
    expect(peak(k4) / peak(k1)).toBeGreaterThan(0.93); // was ≈ 1/16 when the file was taken at the field's scale
    expect(peak(k4) / peak(k1)).toBeLessThan(1.07);
    expect(peak(k0)).toBeCloseTo(peak(k1), 6);
  });

  it('written ERR matches the noise in the files: differences of exposure pairs have median χ² = 0.455 (χ²₁) within 5 %', async () => {
    // default noise and artefact rates, default populations (sources cancel in the differences)
    const d = join(tmp, 'chi2');
    await simulateField({ kind: 'asteris-field-spec', name: 'chi2', seed: 5, width: 160, height: 128, nexp: 4, bands: ['F115W', 'F444W'],
      populations: { lowz: { magRange: [20, 30] } } }, d, { workers: 0 });
    const f = loadField(d);
    for (const band of f.bands) {
      const st = readExposureStack(band);
      const W = st.images[0].width, H = st.images[0].height;
      const sky = (im: typeof st.images[0], x: number, y: number) => {
        const h = im.header;
        return h.getNumber('SIMSKY')! * (1 + h.getNumber('SIMSKYGX')! * (x / W - 0.5) + h.getNumber('SIMSKYGY')! * (y / H - 0.5)) - h.getNumber('SIMSKYSB')!;
      };
      const z2: number[] = [];
      for (let e = 0; e + 1 < st.images.length; e += 2) {
        const p = st.images[e], q = st.images[e + 1], ep = st.errs[e]!, eq = st.errs[e + 1]!;
        for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) {
          const i = y * W + x;
          if (st.dqs[e]![i] || st.dqs[e + 1]![i]) continue;
          const d = (p.data[i] - sky(p, x, y)) - (q.data[i] - sky(q, x, y));
          z2.push((d * d) / (ep.data[i] ** 2 + eq.data[i] ** 2));
        }
      }
      z2.sort((u, v) => u - v);
      expect(Math.abs(z2[z2.length >> 1] / 0.4549 - 1), band.name).toBeLessThan(0.05);
    }
  });

  it('astropy reads the exposures (verify passes) and its WCS puts truth sources at their catalogued RA/Dec', () => {
    const rows = parseCsvObjects(readFileSync(join(a, 'truth.csv'), 'utf8')).slice(0, 5);
    const py = [
      'import sys, json', 'from astropy.io import fits', 'from astropy.wcs import WCS',
      'h = fits.open(sys.argv[1]); h.verify("exception")',
      'assert h[1].header["BUNIT"] == "MJy/sr" and h[1].name == "SCI" and h[2].name == "ERR" and h[3].name == "DQ"',
      'w = WCS(h[1].header); pts = json.loads(sys.argv[2])',
      'print(json.dumps([list(map(float, w.pixel_to_world_values(x, y))) for x, y in pts]))',
    ].join('\n');
    const r = spawnSync('/usr/bin/python3', ['-c', py, join(a, 'F200W/f200w_exp02.fits'), JSON.stringify(rows.map((x) => [Number(x.x), Number(x.y)]))], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    const sky = JSON.parse(r.stdout) as number[][];
    rows.forEach((row, i) => {
      expect(sky[i][0]).toBeCloseTo(Number(row.ra), 7);
      expect(sky[i][1]).toBeCloseTo(Number(row.dec), 7);
    });
  });

  it('truth.csv lists every source with kind, position, z, M_UV, size and per-band flux/mag', () => {
    const rows = parseCsvObjects(readFileSync(join(a, 'truth.csv'), 'utf8'));
    const kinds = new Set(rows.map((r) => r.kind));
    for (const k of ['lowz', 'browndwarf', 'highz']) expect(kinds.has(k)).toBe(true);
    for (const r of rows) {
      for (const b of ['F115W', 'F444W']) {
        const f = Number(r[`flux_${b}`]);
        if (f > 0.01) expect(Number(r[`mag_${b}`])).toBeCloseTo(abMagFromNJy(f), 2);
      }
      expect(Number.isFinite(Number(r.ra))).toBe(true);
    }
    // the explicit z = 9, 12, 16 sources: break colours as in astro-reference §C.1 (real curves, ±0.25)
    const byZ = (z: number) => rows.find((r) => r.kind === 'highz' && Math.abs(Number(r.z) - z) < 1e-6 && Number(r.x) > 29)!;
    const c = (r: Record<string, string>, p: string, q: string) => Number(r[`mag_${p}`]) - Number(r[`mag_${q}`]);
    expect(Math.abs(c(byZ(9), 'F115W', 'F150W') - 1.62)).toBeLessThan(0.25);
    expect(Math.abs(c(byZ(12), 'F150W', 'F200W') - 1.55)).toBeLessThan(0.25);
    expect(Math.abs(c(byZ(16), 'F200W', 'F277W') - 1.26)).toBeLessThan(0.25);
  });

  it('the mean of the exposures reproduces the truth fluxes in every band (flux conservation end to end, 1 %)', async () => {
    const d = join(tmp, 'clean');
    await simulateField({
      kind: 'asteris-field-spec', name: 'clean', seed: 3, width: 128, height: 128, nexp: 4, bands: ['F090W', 'F115W', 'F200W', 'F444W'],
      populations: { lowz: { enabled: false }, browndwarfs: { enabled: false }, highz: { enabled: false } },
      sources: [
        { kind: 'highz', x: 64, y: 64, z: 8.6, mag: 22, beta: -2, re: 0.08 },
        { kind: 'sersic', x: 50.3, y: 70.7, mag: 22.5, re: 0.2, n: 2, q: 0.6, pa: 20 },
        { kind: 'point', x: 75.6, y: 55.2, mag: 23 },
        { kind: 'browndwarf', x: 60.4, y: 80.9, mag: 22.5 },
      ],
      noise: { skyVariation: 0, skyGradient: 0, artefacts: false, oneOverFFraction: 0 },
    }, d, { workers: 0 });
    const f = loadField(d);
    const rows = parseCsvObjects(readFileSync(join(d, 'truth.csv'), 'utf8'));
    for (const band of f.bands) {
      const st = readExposureStack(band);
      const k = st.images[0].header.getNumber('PIXAR_SR')! * 1e15; // nJy per MJy/sr pixel
      let sum = 0;
      for (const im of st.images) for (const v of im.data) sum += (v * k) / st.images.length;
      const truth = rows.reduce((a, r) => a + Number(r[`flux_${band.name}`]), 0);
      expect(Math.abs(sum / truth - 1), band.name).toBeLessThan(0.01);
    }
  });
});

describe('field validation errors name the file and the problem', () => {
  it('missing directory / missing field.json / spec instead of field', () => {
    expect(() => loadField(join(tmp, 'nope'))).toThrow(/does not exist/);
    const d = join(tmp, 'empty');
    cpSync(join(tmp, 'a', 'F115W'), join(d, 'F115W'), { recursive: true });
    expect(() => loadField(d)).toThrow(/no field.json/);
    writeFileSync(join(d, 'field.json'), JSON.stringify({ kind: 'asteris-field-spec' }));
    expect(isFieldSpec(d)).toBe(true);
    expect(() => loadField(d)).toThrow(FieldError);
    expect(() => loadField(d)).toThrow(/simulation spec/);
  });

  it('bad field.json contents', () => {
    const d = join(tmp, 'bad');
    cpSync(join(tmp, 'a'), d, { recursive: true });
    writeFileSync(join(d, 'field.json'), '{ not json');
    expect(() => loadField(d)).toThrow(/field\.json: not valid JSON/);
    writeFileSync(join(d, 'field.json'), JSON.stringify({ name: 'x', pixelScale: -1, bands: ['F115W'] }));
    expect(() => loadField(d)).toThrow(/pixelScale must be a positive number/);
    writeFileSync(join(d, 'field.json'), JSON.stringify({ name: 'x', pixelScale: 0.04, bands: ['F090W'] }));
    expect(() => loadField(d)).toThrow(/band F090W has no exposures/);
    writeFileSync(join(d, 'field.json'), JSON.stringify({ name: 'x', pixelScale: 0.04, bands: [{ name: 'F115W', exposures: ['F115W/missing.fits'] }] }));
    expect(() => loadField(d)).toThrow(/missing\.fits: exposure listed for band F115W does not exist/);
  });

  it('exposures on different grids are rejected by readExposureStack with the offending file', () => {
    const d = join(tmp, 'grid');
    cpSync(join(tmp, 'a'), d, { recursive: true });
    const file = join(d, 'F115W/f115w_exp03.fits');
    const hdus = readFits(file);
    const sci = hdus[1];
    if (sci.kind !== 'image') throw new Error('unexpected');
    sci.header.set('CRPIX1', 10.5);
    writeFits(file, [{ header: hdus[0].header }, { name: 'SCI', header: sci.header, data: sci.data!, shape: sci.shape }]);
    const f = loadField(d);
    expect(() => readExposureStack(f.bands[0])).toThrow(/f115w_exp03\.fits: WCS does not match .*CRPIX1 differs/);
    writeFits(file, [{ name: 'SCI', header: sci.header, data: new Float32Array(10 * 10), shape: [10, 10] }]);
    expect(() => readExposureStack(loadField(d).bands[0])).toThrow(/f115w_exp03\.fits: shape 10×10 differs/);
    writeFileSync(file, 'garbage');
    expect(() => readExposureStack(loadField(d).bands[0])).toThrow(/f115w_exp03\.fits: cannot read exposure/);
  });

  it('invalid specs are rejected before anything is written', async () => {
    const out = join(tmp, 'never');
    await expect(simulateField({ kind: 'asteris-field-spec', bands: ['F999W'] } as FieldSpecInput, out)).rejects.toThrow(SpecError);
    expect(existsSync(join(out, 'field.json'))).toBe(false);
    void Header;
  });
});
