"""ASTERIS-lite and the tiny test model: CPU-friendly denoisers with the same I/O as ASTERIS.

I/O contract (identical to ASTERIS4/8): input (B, 1, T, H, W) float32 in normalised units
(background ≈ 0 after median removal, noise ≈ 0.25/√k), output (B, 1, T, H, W).

ASTERIS-lite design (docs/asteris-train.md §Lite):
  * per-frame front end: a shared 3x3 conv (Conv3d with a (1,3,3) kernel) 1 → F features per frame,
    LeakyReLU, then a permutation-invariant pooling over frames (mean and max of the features,
    DeepSets-style). The halves of a Noise2Noise split are random subsets of exposures, so the
    frame order carries no information; pooling makes the model exactly order-invariant and lets
    it learn robust, outlier-aware per-pixel statistics (max-pool sees cosmic-ray-like spikes).
  * a light 2-D U-Net (3 levels, widths c, 2c, 4c; stride-2 conv down, 2x2 transposed conv up)
    on [pooled features, temporal mean, temporal std].
  * residual on the temporal mean: every output frame = mean_t(x) + Δ(x), so all T outputs are the
    same estimate of the clean sky (what Noise2Noise converges to) and averaging them is exact.
  No tile-global statistics (unlike MDTA), so outputs do not depend on tile size except through the
  per-tile median removal and the zero padding at tile borders (receptive field ±22 px).
  H and W must be multiples of 4.
"""
from __future__ import annotations

import torch
import torch.nn as nn
import torch.nn.functional as F


def _conv(cin: int, cout: int, k: int = 3, stride: int = 1) -> nn.Conv2d:
    return nn.Conv2d(cin, cout, kernel_size=k, stride=stride, padding=k // 2)


class ConvPair(nn.Module):
    def __init__(self, cin: int, cout: int):
        super().__init__()
        self.c1 = _conv(cin, cout)
        self.c2 = _conv(cout, cout)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = F.leaky_relu(self.c1(x), 0.1)
        return F.leaky_relu(self.c2(x), 0.1)


class AsterisLite(nn.Module):
    spatial_multiple = 4

    def __init__(self, frames: int = 8, features: int = 12, width: int = 24):
        super().__init__()
        self.frames = frames
        self.front = nn.Conv3d(1, features, kernel_size=(1, 3, 3), padding=(0, 1, 1))
        c = width
        self.enc1 = ConvPair(2 * features + 2, c)
        self.down1 = _conv(c, 2 * c, 3, 2)
        self.enc2 = ConvPair(2 * c, 2 * c)
        self.down2 = _conv(2 * c, 4 * c, 3, 2)
        self.mid = ConvPair(4 * c, 4 * c)
        self.up2 = nn.ConvTranspose2d(4 * c, 2 * c, kernel_size=2, stride=2)
        self.dec2 = ConvPair(4 * c, 2 * c)
        self.up1 = nn.ConvTranspose2d(2 * c, c, kernel_size=2, stride=2)
        self.dec1 = ConvPair(2 * c, c)
        self.head = nn.Conv2d(c, 1, kernel_size=3, padding=1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        b, _, t, h, w = x.shape
        mean = x.mean(dim=2)                                       # (B,1,H,W)
        std = torch.sqrt(((x - mean.unsqueeze(2)) ** 2).mean(dim=2) + 1e-6)
        f = F.leaky_relu(self.front(x), 0.1)                       # (B,F,T,H,W)
        feats = torch.cat([f.mean(dim=2), f.amax(dim=2), mean, std], dim=1)
        out = (mean + self.unet(feats)).unsqueeze(2)               # (B,1,1,H,W)
        return out.repeat(1, 1, t, 1, 1)

    def unet(self, feats: torch.Tensor) -> torch.Tensor:
        """The 2-D U-Net on the pooled features: (B, 2F + 2, H, W) → Δ (B, 1, H, W)."""
        e1 = self.enc1(feats)
        e2 = self.enc2(F.leaky_relu(self.down1(e1), 0.1))
        m = self.mid(F.leaky_relu(self.down2(e2), 0.1))
        d2 = self.dec2(torch.cat([self.up2(m), e2], dim=1))
        d1 = self.dec1(torch.cat([self.up1(d2), e1], dim=1))
        return self.head(d1)


class AsterisNull(AsterisLite):
    """ASTERIS-lite-null: the lite network made lossless for a static sky by construction (issue 14).

    Every output frame is mean_t(x) + Δ(r), where Δ sees ONLY the residual frames r_t = x_t − mean_t(x)
    (front conv on r_t, DeepSets pooling, the temporal std) and never the mean. The static sky lies in the
    mean and cancels from every r_t, so:
      * shifting every frame by the same image s shifts the output by exactly s (tested): the sky's signal
        passes with unit gain at every spatial frequency, nothing is shrunk, nothing can be invented from
        sky structure;
      * with Noise2Noise targets (the other half's mean m_B = s + n_B) the loss is minimised by
        Δ = −E[n_A − n_B | r_A]: the part of the input half's noise predictable from its own residuals
        (cosmic rays, snowballs, persistence, hot pixels, outliers the clip missed). For Gaussian noise
        independent between exposures, the mean and the residuals are independent, so Δ → 0 and the
        output is the co-add: the Neyman–Pearson limit is kept, not undercut.
    Same I/O and cost as ASTERIS-lite.
    """

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        t = x.shape[2]
        mean = x.mean(dim=2)                                       # (B,1,H,W)
        r = x - mean.unsqueeze(2)                                  # residual frames: no static sky
        std = torch.sqrt((r ** 2).mean(dim=2) + 1e-6)
        f = F.leaky_relu(self.front(r), 0.1)                       # (B,F,T,H,W)
        zero = torch.zeros_like(mean)                              # keeps enc1's input width (lite's layout)
        feats = torch.cat([f.mean(dim=2), f.amax(dim=2), zero, std], dim=1)
        return (mean + self.unet(feats)).unsqueeze(2).repeat(1, 1, t, 1, 1)


class TinyTest(nn.Module):
    """A few-thousand-parameter model with the same I/O, for fast parity and end-to-end tests.

    Per-frame 3x3 conv front end (Conv3d (1,3,3)), mean over frames, two 3x3 convs, residual on the
    temporal mean. Any H, W (no down-sampling).
    """

    spatial_multiple = 1

    def __init__(self, frames: int = 8, features: int = 8):
        super().__init__()
        self.frames = frames
        self.front = nn.Conv3d(1, features, kernel_size=(1, 3, 3), padding=(0, 1, 1))
        self.c1 = nn.Conv2d(features + 1, 16, kernel_size=3, padding=1)
        self.c2 = nn.Conv2d(16, 1, kernel_size=3, padding=1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        t = x.shape[2]
        mean = x.mean(dim=2)
        f = F.leaky_relu(self.front(x), 0.1).mean(dim=2)
        h = F.leaky_relu(self.c1(torch.cat([f, mean], dim=1)), 0.1)
        return (mean + self.c2(h)).unsqueeze(2).repeat(1, 1, t, 1, 1)
