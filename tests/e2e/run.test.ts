// End to end: a small mock field (tests/fixtures/e2e-field, two bright z > 10 galaxies placed by hand)
// through `asteris run` with the tiny test model. Checks the products, that the bright high-z galaxies
// are selected, the cache (a second run is fully cached; a changed preset recomputes only what depends
// on it) and that a run killed with SIGKILL resumes to byte-identical products.
import { beforeAll, describe, expect, it } from 'vitest';
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { readImage, writeFits } from '@asteris/fits';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '..', '..');
const CLI = join(ROOT, 'apps', 'cli', 'bin', 'asteris.mjs');
const FIELD = join(ROOT, 'tests', 'fixtures', 'e2e-field');
const MODEL = join(ROOT, 'data', 'models', 'tiny-test.onnx');
const ARGS = ['--denoiser', MODEL, '--injections', '30', '--workers', '1', '--quiet'];

interface RunRecord { stages: { stage: string; cached: boolean }[] }

function asteris(args: string[]): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, FORCE_COLOR: '0' } });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

function record(out: string): RunRecord {
  return JSON.parse(readFileSync(join(out, 'run.json'), 'utf8')) as RunRecord;
}

function csv(file: string): Record<string, string>[] {
  const lines = readFileSync(file, 'utf8').split(/\r?\n/).filter((l) => l.length);
  const head = lines[0]!.split(',');
  return lines.slice(1).map((l) => Object.fromEntries(l.split(',').map((v, i) => [head[i]!, v])));
}

const PRODUCTS = ['catalogue.csv', 'candidates/candidates.csv', 'completeness.json', 'lf/lf.json', 'lf/lf.csv'];

