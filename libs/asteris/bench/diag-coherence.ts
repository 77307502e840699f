// Diagnostic (issue 14): the denoised image's small-signal response H(k) and noise spectrum P_D(k), from
// paired null stacks (null co-add C_k, the same null stack denoised D_k): H = ΣC*D/Σ|C|² (Bussgang: for
// Gaussian input this is the mean Jacobian — the response to an infinitesimal source), the coherence
// γ² = |ΣC*D|²/(Σ|C|²Σ|D|²). Predicted point-source S/N on D relative to the co-add's matched filter:
//   PSF filter on D            (Σ g·Hg)/sqrt(Σ|g|²P_D) ÷ sqrt(Σ|g|²/P_C)
//   whitened response filter   sqrt(Σ|Hg|²/P_D)       ÷ sqrt(Σ|g|²/P_C)
// node --import tsx libs/asteris/bench/diag-coherence.ts [exch|corr] [seed] [model]
import { fft2d } from '@asteris/core';
import { nullStacks, robustSigma } from '@asteris/stack';
import { backgroundMap, makeBackground } from '@asteris/extract';
import { resolveModel } from '../src/index.ts';
import { artefactStack } from './artefacts.ts';
import { pathImage, prepare } from './null-chain.ts';

const kind = process.argv[2] ?? 'exch', seed = Number(process.argv[3] ?? 9101);
const S = 256, K = 6, model = resolveModel(process.argv[4] ?? 'lite').path;
const extra = kind === 'corr' ? { pattern: 0.5, dither: 4, stripeShare: 0.7 } : {};
const F = artefactStack({ seed, width: S, height: S, nExp: 8, sigma: 4.3, psfSigma: 0.85, dither: 16, amp: 0, density: 15, magRange: [25.5, 30], ...extra });
const sig = F.frames.map((f) => robustSigma(f));
const ns = nullStacks(F.frames, { count: K, seed: 5, mode: 'signflip', pedestal: (m) => backgroundMap(makeBackground(m, S, S, { meshSize: 64, filterSize: 3 })) });
const spec = (a: Float32Array) => { const re = Float64Array.from(a), im = new Float64Array(a.length); fft2d(re, im, S, S); return { re, im }; };
const N = S * S;
const cc = new Float64Array(N * 2), pc = new Float64Array(N), pd = new Float64Array(N);
for (const st of ns.stacks) {
  const c = spec(prepare(await pathImage(st, S, S, 'coadd', model, 256, sig), S, S, true));
  const d = spec(prepare(await pathImage(st, S, S, 'den', model, 256, sig), S, S, true));
  for (let i = 0; i < N; i++) {
    cc[2 * i] += c.re[i]! * d.re[i]! + c.im[i]! * d.im[i]!; cc[2 * i + 1] += c.re[i]! * d.im[i]! - c.im[i]! * d.re[i]!;
    pc[i] += c.re[i]! ** 2 + c.im[i]! ** 2; pd[i] += d.re[i]! ** 2 + d.im[i]! ** 2;
  }
}
// radial bins of |k| (cycles/px), 48 bins
const NB = 48, rb = (i: number) => { const x = i % S, y = (i / S) | 0; const kx = (x <= S / 2 ? x : x - S) / S, ky = (y <= S / 2 ? y : y - S) / S; return Math.min(NB - 1, Math.floor(Math.hypot(kx, ky) / (Math.SQRT1_2) * NB)); };
const B = { cr: new Float64Array(NB), ci: new Float64Array(NB), pc: new Float64Array(NB), pd: new Float64Array(NB), n: new Float64Array(NB) };
for (let i = 1; i < N; i++) { const b = rb(i); B.cr[b] += cc[2 * i]!; B.ci[b] += cc[2 * i + 1]!; B.pc[b] += pc[i]!; B.pd[b] += pd[i]!; B.n[b]++; }
// PSF spectrum (Gaussian σ 0.85 px, pixel-integrated approx.)
const ps = 0.85, g2 = (k: number) => Math.exp(-4 * Math.PI ** 2 * ps * ps * k * k);
let sC = 0, sDw = 0, num = 0, den = 0, sDwRad = 0, numR = 0, denR = 0, gg = 0, gPc = 0;
// the row mode that destripeRows projects out (kx = 0) has ≈ no power on either image: left out, as a whitened
// filter would divide by it
const skip = (i: number) => i % S === 0;
for (let i = 1; i < N; i++) {
  if (skip(i)) continue;
  const x = i % S, y = (i / S) | 0; const kx = (x <= S / 2 ? x : x - S) / S, ky = (y <= S / 2 ? y : y - S) / S; const k = Math.hypot(kx, ky);
  const g = Math.sqrt(g2(k)), Pc = pc[i]! / K, Pd = pd[i]! / K;
  const Hr = cc[2 * i]! / pc[i]!, Hi = cc[2 * i + 1]! / pc[i]!;
  sC += g * g / Pc; gg += g * g; gPc += g * g * Pc; sDw += g * g * (Hr * Hr + Hi * Hi) / Pd; num += g * g * Hr; den += g * g * Pd;
  const b = rb(i); const hr = B.cr[b]! / B.pc[b]!, hi = B.ci[b]! / B.pc[b]!, pdb = B.pd[b]! / B.n[b]! / K;
  sDwRad += g * g * (hr * hr + hi * hi) / pdb; numR += g * g * hr; denR += g * g * pdb;
}
const dm = (r: number) => (2.5 * Math.log10(r)).toFixed(3);
console.log(`${kind} seed ${seed}, K = ${K} nulls`);
const psfC = gg / Math.sqrt(gPc);
console.log(`PSF filter on D vs PSF filter on C: Δm ${dm(num / Math.sqrt(den) / psfC)} (radial ${dm(numR / Math.sqrt(denR) / psfC)})`);
console.log(`whitened response filter on D vs whitened filter on C: Δm ${dm(Math.sqrt(sDw / sC))} (radial ${dm(Math.sqrt(sDwRad / sC))}) [2-D per-k estimate is biased high by noise]; PSF filter on C vs whitened on C ${dm(psfC / Math.sqrt(sC))}`);
for (let b = 0; b < NB; b += 3) { const hr = B.cr[b]! / B.pc[b]!, hi = B.ci[b]! / B.pc[b]!; const coh = (B.cr[b]! ** 2 + B.ci[b]! ** 2) / (B.pc[b]! * B.pd[b]!); console.log(`k ${(b / NB * Math.SQRT1_2).toFixed(3)}  |H| ${Math.hypot(hr, hi).toFixed(3)}  γ² ${coh.toFixed(3)}  P_D/P_C ${(B.pd[b]! / B.pc[b]!).toFixed(3)}  g² ${g2(b / NB * Math.SQRT1_2).toFixed(3)}`); }
