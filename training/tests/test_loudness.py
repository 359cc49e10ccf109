import numpy as np
import pytest
from scipy.signal import sosfreqz

from foley import loudness

# BS.1770-4 Table 1 and 2: K-weighting coefficients at 48 kHz.
BS1770_SHELF_48K = [1.53512485958697, -2.69169618940638, 1.19839281085285, 1.0, -1.69065929318241, 0.73248077421585]
BS1770_HIGHPASS_48K = [1.0, -2.0, 1.0, 1.0, -1.99004745483398, 0.99007225036621]


def sine(freq_hz: float, peak_dbfs: float, sample_rate: int, duration_sec: float, channels: int) -> np.ndarray:
    t = np.arange(round(duration_sec * sample_rate)) / sample_rate
    mono = 10 ** (peak_dbfs / 20) * np.sin(2 * np.pi * freq_hz * t)
    return np.tile(mono, (channels, 1)).astype(np.float32)


def test_coefficients_match_standard_at_48k():
    sos = loudness.k_weighting_sos(48000)
    np.testing.assert_allclose(sos[0], BS1770_SHELF_48K, atol=1e-8)
    np.testing.assert_allclose(sos[1], BS1770_HIGHPASS_48K, atol=1e-8)


@pytest.mark.parametrize('sample_rate', [8000, 16000, 44100, 96000])
def test_rlb_high_pass_keeps_the_48k_pass_band_gain_at_other_rates(sample_rate):
    """BS.1770 asks other rates for the 48 kHz response, whose −0.691 dB calibration includes the RLB's +0.043 dB.

    (A bare (1, −2, 1) numerator reads 0.004 dB low at 44.1 kHz and 0.2 dB high at 8 kHz.)
    """

    def high_pass_db(rate: float, hz: float) -> float:
        _, response = sosfreqz(loudness.k_weighting_sos(rate)[1:], worN=np.array([hz, hz]), fs=rate)
        return 20 * np.log10(abs(response[0]))

    for hz in (200.0, 1000.0):
        assert abs(high_pass_db(sample_rate, hz) - high_pass_db(48000, hz)) < 2e-3  # bilinear warping: 0.0012 dB at 8 kHz


@pytest.mark.parametrize('sample_rate', [48000, 44100])
def test_sine_minus_23_dbfs_reads_minus_23_lufs_summed_and_minus_26_per_channel(sample_rate):
    audio = sine(1000, -23.0, sample_rate, 3.0, channels=2)
    summed = loudness.momentary_curve(audio, sample_rate, summed=True)
    per_channel = loudness.momentary_curve(audio, sample_rate)
    steady = slice(3, -3)  # windows fully inside the signal
    assert summed.shape == (1, 18)
    assert per_channel.shape == (2, 18)
    np.testing.assert_allclose(summed[:, steady], -23.0, atol=0.1)
    np.testing.assert_allclose(per_channel[:, steady], -26.0, atol=0.1)


def test_silence_clips_to_floor_and_loud_clips_to_ceiling():
    silent = np.zeros((2, 44100), dtype=np.float32)
    assert np.all(loudness.momentary_curve(silent, 44100) == loudness.MIN_LUFS)
    loud = sine(1000, 12.0, 44100, 1.0, channels=1)
    assert np.all(loudness.momentary_curve(loud, 44100)[:, 2:-2] == loudness.MAX_LUFS)


def test_curve_follows_a_burst_in_time_and_channel():
    sample_rate = 44100
    audio = np.zeros((2, 3 * sample_rate), dtype=np.float32)
    burst = sine(1000, -10.0, sample_rate, 0.5, channels=1)[0]
    audio[1, sample_rate : sample_rate + burst.size] = burst  # right channel, 1.0–1.5 s
    curve = loudness.momentary_curve(audio, sample_rate)
    times = (np.arange(curve.shape[1]) + 0.5) / loudness.DEFAULT_CURVE_RATE
    assert np.all(curve[0] == loudness.MIN_LUFS)
    peak_time = times[np.argmax(curve[1])]
    assert 1.0 <= peak_time <= 1.5
    assert curve[1, np.searchsorted(times, 2.5)] == loudness.MIN_LUFS


def test_curve_length_and_normalisation():
    assert loudness.curve_length(5 * 44100, 44100) == 30
    assert loudness.curve_length(5 * 44100 + 1, 44100) == 31
    np.testing.assert_allclose(loudness.normalise_curve(np.array([-80.0, -70.0, -35.0, 0.0, 3.0])), [0, 0, 0.5, 1, 1])


def test_low_frequencies_are_attenuated_by_the_high_pass():
    sample_rate = 44100
    low = loudness.momentary_curve(sine(20, -20.0, sample_rate, 2.0, 1), sample_rate)[0, 4]
    mid = loudness.momentary_curve(sine(1000, -20.0, sample_rate, 2.0, 1), sample_rate)[0, 4]
    assert mid - low > 10.0
