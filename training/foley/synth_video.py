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
- still: nothing moves; quiet ambience bed or digital silence.
- distractor: only unrelated things move; quiet ambience bed or silence.
Variation for transfer to real footage: textured backgrounds (noise, stripes, checks, blocks, sky gradients) with a
textured ground, random palettes, object scale, camera pan / shake / zoom / tracking, lighting drift and flicker,
colour cast, sensor noise, hard cuts (new background and framing, sound unaffected) and distractors that move
without sound (floating blobs, a bird-like sprite crossing, blinking lights).
All randomness comes from the `np.random.Generator` passed in, so a seed reproduces a scene exactly.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
from scipy.ndimage import gaussian_filter

FPS = 24
SIZE = 64
TEX = 128  # world texture size; the camera samples it, so pans show the background moving
GRAVITY_PX = 260.0  # px/s² — a 40 px fall takes ~0.55 s
SCENE_WEIGHTS = {
    'drop': 0.2, 'footsteps': 0.2, 'door': 0.12, 'slide': 0.1, 'weather': 0.15,
    'swing': 0.06, 'burst': 0.05, 'still': 0.06, 'distractor': 0.06,
}  # fmt: skip


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


@dataclass
class Scene:
    kind: str
    frames: np.ndarray  # uint8 [T, H, W, 3]
    events: list[Event] = field(default_factory=list)
    sustains: list[Sustain] = field(default_factory=list)
    roles: dict[str, Role] = field(default_factory=dict)
    silent: bool = False  # "still"/"distractor" scenes rendered with digital silence


# ---------------------------------------------------------------- drawing on a camera-mapped canvas

_YY, _XX = np.mgrid[0:SIZE, 0:SIZE].astype(np.float32)


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
            mask = ((_XX[b:d, a:c] - px) / prx) ** 2 + ((_YY[b:d, a:c] - py) / pry) ** 2 <= 1.0
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
        t = np.clip(((_XX[b:d, a:c] - p0[0]) * dx + (_YY[b:d, a:c] - p0[1]) * dy) / length2, 0, 1)
        dist2 = (_XX[b:d, a:c] - p0[0] - t * dx) ** 2 + (_YY[b:d, a:c] - p0[1] - t * dy) ** 2
        self.img[b:d, a:c][dist2 <= w * w] = colour

    def points(self, xs, ys, colour, size=1):
        px = np.round(self.sx(xs)).astype(np.int64)
        py = np.round(self.sy(ys)).astype(np.int64)
        for oy in range(size):
            for ox in range(size):
                ok = (px + ox >= 0) & (px + ox < SIZE) & (py + oy >= 0) & (py + oy < SIZE)
                self.img[py[ok] + oy, px[ok] + ox] = colour


# ---------------------------------------------------------------- backgrounds, camera, post-processing


def _palette(rng: np.random.Generator, n: int) -> np.ndarray:
    base = rng.uniform(0.1, 0.9, 3)
    return np.clip(base + rng.normal(0, 0.25, (n, 3)), 0.02, 0.98).astype(np.float32)


def make_texture(rng: np.random.Generator, ground_y: float) -> np.ndarray:
    """World texture float32 [TEX, TEX, 3]; rows below `ground_y` (world px, texture row = y + 32) are ground."""
    kind = rng.choice(['noise', 'stripes', 'checks', 'blocks', 'sky'])
    yy, xx = np.mgrid[0:TEX, 0:TEX].astype(np.float32)
    c = _palette(rng, 2)
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
    g = _palette(rng, 2) * 0.8
    gm = gaussian_filter(rng.normal(size=(TEX, TEX)), rng.uniform(0.5, 2), mode='wrap')
    gm = (gm - gm.min()) / (np.ptp(gm) + 1e-6)
    tex[ground_row:] = (g[0] * (1 - gm[..., None]) + g[1] * gm[..., None])[ground_row:]
    return tex.astype(np.float32)


def sample_texture(tex: np.ndarray, cx: float, cy: float, zoom: float) -> np.ndarray:
    wx = (_XX - SIZE / 2) / zoom + cx
    wy = (_YY - SIZE / 2) / zoom + cy
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
        out = out + rng.normal(0, sigma, out.shape).astype(np.float32)
    return np.clip(out * 255 + 0.5, 0, 255).astype(np.uint8)


