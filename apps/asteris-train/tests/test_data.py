"""FITS stack reading (HDU choice, natural order, common crop) and seeded data generators."""
import json
import os
import shutil
import tempfile
import unittest

import numpy as np
from astropy.io import fits

from asteris_train.data import DataError, find_stacks, load_stack, read_exposure, semireal_stack, synthetic_stack


class TestFitsReader(unittest.TestCase):
    def setUp(self):
        self.d = tempfile.mkdtemp(prefix='asteris-data-')
        self.addCleanup(shutil.rmtree, self.d, True)

    def test_hdu_choice_and_natural_order(self):
        a = np.full((4, 5), 1.0, np.float32)
        # SCI extension preferred even when not HDU 1
        fits.HDUList([fits.PrimaryHDU(), fits.ImageHDU(a * 9, name='ERR'), fits.ImageHDU(a * 2, name='SCI')]
                     ).writeto(os.path.join(self.d, 'e10.fits'))
        # no SCI: HDU 1 (the reference's hdu_num = 1)
        fits.HDUList([fits.PrimaryHDU(a * 7), fits.ImageHDU(a[:3] * 3)]).writeto(os.path.join(self.d, 'e2.fits'))
        # single primary image
        fits.PrimaryHDU(a * 4).writeto(os.path.join(self.d, 'e1.fits'))
        self.assertEqual(float(read_exposure(os.path.join(self.d, 'e10.fits'))[0, 0]), 2.0)
        self.assertEqual(float(read_exposure(os.path.join(self.d, 'e2.fits'))[0, 0]), 3.0)
        src = find_stacks([self.d])[0]
        self.assertEqual([os.path.basename(f) for f in src.files], ['e1.fits', 'e2.fits', 'e10.fits'])
        st = load_stack(src)
        self.assertEqual(st.shape, (3, 3, 5))                       # common top-left crop
        np.testing.assert_array_equal(st[:, 0, 0], [4.0, 3.0, 2.0])

    def test_errors_name_the_file(self):
        bad = os.path.join(self.d, 'bad.fits')
        with open(bad, 'wb') as f:
            f.write(b'not a fits file' * 100)
        with self.assertRaises(DataError) as cm:
            read_exposure(bad)
        self.assertIn('bad.fits', str(cm.exception))
        empty = tempfile.mkdtemp(dir=self.d)
        with self.assertRaises(DataError) as cm:
            find_stacks([empty])
        self.assertIn(empty, str(cm.exception))

    def test_field_directory_bands(self):
        for b in ('F115W', 'F444W'):
            os.makedirs(os.path.join(self.d, b))
            fits.PrimaryHDU(np.ones((3, 3), np.float32)).writeto(os.path.join(self.d, b, 'x.fits'))
        with open(os.path.join(self.d, 'field.json'), 'w') as f:
            json.dump({'name': 'f1', 'bands': [{'name': 'F444W'}, {'name': 'F115W'}]}, f)
        self.assertEqual([s.name for s in find_stacks([self.d])], ['f1/F444W', 'f1/F115W'])


class TestGenerators(unittest.TestCase):
    def test_synthetic_is_seeded(self):
        a = synthetic_stack(5, n=4, h=32, w=32)
        b = synthetic_stack(5, n=4, h=32, w=32)
        c = synthetic_stack(6, n=4, h=32, w=32)
        self.assertEqual(a.tobytes(), b.tobytes())
        self.assertNotEqual(a.tobytes(), c.tobytes())
        st, truth = synthetic_stack(5, n=64, h=32, w=32, with_truth=True)
        # exposures = truth + unit-ish noise: the mean converges to the truth
        self.assertLess(float(np.median(np.abs(st.mean(0) - truth))), 0.2)

    def test_semireal_uses_only_the_given_rows(self):
        sci = np.zeros((100, 60))
        sci[:50] = 1.0                                              # "training" rows are 1, held-out rows 0
        wht = np.full_like(sci, 1e12)                               # negligible noise
        for seed in range(5):
            st, sky = semireal_stack(sci, wht, seed, n=4, size=32, rows=(0, 50), with_truth=True)
            self.assertTrue(np.all(sky == 1.0))


if __name__ == '__main__':
    unittest.main()
