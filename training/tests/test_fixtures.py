"""Torch-free shared fixtures: the committed files equal a rebuild, and say what the Python maths says.

The TypeScript halves: src/dsp/k-weighting.test.ts, src/dsp/loudness-curve.test.ts, src/engine/sampling/sequence.test.ts.
"""

import numpy as np
from fixture_compare import assert_matches_committed, committed

from foley import loudness
from foley.export.fixtures import build_curve_length, build_k_weighting, sine_segments


def test_k_weighting_fixture_is_reproduced():
    assert_matches_committed('k-weighting.json', build_k_weighting())


def test_k_weighting_fixture_covers_both_pack_rates_with_a_partial_last_point():
    fixture = committed('k-weighting.json')
    assert [c['sampleRate'] for c in fixture['curves']] == [44100, 48000]
    for curve in fixture['curves']:
        points = len(curve['lufs'][0])
        assert points == loudness.curve_length(curve['lengthSamples'], curve['sampleRate'])
        assert points * curve['sampleRate'] / 6 > curve['lengthSamples'], 'the last interval is partial'
        lufs = np.array(curve['lufs'])
        assert lufs.max() > -20 and lufs.min() == loudness.MIN_LUFS, 'loud and silent points both present'


def test_curve_signal_follows_its_formula():
    x = sine_segments(48000, 48000)
    assert x.dtype == np.float32 and x.shape == (2, 48000)
    n = round(0.1 * 48000)
    np.testing.assert_allclose(x[0, n], 10 ** (-20 / 20) * np.sin(2 * np.pi * 1000 * n / 48000), atol=1e-7)


def test_curve_length_fixture_is_reproduced():
    assert_matches_committed('curve-length.json', build_curve_length())


def test_curve_length_rounds_up_and_samples_round_half_up():
    fixture = committed('curve-length.json')
    by_duration = {c['durationSec']: c for c in fixture['clips']}
    assert by_duration[30.5 / 44100]['samples'] == 31  # Python's round() would give 30; Math.round gives 31
    assert by_duration[1 / 6]['points'] == 1 and by_duration[1 / 6 + 1 / 44100]['points'] == 2
