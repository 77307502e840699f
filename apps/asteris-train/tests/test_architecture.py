"""ASTERIS4/8 architecture against docs/asteris-method.md §3 (counts, keys, cost, quirks)."""
import unittest

import numpy as np
import torch

from asteris_train.asteris_net import (ASTERIS4, ASTERIS8, MDTA, BiasFreeNorm, TemporalAttentionHead,
                                       pixel_shuffle_3d, pixel_unshuffle_3d)
from asteris_train.macs import count_macs
from asteris_train.models import build_model, count_params

torch.set_num_threads(1)

# Reference key names and shapes (read from the reference state dict layout; spec §3).
REFERENCE_KEYS_8 = {
    'patch_embed.proj.weight': (24, 1, 3, 3, 3),
    'encoder_level1.0.norm1.body.weight': (24,),
    'encoder_level1.0.attn.temperature': (1, 1, 1),
    'encoder_level1.0.attn.qkv.weight': (72, 24, 1, 1, 1),
    'encoder_level1.0.attn.qkv_dwconv.weight': (72, 1, 3, 3, 3),
    'encoder_level1.0.attn.project_out.weight': (24, 24, 1, 1, 1),
    'encoder_level1.0.attn.qkv2.weight': (72, 24, 1, 1, 1),
    'encoder_level1.0.attn.qkv_dwconv2.weight': (72, 1, 3, 3, 3),
    'encoder_level1.0.attn.project_out2.weight': (24, 24, 1, 1, 1),
    'encoder_level1.3.ffn.project_in.weight': (126, 24, 1, 1, 1),
    'encoder_level1.3.ffn.dwconv.weight': (126, 1, 3, 3, 3),
    'encoder_level1.3.ffn.project_out.weight': (24, 63, 1, 1, 1),
    'down1_2.body.0.weight': (6, 24, 3, 3, 3),
    'encoder_level2.5.attn.temperature': (2, 1, 1),
    'down2_3.body.0.weight': (12, 48, 3, 3, 3),
    'encoder_level3.5.ffn.project_in.weight': (510, 96, 1, 1, 1),
    'down3_4.body.0.weight': (24, 96, 3, 3, 3),
    'latent.7.attn.temperature': (8, 1, 1),
    'latent.7.ffn.project_out.weight': (192, 510, 1, 1, 1),
    'up4_3.body.0.weight': (768, 192, 3, 3, 3),
    'reduce_chan_level3.weight': (96, 192, 1, 1, 1),
    'decoder_level3.0.norm2.body.weight': (96,),
    'up3_2.body.0.weight': (384, 96, 3, 3, 3),
    'reduce_chan_level2.weight': (48, 96, 1, 1, 1),
    'decoder_level2.5.attn.qkv.weight': (144, 48, 1, 1, 1),
    'up2_1.body.0.weight': (192, 48, 3, 3, 3),
    'decoder_level1.3.ffn.project_in.weight': (254, 48, 1, 1, 1),
    'refinement.3.attn.project_out.weight': (48, 48, 1, 1, 1),
    'output.qkv_projection.weight': (12, 1),
    'output.qkv_projection.bias': (12,),
    'output.attention.in_proj_weight': (12, 4),
    'output.attention.in_proj_bias': (12,),
    'output.attention.out_proj.weight': (4, 4),
    'output.attention.out_proj.bias': (4,),
    'output.hw_conv.weight': (1, 48, 3, 3),
    'output.hw_conv.bias': (1,),
    'output.output_linear.weight': (1, 4),
    'output.output_linear.bias': (1,),
}


def used_params(model, shape):
    """Parameters of the modules that actually run for an input of ``shape`` (the others are the
    unused D = 1 / D ≠ 1 branches). Forward hooks, not autograd: replicate-pad backward is slow on CPU."""
    called = set()
    hooks = [m.register_forward_hook(lambda mod, i, o: called.add(id(mod))) for m in model.modules()]
    with torch.no_grad():
        model.eval()(torch.zeros(shape))
    for h in hooks:
        h.remove()
    # nn.MultiheadAttention uses its out_proj weights functionally (no module call): count them too
    return sum(p.numel() for m in model.modules() if id(m) in called
               for p in m.parameters(recurse=isinstance(m, torch.nn.MultiheadAttention)))


