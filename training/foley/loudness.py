"""ITU-R BS.1770 loudness for the generator's condition curve (Tri-Ergon style per-channel momentary LUFS).

K-weighting is the standard's two-stage filter (a high shelf modelling the head, then the "RLB" high-pass), derived
for any sample rate by the bilinear transform of the analog prototypes (the same parameters libebur128 uses), so
44.1 kHz and 48 kHz give the same response; at 48 kHz the coefficients equal the tables printed in BS.1770-4.

Loudness of a block: `-0.691 + 10·log10(Σ_c G_c · mean(z_c²))` with channel weights G = 1 for L/R. A 1 kHz sine
of peak amplitude A in one channel reads `20·log10(A) − 3.01` LUFS; two in-phase channels read 3.01 dB more.

Curve convention (`momentary_curve`): `curve_rate` points per second per channel (default 6, one per 1/6 s),
P = ceil(N · curve_rate / sample_rate) points; point k is the loudness of the 400 ms window centred on
t_k = (k + 0.5) / curve_rate seconds, with the signal taken as silent outside [0, N). Values are clipped to
[min_lufs, max_lufs] = [−70, 0]; `normalise_curve` maps them to [0, 1] as the pack's `loudness` input expects.
"""

from __future__ import annotations

import math

import numpy as np
from scipy.signal import sosfilt

DEFAULT_CURVE_RATE = 6.0
MOMENTARY_WINDOW_SEC = 0.4
MIN_LUFS = -70.0
MAX_LUFS = 0.0
_POWER_FLOOR = 1e-20

# Analog prototype parameters of the BS.1770 pre-filter (high shelf) and RLB high-pass.
_SHELF_F0_HZ = 1681.974450955533
_SHELF_GAIN_DB = 3.999843853973347
_SHELF_Q = 0.7071752369554196
_HIGHPASS_F0_HZ = 38.13547087602444
_HIGHPASS_Q = 0.5003270373238773


def k_weighting_sos(sample_rate: float) -> np.ndarray:
    """Second-order sections [2, 6] (b0 b1 b2 a0 a1 a2) of the K-weighting filter at `sample_rate` Hz."""
    k = math.tan(math.pi * _SHELF_F0_HZ / sample_rate)
    vh = 10.0 ** (_SHELF_GAIN_DB / 20.0)
    vb = vh**0.4996667741545416
    a0 = 1.0 + k / _SHELF_Q + k * k
    shelf = [
        (vh + vb * k / _SHELF_Q + k * k) / a0,
        2.0 * (k * k - vh) / a0,
        (vh - vb * k / _SHELF_Q + k * k) / a0,
        1.0,
        2.0 * (k * k - 1.0) / a0,
        (1.0 - k / _SHELF_Q + k * k) / a0,
    ]
    k = math.tan(math.pi * _HIGHPASS_F0_HZ / sample_rate)
    a0 = _highpass_a0(sample_rate)
    # BS.1770 prints the RLB numerator as (1, −2, 1) at 48 kHz, leaving a pass-band gain of a0(48 kHz) (+0.043 dB) that
    # the −0.691 dB constant was calibrated with. The standard asks other rates for the same frequency response, so the
    # numerator keeps that gain (scale 1 at 48 kHz); a bare (1, −2, 1) would read 0.004 dB low at 44.1 kHz and 0.2 dB high
    # at 8 kHz. src/dsp/k-weighting.ts is the same maths; training/fixtures/k-weighting.json pins the two together.
    gain = _highpass_a0(48000.0) / a0
    highpass = [gain, -2.0 * gain, gain, 1.0, 2.0 * (k * k - 1.0) / a0, (1.0 - k / _HIGHPASS_Q + k * k) / a0]
    return np.array([shelf, highpass], dtype=np.float64)


def _highpass_a0(sample_rate: float) -> float:
    """a0 = 1 + K/Q + K² of the bilinear RLB high-pass: its pass-band gain when the numerator is (1, −2, 1)."""
    k = math.tan(math.pi * _HIGHPASS_F0_HZ / sample_rate)
    return 1.0 + k / _HIGHPASS_Q + k * k


def k_weighted_power(audio: np.ndarray, sample_rate: float) -> np.ndarray:
    """Squared K-weighted signal, float64 [C, N], for audio [C, N]."""
    audio = np.atleast_2d(np.asarray(audio, dtype=np.float64))
    filtered = sosfilt(k_weighting_sos(sample_rate), audio, axis=-1)
    return filtered * filtered


def _window_means(power: np.ndarray, centres: np.ndarray, window: int) -> np.ndarray:
    """Mean of power over windows of `window` samples centred on sample indices `centres` (zeros outside)."""
    n = power.shape[-1]
    cumulative = np.concatenate([np.zeros((power.shape[0], 1)), np.cumsum(power, axis=-1)], axis=-1)
    start = np.clip(centres - window // 2, 0, n)
    end = np.clip(centres - window // 2 + window, 0, n)
    return (cumulative[:, end] - cumulative[:, start]) / window


def power_to_lufs(mean_power: np.ndarray) -> np.ndarray:
    return -0.691 + 10.0 * np.log10(np.maximum(mean_power, _POWER_FLOOR))


def curve_length(num_samples: int, sample_rate: float, curve_rate: float = DEFAULT_CURVE_RATE) -> int:
    """P = ceil(N · curve_rate / sample_rate) points, at least one: rounding up gives the last, partial interval a point
    of its own, so every output sample is shaped by a point measured over it (rounding down would leave up to 1/6 s at
    the end with no target). The 1e-9 keeps an exact multiple from gaining a point through float error. Same rule as
    src/dsp/loudness-curve.ts `curvePointCount`; training/fixtures/curve-length.json pins both."""
    return max(1, math.ceil(num_samples * curve_rate / sample_rate - 1e-9))


def momentary_curve(
    audio: np.ndarray,
    sample_rate: float,
    curve_rate: float = DEFAULT_CURVE_RATE,
    window_sec: float = MOMENTARY_WINDOW_SEC,
    summed: bool = False,
    min_lufs: float = MIN_LUFS,
    max_lufs: float = MAX_LUFS,
) -> np.ndarray:
    """Momentary loudness in LUFS, float32 [C, P] per channel (or [1, P] with `summed`, the BS.1770 total)."""
    power = k_weighted_power(audio, sample_rate)
    count = curve_length(power.shape[-1], sample_rate, curve_rate)
    centres = np.round((np.arange(count) + 0.5) * sample_rate / curve_rate).astype(np.int64)
    means = _window_means(power, centres, max(1, round(window_sec * sample_rate)))
    if summed:
        means = means.sum(axis=0, keepdims=True)
    return np.clip(power_to_lufs(means), min_lufs, max_lufs).astype(np.float32)


def integrated_ungated(audio: np.ndarray, sample_rate: float) -> float:
    """Loudness of the whole signal without gating (channels summed), LUFS; for gain staging, not metering."""
    power = k_weighted_power(audio, sample_rate)
    return float(power_to_lufs(power.mean(axis=-1).sum()))


def normalise_curve(lufs: np.ndarray, min_lufs: float = MIN_LUFS, max_lufs: float = MAX_LUFS) -> np.ndarray:
    return np.clip((lufs - min_lufs) / (max_lufs - min_lufs), 0.0, 1.0).astype(np.float32)
