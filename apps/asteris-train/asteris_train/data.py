"""Training data: FITS exposure stacks (docs/field-format.md), synthetic stacks, semi-real stacks.

* Field directory: ``<field>/field.json`` + ``<field>/<BAND>/*.fits`` (one stack per band).
* Stack directory: a folder that directly holds aligned exposures ``*.fits`` / ``*.fits.gz``.
Exposure pixels are read from the 'SCI' extension when present, else HDU 1 (the reference's
``hdu_num = 1``) when it holds an image, else the first HDU with image data. Frames are ordered by
natural sort of the file names and cropped to the common (top-left anchored) shape, as the reference.
"""
from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass
from typing import List, Optional, Sequence, Tuple

import numpy as np

FITS_RE = re.compile(r'\.(fits|fit|fts)(\.gz)?$', re.IGNORECASE)


class DataError(Exception):
    """Bad training input; the message names the file or directory and the problem."""


def _natural_key(s: str):
    return [int(t) if t.isdigit() else t.lower() for t in re.split(r'(\d+)', s)]


def read_exposure(path: str) -> np.ndarray:
    from astropy.io import fits
    try:
        with fits.open(path, memmap=False) as hdul:
            hdu = None
            if 'SCI' in hdul:
                hdu = hdul['SCI']
            elif len(hdul) > 1 and getattr(hdul[1], 'data', None) is not None and hdul[1].is_image:
                hdu = hdul[1]
            else:
                for h in hdul:
                    if h.is_image and h.data is not None:
                        hdu = h
                        break
            if hdu is None or hdu.data is None or hdu.data.ndim != 2:
                raise DataError(f'{path}: no 2-D image HDU found')
            return np.asarray(hdu.data, dtype=np.float32)
    except DataError:
        raise
    except Exception as e:  # astropy raises many kinds of errors on corrupt files
        raise DataError(f'{path}: cannot read FITS ({e})') from None


@dataclass
class StackSource:
    name: str          # e.g. 'field1/F277W'
    files: List[str]


def find_stacks(paths: Sequence[str]) -> List[StackSource]:
    """Resolve field and stack directories into exposure stacks."""
    out: List[StackSource] = []
    for p in paths:
        if not os.path.isdir(p):
            raise DataError(f'{p}: not a directory')
        fj = os.path.join(p, 'field.json')
        if os.path.isfile(fj):
            try:
                with open(fj) as f:
                    meta = json.load(f)
            except Exception as e:
                raise DataError(f'{fj}: invalid JSON ({e})') from None
            bands = [b['name'] if isinstance(b, dict) else str(b) for b in meta.get('bands', [])]
            if not bands:
                bands = sorted(d for d in os.listdir(p) if os.path.isdir(os.path.join(p, d)))
            for b in bands:
                d = os.path.join(p, b)
                files = _fits_in(d)
                if files:
                    out.append(StackSource(f"{meta.get('name', os.path.basename(p))}/{b}", files))
        else:
            files = _fits_in(p)
            if not files:
                raise DataError(f'{p}: no field.json and no FITS exposures')
            out.append(StackSource(os.path.basename(os.path.normpath(p)), files))
    return out


def _fits_in(d: str) -> List[str]:
    if not os.path.isdir(d):
        return []
    return [os.path.join(d, f) for f in sorted(os.listdir(d), key=_natural_key) if FITS_RE.search(f)]


def load_stack(src: StackSource) -> np.ndarray:
    frames = [read_exposure(f) for f in src.files]
    h = min(f.shape[0] for f in frames)
    w = min(f.shape[1] for f in frames)
    return np.stack([f[:h, :w] for f in frames]).astype(np.float32)


# ------------------------------------------------------------------------------------------
# Synthetic stacks: aligned exposures of a static sky with PSF-convolved sources
# ------------------------------------------------------------------------------------------
def _gaussian_psf(fwhm: float, size: int = 25) -> np.ndarray:
    s = fwhm / 2.3548
    r = np.arange(size) - size // 2
    g = np.exp(-0.5 * (r[:, None] ** 2 + r[None, :] ** 2) / s ** 2)
    return g / g.sum()


def _moffat_psf(fwhm: float, beta: float = 2.5, size: int = 31) -> np.ndarray:
    alpha = fwhm / (2 * np.sqrt(2 ** (1 / beta) - 1))
    r = np.arange(size) - size // 2
    p = (1 + (r[:, None] ** 2 + r[None, :] ** 2) / alpha ** 2) ** (-beta)
    return p / p.sum()


