"""Rebuilds a training checkpoint from a shipped pack's ONNX files, so training resumes from the released weights.

    python -m foley.export.from_pack --pack ../public/models/foley-tiny --out work/tiny/checkpoint.pt   # from training/

The TorchScript exporter keeps parameter names for convolutions, biases and some weights, but stores most Linear
weights transposed under generated names (`onnx::MatMul_795`) as the right operand of a MatMul. Such a weight is
named by the layer whose `<layer>.bias` the MatMul's output is added to. Parameters a pack does not have (layers
added after its release, zero-initialised so they start as no-ops) keep their fresh initial values; anything else
missing or of the wrong shape is an error.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
from pathlib import Path

import numpy as np
import onnx
import torch
from onnx import numpy_helper

from foley.config import preset
from foley.networks import FoleyModel

COMPONENTS = ('visual_encoder', 'sync_encoder', 'adapters', 'loudness_predictor', 'text_encoder', 'audio_prompt_encoder', 'dit')


def component_weights(path: Path) -> dict[str, np.ndarray]:
    """Parameter name (relative to the component module) → array, recovering names of transposed MatMul weights."""
    graph = onnx.load(str(path)).graph
    initializers = {i.name: numpy_helper.to_array(i) for i in graph.initializer}
    consumers: dict[str, list] = {}
    for node in graph.node:
        for name in node.input:
            consumers.setdefault(name, []).append(node)
    named = {k: v for k, v in initializers.items() if not k.startswith('onnx::')}
    for node in graph.node:
        if node.op_type != 'MatMul' or not node.input[1].startswith('onnx::'):
            continue
        adds = [n for n in consumers.get(node.output[0], []) if n.op_type == 'Add']
        biases = [i for n in adds for i in n.input if i.endswith('.bias') and i in initializers]
        if len(biases) != 1:
            raise ValueError(f'{path.name}: cannot name MatMul weight {node.input[1]} (biases {biases})')
        named[biases[0][: -len('.bias')] + '.weight'] = initializers[node.input[1]].T
    return named


def model_from_pack(pack: Path) -> FoleyModel:
    manifest = json.loads((pack / 'manifest.json').read_text())
    latent = manifest['latent']
    cfg = dataclasses.replace(preset('tiny'), latent_mean=latent['mean'], latent_std=latent['std']).with_vocabulary(
        tuple(manifest['conditioning']['text']['vocabulary'])
    )
    model = FoleyModel(cfg=cfg)
    state = model.state_dict()
    loaded: set[str] = set()
    for component in COMPONENTS:
        for name, array in component_weights(pack / f'{component}.onnx').items():
            key = f'{component}.{name}'
            if key not in state:
                raise KeyError(f'{key} is in the pack but not in the model')
            if tuple(state[key].shape) != array.shape:
                raise ValueError(f'{key}: pack {array.shape} vs model {tuple(state[key].shape)}')
            state[key] = torch.from_numpy(array.copy())
            loaded.add(key)
    fresh = sorted(set(state) - loaded)
    for key in fresh:
        # Only layers added after the release may be absent, and they must start as no-ops (zero-initialised).
        if state[key].abs().max() > 0:
            raise KeyError(f'{key} is not in the pack and is not zero-initialised')
    model.load_state_dict(state)
    print(f'{len(loaded)} tensors from {pack}; {len(fresh)} new zero-initialised: {fresh}')
    return model


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--pack', type=Path, required=True)
    parser.add_argument('--out', type=Path, required=True)
    args = parser.parse_args()
    model = model_from_pack(args.pack)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    # No optimiser state: training resumes with a fresh AdamW from these weights (train.py --init).
    torch.save({'config': dataclasses.asdict(model.cfg), 'model': model.state_dict(), 'raw_model': model.state_dict(), 'step': 0}, args.out)
    print(f'wrote {args.out}')


if __name__ == '__main__':
    main()
