"""Validation metrics for the model card, on HELD-OUT stacks only (never used in training).

    PYTHONPATH=. /usr/bin/python3 -m asteris_train.evaluate_lite --checkpoint <E_xx_Iter_xxxx.pth> \
        --repo ../.. --out ../../data/models/asteris-lite.metrics.json

Held-out sets: synthetic seeds 9100..9105 (not in 1000..1999) and PRIMER-UDS crops from rows
[480, 820) (training crops come from rows [0, 480)). For each stack we run the Python single-tile
reference inference (evaluate.denoise_single_tile) and compare with the co-add from the same
preprocessing: RMS error against the known truth, on all pixels and on faint pixels.
"""
from __future__ import annotations

import argparse
import json
import os
import time

import numpy as np
import torch

from .data import PRIMER_HOLDOUT_ROWS, load_primer, semireal_stack, synthetic_stack
from .evaluate import denoise_single_tile, noise_metrics, point_source_check
from .export import load_model_from_checkpoint
from .macs import count_macs
from .models import count_params


def run(model, repo: str):
    rows = []
    for n in (8, 16, 32):
        for seed in (9100 + n, 9101 + n):
            st, tr = synthetic_stack(seed, n=n, h=256, w=256, with_truth=True)
            m = noise_metrics(denoise_single_tile(model, st), tr, exposure_sigma=1.0)
            rows.append({'set': 'synthetic', 'seed': seed, 'n': n, **m})
    for band in ('f115w', 'f444w'):
        sci, wht = load_primer(repo, band)
        for n in (8, 16):
            seed = 9300 + n + (0 if band == 'f115w' else 1)
            st, tr = semireal_stack(sci, wht, seed, n=n, size=256, rows=PRIMER_HOLDOUT_ROWS, depth_factor=4.0,
                                    with_truth=True)
            sd = float(np.median(st.std(axis=0)))
            m = noise_metrics(denoise_single_tile(model, st), tr, exposure_sigma=sd)
            rows.append({'set': f'primer-{band}-holdout', 'seed': seed, 'n': n, **m})
    return rows


def speed(model, size: int = 256, reps: int = 3) -> float:
    x = torch.zeros(1, 1, 8, size, size)
    with torch.no_grad():
        model(x)
        t = time.time()
        for _ in range(reps):
            model(x)
    return (time.time() - t) / reps / (size * size) * 1e6


def main(argv=None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument('--checkpoint', required=True)
    ap.add_argument('--repo', default='../..')
    ap.add_argument('--out', required=True)
    ap.add_argument('--threads', type=int, default=1)
    args = ap.parse_args(argv)
    torch.set_num_threads(args.threads)
    model = load_model_from_checkpoint(args.checkpoint, 'lite')
    rows = run(model, args.repo)
    res = {'checkpoint': os.path.basename(args.checkpoint), 'params': count_params(model),
           'macs_per_pixel': count_macs(model, (1, 1, 8, 64, 64))['macs_per_pixel'],
           'torch_cpu_us_per_pixel_1thread_256px': round(speed(model), 2),
           'rows': rows,
           'point_sources_n16': point_source_check(model, 9500, 16),
           'point_sources_n8': point_source_check(model, 9501, 8),
           'median_ratio_faint': float(np.median([r['ratio_faint'] for r in rows])),
           'median_ratio_all': float(np.median([r['ratio_all'] for r in rows]))}
    tmp = args.out + '.tmp'
    with open(tmp, 'w') as f:
        json.dump(res, f, indent=1)
    os.replace(tmp, args.out)
    for r in rows:
        print(f"{r['set']:22s} n={r['n']:2d}  rms coadd {r['rms_coadd']:.4g}  denoised {r['rms_denoised']:.4g}  "
              f"ratio all {r['ratio_all']:.3f}  faint {r['ratio_faint']:.3f}")
    print(json.dumps({k: v for k, v in res.items() if k != 'rows'}, indent=1))
    return 0


if __name__ == '__main__':
    raise SystemExit(main())
