// The follow-up package written by `asteris select`: candidates.csv/.ecsv, candidates.reg (DS9),
// msa_targets.txt (NIRSpec MPT catalogue), selection_log.csv, stamps/<id>.png when images are given.
import { join } from 'node:path';
import { mkdirSync } from 'node:fs';
import type { SelectionResult } from './select.ts';
import { candidatesTable, tableToCsv, tableToEcsv, ds9Regions, msaTargets, selectionLog, sortBands } from './output.ts';
import { writeFileAtomic } from '@asteris/core';
import { candidatePanels, loadStampImages, parseImagesSpec, renderStamp } from './stamps.ts';
import { SelectError } from './errors.ts';

export interface PackageOptions {
  images?: string | { band: string; kind: 'coadd' | 'denoised'; path: string }[]; stampArcsec?: number;
  /** Receives one-line warnings (e.g. candidates left out of msa_targets.txt for unusable RA/Dec). */
  warn?: (message: string) => void;
}

export async function writeFollowUpPackage(res: SelectionResult, outDir: string, opts: PackageOptions = {}): Promise<string[]> {
  const hasCoords = res.all.some((c) => Number.isFinite(c.ra) && Number.isFinite(c.dec));
  if (!hasCoords) throw new SelectError('catalogue has no usable RA/Dec (ra, dec columns in decimal degrees; empty or text values such as sexagesimal are not read): cannot write region file, MSA target list or stamps');
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
  const msa = msaTargets(res);
  if (msa.skipped.length) {
    opts.warn?.(`${msa.skipped.length} candidate(s) left out of msa_targets.txt: RA/Dec not finite decimal degrees (ids ${msa.skipped.slice(0, 10).join(', ')}${msa.skipped.length > 10 ? ', …' : ''})`);
  }
  put('msa_targets.txt', msa.text);
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
