"""Domain randomisation of rendered training video, on the fly: rendered 64×64 scenes are clean, flat-lit and still
between events, real footage is none of these. Every effect is drawn per clip (fixed over its frames, as a camera
or a grade is) except sensor noise and shake, which change every frame as they do in real video.

Photographic backgrounds and H.264 round trips change the data itself and are made when the shards are built
(`foley/photo_textures.py`, `foley.dataset build --photos`).
"""

from __future__ import annotations

import torch
from torch.nn import functional as F  # noqa: N812


def _uniform(generator: torch.Generator, shape: tuple[int, ...], lo: float, hi: float) -> torch.Tensor:
    return lo + (hi - lo) * torch.rand(shape, generator=generator)


def _chance(generator: torch.Generator, b: int, p: float) -> torch.Tensor:
    return (torch.rand(b, generator=generator) < p).float().view(b, 1, 1, 1, 1)


def augment_frames(frames: torch.Tensor, generator: torch.Generator, p: float = 0.8, noise: float = 0.04) -> torch.Tensor:
    """(B, T, 3, H, W) in [0, 1] → same shape; each clip is left untouched with probability 1 − p; sensor noise up to
    `noise` standard deviation (the same random draws whatever its value)."""
    b, t, _, h, w = frames.shape
    out = frames
    # Exposure and gamma (over/under-exposed footage), then a colour cast per channel.
    out = out.clamp(min=1e-4) ** _uniform(generator, (b, 1, 1, 1, 1), 0.7, 1.4)
    out = out * _uniform(generator, (b, 1, 1, 1, 1), 0.6, 1.4) * _uniform(generator, (b, 1, 3, 1, 1), 0.85, 1.15)
    out = out + _uniform(generator, (b, 1, 3, 1, 1), -0.08, 0.08)
    # Defocus: a 3×3 blur for some clips.
    blurred = F.avg_pool2d(out.flatten(0, 1), 3, stride=1, padding=1, count_include_pad=False).view_as(out)
    blur = _chance(generator, b, 0.3)
    out = blur * blurred + (1 - blur) * out
    # Motion blur (long exposure): each frame mixed with the one before.
    previous = torch.cat([out[:, :1], out[:, :-1]], dim=1)
    smear = _chance(generator, b, 0.3) * _uniform(generator, (b, 1, 1, 1, 1), 0.2, 0.5)
    out = (1 - smear) * out + smear * previous
    # Hand-held camera: every frame moved by up to 2 px, so global motion alone is not an event.
    shake = torch.rand(b, generator=generator) < 0.3
    if shake.any():
        shifts = torch.randint(-2, 3, (b, t, 2), generator=generator)
        rows = []
        for i in range(b):
            if shake[i]:
                rows.append(torch.stack([torch.roll(out[i, k], tuple(shifts[i, k].tolist()), dims=(1, 2)) for k in range(t)]))
            else:
                rows.append(out[i])
        out = torch.stack(rows)
    # Sensor noise, new every frame.
    out = out + _uniform(generator, (b, 1, 1, 1, 1), 0.0, noise) * torch.randn(out.shape, generator=generator)
    # Letterbox bars (films and phone videos padded to another aspect ratio).
    bars = (torch.rand(b, generator=generator) < 0.2).float() * torch.randint(2, h // 6, (b,), generator=generator)
    rows_index = torch.arange(h).view(1, h)
    bar_mask = ((rows_index < bars.view(b, 1)) | (rows_index >= h - bars.view(b, 1))).float().view(b, 1, 1, h, 1)
    out = out * (1 - bar_mask)
    keep = _chance(generator, b, 1 - p)
    return (keep * frames + (1 - keep) * out.clamp(0.0, 1.0)).contiguous()
