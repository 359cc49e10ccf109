"""Drawing primitives and event types shared by the synthetic scene renderer (see `synth_video`).

World coordinates are pixels of a 64×64 view at zoom 1 centred on (32, 32); `Canvas` maps them through the
frame's camera (centre cx, cy and zoom), so camera motion moves everything consistently.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

FPS = 24
SIZE = 64
TEX = 128  # world texture size; the camera samples it, so pans show the background moving
GRAVITY_PX = 260.0  # px/s² — a 40 px fall takes ~0.55 s


@dataclass(frozen=True)
class Event:
    time_sec: float
    strength: float  # 0..1, sets the placed sound's loudness
    x: float  # 0..1 horizontal screen position, sets the pan
    role: str


@dataclass
class Sustain:
    role: str
    envelope: np.ndarray  # float32 [T] 0..1 per video frame, amplitude of the bed
    x: np.ndarray  # float32 [T] 0..1 per video frame


@dataclass(frozen=True)
class Role:
    category: str
    kind: str  # "oneshot" | "sustain"
    align: str = 'onset'  # one-shots: put the sound's onset ("onset") or loudest point ("peak") on the event
    tag: str = ''  # preferred tag when choosing the recording (e.g. "creak")


GRID_Y, GRID_X = np.mgrid[0:SIZE, 0:SIZE].astype(np.float32)


class Canvas:
    """One frame being drawn; world coordinates are mapped by the camera (centre cx, cy; zoom)."""

    def __init__(self, image: np.ndarray, cx: float, cy: float, zoom: float):
        self.img, self.cx, self.cy, self.zoom = image, cx, cy, zoom

    def sx(self, x):
        return (np.asarray(x, np.float32) - self.cx) * self.zoom + SIZE / 2

    def sy(self, y):
        return (np.asarray(y, np.float32) - self.cy) * self.zoom + SIZE / 2

    def _bbox(self, x0, y0, x1, y1):
        return max(0, int(math.floor(x0))), max(0, int(math.floor(y0))), min(SIZE, int(math.ceil(x1))), min(SIZE, int(math.ceil(y1)))

    def rect(self, x0, y0, x1, y1, colour):
        a, b, c, d = self._bbox(self.sx(x0), self.sy(y0), self.sx(x1), self.sy(y1))
        if c > a and d > b:
            self.img[b:d, a:c] = colour

    def ellipse(self, x, y, rx, ry, colour):
        px, py, prx, pry = float(self.sx(x)), float(self.sy(y)), max(rx * self.zoom, 0.5), max(ry * self.zoom, 0.5)
        a, b, c, d = self._bbox(px - prx, py - pry, px + prx + 1, py + pry + 1)
        if c > a and d > b:
            mask = ((GRID_X[b:d, a:c] - px) / prx) ** 2 + ((GRID_Y[b:d, a:c] - py) / pry) ** 2 <= 1.0
            self.img[b:d, a:c][mask] = colour

    def segment(self, x0, y0, x1, y1, width, colour):
        p0 = np.array([self.sx(x0), self.sy(y0)], np.float32)
        p1 = np.array([self.sx(x1), self.sy(y1)], np.float32)
        w = max(width * self.zoom / 2, 0.6)
        a, b, c, d = self._bbox(min(p0[0], p1[0]) - w, min(p0[1], p1[1]) - w, max(p0[0], p1[0]) + w + 1, max(p0[1], p1[1]) + w + 1)
        if c <= a or d <= b:
            return
        dx, dy = p1 - p0
        length2 = max(float(dx * dx + dy * dy), 1e-6)
        t = np.clip(((GRID_X[b:d, a:c] - p0[0]) * dx + (GRID_Y[b:d, a:c] - p0[1]) * dy) / length2, 0, 1)
        dist2 = (GRID_X[b:d, a:c] - p0[0] - t * dx) ** 2 + (GRID_Y[b:d, a:c] - p0[1] - t * dy) ** 2
        self.img[b:d, a:c][dist2 <= w * w] = colour

    def points(self, xs, ys, colour, size=1):
        px = np.round(self.sx(xs)).astype(np.int64)
        py = np.round(self.sy(ys)).astype(np.int64)
        for oy in range(size):
            for ox in range(size):
                ok = (px + ox >= 0) & (px + ox < SIZE) & (py + oy >= 0) & (py + oy < SIZE)
                self.img[py[ok] + oy, px[ok] + ox] = colour


def palette(rng: np.random.Generator, n: int) -> np.ndarray:
    base = rng.uniform(0.1, 0.9, 3)
    return np.clip(base + rng.normal(0, 0.25, (n, 3)), 0.02, 0.98).astype(np.float32)
