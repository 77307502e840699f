"""Runs the Python transcription (apps/asteris-train/asteris_train/preprocess.py) on a raw stack.

usage: preprocess_ref.py DIR N H W T      (reads DIR/stack.f32, writes DIR/py_stack.f32, DIR/py_R.f32, DIR/py.json)
"""
import json
import sys
import numpy as np
from asteris_train import preprocess as pp

d, n, h, w, t = sys.argv[1], *map(int, sys.argv[2:6])
x = np.fromfile(f'{d}/stack.f32', dtype='<f4').reshape(n, h, w)
r = pp.prepare_inference_stack(x, t)
np.asarray(r['stack'], dtype='<f4').tofile(f'{d}/py_stack.f32')
np.asarray(r['R'], dtype='<f4').tofile(f'{d}/py_R.f32')
clipped, excess, lo, hi = pp.global_clip(pp.crop_valid(x)[0])
json.dump({k: (list(v) if k == 'bbox' else float(v)) for k, v in r.items() if k in ('g', 'mu', 'sigma', 'lo', 'hi', 'bbox')},
          open(f'{d}/py.json', 'w'))
