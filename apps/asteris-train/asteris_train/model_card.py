"""Write data/models/asteris-lite.md from the recipe's train.json and evaluate_lite's metrics.json.

    PYTHONPATH=. /usr/bin/python3 -m asteris_train.model_card --models ../../data/models
"""
from __future__ import annotations

import argparse
import hashlib
import json
import os


def main(argv=None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument('--models', default='../../data/models')
    args = ap.parse_args(argv)
    d = args.models
    tr = json.load(open(os.path.join(d, 'asteris-lite.train.json')))
    me = json.load(open(os.path.join(d, 'asteris-lite.metrics.json')))
    onnx_path = os.path.join(d, 'asteris-lite.onnx')
    sha = hashlib.sha256(open(onnx_path, 'rb').read()).hexdigest()
    size = os.path.getsize(onnx_path)
    cfg = tr['config']
    L = []
    w = L.append
    w('# Model card: ASTERIS-lite (`data/models/asteris-lite.onnx`)\n')
    w(f'- file: `asteris-lite.onnx`, {size / 2 ** 20:.2f} MB, sha256 `{sha[:16]}…`; sidecar `asteris-lite.onnx.json`')
    w('- I/O: `input` float32 [batch, 1, 8, height, width] → `output` float32 [batch, 1, 8, height, width]; '
      'height/width multiples of 4; normalised ASTERIS units (docs/contracts.md, apps/asteris-train section)')
    w(f"- parameters {me['params']:,}; **{me['macs_per_pixel'] / 1e3:.1f} k MAC per output pixel** "
      f"(ASTERIS8: 4,429 k → {100 * me['macs_per_pixel'] / 4.429e6:.1f} %)")
    w(f"- PyTorch CPU forward, 1 thread, one 256² tile, T = 8: {me['torch_cpu_us_per_pixel_1thread_256px']} µs/pixel "
      '(shared 2-core machine, other jobs running; ONNX Runtime figures for the TS path are in docs/asteris.md)')
    w('\n## Architecture')
    w('Per-frame 3×3 conv (1 → 12) + LeakyReLU, mean- and max-pooling over the T frames, temporal mean and std '
      'of the input → 3-level 2-D U-Net (24/48/96 channels, 2 convs per level, stride-2 conv down, 2×2 '
      'transposed conv up) → 3×3 head Δ; every output frame = temporal mean + Δ. '
      'Frame-order invariant, no tile-global statistics. See docs/asteris-train.md §ASTERIS-lite.')
    w('\n## Training')
    w(f"- recipe: `PYTHONPATH=. /usr/bin/python3 -m asteris_train.recipe_lite --repo ../.. --epochs 100 "
      f"--max-iters 64 --minutes 20` (run from apps/asteris-train; CPU, 1 thread), wall {tr['wall_s'] / 60:.1f} min incl. data")
    w(f"- Noise2Noise half split (docs/asteris-method.md §2), loss 1e6·(0.125·SmoothL1 + MSE of temporal means), "
      f"masked missing targets; AdamW lr {cfg['lr']}, wd {cfg['weight_decay']}, schedule `{cfg['schedule']}` "
      f"(cosine over the {cfg['time_budget_s'] / 60:.0f}-min budget), batch {cfg['batch']}, patch {cfg['patch']}², "
      f"≤ {cfg['max_iters']} iterations/epoch, super-frames of k ∈ {cfg['superframe_k']} exposures, seed {cfg['seed']}")
    w(f"- data: {len(tr['train_synthetic_seeds'])} synthetic stacks (seeds {tr['train_synthetic_seeds'][0]}–"
      f"{tr['train_synthetic_seeds'][-1]}, 32 exposures, 256²) + semi-real PRIMER-UDS stacks "
      f"(F115W seeds {tr['train_primer_seeds']['f115w'][0]}–{tr['train_primer_seeds']['f115w'][-1]}, "
      f"F444W seeds {tr['train_primer_seeds']['f444w'][0]}–{tr['train_primer_seeds']['f444w'][-1]}; rows 0–479 only; "
      '32 exposures, noise from the weight map)')
    w('- held out (never trained on): synthetic seeds ≥ 9000; PRIMER rows 480–819; all libs/sim fields')
    w(f"- epochs run: {len(tr['history'])}\n")
    w('| epoch | iterations | train loss | val loss (held-out halves) | elapsed s |')
    w('|---|---|---|---|---|')
    for h in tr['history']:
        w(f"| {h['epoch']} | {h['iters']} | {h['train_loss']:.0f} | {h.get('val_loss', float('nan')):.0f} | {h['elapsed_s']} |")
    w('\nThe Noise2Noise losses are dominated by the irreducible noise of the target half, so they fall slowly.')
    w('\n## Validation on held-out stacks (`python -m asteris_train.evaluate_lite`)')
    w('Python single-tile reference inference (§4: super-frames, median removal, mean of T outputs, cap, '
      'de-normalisation, + R) against the known truth; co-add = mean of the same super-frames through the same '
      'preprocessing. Ratio = RMS(denoised − truth) / RMS(co-add − truth); faint = truth below sky + 1 σ_exposure.\n')
    w('| set | N exposures | RMS co-add | RMS denoised | ratio all | ratio faint |')
    w('|---|---|---|---|---|---|')
    for r in me['rows']:
        w(f"| {r['set']} (seed {r['seed']}) | {r['n']} | {r['rms_coadd']:.4g} | {r['rms_denoised']:.4g} | "
          f"{r['ratio_all']:.3f} | {r['ratio_faint']:.3f} |")
    w(f"\nMedian ratio: all pixels {me['median_ratio_all']:.3f}, faint pixels {me['median_ratio_faint']:.3f}.")
    w('PRIMER truth is the real mosaic, whose own noise (¼ of the simulated co-add noise) is part of "truth".\n')
    w('Point sources (Gaussian FWHM 2.5 px on blank sky, σ = 1 per exposure, S/N 5–100 in r = 3 px; '
      'statistics for S/N > 10):\n')
    w('| N | image | flux(r=3)/truth median | NMAD | concentration F(1.5)/F(4) vs truth |')
    w('|---|---|---|---|---|')
    for key, n in (('point_sources_n8', 8), ('point_sources_n16', 16)):
        p = me[key]
        for img in ('coadd', 'denoised'):
            w(f"| {n} | {img} | {p[img + '_flux_ratio_median']:.3f} | {p[img + '_flux_ratio_scatter']:.3f} | "
              f"{p[img + '_concentration_ratio_median']:.3f} |")
    w('\n## Limitations (read before use)')
    w(f"- Pixel RMS against truth falls to {me['median_ratio_all']:.2f}× the co-add's, but the estimate is a "
      'Noise2Noise posterior mean: the residual noise is strongly correlated (detection thresholds tuned for '
      'white noise give many false detections) and point sources are slightly broadened (concentration '
      'table above). The depth benchmark (`npm run bench:depth`, docs/asteris.md) is the authoritative test '
      'of depth gain at equal purity, photometry and PSF. Its published figures were measured on an '
      'earlier 5-epoch run of this recipe (240 iterations; held-out median RMS ratio 0.25, point-source '
      'concentration 0.89, flux ratio 0.93 at N = 16) that did not reach the +1 mag goal; re-run the '
      'benchmark for this model.')
    w('- Trained on simulated noise (Gaussian, uncorrelated between exposures); real correlated/1-f noise, '
      'persistence and detector artefacts are not represented. Retrain on your own exposures with '
      '`asteris train` (≥ 16 exposures per pointing).')
    w('- Not the authors\' ASTERIS: use `asteris_train convert` with the official checkpoints for that.')
    path = os.path.join(d, 'asteris-lite.md')
    with open(path + '.tmp', 'w') as f:
        f.write('\n'.join(L) + '\n')
    os.replace(path + '.tmp', path)
    print(path)
    return 0


if __name__ == '__main__':
    raise SystemExit(main())
