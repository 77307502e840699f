import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { tmpSibling } from '@asteris/core';
import { acquireOutLock, LockHeldError, LOCK_FILE } from '../src/lock.ts';

const fresh = () => mkdtempSync(join(tmpdir(), 'lock-'));

describe('output-directory lock', () => {
  it('a second run fails naming the holder (pid, host, start time), and may take the lock once released', async () => {
    const out = fresh();
    const a = await acquireOutLock(out, { command: 'asteris run data/demo' });
    const err = await acquireOutLock(out).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(LockHeldError);
    expect((err as Error).message).toContain(`pid ${process.pid} on host ${hostname()}, started ${a.info.startedAt}: asteris run data/demo`);
    a.release();
    expect(existsSync(join(out, LOCK_FILE))).toBe(false);
    const b = await acquireOutLock(out);
    b.release();
  });

  it('with wait, a second run waits for the first and then proceeds', async () => {
    const out = fresh();
    const a = await acquireOutLock(out);
    const waitedFor: number[] = [];
    const pending = acquireOutLock(out, { wait: true, pollMs: 20, onWait: (h) => waitedFor.push(h.pid) });
    await new Promise((r) => setTimeout(r, 100));
    a.release();
    const b = await pending;
    expect(waitedFor).toEqual([process.pid]);
    expect(JSON.parse(readFileSync(b.path, 'utf8')).startedAt).toBe(b.info.startedAt);
    b.release();
    await expect(acquireOutLock(out, { wait: true, timeoutMs: 50, pollMs: 10 }).then(async (c) => {
      const d = acquireOutLock(out, { wait: true, timeoutMs: 60, pollMs: 10 });
      await expect(d).rejects.toThrow(LockHeldError);
      c.release();
    })).resolves.toBeUndefined();
  });

  it('takes over the stale lock of a dead process and removes the debris killed runs left', async () => {
    const out = fresh();
    const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
    const deadPid = Number(dead.stdout);
    writeFileSync(join(out, LOCK_FILE), JSON.stringify({ pid: deadPid, host: hostname(), startedAt: '2026-01-01T00:00:00Z' }));
    // debris as tmpSibling names it: a half-written product directory and a half-written file
    const tmpDir = tmpSibling(join(out, 'cache', 'denoise', 'abc'));
    mkdirSync(tmpDir, { recursive: true });
    writeFileSync(join(tmpDir, 'denoised.fits'), 'partial');
    const tmpFile = tmpSibling(join(out, 'report.html'));
    writeFileSync(tmpFile, 'partial');
    writeFileSync(join(out, 'notes.tmp-keep.txt'), 'user file'); // not our pattern: kept
    const lock = await acquireOutLock(out);
    expect(lock.tookOver?.pid).toBe(deadPid);
    expect(lock.removedDebris.sort()).toEqual([tmpDir, tmpFile].sort());
    expect(existsSync(tmpDir) || existsSync(tmpFile)).toBe(false);
    expect(existsSync(join(out, 'notes.tmp-keep.txt'))).toBe(true);
    lock.release();
  });

  it('an --out that cannot be created is one clear error, not a loop', async () => {
    await expect(acquireOutLock('/proc/x')).rejects.toThrow(/cannot create directory \/proc\/x/);
  });
});
