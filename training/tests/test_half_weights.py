"""Weights stored as float16 (foley/export/half_weights.py): half the bytes, the same float32 arithmetic as the rounded model."""

from __future__ import annotations

import numpy as np
import pytest

torch = pytest.importorskip('torch')
ort = pytest.importorskip('onnxruntime')
onnx = pytest.importorskip('onnx')

from foley.config import preset  # noqa: E402
from foley.export.components import component_io, example_inputs, run_torch  # noqa: E402
from foley.export.pack import build_pack, randomize_for_test  # noqa: E402
from foley.networks import FoleyModel  # noqa: E402


def fresh_model() -> FoleyModel:
    torch.manual_seed(3)
    model = FoleyModel(cfg=preset('test'))
    randomize_for_test(model, seed=4)
    return model.eval()


@pytest.fixture(scope='module')
def packs(tmp_path_factory):
    full, half = tmp_path_factory.mktemp('full'), tmp_path_factory.mktemp('half')
    common = {'pack_id': 'foley-test', 'version': '0.0.0', 'purpose': 'test', 'description': 'd', 'license_id': 'CC0-1.0'}
    build_pack(fresh_model(), full, **common)
    rounded = fresh_model()
    build_pack(rounded, half, half_weights=True, **common)
    return full, half, rounded


def test_large_weights_are_float16_and_the_dit_about_halves(packs):
    full, half, _ = packs
    graph = onnx.load(str(half / 'dit.onnx')).graph
    kinds = {onnx.TensorProto.FLOAT16: 0, onnx.TensorProto.FLOAT: 0}
    for init in graph.initializer:
        if np.prod(init.dims) >= 1024:
            kinds[init.data_type] = kinds.get(init.data_type, 0) + 1
    assert kinds[onnx.TensorProto.FLOAT16] > 0 and kinds[onnx.TensorProto.FLOAT] == 0, kinds
    ratio = (half / 'dit.onnx').stat().st_size / (full / 'dit.onnx').stat().st_size
    assert 0.45 < ratio < 0.7, ratio


def test_the_half_pack_computes_what_the_rounded_model_computes(packs):
    _, half, rounded = packs
    for name, io in component_io(rounded.cfg).items():
        inputs = example_inputs(rounded.cfg, io, {'T': 5, 'L': 12, 'K': 3, 'F': 7}, seed=11)
        expected = run_torch(getattr(rounded, name), io, inputs)
        got = ort.InferenceSession(str(half / f'{name}.onnx'), providers=['CPUExecutionProvider']).run(list(expected), inputs)
        for value, key in zip(got, expected, strict=True):
            np.testing.assert_allclose(value, expected[key], atol=1e-4, err_msg=f'{name}.{key}')
