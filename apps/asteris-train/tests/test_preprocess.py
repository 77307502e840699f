"""Preprocessing formulas (docs/asteris-method.md §1, §2.2, §4) against hand-computed values."""
import unittest

import numpy as np
from scipy import stats

from asteris_train import preprocess as P


class TestPreprocess(unittest.TestCase):
    def test_superframe_groups(self):
        sizes = [b - a for a, b in P.superframe_groups(12, 8)]
        self.assertEqual(sizes, [1, 1, 2, 2, 2, 2, 1, 1])             # spec example
        self.assertEqual([b - a for a, b in P.superframe_groups(8, 8)], [1] * 8)
        self.assertEqual([b - a for a, b in P.superframe_groups(19, 4)], [5, 5, 5, 4])   # q=4, r=3, extra j in [0, 3)
        g = P.superframe_groups(13, 4)                                 # q=3, r=1, extra at j=1
        self.assertEqual([b - a for a, b in g], [3, 4, 3, 3])
        self.assertEqual(g[-1][1], 13)
        with self.assertRaises(ValueError):
            P.superframe_groups(3, 4)                                  # N < T is an error (pitfall fixed)

    def test_bin_superframes_nanmean_and_missing(self):
        s = np.zeros((3, 1, 2), np.float32)
        s[:, 0, 0] = [1.0, 3.0, 5.0]
        s[:, 0, 1] = [2.0, 0.0, 0.0]                                   # 0 = missing
        b = P.bin_superframes(s, 2)                                    # q=1, r=1, extra at j=0 → sizes [2, 1]
        self.assertEqual([y - x for x, y in P.superframe_groups(3, 2)], [2, 1])
        np.testing.assert_allclose(b[:, 0, 0], [2.0, 5.0])
        np.testing.assert_allclose(b[:, 0, 1], [2.0, 0.0])            # all-missing group → 0

    def test_sigma_clip_limits_match_scipy(self):
        rng = np.random.default_rng(3)
        v = np.concatenate([rng.normal(10, 2, 5000), rng.uniform(30, 300, 60)])
        _, lo_s, hi_s = stats.sigmaclip(v, 3.0, 3.0)                  # independent implementation
        lo, hi = P.sigma_clip_limits(v, 3.0)
        self.assertAlmostEqual(lo, lo_s, places=9)
        self.assertAlmostEqual(hi, hi_s, places=9)

    def test_global_clip_winsorises(self):
        rng = np.random.default_rng(4)
        s = rng.normal(0, 1, (4, 30, 30))
        s[1, 5, 5] = 50.0
        s[2, 0, 0] = 0.0                                               # missing
        clipped, excess, lo, hi = P.global_clip(s)
        self.assertEqual(clipped[1, 5, 5], hi)                         # replaced by the limit, not removed
        self.assertAlmostEqual(excess[1, 5, 5], 50.0 - hi)
        self.assertTrue(np.isnan(clipped[2, 0, 0]))
        self.assertEqual(excess[2, 0, 0], 0.0)
        self.assertTrue(np.nanmax(clipped) <= hi and np.nanmin(clipped) >= lo)

    def test_normalise_hand_values(self):
        y = P.normalise(np.array([10.0, 2.0, np.nan, -6.0]), mu=2.0, sigma=4.0)
        np.testing.assert_allclose(y, [1.5, 1.0, 0.0, 0.5])          # (x−μ)/σ/4 + 1, NaN → 0
        self.assertEqual(y.dtype, np.float32)
        np.testing.assert_allclose(P.denormalise(y[[0, 1, 3]], 2.0, 4.0), [10.0, 2.0, -6.0])

    def test_zscore_params(self):
        mu, sd = P.zscore_params(np.array([[1.0, 2.0, np.nan], [3.0, 10.0, 4.0]]))
        self.assertEqual(mu, 3.0)
        self.assertAlmostEqual(sd, np.std([1, 2, 3, 10, 4]))        # population std

    def test_valid_bbox_and_crop(self):
        s = np.ones((3, 6, 7), np.float32)
        s[:, 0, :] = 0          # top row missing everywhere
        s[1, :, 6] = np.nan     # last column missing in one frame
        s[2, 3, 3] = 0          # a hole inside stays a hole
        self.assertEqual(P.valid_bbox(s), (1, 6, 0, 6))
        c, _ = P.crop_valid(s)
        self.assertEqual(c.shape, (3, 5, 6))
        self.assertTrue(np.isnan(c[2, 2, 3]))
        with self.assertRaises(ValueError):
            P.valid_bbox(np.zeros((2, 3, 3)))

    def test_temporal_clip(self):
        s = np.zeros((16, 1, 3)) + 5.0
        s[:, 0, 0] = np.arange(16) * 0.1 + 1.0
        s[7, 0, 0] = 100.0                      # one outlier among 16: deviation ≤ 16/√15 ≈ 4.13 std
        s[:, 0, 1] = 5.0                        # s = 0 → never clipped
        s[:, 0, 2] = np.arange(16) * 0.1 + 1.0  # uniform ramp: max |x−median| = 0.8 < 3·0.46
        out = P.temporal_clip(s, 3.0)
        self.assertTrue(np.isnan(out[7, 0, 0]))
        self.assertEqual(int(np.isnan(out[:, 0, 0]).sum()), 1)
        self.assertFalse(np.isnan(out[:, 0, 1]).any())
        self.assertFalse(np.isnan(out[:, 0, 2]).any())
        # hand check of the threshold: c = median, s = population std
        col = s[:, 0, 0]
        c, sd = np.median(col), col.std()
        self.assertTrue(100.0 >= c + 3 * sd)

    def test_clip_part_image(self):
        p = np.zeros((4, 1, 3))
        p[:, 0, 0] = [0.0, 2.0, 0.0, 0.0]       # a single frame → cosmic ray → zeroed
        p[:, 0, 1] = [1.0, 2.0, 4.0, 0.0]       # median of 4 = (1 + 2)/2
        p[:, 0, 2] = [3.0, 3.0, 0.0, 9.0]       # median = (3 + 3)/2
        r = P.clip_part_image(p)
        np.testing.assert_allclose(r[0], [0.0, 1.5, 3.0])

    def test_remove_median(self):
        s = np.array([[[1.0, 2.0], [3.0, 0.0]], [[3.0, 4.0], [5.0, 0.0]], [[8.0, 9.0], [1.0, 0.0]]])
        # temporal mean: [4, 5, 3, missing] → median 4 ; temporal median: [3, 4, 3, missing] → 3
        y, g = P.remove_median(s, 'mean')
        self.assertEqual(g, 4.0)
        self.assertEqual(y[0, 0, 0], -3.0)
        self.assertEqual(y[0, 1, 1], 0.0)                              # missing stays 0
        _, g2 = P.remove_median(s, 'median')
        self.assertEqual(g2, 3.0)

    def test_prepare_stacks_scale(self):
        rng = np.random.default_rng(5)
        raw = rng.normal(100.0, 3.0, (16, 40, 40)).astype(np.float32)
        y, st = P.prepare_training_stack(raw)
        self.assertAlmostEqual(st['mu'], 100.0, delta=0.2)
        # background ≈ 0 after median removal, per-exposure noise ≈ 0.25 (slightly more: clip shrinks σ)
        self.assertAlmostEqual(float(np.median(y)), 0.0, delta=0.01)
        self.assertAlmostEqual(float(y.std()), 0.25, delta=0.01)
        inf = P.prepare_inference_stack(raw, 8)
        self.assertEqual(inf['stack'].shape, (8, 40, 40))
        self.assertAlmostEqual(float(inf['stack'].std()), 0.25 / np.sqrt(2), delta=0.01)


if __name__ == '__main__':
    unittest.main()
