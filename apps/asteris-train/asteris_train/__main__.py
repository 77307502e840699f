"""Command line: python -m asteris_train {train,convert,export,info} ...  (see docs/asteris-train.md)."""
from __future__ import annotations

import argparse
import json
import sys


def _need_torch() -> None:
    try:
        import torch  # noqa: F401
        import onnx  # noqa: F401
    except ImportError as e:
        sys.stderr.write(f'error: {e.name} is not installed for {sys.executable}. Install it with '
                         '`sudo apt-get install python3-torch python3-onnx python3-astropy python3-scipy` '
                         '(Debian/Ubuntu) or `pip install torch onnx astropy scipy`.\n')
        sys.exit(3)


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog='asteris_train', description='ASTERIS self-supervised trainer')
    sub = p.add_subparsers(dest='cmd', required=True)
    t = sub.add_parser('train', help='Noise2Noise half-split training on exposure stacks, then ONNX export')
    t.add_argument('inputs', nargs='*', help='field directories (field.json + <BAND>/*.fits) or stack directories (*.fits)')
    t.add_argument('--arch', default='lite-null', choices=['lite', 'lite-null', 'asteris4', 'asteris8', 'tiny'])
    t.add_argument('--epochs', type=int, default=20)
    t.add_argument('--out', required=True, help='output ONNX file')
    t.add_argument('--checkpoint-dir', default=None, help='write E_<epoch>_Iter_<iter>.pth every epoch')
    t.add_argument('--resume', default=None, help='checkpoint to resume from')
    t.add_argument('--seed', type=int, default=0)
    t.add_argument('--batch', type=int, default=3)
    t.add_argument('--patch', type=int, default=128)
    t.add_argument('--lr', type=float, default=None,
                   help='AdamW learning rate (default: 1.5e-4 = reference for asteris4/8, 1e-3 for lite/tiny)')
    t.add_argument('--schedule', default=None, choices=['reference', 'run', 'time'],
                   help="lr schedule: reference (cosine T_max=2e6, ~constant; default for asteris4/8), run (cosine "
                        "over the run; default for lite/tiny), time (cosine over --time-budget, then stop)")
    t.add_argument('--time-budget', type=float, default=0.0, help='wall-clock budget in minutes (0 = none)')
    t.add_argument('--superframe-k', default='1', help="comma list of exposures per training super-frame, e.g. '1,2'")
    t.add_argument('--max-iters', type=int, default=0, help='cap iterations per epoch (0 = all patches)')
    t.add_argument('--threads', type=int, default=2)
    t.add_argument('--reference', action='store_true',
                   help='reference behaviour: no loss masking, no edge patches (pitfalls kept)')
    t.add_argument('--synthetic', type=int, default=0,
                   help='add N synthetic stacks (seeds 1000..1000+N-1, 32 exposures, 256 px) for development')
    c = sub.add_parser('convert', help='export a reference/official .pth checkpoint to ONNX')
    c.add_argument('checkpoint')
    c.add_argument('--arch', default=None, choices=['asteris4', 'asteris8', 'lite', 'lite-null', 'tiny'])
    c.add_argument('--out', required=True)
    i = sub.add_parser('info', help='parameters and MACs per output pixel of an architecture')
    i.add_argument('--arch', default='lite-null', choices=['lite', 'lite-null', 'asteris4', 'asteris8', 'tiny'])
    return p


def main(argv=None) -> int:
    args = _parser().parse_args(argv)
    _need_torch()
    from .data import DataError, find_stacks, load_stack, synthetic_stack
    from .export import ConvertError, convert_checkpoint, export_onnx
    try:
        if args.cmd == 'info':
            from .macs import count_macs
            from .models import build_model, count_params, model_frames, model_multiple
            m = build_model(args.arch)
            s = 8 * model_multiple(m) if model_multiple(m) > 1 else 16
            r = count_macs(m, (1, 1, model_frames(m), s, s))
            print(json.dumps({'arch': args.arch, 'params': count_params(m), 'frames': model_frames(m),
                              'spatial_multiple': model_multiple(m), 'macs_per_pixel': r['macs_per_pixel']}))
            return 0
        if args.cmd == 'convert':
            meta = convert_checkpoint(args.checkpoint, args.out, args.arch)
            print(json.dumps({'event': 'exported', 'out': args.out, **meta}))
            return 0
        from .preprocess import prepare_training_stack
        from .train import TrainConfig, train
        stacks = []
        for src in find_stacks(args.inputs):
            raw = load_stack(src)
            y, st = prepare_training_stack(raw)
            print(json.dumps({'event': 'stack', 'name': src.name, 'exposures': int(y.shape[0]),
                              'shape': list(y.shape[1:]), 'mu': st['mu'], 'sigma': st['sigma']}), flush=True)
            stacks.append(y)
        for k in range(args.synthetic):
            stacks.append(prepare_training_stack(synthetic_stack(1000 + k))[0])
        if not stacks:
            raise DataError('no input stacks (give field/stack directories or --synthetic N)')
        small = args.arch in ('lite', 'lite-null', 'tiny')
        lr = args.lr if args.lr is not None else (1e-3 if small else 1.5e-4)
        schedule = args.schedule or ('run' if small else 'reference')
        if schedule == 'time' and args.time_budget <= 0:
            raise ValueError('--schedule time needs --time-budget MINUTES')
        cfg = TrainConfig(arch=args.arch, epochs=args.epochs, batch=args.batch, patch=args.patch, lr=lr,
                          schedule=schedule, seed=args.seed, threads=args.threads,
                          checkpoint_dir=args.checkpoint_dir, max_iters=args.max_iters,
                          superframe_k=tuple(int(v) for v in args.superframe_k.split(',')),
                          mask=not args.reference, cover_edge=not args.reference,
                          time_budget_s=60.0 * args.time_budget)
        model, hist = train(stacks, cfg, resume=args.resume, log=lambda s: print(s, flush=True))
        meta = export_onnx(model, args.out, args.arch, {'epochs': args.epochs, 'seed': args.seed})
        print(json.dumps({'event': 'exported', 'out': args.out, **meta}), flush=True)
        return 0
    except (DataError, ConvertError, ValueError) as e:
        sys.stderr.write(f'error: {e}\n')
        return 2


if __name__ == '__main__':
    sys.exit(main())
