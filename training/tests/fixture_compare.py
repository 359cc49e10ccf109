"""Compares a fixture rebuilt in memory with the committed file: same structure, numbers to a relative 1e-12 and
base64 float32 arrays to 1e-6 of their largest value (the rebuild runs the same float64 maths; only the last bits of
library routines may move)."""

from __future__ import annotations

import base64
import json

import numpy as np

from foley.export.fixtures import FIXTURES_DIR, render


def committed(name: str) -> dict:
    return json.loads((FIXTURES_DIR / name).read_text())


def _float32(text: str) -> np.ndarray:
    return np.frombuffer(base64.b64decode(text), dtype='<f4')


def assert_same(rebuilt: object, stored: object, path: str = '') -> None:
    if isinstance(stored, dict):
        assert isinstance(rebuilt, dict) and rebuilt.keys() == stored.keys(), f'{path}: keys {sorted(stored)} vs {sorted(rebuilt)}'
        if stored.get('dtype') == 'float32' and 'data' in stored:
            a, b = _float32(rebuilt['data']), _float32(stored['data'])
            assert a.shape == b.shape, f'{path}.data: {a.shape=} {b.shape=}'
            np.testing.assert_allclose(a, b, rtol=0, atol=1e-6 * max(1.0, float(np.abs(b).max())), err_msg=f'{path}.data')
            stored, rebuilt = {k: v for k, v in stored.items() if k != 'data'}, {k: v for k, v in rebuilt.items() if k != 'data'}
        for key in stored:
            assert_same(rebuilt[key], stored[key], f'{path}.{key}')
    elif isinstance(stored, list):
        assert isinstance(rebuilt, list) and len(rebuilt) == len(stored), f'{path}: length {len(stored)} vs {len(rebuilt)}'
        for i, (a, b) in enumerate(zip(rebuilt, stored)):
            assert_same(a, b, f'{path}[{i}]')
    elif isinstance(stored, float):
        assert isinstance(rebuilt, (float, int)), f'{path}: {rebuilt!r} is not a number'
        assert abs(rebuilt - stored) <= 1e-12 * max(1.0, abs(stored)), f'{path}: rebuilt {rebuilt!r} vs committed {stored!r}'
    else:
        assert rebuilt == stored, f'{path}: rebuilt {rebuilt!r} vs committed {stored!r}'


def assert_matches_committed(name: str, rebuilt: dict) -> None:
    """The committed file must equal a rebuild; regenerate with `python -m foley.export.fixtures` after a deliberate change."""
    assert_same(json.loads(render(rebuilt)), committed(name), name)
