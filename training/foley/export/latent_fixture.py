"""The latent transform's fixtures, both directions (written by `python -m foley.export.fixtures`):

- latent-parity.json: a fixed stereo signal and its latent (audio → latent), for src/dsp/log-mel.ts `audioToLatent`;
- latent-decoder.json: a latent's STFT magnitude through the mel pseudo-inverse and Griffin-Lim from a given initial
  phase, plain and fast (latent → audio), for src/dsp/log-mel.ts `latentToMagnitude` and src/dsp/griffin-lim.ts.
"""

from __future__ import annotations

import base64

import numpy as np
import torch

from foley.audio import audio_to_latent, griffin_lim, latent_to_mel_power, mel_to_magnitude
from foley.config import FoleyConfig
from foley.export.manifest import latent_section

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


def log_mel_params(cfg: FoleyConfig) -> dict:
    """The manifest's latent block under the names of src/dsp/log-mel.ts LogMelParams (plus the sample rate)."""
    latent = latent_section(cfg)
    return {'sampleRate': cfg.sample_rate, **{k: v for k, v in latent.items() if k not in ('kind', 'lengthMultiple')}}


def build_fixture(cfg: FoleyConfig) -> dict:
    signal = parity_signal(cfg.sample_rate)
    latent = audio_to_latent(torch.from_numpy(signal.astype(np.float64)), cfg).numpy()  # (L, C), float64 maths
    return {
        'description': 'Stereo 0.3 s signal and its latent computed by training/foley/audio.py in float64, stored float32.',
        'params': log_mel_params(cfg),
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


# A small decoder set-up (16 kHz, 512-point STFT) keeps the committed magnitudes and phases to ~100 KB; the maths is
# the same at the pack's 44.1 kHz / 2048.
DECODER_CONFIG = FoleyConfig(name='decoder-fixture', sample_rate=16000, n_fft=512, hop=128, n_mels=40, fmax_hz=8000.0)
DECODER_ITERATIONS = 4
DECODER_SEC = 0.15  # the parity signal's first 0.15 s: the click and the start of the burst
DECODER_MOMENTA = (0.0, 0.99)


def build_decoder_fixture(cfg: FoleyConfig = DECODER_CONFIG) -> dict:
    """latent → magnitude (both channels) → Griffin-Lim from a seeded phase (channel 0), plain and fast, in float64."""
    signal = parity_signal(cfg.sample_rate)[:, : round(DECODER_SEC * cfg.sample_rate)]
    length = signal.shape[1]
    latent = audio_to_latent(torch.from_numpy(signal.astype(np.float64)), cfg)  # (L, C)
    latent32 = latent.float().double()  # the TS side reads the latent as float32
    magnitude = mel_to_magnitude(latent_to_mel_power(latent32, cfg), cfg)  # (ch, K, L)
    frames, bins = magnitude.shape[2], magnitude.shape[1]
    magnitude32 = magnitude.float().double()
    phase = np.random.default_rng(99).uniform(0, 2 * np.pi, size=(1, bins, frames))
    phase32 = torch.from_numpy(phase.astype(np.float32).astype(np.float64))
    runs = []
    for momentum in DECODER_MOMENTA:
        audio = griffin_lim(
            magnitude32[:1], cfg, iterations=DECODER_ITERATIONS, length=length, seed=0, momentum=momentum, initial_phase=phase32
        )
        runs.append({'momentum': momentum, 'audio': {'lengthSamples': length, 'dtype': 'float32', 'data': b64_float32(audio[0].numpy())}})
    return {
        'description': 'Latent → audio: mel pseudo-inverse magnitude of a latent (both channels) and Griffin-Lim of channel 0 '
        'from a given initial phase, computed by training/foley/audio.py in float64, stored float32.',
        'params': log_mel_params(cfg),
        'latent': {
            'frames': frames,
            'channels': cfg.channels,
            'layout': '[L, C] row-major',
            'dtype': 'float32',
            'data': b64_float32(latent32.numpy()),
        },
        'magnitude': {
            'channels': cfg.channels,
            'frames': frames,
            'bins': bins,
            'layout': '[channel][frame][bin] row-major',
            'dtype': 'float32',
            'data': b64_float32(magnitude32.permute(0, 2, 1).numpy()),
        },
        'initialPhase': {'layout': '[frame][bin] radians, channel 0', 'dtype': 'float32', 'data': b64_float32(phase32[0].T.numpy())},
        'iterations': DECODER_ITERATIONS,
        'griffinLim': runs,
    }
