// One run at a time per output directory. `<out>/.asteris.lock` is created exclusively (O_EXCL) and
// holds {pid, host, startedAt, command}. A second run either waits for it or fails naming the holder;
// a lock whose pid is no longer alive on this host (a killed run) is taken over. Holding the lock,
// the run may remove the `*.tmp-*` debris that killed runs left (cache.ts removeDebris).
import { linkSync, readFileSync, renameSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { ensureDir, tmpSibling } from '@asteris/core';
import { removeDebris } from './cache.ts';

export const LOCK_FILE = '.asteris.lock';

export interface LockInfo { pid: number; host: string; startedAt: string; command?: string }

export class LockHeldError extends Error {
  constructor(readonly dir: string, readonly holder: LockInfo) {
    super(`${dir} is in use by another asteris run (${describeHolder(holder)}); wait for it to finish or choose another --out`);
    this.name = 'LockHeldError';
  }
}

export interface OutLock {
  path: string;
  info: LockInfo;
  /** Debris of killed runs removed when the lock was taken (with `cleanDebris`). */
  removedDebris: string[];
  /** Whether a stale lock of a dead process was taken over. */
  tookOver: LockInfo | null;
  release(): void;
}

export interface LockOptions {
  /** Wait for the holder to finish instead of failing at once (default false). */
  wait?: boolean;
  /** Give up waiting after this many ms (default: wait forever). */
  timeoutMs?: number;
  /** Poll interval while waiting (default 500 ms). */
  pollMs?: number;
  /** Called once when the lock is found held and `wait` is set (e.g. to log "waiting for pid …"). */
  onWait?: (holder: LockInfo) => void;
  /** Recorded in the lock for the message another run prints (e.g. "asteris run data/demo"). */
  command?: string;
  /** Remove `*.tmp-*` debris below the directory once the lock is held (default true). */
  cleanDebris?: boolean;
}

export function describeHolder(h: LockInfo): string {
  return `pid ${h.pid} on host ${h.host}, started ${h.startedAt}${h.command ? `: ${h.command}` : ''}`;
}

/** Whether `pid` is a live process on this host (EPERM = alive but not ours). */
function pidAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try { process.kill(pid, 0); return true; } catch (e) { return (e as NodeJS.ErrnoException).code === 'EPERM'; }
}

function readHolder(path: string): LockInfo | null {
  try {
    const j = JSON.parse(readFileSync(path, 'utf8')) as Partial<LockInfo>;
    if (typeof j.pid === 'number' && typeof j.host === 'string') return { pid: j.pid, host: j.host, startedAt: String(j.startedAt ?? '?'), command: j.command };
  } catch { /* being written, or garbage */ }
  return null;
}

/** Stale: a dead pid on this host, or an unreadable lock older than 10 s (a writer killed mid-write). */
function isStale(path: string, h: LockInfo | null): boolean {
  if (h) return h.host === hostname() && h.pid !== process.pid && !pidAlive(h.pid);
  try { return Date.now() - statSync(path).mtimeMs > 10_000; } catch { return false; }
}

/** Moves a stale lock aside; if what was moved turns out to be a fresh lock (a race), puts it back. */
function takeOver(path: string, seen: LockInfo | null): boolean {
  const aside = tmpSibling(path);
  try { renameSync(path, aside); } catch { return false; }
  const moved = readHolder(aside);
  const same = seen === null ? moved === null : moved !== null && moved.pid === seen.pid && moved.startedAt === seen.startedAt && moved.host === seen.host;
  if (!same) {
    try { linkSync(aside, path); } catch { /* someone locked meanwhile; they win */ }
  }
  try { unlinkSync(aside); } catch { /* gone */ }
  return same;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Takes the lock of output directory `dir` (created if needed); see the module comment. */
export async function acquireOutLock(dir: string, opts: LockOptions = {}): Promise<OutLock> {
  ensureDir(dir);
  const path = join(dir, LOCK_FILE);
  const info: LockInfo = { pid: process.pid, host: hostname(), startedAt: new Date().toISOString(), command: opts.command };
  const t0 = Date.now();
  let tookOver: LockInfo | null = null;
  let announced = false;
  for (;;) {
    try {
      writeFileSync(path, JSON.stringify(info) + '\n', { flag: 'wx' });
      break;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw new Error(`cannot create lock ${path}: ${(e as Error).message}`);
    }
    const holder = readHolder(path);
    if (isStale(path, holder)) {
      if (takeOver(path, holder)) tookOver = holder ?? { pid: 0, host: '?', startedAt: '?' };
      continue;
    }
    const h = holder ?? { pid: 0, host: '?', startedAt: 'just now (lock being written)' };
    if (!opts.wait) throw new LockHeldError(dir, h);
    if (opts.timeoutMs !== undefined && Date.now() - t0 > opts.timeoutMs) throw new LockHeldError(dir, h);
    if (!announced) { opts.onWait?.(h); announced = true; }
    await sleep(opts.pollMs ?? 500);
  }
  let released = false;
  const release = (): void => {
    if (released) return;
    released = true;
    process.removeListener('exit', release);
    const h = readHolder(path);
    if (h && h.pid === info.pid && h.startedAt === info.startedAt && h.host === info.host) {
      try { unlinkSync(path); } catch { /* already gone */ }
    }
  };
  process.on('exit', release);
  const removedDebris = opts.cleanDebris === false ? [] : removeDebris(dir);
  return { path, info, removedDebris, tookOver, release };
}
