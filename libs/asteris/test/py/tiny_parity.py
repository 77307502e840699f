"""Builds a small seeded torch module with the ASTERIS I/O ([B,1,T,H,W] -> [B,1,T,H,W]), exports it
to ONNX (opset 17, dynamic H/W) and writes the torch output for a seeded input.

usage: tiny_parity.py OUTDIR T H W
writes OUTDIR/tiny.onnx, OUTDIR/input.f32, OUTDIR/torch_out.f32 (raw little-endian float32)
The module exercises ops of the reference architecture: Conv3d with replicate padding, a
bias-free channel LayerNorm (mean not subtracted), channel ('transposed') attention over all
voxels of the tile, GELU gating, and the global residual.
"""
import sys
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F


class BiasFreeLN(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.w = nn.Parameter(torch.ones(c) + 0.1 * torch.randn(c))

    def forward(self, x):
        var = x.var(dim=1, keepdim=True, unbiased=False)
        return x / torch.sqrt(var + 1e-5) * self.w.view(1, -1, 1, 1, 1)


class Tiny(nn.Module):
    def __init__(self, c=6):
        super().__init__()
        self.embed = nn.Conv3d(1, c, 3, padding=1, bias=False)
        self.ln = BiasFreeLN(c)
        self.qkv = nn.Conv3d(c, 3 * c, 1, bias=False)
        self.dw = nn.Conv3d(3 * c, 3 * c, 3, groups=3 * c, bias=False)
        self.temp = nn.Parameter(torch.tensor(1.3))
        self.proj = nn.Conv3d(c, c, 1, bias=False)
        self.gate = nn.Conv3d(c, 2 * c, 1, bias=False)
        self.head = nn.Conv3d(c, 1, 3, padding=1, bias=True)

    def forward(self, x):
        b, _, t, h, w = x.shape
        f = self.embed(x)
        y = self.ln(f)
        qkv = self.dw(F.pad(self.qkv(y), (1, 1, 1, 1, 1, 1), mode='replicate'))
        q, k, v = qkv.chunk(3, dim=1)
        c = q.shape[1]
        q = F.normalize(q.reshape(b, c, -1), dim=-1)
        k = F.normalize(k.reshape(b, c, -1), dim=-1)
        a = torch.softmax(q @ k.transpose(-2, -1) * self.temp, dim=-1)
        f = f + self.proj((a @ v.reshape(b, c, -1)).reshape(b, c, t, h, w))
        g1, g2 = self.gate(self.ln(f)).chunk(2, dim=1)
        f = f + F.gelu(g1) * g2
        return x + self.head(f)


def main():
    out, T, H, W = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
    torch.manual_seed(1234)
    m = Tiny().eval()
    x = torch.from_numpy(np.random.default_rng(5).normal(0.0, 0.25, size=(1, 1, T, H, W)).astype(np.float32))
    with torch.no_grad():
        y = m(x)
    torch.onnx.export(m, x, f'{out}/tiny.onnx', opset_version=17, input_names=['input'], output_names=['output'],
                      dynamic_axes={'input': {0: 'B', 3: 'H', 4: 'W'}, 'output': {0: 'B', 3: 'H', 4: 'W'}})
    x.numpy().astype('<f4').tofile(f'{out}/input.f32')
    y.numpy().astype('<f4').tofile(f'{out}/torch_out.f32')


if __name__ == '__main__':
    main()
