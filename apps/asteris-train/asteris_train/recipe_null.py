"""Training recipe of ASTERIS-null (data/models/asteris-lite-null.onnx; issue 14): the null-space network
(lite_net.AsterisNull: every output frame = temporal mean + Δ(residual frames only)) trained by Noise2Noise on
exactly the data, split and schedule of ASTERIS-lite-art (recipe_art: synthetic and semi-real PRIMER-UDS
artefact stacks, no temporal clip, N = 8 or 16 halves), seed 16.

    cd apps/asteris-train && PYTHONPATH=. nice -n 10 /usr/bin/python3 -m asteris_train.recipe_null \
        --repo ../.. --minutes 20 --threads 2
"""
from __future__ import annotations

from .recipe_art import main as art_main


def main(argv=None) -> int:
    return art_main(argv, arch='lite-null', name='asteris-lite-null', seed=16, minutes=20.0,
                    recipe='asteris_train.recipe_null')


if __name__ == '__main__':
    raise SystemExit(main())
