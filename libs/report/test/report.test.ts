import { describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import {
  renderReport, sexagesimal, imageToPng, stretchLimits, toGrey, cutout, residualPng, compassDirections, niceLength, formatArea, pngSize,
  type ReportInput,
} from '../src/index.ts';

function gaussImage(w: number, h: number, amp: number): Float32Array {
  const d = new Float32Array(w * h);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) {
    d[y * w + x] = amp * Math.exp(-((x - w / 2) ** 2 + (y - h / 3) ** 2) / 20) + ((x * 7 + y * 13) % 5) * 0.01;
  }
  return d;
}

/** A stamp PNG laid out as select's renderStamp does: 2 bands × 2 rows of 16 px panels, zoom 3, gap 4. */
function stampGridPng(): Buffer {
  const cell = 16 * 3, gap = 4, W = 2 * (cell + gap) + gap;
  const png = new PNG({ width: W, height: W });
  png.data.fill(255);
  for (let r = 0; r < 2; r++) for (let c = 0; c < 2; c++) for (let y = 0; y < cell; y++) for (let x = 0; x < cell; x++) {
    const o = (((gap + r * (cell + gap)) + y) * W + gap + c * (cell + gap) + x) * 4;
    const g = Math.round(255 * (1 - Math.exp(-((x - 24) ** 2 + (y - 24) ** 2) / 60)));
    png.data[o] = png.data[o + 1] = png.data[o + 2] = g;
  }
  return PNG.sync.write(png);
}

export function sampleReport(): ReportInput {
  const co = gaussImage(64, 64, 1);
  const de = gaussImage(64, 64, 1.2);
  const lim = stretchLimits([co, de]);
  const s = { ...lim, kind: 'asinh' as const };
  const res = residualPng(co, de, 64, 64, { zoom: 2 });
  const scale = 0.04 / 3600;
  return {
    title: 'ASTERIS run: test field',
    generatedAt: '2026-01-01T00:00:00Z',
    field: { name: 'test', bands: ['F277W', 'F444W'], width: 64, height: 64, pixelScale: 0.04, areaArcmin2: 0.0018204, nExposures: { F277W: 8, F444W: 8 }, cd: [[-scale, 0], [0, scale]] },
    overview: [{ band: 'F444W', coaddPng: imageToPng(co, 64, 64, s, { zoom: 2 }), denoisedPng: imageToPng(de, 64, 64, s, { zoom: 2 }), residualPng: res.png, residualStretch: res.stretch, stretch: 'asinh' }],
    falseDetections: [
      { path: 'co-add', threshold: 3.2, nFalse: 2, areaArcmin2: 0.0018204, nDetected: 40 },
      { path: 'denoised', threshold: 4.1, nFalse: 1, areaArcmin2: 0.0018204, nDetected: 55 },
    ],
    depth: {
      curves: [
        { label: 'co-add', mag: [26, 27, 28, 29], completeness: [1, 0.95, 0.6, 0.1], purity: [1, 1, 0.9, 0.5] },
        { label: 'denoised', mag: [26, 27, 28, 29], completeness: [1, 1, 0.92, 0.5], purity: [1, 1, 0.95, 0.8] },
      ],
      m90: { 'co-add': 27, denoised: 28 }, gain: 1.0,
    },
    candidates: [{ id: 7, ra: 34.4, dec: -5.2, zPhot: 10.2, zLo: 9.8, zHi: 10.6, pHighZ: 0.98, muv: -19.1, mag: 28.6, snr: 12, preset: 'f115w-dropout', stampPng: stampGridPng(), pz: { z: [0, 5, 10, 15, 20], p: [0, 0, 1, 0, 0] } }],
    completenessSvg: '<svg xmlns="http://www.w3.org/2000/svg" width="100" height="50"><path class="completeness-curve" d="M0 10 L100 40"/></svg>',
    lfSvg: '<svg xmlns="http://www.w3.org/2000/svg" width="100" height="50"><circle class="lf-point" cx="10" cy="10" r="3"/></svg>',
    provenance: { version: '0.1.0', model: 'tiny' },
  };
}

