"""Multiply-accumulate counter using forward hooks (convs, linears, MDTA matmuls, MHA).

MACs of a convolution = numel(output) · (C_in / groups) · prod(kernel). MDTA adds two batched
matmuls per call (q·kᵀ and A·v): 2 · B · heads · (C/heads)² · N. nn.MultiheadAttention adds its
in/out projections and the score/weighted-sum products. Element-wise ops (norms, GELU, softmax) are
not counted, matching the convention used for the 4.43 MMAC/pixel figure in docs/asteris-method.md §3.5.
"""
from __future__ import annotations

from typing import Dict, Tuple

import torch
import torch.nn as nn

from .asteris_net import MDTA


def count_macs(model: nn.Module, shape: Tuple[int, ...]) -> Dict[str, float]:
    """Run one forward pass on zeros of ``shape`` (B,1,T,H,W); return total MACs and per output pixel."""
    total = [0]
    hooks = []

    def conv_hook(m, inp, out):
        k = 1
        for s in m.kernel_size:
            k *= s
        total[0] += out.numel() * (m.in_channels // m.groups) * k

    def convT_hook(m, inp, out):
        k = 1
        for s in m.kernel_size:
            k *= s
        # each input voxel scatters into C_out·k outputs
        total[0] += inp[0].numel() * (m.out_channels // m.groups) * k

    def linear_hook(m, inp, out):
        total[0] += out.numel() * m.in_features

    def mdta_hook(m, inp, out):
        b, c, d, h, w = out.shape
        total[0] += 2 * b * m.num_heads * (c // m.num_heads) ** 2 * d * h * w

    def mha_hook(m, inp, out):
        q = inp[0]
        L, N, E = q.shape
        S = inp[1].shape[0]
        total[0] += (L + 2 * S) * N * E * E      # in-projections
        total[0] += 2 * L * S * N * E            # scores and weighted sum
        total[0] += L * N * E * E                # out-projection

    for mod in model.modules():
        if isinstance(mod, (nn.Conv2d, nn.Conv3d)):
            hooks.append(mod.register_forward_hook(conv_hook))
        elif isinstance(mod, (nn.ConvTranspose2d, nn.ConvTranspose3d)):
            hooks.append(mod.register_forward_hook(convT_hook))
        elif isinstance(mod, nn.Linear) and not isinstance(mod, nn.modules.linear.NonDynamicallyQuantizableLinear):
            hooks.append(mod.register_forward_hook(linear_hook))
        elif isinstance(mod, MDTA):
            hooks.append(mod.register_forward_hook(mdta_hook))
        elif isinstance(mod, nn.MultiheadAttention):
            hooks.append(mod.register_forward_hook(mha_hook))
    try:
        with torch.no_grad():
            model.eval()
            model(torch.zeros(shape))
    finally:
        for hk in hooks:
            hk.remove()
    b, _, _, h, w = shape
    return {'macs': float(total[0]), 'macs_per_pixel': total[0] / (b * h * w)}