class TestCounts(unittest.TestCase):
    def test_asteris8_parameters(self):
        m = ASTERIS8()
        self.assertEqual(count_params(m), 13_728_210)                    # spec §3.5
        self.assertEqual(used_params(m, (1, 1, 8, 8, 8)), 11_609_394)

    def test_asteris4_parameters(self):
        m = ASTERIS4()
        self.assertEqual(count_params(m), 3_777_850)
        self.assertEqual(used_params(m, (1, 1, 4, 4, 4)), 3_141_658)

    def test_macs_per_pixel(self):
        a8 = count_macs(ASTERIS8(), (1, 1, 8, 8, 8))['macs_per_pixel']
        a4 = count_macs(ASTERIS4(), (1, 1, 4, 4, 4))['macs_per_pixel']
        self.assertAlmostEqual(a8 / 4.43e6, 1.0, delta=0.01)              # ≈ 4.43 MMAC / pixel
        self.assertAlmostEqual(a4 / 2.11e6, 1.0, delta=0.01)              # ≈ 2.11 MMAC / pixel
        lite = count_macs(build_model('lite'), (1, 1, 8, 32, 32))['macs_per_pixel']
        self.assertLess(lite, 0.10 * a8)                                  # ASTERIS-lite budget

    def test_state_dict_keys_and_shapes(self):
        sd = ASTERIS8().state_dict()
        self.assertEqual(len(sd), 547)
        for k, shape in REFERENCE_KEYS_8.items():
            self.assertIn(k, sd)
            self.assertEqual(tuple(sd[k].shape), shape, k)
        self.assertEqual(len(ASTERIS4().state_dict()), 400)
        self.assertEqual(tuple(ASTERIS4().state_dict()['latent.7.ffn.project_in.weight'].shape), (510, 96, 1, 1, 1))

    def test_load_reference_layout_state_dict(self):
        torch.manual_seed(1)
        src = {k: torch.randn(shape) for k, shape in ((k, v.shape) for k, v in ASTERIS4().state_dict().items())}
        m = ASTERIS4()
        m.load_state_dict(src, strict=True)
        self.assertTrue(torch.equal(m.state_dict()['output.hw_conv.weight'], src['output.hw_conv.weight']))


