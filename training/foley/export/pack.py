"""Builds a pack folder: every component as ONNX, its reference tensors, parity checks, then manifest.json."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import onnxruntime as ort
import torch

from foley.config import FoleyConfig
from foley.export import manifest as pack_manifest
from foley.export.components import ComponentIO, component_io, example_inputs, module_for, run_torch
from foley.export.half_weights import round_parameters_to_half, store_initializers_as_half
from foley.export.onnx_graphs import export_component
from foley.export.tensors import encode, file_digest
from foley.networks import KNOWN_KINDS, MAX_REFERENCE_SEC, MIN_NOISE_LEVEL, MODALITIES, FoleyModel

# Small on purpose: reference files stay a few hundred KB and run fast in CI and in Chromium.
REFERENCE_SIZES = {'T': 3, 'L': 8, 'K': 3, 'F': 6}
# Dynamic axes must also work at their smallest legal sizes.
EDGE_SIZES = {'T': 1, 'L': 4, 'K': 1, 'F': 1}


def ort_session(path: Path) -> ort.InferenceSession:
    options = ort.SessionOptions()
    options.intra_op_num_threads = 2
    return ort.InferenceSession(str(path), options, providers=['CPUExecutionProvider'])


def max_abs_error(session: ort.InferenceSession, expected: dict[str, np.ndarray], inputs: dict[str, np.ndarray]) -> float:
    got = session.run(list(expected), inputs)
    return max(float(np.max(np.abs(g - expected[name]), initial=0.0)) for g, name in zip(got, expected, strict=True))


def tolerance(measured: float, outputs: dict[str, np.ndarray]) -> float:
    """Room for other backends (WebGPU/WASM accumulate in other orders): 10× the CPU error, a small relative floor."""
    scale = max(float(np.max(np.abs(o), initial=0.0)) for o in outputs.values())
    return float(f'{max(1e-4, 10 * measured, 2e-5 * scale):.3g}')


def export_one(model: FoleyModel, cfg: FoleyConfig, name: str, io: ComponentIO, out_dir: Path, seed: int, half_weights: bool) -> dict:
    module = module_for(model, name)
    reference_inputs = example_inputs(cfg, io, REFERENCE_SIZES, seed)
    onnx_path = out_dir / f'{name}.onnx'
    export_component(module, io, reference_inputs, onnx_path)
    if half_weights:
        print(f'{name:22s} {store_initializers_as_half(onnx_path)} weight tensors stored as float16')
    session = ort_session(onnx_path)
    reference_outputs = run_torch(module, io, reference_inputs)
    measured = max_abs_error(session, reference_outputs, reference_inputs)
    edge_inputs = example_inputs(cfg, io, EDGE_SIZES, seed + 1)
    edge_error = max_abs_error(session, run_torch(module, io, edge_inputs), edge_inputs)
    max_error = tolerance(max(measured, edge_error), reference_outputs)
    print(f'{name:22s} max|onnx - torch| = {measured:.3g} (edge sizes {edge_error:.3g}), tolerance {max_error:g}')
    ref_path = out_dir / f'{name}.ref.json'
    ref = {
        'inputs': {k: encode(v) for k, v in reference_inputs.items()},
        'outputs': {k: encode(v) for k, v in reference_outputs.items()},
    }
    ref_path.write_text(json.dumps(ref) + '\n')
    onnx_bytes, onnx_sha = file_digest(onnx_path)
    ref_bytes, ref_sha = file_digest(ref_path)
    return {
        'file': onnx_path.name,
        'bytes': onnx_bytes,
        'sha256': onnx_sha,
        'inputs': [s.to_json() for s in io.inputs],
        'outputs': [s.to_json() for s in io.outputs],
        'reference': {'file': ref_path.name, 'bytes': ref_bytes, 'sha256': ref_sha, 'maxAbsError': max_error},
    }


def max_steps(cfg: FoleyConfig) -> int:
    """Most sampler steps the DiT is exact for: the last step starts at t = 1 − 1/steps, which must stay at or below
    1 − MIN_NOISE_LEVEL (networks.DiT.velocity); the pack's default steps are always allowed."""
    return max(cfg.steps, int(round(1 / MIN_NOISE_LEVEL)))


def randomize_for_test(model: FoleyModel, seed: int) -> None:
    """adaLN-Zero starts the DiT at exactly zero; a test pack needs every graph to produce non-trivial numbers."""
    generator = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for param in model.parameters():
            if not param.any():
                param.copy_(0.05 * torch.randn(param.shape, generator=generator))


def build_pack(
    model: FoleyModel,
    out_dir: Path,
    *,
    pack_id: str,
    version: str,
    purpose: str,
    description: str,
    license_id: str,
    half_weights: bool = False,
) -> dict:
    cfg = model.cfg
    out_dir.mkdir(parents=True, exist_ok=True)
    model.eval()
    if half_weights:
        # The pack is this rounded model: its reference tensors and parity checks are computed from it (half_weights.py).
        round_parameters_to_half(model)
    components = {}
    for i, (name, io) in enumerate(component_io(cfg).items()):
        components[name] = export_one(model, cfg, name, io, out_dir, seed=100 + i, half_weights=half_weights)
    result = pack_manifest.build(
        cfg,
        pack_id=pack_id,
        version=version,
        purpose=purpose,
        description=description,
        license_id=license_id,
        components=components,
        modalities=MODALITIES,
        known_kinds=KNOWN_KINDS,
        max_reference_sec=MAX_REFERENCE_SEC,
        max_steps=max_steps(cfg),
    )
    pack_manifest.write(out_dir / 'manifest.json', result)
    total = sum(p.stat().st_size for p in out_dir.iterdir() if p.is_file())
    print(f'wrote {out_dir} ({total / 1e6:.2f} MB)')
    return result
