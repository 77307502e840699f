"""ASTERIS training loss (docs/asteris-method.md §2.3).

L = 1e6 · [0.125 · SmoothL1_β=1(f, B̃) + MSE(clamp(mean_t f, max = max m_B), m_B)]
with B̃ = target with 0 → NaN → 0, m_B = nanmean_t(B̃) (NaN → 0).
``mask=True`` applies the reference's intended-but-disabled ``mask_train`` (pitfall fixed): missing
target voxels / pixels are multiplied out of both terms. ``mask=False`` reproduces the reference.
"""
from __future__ import annotations

import torch
import torch.nn.functional as F


def asteris_loss(pred: torch.Tensor, target: torch.Tensor, mask: bool = False) -> torch.Tensor:
    tb = target.clone()
    tb[tb == 0] = float('nan')
    mask_v = (~torch.isnan(tb)).float()
    mean_b = torch.nanmean(tb, dim=2)
    mask_m = (~torch.isnan(mean_b)).float()
    mean_b = torch.nan_to_num(mean_b, nan=0.0)
    tb = torch.nan_to_num(tb, nan=0.0)
    mean_f = torch.clamp(pred.mean(dim=2), max=mean_b.max())
    if not mask:
        mask_v = torch.ones_like(mask_v)
        mask_m = torch.ones_like(mask_m)
    l1 = F.smooth_l1_loss(pred * mask_v, tb * mask_v, beta=1.0)
    l2 = F.mse_loss(mean_f * mask_m, mean_b * mask_m)
    return 1e6 * (0.125 * l1 + l2)
