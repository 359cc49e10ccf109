"""torch → ONNX for one component, opset 17, symbolic dims kept dynamic."""

from __future__ import annotations

import warnings
from pathlib import Path

import torch
from torch import nn

from foley.export.components import ComponentIO

OPSET = 17


def dynamic_axes(io: ComponentIO) -> dict[str, dict[int, str]]:
    axes = {}
    for spec in (*io.inputs, *io.outputs):
        named = {i: d for i, d in enumerate(spec.shape) if isinstance(d, str)}
        if named:
            axes[spec.name] = named
    return axes


def export_component(module: nn.Module, io: ComponentIO, example: dict, path: Path) -> None:
    args = tuple(torch.from_numpy(example[s.name]) for s in io.inputs)
    with warnings.catch_warnings(), torch.no_grad():
        # The TorchScript exporter is deprecated in favour of dynamo; it still gives the plainest opset-17 graphs.
        warnings.simplefilter('ignore')
        torch.onnx.export(
            module.eval(),
            args,
            str(path),
            input_names=[s.name for s in io.inputs],
            output_names=[s.name for s in io.outputs],
            dynamic_axes=dynamic_axes(io),
            opset_version=OPSET,
            do_constant_folding=True,
            dynamo=False,
        )