# ---------------------------------------------------------------- scenes
# Each builder returns (draw(canvas, frame_index), events, sustains, roles, track_x or None).


def _scene_drop(rng, t, ground, scale):
    shatter = rng.uniform() < 0.25
    objects, events = [], []
    for _ in range(1 if shatter else rng.integers(1, 4)):
        r = rng.uniform(2.5, 6) * scale
        x, y0 = rng.uniform(8, 56), rng.uniform(0, ground - r - 14)
        start = rng.uniform(0.1, max(0.2, t[-1] - 1.0))
        vx = rng.normal(0, 4)
        times, v, tc, yc = [start], 0.0, start, y0
        while len(times) < 5:  # ballistic arcs between contacts; v is the downward speed at time tc
            drop = ground - r - yc
            dt = (-v + math.sqrt(v * v + 2 * GRAVITY_PX * drop)) / GRAVITY_PX
            tc, v_contact = tc + dt, v + GRAVITY_PX * dt
            strength = min(1.0, v_contact / 180.0)
            if strength < 0.08 or tc > t[-1] + 0.5:
                break
            events.append(Event(tc, strength, float(np.clip(x + vx * (tc - start), 0, 64) / 64), 'hit'))
            times.append(tc)
            if shatter:
                break
            v, yc = -v_contact * rng.uniform(0.3, 0.55), ground - r
        objects.append((r, x, y0, start, vx, times, _palette(rng, 1)[0], rng.uniform() < 0.5))
    fragments = rng.normal(0, 1, (8, 2)) * [60, 50] - [0, 60]

    def position(obj, time):
        r, x, y0, start, vx, times, _, _ = obj
        if time < start:
            return x, y0
        xi = x + vx * (time - start)
        if len(times) == 1 or time < times[1]:
            return xi, min(y0 + 0.5 * GRAVITY_PX * (time - start) ** 2, ground - r)
        k = max(i for i in range(1, len(times)) if times[i] <= time)
        if k == len(times) - 1:
            return xi, ground - r
        up = GRAVITY_PX * (times[k + 1] - times[k]) / 2
        dt = time - times[k]
        return xi, ground - r - (up * dt - 0.5 * GRAVITY_PX * dt * dt)

    def draw(cv, i):
        for obj in objects:
            r, colour, round_ = obj[0], obj[6], obj[7]
            x, y = position(obj, t[i])
            if shatter and len(obj[5]) > 1 and t[i] >= obj[5][1]:
                dt = t[i] - obj[5][1]
                fx = x + fragments[:, 0] * dt
                fy = np.minimum(ground - 1, ground - r + fragments[:, 1] * dt + 0.5 * GRAVITY_PX * dt * dt)
                cv.points(fx, fy, colour, size=max(1, int(r / 2)))
            elif round_:
                cv.ellipse(x, y, r, r, colour)
            else:
                cv.rect(x - r, y - r, x + r, y + r, colour)

    roles = {'hit': Role('break' if shatter else 'impact', 'oneshot')}
    return draw, events, [], roles, None


