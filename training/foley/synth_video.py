"""Synthetic paired videos: scenes whose visible events cause the sounds (numpy only, 64×64 RGB, 24 fps).

No licensed source has paired video, so foley-tiny learns "what moves → what sounds, when and how loud" from
rendered scenes. `render_scene` draws the frames and returns the sound-causing events; `dataset.py` then places
corpus recordings at those times (gain from strength, pan from horizontal position) to make the target audio.

Scene kinds (each returns roles: which corpus category plays, as one-shots at events or as a sustained bed):
- drop: 1–3 objects fall under gravity and hit the ground; event at the exact contact time, strength = contact
  speed (bounces give weaker repeats). A quarter of them shatter into fragments instead (category "break").
- footsteps: a stick figure walks or runs (sometimes pausing); events at foot-plant times, x = planted foot.
- door: a door in a wall swings open slowly and shuts; "slam" event when it reaches the frame (strength = angular
  speed), optional "creak" bed whose level follows angular speed while it moves.
- slide: a box is shoved along the ground and slows by friction; the "scrape" bed level follows its speed; dust.
- weather: rain streaks, blown leaves and bending grass, or a fire whose size and sparks follow a slowly varying
  intensity; the ambience bed level follows that intensity.
- swing: a stick swings fast about a pivot; whoosh event at peak angular speed (aligned to the sound's peak).
- burst: a flash with an expanding ring and debris; explosion event at the flash.
- creature: a blob puffs up and opens its mouth when it calls; animal one-shot at each call.
- hammer: an arm strikes a block with a fast down-stroke; tool one-shot at each contact.
- machine: a vehicle idles (shaking, exhaust puffs) or drives; the engine bed follows running state and speed.
- still: nothing moves; quiet ambience bed or digital silence.
- distractor: only unrelated things move; quiet ambience bed or silence.
Variation for transfer to real footage: textured backgrounds (noise, stripes, checks, blocks, sky gradients) with a
textured ground, random palettes, object scale, camera pan / shake / zoom / tracking, lighting drift and flicker,
colour cast, sensor noise, hard cuts (new background and framing, sound unaffected) and distractors that move
without sound (floating blobs, a bird-like sprite crossing, blinking lights).
All randomness comes from the `np.random.Generator` passed in, so a seed reproduces a scene exactly.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np
from scipy.ndimage import gaussian_filter

from foley.synth_canvas import FPS, GRID_X, GRID_Y, SIZE, TEX, Canvas, Event, Role, Sustain, palette
from foley.synth_scenes import BUILDERS

if TYPE_CHECKING:  # the look is built by the caller (dataset.py); rendering needs no ffmpeg or image pool
    from foley.photo_textures import PhotoLook

__all__ = ['FPS', 'SIZE', 'BUILDERS', 'SCENE_WEIGHTS', 'Event', 'Role', 'Scene', 'Sustain', 'random_kind', 'render_scene']

SCENE_WEIGHTS = {
    'drop': 0.18, 'footsteps': 0.18, 'door': 0.1, 'slide': 0.08, 'weather': 0.13, 'swing': 0.05,
    'burst': 0.04, 'creature': 0.06, 'hammer': 0.05, 'machine': 0.05, 'still': 0.04, 'distractor': 0.04,
}  # fmt: skip


@dataclass
class Scene:
    kind: str
    frames: np.ndarray  # uint8 [T, H, W, 3]
    events: list[Event] = field(default_factory=list)
    sustains: list[Sustain] = field(default_factory=list)
    roles: dict[str, Role] = field(default_factory=dict)
    silent: bool = False  # "still"/"distractor" scenes rendered with digital silence


def make_texture(rng: np.random.Generator, ground_y: float) -> np.ndarray:
    """World texture float32 [TEX, TEX, 3]; rows below `ground_y` (world px, texture row = y + 32) are ground."""
    kind = rng.choice(['noise', 'stripes', 'checks', 'blocks', 'sky'])
    yy, xx = np.mgrid[0:TEX, 0:TEX].astype(np.float32)
    c = palette(rng, 2)
    if kind == 'noise':
        m = gaussian_filter(rng.normal(size=(TEX, TEX)), rng.uniform(1, 5), mode='wrap')
        m = (m - m.min()) / (np.ptp(m) + 1e-6)
    elif kind == 'stripes':
        angle, freq = rng.uniform(0, np.pi), rng.integers(2, 12) * 2 * np.pi / TEX
        m = 0.5 + 0.5 * np.sin(freq * (xx * np.cos(angle) + yy * np.sin(angle)))
    elif kind == 'checks':
        cell = int(rng.choice([4, 8, 16, 32]))
        m = ((xx // cell + yy // cell) % 2).astype(np.float32)
    elif kind == 'blocks':
        m = np.zeros((TEX, TEX), np.float32)
        for _ in range(rng.integers(6, 20)):
            x0, y0 = rng.integers(0, TEX, 2)
            m[y0 : y0 + rng.integers(4, 30), x0 : x0 + rng.integers(4, 30)] = rng.uniform()
    else:
        m = yy / TEX + 0.05 * gaussian_filter(rng.normal(size=(TEX, TEX)), 2, mode='wrap')
    tex = c[0] * (1 - m[..., None]) + c[1] * m[..., None]
    ground_row = int(np.clip(ground_y + 32, 0, TEX))
    g = palette(rng, 2) * 0.8
    gm = gaussian_filter(rng.normal(size=(TEX, TEX)), rng.uniform(0.5, 2), mode='wrap')
    gm = (gm - gm.min()) / (np.ptp(gm) + 1e-6)
    tex[ground_row:] = (g[0] * (1 - gm[..., None]) + g[1] * gm[..., None])[ground_row:]
    return tex.astype(np.float32)


def sample_texture(tex: np.ndarray, cx: float, cy: float, zoom: float) -> np.ndarray:
    wx = (GRID_X - SIZE / 2) / zoom + cx
    wy = (GRID_Y - SIZE / 2) / zoom + cy
    col = np.floor(wx).astype(np.int64) % TEX
    row = np.clip(np.floor(wy).astype(np.int64) + 32, 0, TEX - 1)
    return tex[row, col].copy()


def make_camera(rng: np.random.Generator, t: np.ndarray, track: np.ndarray | None = None) -> np.ndarray:
    """Per-frame (cx, cy, zoom) float32 [T, 3]."""
    n = t.size
    cam = np.tile(np.array([32.0, 32.0, 1.0], np.float32), (n, 1))
    mode = rng.choice(['static', 'pan', 'shake', 'zoom', 'pan+shake'], p=[0.3, 0.25, 0.2, 0.15, 0.1])
    if 'pan' in mode:
        cam[:, 0] += rng.uniform(-12, 12) * (t / max(t[-1], 1e-6)) + rng.uniform(-4, 4)
        cam[:, 1] += rng.uniform(-4, 4) * (t / max(t[-1], 1e-6))
    if 'shake' in mode:
        jitter = rng.normal(0, rng.uniform(0.3, 1.5), (n, 2))
        cam[:, :2] += gaussian_filter(jitter, (rng.uniform(0, 1.5), 0)) if rng.uniform() < 0.5 else jitter
    if mode == 'zoom':
        z0, z1 = rng.uniform(0.85, 1.35, 2)
        cam[:, 2] = np.linspace(z0, z1, n)
    else:
        cam[:, 2] = rng.uniform(0.8, 1.3)
    if track is not None and rng.uniform() < 0.5:
        cam[:, 0] = 32 + 0.8 * (track - 32) + (cam[:, 0] - 32) * 0.2
    return cam


def post_process(frames: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Lighting drift/flicker, colour cast, sensor noise; float [T, H, W, 3] in, uint8 out."""
    n = frames.shape[0]
    gain = rng.uniform(0.6, 1.3) + np.cumsum(rng.normal(0, 0.004, n))
    if rng.uniform() < 0.15:
        gain = gain * (1 + rng.uniform(0.05, 0.25) * (rng.uniform(size=n) < 0.1))
    cast = rng.uniform(0.85, 1.15, 3).astype(np.float32)
    out = frames * gain[:, None, None, None].astype(np.float32) * cast
    sigma = rng.choice([0.0, 0.01, 0.02, 0.04])
    if sigma > 0:
        out = out + np.float32(sigma) * rng.standard_normal(out.shape, dtype=np.float32)
    return np.clip(out * 255 + 0.5, 0, 255).astype(np.uint8)


