"""ASTERIS 3-D Restormer U-Net (4- and 8-frame variants).

Re-implemented from the specification in docs/asteris-method.md §3 (which describes the public
reference implementation freemercury/ASTERIS_THU @661ec5e). Module and parameter names are chosen
so that ``state_dict()`` keys and shapes are identical to the reference checkpoints
(``model_state_dict`` in the authors' ``.pth`` files), which is what ``asteris_train convert`` relies on.

Tensor layout everywhere: (B, C, D, H, W) with D = the temporal axis (frames).
"""
from __future__ import annotations

from typing import Sequence

import torch
import torch.nn as nn
import torch.nn.functional as F


# --------------------------------------------------------------------------------------------
# Building blocks (§3.1)
# --------------------------------------------------------------------------------------------
class BiasFreeNorm(nn.Module):
    """y = x / sqrt(Var_c(x) + 1e-5) * w  — population variance over channels, mean NOT subtracted."""

    def __init__(self, channels: int):
        super().__init__()
        self.weight = nn.Parameter(torch.ones(channels))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        # channels are dim 1; the reference flattens to tokens (b, dhw, c) and normalises over c.
        var = x.var(dim=1, keepdim=True, unbiased=False)
        return x / torch.sqrt(var + 1e-5) * self.weight.view(1, -1, 1, 1, 1)


class ChannelNorm(nn.Module):
    """Wrapper holding the norm as ``.body`` (reference key: ``norm1.body.weight``)."""

    def __init__(self, channels: int):
        super().__init__()
        self.body = BiasFreeNorm(channels)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.body(x)


class GatedDconvFFN(nn.Module):
    """GDFN: 1x1x1 C→2h, depthwise 3³ (replicate pad), GELU(x1)·x2, 1x1x1 h→C; h = int(2.66 C)."""

    def __init__(self, dim: int, expansion: float = 2.66):
        super().__init__()
        hidden = int(dim * expansion)
        self.project_in = nn.Conv3d(dim, hidden * 2, kernel_size=1, bias=False)
        self.dwconv = nn.Conv3d(hidden * 2, hidden * 2, kernel_size=3, padding=1,
                                padding_mode='replicate', groups=hidden * 2, bias=False)
        self.project_out = nn.Conv3d(hidden, dim, kernel_size=1, bias=False)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        a, b = self.dwconv(self.project_in(x)).chunk(2, dim=1)
        return self.project_out(F.gelu(a) * b)