def synthetic_scene(rng: np.random.Generator, h: int, w: int, noise: float) -> np.ndarray:
    """Noise-free sky: point sources and exponential/Sérsic-like discs, convolved with a PSF.

    Fluxes follow a steep power law from ≈ 0.5σ·PSF-area to a few 1000σ, so that most sources are
    near or below the single-exposure detection limit (what the denoiser has to learn).
    """
    from scipy.signal import fftconvolve
    fwhm = rng.uniform(1.6, 4.5)
    psf = _moffat_psf(fwhm, rng.uniform(2.2, 4.0)) if rng.random() < 0.5 else _gaussian_psf(fwhm)
    img = np.zeros((h, w), dtype=np.float64)
    density = rng.uniform(0.002, 0.01)          # sources per pixel
    n = rng.poisson(density * h * w)
    yy, xx = np.mgrid[0:h, 0:w]
    for _ in range(n):
        # total flux in units of the single-exposure noise summed over a PSF footprint
        f = noise * fwhm * (0.3 * (1 - rng.random()) ** (-1 / 0.9))
        f = min(f, noise * 5000)
        y, x = rng.uniform(0, h), rng.uniform(0, w)
        if rng.random() < 0.4:
            iy, ix = int(y), int(x)
            img[iy, ix] += f
        else:
            re_ = rng.uniform(0.5, 6.0)
            q = rng.uniform(0.3, 1.0)
            th = rng.uniform(0, np.pi)
            r = int(min(8 * re_ + 3, 60))
            y0, y1, x0, x1 = max(0, int(y) - r), min(h, int(y) + r + 1), max(0, int(x) - r), min(w, int(x) + r + 1)
            dy, dx = yy[y0:y1, x0:x1] - y, xx[y0:y1, x0:x1] - x
            u = dx * np.cos(th) + dy * np.sin(th)
            v = (-dx * np.sin(th) + dy * np.cos(th)) / q
            n_s = rng.choice([0.5, 1.0, 1.0, 2.0, 4.0])
            prof = np.exp(-(np.hypot(u, v) / re_) ** (1.0 / n_s))
            if prof.sum() > 0:
                img[y0:y1, x0:x1] += f * prof / prof.sum()
    return fftconvolve(img, psf, mode='same')


def synthetic_stack(seed: int, n: int = 32, h: int = 256, w: int = 256, with_truth: bool = False):
    """Aligned stack of N exposures: sky + background + Gaussian noise (per-exposure σ varies ±20 %),
    rare cosmic rays and a few missing (0) pixels. Deterministic in ``seed``."""
    rng = np.random.default_rng(seed)
    noise = 1.0
    truth = synthetic_scene(rng, h, w, noise) + rng.uniform(-0.5, 2.0)
    sig = noise * rng.uniform(0.8, 1.2, size=n)
    stack = truth[None] + rng.standard_normal((n, h, w)) * sig[:, None, None]
    _cosmics(rng, stack, noise)
    stack = stack.astype(np.float32)
    stack[stack == 0] = 1e-7
    return (stack, truth.astype(np.float32)) if with_truth else stack


def _cosmics(rng: np.random.Generator, stack: np.ndarray, noise: float) -> None:
    n, h, w = stack.shape
    k = rng.poisson(h * w * 2e-5 * n)
    t = rng.integers(0, n, k)
    y = rng.integers(0, h - 1, k)
    x = rng.integers(0, w - 1, k)
    amp = noise * rng.uniform(10, 200, k)
    stack[t, y, x] += amp
    stack[t, y + 1, x] += amp * rng.uniform(0, 0.5, k)


# ------------------------------------------------------------------------------------------
# Semi-real stacks: real PRIMER-UDS sky (deep drizzled mosaic) + synthetic exposure noise
# ------------------------------------------------------------------------------------------
PRIMER_DIR = os.path.join('data', 'external', 'mophongo_primer_uds_cutouts')
# Training uses rows [0, 480) of each 820-row cutout; rows [480, 820) are HELD OUT for evaluation.
PRIMER_TRAIN_ROWS = (0, 480)
PRIMER_HOLDOUT_ROWS = (480, 820)


def load_primer(repo_root: str, band: str) -> Tuple[np.ndarray, np.ndarray]:
    from astropy.io import fits
    d = os.path.join(repo_root, PRIMER_DIR)
    sci = fits.getdata(os.path.join(d, f'uds-test-{band}_sci.fits')).astype(np.float64)
    wht = fits.getdata(os.path.join(d, f'uds-test-{band}_wht.fits')).astype(np.float64)
    return sci, wht


def semireal_stack(sci: np.ndarray, wht: np.ndarray, seed: int, n: int = 32, size: int = 256,
                   rows: Tuple[int, int] = PRIMER_TRAIN_ROWS, depth_factor: Optional[float] = None,
                   with_truth: bool = False):
    """N exposures of a real deep-sky crop: X_t = sky + ε_t, ε_t ~ N(0, f²·N/wht).

    The co-add of the N frames then has f× the noise of the real mosaic (f ∈ [2, 6] by default),
    so the mosaic's own noise is ~f² times smaller than the simulated noise and acts as "sky".
    Crops come only from ``rows`` (training rows by default; never the held-out rows).
    """
    rng = np.random.default_rng(seed)
    r0, r1 = rows
    y = int(rng.integers(r0, r1 - size + 1))
    x = int(rng.integers(0, sci.shape[1] - size + 1))
    sky = sci[y:y + size, x:x + size].copy()
    w_ = wht[y:y + size, x:x + size]
    good = np.isfinite(sky) & (w_ > 0)
    medw = np.median(w_[good]) if good.any() else 1.0
    w_ = np.where(good, w_, medw)
    sky = np.where(good, sky, 0.0)
    f = depth_factor if depth_factor is not None else rng.uniform(2.0, 6.0)
    sd = f * np.sqrt(n / w_)
    k = rng.integers(0, 4)                    # random rotation/flip for variety
    sky, sd = np.rot90(sky, k), np.rot90(sd, k)
    stack = sky[None] + rng.standard_normal((n, size, size)) * sd[None]
    _cosmics(rng, stack, float(np.median(sd)))
    stack = stack.astype(np.float32)
    stack[stack == 0] = 1e-7
    return (stack, sky.astype(np.float32)) if with_truth else stack
