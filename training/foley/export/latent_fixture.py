"""Writes training/fixtures/latent-parity.json: a fixed stereo signal and its latent, for src/dsp/log-mel.ts parity.

Run from training/: `python -m foley.export.latent_fixture`.
"""

from __future__ import annotations

import base64
import json
from pathlib import Path

import numpy as np
import torch

from foley.audio import audio_to_latent
from foley.config import FoleyConfig, preset

FIXTURE_PATH = Path(__file__).resolve().parents[2] / 'fixtures' / 'latent-parity.json'
DURATION_SEC = 0.3


def b64_float32(array: np.ndarray) -> str:
    return base64.b64encode(np.ascontiguousarray(array, dtype='<f4').tobytes()).decode('ascii')


def parity_signal(sample_rate: int) -> np.ndarray:
    """L: 440 Hz sine plus a decaying click at 0.1 s; R: a seeded noise burst from 0.05 to 0.2 s, silence elsewhere."""
    n = round(DURATION_SEC * sample_rate)
    t = np.arange(n) / sample_rate
    left = 0.5 * np.sin(2 * np.pi * 440.0 * t)
    click_start = round(0.1 * sample_rate)
    left[click_start:] += 0.8 * np.exp(-(t[click_start:] - 0.1) / 0.005)
    right = np.zeros(n)
    burst = slice(round(0.05 * sample_rate), round(0.2 * sample_rate))
    right[burst] = 0.3 * np.random.default_rng(1234).standard_normal(burst.stop - burst.start)
    return np.stack([left, right]).astype(np.float32)


def build_fixture(cfg: FoleyConfig) -> dict:
    signal = parity_signal(cfg.sample_rate)
    latent = audio_to_latent(torch.from_numpy(signal.astype(np.float64)), cfg).numpy()  # (L, C), float64 maths
    return {
        'description': 'Stereo 0.3 s signal and its latent computed by training/foley/audio.py in float64, stored float32.',
        'params': {
            'sampleRate': cfg.sample_rate,
            'nFft': cfg.n_fft,
            'hop': cfg.hop,
            'nMels': cfg.n_mels,
            'fminHz': cfg.fmin_hz,
            'fmaxHz': cfg.fmax_hz,
            'logFloor': cfg.log_floor,
            'mean': cfg.latent_mean,
            'std': cfg.latent_std,
        },
        'signal': {
            'channels': signal.shape[0],
            'lengthSamples': signal.shape[1],
            'layout': 'planar',
            'dtype': 'float32',
            'data': b64_float32(signal),
        },
        'latent': {
            'frames': latent.shape[0],
            'dims': latent.shape[1],
            'layout': '[L, C] row-major',
            'dtype': 'float32',
            'data': b64_float32(latent),
        },
    }


def main() -> None:
    FIXTURE_PATH.parent.mkdir(parents=True, exist_ok=True)
    FIXTURE_PATH.write_text(json.dumps(build_fixture(preset('test')), indent=1) + '\n')
    print(f'wrote {FIXTURE_PATH}')


if __name__ == '__main__':
    main()
