"""Reference-tensor JSON (`<component>.ref.json`): base64 little-endian data with dims and dtype. No torch here."""

from __future__ import annotations

import base64
import hashlib
from pathlib import Path

import numpy as np

DTYPES = {'float32': '<f4', 'int64': '<i8'}


def encode(array: np.ndarray) -> dict:
    dtype = 'int64' if array.dtype == np.int64 else 'float32'
    data = np.ascontiguousarray(array, dtype=DTYPES[dtype]).tobytes()
    return {'dims': list(array.shape), 'dtype': dtype, 'data': base64.b64encode(data).decode('ascii')}


def decode(entry: dict) -> np.ndarray:
    if entry['dtype'] not in DTYPES:
        raise ValueError(f'unknown dtype {entry["dtype"]!r}; valid: {", ".join(DTYPES)}')
    array = np.frombuffer(base64.b64decode(entry['data']), dtype=DTYPES[entry['dtype']])
    return array.reshape(entry['dims']).astype(np.int64 if entry['dtype'] == 'int64' else np.float32)


def file_digest(path: Path) -> tuple[int, str]:
    data = path.read_bytes()
    return len(data), hashlib.sha256(data).hexdigest()
