// Side-by-side with source-extractor 2.25 with a weight map (MAP_RMS / MAP_WEIGHT): matched fraction of
// S/N > 10 SExtractor sources within 0.5 px, median flux and error ratios (used by the tests and the bench).
import { extractSources, type ExtractOptions, type Source } from '../../src/index.ts';
import { nearestSource } from './match.ts';
import { runSourceExtractor } from './sextractor.ts';

export interface WCmp { nSex: number; nOurs: number; bright: number; matched: number; fluxRatio: number; errRatio: number; aperRatio: number; aperErrRatio: number }

export function compareWeighted(data: Float32Array, w: number, h: number, type: 'MAP_RMS' | 'MAP_WEIGHT', map: Float32Array, extra: ExtractOptions = {}): WCmp {
  const sx = runSourceExtractor(data, w, h, { apertures: [5, 10], weight: { type, data: map } });
  const ours = extractSources({ width: w, height: h, data: Float32Array.from(data), header: null as never }, {
    apertures: [5, 10], weight: { type: type === 'MAP_RMS' ? 'rms' : 'weight', data: map, scaleToBackground: type !== 'MAP_RMS' }, ...extra,
  });
  const nearest = nearestSource(ours.sources);
  const bright = sx.rows.filter((r) => r.FLUX_AUTO! / r.FLUXERR_AUTO! > 10);
  let matched = 0;
  const fr: number[] = [], er: number[] = [], ar: number[] = [], aer: number[] = [];
  for (const r of bright) {
    const best = nearest(r.x!, r.y!);
    if (best) {
      matched++;
      fr.push(best.fluxAuto / r.FLUX_AUTO!); er.push(best.fluxAutoErr / r.FLUXERR_AUTO!);
      ar.push(best.fluxAper[0]! / r.FLUX_APER_1!); aer.push(best.fluxAperErr[0]! / r.FLUXERR_APER_1!);
    }
  }
  const med = (a: number[]) => { const s = [...a].sort((p, q) => p - q); return s[s.length >> 1]!; };
  return { nSex: sx.rows.length, nOurs: ours.sources.length, bright: bright.length, matched, fluxRatio: med(fr), errRatio: med(er), aperRatio: med(ar), aperErrRatio: med(aer) };
}
