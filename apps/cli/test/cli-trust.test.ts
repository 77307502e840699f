// Issue #17: the CLI from any directory (worker threads resolve tsx from the package), EPIPE on a
// closed stdout, control bytes in FITS headers, an --out that cannot be created.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Header, writeImage } from '@asteris/fits';
import { BIN, REPO, runCli, STACK_FRAME } from './cli-harness.ts';

const made: string[] = [];
/** a temporary directory removed after the file's tests */
function tmp(prefix: string): string {
  const d = mkdtempSync(join(tmpdir(), prefix));
  made.push(d);
  return d;
}
afterAll(() => { for (const d of made) rmSync(d, { recursive: true, force: true }); });

describe('asteris from outside the repository', () => {
  it('simulates a tiny field with 2 worker threads from a temporary working directory', async () => {
    const cwd = tmp('asteris-cwd-');
    expect(cwd.startsWith(REPO)).toBe(false);
    expect(existsSync(join(cwd, 'node_modules'))).toBe(false);
    const r = await runCli(['simulate', '--spec', join(REPO, 'data/demo/field.json'), '--size', '48x48', '--nexp', '4',
      '--bands', 'F150W,F200W', '--workers', '2', '--out', 'field'], { cwd, timeoutMs: 120_000 });
    expect(r.stderr).not.toMatch(/Cannot find package/);
    expect(r.code).toBe(0);
    expect(JSON.parse(readFileSync(join(cwd, 'field', 'field.json'), 'utf8')).bands).toHaveLength(2);
  }, 130_000);

  it('a simulate that cannot create its --out fails at once with one line and leaves nothing', async () => {
    const cwd = tmp('asteris-cwd-');
    const r = await runCli(['simulate', '--spec', join(REPO, 'data/demo/field.json'), '--size', '48x48', '--nexp', '4',
      '--bands', 'F200W', '--workers', '0', '--out', '/proc/x'], { cwd, timeoutMs: 30_000 });
    expect(r.timedOut).toBe(false);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/asteris: error: .*cannot create directory \/proc\/x/);
    expect(r.stderr).not.toMatch(STACK_FRAME);
    expect(readdirSync(cwd)).toEqual([]);
  }, 40_000);
});

describe('a closed stdout (EPIPE)', () => {
  it('`cache ls | head -1` stops quietly', () => {
    const out = tmp('asteris-epipe-');
    for (let i = 0; i < 1500; i++) {
      const d = join(out, 'cache', 'stage', `k${String(i).padStart(23, '0')}`);
      mkdirSync(d, { recursive: true });
      writeFileSync(join(d, 'manifest.json'), JSON.stringify({ stage: 'stage', key: `k${i}`, createdAt: '2026-01-01T00:00:00.000Z', parts: {}, files: [] }));
    }
    const r = spawnSync('bash', ['-c', `set -o pipefail; "${process.execPath}" "${BIN}" cache ls "${out}" --json | head -c 10 >/dev/null`], { encoding: 'utf8', timeout: 60_000 });
    expect(r.stderr).not.toMatch(/EPIPE|Error/);
    expect(r.status).toBe(0);
  }, 70_000);
});

describe('asteris fits header with control bytes', () => {
  it('escapes them instead of echoing them to the terminal', async () => {
    const dir = tmp('asteris-ctl-');
    const f = join(dir, 'evil.fits');
    const h = new Header();
    h.set('OBJECT', 'AAAAAAAA');
    writeImage(f, { width: 2, height: 2, data: new Float32Array(4), header: h });
    const bytes = readFileSync(f);
    const at = bytes.indexOf('AAAAAAAA');
    bytes.set([0x1b, 0x5b, 0x32, 0x4a, 0x07, 0x9b, 0x41, 0x41], at); // ESC[2J BEL CSI
    writeFileSync(f, bytes);
    for (const args of [['fits', 'header', f], ['fits', 'info', f]]) {
      const r = await runCli(args);
      expect(r.stdout).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/);
      expect(r.stdout).not.toContain('\u001b[2J');
      if (args[1] === 'header') {
        expect(r.code).toBe(0);
        expect(r.stdout).toMatch(/OBJECT  = '.\[2J..AA'/); // shown, made harmless
      }
    }
  });
});