def _scene_footsteps(rng, t, ground, scale):
    running = rng.uniform() < 0.3
    height = rng.uniform(14, 24) * scale
    speed = rng.uniform(26, 40) if running else rng.uniform(8, 22)
    direction = rng.choice([-1, 1])
    freq = rng.uniform(1.3, 1.6) if running else rng.uniform(0.8, 1.05)  # strides per second per foot
    pause_start = rng.uniform(0.5, t[-1]) if rng.uniform() < 0.3 else t[-1] + 1
    pause = [pause_start, pause_start + rng.uniform(0.5, 1.5)]  # stands still, no steps
    moving = (t < pause[0]) | (t > pause[1])
    phase = np.cumsum(moving * freq / FPS) + rng.uniform()
    x = 32 - direction * speed * t[-1] / 2 + direction * np.cumsum(moving * speed / FPS)
    base_strength = rng.uniform(0.45, 0.7) + (0.2 if running else 0)
    events = []
    for i in range(1, t.size):
        for foot in (0.0, 0.5):
            if moving[i] and math.floor(phase[i - 1] - foot) != math.floor(phase[i] - foot):
                frac = (math.floor(phase[i] - foot) + foot - phase[i - 1]) / max(phase[i] - phase[i - 1], 1e-6)
                ev_t = t[i - 1] + frac / FPS
                s = float(np.clip(base_strength + rng.normal(0, 0.08), 0.1, 1))
                events.append(Event(ev_t, s, float(np.clip(x[i], 0, 64) / 64), 'step'))
    colours = _palette(rng, 2)
    stride = speed / freq / 2

    def draw(cv, i):
        hip_y = ground - height * 0.5
        for k, foot in enumerate((0.0, 0.5)):
            p = (phase[i] - foot) % 1.0
            swing = p > 0.5 and moving[i]
            lift = math.sin((p - 0.5) * 2 * math.pi) * height * 0.15 if swing else 0.0
            offset = direction * stride * ((p - 0.25) * 2 if not swing else (0.75 - p) * 2) if moving[i] else 0.0
            fx = x[i] - offset
            cv.segment(x[i], hip_y, fx, ground - lift, max(1.5, height * 0.12), colours[k] * (0.8 + 0.2 * k))
        cv.rect(x[i] - height * 0.12, ground - height, x[i] + height * 0.12, hip_y, colours[0])
        cv.ellipse(x[i], ground - height - height * 0.12, height * 0.12, height * 0.12, colours[1])

    return draw, events, [], {'step': Role('footsteps', 'oneshot')}, x


def _door_motion(rng, t):
    """Door angle per frame (0 = shut, 1 = fully open) and the slam times."""
    angle = np.zeros(t.size, np.float32)
    knots, slams, cursor, state = [], [], rng.uniform(0.1, 1.0), 0.0
    while cursor < t[-1] - 0.3:
        if state == 0.0:
            dur, target = rng.uniform(0.5, 1.4), rng.uniform(0.6, 1.0)
        else:
            dur, target = (rng.uniform(0.1, 0.3) if rng.uniform() < 0.7 else rng.uniform(0.6, 1.2)), 0.0
        knots.append((cursor, cursor + dur, state, target))
        if target == 0.0:
            slams.append((cursor + dur, state / dur))
        state, cursor = target, cursor + dur + rng.uniform(0.3, 1.2)
    for start, end, a, b in knots:
        inside = (t >= start) & (t < end)
        u = (t[inside] - start) / (end - start)
        angle[inside] = a + (b - a) * (u * u if b == 0.0 else u * (2 - u))
        angle[t >= end] = b
    return angle, slams


def _scene_door(rng, t, ground, scale):
    angle, slams = _door_motion(rng, t)
    width, height = rng.uniform(12, 20) * scale, rng.uniform(24, 36) * scale
    hinge_x = rng.uniform(14, 50 - width)
    colours = _palette(rng, 3)
    events = [Event(ts, float(np.clip(speed / 5.0, 0.2, 1.0)), (hinge_x + width / 2) / 64, 'slam') for ts, speed in slams]
    speed = np.abs(np.gradient(angle) * FPS)
    sustains, roles = [], {'slam': Role('door', 'oneshot')}
    if rng.uniform() < 0.5:
        env = np.where(speed < 2.5, np.clip(speed / 1.5, 0, 1), 0).astype(np.float32)  # slow motions creak
        sustains.append(Sustain('creak', env, np.full(t.size, (hinge_x + width / 2) / 64, np.float32)))
        roles['creak'] = Role('door', 'sustain', tag='creak')

    def draw(cv, i):
        top = ground - height
        cv.rect(hinge_x - 2, top - 2, hinge_x + width + 2, ground, colours[0])
        cv.rect(hinge_x, top, hinge_x + width, ground, colours[1] * 0.25)
        open_w = width * math.cos(angle[i] * math.pi / 2 * 0.95)
        cv.rect(hinge_x, top + angle[i] * 2, hinge_x + open_w, ground - angle[i] * 2, colours[2])
        cv.ellipse(hinge_x + open_w * 0.85, top + height * 0.55, 1, 1, colours[0])

    return draw, events, sustains, roles, None


