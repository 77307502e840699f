// The follow-up package written by `asteris select`: candidates.csv/.ecsv, candidates.reg (DS9),
// msa_targets.txt (NIRSpec MPT catalogue), selection_log.csv, stamps/<id>.png when images are given.
import { join } from 'node:path';
import { mkdirSync } from 'node:fs';
import type { SelectionResult } from './select.ts';
import { candidatesTable, tableToCsv, tableToEcsv, ds9Regions, msaTargetList, selectionLog, sortBands } from './output.ts';
import { writeFileAtomic } from '@asteris/core';
import { candidatePanels, loadStampImages, parseImagesSpec, renderStamp } from './stamps.ts';
import { SelectError } from './errors.ts';

export interface PackageOptions { images?: string | { band: string; kind: 'coadd' | 'denoised'; path: string }[]; stampArcsec?: number }

export async function writeFollowUpPackage(res: SelectionResult, outDir: string, opts: PackageOptions = {}): Promise<string[]> {
  const hasCoords = res.all.some((c) => Number.isFinite(c.ra) && Number.isFinite(c.dec));
  if (!hasCoords) throw new SelectError('catalogue has no RA/Dec columns (ra, dec): cannot write region file, MSA target list or stamps');
  // read images first so a bad --images fails before anything is written
  const spec = typeof opts.images === 'string' ? parseImagesSpec(opts.images) : (opts.images ?? []);
  const images = spec.length ? await loadStampImages(spec) : [];
  mkdirSync(outDir, { recursive: true });
  const written: string[] = [];
  const put = (name: string, data: string | Uint8Array) => { const p = join(outDir, name); writeFileAtomic(p, data); written.push(p); };
  const table = candidatesTable(res);
  put('candidates.csv', tableToCsv(table));
  put('candidates.ecsv', tableToEcsv(table, { preset: res.preset.name, citations: res.preset.citations.join(' | '), priority: 'priority_class ascending, then ref_mag ascending, then id' }));
  put('candidates.reg', ds9Regions(res));
  put('msa_targets.txt', msaTargetList(res));
  put('selection_log.csv', selectionLog(res));
  if (images.length) {
    const order = sortBands([...new Set(images.map((i) => i.band))]);
    for (const c of res.candidates) {
      if (!Number.isFinite(c.ra)) continue;
      const panels = candidatePanels(images, c.ra, c.dec, opts.stampArcsec ?? 2);
      put(join('stamps', `${String(c.id).replace(/[^A-Za-z0-9_.-]/g, '_')}.png`), renderStamp(panels, order));
    }
  }
  return written;
}
