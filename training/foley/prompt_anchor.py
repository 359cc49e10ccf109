"""Anchoring a generation to its audio prompt, as the engine does it (src/engine/conditioning/prompt-anchor.ts; docs/model-pack.md).

A reference recording says how the result should sound; a small model's embedding of it steers timbre only
loosely. Two deterministic corrections carry the rest, both measured in `foley.export.evaluate`:
- spectrum: each generated window's mean log-mel spectrum over its active frames is moved onto the prompt's
  (a per-band gain in the latent, i.e. an EQ match), smoothed over 3 bands, limited to ±MAX_GAIN_NATS and
  re-centred so it changes the spectral shape, not the power;
- level: without a user curve, the curve predicted from the video is offset so its 90th percentile equals the
  prompt's (the prompt fixes how loud the clip's loud parts are; the video still decides when) — the curve the DiT reads;
- levels: the curve the output is shaped to takes the prompt's whole distribution of momentary loudness by quantile
  mapping (`match_levels`): the video decides when it is loud, the prompt how loud and how quiet.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

# Frames more than 30 dB (power) under a recording's loudest frame are its silence, not its timbre.
ACTIVE_RANGE_NATS = 3.0 * np.log(10.0)
MAX_GAIN_NATS = 2.4 * np.log(10.0)  # ±24 dB per band
LEVEL_PERCENTILE = 90.0


def band_means(latent: np.ndarray, channels: int, n_mels: int, std: float) -> np.ndarray:
    """Latent (L, channels·nMels) → mean latent per band over active frames, (channels, nMels)."""
    frames = latent.reshape(latent.shape[0], channels, n_mels)
    energy = frames.mean(axis=2) * std  # (L, channels) mean log power in nats
    active = energy >= energy.max(axis=0, keepdims=True) - ACTIVE_RANGE_NATS  # (L, channels)
    return np.stack([frames[active[:, c], c].mean(axis=0) for c in range(channels)])


def logsumexp(values: np.ndarray) -> np.ndarray:
    peak = values.max(axis=-1, keepdims=True)
    return (peak + np.log(np.exp(values - peak).sum(axis=-1, keepdims=True)))[..., 0]


def spectrum_gain(generated: np.ndarray, prompt: np.ndarray, channels: int, n_mels: int, std: float) -> np.ndarray:
    """Per-band latent offset (channels·nMels,) moving `generated`'s active-frame spectral shape onto `prompt`'s.

    Shape only: the offset is re-centred so the power of the generated mean spectrum is unchanged, because the level
    is the loudness curve's business, not the EQ's.
    """
    own = band_means(generated, channels, n_mels, std) * std  # (ch, M) nats
    difference = band_means(prompt, channels, n_mels, std) * std - own
    padded = np.pad(difference, ((0, 0), (1, 1)), mode='edge')
    smoothed = np.clip((padded[:, :-2] + padded[:, 1:-1] + padded[:, 2:]) / 3.0, -MAX_GAIN_NATS, MAX_GAIN_NATS)
    smoothed -= (logsumexp(own + smoothed) - logsumexp(own))[:, None]
    return (smoothed / std).reshape(-1).astype(np.float32)


def level_offset(predicted_lufs: np.ndarray, prompt_lufs: np.ndarray) -> float:
    """LU to add to a predicted curve [ch, P] so its LEVEL_PERCENTILE matches the prompt's momentary curve's."""
    return float(np.percentile(prompt_lufs, LEVEL_PERCENTILE) - np.percentile(predicted_lufs, LEVEL_PERCENTILE))


def match_levels(predicted_lufs: np.ndarray, prompt_lufs: np.ndarray) -> np.ndarray:
    """`predicted_lufs` [ch, P] with each value replaced by the prompt's level at the same quantile (pooled over channels).

    Ranks keep the predicted curve's order in time; tied values share their mean rank, so a flat curve takes the
    prompt's median.
    """
    values = np.asarray(predicted_lufs, dtype=np.float64)
    flat = values.reshape(-1)
    order = np.argsort(flat, kind='stable')
    ranks = np.empty(flat.size)
    first = 0
    while first < flat.size:
        last = first
        while last + 1 < flat.size and flat[order[last + 1]] == flat[order[first]]:
            last += 1
        ranks[order[first : last + 1]] = (first + last) / 2
        first = last + 1
    quantiles = ranks / (flat.size - 1) if flat.size > 1 else np.full(flat.size, 0.5)
    return np.percentile(np.asarray(prompt_lufs, dtype=np.float64).reshape(-1), quantiles * 100).reshape(values.shape)


FIXTURE_PATH = Path(__file__).resolve().parents[1] / 'fixtures' / 'prompt-anchor.json'


def fixture() -> dict:
    """Small seeded inputs and this module's answers; src/engine/prompt-anchor.test.ts checks the TypeScript mirror."""
    rng = np.random.default_rng(7)
    channels, n_mels, std = 2, 8, 5.0
    generated = rng.normal(0.0, 1.0, (20, channels * n_mels)).astype(np.float32)
    generated[:5] -= 4.0  # quiet frames that the active-frame gate must leave out
    prompt = (rng.normal(0.0, 1.0, (12, channels * n_mels)) + np.linspace(-1.5, 1.5, channels * n_mels)).astype(np.float32)
    predicted, prompt_lufs = rng.uniform(-60, -20, (2, 30)).round(2), rng.uniform(-40, -10, (1, 12)).round(2)
    return {
        'channels': channels,
        'nMels': n_mels,
        'std': std,
        'generated': generated.tolist(),
        'prompt': prompt.tolist(),
        'gain': spectrum_gain(generated, prompt, channels, n_mels, std).tolist(),
        'predictedLufs': predicted.tolist(),
        'promptLufs': prompt_lufs.tolist(),
        'levelOffset': level_offset(predicted, prompt_lufs),
        'matchedLufs': match_levels(predicted, prompt_lufs).tolist(),
    }


if __name__ == '__main__':
    FIXTURE_PATH.write_text(json.dumps(fixture(), indent=1) + '\n')
    print(f'wrote {FIXTURE_PATH}')
