#!/usr/bin/python3
"""Opens a FITS file written by @asteris/fits with astropy, runs verify('exception') and prints
what astropy reads (pixel values, header values, table columns, WCS pixel->sky) as JSON.
Usage: /usr/bin/python3 astropy_check.py FILE.fits '[[x, y], ...]'"""
import json
import math
import sys
import warnings

import numpy as np
from astropy.io import fits
from astropy.wcs import WCS


def flat(a):
    return [None if (isinstance(v, float) and math.isnan(v)) else v for v in np.asarray(a, dtype=np.float64).ravel().tolist()]


path = sys.argv[1]
pix = json.loads(sys.argv[2]) if len(sys.argv) > 2 else []
out = {'hdus': []}
with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter('always')
    with fits.open(path) as hl:
        hl.verify('exception')
        for h in hl:
            rec = {'name': h.name, 'header': {}, 'history': [str(x) for x in h.header.get('HISTORY', [])],
                   'comment': [str(x) for x in h.header.get('COMMENT', [])]}
            for c in h.header.cards:
                if c.keyword in ('COMMENT', 'HISTORY', ''):
                    continue
                v = c.value
                if isinstance(v, (bool, int, float, str)):
                    rec['header'][c.keyword] = v
            if isinstance(h, (fits.BinTableHDU, fits.TableHDU)):
                rec['columns'] = {}
                for name in h.columns.names:
                    col = h.data[name]
                    if col.dtype.kind in 'US':
                        rec['columns'][name] = [str(s) for s in col]
                    elif col.dtype.kind == 'b':
                        rec['columns'][name] = [bool(s) for s in col]
                    else:
                        rec['columns'][name] = flat(col)
            elif h.data is not None:
                rec['shape'] = list(h.data.shape[::-1])
                rec['data'] = flat(h.data)
                if pix and 'CTYPE1' in h.header:
                    w = WCS(h.header)
                    rec['sky'] = w.all_pix2world(np.array(pix, dtype=float), 0).tolist()
            out['hdus'].append(rec)
out['warnings'] = [str(w.message) for w in caught]
print(json.dumps(out))
