"""Reproducible training recipe of the shipped models (data/models/asteris-lite.onnx, tiny-test.onnx).

    cd apps/asteris-train && PYTHONPATH=. /usr/bin/python3 -m asteris_train.recipe_lite \
        --repo ../.. --checkpoint-dir /tmp/asteris-lite-ck

Training data (all seeded, never the evaluation fields):
  * 24 synthetic stacks: data.synthetic_stack(seed) for seeds 1000..1023, 32 exposures, 256x256 px;
  * 16 semi-real stacks: real PRIMER-UDS sky (F115W seeds 2000..2007, F444W seeds 3000..3007),
    256x256 crops from rows [0, 480) only, 32 exposures with noise from the weight map.
Held out for validation (and free for evaluation): synthetic seeds >= 9000, PRIMER rows [480, 820).
"""
from __future__ import annotations

import argparse
import json
import os
import time

import numpy as np

from .data import load_primer, semireal_stack, synthetic_stack
from .export import export_onnx
from .preprocess import prepare_training_stack
from .train import TrainConfig, train

SYNTH_SEEDS = list(range(1000, 1024))
PRIMER_SEEDS = {'f115w': list(range(2000, 2008)), 'f444w': list(range(3000, 3008))}
VAL_SYNTH_SEEDS = [9001, 9002]
VAL_PRIMER_SEEDS = {'f115w': [9101], 'f444w': [9201]}


def training_stacks(repo: str):
    out = [prepare_training_stack(synthetic_stack(s, n=32))[0] for s in SYNTH_SEEDS]
    for band, seeds in PRIMER_SEEDS.items():
        sci, wht = load_primer(repo, band)
        out += [prepare_training_stack(semireal_stack(sci, wht, s, n=32))[0] for s in seeds]
    return out


def validation_stacks(repo: str):
    from .data import PRIMER_HOLDOUT_ROWS
    out = [prepare_training_stack(synthetic_stack(s, n=16, h=128, w=128))[0] for s in VAL_SYNTH_SEEDS]
    for band, seeds in VAL_PRIMER_SEEDS.items():
        sci, wht = load_primer(repo, band)
        out += [prepare_training_stack(semireal_stack(sci, wht, s, n=16, size=128, rows=PRIMER_HOLDOUT_ROWS))[0]
                for s in seeds]
    return out


def main(argv=None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument('--repo', default='../..')
    ap.add_argument('--checkpoint-dir', default='/tmp/asteris-lite-ck')
    ap.add_argument('--epochs', type=int, default=100)
    ap.add_argument('--patch', type=int, default=96)
    ap.add_argument('--max-iters', type=int, default=64)
    ap.add_argument('--threads', type=int, default=1)
    ap.add_argument('--schedule', default='time', choices=['run', 'time'])
    ap.add_argument('--minutes', type=float, default=20.0, help='training wall-time budget')
    ap.add_argument('--skip-lite', action='store_true')
    args = ap.parse_args(argv)
    models = os.path.join(args.repo, 'data', 'models')
    t0 = time.time()
    stacks = training_stacks(args.repo)
    val = validation_stacks(args.repo)
    print(json.dumps({'event': 'data', 'train_stacks': len(stacks), 'val_stacks': len(val),
                      'seconds': round(time.time() - t0, 1)}), flush=True)
    log = lambda s: print(s, flush=True)  # noqa: E731
    if not args.skip_lite:
        cfg = TrainConfig(arch='lite', epochs=args.epochs, batch=4, patch=args.patch, lr=1e-3, schedule=args.schedule,
                          seed=5, superframe_k=(1, 2), max_iters=args.max_iters, threads=args.threads,
                          checkpoint_dir=args.checkpoint_dir, log_every=12, time_budget_s=60 * args.minutes)
        model, hist = train(stacks, cfg, val_stacks=val, log=log)
        meta = export_onnx(model, os.path.join(models, 'asteris-lite.onnx'), 'lite',
                           {'epochs': len(hist), 'seed': cfg.seed, 'recipe': 'asteris_train.recipe_lite'})
        with open(os.path.join(models, 'asteris-lite.train.json'), 'w') as f:
            json.dump({'config': cfg.__dict__ | {'superframe_k': list(cfg.superframe_k)}, 'history': hist,
                       'meta': meta, 'train_synthetic_seeds': SYNTH_SEEDS, 'train_primer_seeds': PRIMER_SEEDS,
                       'val_synthetic_seeds': VAL_SYNTH_SEEDS, 'val_primer_seeds': VAL_PRIMER_SEEDS,
                       'wall_s': round(time.time() - t0, 1)}, f, indent=1)
    # tiny test model: a few hundred steps on the same data (for parity / end-to-end tests only)
    tcfg = TrainConfig(arch='tiny', epochs=2, batch=4, patch=64, lr=3e-3, schedule='run', seed=7,
                       max_iters=60, threads=args.threads, log_every=30)
    tiny, _ = train(stacks[:8], tcfg, log=log)
    export_onnx(tiny, os.path.join(models, 'tiny-test.onnx'), 'tiny', {'seed': 7, 'purpose': 'tests only'})
    print(json.dumps({'event': 'done', 'wall_s': round(time.time() - t0, 1)}), flush=True)
    return 0


if __name__ == '__main__':
    raise SystemExit(main())
