"""Foley Studio training: configs, latent transform, networks, flow matching, training and ONNX export."""
