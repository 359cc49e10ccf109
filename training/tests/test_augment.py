"""Domain randomisation of the training video (foley/augment.py)."""

import pytest

torch = pytest.importorskip('torch')

from foley.augment import augment_frames  # noqa: E402


def still_clip() -> torch.Tensor:
    """(B, T, 3, H, W): a mid-grey still picture with a brighter square, so clamping never bites."""
    frames = torch.full((4, 12, 3, 32, 32), 0.4)
    frames[..., 8:20, 8:20] = 0.6
    return frames


def frame_step(frames: torch.Tensor) -> float:
    return (frames[:, 1:] - frames[:, :-1]).abs().mean().item()


def test_shape_range_and_untouched_clips():
    frames = still_clip()
    out = augment_frames(frames, torch.Generator().manual_seed(0))
    assert out.shape == frames.shape and 0.0 <= out.min() and out.max() <= 1.0
    assert torch.equal(augment_frames(frames, torch.Generator().manual_seed(0), p=0.0), frames)


def test_sensor_noise_sets_how_much_a_still_picture_moves():
    """The noise is the only thing that changes from frame to frame of a still shot (shake and motion blur aside), so
    its size sets the frame differences the sync encoder learns from; real footage's are far smaller than 0.04's."""
    frames = still_clip()
    steps = {
        noise: frame_step(augment_frames(frames, torch.Generator().manual_seed(1), p=1.0, noise=noise)) for noise in (0.0, 0.008, 0.04)
    }
    assert steps[0.0] < steps[0.008] < steps[0.04]
    assert steps[0.04] - steps[0.0] > 3 * (steps[0.008] - steps[0.0])  # what the noise adds grows with it
    # The same random draws whatever the noise: without it, two runs with the same seed match the noisy one but for it.
    quiet = augment_frames(frames, torch.Generator().manual_seed(1), p=1.0, noise=0.0)
    noisy = augment_frames(frames, torch.Generator().manual_seed(1), p=1.0, noise=0.008)
    assert (noisy - quiet).abs().mean().item() < 0.01
