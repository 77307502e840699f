"""ASTERIS-lite-clean (experiment, issue 14): the lite network trained SUPERVISED to remove artefacts only.

Noise2Noise (recipe_lite, recipe_art) converges to the posterior mean of the sky, which on faint sources is
a shrinkage: white noise is suppressed and its upward peaks pass, so the denoised image of pure noise is
heavy-tailed (many 5σ peaks) and, at an equal null false rate, the matched-filter detector on it cannot
beat the co-add (the co-add is sufficient for white noise). What a network CAN legitimately remove is what
the co-add keeps: artefacts. The generator knows them (artefacts.artefact_stack(components=True)), so here
the target is the same stack WITHOUT artefacts but with the SAME white noise: the network must pass the
noise through untouched (no shrinkage, no hallucination) and subtract striping, cosmic-ray and snowball
residuals, hot pixels and persistence.

    cd apps/asteris-train && PYTHONPATH=. nice -n 10 /usr/bin/python3 -m asteris_train.recipe_clean \
        --repo ../.. --minutes 9

Data: artefact stacks with seeds 15000..15011 (synthetic scenes) and PRIMER-UDS rows [0, 480) crops
(F115W 15100..15105, F444W 15200..15205), 32 exposures of 192², strengths from artefacts.random_config.
Normalisation exactly as inference (§1.4: global 3σ winsorise, z-score, x/4+1; no temporal clip); the clean
target is winsorised at the artefact stack's limits and normalised with its μ, σ. Each sample: 8 super-frames
of k ∈ {1, 2} random exposures, a 96² patch, a dihedral transform, the input's median offset removed from
input and target alike. Loss: MSE between the temporal mean of the output and that of the clean target.
"""
from __future__ import annotations

import argparse
import json
import math
import os
import time

import numpy as np
import torch

from .artefacts import artefact_stack, primer_scene, random_config
from .data import PRIMER_TRAIN_ROWS, load_primer
from .export import export_onnx
from .models import build_model
from .preprocess import global_clip, normalise, zscore_params

SYNTH_SEEDS = list(range(15000, 15012))
PRIMER_SEEDS = {'f115w': list(range(15100, 15106)), 'f444w': list(range(15200, 15206))}


def pair(a) -> tuple:
    """(input, clean target) in normalised units, both (N, H, W) float32."""
    clean = a.truth[None].astype(np.float64) + a.components['white']
    clipped, _ex, lo, hi = global_clip(a.frames)
    mu, sig = zscore_params(clipped)
    return (normalise(clipped, mu, sig).astype(np.float32),
            normalise(np.clip(clean, lo, hi), mu, sig).astype(np.float32))


def pairs(repo: str, n: int = 32, size: int = 192):
    out = []
    for s in SYNTH_SEEDS:
        out.append(pair(artefact_stack(s, n=n, size=size, cfg=random_config(s), components=True)))
    for band, seeds in PRIMER_SEEDS.items():
        sci, wht = load_primer(repo, band)
        for s in seeds:
            scene, sg = primer_scene(sci, wht, s, size, PRIMER_TRAIN_ROWS)
            out.append(pair(artefact_stack(s, n=n, size=size, scene=scene, sigma=sg, cfg=random_config(s),
                                           components=True)))
    return out


def sample(data, rng: np.random.Generator, t: int, patch: int):
    x, y = data[int(rng.integers(len(data)))]
    k = int(rng.choice([1, 2]))
    idx = rng.permutation(x.shape[0])[:t * k]
    py, px = rng.integers(0, x.shape[1] - patch + 1, 2)
    xs = x[idx, py:py + patch, px:px + patch].reshape(t, k, patch, patch).mean(axis=1)
    ys = y[idx, py:py + patch, px:px + patch].reshape(t, k, patch, patch).mean(axis=1).mean(axis=0)
    g = float(np.median(xs.mean(axis=0)))
    xs, ys = xs - g, ys - g
    r = int(rng.integers(4))
    xs, ys = np.rot90(xs, r, (1, 2)), np.rot90(ys, r)
    if rng.random() < 0.5:
        xs, ys = xs[:, :, ::-1], ys[:, ::-1]
    return np.ascontiguousarray(xs), np.ascontiguousarray(ys)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument('--repo', default='../..')
    ap.add_argument('--minutes', type=float, default=9.0)
    ap.add_argument('--batch', type=int, default=4)
    ap.add_argument('--patch', type=int, default=96)
    ap.add_argument('--lr', type=float, default=1e-3)
    ap.add_argument('--seed', type=int, default=15)
    ap.add_argument('--out', default=None)
    args = ap.parse_args(argv)
    out = args.out or os.path.join(args.repo, 'data', 'models', 'asteris-lite-clean.onnx')
    torch.set_num_threads(1)
    torch.manual_seed(args.seed)
    rng = np.random.default_rng(args.seed)
    t0 = time.time()
    data = pairs(args.repo)
    data_s = time.time() - t0
    print(json.dumps({'event': 'data', 'stacks': len(data), 'seconds': round(data_s, 1)}), flush=True)
    model = build_model('lite')
    opt = torch.optim.AdamW(model.parameters(), lr=args.lr, weight_decay=1e-4)
    budget = 60 * args.minutes
    t1 = time.time()
    it, hist, losses = 0, [], []
    while True:
        frac = min(1.0, (time.time() - t1) / budget)
        for gp in opt.param_groups:
            gp['lr'] = 1e-6 + 0.5 * (args.lr - 1e-6) * (1 + math.cos(math.pi * frac))
        b = [sample(data, rng, 8, args.patch) for _ in range(args.batch)]
        x = torch.from_numpy(np.stack([q[0] for q in b]))[:, None]
        y = torch.from_numpy(np.stack([q[1] for q in b]))
        pred = model(x)[:, 0].mean(dim=1)
        loss = 1e3 * torch.mean((pred - y) ** 2)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
        losses.append(float(loss))
        it += 1
        if it % 25 == 0:
            rec = {'iter': it, 'loss': round(float(np.mean(losses[-25:])), 4), 'elapsed_s': round(time.time() - t1, 1)}
            hist.append(rec)
            print(json.dumps({'event': 'progress', **rec}), flush=True)
        if frac >= 1.0:
            break
    model.eval()
    meta = export_onnx(model, out, 'lite', {'iterations': it, 'seed': args.seed, 'recipe': 'asteris_train.recipe_clean',
                                           'training': 'supervised artefact removal (target: same white noise, no artefacts)'})
    with open(out.replace('.onnx', '.train.json'), 'w') as f:
        json.dump({'args': vars(args), 'history': hist, 'meta': meta, 'synthetic_seeds': SYNTH_SEEDS,
                   'primer_seeds': PRIMER_SEEDS, 'primer_rows': list(PRIMER_TRAIN_ROWS), 'data_s': round(data_s, 1),
                   'train_s': round(time.time() - t1, 1), 'iterations': it}, f, indent=1)
    print(json.dumps({'event': 'done', 'iterations': it, 'wall_s': round(time.time() - t0, 1)}), flush=True)
    return 0


if __name__ == '__main__':
    raise SystemExit(main())
