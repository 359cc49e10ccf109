"""ONNX export of a model pack: components, manifest.json and reference tensors (docs/model-pack.md)."""
