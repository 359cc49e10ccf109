"""`python -m foley.export --preset test|tiny [--checkpoint PATH] [--out DIR]` (run from training/)."""

from __future__ import annotations

import argparse
import dataclasses
from pathlib import Path

import torch

from foley.config import SAMPLER_FIELDS, config_from_dict, preset
from foley.export.pack import build_pack, randomize_for_test
from foley.networks import FoleyModel

REPO_ROOT = Path(__file__).resolve().parents[3]
DESCRIPTIONS = {
    'test': 'Random-weight test pack: exercises the whole pipeline, produces noise, not foley.',
    'tiny': 'foley-tiny: a small video-to-foley flow-matching model trained on CPU from freely licensed sound effects.',
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument('--preset', required=True, choices=['test', 'tiny'])
    parser.add_argument('--checkpoint', type=Path, help='trained checkpoint (required for tiny)')
    parser.add_argument('--out', type=Path, help='pack folder (default: public/models/foley-<preset>)')
    parser.add_argument('--version', default='0.1.0')
    parser.add_argument('--half-weights', action='store_true', help='store weights as float16 (computed in float32): half the bytes')
    args = parser.parse_args()
    torch.set_num_threads(2)
    torch.manual_seed(0)
    if args.preset == 'test':
        model = FoleyModel(cfg=preset('test'))
        randomize_for_test(model, seed=1)
        purpose, license_id = 'test', 'CC0-1.0'
    else:
        if args.checkpoint is None:
            parser.error('--checkpoint is required for --preset tiny')
        state = torch.load(args.checkpoint, map_location='cpu', weights_only=False)
        # Sampler defaults are inference choices, not learned: the current preset decides them.
        defaults = {name: getattr(preset(args.preset), name) for name in SAMPLER_FIELDS}
        model = FoleyModel(cfg=dataclasses.replace(config_from_dict(state['config']), **defaults))
        model.load_state_dict(state['model'])
        purpose, license_id = 'production', 'CC-BY-SA-4.0'
    out = args.out or REPO_ROOT / 'public' / 'models' / f'foley-{args.preset}'
    build_pack(
        model,
        out,
        pack_id=f'foley-{args.preset}',
        version=args.version,
        purpose=purpose,
        description=DESCRIPTIONS[args.preset],
        license_id=license_id,
        half_weights=args.half_weights,
    )


if __name__ == '__main__':
    main()
