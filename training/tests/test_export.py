"""Export round trip: a freshly exported graph agrees with PyTorch at reference and edge sizes; guidance is in the graph."""

from __future__ import annotations

import json

import numpy as np
import pytest

torch = pytest.importorskip('torch')
ort = pytest.importorskip('onnxruntime')

from foley.config import preset  # noqa: E402
from foley.export.components import component_io, example_inputs, run_torch  # noqa: E402
from foley.export.pack import build_pack, randomize_for_test  # noqa: E402
from foley.networks import FoleyModel  # noqa: E402


@pytest.fixture(scope='module')
def exported(tmp_path_factory):
    torch.manual_seed(3)
    model = FoleyModel(cfg=preset('test'))
    randomize_for_test(model, seed=4)
    out = tmp_path_factory.mktemp('pack')
    manifest = build_pack(model, out, pack_id='foley-test', version='0.0.0', purpose='test', description='d', license_id='CC0-1.0')
    return model.eval(), out, manifest


def session(path):
    return ort.InferenceSession(str(path), providers=['CPUExecutionProvider'])


@pytest.mark.parametrize('sizes', [{'T': 1, 'L': 4, 'K': 1, 'F': 1}, {'T': 7, 'L': 36, 'K': 5, 'F': 11}])
def test_every_component_matches_torch_at_other_sizes(exported, sizes):
    model, out, _ = exported
    for name, io in component_io(model.cfg).items():
        inputs = example_inputs(model.cfg, io, sizes, seed=9)
        expected = run_torch(getattr(model, name), io, inputs)
        got = session(out / f'{name}.onnx').run(list(expected), inputs)
        for value, key in zip(got, expected):
            np.testing.assert_allclose(value, expected[key], atol=1e-4, err_msg=f'{name}.{key}')


def test_cfg_inside_the_graph(exported):
    model, out, _ = exported
    io = component_io(model.cfg)['dit']
    inputs = example_inputs(model.cfg, io, {'L': 8}, seed=2)
    dit = session(out / 'dit.onnx')

    def velocity(scale, mask):
        return dit.run(None, {**inputs, 'cfg_scale': np.array([scale], np.float32), 'cond_mask': np.array([mask], np.float32)})[0]

    # Scale 0 returns the guidance reference: every prompt dropped, the loudness curve kept when given.
    v_reference = velocity(0.0, [1, 1, 1, 1])
    v_cond = velocity(1.0, [1, 1, 1, 1])
    np.testing.assert_allclose(velocity(1.0, [0, 1, 0, 0]), v_reference, atol=1e-5)
    np.testing.assert_allclose(velocity(0.0, [0, 1, 0, 1]), v_reference, atol=1e-5)
    np.testing.assert_allclose(velocity(3.0, [1, 1, 1, 1]), v_reference + 3 * (v_cond - v_reference), atol=1e-4)
    assert np.abs(v_cond - v_reference).max() > 1e-3, 'conditioning must change the velocity'
    # Without a curve the reference is fully unconditional, and differs from the curve-keeping one.
    v_uncond = velocity(2.5, [0, 0, 0, 0])
    np.testing.assert_allclose(velocity(0.0, [1, 0, 1, 1]), v_uncond, atol=1e-5)
    assert np.abs(v_uncond - v_reference).max() > 1e-3, 'the loudness curve must reach the reference branch'


def test_sync_encoder_sees_no_motion_in_the_first_frame(exported):
    model, out, _ = exported
    frames = np.random.default_rng(0).random((3, 3, 64, 64), dtype=np.float32)
    sync = session(out / 'sync_encoder.onnx')
    still = sync.run(None, {'frames': np.repeat(frames[:1], 3, axis=0)})[0]
    moving = sync.run(None, {'frames': frames})[0]
    np.testing.assert_allclose(still[0], moving[0], atol=1e-5)
    np.testing.assert_allclose(still[1], still[0], atol=1e-5)
    assert np.abs(moving[1] - still[1]).max() > 1e-3


def test_text_padding_is_ignored(exported):
    model, out, _ = exported
    text = session(out / 'text_encoder.onnx')
    a = text.run(None, {'token_ids': np.array([[4, 7]], np.int64)})[0]
    b = text.run(None, {'token_ids': np.array([[4, 7, 0, 0, 0]], np.int64)})[0]
    np.testing.assert_allclose(a, b, atol=1e-6)


def test_manifest_is_complete(exported):
    _, out, manifest = exported
    assert json.loads((out / 'manifest.json').read_text()) == manifest
    assert manifest['latent']['lengthMultiple'] == preset('test').patch
    assert all(c['reference']['maxAbsError'] >= 1e-4 for c in manifest['components'].values())
