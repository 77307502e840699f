// `asteris denoise` and `asteris train` (issue 5; command modules owned by libs/asteris work).
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
// (a few-step training run is covered by apps/asteris-train's own tests; `asteris train` was checked by hand)
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readImage } from '@asteris/fits';
import { simulateField } from '@asteris/sim';
import { main } from '../src/main.ts';
import { checkTorch, formatTrainerLine, TORCH_HINT } from '../src/commands/train.ts';

const REPO = resolve(import.meta.dirname, '../../..');
let dir = '';
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'asteris-cli-'));
  execFileSync('/usr/bin/python3', [join(REPO, 'libs/asteris/test/py/tiny_parity.py'), dir, '8', '16', '16'], { stdio: ['ignore', 'pipe', 'pipe'] });
  await simulateField({ kind: 'asteris-field-spec', name: 'clitest', seed: 31, width: 96, height: 80, bands: ['F200W'], nexp: 8 }, join(dir, 'field'), { workers: 0 });
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('asteris denoise', () => {
  it('writes denoised + same-preprocessing co-add per band with provenance', async () => {
    const out = join(dir, 'out');
    const code = await main(['node', 'asteris', 'denoise', join(dir, 'field'), '--model', join(dir, 'tiny.onnx'), '--out', out, '--tile', '64', '--workers', '0']);
    expect(code).toBe(0);
    // the images stage's products in <out>/<BAND>/ (raw.fits: the co-add from the same preprocessing)
    const den = readImage(join(out, 'F200W', 'denoised.fits'));
    const co = readImage(join(out, 'F200W', 'raw.fits'));
    expect(den.width).toBe(96);
    expect(den.header.getString('ASTPROD')).toBe('denoised');
    expect(co.header.getString('ASTPROD')).toBe('coadd');
    expect(den.header.getString('BUNIT')).toBe(co.header.getString('BUNIT'));
    expect(den.header.getNumber('ASTTILE')).toBe(64);
    const summary = JSON.parse(readFileSync(join(out, 'denoise.json'), 'utf8'));
    expect(summary.bands[0].band).toBe('F200W');
    expect(summary.bands[0].exposures).toBe(8);
  });
  it('a missing model is one clear error line, exit 1, nothing written', async () => {
    const out = join(dir, 'out2');
    const code = await main(['node', 'asteris', 'denoise', join(dir, 'field'), '--model', join(dir, 'none.onnx'), '--out', out]);
    expect(code).toBe(1);
    expect(existsSync(join(out, 'F200W', 'denoised.fits'))).toBe(false);
  });
});

describe('asteris train', () => {
  it('says exactly what to install when torch is missing', () => {
    const prev = process.env.ASTERIS_PYTHON;
    process.env.ASTERIS_PYTHON = '/nonexistent/python3';
    try {
      expect(checkTorch()).toMatch(/apt-get install python3-torch/);
    } finally {
      if (prev === undefined) delete process.env.ASTERIS_PYTHON; else process.env.ASTERIS_PYTHON = prev;
    }
    expect(TORCH_HINT).toMatch(/python3-onnx/);
  });
  it('renders trainer JSON progress lines', () => {
    expect(formatTrainerLine('{"event":"progress","epoch":1,"loss":123.456789}')).toBe('[train] progress epoch=1 loss=123.46');
    expect(formatTrainerLine('plain text')).toBe('[train] plain text');
  });
  it('rejects bad options before starting python (usage errors, exit 2)', async () => {
    expect(await main(['node', 'asteris', 'train', dir, '--arch', 'big', '--out', join(dir, 'm.onnx')])).toBe(2);
    expect(await main(['node', 'asteris', 'train', dir, '--epochs', '0', '--out', join(dir, 'm.onnx')])).toBe(2);
  });
});
