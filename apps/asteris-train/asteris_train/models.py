"""Model registry: architecture name → constructor, frame count T and spatial multiple."""
from __future__ import annotations

from typing import Dict

import torch.nn as nn

from .asteris_net import ASTERIS4, ASTERIS8
from .lite_net import AsterisLite, AsterisNull, TinyTest

ARCHS = ('lite', 'lite-null', 'asteris4', 'asteris8', 'tiny')


def build_model(arch: str, frames: int | None = None) -> nn.Module:
    """Build a freshly initialised model. ``frames`` only applies to lite/lite-null/tiny (default 8)."""
    if arch == 'asteris8':
        return ASTERIS8()
    if arch == 'asteris4':
        return ASTERIS4()
    if arch == 'lite':
        return AsterisLite(frames=frames or 8)
    if arch == 'lite-null':
        return AsterisNull(frames=frames or 8)
    if arch == 'tiny':
        return TinyTest(frames=frames or 8)
    raise ValueError(f"unknown architecture '{arch}' (expected one of {', '.join(ARCHS)})")


def model_frames(model: nn.Module) -> int:
    return int(getattr(model, 'frames'))


def model_multiple(model: nn.Module) -> int:
    return int(getattr(model, 'spatial_multiple'))


def count_params(model: nn.Module) -> int:
    return sum(p.numel() for p in model.parameters())


def describe(model: nn.Module) -> Dict[str, int]:
    return {'frames': model_frames(model), 'spatial_multiple': model_multiple(model),
            'params': count_params(model)}