def _distractors(rng, t, count):
    """Silent movers: floating blobs on smooth paths, a sprite crossing the sky, blinking lights."""
    items = []
    for _ in range(count):
        kind = rng.choice(['blob', 'bird', 'blink'])
        colour = palette(rng, 1)[0]
        p = rng.uniform(0, 1, 6)
        if kind == 'blob':
            xs = 32 + 24 * np.sin(2 * np.pi * (p[0] * 0.5 * t + p[1]))
            ys = 8 + 24 * p[2] + 6 * np.sin(2 * np.pi * (p[3] * t + p[4]))
            items.append(lambda cv, i, xs=xs, ys=ys, c=colour, r=2 + 3 * p[5]: cv.ellipse(xs[i], ys[i], r, r, c))
        elif kind == 'bird':
            speed, y = rng.uniform(15, 40) * rng.choice([-1, 1]), rng.uniform(4, 24)
            xs = (p[0] * 64 + speed * t) % 80 - 8
            items.append(lambda cv, i, xs=xs, y=y, c=colour: cv.segment(xs[i] - 3, y - 2 * (i % 4 < 2), xs[i] + 3, y, 1.2, c))
        else:
            period, x, y = rng.uniform(0.3, 1.5), rng.uniform(4, 60), rng.uniform(4, 40)
            items.append(lambda cv, i, x=x, y=y, c=colour, per=period: t[i] % per < per / 2 and cv.ellipse(x, y, 1.5, 1.5, c))
    return items


