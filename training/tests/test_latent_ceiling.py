"""The latent-and-decoder ceiling probe (foley.export.latent_ceiling) on a dev-set folder made here with ffmpeg."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

pytest.importorskip('torch')

from foley.export import latent_ceiling  # noqa: E402


def make_dev_set(root: Path) -> Path:
    """A clips.tsv as the real one (paths under data/real-dev/) and one clip: a moving box over noise bursts."""
    data = root / 'real-dev'
    clip = data / 'bursts' / 'groundtruth.mp4'
    clip.parent.mkdir(parents=True)
    video = 'color=c=black:size=64x64:rate=24:duration=3,drawbox=x=mod(t*40\\,48):y=20:w=16:h=16:c=white:t=fill'
    audio = "aevalsrc='0.3*random(0)*exp(-12*mod(t,0.75))|0.3*random(1)*exp(-12*mod(t,0.75))':s=44100:d=3"
    subprocess.run(['ffmpeg', '-v', 'error', '-y', '-f', 'lavfi', '-i', video, '-f', 'lavfi', '-i', audio, '-c:v', 'libx264',
                    '-pix_fmt', 'yuv420p', '-c:a', 'aac', '-shortest', str(clip)], check=True)  # fmt: skip
    (data / 'clips.tsv').write_text('path\tseconds\ndata/real-dev/bursts/groundtruth.mp4\t3\n')
    return data


def test_round_trip_keeps_length_and_channels():
    import numpy as np

    audio = np.random.default_rng(0).normal(0, 0.1, (44100, 2)).astype(np.float32)
    for n_mels in latent_ceiling.MELS:
        assert latent_ceiling.round_trip(audio, n_mels).shape == audio.shape


def test_study_scores_every_latent_through_the_cli(tmp_path: Path):
    report = latent_ceiling.study(make_dev_set(tmp_path))
    assert report['clips'] == 1
    means = report['means']
    assert set(means) == {f'{m} mels' for m in latent_ceiling.MELS}
    for scores in means.values():
        assert 0.0 <= scores['onsetF1'] <= 1.0 and scores['melFD'] >= 0.0
        assert scores['loudnessR'] > 0.9  # the level over time survives any of these latents
    # Finer mel bands keep more of the spectrum: the distance falls from 32 to 128 bands.
    assert means['128 mels']['melFD'] < means['32 mels']['melFD']
