"""ONNX export (opset 17, dynamic batch/height/width, T fixed) and checkpoint conversion."""
from __future__ import annotations

import json
import os
import tempfile
from typing import Dict, Optional

import torch
import torch.nn as nn

from .models import build_model, count_params, model_frames, model_multiple

INPUT_NAME = 'input'
OUTPUT_NAME = 'output'


def _atomic_path(path: str) -> str:
    d = os.path.dirname(os.path.abspath(path)) or '.'
    os.makedirs(d, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix='.' + os.path.basename(path) + '.', suffix='.tmp', dir=d)
    os.close(fd)
    os.chmod(tmp, 0o644)
    return tmp


def export_onnx(model: nn.Module, path: str, arch: str, extra: Optional[Dict[str, object]] = None,
                example_size: int = 32) -> Dict[str, object]:
    """Export ``model`` to ``path`` (atomic), check it with onnx.checker, write ``<path>.json`` sidecar.

    Graph: input 'input' float32 [batch, 1, T, height, width] → output 'output' float32
    [batch, 1, T, height, width]; height/width must be multiples of ``spatial_multiple``.
    """
    import onnx
    t = model_frames(model)
    mult = model_multiple(model)
    size = max(example_size, mult * 2)
    size -= size % mult
    model = model.eval()
    dummy = torch.zeros(1, 1, t, size, size)
    tmp = _atomic_path(path)
    try:
        with torch.no_grad():
            torch.onnx.export(model, dummy, tmp, input_names=[INPUT_NAME], output_names=[OUTPUT_NAME],
                              dynamic_axes={INPUT_NAME: {0: 'batch', 3: 'height', 4: 'width'},
                                            OUTPUT_NAME: {0: 'batch', 3: 'height', 4: 'width'}},
                              opset_version=17, do_constant_folding=True)
        m = onnx.load(tmp)
        # pin the static dims of the output (some exporters leave symbolic names after Tile/Expand)
        od = m.graph.output[0].type.tensor_type.shape.dim
        for i, v in ((1, 1), (2, t)):
            od[i].Clear()
            od[i].dim_value = v
        od[0].dim_param, od[3].dim_param, od[4].dim_param = 'batch', 'height', 'width'
        onnx.checker.check_model(m)
        meta = {'arch': arch, 'frames': t, 'spatial_multiple': mult, 'params': count_params(model),
                'input': INPUT_NAME, 'output': OUTPUT_NAME, 'opset': 17,
                'normalisation': 'asteris: global 3-sigma winsorise, z-score, x/4+1, median removed'}
        if extra:
            meta.update(extra)
        for k, v in meta.items():
            p = m.metadata_props.add()
            p.key, p.value = f'asteris.{k}', str(v)
        onnx.save(m, tmp)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
    side = path + '.json'
    tmpj = _atomic_path(side)
    with open(tmpj, 'w') as f:
        json.dump(meta, f, indent=2)
    os.replace(tmpj, side)
    return meta


class ConvertError(Exception):
    pass


def load_reference_state_dict(ckpt: str) -> Dict[str, torch.Tensor]:
    """Read a reference ``.pth`` (dict with 'model_state_dict', or a bare state dict); strips a
    DataParallel 'module.' prefix."""
    try:
        obj = torch.load(ckpt, map_location='cpu')
    except Exception as e:
        raise ConvertError(f'{ckpt}: cannot load checkpoint ({e})') from None
    if isinstance(obj, dict) and 'model_state_dict' in obj:
        sd = obj['model_state_dict']
    elif isinstance(obj, dict) and 'state_dict' in obj:
        sd = obj['state_dict']
    elif isinstance(obj, dict):
        sd = obj
    else:
        raise ConvertError(f'{ckpt}: not a state dict / checkpoint dict')
    return {(k[7:] if k.startswith('module.') else k): v for k, v in sd.items()}


def guess_arch(sd: Dict[str, torch.Tensor]) -> str:
    if 'down3_4.body.0.weight' in sd:
        return 'asteris8'
    if 'down2_3.body.0.weight' in sd and 'latent.0.attn.qkv.weight' in sd:
        return 'asteris4'
    if 'enc1.c1.weight' in sd:
        return 'lite'
    if 'c1.weight' in sd:
        return 'tiny'
    raise ConvertError('cannot recognise the architecture from the state-dict keys')


def load_model_from_checkpoint(ckpt: str, arch: Optional[str] = None) -> nn.Module:
    sd = load_reference_state_dict(ckpt)
    arch = arch or guess_arch(sd)
    model = build_model(arch)
    ref = model.state_dict()
    missing = [k for k in ref if k not in sd]
    unexpected = [k for k in sd if k not in ref]
    if missing or unexpected:
        raise ConvertError(f'{ckpt}: keys do not match {arch} (missing {len(missing)}: {missing[:3]}, '
                           f'unexpected {len(unexpected)}: {unexpected[:3]}); wrong --arch?')
    bad = [k for k in ref if tuple(ref[k].shape) != tuple(sd[k].shape)]
    if bad:
        k = bad[0]
        raise ConvertError(f'{ckpt}: shape mismatch for {k}: checkpoint {tuple(sd[k].shape)} vs '
                           f'{arch} {tuple(ref[k].shape)}')
    model.load_state_dict(sd, strict=True)
    model.arch = arch
    return model.eval()


def convert_checkpoint(ckpt: str, out: str, arch: Optional[str] = None, example_size: int = 32) -> Dict[str, object]:
    model = load_model_from_checkpoint(ckpt, arch)
    return export_onnx(model, out, model.arch, {'source': os.path.basename(ckpt)}, example_size=example_size)
