"""Exposure stacks with real NIRCam artefacts, for artefact-aware training (issue 14).

Every artefact lives in DETECTOR coordinates and reaches the (aligned) sky grid through an integer dither,
as in a real dithered visit; each exposure t sees detector pixel (y + dy_t + D, x + dx_t + D) at sky (y, x):

* per-amplifier 1/f ROW striping: NIRCam reads each detector row through 4 amplifiers of 512 columns, so
  the 1/f (power ∝ 1/f along the readout) row offsets differ between amplifiers (a common-mode part
  shared by the 4, the rest per amplifier) and between exposures; rms ``row_rms`` σ_t;
* 1/f COLUMN striping (weaker), rms ``col_rms`` σ_t, per exposure;
* cosmic-ray residuals (what jump detection leaves): 1–6 px tracks of 3–60 σ, ``cr_rate`` tracks/px/exposure;
* snowball residuals: round halos of radius 3–8 px, 2–15 σ plateau fading outwards, ``snow_rate`` per px per exposure;
* persistence: a faded (``persist_frac``) copy of the PREVIOUS exposure's bright pixels (> ``persist_level``
  σ), which sat on other detector pixels (the dither moved), so it lands shifted on the sky;
  the first exposure gets a previous visit's (another part of the sky) bright pixels;
* hot pixels: detector-fixed, ``hot_frac`` of pixels, 5–300 σ (log-uniform), plus as many warm 2–5 σ ones;
* exposure-to-exposure depth changes: σ_t = σ·exp(N(0, ``depth_rms``)), and one exposure in ~6 shallow (×1.6);
* white read+sky noise N(0, σ_t²) and a sky pedestal with a gradient.

The scene is either synthetic (data.synthetic_scene) or semi-real: a crop of the real PRIMER-UDS mosaic
(data/external/mophongo_primer_uds_cutouts) from a stated row range (TRAIN rows [0, 480), EVAL rows
[480, 820) — disjoint regions of the sky). Deterministic in the seed: same arguments → same bytes.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Dict, Optional, Tuple

import numpy as np

from .data import PRIMER_HOLDOUT_ROWS, PRIMER_TRAIN_ROWS, synthetic_scene

AMP_WIDTH = 512           # NIRCam: 4 output amplifiers × 512 columns, read along rows
DETECTOR = 2048


@dataclass
class ArtefactConfig:
    row_rms: float = 0.3          # 1/f row striping rms, in σ_t
    row_common: float = 0.5       # fraction of the row-striping VARIANCE shared by the 4 amplifiers
    col_rms: float = 0.1          # 1/f column striping rms, in σ_t
    cr_rate: float = 3e-4         # cosmic-ray residual tracks per px per exposure
    snow_rate: float = 1.5e-5     # snowball residuals per px per exposure
    persist_frac: float = 0.02    # persistence: fraction of the previous exposure's bright excess
    persist_level: float = 10.0   # ... above this many σ
    hot_frac: float = 5e-4        # hot pixels (5–300 σ); as many warm pixels (2–5 σ)
    depth_rms: float = 0.2        # log-normal rms of σ_t between exposures
    dither: int = 12              # integer dithers in [−dither, dither] px
    sky: float = 20.0             # pedestal (σ) ...
    gradient: float = 0.01        # ... and gradient (σ per px)


@dataclass
class ArtefactStack:
    frames: np.ndarray            # (N, H, W) float32
    truth: np.ndarray             # (H, W) float32: scene + sky, no noise, no artefacts
    sigma: np.ndarray             # (N,) white-noise σ_t
    dithers: np.ndarray           # (N, 2) integer (dy, dx)
    det_origin: Tuple[int, int]   # detector (row, col) of sky pixel (0, 0) at zero dither, minus D
    components: Dict[str, np.ndarray] = field(default_factory=dict)   # (N, H, W) each, when asked


def one_over_f(rng: np.random.Generator, n: int, count: int = 1) -> np.ndarray:
    """``count`` series of length n with power ∝ 1/f (f ≥ 1/n), zero mean and unit rms each."""
    m = n // 2 + 1
    f = np.arange(m, dtype=np.float64)
    amp = np.zeros(m)
    amp[1:] = 1.0 / np.sqrt(f[1:])
    spec = amp * (rng.standard_normal((count, m)) + 1j * rng.standard_normal((count, m)))
    s = np.fft.irfft(spec, n=n, axis=1)
    s -= s.mean(axis=1, keepdims=True)
    return s / s.std(axis=1, keepdims=True)


def _stripes(rng, cfg: ArtefactConfig, n_exp: int, size: int, D: int, origin: Tuple[int, int]) -> Tuple[np.ndarray, np.ndarray]:
    """Row and column striping of every exposure on the (size+2D)² detector window, in units of σ_t."""
    L = size + 2 * D
    # which amplifier each detector column of the window belongs to
    cols = origin[1] + np.arange(L)
    amp_of = np.clip(cols // AMP_WIDTH, 0, 3)
    c = np.sqrt(cfg.row_common)
    p = np.sqrt(1.0 - cfg.row_common)
    rows = np.empty((n_exp, L, L))
    colv = np.empty((n_exp, L, L))
    for t in range(n_exp):
        common = one_over_f(rng, L)[0]
        per_amp = one_over_f(rng, L, 4)          # (4, L) row offsets of each amplifier
        r = c * common[:, None] + p * per_amp[amp_of].T   # (L rows, L cols)
        rows[t] = cfg.row_rms * r
        colv[t] = cfg.col_rms * one_over_f(rng, L)[0][None, :]
    return rows, colv


def _tracks(rng, n_exp: int, size: int, rate: float) -> np.ndarray:
    """Cosmic-ray residual tracks (σ units, per exposure)."""
    out = np.zeros((n_exp, size, size))
    for t in range(n_exp):
        k = rng.poisson(rate * size * size)
        for _ in range(k):
            y, x = rng.integers(0, size, 2)
            ln = int(rng.integers(1, 7))
            ang = rng.uniform(0, np.pi)
            amp = rng.uniform(3.0, 60.0)
            for j in range(ln):
                yy, xx = int(round(y + j * np.sin(ang))), int(round(x + j * np.cos(ang)))
                if 0 <= yy < size and 0 <= xx < size:
                    out[t, yy, xx] += amp * (1.0 if j < ln - 1 else rng.uniform(0.3, 1.0))
    return out


def _snowballs(rng, n_exp: int, size: int, rate: float) -> np.ndarray:
    """Snowball residuals: round plateau of radius r (3–8 px) at 2–15 σ with a fading halo out to 2r."""
    out = np.zeros((n_exp, size, size))
    yy, xx = np.mgrid[0:size, 0:size]
    for t in range(n_exp):
        k = rng.poisson(rate * size * size)
        for _ in range(k):
            y0, x0 = rng.uniform(0, size, 2)
            r = rng.uniform(3.0, 8.0)
            a = rng.uniform(2.0, 15.0)
            d = np.hypot(yy - y0, xx - x0)
            out[t] += a * np.where(d <= r, 1.0, np.clip(1.0 - (d - r) / r, 0.0, 1.0) ** 2 * 0.5)
    return out


def _hot(rng, cfg: ArtefactConfig, L: int) -> np.ndarray:
    det = np.zeros((L, L))
    n = rng.binomial(L * L, cfg.hot_frac)
    idx = rng.choice(L * L, 2 * n, replace=False)
    det.flat[idx[:n]] = np.exp(rng.uniform(np.log(5.0), np.log(300.0), n))
    det.flat[idx[n:]] = rng.uniform(2.0, 5.0, n)
    return det


def artefact_stack(seed: int, n: int = 16, size: int = 256, scene: Optional[np.ndarray] = None,
                   cfg: Optional[ArtefactConfig] = None, sigma: float = 1.0, components: bool = False,
                   no_sources: bool = False) -> ArtefactStack:
    """N aligned exposures of ``scene`` (size² noise-free sky, same units as ``sigma``; synthetic when None)
    with every artefact above. ``no_sources``: the same noise and artefacts over an empty sky
    (persistence then has nothing to copy)."""
    cfg = cfg or ArtefactConfig()
    rng = np.random.default_rng([seed, 14])
    nz = np.random.default_rng([seed, 41])       # noise stream, independent of the scene
    if scene is None:
        scene = synthetic_scene(rng, size, size, sigma)
    scene = np.asarray(scene, np.float64)
    if no_sources:
        scene = np.zeros_like(scene)
    D = cfg.dither
    L = size + 2 * D
    origin = (int(nz.integers(0, DETECTOR - L)), int(nz.integers(0, DETECTOR - L)))
    yy, xx = np.mgrid[0:size, 0:size]
    sky = cfg.sky * sigma + cfg.gradient * sigma * (xx * np.cos(nz.uniform(0, 6.3)) + yy * np.sin(nz.uniform(0, 6.3)))
    truth = scene + sky
    sig = sigma * np.exp(cfg.depth_rms * nz.standard_normal(n))
    sig[nz.random(n) < 1 / 6] *= 1.6
    dith = np.zeros((n, 2), dtype=np.int64)
    dith[1:] = nz.integers(-D, D + 1, (n - 1, 2))
    rows, cols = _stripes(nz, cfg, n, size, D, origin)
    hot = _hot(nz, cfg, L)
    crs = _tracks(nz, n, size, cfg.cr_rate)
    snow = _snowballs(nz, n, size, cfg.snow_rate)
    white = nz.standard_normal((n, size, size))
    # persistence: bright excess of exposure t−1 on the detector, seen by exposure t
    bright = np.clip(scene - cfg.persist_level * sigma, 0.0, None)
    prev_visit = np.roll(bright, (int(nz.integers(size // 4, size // 2)), int(nz.integers(size // 4, size // 2))), (0, 1))
    frames = np.empty((n, size, size), np.float64)
    comp = {k: np.zeros((n, size, size)) for k in ('rows', 'cols', 'hot', 'persistence')} if components else {}
    for t in range(n):
        dy, dx = int(dith[t, 0]), int(dith[t, 1])
        win = (slice(D + dy, D + dy + size), slice(D + dx, D + dx + size))
        if t == 0:
            pers = prev_visit
        else:
            # sky pixel s was detector pixel s + d_t; the previous exposure put sky pixel (s + d_t − d_{t−1}) there
            sy, sx = dy - int(dith[t - 1, 0]), dx - int(dith[t - 1, 1])
            pers = np.zeros_like(bright)
            ys = slice(max(0, -sy), min(size, size - sy))
            xs = slice(max(0, -sx), min(size, size - sx))
            if ys.stop > ys.start and xs.stop > xs.start:     # (a shift larger than the crop leaves nothing)
                pers[ys, xs] = bright[ys.start + sy:ys.stop + sy, xs.start + sx:xs.stop + sx]
        st = sig[t] * (rows[t][win] + cols[t][win])
        hp = sigma * hot[win]
        frames[t] = truth + sig[t] * white[t] + st + hp + sigma * (crs[t] + snow[t]) + cfg.persist_frac * pers
        if components:
            comp['rows'][t] = sig[t] * rows[t][win]
            comp['cols'][t] = sig[t] * cols[t][win]
            comp['hot'][t] = hp
            comp['persistence'][t] = cfg.persist_frac * pers
    if components:
        comp['cr'] = sigma * crs
        comp['snow'] = sigma * snow
        comp['white'] = sig[:, None, None] * white
    out = frames.astype(np.float32)
    out[out == 0] = 1e-7                          # exact 0 means "missing" in ASTERIS
    return ArtefactStack(out, truth.astype(np.float32), sig, dith, origin, comp)


def primer_scene(sci: np.ndarray, wht: np.ndarray, seed: int, size: int, rows: Tuple[int, int],
                 depth_factor: Optional[float] = None) -> Tuple[np.ndarray, float]:
    """A size² crop of the real PRIMER-UDS mosaic from ``rows`` (+ random rotation), and the per-exposure
    σ that puts an N = 16 co-add at ``depth_factor`` (2–6) × the mosaic's own noise (which is then ≪ the
    simulated noise and plays the part of "sky")."""
    rng = np.random.default_rng([seed, 7])
    r0, r1 = rows
    if r1 - r0 < size:
        raise ValueError(f'row range {rows} is smaller than the crop ({size} px)')
    y = int(rng.integers(r0, r1 - size + 1))
    x = int(rng.integers(0, sci.shape[1] - size + 1))
    sky = sci[y:y + size, x:x + size].astype(np.float64)
    w = wht[y:y + size, x:x + size]
    good = np.isfinite(sky) & (w > 0)
    sky = np.where(good, sky, 0.0)
    f = depth_factor if depth_factor is not None else rng.uniform(2.0, 6.0)
    sigma = f * np.sqrt(16.0 / np.median(w[good]))
    return np.rot90(sky, int(rng.integers(0, 4))).copy(), float(sigma)


def training_set(repo: str, seeds_synth, seeds_primer: Dict[str, list], n: int = 32, size: int = 256,
                 rows: Tuple[int, int] = PRIMER_TRAIN_ROWS):
    """Raw artefact stacks (N, H, W) for training: synthetic scenes and PRIMER-UDS ``rows`` crops.
    The artefact strengths are drawn per stack (wide priors) so the network sees weak and strong cases."""
    from .data import load_primer
    out = []
    for s in seeds_synth:
        out.append(artefact_stack(s, n=n, size=size, cfg=random_config(s)).frames)
    for band, seeds in seeds_primer.items():
        sci, wht = load_primer(repo, band)
        for s in seeds:
            scene, sg = primer_scene(sci, wht, s, size, rows)
            out.append(artefact_stack(s, n=n, size=size, scene=scene, sigma=sg, cfg=random_config(s)).frames)
    return out


def random_config(seed: int) -> ArtefactConfig:
    """Artefact strengths drawn per stack (log-uniform over realistic ranges)."""
    r = np.random.default_rng([seed, 99])
    lu = lambda a, b: float(np.exp(r.uniform(np.log(a), np.log(b))))  # noqa: E731
    return ArtefactConfig(row_rms=lu(0.05, 0.6), row_common=float(r.uniform(0.2, 0.8)), col_rms=lu(0.02, 0.2),
                          cr_rate=lu(5e-5, 1e-3), snow_rate=lu(2e-6, 5e-5), persist_frac=lu(0.003, 0.05),
                          hot_frac=lu(1e-4, 2e-3), depth_rms=float(r.uniform(0.05, 0.35)),
                          dither=int(r.integers(2, 24)), gradient=lu(0.001, 0.03))


__all__ = ['ArtefactConfig', 'ArtefactStack', 'artefact_stack', 'one_over_f', 'primer_scene', 'training_set',
           'random_config', 'PRIMER_TRAIN_ROWS', 'PRIMER_HOLDOUT_ROWS', 'AMP_WIDTH']
