import numpy as np
import pytest

from foley import synth_scenes
from foley import synth_video as sv


@pytest.mark.parametrize('kind', sorted(sv.BUILDERS))
def test_every_kind_renders_frames_events_and_roles(kind):
    scene = sv.render_scene(kind, np.random.default_rng(3), 3.0)
    assert scene.frames.shape == (72, sv.SIZE, sv.SIZE, 3) and scene.frames.dtype == np.uint8
    for event in scene.events:
        assert 0 <= event.time_sec < 3.0 and 0 <= event.strength <= 1 and 0 <= event.x <= 1
        assert scene.roles[event.role].kind == 'oneshot'
    for sustain in scene.sustains:
        assert sustain.envelope.shape == (72,) and sustain.x.shape == (72,)
        assert sustain.envelope.min() >= 0 and sustain.envelope.max() <= 1
        assert scene.roles[sustain.role].kind == 'sustain'
    assert scene.frames.std() > 1.0  # not a blank image


def test_same_seed_same_scene_and_different_seed_differs():
    a = sv.render_scene('drop', np.random.default_rng(7), 2.0)
    b = sv.render_scene('drop', np.random.default_rng(7), 2.0)
    c = sv.render_scene('drop', np.random.default_rng(8), 2.0)
    assert np.array_equal(a.frames, b.frames) and a.events == b.events
    assert not np.array_equal(a.frames, c.frames)


def test_unknown_kind_is_refused():
    with pytest.raises(ValueError, match='unknown scene kind'):
        sv.render_scene('juggling', np.random.default_rng(0), 1.0)


def test_drop_bounces_get_weaker():
    found_bounce = False
    for seed in range(20):
        scene = sv.render_scene('drop', np.random.default_rng(seed), 5.0)
        assert scene.roles['hit'].category in ('impact', 'break')
        by_object: dict[float, list[float]] = {}
        for event in scene.events:
            by_object.setdefault(round(event.x, 2), []).append(event.strength)
        for strengths in by_object.values():
            found_bounce |= len(strengths) > 1
            assert strengths == sorted(strengths, reverse=True)
    assert found_bounce


def test_door_slams_when_the_angle_returns_to_zero():
    t = np.arange(5 * sv.FPS) / sv.FPS
    for seed in range(10):
        angle, slams = synth_scenes._door_motion(np.random.default_rng(seed), t)
        assert angle.min() >= 0 and angle.max() <= 1
        for slam_time, speed in slams:
            after = t >= slam_time
            if after.any():
                assert angle[after][0] == 0.0
            assert speed > 0


def test_footsteps_cadence_is_human():
    for seed in range(10):
        scene = sv.render_scene('footsteps', np.random.default_rng(seed), 5.0)
        times = np.array([e.time_sec for e in scene.events])
        gaps = np.diff(times)
        assert len(times) >= 3
        assert 0.28 <= np.median(gaps) <= 0.7


def test_still_scene_changes_less_than_a_burst():
    def motion(kind, seed):
        frames = sv.render_scene(kind, np.random.default_rng(seed), 3.0).frames.astype(np.float32)
        return np.abs(np.diff(frames, axis=0)).mean()

    still = np.mean([motion('still', s) for s in range(4)])
    busy = np.mean([motion('burst', s) for s in range(4)])
    assert still < busy


def test_hammer_strikes_are_periodic_and_machine_bed_is_off_or_running():
    for seed in range(5):
        strikes = np.array([e.time_sec for e in sv.render_scene('hammer', np.random.default_rng(seed), 5.0).events])
        assert strikes.size >= 2 and np.ptp(np.diff(strikes)) < 1e-6
        env = sv.render_scene('machine', np.random.default_rng(seed), 5.0).sustains[0].envelope
        assert np.all((env == 0) | (env >= 0.3))
