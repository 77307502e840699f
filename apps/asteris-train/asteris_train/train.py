"""Self-supervised (Noise2Noise half-split) training loop (docs/asteris-method.md §2)."""
from __future__ import annotations

import json
import math
import os
import sys
import time
from dataclasses import asdict, dataclass, field
from typing import Callable, List, Optional, Sequence, Tuple

import numpy as np
import torch

from .loss import asteris_loss
from .models import build_model, model_frames, model_multiple
from .samples import group_frames, make_pair, patch_list, too_empty


@dataclass
class TrainConfig:
    arch: str = 'lite-null'
    epochs: int = 20
    batch: int = 3                     # reference: 3 per GPU
    patch: int = 128                   # reference: 128 x 128
    lr: float = 1.5e-4                 # reference AdamW lr
    weight_decay: float = 1e-4
    schedule: str = 'reference'        # 'reference': cosine T_max=2e6 per iteration (≈ constant); 'run': cosine over this run;
                                       # 'time': cosine over the wall-time budget (time_budget_s), stops when it is spent
    seed: int = 0
    mask: bool = True                  # fixed `mask_train` (reference behaviour: False)
    cover_edge: bool = True            # also train on the right/bottom edge strips (reference: False)
    superframe_k: Sequence[int] = (1,) # frames averaged per training super-frame (1 = reference)
    max_iters: int = 0                 # cap of iterations per epoch (0 = all patches)
    threads: int = 2
    checkpoint_dir: Optional[str] = None
    log_every: int = 10
    time_budget_s: float = 0.0         # stop after the epoch that exceeds this wall time (0 = none)


def _emit(log: Callable[[str], None], **kw) -> None:
    log(json.dumps(kw, separators=(',', ':')))


def effective_patch(stacks: List[np.ndarray], patch: int, multiple: int) -> int:
    m = min(min(s.shape[1], s.shape[2]) for s in stacks)
    p = min(patch, m)
    p -= p % max(multiple, 8)
    if p < 16:
        raise ValueError(f'stacks are too small for training ({m} px; need at least 16)')
    return p


def build_epoch(stacks: List[np.ndarray], t: int, cfg: TrainConfig, patch: int,
                rng: np.random.Generator) -> Tuple[List[np.ndarray], List[Tuple[int, int, int, int, int]]]:
    """Permute each stack's frames (§2.2.2), choose k, enumerate and filter patches (§2.2.3-4)."""
    perm = [s[rng.permutation(s.shape[0])] for s in stacks]
    items = []
    for si, s in enumerate(perm):
        ks = [k for k in cfg.superframe_k if s.shape[0] >= 2 * t * k] or [1]
        k = int(rng.choice(ks))
        for (_si, z, y, x) in patch_list([s], t, patch, 0.1, cfg.cover_edge, k):
            w = s[z:z + 2 * t * k, y:y + patch, x:x + patch]
            if not too_empty(group_frames(w, k)):
                items.append((si, z, y, x, k))
    order = rng.permutation(len(items))
    return perm, [items[i] for i in order]


def make_batch(perm: List[np.ndarray], items, t: int, patch: int, rng: np.random.Generator,
               augment: bool = True) -> Tuple[torch.Tensor, torch.Tensor]:
    xs, ys = [], []
    for (si, z, y, x, k) in items:
        w = group_frames(perm[si][z:z + 2 * t * k, y:y + patch, x:x + patch], k)
        a, b = make_pair(w, rng, augment)
        xs.append(a)
        ys.append(b)
    return torch.from_numpy(np.stack(xs)), torch.from_numpy(np.stack(ys))


def save_checkpoint(path: str, model, opt, sched, epoch: int, cfg: TrainConfig, history) -> None:
    tmp = path + '.tmp'
    torch.save({'model_state_dict': model.state_dict(), 'optimizer_state_dict': opt.state_dict(),
                'scheduler_state_dict': sched.state_dict(), 'epoch': epoch,
                'arch': cfg.arch, 'config': asdict(cfg), 'history': history}, tmp)
    os.replace(tmp, path)


