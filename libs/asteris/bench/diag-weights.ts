// Diagnostic: per-exposure weights at pixel vs PSF scale on the correlated and the independent mocks (noise only):
// PSF-filtered noise of the weighted co-add against the true sky. node --import tsx libs/asteris/bench/diag-weights.ts
import { bankFilter, detectionBank } from '@asteris/extract';
import { coaddArrays, exposureSigmas, robustSigma } from '@asteris/stack';
import { artefactStack } from './artefacts.ts';
const S = 256, PSF = 0.85, N = 8, SIG = 4.3;
// the detect stage's PSF matched filter (the bank's first kernel), so the figure is the detection statistic's noise
const psfK = detectionBank({ psfFwhmPx: PSF * 2 * Math.sqrt(2 * Math.LN2), pixScaleArcsec: 0.04, reArcsec: [] })[0]!;
const smooth = (img: Float32Array, w: number, h: number) => bankFilter(img, w, h, psfK);
const inner = (a: Float32Array) => { const o: number[] = []; for (let y = 16; y < S - 16; y++) for (let x = 16; x < S - 16; x++) o.push(a[y * S + x]!); return Float32Array.from(o); };
for (const [label, extra] of [['independent', {}], ['correlated', { pattern: 0.5, dither: 4, stripeShare: 0.7 }]] as const) {
  const acc: Record<string, number[]> = {};
  for (let seed = 1; seed <= 6; seed++) {
    const T = artefactStack({ seed: 9100 + seed + (label === 'correlated' ? 100 : 0), width: S, height: S, nExp: N, sigma: SIG, psfSigma: PSF, dither: label === 'correlated' ? 4 : 16, amp: 0, noSources: true, ...extra });
    const sky = T.sky;
    const pix = exposureSigmas(T.frames);
    // PSF scale: the residuals' σ after the PSF filter, same estimator on smoothed frames
    const sm = T.frames.map((f) => smooth(f, S, S));
    const psf = exposureSigmas(sm);
    const trueSig = T.sigmaExp;
    const res = (sig: number[] | null, m: 'clipped-mean' | 'clipped-ivw') => {
      const c = coaddArrays(T.frames, T.frames.map(() => null), m, sig ? { sigmas: sig } : {}).data;
      return robustSigma(inner(smooth(Float32Array.from(c, (v, i) => v - sky[i]!), S, S)));
    };
    const base = res(null, 'clipped-mean');
    for (const [k, v] of Object.entries({ mean: base, 'ivw-pixel': res(pix, 'clipped-ivw'), 'ivw-psf': res(psf, 'clipped-ivw'), 'ivw-white-truth': res(trueSig, 'clipped-ivw') })) (acc[k] ??= []).push(v / base);
    if (seed === 1) console.log(label, 'pixel σ', pix.map((x) => x.toFixed(2)).join(' '), '| psf-scale σ (×)', psf.map((x, i) => (x / pix[i]!).toFixed(3)).join(' '), '| white σ', trueSig.map((x) => x.toFixed(2)).join(' '));
  }
  console.log(label, Object.fromEntries(Object.entries(acc).map(([k, v]) => [k, +(v.reduce((a, b) => a + b, 0) / v.length).toFixed(4)])));
}
