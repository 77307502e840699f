"""ASTERIS preprocessing, transcribed from docs/asteris-method.md §1 (training and inference stacks).

All functions take and return numpy arrays; stacks are (N, H, W) float arrays with N = exposures.
Conventions (as in the reference): an exact 0 means "missing" and becomes NaN before statistics;
after normalisation NaN becomes 0 again (the +1 offset keeps real data away from 0).
Statistics are computed in float64; returned stacks are float32.

This module is the Python reference that the TypeScript inference path (libs/asteris) is tested
against; signatures are listed in docs/contracts.md.
"""
from __future__ import annotations

from typing import Dict, List, Tuple

import numpy as np

SCALE_FACTOR = 4.0


def zero_to_nan(stack: np.ndarray) -> np.ndarray:
    """Copy as float64 with exact zeros (and ±inf) turned into NaN (§1.2)."""
    out = np.array(stack, dtype=np.float64, copy=True)
    out[~np.isfinite(out)] = np.nan
    out[out == 0] = np.nan
    return out


def valid_bbox(stack: np.ndarray) -> Tuple[int, int, int, int]:
    """Bounding box (y0, y1, x0, x1), half-open, of pixels finite and non-zero in EVERY frame (§1.3.2).

    Raises ValueError when no pixel is valid in all frames.
    """
    s = zero_to_nan(stack)
    good = np.all(np.isfinite(s), axis=0)
    ys = np.flatnonzero(good.any(axis=1))
    xs = np.flatnonzero(good.any(axis=0))
    if ys.size == 0:
        raise ValueError('no pixel is valid (finite and non-zero) in every exposure')
    return int(ys[0]), int(ys[-1]) + 1, int(xs[0]), int(xs[-1]) + 1


def crop_valid(stack: np.ndarray) -> Tuple[np.ndarray, Tuple[int, int, int, int]]:
    """Crop every frame to :func:`valid_bbox`; returns (cropped float64 stack with NaN holes, bbox)."""
    y0, y1, x0, x1 = valid_bbox(stack)
    return zero_to_nan(stack)[:, y0:y1, x0:x1], (y0, y1, x0, x1)


def temporal_clip(stack: np.ndarray, k: float = 3.0) -> np.ndarray:
    """Per-pixel temporal clip used for TRAINING stacks only (§1.3.3).

    c = nanmedian_t, s = nanstd_t (ddof 0); voxels with X <= c - k s or X >= c + k s become NaN.
    Pixels with s == 0 or NaN are never clipped. Single pass.
    """
    s = zero_to_nan(stack)
    with np.errstate(invalid='ignore'), _quiet():
        c = np.nanmedian(s, axis=0)
        sd = np.nanstd(s, axis=0)
        ok = np.isfinite(sd) & (sd > 0)
        bad = ((s <= c - k * sd) | (s >= c + k * sd)) & ok[None]
    s[bad] = np.nan
    return s


def sigma_clip_limits(values: np.ndarray, k: float = 3.0) -> Tuple[float, float]:
    """Iterated scipy.stats.sigmaclip limits (§1.3.4).

    Repeat: m = mean, σ = population std of the kept sample; keep values in [m − kσ, m + kσ];
    until nothing is removed. Returns (lo, hi) = m ± kσ of the converged sample. NaNs are ignored.
    """
    c = np.asarray(values, dtype=np.float64).ravel()
    c = c[np.isfinite(c)]
    if c.size == 0:
        raise ValueError('no finite values to clip')
    while True:
        m = c.mean()
        sd = c.std()
        lo, hi = m - k * sd, m + k * sd
        kept = c[(c >= lo) & (c <= hi)]
        if kept.size == c.size:
            return float(lo), float(hi)
        c = kept


def global_clip(stack: np.ndarray, k: float = 3.0) -> Tuple[np.ndarray, np.ndarray, float, float]:
    """Global iterative kσ winsorisation of all finite voxels (§1.3.4, §1.4.6).

    Returns (clipped, excess, lo, hi): clipped = min(max(X, lo), hi) (NaN stays NaN),
    excess P = X − clipped (0 where X is NaN).
    """
    s = zero_to_nan(stack)
    lo, hi = sigma_clip_limits(s, k)
    clipped = np.clip(s, lo, hi)
    excess = np.nan_to_num(s - clipped, nan=0.0)
    return clipped, excess, lo, hi


def zscore_params(clipped: np.ndarray) -> Tuple[float, float]:
    """μ = median, σ = population std of all finite voxels of the clipped stack (§1.3.6)."""
    v = np.asarray(clipped, dtype=np.float64)
    v = v[np.isfinite(v)]
    return float(np.median(v)), float(v.std())


def normalise(stack: np.ndarray, mu: float, sigma: float, scale: float = SCALE_FACTOR) -> np.ndarray:
    """Y = (X − μ)/σ / scale + 1, NaN → 0, float32 (§1.3.6)."""
    y = (np.asarray(stack, dtype=np.float64) - mu) / sigma / scale + 1.0
    return np.nan_to_num(y, nan=0.0).astype(np.float32)


def denormalise(y: np.ndarray, mu: float, sigma: float, scale: float = SCALE_FACTOR) -> np.ndarray:
    """Inverse of :func:`normalise`: Phys = (Y − 1)·scale·σ + μ (§4.4.3)."""
    return (np.asarray(y, dtype=np.float64) - 1.0) * scale * sigma + mu