class TestBlocks(unittest.TestCase):
    def test_shapes_and_residual(self):
        for arch, t, h, w in (('asteris8', 8, 8, 16), ('asteris4', 4, 8, 12)):
            m = build_model(arch).eval()
            x = torch.randn(1, 1, t, h, w)
            with torch.no_grad():
                y = m(x)
            self.assertEqual(tuple(y.shape), (1, 1, t, h, w))
            if arch == 'asteris8':
                continue
            # global residual: zeroing the head's last linear layer gives output = input + bias(0)
            with torch.no_grad():
                m.output.output_linear.weight.zero_()
                m.output.output_linear.bias.zero_()
                self.assertTrue(torch.allclose(m(x), x))

    def test_bias_free_norm_formula(self):
        n = BiasFreeNorm(3)
        with torch.no_grad():
            n.weight.copy_(torch.tensor([1.0, 2.0, 3.0]))
        x = torch.tensor([1.0, 2.0, 6.0]).view(1, 3, 1, 1, 1)
        # population variance of (1,2,6) = 14/3; mean is NOT subtracted
        expect = np.array([1.0, 2.0, 6.0]) / np.sqrt(14 / 3 + 1e-5) * np.array([1, 2, 3])
        np.testing.assert_allclose(n(x).detach().view(-1).numpy(), expect, rtol=1e-6)

    def test_pixel_unshuffle_channel_order(self):
        x = torch.arange(2 * 4 * 4 * 4, dtype=torch.float32).view(1, 2, 4, 4, 4)
        y = pixel_unshuffle_3d(x)
        self.assertEqual(tuple(y.shape), (1, 16, 2, 2, 2))
        # channel c*8 + 4δd + 2δh + δw at (d,h,w) = x[c, 2d+δd, 2h+δh, 2w+δw]
        c, dd, dh, dw, d, h, w = 1, 1, 0, 1, 1, 0, 1
        self.assertEqual(y[0, c * 8 + 4 * dd + 2 * dh + dw, d, h, w].item(),
                         x[0, c, 2 * d + dd, 2 * h + dh, 2 * w + dw].item())
        self.assertTrue(torch.equal(pixel_shuffle_3d(y), x))

    def test_depth1_branch_uses_second_weight_set(self):
        torch.manual_seed(0)
        a = MDTA(8, 2).eval()
        x = torch.randn(1, 8, 1, 6, 6)
        with torch.no_grad():
            y0 = a(x)
            a.qkv.weight.mul_(3.0)                  # D≠1 weights: no effect at D = 1
            self.assertTrue(torch.equal(a(x), y0))
            a.qkv2.weight.mul_(3.0)                 # D = 1 weights: used
            self.assertFalse(torch.allclose(a(x), y0))
            x3 = torch.randn(1, 8, 2, 6, 6)
            z0 = a(x3)
            a.project_out2.weight.mul_(2.0)
            self.assertTrue(torch.equal(a(x3), z0))

    def test_head_reshape_quirk(self):
        """Output frame i of the per-frame conv sees flattened channel-depth indices [C·i, C·i+C)."""
        torch.manual_seed(0)
        head = TemporalAttentionHead(48).eval()
        b, c, d, h, w = 1, 48, 8, 5, 5
        x = torch.randn(b, c, d, h, w)
        captured = {}
        head.hw_conv.register_forward_hook(lambda m, i, o: captured.setdefault('o', o))
        with torch.no_grad():
            head(x)
        flat = x.reshape(c * d, h, w)                # memory order: k = c·D + d
        for i in (0, 5):
            ref = torch.nn.functional.conv2d(flat[48 * i:48 * i + 48][None], head.hw_conv.weight,
                                             head.hw_conv.bias, padding=1)
            self.assertTrue(torch.allclose(captured['o'][i], ref[0], atol=1e-5))
        # hence frame 0 of the conv output depends on channels 0..5 at all 8 depths only
        x2 = x.clone()
        x2[:, 6:] += 1.0
        captured.clear()
        with torch.no_grad():
            head(x2)
        o2 = captured['o']
        captured.clear()
        with torch.no_grad():
            head(x)
        self.assertTrue(torch.equal(o2[0], captured['o'][0]))
        self.assertFalse(torch.equal(o2[1], captured['o'][1]))


if __name__ == '__main__':
    unittest.main()


class TestLiteNull(unittest.TestCase):
    """ASTERIS-lite-null (lite_net.AsterisNull, issue 14): Δ sees only the residual frames."""

    def setUp(self):
        torch.manual_seed(3)
        # untrained weights give Δ ≠ 0, so the properties below are the architecture's, not a trained
        # model's; float64 so that rounding in the mean is not amplified through the U-Net
        self.m = build_model('lite-null').double().eval()

    def test_static_sky_passes_with_unit_gain(self):
        x = torch.randn(2, 1, 8, 32, 32, dtype=torch.float64)
        s = torch.randn(2, 1, 1, 32, 32, dtype=torch.float64) * 7.0   # any static image: every frame gets the same s
        with torch.no_grad():
            a, b = self.m(x), self.m(x + s)
        self.assertGreater(float((a - x.mean(dim=2, keepdim=True)).abs().max()), 1e-2)   # Δ is not trivially 0
        self.assertLess(float((b - a - s).abs().max()), 1e-9)

    def test_lite_is_not_sky_equivariant(self):
        # the control: the same test fails for ASTERIS-lite, whose Δ sees the temporal mean
        torch.manual_seed(3)
        lite = build_model('lite').double().eval()
        x = torch.randn(1, 1, 8, 32, 32, dtype=torch.float64)
        s = torch.randn(1, 1, 1, 32, 32, dtype=torch.float64) * 7.0
        with torch.no_grad():
            self.assertGreater(float((lite(x + s) - lite(x) - s).abs().max()), 1e-2)

    def test_same_parameters_and_io_as_lite(self):
        self.assertEqual(count_params(self.m), count_params(build_model('lite')))
        with torch.no_grad():
            y = self.m(torch.randn(1, 1, 8, 24, 28, dtype=torch.float64))
        self.assertEqual(tuple(y.shape), (1, 1, 8, 24, 28))
        self.assertLess(float((y - y[:, :, :1]).abs().max()), 1e-12)   # all T outputs are the same estimate
