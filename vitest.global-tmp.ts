// vitest globalSetup for every project: the run's temporary files (tests' mkdtemp directories, spawned CLIs')
// go under one directory per vitest run, removed when the run ends, so `npm test` leaves nothing in /tmp.
// Forked test workers inherit TMPDIR, and os.tmpdir() reads it at each call.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export default function setup(): () => void {
  const root = mkdtempSync(join(tmpdir(), 'asteris-test-'));
  const prev = process.env.TMPDIR;
  process.env.TMPDIR = root;
  return () => {
    if (prev === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = prev;
    rmSync(root, { recursive: true, force: true });
  };
}
