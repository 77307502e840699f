import { describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import { renderReport, sexagesimal, imageToPng, stretchLimits, toGrey, cutout, type ReportInput } from '../src/index.ts';

function gaussImage(w: number, h: number, amp: number): Float32Array {
  const d = new Float32Array(w * h);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) {
    d[y * w + x] = amp * Math.exp(-((x - w / 2) ** 2 + (y - h / 3) ** 2) / 20) + ((x * 7 + y * 13) % 5) * 0.01;
  }
  return d;
}

export function sampleReport(): ReportInput {
  const co = gaussImage(64, 64, 1);
  const de = gaussImage(64, 64, 1.2);
  const lim = stretchLimits([co, de]);
  const s = { ...lim, kind: 'asinh' as const };
  return {
    title: 'ASTERIS run: test field',
    generatedAt: '2026-01-01T00:00:00Z',
    field: { name: 'test', bands: ['F277W', 'F444W'], width: 64, height: 64, pixelScale: 0.04, areaArcmin2: 0.0018, nExposures: { F277W: 8, F444W: 8 } },
    overview: [{ band: 'F444W', coaddPng: imageToPng(co, 64, 64, s, { zoom: 2 }), denoisedPng: imageToPng(de, 64, 64, s, { zoom: 2 }), stretch: 'asinh' }],
    depth: {
      curves: [
        { label: 'co-add', mag: [26, 27, 28, 29], completeness: [1, 0.95, 0.6, 0.1], purity: [1, 1, 0.9, 0.5] },
        { label: 'denoised', mag: [26, 27, 28, 29], completeness: [1, 1, 0.92, 0.5], purity: [1, 1, 0.95, 0.8] },
      ],
      m90: { 'co-add': 27, denoised: 28 }, gain: 1.0,
    },
    candidates: [{ id: 7, ra: 34.4, dec: -5.2, zPhot: 10.2, zLo: 9.8, zHi: 10.6, pHighZ: 0.98, muv: -19.1, mag: 28.6, snr: 12, preset: 'f115w-dropout', stampPng: imageToPng(co, 64, 64, s), pz: { z: [0, 5, 10, 15, 20], p: [0, 0, 1, 0, 0] } }],
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

  it('renders every section, inline only', () => {
    const html = renderReport(sampleReport());
    for (const id of ['overview', 'depth', 'candidates', 'lf', 'provenance']) expect(html).toContain(`id="${id}"`);
    expect(html).toContain('+1.00 mag');
    expect(html).not.toMatch(/src="(http|file|\/)/);
  });
});

const chromium = '/usr/bin/chromium';
describe.skipIf(!existsSync(chromium))('report in a real browser', () => {
  it('renders the main elements in headless Chromium', async () => {
    const { chromium: pw } = await import('playwright-core');
    const dir = mkdtempSync(join(tmpdir(), 'report-'));
    const file = join(dir, 'index.html');
    writeFileSync(file, renderReport(sampleReport()));
    const browser = await pw.launch({ executablePath: chromium, args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync'] });
    try {
      const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
      await page.goto(`file://${file}`);
      await expect(page.locator('h1').textContent()).resolves.toContain('ASTERIS run');
      // every inline PNG decoded
      const widths = await page.$$eval('img', (imgs) => imgs.map((i) => (i as unknown as { naturalWidth: number }).naturalWidth));
      expect(widths.length).toBeGreaterThanOrEqual(3);
      expect(widths.every((w) => w > 0)).toBe(true);
      expect(await page.locator('#depth svg').count()).toBeGreaterThan(0);
      expect(await page.locator('#candidate-table tbody tr').count()).toBe(1);
      expect(await page.locator('#lf .lf-point').count()).toBe(1);
      const box = await page.locator('#overview img').first().boundingBox();
      expect(box!.width).toBeGreaterThan(50);
      const shot = await page.screenshot({ fullPage: true, path: join(dir, 'report.png') });
      expect(shot.length).toBeGreaterThan(10_000);
    } finally {
      await browser.close();
    }
  });
});