describe.skipIf(!existsSync(MODEL))('asteris run end to end', () => {
  const outA = join(mkdtempSync(join(tmpdir(), 'e2e-')), 'a');
  let first: ReturnType<typeof asteris>;

  beforeAll(() => {
    first = asteris(['run', FIELD, '--out', outA, ...ARGS]);
  });

  it('produces every product', () => {
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    for (const p of [...PRODUCTS, 'report/index.html', 'catalogue.fits', 'candidates/candidates.reg', 'candidates/msa_targets.txt']) {
      expect(existsSync(join(outA, p)), p).toBe(true);
    }
    // the LF's content: z bins with counts, finite φ on positive V_eff, limits on empty bins, fits or a reason (issue #17)
    type Bin = { n: number; nRaw: number; veff: number; phi: number; errUp: number; upperLimit: boolean; phiUpper: number };
    const lf = JSON.parse(readFileSync(join(outA, 'lf', 'lf.json'), 'utf8')) as { areaArcmin2: number; zBins: { nCandidates: number; bins: Bin[]; fits: unknown[]; fitSkipped: string | null }[] };
    expect(lf.areaArcmin2).toBeGreaterThan(0);
    expect(lf.zBins.length).toBeGreaterThan(0);
    const nLf = lf.zBins.reduce((a, z) => a + z.nCandidates, 0);
    expect(nLf).toBeGreaterThan(0);
    expect(nLf).toBeLessThanOrEqual(csv(join(outA, 'candidates', 'candidates.csv')).length);
    for (const z of lf.zBins) {
      expect(z.bins.reduce((a, b) => a + b.nRaw, 0)).toBeLessThanOrEqual(z.nCandidates);
      expect(z.fits.length > 0 || (typeof z.fitSkipped === 'string' && z.fitSkipped.length > 0)).toBe(true);
      for (const b of z.bins) {
        expect(b.veff).toBeGreaterThan(0);
        expect(Number.isFinite(b.phi) && Number.isFinite(b.errUp)).toBe(true);
        if (b.nRaw === 0) expect(b.upperLimit && b.phiUpper > 0 && Number.isFinite(b.phiUpper)).toBe(true);
        else expect(b.phi).toBeGreaterThan(0);
      }
    }
    expect(first.stdout).toContain('report:');
    const html = readFileSync(join(outA, 'report', 'index.html'), 'utf8');
    for (const id of ['overview', 'depth', 'false-detections', 'candidates', 'completeness', 'lf', 'provenance']) expect(html).toContain(`id="${id}"`);
    // the completeness figure is published with the LF; the selection completeness is never 0 at the bright end
    for (const f of ['completeness.svg', 'completeness.png', 'completeness_map.svg']) expect(existsSync(join(outA, 'lf', f)), f).toBe(true);
    const comp = JSON.parse(readFileSync(join(outA, 'completeness.json'), 'utf8')) as { completeness: number[][]; model: { kind: string } };
    expect(comp.model.kind).toBe('logistic');
    for (const row of comp.completeness) expect(row[0]!).toBeGreaterThan(0);
    expect(html).toContain('class="overview-residual"');
    // the candidate table has a row per candidate, each with its P(z) curve
    const table = html.slice(html.indexOf('id="candidate-table"'), html.indexOf('</table>', html.indexOf('id="candidate-table"')));
    const rows = table.split('<tr>').length - 2;
    expect(rows).toBeGreaterThanOrEqual(2);
    expect(table.split('<svg').length - 1).toBe(rows);
  });

  it('selects the bright high-z galaxies placed in the field', () => {
    const simDir = join(outA, 'cache', 'simulate');
    const truthDir = join(simDir, readdirSync(simDir)[0]!);
    const truth = csv(join(truthDir, 'truth.csv')).filter((r) => r.kind === 'highz' && Number(r.M_UV) < -21);
    expect(truth.length).toBe(2);
    const cands = csv(join(outA, 'candidates', 'candidates.csv'));
    for (const t of truth) {
      const ra = Number(t.ra);
      const dec = Number(t.dec);
      const hit = cands.find((c) => {
        const dra = (Number(c.ra) - ra) * Math.cos((dec * Math.PI) / 180) * 3600;
        const ddec = (Number(c.dec) - dec) * 3600;
        return Math.hypot(dra, ddec) < 0.2;
      });
      expect(hit, `z = ${t.z} galaxy at (${t.x}, ${t.y})`).toBeDefined();
      expect(Math.abs(Number(hit!.z_phot) - Number(t.z))).toBeLessThan(1.5);
    }
  });

  it('a second run is fully cached', () => {
    const again = asteris(['run', FIELD, '--out', outA, ...ARGS]);
    expect(again.code).toBe(0);
    const recomputed = record(outA).stages.filter((s) => !s.cached && s.stage !== 'validate').map((s) => s.stage);
    expect(recomputed).toEqual([]);
  });

  it('a changed preset recomputes selection and what depends on it, nothing upstream', () => {
    const r = asteris(['run', FIELD, '--out', outA, ...ARGS, '--preset', 'f115w-dropout']);
    expect(r.code).toBe(0);
    const st = record(outA).stages;
    const computed = new Set(st.filter((s) => !s.cached).map((s) => s.stage));
    for (const s of st) {
      if (/^(inj\d+\/)?(images|detect|photometry)|^simulate|^inject/.test(s.stage)) expect(s.cached, s.stage).toBe(true);
    }
    for (const s of ['select', 'completeness', 'lf', 'report']) expect(computed.has(s), s).toBe(true);
  });

  it('lists every problem of a bad field in one message before any work starts', () => {
    const simDir = join(outA, 'cache', 'simulate');
    const src = join(simDir, readdirSync(simDir)[0]!);
    const bad = join(mkdtempSync(join(tmpdir(), 'badfield-')), 'field');
    cpSync(src, bad, { recursive: true });
    // (1) a band with fewer exposures than the model's T = 8
    const fj = join(bad, 'field.json');
    const meta = JSON.parse(readFileSync(fj, 'utf8')) as { bands: { name: string; exposures?: string[] }[] };
    const b0 = meta.bands.find((b) => b.name === 'F090W')!;
    b0.exposures = readdirSync(join(bad, 'F090W')).filter((f) => f.endsWith('.fits')).sort().slice(0, 2).map((f) => `F090W/${f}`);
    writeFileSync(fj, JSON.stringify(meta));
    // (4) a listed exposure that is missing
    const gone = join(bad, 'F277W', readdirSync(join(bad, 'F277W')).filter((f) => f.endsWith('.fits')).sort()[3]!);
    rmSync(gone);
    // (2) an exposure on another grid, (3) an exposure in unknown units
    const shrink = join(bad, 'F150W', readdirSync(join(bad, 'F150W'))[0]!);
    const img = readImage(shrink);
    writeFits(shrink, [{}, { name: 'SCI', header: img.header, data: img.data.subarray(0, 100 * 100), shape: [100, 100] }]);
    const weird = join(bad, 'F200W', readdirSync(join(bad, 'F200W'))[1]!);
    const img2 = readImage(weird);
    img2.header.set('BUNIT', 'furlong/fortnight');
    writeFits(weird, [{}, { name: 'SCI', header: img2.header, data: img2.data, shape: [img2.width, img2.height] }]);
    const out = join(bad, '..', 'out');
    const r = asteris(['run', bad, '--out', out, '--denoiser', MODEL, '--quiet']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/band F090W: 2 exposure\(s\), but .* needs at least 8/);
    expect(r.stderr).toContain(shrink);
    expect(r.stderr).toContain(weird);
    expect(r.stderr).toMatch(new RegExp(`${gone.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}.*does not exist`));
    expect(r.stderr).not.toMatch(/at .*\.ts:\d+/);
    expect(existsSync(join(out, 'cache', 'images'))).toBe(false);
  });

  it('a run killed with SIGKILL resumes to identical products', async () => {
    const outB = join(mkdtempSync(join(tmpdir(), 'e2e-')), 'b');
    // Share the simulated field with run A (a cache is plain files), then kill during photometry.
    cpSync(join(outA, 'cache', 'simulate'), join(outB, 'cache', 'simulate'), { recursive: true });
    const child = spawn(process.execPath, [CLI, 'run', FIELD, '--out', outB, ...ARGS.filter((a) => a !== '--quiet')], { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'] });
    await new Promise<void>((done) => {
      let buf = '';
      child.stderr!.on('data', (d: Buffer) => {
        buf += d.toString();
        if (/"stage":"photometry","event":"start"/.test(buf) && child.exitCode === null) {
          setTimeout(() => child.kill('SIGKILL'), 300);
        }
      });
      child.on('exit', () => done());
    });
    expect(existsSync(join(outB, 'run.json'))).toBe(false);
    const resumed = asteris(['run', FIELD, '--out', outB, ...ARGS]);
    expect(resumed.code).toBe(0);
    // The first run of A used the default preset: rerun A with it so both sides compare like for like.
    expect(asteris(['run', FIELD, '--out', outA, ...ARGS]).code).toBe(0);
    for (const p of PRODUCTS) {
      expect(readFileSync(join(outB, p)).equals(readFileSync(join(outA, p))), p).toBe(true);
    }
    // nothing half-written is left behind
    const debris = (dir: string): string[] => readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
      e.name.includes('.tmp-') ? [join(dir, e.name)] : e.isDirectory() ? debris(join(dir, e.name)) : []);
    const gc = asteris(['cache', 'gc', outB]);
    expect(gc.code).toBe(0);
    expect(debris(outB)).toEqual([]);
  });
});

describe('asteris run input errors', () => {
  it('reports every problem of a bad field in one message, before any work', () => {
    const dir = mkdtempSync(join(tmpdir(), 'badfield-'));
    cpSync(FIELD, dir, { recursive: true });
    const r = asteris(['run', join(dir, 'nonexistent'), '--out', join(dir, 'out'), '--quiet']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^asteris: error: .*nonexistent/m);
    expect(r.stderr).not.toMatch(/at .*\.ts:\d+/);
  });
});