describe('report pieces', () => {
  it('sexagesimal formatting rounds carries correctly', () => {
    expect(sexagesimal(150, 2.5)).toEqual(['10:00:00.000', '+02:30:00.00']);
    expect(sexagesimal(34.5, -5.25)).toEqual(['02:18:00.000', '-05:15:00.00']);
    expect(sexagesimal(15, 10.999999999)).toEqual(['01:00:00.000', '+11:00:00.00']);
  });

  it('stretch maps limits to 0 and 255 and NaN to grey', () => {
    const g = toGrey([0, 1, 2, NaN], { lo: 0, hi: 2, kind: 'linear' });
    expect(Array.from(g)).toEqual([0, 128, 255, 128]);
    const a = toGrey([0, 2], { lo: 0, hi: 2, kind: 'asinh' });
    expect(Array.from(a)).toEqual([0, 255]);
  });

  it('PNG round-trips dimensions and flips north up', () => {
    const data = new Float32Array([0, 0, 1, 1]); // row 0 dark, row 1 bright
    const png = PNG.sync.read(imageToPng(data, 2, 2, { lo: 0, hi: 1, kind: 'linear' }, { zoom: 3 }));
    expect([png.width, png.height]).toEqual([6, 6]);
    expect(png.data[0]).toBe(255); // top-left pixel shows the last image row
  });

  it('cutout pads with NaN outside the image', () => {
    const c = cutout(new Float32Array([1, 2, 3, 4]), 2, 2, 0, 0, 3);
    expect(Array.from(c).map((v) => (Number.isNaN(v) ? 'n' : v))).toEqual(['n', 'n', 'n', 'n', 1, 2, 'n', 3, 4]);
  });

  it('compass: north up and east left for a standard CD matrix; follows a 90° rotation', () => {
    const s = 1e-5;
    const std = compassDirections([[-s, 0], [0, s]]);
    expect(std.north[0]).toBeCloseTo(0); expect(std.north[1]).toBeCloseTo(-1); // up on screen
    expect(std.east[0]).toBeCloseTo(-1); expect(std.east[1]).toBeCloseTo(0); // left
    // rotated 90°: +x pixel axis points north (CD1_1 = 0, CD2_1 = +s), +y pixel axis points east
    const rot = compassDirections([[0, s], [s, 0]]);
    expect(rot.north[0]).toBeCloseTo(1); expect(rot.north[1]).toBeCloseTo(0);
    expect(rot.east[0]).toBeCloseTo(0); expect(rot.east[1]).toBeCloseTo(-1);
  });

  it('scale-bar lengths and the area are rounded once', () => {
    expect([niceLength(0.7), niceLength(3.3), niceLength(12), niceLength(99)]).toEqual([0.5, 2, 10, 50]);
    expect(formatArea(0.0018204)).toBe('0.00182 arcmin²');
    expect(formatArea(21.3333)).toBe('21.3 arcmin²');
  });

  it('residual panel: zero residual is mid-grey, same size as the overview', () => {
    const a = gaussImage(16, 16, 1);
    const b = Float32Array.from(a, (v, i) => v + (i === 0 ? 10 : ((i * 37) % 7 - 3) * 0.01));
    const r = residualPng(a, b, 16, 16, { zoom: 2 });
    const png = PNG.sync.read(r.png);
    expect([png.width, png.height]).toEqual([32, 32]);
    expect(pngSize(r.png)).toEqual({ width: 32, height: 32 });
    // pixel 0 (row 0 → bottom row after the flip) is saturated white
    expect(png.data[(31 * 32) * 4]).toBe(255);
    expect(r.sigma).toBeGreaterThan(0);
  });

  it('renders every section, inline only', () => {
    const html = renderReport(sampleReport());
    for (const id of ['overview', 'depth', 'false-detections', 'candidates', 'completeness', 'lf', 'provenance']) expect(html).toContain(`id="${id}"`);
    expect(renderReport({ ...sampleReport(), completenessSvg: undefined })).not.toContain('id="completeness"');
    expect(html).toContain('0.00182 arcmin²');
    expect(html).not.toContain('0.0018204');
    expect(html).toContain('+1.00 mag');
    expect(html).not.toMatch(/src="(http|file|\/)/);
  });
});

const chromium = '/usr/bin/chromium';
describe.skipIf(!existsSync(chromium))('report in a real browser', () => {
  it('renders every section and figure in headless Chromium, with no console error and no broken image', async () => {
    const { chromium: pw } = await import('playwright-core');
    const dir = mkdtempSync(join(tmpdir(), 'report-'));
    const file = join(dir, 'index.html');
    writeFileSync(file, renderReport(sampleReport()));
    const browser = await pw.launch({ executablePath: chromium, args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync'] });
    try {
      const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
      const problems: string[] = [];
      page.on('console', (m) => { if (m.type() === 'error' || m.type() === 'warning') problems.push(`console ${m.type()}: ${m.text()}`); });
      page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
      page.on('requestfailed', (r) => problems.push(`request failed: ${r.url().slice(0, 80)}`));
      await page.goto(`file://${file}`, { waitUntil: 'load' });
      await expect(page.locator('h1').textContent()).resolves.toContain('ASTERIS run');
      // sections
      for (const id of ['overview', 'depth', 'false-detections', 'candidates', 'completeness', 'lf', 'provenance']) {
        expect(await page.locator(`section#${id}`).count(), id).toBe(1);
      }
      // every image decoded (complete with a natural size)
      const imgs = await page.$$eval('img', (els) => els.map((i) => {
        const im = i as unknown as { complete: boolean; naturalWidth: number; alt: string };
        return { ok: im.complete && im.naturalWidth > 0, alt: im.alt };
      }));
      expect(imgs.length).toBeGreaterThanOrEqual(4);
      expect(imgs.filter((i) => !i.ok)).toEqual([]);
      // overview: co-add, denoised and residual panels, each with a scale bar; N/E compass
      for (const cls of ['overview-coadd', 'overview-denoised', 'overview-residual']) expect(await page.locator(`img.${cls}`).count(), cls).toBe(1);
      expect(await page.locator('#overview .scale-bar').count()).toBe(3);
      expect(await page.locator('#overview .compass-N').first().textContent()).toBe('N');
      expect(await page.locator('#overview .compass-E').first().textContent()).toBe('E');
      const nBox = await page.locator('#overview .compass-N').first().boundingBox();
      const eBox = await page.locator('#overview .compass-E').first().boundingBox();
      expect(nBox!.y).toBeLessThan(eBox!.y); // north above, east to the left
      expect(eBox!.x).toBeLessThan(nBox!.x);
      // labelled stamps: band names, row labels, a scale bar
      expect(await page.locator('.stampfig .stamp-band').allTextContents()).toEqual(['F277W', 'F444W']);
      expect(await page.locator('.stampfig .stamp-row').allTextContents()).toEqual(['co-add', 'denoised']);
      expect(await page.locator('.stampfig .scale-bar-label').textContent()).toMatch(/^\d+(\.\d+)?″$/);
      // one SVG per candidate row: its P(z) plot (labels are HTML)
      expect(await page.locator('#candidate-table tbody tr svg').count()).toBe(1);
      // P(z) with labelled axes
      const pzText = (await page.locator('#candidate-table td.pz').textContent()) ?? '';
      expect(pzText).toContain('redshift z');
      expect(pzText).toContain('P(z)');
      // false-detection rate per path
      expect(await page.locator('#false-detection-table tbody tr').count()).toBe(2);
      expect(await page.locator('#depth svg').count()).toBeGreaterThan(0);
      expect(await page.locator('#completeness-plot svg').count()).toBe(1);
      expect(await page.locator('#candidate-table tbody tr').count()).toBe(1);
      expect(await page.locator('#lf .lf-point').count()).toBe(1);
      const box = await page.locator('#overview img').first().boundingBox();
      expect(box!.width).toBeGreaterThan(50);
      const shot = await page.screenshot({ fullPage: true, path: join(dir, 'report.png') });
      expect(shot.length).toBeGreaterThan(10_000);
      expect(problems).toEqual([]);
      console.log(`report screenshot: ${join(dir, 'report.png')}`);
    } finally {
      await browser.close();
    }
  }, 60_000);
});

describe('report stage: compass from the co-add WCS, residual panels, false detections, completeness figure (issue 17)', () => {
  it('passes the CD matrix, a residual per denoised band, the negative-image counts and C(M_UV) to the page', async () => {
    const { Header, tanWcs, writeImage } = await import('@asteris/fits');
    const { reportStage } = await import('../src/index.ts');
    const dir = mkdtempSync(join(tmpdir(), 'report-stage-'));
    const img = (name: string, amp: number) => {
      const h = new Header();
      h.set('BUNIT', 'nJy');
      tanWcs({ crval: [34.4, -5.2], crpix0: [31.5, 31.5], scaleArcsec: 0.04, rotationDeg: 90 }).toHeader(h);
      const f = join(dir, `${name}.fits`);
      writeImage(f, { width: 64, height: 64, data: gaussImage(64, 64, amp), header: h });
      return f;
    };
    const images = { F444W: { coadd: img('co444', 1), denoised: img('de444', 1.2) }, F277W: { coadd: img('co277', 1) } };
    const compSvg = join(dir, 'completeness.svg');
    writeFileSync(compSvg, '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><g aria-description="completeness-curve"/></svg>');
    const out = mkdtempSync(join(tmpdir(), 'report-stage-out-'));
    await reportStage.run({
      field: { name: 't', bands: ['F277W', 'F444W'], width: 64, height: 64, pixelScale: 0.04, areaArcmin2: 0.00182, nExposures: { F277W: 4, F444W: 4 } },
      images, select: { dir, candidates: join(dir, 'none.csv'), pz: join(dir, 'none.json'), presetDirs: [] },
      depth: {
        curves: [{ label: 'co-add', mag: [26, 27], completeness: [1, 0.5], purity: [1, 0.9] }], m90: { 'co-add': 26 }, gain: null, nInjected: 10, thresholds: { coadd: 1.5, denoised: 2 },
        falseDetections: [{ path: 'co-add', threshold: 1.5, nFalse: 3, nDetected: 30, areaArcmin2: 0.00182 }, { path: 'denoised', threshold: 2, nFalse: 2, nDetected: 35, areaArcmin2: 0.00182 }],
        four: { gainVsSextractor: 0.3, gainVsOptimal: -0.1, npM90: 29.4, ceilingVsSextractor: 1.2, candidates: { zMin: 8.5, denoised: 5, coadd: 2, ratio: 2.5, falsePerArcmin2: { denoised: 10, coadd: 9 } } },
        completenessSvg: compSvg, completenessNote: '10 injections over 1 z bins: pooled fit',
      },
    }, { title: 'ASTERIS run: t', showBands: ['F444W', 'F277W'], provenance: {} }, out);
    const html = (await import('node:fs')).readFileSync(join(out, 'index.html'), 'utf8');
    expect((html.match(/class="overview-residual"/g) ?? []).length).toBe(1); // F444W only: F277W has no denoised image
    expect(html).toContain('compass from the WCS CD matrix');
    expect(html).toContain('id="false-detection-table"');
    expect(html).toMatch(/<td class="l">denoised<\/td><td class="l">negated image<\/td><td>2(\.00)?<\/td><td>2(\.00)?<\/td>/);
    // the four numbers (issue 14)
    expect(html).toContain('id="four-numbers"');
    expect(html).toContain('+0.30 mag');
    expect(html).toContain('5 / 2 = 2.50');
    expect(html).toContain('aria-description="completeness-curve"');
    expect(html).toContain('10 injections over 1 z bins: pooled fit');
  });
});