def train(stacks: List[np.ndarray], cfg: TrainConfig, val_stacks: Optional[List[np.ndarray]] = None,
          resume: Optional[str] = None, log: Callable[[str], None] = print):
    """Train on prepared stacks ((N,H,W) float32, prepare_training_stack). Returns (model, history)."""
    torch.set_num_threads(max(1, cfg.threads))
    torch.manual_seed(cfg.seed)
    rng = np.random.default_rng(cfg.seed)
    model = build_model(cfg.arch)
    t = model_frames(model)
    short = [s for s in stacks if s.shape[0] < 2 * t]
    if short:
        raise ValueError(f'training needs >= 2T = {2 * t} exposures per stack; '
                         f'{len(short)} stack(s) have fewer (smallest: {min(s.shape[0] for s in short)})')
    patch = effective_patch(stacks, cfg.patch, model_multiple(model))
    opt = torch.optim.AdamW(model.parameters(), lr=cfg.lr, betas=(0.9, 0.999), weight_decay=cfg.weight_decay)
    # per-iteration schedule; 'reference' = CosineAnnealingLR(T_max=2e6, eta_min=1e-6)
    n_items0 = len(build_epoch(stacks, t, cfg, patch, np.random.default_rng(cfg.seed))[1])
    iters_per_epoch = max(1, -(-n_items0 // cfg.batch))
    if cfg.max_iters:
        iters_per_epoch = min(iters_per_epoch, cfg.max_iters)
    if cfg.schedule == 'time' and not cfg.time_budget_s:
        raise ValueError("schedule 'time' needs time_budget_s > 0")
    t_max = 2_000_000 if cfg.schedule in ('reference', 'time') else max(1, iters_per_epoch * cfg.epochs)
    sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=t_max, eta_min=1e-6)
    start_epoch, history = 0, []
    if resume:
        ck = torch.load(resume, map_location='cpu')
        model.load_state_dict(ck['model_state_dict'])
        opt.load_state_dict(ck['optimizer_state_dict'])
        if ck.get('scheduler_state_dict'):
            sched.load_state_dict(ck['scheduler_state_dict'])
        start_epoch = int(ck['epoch']) + 1
        history = list(ck.get('history', []))
        rng = np.random.default_rng([cfg.seed, start_epoch])
        _emit(log, event='resume', checkpoint=resume, epoch=start_epoch)
    val = None
    if val_stacks:
        vrng = np.random.default_rng(12345)
        vp = effective_patch(val_stacks, cfg.patch, model_multiple(model))
        perm, items = build_epoch(val_stacks, t, cfg, vp, vrng)
        val = make_batch(perm, items[:16], t, vp, vrng, augment=False)
    _emit(log, event='start', arch=cfg.arch, frames=t, patch=patch, stacks=len(stacks),
          iters_per_epoch=iters_per_epoch, epochs=cfg.epochs, params=sum(p.numel() for p in model.parameters()))
    t0 = time.time()
    it_global = start_epoch * iters_per_epoch
    for epoch in range(start_epoch, cfg.epochs):
        model.train()
        perm, items = build_epoch(stacks, t, cfg, patch, rng)
        nb = min(-(-len(items) // cfg.batch), iters_per_epoch)
        losses = []
        for i in range(nb):
            if i >= nb:
                break
            x, y = make_batch(perm, items[i * cfg.batch:(i + 1) * cfg.batch], t, patch, rng)
            loss = asteris_loss(model(x), y, mask=cfg.mask)
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()
            if cfg.schedule != 'time':
                sched.step()
            it_global += 1
            if cfg.schedule == 'time':
                frac = min(1.0, (time.time() - t0) / cfg.time_budget_s)
                for g in opt.param_groups:
                    g['lr'] = 1e-6 + 0.5 * (cfg.lr - 1e-6) * (1 + math.cos(math.pi * frac))
                if frac >= 1.0:
                    nb = i + 1
            losses.append(float(loss))
            if (i + 1) % cfg.log_every == 0 or i + 1 == nb:
                _emit(log, event='progress', epoch=epoch + 1, epochs=cfg.epochs, iter=i + 1, iters=nb,
                      loss=round(float(np.mean(losses[-cfg.log_every:])), 3),
                      lr=opt.param_groups[0]['lr'], elapsed_s=round(time.time() - t0, 1))
        rec = {'epoch': epoch + 1, 'train_loss': float(np.mean(losses)) if losses else float('nan'),
               'iters': nb, 'elapsed_s': round(time.time() - t0, 1)}
        if val is not None:
            model.eval()
            with torch.no_grad():
                rec['val_loss'] = float(asteris_loss(model(val[0]), val[1], mask=cfg.mask))
        history.append(rec)
        ck = None
        if cfg.checkpoint_dir:
            os.makedirs(cfg.checkpoint_dir, exist_ok=True)
            ck = os.path.join(cfg.checkpoint_dir, f'E_{epoch + 1:02d}_Iter_{it_global:04d}.pth')
            save_checkpoint(ck, model, opt, sched, epoch, cfg, history)
        _emit(log, event='epoch', checkpoint=ck, **rec)
        if cfg.time_budget_s and time.time() - t0 >= cfg.time_budget_s and epoch + 1 < cfg.epochs:
            _emit(log, event='stopped', reason='time budget', epoch=epoch + 1)
            break
    model.eval()
    return model, history
