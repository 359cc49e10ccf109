"""Prompt anchoring: known answers, and the committed fixture the TypeScript mirror is checked against."""

from __future__ import annotations

import json

import numpy as np
import pytest

from foley import prompt_anchor


def test_committed_fixture_matches_this_module():
    committed = json.loads(prompt_anchor.FIXTURE_PATH.read_text())
    fresh = prompt_anchor.fixture()
    np.testing.assert_allclose(committed['gain'], fresh['gain'], atol=1e-6)
    assert committed['levelOffset'] == pytest.approx(fresh['levelOffset'], abs=1e-9)
    assert committed['generated'] == fresh['generated'] and committed['prompt'] == fresh['prompt']


def test_gain_moves_the_shape_and_keeps_the_power():
    channels, n_mels, std = 1, 16, 5.0
    flat = np.zeros((10, n_mels), np.float32)
    tilt = np.linspace(-0.5, 0.5, n_mels, dtype=np.float32)
    gain = prompt_anchor.spectrum_gain(flat, flat + tilt, channels, n_mels, std)
    assert np.allclose(np.diff(gain[1:-1]), np.diff(tilt[1:-1]), atol=1e-6)  # the tilt, away from the smoothed edges
    assert prompt_anchor.logsumexp(gain * std) == pytest.approx(np.log(n_mels), abs=1e-5)  # power of the flat spectrum
    assert np.allclose(prompt_anchor.spectrum_gain(flat + tilt, flat + tilt, channels, n_mels, std), 0, atol=1e-6)


def test_gain_is_limited_and_level_offset_matches_percentiles():
    channels, n_mels, std = 1, 4, 1.0
    gain = prompt_anchor.spectrum_gain(np.zeros((3, 4), np.float32), np.array([[0, 0, 40, 40]] * 3, np.float32), channels, n_mels, std)
    assert np.ptp(gain) <= 2 * prompt_anchor.MAX_GAIN_NATS + 1e-6
    predicted_p90 = -60 + 0.1 * 30  # numpy's linear interpolation between the 9th and 10th of 10 sorted values
    assert prompt_anchor.level_offset(np.array([[-60.0] * 9 + [-30.0]]), np.array([[-20.0] * 10])) == pytest.approx(-20 - predicted_p90)


def test_match_levels_keeps_order_and_takes_the_prompt_levels():
    matched = prompt_anchor.match_levels(np.array([[-40.0, -35, -30, -25, -30, -35]]), np.array([[-50.0, -50, -50, -20, -20, -20]]))
    assert matched[0, 0] == -50 and matched[0, 3] == -20
    assert np.all(np.diff(matched[0, :4]) >= 0) and matched[0, 1] == matched[0, 5]
    assert np.array_equal(prompt_anchor.match_levels(np.array([[-30.0] * 3]), np.array([[-60.0, -40, -10]])), [[-40.0] * 3])
