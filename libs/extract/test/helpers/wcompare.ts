// Side-by-side with source-extractor 2.25 with a weight map (MAP_RMS / MAP_WEIGHT): matched fraction of
// S/N > 10 SExtractor sources within 0.5 px, median flux and error ratios (used by the tests and the bench).
import { extractSources, type ExtractOptions, type Source } from '../../src/index.ts';
import { runSourceExtractor } from './sextractor.ts';

export interface WCmp { nSex: number; nOurs: number; bright: number; matched: number; fluxRatio: number; errRatio: number; aperRatio: number; aperErrRatio: number }

export function compareWeighted(data: Float32Array, w: number, h: number, type: 'MAP_RMS' | 'MAP_WEIGHT', map: Float32Array, extra: ExtractOptions = {}): WCmp {
  const sx = runSourceExtractor(data, w, h, { apertures: [5, 10], weight: { type, data: map } });
  const ours = extractSources({ width: w, height: h, data: Float32Array.from(data), header: null as never }, {
    apertures: [5, 10], weight: { type: type === 'MAP_RMS' ? 'rms' : 'weight', data: map, scaleToBackground: type !== 'MAP_RMS' }, ...extra,
  });
  const cell = 4;
  const grid = new Map<number, Source[]>();
  for (const s of ours.sources) {
    const k = Math.floor(s.x / cell) * 65536 + Math.floor(s.y / cell);
    const l = grid.get(k);
    if (l) l.push(s); else grid.set(k, [s]);
  }
  const bright = sx.rows.filter((r) => r.FLUX_AUTO! / r.FLUXERR_AUTO! > 10);
  let matched = 0;
  const fr: number[] = [], er: number[] = [], ar: number[] = [], aer: number[] = [];
  for (const r of bright) {
    let best: Source | null = null, bd = Infinity;
    for (let i = -1; i <= 1; i++) for (let j = -1; j <= 1; j++) {
      for (const s of grid.get((Math.floor(r.x! / cell) + i) * 65536 + Math.floor(r.y! / cell) + j) ?? []) {
        const d = Math.hypot(s.x - r.x!, s.y - r.y!);
        if (d < bd) { bd = d; best = s; }
      }
    }
    if (best && bd < 0.5) {
      matched++;
      fr.push(best.fluxAuto / r.FLUX_AUTO!); er.push(best.fluxAutoErr / r.FLUXERR_AUTO!);
      ar.push(best.fluxAper[0]! / r.FLUX_APER_1!); aer.push(best.fluxAperErr[0]! / r.FLUXERR_APER_1!);
    }
  }
  const med = (a: number[]) => { const s = [...a].sort((p, q) => p - q); return s[s.length >> 1]!; };
  return { nSex: sx.rows.length, nOurs: ours.sources.length, bright: bright.length, matched, fluxRatio: med(fr), errRatio: med(er), aperRatio: med(ar), aperErrRatio: med(aer) };
}