def _scene_slide(rng, t, ground, scale):
    r = rng.uniform(3, 7) * scale
    x, v, xs, vs = rng.uniform(12, 52), 0.0, [], []
    pushes = set(np.round(np.sort(rng.uniform(0, t[-1] - 0.5, rng.integers(1, 4))) * FPS).astype(int).tolist())
    friction = rng.uniform(20, 60)
    for i in range(t.size):
        if i in pushes:
            v = rng.choice([-1, 1]) * rng.uniform(25, 60)
        v = math.copysign(max(abs(v) - friction / FPS, 0.0), v)
        x += v / FPS
        if not r < x < 64 - r:
            x, v = float(np.clip(x, r, 64 - r)), -v * 0.5
        xs.append(x)
        vs.append(abs(v))
    xs, vs = np.array(xs, np.float32), np.array(vs, np.float32)
    env = np.clip(vs / 45.0, 0, 1).astype(np.float32)
    colour, dust = _palette(rng, 1)[0], _palette(rng, 1)[0]
    puffs = rng.uniform(-1, 1, (12, 2))

    def draw(cv, i):
        if env[i] > 0.05:
            n = int(12 * env[i])
            cv.points(xs[i] + puffs[:n, 0] * r * 2, ground - 1 - np.abs(puffs[:n, 1]) * 3, dust)
        cv.rect(xs[i] - r, ground - 2 * r, xs[i] + r, ground, colour)

    return draw, [], [Sustain('scrape', env, xs / 64)], {'scrape': Role('scrape', 'sustain')}, None


def _intensity(rng, t):
    knots = np.clip(rng.uniform(-0.3, 1.0, int(t[-1]) + 3), 0, 1)
    return np.interp(t, np.arange(knots.size) - rng.uniform(0, 1), knots).astype(np.float32)


def _scene_weather(rng, t, ground, scale):
    kind = rng.choice(['rain', 'wind', 'fire'], p=[0.4, 0.3, 0.3])
    level = _intensity(rng, t)
    n_max = 160 if kind == 'rain' else 60
    seeds = rng.uniform(0, 1, (n_max, 3))
    colour = np.array([0.75, 0.8, 0.95], np.float32) * rng.uniform(0.7, 1.1)
    fire_x, wind_dir = rng.uniform(16, 48), rng.choice([-1, 1])
    blades = rng.uniform(0, 64, 20)
    flame = np.array([[1.0, 0.85, 0.2], [1.0, 0.45, 0.05], [0.8, 0.15, 0.02]], np.float32)
    drift = np.cumsum(level) / FPS

    def draw(cv, i):
        n = int(round(level[i] * n_max))
        if kind == 'rain':
            fall = (seeds[:n, 1] * 64 + t[i] * (150 + 100 * seeds[:n, 2])) % 70 - 6
            x = (seeds[:n, 0] * 80 - 8 + fall * 0.2 * wind_dir) % 64
            for k in range(3):
                cv.points(x + k * 0.2 * wind_dir, fall + k, colour)
        elif kind == 'wind':
            x = (seeds[:n, 0] * 64 + wind_dir * drift[i] * (60 + 40 * seeds[:n, 2])) % 64
            y = seeds[:n, 1] * ground + 3 * np.sin(t[i] * 5 + seeds[:n, 2] * 6)
            cv.points(x, y, colour * [0.6, 0.5, 0.2], size=2)
            bend = wind_dir * (2 + 8 * level[i]) * (1 + 0.2 * math.sin(t[i] * 7))
            for b in blades:
                cv.segment(b, ground, b + bend, ground - 8 * scale, 1, colour * [0.2, 0.6, 0.2])
        else:
            h = (4 + 16 * level[i]) * scale * (1 + 0.15 * math.sin(t[i] * 23) + 0.1 * math.sin(t[i] * 37))
            for k in range(3):
                cv.ellipse(fire_x, ground - h * (0.5 - 0.1 * k), h * (0.45 - 0.1 * k), h * (0.5 - 0.12 * k), flame[2 - k])
            rise = (seeds[:n, 1] + t[i] * (0.6 + seeds[:n, 2])) % 1.0
            cv.points(fire_x + (seeds[:n, 0] - 0.5) * h, ground - rise * (h * 2.5 + 6), flame[0])

    category = {'rain': 'ambience-rain', 'wind': 'ambience-wind', 'fire': 'fire'}[kind]
    x_pos = np.full(t.size, fire_x / 64 if kind == 'fire' else 0.5, np.float32)
    return draw, [], [Sustain('bed', level, x_pos)], {'bed': Role(category, 'sustain')}, None


