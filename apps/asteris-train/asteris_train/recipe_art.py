"""Training recipe of ASTERIS-lite-art (data/models/asteris-lite-art.onnx): ASTERIS-lite trained on stacks
with real NIRCam artefacts (asteris_train.artefacts; issue 14).

    cd apps/asteris-train && PYTHONPATH=. nice -n 10 /usr/bin/python3 -m asteris_train.recipe_art \
        --repo ../.. --minutes 25 --checkpoint-dir /tmp/asteris-lite-art-ck

Training data (all seeded):
  * 20 synthetic-scene artefact stacks, seeds 14000..14019;
  * 20 semi-real artefact stacks on real PRIMER-UDS sky: F115W seeds 14100..14109, F444W seeds 14200..14209,
    crops from mosaic rows [0, 480) only;
  each 32 exposures of 256², artefact strengths drawn per stack (artefacts.random_config). A training half
  is 8 super-frames of k = 1 or 2 exposures, i.e. an N = 8 or N = 16 observation (a T = 8 model cannot
  take N < 8; docs/asteris-train.md).
  Unlike recipe_lite, NO per-pixel temporal clip (temporal_k = 0): inference does not clip along time, so
  the network must see the cosmic-ray and snowball residuals, hot pixels and persistence it will meet.
Held out: seeds >= 90000 (validation 94001..94004; PRIMER crops from rows [480, 820)), and every field of
the TypeScript evaluation (libs/asteris/bench/train-eval.ts: an independent generator, bench/artefacts.ts).
"""
from __future__ import annotations

import argparse
import json
import os
import time

import numpy as np

from .artefacts import PRIMER_HOLDOUT_ROWS, artefact_stack, primer_scene, random_config, training_set
from .data import load_primer
from .export import export_onnx
from .preprocess import prepare_training_stack
from .train import TrainConfig, train

SYNTH_SEEDS = list(range(14000, 14020))
PRIMER_SEEDS = {'f115w': list(range(14100, 14110)), 'f444w': list(range(14200, 14210))}
VAL_SEEDS = [94001, 94002]
VAL_PRIMER_SEEDS = {'f115w': [94101], 'f444w': [94201]}


def validation_raw(repo: str):
    out = [artefact_stack(s, n=16, size=128, cfg=random_config(s)).frames for s in VAL_SEEDS]
    for band, seeds in VAL_PRIMER_SEEDS.items():
        sci, wht = load_primer(repo, band)
        for s in seeds:
            scene, sg = primer_scene(sci, wht, s, 128, PRIMER_HOLDOUT_ROWS)
            out.append(artefact_stack(s, n=16, size=128, scene=scene, sigma=sg, cfg=random_config(s)).frames)
    return out


def main(argv=None, arch: str = 'lite', name: str = 'asteris-lite-art', seed: int = 14, minutes: float = 25.0,
         recipe: str = 'asteris_train.recipe_art') -> int:
    """The artefact-stack recipe; recipe_null calls it with arch 'lite-null' (same data, split and schedule)."""
    ap = argparse.ArgumentParser()
    ap.add_argument('--repo', default='../..')
    ap.add_argument('--checkpoint-dir', default=f'/tmp/{name}-ck')
    ap.add_argument('--epochs', type=int, default=200)
    ap.add_argument('--patch', type=int, default=96)
    ap.add_argument('--max-iters', type=int, default=48)
    ap.add_argument('--threads', type=int, default=1)
    ap.add_argument('--minutes', type=float, default=minutes, help='training wall-time budget')
    ap.add_argument('--out', default=None, help=f'ONNX output (default <repo>/data/models/{name}.onnx)')
    args = ap.parse_args(argv)
    out = args.out or os.path.join(args.repo, 'data', 'models', f'{name}.onnx')
    t0 = time.time()
    stacks = [prepare_training_stack(s, temporal_k=0)[0] for s in training_set(args.repo, SYNTH_SEEDS, PRIMER_SEEDS)]
    val = [prepare_training_stack(s, temporal_k=0)[0] for s in validation_raw(args.repo)]
    data_s = time.time() - t0
    print(json.dumps({'event': 'data', 'train_stacks': len(stacks), 'val_stacks': len(val), 'seconds': round(data_s, 1)}),
          flush=True)
    log = lambda s: print(s, flush=True)  # noqa: E731
    cfg = TrainConfig(arch=arch, epochs=args.epochs, batch=4, patch=args.patch, lr=1e-3, schedule='time',
                      seed=seed, superframe_k=(1, 2), max_iters=args.max_iters, threads=args.threads,
                      checkpoint_dir=args.checkpoint_dir, log_every=12, time_budget_s=60 * args.minutes)
    model, hist = train(stacks, cfg, val_stacks=val, log=log)
    meta = export_onnx(model, out, arch, {'epochs': len(hist), 'seed': cfg.seed, 'recipe': recipe,
                                           'training_data': 'artefact stacks (asteris_train.artefacts)'})
    with open(out.replace('.onnx', '.train.json'), 'w') as f:
        json.dump({'config': cfg.__dict__ | {'superframe_k': list(cfg.superframe_k)}, 'history': hist, 'meta': meta,
                   'train_synthetic_seeds': SYNTH_SEEDS, 'train_primer_seeds': PRIMER_SEEDS, 'primer_train_rows': [0, 480],
                   'val_seeds': VAL_SEEDS, 'val_primer_seeds': VAL_PRIMER_SEEDS, 'data_s': round(data_s, 1),
                   'train_s': round(time.time() - t0 - data_s, 1), 'temporal_clip': 0}, f, indent=1)
    print(json.dumps({'event': 'done', 'wall_s': round(time.time() - t0, 1)}), flush=True)
    return 0


if __name__ == '__main__':
    raise SystemExit(main())
