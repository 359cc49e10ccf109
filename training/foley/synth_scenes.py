"""Scene builders for the synthetic paired videos: physics and drawing of each scene kind (see `synth_video`).

Each builder gets (rng, frame times t [T] in seconds, ground height in world px, object scale) and returns
(draw(canvas, frame_index), events, sustains, roles, track_x [T] or None); the camera may follow track_x.
"""

from __future__ import annotations

import math

import numpy as np

from foley.synth_canvas import FPS, GRAVITY_PX, Event, Role, Sustain, palette


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
        objects.append((r, x, y0, start, vx, times, palette(rng, 1)[0], rng.uniform() < 0.5))
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
    colours = palette(rng, 2)
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
    colours = palette(rng, 3)
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
    colour, dust = palette(rng, 1)[0], palette(rng, 1)[0]
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
    colour = palette(rng, 1)[0]

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


def _scene_creature(rng, t, ground, scale):
    """A blob creature that opens its mouth and puffs up when it calls (animal sounds)."""
    size = rng.uniform(6, 11) * scale
    x = rng.uniform(12, 52)
    calls = np.sort(rng.uniform(0.2, t[-1] - 0.5, rng.integers(1, 4)))
    open_sec = rng.uniform(0.3, 0.8)
    events = [Event(float(c), float(rng.uniform(0.5, 1.0)), x / 64, 'call') for c in calls]
    body, eye = palette(rng, 1)[0], np.array([0.95, 0.95, 0.9], np.float32)
    hop = rng.uniform() < 0.4

    def draw(cv, i):
        since = t[i] - calls
        calling = bool(np.any((since >= 0) & (since < open_sec)))
        lift = abs(math.sin(t[i] * 3.0)) * size * 0.4 if hop else 0.0
        y = ground - size - lift
        puff = 1.12 if calling else 1.0
        cv.ellipse(x, y, size * puff, size * 0.8 * puff, body)
        cv.ellipse(x + size * 0.4, y - size * 0.3, size * 0.18, size * 0.18, eye)
        if calling:
            cv.ellipse(x + size * 0.55, y + size * 0.2, size * 0.35, size * 0.3, body * 0.2)

    return draw, events, [], {'call': Role('animal', 'oneshot')}, None


def _scene_hammer(rng, t, ground, scale):
    """An arm hammering a block: tool sounds at each strike (contact, strength = swing speed)."""
    block_x, block_h = rng.uniform(16, 48), rng.uniform(5, 10) * scale
    length = rng.uniform(12, 18) * scale
    period = rng.uniform(0.45, 1.0)
    first = rng.uniform(0.1, 0.8)
    stop = t[-1] if rng.uniform() < 0.6 else rng.uniform(t[-1] / 2, t[-1])
    strikes = np.arange(first + period * 0.3, stop, period)
    events = [Event(float(s), float(np.clip(0.6 + rng.normal(0, 0.12), 0.2, 1)), block_x / 64, 'strike') for s in strikes]
    pivot = (block_x - length * 0.9, ground - block_h - 1.5 * scale)  # arm horizontal = head on the block
    colours = palette(rng, 3)

    def draw(cv, i):
        cv.rect(block_x - 6 * scale, ground - block_h, block_x + 6 * scale, ground, colours[0])
        phase = ((t[i] - first) % period) / period if first <= t[i] < stop else 0.0
        lift = 1 - (phase / 0.3) ** 2 if phase < 0.3 else (phase - 0.3) / 0.7  # fast down-stroke, slow raise
        a = 1.2 * lift
        hx, hy = pivot[0] + length * math.cos(a), pivot[1] - length * math.sin(a)
        cv.segment(pivot[0], pivot[1], hx, hy, 2, colours[1])
        cv.rect(hx - 2.5 * scale, hy - 2 * scale, hx + 2.5 * scale, hy + 1.5 * scale, colours[2])

    return draw, events, [], {'strike': Role('tool', 'oneshot')}, None


def _scene_machine(rng, t, ground, scale):
    """A vehicle that idles (body shakes, exhaust puffs) and drives; the engine bed follows its speed."""
    w, h = rng.uniform(14, 22) * scale, rng.uniform(7, 11) * scale
    level = _intensity(rng, t)
    running = level > 0.05
    speed = np.where(level > 0.5, (level - 0.5) * 60, 0.0) * rng.choice([-1, 1])
    xs = np.clip(rng.uniform(20, 44) + np.cumsum(speed) / FPS, -20, 84)
    env = np.where(running, 0.3 + 0.7 * level, 0.0).astype(np.float32)
    colours = palette(rng, 2)
    smoke = rng.uniform(0, 1, (10, 2))

    def draw(cv, i):
        shake = (rng_shake[i] if running[i] else 0.0) * scale
        x = xs[i]
        cv.rect(x - w / 2, ground - h - 3 + shake, x + w / 2, ground - 3 + shake, colours[0])
        cv.rect(x - w / 4, ground - h * 1.6 + shake, x + w / 6, ground - h + shake, colours[0] * 0.8)
        for wx in (x - w / 3, x + w / 3):
            cv.ellipse(wx, ground - 3, 3 * scale, 3 * scale, colours[1] * 0.3)
        if running[i]:
            age = (smoke[:, 0] + t[i] * 1.5) % 1.0
            cv.points(x - w / 2 - age * 10, ground - 5 - age * 8 + smoke[:, 1] * 2, [0.6, 0.6, 0.6], size=2)

    rng_shake = rng.normal(0, 0.5, t.size)
    return draw, [], [Sustain('engine', env, np.clip(xs / 64, 0, 1).astype(np.float32))], {'engine': Role('engine', 'sustain')}, None


def _scene_calm(rng, t, ground, scale):
    """ "still" and "distractor" scenes: nothing sound-causing; a quiet bed (or silence, chosen by the caller)."""
    level = np.full(t.size, rng.uniform(0.03, 0.2), np.float32)
    return (lambda cv, i: None), [], [Sustain('bed', level, np.full(t.size, 0.5, np.float32))], {'bed': Role('ambience', 'sustain')}, None


BUILDERS = {
    'drop': _scene_drop, 'footsteps': _scene_footsteps, 'door': _scene_door, 'slide': _scene_slide,
    'weather': _scene_weather, 'swing': _scene_swing, 'burst': _scene_burst, 'creature': _scene_creature,
    'hammer': _scene_hammer, 'machine': _scene_machine, 'still': _scene_calm, 'distractor': _scene_calm,
}  # fmt: skip
