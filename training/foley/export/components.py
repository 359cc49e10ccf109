"""What each ONNX graph takes and returns: names, dtypes and shapes with the contract's symbolic dims."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch
from torch import nn

from foley.config import FoleyConfig
from foley.networks import FoleyModel

Dim = int | str


@dataclass(frozen=True)
class TensorSpec:
    name: str
    shape: tuple[Dim, ...]
    dtype: str = 'float32'

    def to_json(self) -> dict:
        return {'name': self.name, 'dtype': self.dtype, 'shape': list(self.shape)}

    def concrete(self, sizes: dict[str, int]) -> tuple[int, ...]:
        return tuple(sizes[d] if isinstance(d, str) else d for d in self.shape)


@dataclass(frozen=True)
class ComponentIO:
    inputs: tuple[TensorSpec, ...]
    outputs: tuple[TensorSpec, ...]


def component_io(cfg: FoleyConfig) -> dict[str, ComponentIO]:
    """The contract's component table, in pipeline order (src/engine/pack/manifest.ts COMPONENT_NAMES)."""
    s, c, ch, d = cfg.frame_size, cfg.latent_dims, cfg.channels, cfg.cond_dim
    latent = TensorSpec('x', (1, 'L', c))
    return {
        'visual_encoder': ComponentIO((TensorSpec('frames', ('T', 3, s, s)),), (TensorSpec('features', ('T', cfg.visual_dim)),)),
        'sync_encoder': ComponentIO((TensorSpec('frames', ('T', 3, s, s)),), (TensorSpec('features', ('T', cfg.sync_dim)),)),
        'adapters': ComponentIO(
            (TensorSpec('visual', (1, 'T', cfg.visual_dim)), TensorSpec('sync', (1, 'L', cfg.sync_dim))),
            (TensorSpec('frame_cond', (1, 'L', d)), TensorSpec('global_cond', (1, d))),
        ),
        'loudness_predictor': ComponentIO(
            (TensorSpec('frame_cond', (1, 'L', d)), TensorSpec('global_cond', (1, d))),
            (TensorSpec('loudness', (1, 'L', ch)),),
        ),
        'text_encoder': ComponentIO((TensorSpec('token_ids', (1, 'K'), 'int64'),), (TensorSpec('text_emb', (1, cfg.text_dim)),)),
        'audio_prompt_encoder': ComponentIO((TensorSpec('latent', (1, 'F', c)),), (TensorSpec('audio_emb', (1, cfg.audio_dim)),)),
        'dit': ComponentIO(
            (
                latent,
                TensorSpec('t', (1,)),
                TensorSpec('cfg_scale', (1,)),
                TensorSpec('frame_cond', (1, 'L', d)),
                TensorSpec('global_cond', (1, d)),
                TensorSpec('loudness', (1, 'L', ch)),
                TensorSpec('text_emb', (1, cfg.text_dim)),
                TensorSpec('audio_emb', (1, cfg.audio_dim)),
                TensorSpec('cond_mask', (1, 4)),
                TensorSpec('timing', (1, 2)),
                TensorSpec('known', (1, 'L', c)),
                TensorSpec('known_mask', (1, 'L', 2)),
            ),
            (TensorSpec('velocity', (1, 'L', c)),),
        ),
        'sampler_step': ComponentIO(
            (latent, TensorSpec('velocity', (1, 'L', c)), TensorSpec('dt', (1,))),
            (TensorSpec('x_next', (1, 'L', c)),),
        ),
    }


def module_for(model: FoleyModel, name: str) -> nn.Module:
    return getattr(model, name)


def example_inputs(cfg: FoleyConfig, io: ComponentIO, sizes: dict[str, int], seed: int) -> dict[str, np.ndarray]:
    """Plausible inputs: frames in [0, 1], ids with a trailing pad, loudness in [0, 1], a mixed cond_mask, the
    first quarter of the frames known as a reference prefix and the last quarter as known frames of the clip."""
    rng = np.random.default_rng(seed)
    fixed = {
        't': np.array([0.37], np.float32),
        'cfg_scale': np.array([cfg.cfg_scale], np.float32),
        'dt': np.array([1.0 / cfg.steps], np.float32),
        'cond_mask': np.array([[1, 1, 0, 1]], np.float32),
        'timing': np.array([[2.0, 12.5]], np.float32),
    }
    inputs = {}
    for spec in io.inputs:
        shape = spec.concrete(sizes)
        if spec.name in fixed:
            inputs[spec.name] = fixed[spec.name]
        elif spec.dtype == 'int64':
            ids = rng.integers(1, len(cfg.vocabulary), size=shape).astype(np.int64)
            ids[..., -1] = 0 if shape[-1] > 1 else ids[..., -1]
            inputs[spec.name] = ids
        elif spec.name == 'known_mask':
            mask = np.zeros(shape, np.float32)
            quarter = max(1, shape[1] // 4)
            mask[:, :quarter, 1] = 1
            mask[:, shape[1] - quarter :, 0] = 1 if shape[1] > 1 else 0
            inputs[spec.name] = mask
        elif spec.name in ('frames', 'loudness'):
            inputs[spec.name] = rng.random(shape, dtype=np.float32)
        else:
            inputs[spec.name] = rng.standard_normal(shape, dtype=np.float32)
    return inputs


def run_torch(module: nn.Module, io: ComponentIO, inputs: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    with torch.no_grad():
        out = module(*(torch.from_numpy(inputs[s.name]) for s in io.inputs))
    outs = out if isinstance(out, tuple) else (out,)
    return {s.name: o.numpy() for s, o in zip(io.outputs, outs, strict=True)}