def _scene_swing(rng, t, ground, scale):
    pivot_x, pivot_y, length = rng.uniform(20, 44), ground - rng.uniform(18, 30) * scale, rng.uniform(10, 18) * scale
    starts = np.sort(rng.uniform(0.2, t[-1] - 0.4, rng.integers(1, 4)))
    angle = np.full(t.size, -1.2, np.float32)
    events, side = [], -1.0
    for s in starts:
        dur = rng.uniform(0.12, 0.3)
        u = np.clip((t - s) / dur, 0, 1)
        angle = np.where(t >= s, side * 1.2 * (1 - 2 * (3 * u * u - 2 * u**3)), angle)
        events.append(Event(s + dur / 2, float(np.clip(0.25 / dur, 0.3, 1.0)), pivot_x / 64, 'swoosh'))
        side = -side
    colour = _palette(rng, 1)[0]

    def draw(cv, i):
        a = float(angle[i])
        cv.segment(pivot_x, pivot_y, pivot_x + length * math.sin(a), pivot_y + length * math.cos(a) * 0.3 - length * 0.5, 2.5, colour)

    return draw, events, [], {'swoosh': Role('whoosh', 'oneshot', align='peak')}, None


def _scene_burst(rng, t, ground, scale):
    times = np.sort(rng.uniform(0.3, t[-1] - 0.6, rng.integers(1, 3)))
    places = rng.uniform(12, 52, (times.size, 2)) * [1, 0.6]
    strengths = rng.uniform(0.5, 1.0, times.size)
    events = [Event(float(s), float(g), float(p[0] / 64), 'boom') for s, g, p in zip(times, strengths, places, strict=True)]
    debris = rng.normal(0, 1, (16, 2)) * 40

    def draw(cv, i):
        for s, g, (x, y) in zip(times, strengths, places, strict=True):
            dt = t[i] - s
            if 0 <= dt < 0.8:
                cv.img *= 1.0 + g * max(0.0, 1.5 - 6 * dt)
                cv.ellipse(x, y, (4 + 40 * dt) * g * scale, (4 + 40 * dt) * g * scale, np.array([1.0, 0.8, 0.4]) * (1 - dt))
                cv.points(x + debris[:, 0] * dt, y + debris[:, 1] * dt + 0.5 * GRAVITY_PX * dt * dt, [0.2, 0.2, 0.2], size=2)

    return draw, events, [], {'boom': Role('explosion', 'oneshot')}, None


def _scene_calm(rng, t, ground, scale):
    """ "still" and "distractor" scenes: nothing sound-causing; a quiet bed (or silence, chosen by the caller)."""
    level = np.full(t.size, rng.uniform(0.03, 0.2), np.float32)
    return (lambda cv, i: None), [], [Sustain('bed', level, np.full(t.size, 0.5, np.float32))], {'bed': Role('ambience', 'sustain')}, None


BUILDERS = {
    'drop': _scene_drop, 'footsteps': _scene_footsteps, 'door': _scene_door, 'slide': _scene_slide,
    'weather': _scene_weather, 'swing': _scene_swing, 'burst': _scene_burst, 'still': _scene_calm,
    'distractor': _scene_calm,
}  # fmt: skip


def _distractors(rng, t, count):
    """Silent movers: floating blobs on smooth paths, a sprite crossing the sky, blinking lights."""
    items = []
    for _ in range(count):
        kind = rng.choice(['blob', 'bird', 'blink'])
        colour = _palette(rng, 1)[0]
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


def render_scene(kind: str, rng: np.random.Generator, duration_sec: float) -> Scene:
    """Render one scene of `kind` (see SCENE_WEIGHTS) lasting `duration_sec` at FPS."""
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
    return Scene(kind, post_process(frames, rng), events, sustains, roles, silent)


def random_kind(rng: np.random.Generator) -> str:
    kinds = list(SCENE_WEIGHTS)
    weights = np.array([SCENE_WEIGHTS[k] for k in kinds])
    return str(rng.choice(kinds, p=weights / weights.sum()))
