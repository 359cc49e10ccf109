"""The training-time probes' onset scores (foley.export.probe_scores) on signals with known answers."""

from __future__ import annotations

import numpy as np
import pytest

pytest.importorskip('torch')

from foley.export.probe_scores import f1, match_onsets, onset_times  # noqa: E402


def clicks(times_sec: list[float], sample_rate: int = 44100, duration_sec: float = 2.0) -> np.ndarray:
    rng = np.random.default_rng(0)
    audio = 1e-4 * rng.standard_normal((2, int(duration_sec * sample_rate)))
    for t in times_sec:
        start = int(t * sample_rate)
        burst = np.exp(-np.arange(2000) / 300.0) * rng.standard_normal(2000)
        audio[:, start : start + 2000] += 0.5 * burst
    return audio


def test_onsets_found_within_tolerance():
    events = np.array([0.3, 0.9, 1.5])
    detected = onset_times(clicks(list(events)), 44100)
    tp, fp, fn = match_onsets(detected, events)
    assert (tp, fp, fn) == (3, 0, 0), detected
    assert f1(np.array([tp, fp, fn])) == 1.0


def test_matching_is_one_to_one_and_respects_tolerance():
    assert match_onsets(np.array([0.50, 0.51]), np.array([0.5])) == (1, 1, 0)
    assert match_onsets(np.array([0.58]), np.array([0.5])) == (0, 1, 1)
    assert match_onsets(np.array([0.58]), np.array([0.5]), tolerance_sec=0.1) == (1, 0, 0)
    assert match_onsets(np.array([]), np.array([0.5])) == (0, 0, 1)
