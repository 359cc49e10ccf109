"""Every committed pack under public/models/ honours the contract and reproduces its reference tensors.

Needs only numpy + onnxruntime (CI has no torch).
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import onnxruntime as ort
import pytest

from foley.export import manifest
from foley.export.tensors import decode, file_digest

MODELS_DIR = Path(__file__).resolve().parents[2] / 'public' / 'models'
COMPONENT_NAMES = (
    'visual_encoder', 'sync_encoder', 'adapters', 'loudness_predictor',
    'text_encoder', 'audio_prompt_encoder', 'dit', 'sampler_step',
)  # fmt: skip
SYMBOLIC_DIMS = {'B', 'T', 'L', 'K', 'F'}
PACK_DIRS = sorted(p.parent for p in MODELS_DIR.glob('*/manifest.json'))
MAX_PACK_BYTES = {'test': 3_000_000, 'production': 60_000_000}


def load_manifest(pack: Path) -> dict:
    return json.loads((pack / 'manifest.json').read_text())


def test_the_test_pack_is_committed():
    assert MODELS_DIR / 'foley-test' in PACK_DIRS, f'packs found: {PACK_DIRS}'


@pytest.mark.parametrize('pack', PACK_DIRS, ids=lambda p: p.name)
def test_manifest_fields(pack: Path):
    m = load_manifest(pack)
    manifest.validate(m)  # docs/model-pack.schema.json and the cross-field checks, as parseManifest
    assert m['id'] == pack.name
    assert list(m['components']) == list(COMPONENT_NAMES)


@pytest.mark.parametrize('pack', PACK_DIRS, ids=lambda p: p.name)
def test_files_match_their_digests_and_size_budget(pack: Path):
    m = load_manifest(pack)
    total = (pack / 'manifest.json').stat().st_size
    for name, component in m['components'].items():
        for entry in (component, component['reference']):
            size, sha = file_digest(pack / entry['file'])
            assert (size, sha) == (entry['bytes'], entry['sha256']), f'{name}: {entry["file"]} changed since export'
            total += size
    assert total <= MAX_PACK_BYTES[m['purpose']], f'{pack.name} is {total} bytes'


def dims_match(declared: list, actual: list) -> bool:
    """A fixed manifest dim must be fixed to the same value in the graph; a symbolic one must be dynamic there."""
    if len(declared) != len(actual):
        return False
    return all((isinstance(d, str) and d in SYMBOLIC_DIMS and not isinstance(a, int)) or d == a for d, a in zip(declared, actual))


def cases():
    for pack in PACK_DIRS:
        for name in COMPONENT_NAMES:
            yield pytest.param(pack, name, id=f'{pack.name}-{name}')


@pytest.mark.parametrize(('pack', 'name'), list(cases()))
def test_component_reproduces_reference(pack: Path, name: str):
    component = load_manifest(pack)['components'][name]
    options = ort.SessionOptions()
    options.intra_op_num_threads = 2
    session = ort.InferenceSession(str(pack / component['file']), options, providers=['CPUExecutionProvider'])
    ort_dtypes = {'float32': 'tensor(float)', 'int64': 'tensor(int64)'}
    for declared, actual in ((component['inputs'], session.get_inputs()), (component['outputs'], session.get_outputs())):
        assert [t['name'] for t in declared] == [a.name for a in actual]
        for t, a in zip(declared, actual):
            assert ort_dtypes[t['dtype']] == a.type, f'{t["name"]}: {a.type}'
            assert dims_match(t['shape'], a.shape), f'{t["name"]}: manifest {t["shape"]} vs graph {a.shape}'
    ref = json.loads((pack / component['reference']['file']).read_text())
    inputs = {k: decode(v) for k, v in ref['inputs'].items()}
    expected = {k: decode(v) for k, v in ref['outputs'].items()}
    got = dict(zip(expected, session.run(list(expected), inputs)))
    tolerance = component['reference']['maxAbsError']
    assert 0 < tolerance <= 1e-2
    for key, value in expected.items():
        assert got[key].shape == value.shape
        assert np.all(np.isfinite(got[key]))
        error = float(np.max(np.abs(got[key] - value)))
        assert error <= tolerance, f'{name}.{key}: max abs error {error} > {tolerance}'
