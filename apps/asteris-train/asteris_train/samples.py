"""Noise2Noise half-split sample building (docs/asteris-method.md §2.2).

Stacks here are already prepared (prepare_training_stack): (N, H, W) float32, 0 = missing.
"""
from __future__ import annotations

import math
from typing import List, Tuple

import numpy as np

from .preprocess import remove_median


def axis_starts(length: int, patch: int, overlap: float = 0.1, cover_edge: bool = True) -> List[int]:
    """Patch starts along one axis. Stride G = int(P·(1 − overlap)).

    Reference (cover_edge=False): only whole patches on the grid, count int((L − P + G)/G), so the
    right/bottom remainder is never used (pitfall). cover_edge=True (our default) appends one patch
    flush with the far edge when the grid misses it, like the inference tiling (§4.2).
    """
    if length < patch:
        return []
    g = int(patch * (1 - overlap))
    n = int((length - patch + g) / g)
    starts = [i * g for i in range(n)]
    if cover_edge and starts[-1] + patch < length:
        starts.append(length - patch)
    return starts


def temporal_windows(n: int, t: int) -> List[int]:
    """Start frames of the 2T-frame windows (§2.2.3): gap = ⌊0.4(N − 2T)⌋; if gap >= T windows start
    every T frames (count int((N − 2T + T)/T)), else one window at 0."""
    if n < 2 * t:
        return []
    gap = math.floor((n - 2 * t) * 0.4)
    if gap < t:
        return [0]
    return [i * t for i in range(int((n - 2 * t + t) / t))]


def patch_list(stacks: List[np.ndarray], t: int, patch: int, overlap: float = 0.1,
               cover_edge: bool = True, k: int = 1) -> List[Tuple[int, int, int, int]]:
    """(stack index, frame start, y, x) for every patch; windows hold 2T·k frames (k = frames per
    super-frame in training, 1 = reference)."""
    out = []
    for si, s in enumerate(stacks):
        n, h, w = s.shape
        for z in temporal_windows(n // k, t):
            for y in axis_starts(h, patch, overlap, cover_edge):
                for x in axis_starts(w, patch, overlap, cover_edge):
                    out.append((si, z * k, y, x))
    return out


def too_empty(window: np.ndarray, threshold: float = 0.2) -> bool:
    """Reference filter (§2.2.4): drop when more than 20 % of the even-indexed half is 0 (missing)."""
    half = window[0::2]
    return float((half == 0).mean()) > threshold


def debias_half(half: np.ndarray) -> np.ndarray:
    """A ← A − nanmedian_(y,x)(nanmean_t A), 0 = missing (§2.2.5)."""
    return remove_median(half, 'mean')[0]


def dihedral(x: np.ndarray, k: int) -> np.ndarray:
    """Element k ∈ [0, 8) of the dihedral group on the last two axes: rot90^(k mod 4), flipped if k >= 4."""
    if k >= 4:
        x = x[..., ::-1]
    return np.rot90(x, k % 4, axes=(-2, -1))


def group_frames(window: np.ndarray, k: int) -> np.ndarray:
    """Average consecutive groups of k frames (0 = missing) → 2T super-frames. k = 1: unchanged."""
    if k == 1:
        return window
    n = window.shape[0] // k
    w = window[:n * k].reshape(n, k, *window.shape[1:]).astype(np.float64)
    valid = (w != 0)
    cnt = valid.sum(axis=1)
    s = np.where(valid, w, 0).sum(axis=1)
    return np.where(cnt > 0, s / np.maximum(cnt, 1), 0).astype(np.float32)


def make_pair(window: np.ndarray, rng: np.random.Generator, augment: bool = True
              ) -> Tuple[np.ndarray, np.ndarray]:
    """Input/target halves from a 2T-frame window (§2.2.5): A = even frames, B = odd frames, each
    debiased on its own, swapped with p = 0.5, same random dihedral transform. Returns two
    (1, T, P, P) float32 arrays. Because the frame axis was randomly permuted beforehand, A and B
    are random disjoint subsets of exposures (no exposure appears in both)."""
    a = debias_half(window[0::2])
    b = debias_half(window[1::2])
    if rng.random() < 0.5:
        a, b = b, a
    if augment:
        kk = int(rng.integers(0, 8))
        a, b = dihedral(a, kk), dihedral(b, kk)
    return (np.ascontiguousarray(a, dtype=np.float32)[None],
            np.ascontiguousarray(b, dtype=np.float32)[None])