def superframe_groups(n: int, t: int) -> List[Tuple[int, int]]:
    """Contiguous groups binning N exposures into T super-frames (§1.4.8, ``process_nmean``).

    q = N // T, r = N % T; group j has q frames plus one when ⌊(T−r)/2⌋ <= j < ⌊(T−r)/2⌋ + r.
    Example N=12, T=8 → sizes 1,1,2,2,2,2,1,1. Raises ValueError when N < T (the reference
    silently returns N frames and the network then fails — pitfall fixed).
    """
    if t < 1:
        raise ValueError('T must be >= 1')
    if n < t:
        raise ValueError(f'{n} exposures cannot be binned into {t} super-frames (need N >= T)')
    q, r = divmod(n, t)
    start_extra = (t - r) // 2
    groups, s = [], 0
    for j in range(t):
        size = q + (1 if start_extra <= j < start_extra + r else 0)
        groups.append((s, s + size))
        s += size
    return groups


def bin_superframes(stack: np.ndarray, t: int) -> np.ndarray:
    """nanmean of each contiguous group (0 = missing), NaN → 0, float32 (T, H, W)."""
    s = zero_to_nan(stack)
    out = np.empty((t,) + s.shape[1:], dtype=np.float64)
    with _quiet():
        for j, (a, b) in enumerate(superframe_groups(s.shape[0], t)):
            out[j] = np.nanmean(s[a:b], axis=0)
    return np.nan_to_num(out, nan=0.0).astype(np.float32)


def clip_part_image(excess: np.ndarray) -> np.ndarray:
    """Bright-excess image R(y, x) (§1.4.9).

    Where at most one exposure has a non-zero excess, the pixel's excess is zeroed in all exposures
    (a single-frame spike is a cosmic ray, not a source). R = numpy median over ALL N exposures
    (mean of the two middle values for even N). NaN excess counts as 0.
    """
    p = np.nan_to_num(np.asarray(excess, dtype=np.float64), nan=0.0)
    nonzero = (p != 0).sum(axis=0)
    p = np.where((nonzero <= 1)[None], 0.0, p)
    return np.median(p, axis=0)


def remove_median(stack: np.ndarray, temporal: str = 'mean') -> Tuple[np.ndarray, float]:
    """Background removal (§2.2.1, §4.1.2, §4.2): g = nanmedian_(y,x)[nanmean_t(Y)] (``temporal='mean'``,
    whole stack and training halves) or nanmedian_(y,x)[nanmedian_t(Y)] (``'median'``, inference tiles).

    Returns (Y − g with NaN → 0 as float32, g). 0 is missing; g = NaN (all missing) is treated as 0.
    """
    s = zero_to_nan(stack)
    with _quiet():
        img = np.nanmean(s, axis=0) if temporal == 'mean' else np.nanmedian(s, axis=0)
        g = float(np.nanmedian(img)) if np.isfinite(img).any() else 0.0
    if not np.isfinite(g):
        g = 0.0
    return np.nan_to_num(s - g, nan=0.0).astype(np.float32), g


def prepare_training_stack(frames: np.ndarray, clip_k: float = 3.0, temporal_k: float = 3.0
                           ) -> Tuple[np.ndarray, Dict[str, float]]:
    """Full training-stack preparation (§1.3): crop, temporal clip, global clip, z-score, x/4+1,
    then whole-stack median removal (§2.2.1). Returns ((N,H,W) float32, stats)."""
    cropped, bbox = crop_valid(frames)
    s = temporal_clip(cropped, temporal_k) if temporal_k > 0 else cropped
    clipped, _excess, lo, hi = global_clip(s, clip_k)
    mu, sigma = zscore_params(clipped)
    y = normalise(clipped, mu, sigma)
    y, g = remove_median(y, 'mean')
    return y, {'mu': mu, 'sigma': sigma, 'lo': lo, 'hi': hi, 'g': g,
               'y0': bbox[0], 'y1': bbox[1], 'x0': bbox[2], 'x1': bbox[3]}


def prepare_inference_stack(frames: np.ndarray, t: int, clip_k: float = 3.0) -> Dict[str, object]:
    """Inference-stack preparation (§1.4): crop, global clip (no temporal clip), z-score, x/4+1,
    binning into T super-frames, bright-excess image R, whole-stack median removal (§4.1).

    Returns dict(stack=(T,H,W) float32 after median removal, g, mu, sigma, lo, hi, R, bbox).
    """
    cropped, bbox = crop_valid(frames)
    clipped, excess, lo, hi = global_clip(cropped, clip_k)
    mu, sigma = zscore_params(clipped)
    y = normalise(clipped, mu, sigma)
    binned = bin_superframes(y, t)
    stack, g = remove_median(binned, 'mean')
    return {'stack': stack, 'g': g, 'mu': mu, 'sigma': sigma, 'lo': lo, 'hi': hi,
            'R': clip_part_image(excess), 'bbox': bbox}


class _quiet:
    """Silence numpy's 'All-NaN slice' / 'Mean of empty slice' warnings inside a block."""

    def __enter__(self):
        import warnings
        self._w = warnings.catch_warnings()
        self._w.__enter__()
        warnings.simplefilter('ignore', RuntimeWarning)
        return self

    def __exit__(self, *a):
        return self._w.__exit__(*a)
