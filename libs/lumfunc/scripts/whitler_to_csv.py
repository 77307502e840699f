#!/usr/bin/python3
"""Convert data/external/whitler2025_jades_z9_uvlf/whitler2025_highz_uvlf_catalog.fits (HDU 1) to CSV.

Derived file: libs/lumfunc/test/data/whitler2025_candidates.csv (all 17 columns, masked values empty).
Run from the repository root:  /usr/bin/python3 libs/lumfunc/scripts/whitler_to_csv.py
"""
import csv
import sys
from astropy.io import fits
import numpy as np

SRC = 'data/external/whitler2025_jades_z9_uvlf/whitler2025_highz_uvlf_catalog.fits'
DST = sys.argv[1] if len(sys.argv) > 1 else 'libs/lumfunc/test/data/whitler2025_candidates.csv'

with fits.open(SRC) as hdul:
    t = hdul[1].data
    cols = t.columns.names
    with open(DST, 'w', newline='') as f:
        w = csv.writer(f, lineterminator='\n')
        w.writerow(cols)
        for row in t:
            out = []
            for c in cols:
                v = row[c]
                if isinstance(v, (bytes, str)):
                    out.append(v.decode() if isinstance(v, bytes) else v.strip())
                elif v is None or (isinstance(v, (float, np.floating)) and not np.isfinite(v)):
                    out.append('')
                else:
                    out.append(repr(float(v)) if isinstance(v, (float, np.floating)) else str(v))
            w.writerow(out)
print(f'wrote {len(t)} rows to {DST}')
