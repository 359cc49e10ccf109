"""Onset scores for training-time probes that run PyTorch, not the engine (foley.export.decoder_study).

These probe one part in isolation (the decoder), so they score in Python; everything that describes the product is
measured through the shipped engine (foley.export.evaluate, `foley score`).
"""

from __future__ import annotations

import numpy as np
import torch

ONSET_TOLERANCE_SEC = 0.05


def onset_times(audio: np.ndarray, sample_rate: int, n_fft: int = 1024, hop: int = 256) -> np.ndarray:
    """Spectral-flux onsets of the channel mix: positive log-magnitude flux, peaks above median + 1.5·MAD + 0.3·max, ≥ 50 ms apart."""
    mono = torch.from_numpy(np.ascontiguousarray(audio.mean(axis=0), np.float32))
    spec = torch.stft(mono, n_fft, hop, window=torch.hann_window(n_fft), center=True, return_complex=True).abs()
    log_mag = torch.log1p(100 * spec).numpy()  # (K, frames)
    flux = np.maximum(np.diff(log_mag, axis=1), 0).sum(axis=0)
    flux = np.concatenate([[0.0], flux])
    median = np.median(flux)
    threshold = median + 1.5 * np.median(np.abs(flux - median)) + 0.3 * flux.max()
    peaks = [i for i in range(1, len(flux) - 1) if flux[i] > threshold and flux[i] >= flux[i - 1] and flux[i] >= flux[i + 1]]
    times, last = [], -1.0
    for i in peaks:
        t = i * hop / sample_rate
        if t - last >= 0.05:
            times.append(t)
            last = t
    return np.array(times)


def match_onsets(detected: np.ndarray, reference: np.ndarray, tolerance_sec: float = ONSET_TOLERANCE_SEC) -> tuple[int, int, int]:
    """Greedy one-to-one matching within ±tolerance → (true positives, false positives, false negatives)."""
    used = np.zeros(len(reference), bool)
    hits = 0
    for t in detected:
        if len(reference) == 0:
            break
        gaps = np.where(used, np.inf, np.abs(reference - t))
        j = int(np.argmin(gaps))
        if gaps[j] <= tolerance_sec:
            used[j] = True
            hits += 1
    return hits, len(detected) - hits, len(reference) - hits


def f1(counts: np.ndarray) -> float:
    tp, fp, fn = counts
    return float(2 * tp / max(1, 2 * tp + fp + fn))