def transposed_attention(qkv: torch.Tensor, heads: int, temperature: torch.Tensor) -> torch.Tensor:
    """MDTA core: per head, A = softmax(norm(q) norm(k)^T · τ) over channels; out = A v.

    q, k are L2-normalised along the token axis N = D·H·W (all voxels of the tile), eps 1e-12.
    """
    b, c3, d, h, w = qkv.shape
    c = c3 // 3
    q, k, v = qkv.chunk(3, dim=1)
    q = q.reshape(b, heads, c // heads, d * h * w)
    k = k.reshape(b, heads, c // heads, d * h * w)
    v = v.reshape(b, heads, c // heads, d * h * w)
    q = F.normalize(q, dim=-1)
    k = F.normalize(k, dim=-1)
    attn = torch.softmax((q @ k.transpose(-2, -1)) * temperature, dim=-1)
    out = attn @ v
    return out.reshape(b, c, d, h, w)


class MDTA(nn.Module):
    """Multi-Dconv-head transposed attention with the separate D = 1 branch (§3.1).

    D ≠ 1: qkv / qkv_dwconv (replicate padding) / project_out.
    D = 1: qkv2 / qkv_dwconv2 (ZERO padding) / project_out2. Both weight sets always exist.
    """

    def __init__(self, dim: int, heads: int):
        super().__init__()
        self.num_heads = heads
        self.temperature = nn.Parameter(torch.ones(heads, 1, 1))
        self.qkv = nn.Conv3d(dim, dim * 3, kernel_size=1, bias=False)
        self.qkv_dwconv = nn.Conv3d(dim * 3, dim * 3, kernel_size=3, padding=1,
                                    padding_mode='replicate', groups=dim * 3, bias=False)
        self.project_out = nn.Conv3d(dim, dim, kernel_size=1, bias=False)
        self.qkv2 = nn.Conv3d(dim, dim * 3, kernel_size=1, bias=False)
        self.qkv_dwconv2 = nn.Conv3d(dim * 3, dim * 3, kernel_size=3, padding=1,
                                     groups=dim * 3, bias=False)
        self.project_out2 = nn.Conv3d(dim, dim, kernel_size=1, bias=False)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        # D is static for a given model (T fixed), so this branch is resolved at export time.
        if x.shape[2] != 1:
            out = transposed_attention(self.qkv_dwconv(self.qkv(x)), self.num_heads, self.temperature)
            return self.project_out(out)
        out = transposed_attention(self.qkv_dwconv2(self.qkv2(x)), self.num_heads, self.temperature)
        return self.project_out2(out)


class RestormerBlock(nn.Module):
    """x ← x + MDTA(LN(x)); x ← x + GDFN(LN(x))."""

    def __init__(self, dim: int, heads: int, expansion: float = 2.66):
        super().__init__()
        self.norm1 = ChannelNorm(dim)
        self.attn = MDTA(dim, heads)
        self.norm2 = ChannelNorm(dim)
        self.ffn = GatedDconvFFN(dim, expansion)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = x + self.attn(self.norm1(x))
        return x + self.ffn(self.norm2(x))


def pixel_unshuffle_3d(x: torch.Tensor, r: int = 2) -> torch.Tensor:
    """(B,C,D,H,W) → (B, C·r³, D/r, H/r, W/r); output channel = c·r³ + r²·δd + r·δh + δw."""
    b, c, d, h, w = x.shape
    x = x.reshape(b, c, d // r, r, h // r, r, w // r, r)
    x = x.permute(0, 1, 3, 5, 7, 2, 4, 6)
    return x.reshape(b, c * r ** 3, d // r, h // r, w // r)


def pixel_shuffle_3d(x: torch.Tensor, r: int = 2) -> torch.Tensor:
    """Exact inverse of :func:`pixel_unshuffle_3d`."""
    b, c, d, h, w = x.shape
    nc = c // r ** 3
    x = x.reshape(b, nc, r, r, r, d, h, w)
    x = x.permute(0, 1, 5, 2, 6, 3, 7, 4)
    return x.reshape(b, nc, d * r, h * r, w * r)


class PixelUnshuffle3D(nn.Module):
    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return pixel_unshuffle_3d(x, 2)


class PixelShuffle3D(nn.Module):
    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return pixel_shuffle_3d(x, 2)


class Downsample(nn.Module):
    """Conv3d 3³ C→C/4 (zero pad, no bias) + 3-D pixel-unshuffle → 2C at half D, H, W."""

    def __init__(self, dim: int):
        super().__init__()
        self.body = nn.Sequential(nn.Conv3d(dim, dim // 4, kernel_size=3, padding=1, bias=False),
                                  PixelUnshuffle3D())

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.body(x)


class Upsample(nn.Module):
    """Conv3d 3³ C→4C (zero pad, no bias) + 3-D pixel-shuffle → C/2 at double D, H, W."""

    def __init__(self, dim: int):
        super().__init__()
        self.body = nn.Sequential(nn.Conv3d(dim, dim * 4, kernel_size=3, padding=1, bias=False),
                                  PixelShuffle3D())

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.body(x)


class PatchEmbed(nn.Module):
    def __init__(self, dim: int):
        super().__init__()
        self.proj = nn.Conv3d(1, dim, kernel_size=3, padding=1, bias=False)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.proj(x)


class TemporalAttentionHead(nn.Module):
    """Output head (§3.4), in = 2·fmap channels, out = 1, 4 heads, biases on.

    1. per-frame Conv2d 3x3 C→1 applied to a RAW reinterpretation (B,C,D,H,W) → (B·D, C, H, W)
       (a view, not a permute: output frame i sees flattened channel-depth indices [C·i, C·i + C)).
    2. per-pixel temporal multi-head attention over the D frames (Linear 1→12 → q,k,v of width 4,
       nn.MultiheadAttention(4, 4 heads), Linear 4→1).
    """

    def __init__(self, in_channels: int, nhead: int = 4):
        super().__init__()
        e = max(1, nhead)
        self.qkv_projection = nn.Linear(1, e * 3)
        self.attention = nn.MultiheadAttention(embed_dim=e, num_heads=nhead, bias=True)
        self.hw_conv = nn.Conv2d(in_channels, 1, kernel_size=3, padding=1, bias=True)
        self.output_linear = nn.Linear(e, 1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        b, c, d, h, w = x.shape
        y = self.hw_conv(x.reshape(b * d, c, h, w))           # the reshape quirk, on purpose
        y = y.reshape(b, d, h, w)                              # (B, D, H, W), out channel = 1
        seq = y.permute(1, 0, 2, 3).reshape(d, b * h * w, 1)   # sequence = frames, batch = pixels
        q, k, v = self.qkv_projection(seq).chunk(3, dim=-1)
        a, _ = self.attention(q, k, v, need_weights=False)
        out = self.output_linear(a)                            # (D, B·H·W, 1)
        return out.reshape(d, b, h, w).permute(1, 0, 2, 3).unsqueeze(1)


# --------------------------------------------------------------------------------------------
# Networks (§3.2, §3.3)
# --------------------------------------------------------------------------------------------
def _stage(dim: int, n: int, heads: int) -> nn.Sequential:
    return nn.Sequential(*[RestormerBlock(dim, heads) for _ in range(n)])


class ASTERIS8(nn.Module):
    """T = 8; fmap 24; blocks [4,6,6,8]; heads [1,2,4,8]; 4 refinement blocks. H, W multiples of 8."""

    frames = 8
    spatial_multiple = 8

    def __init__(self, fmap: int = 24, blocks: Sequence[int] = (4, 6, 6, 8),
                 heads: Sequence[int] = (1, 2, 4, 8), refinement: int = 4):
        super().__init__()
        c = fmap
        self.patch_embed = PatchEmbed(c)
        self.encoder_level1 = _stage(c, blocks[0], heads[0])
        self.down1_2 = Downsample(c)
        self.encoder_level2 = _stage(2 * c, blocks[1], heads[1])
        self.down2_3 = Downsample(2 * c)
        self.encoder_level3 = _stage(4 * c, blocks[2], heads[2])
        self.down3_4 = Downsample(4 * c)
        self.latent = _stage(8 * c, blocks[3], heads[3])
        self.up4_3 = Upsample(8 * c)
        self.reduce_chan_level3 = nn.Conv3d(8 * c, 4 * c, kernel_size=1, bias=False)
        self.decoder_level3 = _stage(4 * c, blocks[2], heads[2])
        self.up3_2 = Upsample(4 * c)
        self.reduce_chan_level2 = nn.Conv3d(4 * c, 2 * c, kernel_size=1, bias=False)
        self.decoder_level2 = _stage(2 * c, blocks[1], heads[1])
        self.up2_1 = Upsample(2 * c)                 # no channel reduction after this concat
        self.decoder_level1 = _stage(2 * c, blocks[0], heads[0])
        self.refinement = _stage(2 * c, refinement, heads[0])
        self.output = TemporalAttentionHead(2 * c)

    def forward(self, inp: torch.Tensor) -> torch.Tensor:
        e1 = self.encoder_level1(self.patch_embed(inp))
        e2 = self.encoder_level2(self.down1_2(e1))
        e3 = self.encoder_level3(self.down2_3(e2))
        lat = self.latent(self.down3_4(e3))
        d3 = self.decoder_level3(self.reduce_chan_level3(torch.cat([self.up4_3(lat), e3], 1)))
        d2 = self.decoder_level2(self.reduce_chan_level2(torch.cat([self.up3_2(d3), e2], 1)))
        d1 = self.decoder_level1(torch.cat([self.up2_1(d2), e1], 1))
        d1 = self.refinement(d1)
        return self.output(d1) + inp


class ASTERIS4(nn.Module):
    """T = 4; fmap 24; blocks [4,6,8]; heads [1,2,4]; 4 refinement blocks. H, W multiples of 4."""

    frames = 4
    spatial_multiple = 4

    def __init__(self, fmap: int = 24, blocks: Sequence[int] = (4, 6, 8),
                 heads: Sequence[int] = (1, 2, 4), refinement: int = 4):
        super().__init__()
        c = fmap
        self.patch_embed = PatchEmbed(c)
        self.encoder_level1 = _stage(c, blocks[0], heads[0])
        self.down1_2 = Downsample(c)
        self.encoder_level2 = _stage(2 * c, blocks[1], heads[1])
        self.down2_3 = Downsample(2 * c)
        self.latent = _stage(4 * c, blocks[2], heads[2])
        self.up3_2 = Upsample(4 * c)
        self.reduce_chan_level2 = nn.Conv3d(4 * c, 2 * c, kernel_size=1, bias=False)
        self.decoder_level2 = _stage(2 * c, blocks[1], heads[1])
        self.up2_1 = Upsample(2 * c)
        self.decoder_level1 = _stage(2 * c, blocks[0], heads[0])
        self.refinement = _stage(2 * c, refinement, heads[0])
        self.output = TemporalAttentionHead(2 * c)

    def forward(self, inp: torch.Tensor) -> torch.Tensor:
        e1 = self.encoder_level1(self.patch_embed(inp))
        e2 = self.encoder_level2(self.down1_2(e1))
        lat = self.latent(self.down2_3(e2))
        d2 = self.decoder_level2(self.reduce_chan_level2(torch.cat([self.up3_2(lat), e2], 1)))
        d1 = self.decoder_level1(torch.cat([self.up2_1(d2), e1], 1))
        d1 = self.refinement(d1)
        return self.output(d1) + inp
