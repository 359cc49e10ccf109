"""Weights stored as float16 in the ONNX files, computed in float32.

Why: the DiT's float32 weights are 23 MB of a 30 MB pack that every user downloads and every pack version adds to
the repository. Half the bytes, same arithmetic: the model's parameters are first rounded to float16 in torch (so the
torch reference and the pack compute the same numbers, and parity tolerances stay as tight as before), then every
float32 initializer that float16 holds exactly is stored as float16 behind a Cast to float32. onnxruntime folds those
Casts into float32 constants when it builds a session (CPU, WASM and WebGPU alike), so inference is float32 throughout.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import onnx
import torch
from onnx import helper, numpy_helper
from torch import nn

# Small tensors (norm scales, biases) save nothing worth a Cast node.
MIN_ELEMENTS = 1024


def round_parameters_to_half(model: nn.Module) -> None:
    """Every floating-point parameter rounded to the nearest float16 value (kept in its own dtype)."""
    with torch.no_grad():
        for p in model.parameters():
            if p.dtype.is_floating_point:
                p.copy_(p.to(torch.float16).to(p.dtype))


def store_initializers_as_half(path: Path) -> int:
    """Rewrites the ONNX file at `path`; returns how many initializers now sit in float16."""
    graph_model = onnx.load(str(path))
    graph = graph_model.graph
    kept, casts, converted = [], [], 0
    for init in graph.initializer:
        values = numpy_helper.to_array(init) if init.data_type == onnx.TensorProto.FLOAT else None
        if values is None or values.size < MIN_ELEMENTS or not np.array_equal(values.astype(np.float16).astype(np.float32), values):
            kept.append(init)
            continue
        half_name = f'{init.name}__float16'
        kept.append(numpy_helper.from_array(values.astype(np.float16), half_name))
        casts.append(helper.make_node('Cast', [half_name], [init.name], to=onnx.TensorProto.FLOAT, name=f'{init.name}__to_float32'))
        converted += 1
    del graph.initializer[:]
    graph.initializer.extend(kept)
    nodes = list(graph.node)
    del graph.node[:]
    graph.node.extend([*casts, *nodes])
    onnx.checker.check_model(graph_model)
    onnx.save(graph_model, str(path))
    return converted
