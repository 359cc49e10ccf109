"""Photographic backgrounds and H.264 round trips for the synthetic scenes (foley/photo_textures.py), on a pool made
here from a drawn image (the real pool is built from Debian packages by `python -m foley.photo_textures`)."""

from pathlib import Path

import numpy as np
import pytest

from foley import photo_textures as pt
from foley import synth_video as sv


@pytest.fixture
def pool(tmp_path: Path) -> Path:
    yy, xx = np.mgrid[0 : pt.POOL_SIZE, 0 : pt.POOL_SIZE]
    bricks = ((yy // 16 % 2 * 8 + xx) // 32 % 2 == 0) & (yy % 16 > 1)  # a brick wall: rows of offset blocks
    noise = np.random.default_rng(0).integers(0, 40, (pt.POOL_SIZE, pt.POOL_SIZE, 3))
    image = np.where(bricks[..., None], [150, 70, 50], [200, 200, 190]) + noise
    np.save(tmp_path / 'images.npy', np.clip(image, 0, 255).astype(np.uint8)[None])
    return tmp_path


@pytest.mark.parametrize('kind', ['drop', 'still', 'distractor'])
def test_the_look_changes_the_picture_only(pool, kind):
    """The same seed gives the same scene, events and timing with or without the look, and the scene's random stream
    ends where it would have, so everything drawn after it (silence, the sound in dataset.make_sample) is the same."""
    look = pt.PhotoLook(pool, photo_p=1.0, codec_p=1.0)
    plain_rng, photo_rng = np.random.default_rng(5), np.random.default_rng(5)
    plain = sv.render_scene(kind, plain_rng, 2.0)
    photo = sv.render_scene(kind, photo_rng, 2.0, look, np.random.default_rng(1))
    assert photo_rng.bit_generator.state == plain_rng.bit_generator.state
    assert photo.events == plain.events and photo.kind == plain.kind and photo.silent == plain.silent
    assert [s.role for s in photo.sustains] == [s.role for s in plain.sustains]
    assert photo.frames.shape == plain.frames.shape and photo.frames.dtype == np.uint8
    assert np.abs(photo.frames.astype(int) - plain.frames).mean() > 10  # the background is the photograph


def test_photo_texture_replaces_the_procedural_one(pool):
    look = pt.PhotoLook(pool, photo_p=1.0, ground_p=0.0)
    procedural = np.zeros((sv.TEX, sv.TEX, 3), np.float32)
    tex = look.texture(np.random.default_rng(0), 50.0, procedural)
    assert tex.shape == (sv.TEX, sv.TEX, 3) and tex.dtype == np.float32
    assert 0.0 <= tex.min() and tex.max() <= 1.0 and tex.std() > 0.05  # detailed, not flat
    kept = pt.PhotoLook(pool, photo_p=0.0).texture(np.random.default_rng(0), 50.0, procedural)
    assert kept is procedural


def test_h264_round_trip_keeps_the_picture_and_adds_compression(pool):
    frames = sv.render_scene('hammer', np.random.default_rng(2), 1.0, pt.PhotoLook(pool, codec_p=0.0), np.random.default_rng(3)).frames
    fine = pt.h264_round_trip(frames, 18, sv.FPS)
    coarse = pt.h264_round_trip(frames, 42, sv.FPS)
    assert fine.shape == frames.shape and fine.dtype == np.uint8
    error_fine = np.abs(fine.astype(int) - frames).mean()
    error_coarse = np.abs(coarse.astype(int) - frames).mean()
    assert 0 < error_fine < error_coarse < 20  # the same picture, more damaged at a worse quality


def test_only_colour_maps_are_taken():
    stems = {'stone01', 'stone01n', 'stone01s', 'stone01z', 'metal', 'rust_n', 'rust'}
    assert pt._is_colour_map(Path('stone01.jpg'), stems)
    assert not pt._is_colour_map(Path('stone01n.jpg'), stems)
    assert not pt._is_colour_map(Path('stone01z.jpg'), stems)
    assert not pt._is_colour_map(Path('rust_n.png'), stems)
    assert pt._is_colour_map(Path('metal.jpg'), stems)
    assert pt._is_colour_map(Path('glass.jpg'), {'glass'})  # ends in s, but no 'glas' beside it: not a specular map
    # Red Eclipse's data/wicked: the colour map is name + d, its siblings name + n / s / z; Nobiax ships masks.png.
    wicked = {'metal01d', 'metal01n', 'metal01s', 'metal01z'}
    assert pt._is_colour_map(Path('metal01d.jpg'), wicked)
    assert not any(pt._is_colour_map(Path(f'metal01{c}.jpg'), wicked) for c in 'nsz')
    assert not pt._is_colour_map(Path('masks.png'), {'masks', 'diffuse'})
    blue = np.zeros((8, 8, 3), np.uint8) + np.array([128, 128, 255], np.uint8)
    assert pt._looks_like_normal_map(blue) and not pt._looks_like_normal_map(255 - blue)
