"""Writes every fixture in training/fixtures/ that pins maths the engine (TypeScript) and training (Python) share.

Run from training/: `python -m foley.export.fixtures`. Python computes each fixture; pytest (tests/test_fixtures*.py)
rebuilds it in memory and compares it with the committed file, and vitest runs the TypeScript maths on its inputs:

| file                | Python                                    | TypeScript                                         |
|---------------------|-------------------------------------------|----------------------------------------------------|
| latent-parity.json  | audio.audio_to_latent                     | src/dsp/log-mel.ts audioToLatent                   |
| latent-decoder.json | audio.mel_to_magnitude, audio.griffin_lim | src/dsp/log-mel.ts latentToMagnitude, griffin-lim  |
| k-weighting.json    | loudness.k_weighting_sos, momentary_curve | src/dsp/k-weighting.ts, loudness-curve.ts          |
| curve-length.json   | loudness.curve_length, FoleyConfig.samples| loudness-curve.ts curvePointCount, sequence.ts     |
| flow-sampler.json   | flow.sample, networks.velocity_from_clean | src/engine/sampling/flow-sampler.ts sampleFlow     |

The torch-free builders (k-weighting, curve length) import nothing of torch, so their tests run without it.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from pathlib import Path

import numpy as np

from foley import loudness
from foley.config import FoleyConfig

FIXTURES_DIR = Path(__file__).resolve().parents[2] / 'fixtures'

# K-weighting: the rates the engine meets (16 kHz real-clip scores, 44.1 kHz packs, 48 kHz EBU cases).
FILTER_RATES = (16000, 44100, 48000)
# Sine segments per channel: (frequency Hz, peak dBFS, start s, end s). 40 Hz and 8 kHz sit on the RLB high-pass and the
# shelf, where a change of either stage shows; 0.7–1.3 s of channel 0 is silent (the −70 LUFS floor); the lengths are odd
# numbers of samples so the last curve point is partial.
CURVE_SIGNAL = (
    ((1000.0, -20.0, 0.0, 0.6), (40.0, -12.0, 0.3, 0.7), (5000.0, -30.0, 1.3, 2.0)),
    ((200.0, -25.0, 0.0, 2.0), (8000.0, -15.0, 0.5, 0.7)),
)
CURVE_LENGTHS = {44100: 60417, 48000: 50003}


def sine_segments(sample_rate: int, length: int) -> np.ndarray:
    """CURVE_SIGNAL at `sample_rate`: channel c = Σ 10^(dB/20)·sin(2π·f·n/fs) over n in [round(start·fs), round(end·fs)), float32 [C, N]."""
    n = np.arange(length, dtype=np.float64)
    out = np.zeros((len(CURVE_SIGNAL), length))
    for c, segments in enumerate(CURVE_SIGNAL):
        for freq_hz, peak_db, start_sec, end_sec in segments:
            start, end = math.floor(start_sec * sample_rate + 0.5), min(length, math.floor(end_sec * sample_rate + 0.5))
            out[c, start:end] += 10 ** (peak_db / 20) * np.sin(2 * np.pi * freq_hz * n[start:end] / sample_rate)
    return out.astype(np.float32)


def build_k_weighting() -> dict:
    filters = []
    for rate in FILTER_RATES:
        shelf, high_pass = loudness.k_weighting_sos(rate)
        filters.append({'sampleRate': rate, 'shelf': [*shelf[:3], *shelf[4:]], 'highPass': [*high_pass[:3], *high_pass[4:]]})
    curves = []
    for rate, length in CURVE_LENGTHS.items():
        curve = loudness.momentary_curve(sine_segments(rate, length), rate)
        curves.append({'sampleRate': rate, 'lengthSamples': length, 'lufs': curve.astype(np.float64).tolist()})
    return {
        'description': 'K-weighting biquads (b0 b1 b2 a1 a2, a0 = 1) and per-channel momentary curves (6 points/s, 400 ms, '
        '[-70, 0] LUFS) of the sine segments below, by training/foley/loudness.py.',
        'signal': {
            'formula': 'channel c = sum of 10^(peakDb/20)·sin(2π·hz·n/fs) for n in [floor(startSec·fs + 0.5), floor(endSec·fs + 0.5)), '
            'computed in float64, stored float32',
            'channels': [[{'hz': f, 'peakDb': db, 'startSec': a, 'endSec': b} for f, db, a, b in segments] for segments in CURVE_SIGNAL],
        },
        'filters': filters,
        'curves': curves,
    }


# Durations either side of a curve interval, and 30.5 samples exactly (round half up: 31 on both sides; Python round() gives 30).
CURVE_DURATIONS_SEC = (1 / 44100, 0.1, 1 / 6, 1 / 6 + 1 / 44100, 1.001, 2.5, 7 / 3, 29.97 / 30, 10.01, 30.5 / 44100)
# Sample counts straight at the measuring rates: empty-adjacent, one under/at/over a 1/6 s boundary, an hour.
CURVE_LENGTH_CASES = ((1, 44100), (7349, 44100), (7350, 44100), (7351, 44100), (220501, 44100), (8001, 48000), (2667, 16000),
                      (158760000, 44100))  # fmt: skip


def build_curve_length() -> dict:
    cfg = FoleyConfig(name='curve-length')
    clips = [{'durationSec': d, 'samples': cfg.samples(d), 'points': loudness.curve_length(cfg.samples(d), cfg.sample_rate, cfg.curve_rate)}
             for d in CURVE_DURATIONS_SEC]  # fmt: skip
    lengths = [{'lengthSamples': n, 'sampleRate': fs, 'points': loudness.curve_length(n, fs, cfg.curve_rate)}
               for n, fs in CURVE_LENGTH_CASES]  # fmt: skip
    return {
        'description': 'Loudness-curve length P = max(1, ceil(N·curveRate/sampleRate − 1e-9)) and N = round half up of '
        'durationSec·sampleRate, by training/foley/loudness.py curve_length and config.py FoleyConfig.samples.',
        'sampleRate': cfg.sample_rate,
        'curveRate': cfg.curve_rate,
        'clips': clips,
        'lengths': lengths,
    }


# Toy velocity fields with closed forms: 'linear' v = a·x + b·t; 'denoiser' predicts clean = c·x + d and turns it into a
# velocity with the DiT's own division by max(1 − t, MIN_NOISE_LEVEL).
SAMPLER_START = (-1.5, -0.25, 0.0, 0.4, 1.0, 2.2)
SAMPLER_STEPS = (1, 2, 5, 16, 20, 21, 32)
LINEAR_FIELD = {'a': -0.8, 'b': 1.5}
DENOISER_FIELD = {'c': 0.3, 'd': 0.7}


def build_flow_sampler() -> dict:
    import torch

    from foley.export.pack import max_steps
    from foley.flow import sample
    from foley.networks import MIN_NOISE_LEVEL, velocity_from_clean

    fields: dict[str, Callable] = {
        'linear': lambda x, t: LINEAR_FIELD['a'] * x + LINEAR_FIELD['b'] * t.view(-1, 1, 1),
        'denoiser': lambda x, t: velocity_from_clean(DENOISER_FIELD['c'] * x + DENOISER_FIELD['d'], x, t),
    }
    start = torch.tensor(SAMPLER_START, dtype=torch.float64).view(1, 1, -1)  # (B, L, C)
    runs = [
        {'field': name, 'method': method, 'steps': steps, 'x1': sample(fn, start, steps=steps, method=method).flatten().tolist()}
        for name, fn in fields.items()
        for method in ('euler', 'heun')
        for steps in SAMPLER_STEPS
    ]
    from foley.config import preset

    return {
        'description': 'x(1) of dx/dt = v(x, t) from x(0) = start on t_i = i/steps by training/foley/flow.py sample (float64); '
        'Heun ends with an Euler step so the model is never evaluated at t = 1.',
        'start': list(SAMPLER_START),
        'fields': {'linear': {**LINEAR_FIELD, 'velocity': 'a·x + b·t'},
                   'denoiser': {**DENOISER_FIELD, 'velocity': '(c·x + d − x) / max(1 − t, minNoiseLevel)'}},  # fmt: skip
        'minNoiseLevel': MIN_NOISE_LEVEL,
        'maxSteps': {name: max_steps(preset(name)) for name in ('test', 'tiny')},
        'runs': runs,
    }


def build_latent_parity() -> dict:
    from foley.config import preset
    from foley.export.latent_fixture import build_fixture

    return build_fixture(preset('test'))


def build_latent_decoder() -> dict:
    from foley.export.latent_fixture import build_decoder_fixture

    return build_decoder_fixture()


BUILDERS: dict[str, Callable[[], dict]] = {
    'latent-parity.json': build_latent_parity,
    'latent-decoder.json': build_latent_decoder,
    'k-weighting.json': build_k_weighting,
    'curve-length.json': build_curve_length,
    'flow-sampler.json': build_flow_sampler,
}


def render(fixture: dict) -> str:
    return json.dumps(fixture, indent=1) + '\n'


def main() -> None:
    FIXTURES_DIR.mkdir(parents=True, exist_ok=True)
    for name, build in BUILDERS.items():
        (FIXTURES_DIR / name).write_text(render(build()))
        print(f'wrote {FIXTURES_DIR / name}')


if __name__ == '__main__':
    main()