def render_scene(
    kind: str, rng: np.random.Generator, duration_sec: float, look: PhotoLook | None = None, look_rng: np.random.Generator | None = None
) -> Scene:
    """Render one scene of `kind` (see SCENE_WEIGHTS) lasting `duration_sec` at FPS.

    `look` (with its own `look_rng`): photographic backgrounds and an H.264 round trip (`photo_textures`). It draws
    nothing from `rng`, so a seed gives the same scene, events and sound with or without it; only the picture changes.
    """
    if kind not in BUILDERS:
        raise ValueError(f'unknown scene kind {kind!r}; valid: {sorted(BUILDERS)}')
    t = np.arange(int(round(duration_sec * FPS)), dtype=np.float64) / FPS
    ground = rng.uniform(44, 56)
    scale = rng.uniform(0.7, 1.3)
    draw, events, sustains, roles, track = BUILDERS[kind](rng, t, ground, scale)
    still = kind == 'still'
    cam = np.tile(np.array([32.0, 32.0, rng.uniform(0.9, 1.2)], np.float32), (t.size, 1)) if still else make_camera(rng, t, track)
    n_distractors = 0 if still else int(rng.choice([0, 1, 2, 3], p=[0.3, 0.35, 0.25, 0.1]) + (kind == 'distractor'))
    movers = _distractors(rng, t, n_distractors)
    textures = [make_texture(rng, ground)]
    cut = t.size
    if not still and rng.uniform() < 0.15:  # hard cut: new background and framing, the sound goes on
        cut = int(rng.integers(t.size // 4, 3 * t.size // 4))
        textures.append(make_texture(rng, ground))
        cam[cut:, :2] += rng.uniform(-6, 6, 2).astype(np.float32)
        cam[cut:, 2] *= rng.uniform(0.8, 1.25)
    if look is not None:
        textures = [look.texture(look_rng, ground, procedural) for procedural in textures]
    frames = np.empty((t.size, SIZE, SIZE, 3), np.float32)
    for i in range(t.size):
        cx, cy, zoom = (float(v) for v in cam[i])
        cv = Canvas(sample_texture(textures[int(i >= cut)], cx, cy, zoom), cx, cy, zoom)
        for k, mover in enumerate(movers):
            if k % 2 == 0:
                mover(cv, i)
        draw(cv, i)
        for k, mover in enumerate(movers):
            if k % 2 == 1:
                mover(cv, i)
        frames[i] = cv.img
    silent = kind in ('still', 'distractor') and rng.uniform() < 0.5
    if silent:
        sustains, roles = [], {}
    events = sorted((e for e in events if 0.0 <= e.time_sec < duration_sec), key=lambda e: e.time_sec)
    pictures = post_process(frames, rng)
    if look is not None:
        pictures = look.compress(pictures, look_rng, FPS)
    return Scene(kind, pictures, events, sustains, roles, silent)


def random_kind(rng: np.random.Generator) -> str:
    kinds = list(SCENE_WEIGHTS)
    weights = np.array([SCENE_WEIGHTS[k] for k in kinds])
    return str(rng.choice(kinds, p=weights / weights.sum()))
