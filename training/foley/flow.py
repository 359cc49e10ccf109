"""Rectified flow (docs/model-pack.md): x_t = (1 − t)·noise + t·data, velocity target data − noise.

The sampler integrates any velocity function and knows nothing about the model.
"""

from __future__ import annotations

from collections.abc import Callable

import torch

VelocityFn = Callable[[torch.Tensor, torch.Tensor], torch.Tensor]  # (x (B, L, C), t (B,)) → v (B, L, C)


def sample_times(batch: int, generator: torch.Generator) -> torch.Tensor:
    """Logit-normal flow times (SD3): more training signal mid-path, where velocity is hardest to predict."""
    return torch.sigmoid(torch.randn(batch, generator=generator))


def interpolate(data: torch.Tensor, noise: torch.Tensor, t: torch.Tensor) -> torch.Tensor:
    return (1 - t).view(-1, 1, 1) * noise + t.view(-1, 1, 1) * data  # (B, L, C)


def flow_loss(velocity: torch.Tensor, data: torch.Tensor, noise: torch.Tensor, weights: torch.Tensor | None = None) -> torch.Tensor:
    """Mean squared velocity error; `weights` (B, L) masks padded latent frames."""
    error = (velocity - (data - noise)).square().mean(dim=-1)  # (B, L)
    if weights is None:
        return error.mean()
    return (error * weights).sum() / weights.sum().clamp(min=1)


def sample(velocity_fn: VelocityFn, noise: torch.Tensor, *, steps: int, method: str = 'euler') -> torch.Tensor:
    """Integrates dx/dt = v(x, t) from t = 0 (noise) to t = 1 (data) in `steps` equal steps."""
    if method not in ('euler', 'heun'):
        raise ValueError(f'unknown method {method!r}; valid: euler, heun')
    x, dt = noise, 1.0 / steps
    for i in range(steps):
        t = torch.full((x.shape[0],), i * dt, dtype=x.dtype)  # the state's precision: float64 runs keep t exact
        v = velocity_fn(x, t)
        if method == 'heun' and i < steps - 1:
            v = 0.5 * (v + velocity_fn(x + dt * v, t + dt))
        x = x + dt * v
    return x
