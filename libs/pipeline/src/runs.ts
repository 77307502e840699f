// The run record (<out>/run.json) lists the products a run used; `cache gc` keeps exactly those.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { ProductCache, dirSize } from './cache.ts';
import { writeFileAtomic } from '@asteris/core';
import type { StageRecord } from './progress.ts';

export interface RunRecord {
  version: string;
  field: string;
  startedAt: string;
  finishedAt: string;
  config: unknown;
  products: { stage: string; key: string }[];
  stages: StageRecord[];
}

export const cacheRoot = (out: string) => join(out, 'cache');
export const runRecordPath = (out: string) => join(out, 'run.json');
/** <out>/products.json: where the run's products are (images stay in the cache). */
export const productsPath = (out: string) => join(out, 'products.json');

export function writeRunRecord(out: string, rec: RunRecord): void {
  writeFileAtomic(runRecordPath(out), JSON.stringify(rec, null, 2));
}

export function readRunRecord(out: string): RunRecord | null {
  const p = runRecordPath(out);
  if (!existsSync(p)) return null;
  try {
    return JSON.parse(readFileSync(p, 'utf8')) as RunRecord;
  } catch {
    return null;
  }
}

export interface CacheRow { stage: string; key: string; bytes: number; createdAt: string; inLastRun: boolean }

/** A run directory must exist; `cache ls|gc` on a typo should say so rather than report an empty cache. */
function requireRunDir(out: string): void {
  if (!existsSync(out)) throw new Error(`${out}: no such run directory`);
  if (!statSync(out).isDirectory()) throw new Error(`${out}: not a directory (expected the --out directory of \`asteris run\`)`);
}

export function listCache(out: string): CacheRow[] {
  requireRunDir(out);
  const used = new Set((readRunRecord(out)?.products ?? []).map((p) => `${p.stage}/${p.key}`));
  return new ProductCache(cacheRoot(out)).list().map((e) => ({
    stage: e.stage, key: e.key, bytes: dirSize(e.dir), createdAt: e.createdAt, inLastRun: used.has(`${e.stage}/${e.key}`),
  }));
}

export function gcCache(out: string, opts: { all?: boolean } = {}): { removed: string[]; freedBytes: number } {
  requireRunDir(out);
  const keep = opts.all ? new Set<string>() : new Set((readRunRecord(out)?.products ?? []).map((p) => `${p.stage}/${p.key}`));
  return new ProductCache(cacheRoot(out)).gc(keep);
}
