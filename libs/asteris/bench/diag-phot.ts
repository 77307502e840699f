// Diagnostic (issue 14): photometry bias of the denoised image — blurring or flux loss, and which part
// of the field causes it. Forced apertures (r = 2.5 and 5 px) at the true positions of bright point
// sources, denoised vs co-add vs noiseless truth, artefacts switched on one group at a time.
// node --import tsx libs/asteris/bench/diag-phot.ts
import { bankFilter, detectionBank, effectivePsfFwhm } from '@asteris/extract';
import { robustSigma } from '@asteris/stack';
import { resolveModel } from '../src/index.ts';
import { artefactStack, type ArtefactOptions } from './artefacts.ts';
import { apertureSum } from './detect.ts';
import { pathImage, prepare } from './null-chain.ts';
const S = 256, model = resolveModel('lite').path;
const none = { stripe: 0, crRate: 0, hotFrac: 0, pattern: 0, persistence: 0, depthJitter: 0 };
const cases: [string, Partial<ArtefactOptions>][] = [['clean, no gradient', { ...none, gradient: 0 }], ['clean + gradient', none], ['all artefacts', {}]];
const med = (a: number[]) => [...a].sort((p, q) => p - q)[a.length >> 1]!;
for (const [name, ex] of cases) {
  const r: Record<string, number[]> = { co25: [], den25: [], co5: [], den5: [], psfCo: [], psfDen: [], effDen: [], fwCo: [], fwDen: [] };
  const effs: number[] = [];
  for (const seed of [41, 42]) {
    const F = artefactStack({ seed, width: S, height: S, nExp: 8, sigma: 4.3, psfSigma: 0.85, dither: 16, amp: 0, density: 12, magRange: [25, 27], extendedFrac: 0, ...ex });
    const sig = F.frames.map((f) => robustSigma(f));
    const co = prepare(await pathImage(F.frames, S, S, 'coadd', model, 256, sig), S, S, false);
    const den = prepare(await pathImage(F.frames, S, S, 'den', model, 256, sig), S, S, false);
    const eff = effectivePsfFwhm({ data: den, width: S, height: S }, 2.0016, { reference: { data: co, width: S, height: S } });
    effs.push(eff);
    const k0 = detectionBank({ psfFwhmPx: 2.0016, pixScaleArcsec: 0.04, reArcsec: [] })[0]!, ke = detectionBank({ psfFwhmPx: eff, pixScaleArcsec: 0.04, reArcsec: [] })[0]!;
    const fCo = bankFilter(co, S, S, k0), fDen = bankFilter(den, S, S, k0), fEff = bankFilter(den, S, S, ke);
    // PSF-filter flux at the true position: the filtered map's maximum within 1 px, refined by a Gaussian through its neighbours
    const peak = (f: Float32Array, x: number, y: number) => {
      let p = Math.round(y) * S + Math.round(x);
      for (let j = -1; j <= 1; j++) for (let i = -1; i <= 1; i++) { const q = (Math.round(y) + j) * S + Math.round(x) + i; if (f[q]! > f[p]!) p = q; }
      const c = f[p]!, g = (l: number, rr: number) => (l > 0 && rr > 0 && c > 0 && Math.log(l) + Math.log(rr) - 2 * Math.log(c) < 0 ? -((Math.log(rr) - Math.log(l)) ** 2) / (8 * (Math.log(l) + Math.log(rr) - 2 * Math.log(c))) : 0);
      return c * Math.exp(g(f[p - 1]!, f[p + 1]!) + g(f[p - S]!, f[p + S]!));
    };
    for (const s of F.sources) {
      r.psfCo!.push(-2.5 * Math.log10(peak(fCo, s.x, s.y) / k0.norm / s.flux));
      r.psfDen!.push(-2.5 * Math.log10(peak(fDen, s.x, s.y) / k0.norm / s.flux));
      r.effDen!.push(-2.5 * Math.log10(peak(fEff, s.x, s.y) / ke.norm / s.flux));
      for (const R of [2.5, 5]) {
        const t = apertureSum(F.truth, S, S, s.x, s.y, R);
        r[`co${R === 2.5 ? 25 : 5}`]!.push(-2.5 * Math.log10(apertureSum(co, S, S, s.x, s.y, R) / t));
        r[`den${R === 2.5 ? 25 : 5}`]!.push(-2.5 * Math.log10(apertureSum(den, S, S, s.x, s.y, R) / t));
      }
    }
  }
  console.log(`${name.padEnd(20)} median Δmag r=2.5px: co-add ${med(r.co25!).toFixed(3)} denoised ${med(r.den25!).toFixed(3)} | r=5px: co-add ${med(r.co5!).toFixed(3)} denoised ${med(r.den5!).toFixed(3)} (n=${r.co25!.length}); PSF-filter flux: co-add ${med(r.psfCo!).toFixed(3)}, denoised ${med(r.psfDen!).toFixed(3)}, denoised with its effective-PSF kernel ${med(r.effDen!).toFixed(3)} (effective FWHM ${effs.map((e) => e.toFixed(2)).join(', ')} px vs 2.00)`);
}
