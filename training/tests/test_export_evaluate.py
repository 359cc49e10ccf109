"""The engine-backed evaluation (foley.export.evaluate) on the committed foley-test pack and clips made with ffmpeg.

Its figures must be the CLI's own: the same numbers `foley score` prints for the outputs it wrote and the timings
of the `--report` files; a failing CLI must stop it with the CLI's message.
"""

from __future__ import annotations

import json
import math
import subprocess
from pathlib import Path

import pytest

from foley.export import engine_cli
from foley.export.evaluate import evaluate_clips
from foley.export.held_out_clips import Clip

PACK = engine_cli.REPO_ROOT / 'public' / 'models' / 'foley-test'
PROTOCOLS = ['video', 'curve', 'ref']
# Two 3 s clips: a moving test pattern with decaying 440 Hz beeps every 0.5 s, and a sliding box with noise bursts.
CLIPS = {
    'beeps': ('testsrc2=size=64x64:rate=24:duration=3', "0.5*sin(2*PI*440*t)*exp(-20*mod(t,0.5))|0.4*sin(2*PI*440*t)*exp(-20*mod(t,0.5))"),
    'bursts': ('color=c=black:size=64x64:rate=24:duration=3,drawbox=x=mod(t*40\\,48):y=20:w=16:h=16:c=white:t=fill',
               '0.3*random(0)*exp(-12*mod(t,0.75))|0.3*random(1)*exp(-12*mod(t,0.75))'),
}  # fmt: skip


def ffmpeg(*args: str) -> None:
    subprocess.run(['ffmpeg', '-v', 'error', '-y', *args], check=True)


def make_clip(folder: Path, name: str, *, with_reference: bool) -> Clip:
    video_filter, audio_expr = CLIPS[name]
    folder.mkdir(parents=True)
    ffmpeg('-f', 'lavfi', '-i', video_filter, '-c:v', 'libx264', '-pix_fmt', 'yuv420p', str(folder / 'video.mp4'))
    ffmpeg('-f', 'lavfi', '-i', f"aevalsrc='{audio_expr}':s=44100:d=3", '-c:a', 'pcm_f32le', str(folder / 'real.wav'))
    ffmpeg('-i', str(folder / 'real.wav'), '-t', '2', '-c:a', 'pcm_f32le', str(folder / 'head.wav'))
    return Clip(name=name, video=folder / 'video.mp4', audio=folder / 'real.wav', head=folder / 'head.wav' if with_reference else None)


@pytest.fixture(scope='module')
def clips(tmp_path_factory) -> list[Clip]:
    root = tmp_path_factory.mktemp('clips')
    # The second clip has no reference recording (as a clip with a silent opening): `ref` skips it.
    return [make_clip(root / name, name, with_reference=name == 'beeps') for name in CLIPS]


@pytest.fixture(scope='module')
def evaluation(clips, tmp_path_factory) -> tuple[dict, Path]:
    work = tmp_path_factory.mktemp('runs')
    return evaluate_clips(clips, pack=PACK, protocols=PROTOCOLS, seed=3, work=work), work


def test_figures_are_the_clis_scores_of_the_outputs_it_wrote(clips, evaluation):
    report, work = evaluation
    assert report['pack'] == {'id': 'foley-test', 'version': json.loads((PACK / 'manifest.json').read_text())['version']}
    rows = [(protocol, protocol, [c for c in clips if protocol != 'ref' or c.head]) for protocol in PROTOCOLS]
    rows.append(('video, same clips as ref', 'video', clips[:1]))
    for row_name, protocol, ran in rows:
        row = report['means'][row_name]
        assert row['clips'] == len(ran)
        for key in ('onsetF1', 'loudnessR', 'melFD', 'avAlign', 'curveMaeLu'):
            assert isinstance(row[key], float) and math.isfinite(row[key]), (row_name, key, row)
        # Scored again here, straight from the CLI, the outputs give the same means.
        lines = [engine_cli.score(c.audio, [work / c.name / f'{protocol}.wav'], video=c.video) for c in ran]
        for key in ('onsetF1', 'loudnessR', 'melFD', 'avAlign'):
            direct = sum(next(iter(line.values()))[key] for line in lines) / len(lines)
            assert row[key] == pytest.approx(direct, abs=1e-4), (row_name, key)
    assert report['skipped'] == ['bursts: ref: the clip has no usable recording for it (none, or silent)']


def test_timings_come_from_the_generate_reports(clips, evaluation):
    report, work = evaluation
    for protocol in PROTOCOLS:
        files = [json.loads((work / c.name / f'{protocol}.report.json').read_text()) for c in clips if protocol != 'ref' or c.head]
        assert all(f['steps'] == report['steps'] for f in files)
        want = sum(f['timings']['totalMs'] / 1000 / f['durationSec'] for f in files) / len(files)
        assert report['means'][protocol]['engineSecondsPerGeneratedSecond'] == pytest.approx(want, abs=1e-4)


def test_the_engine_follows_the_real_curve_when_given_it(evaluation):
    means = evaluation[0]['means']
    # The engine shapes its output to --target-curve: far closer to the real curve than with the predicted one.
    assert means['curve']['curveMaeLu'] < 2.0 < means['video']['curveMaeLu'], (means['curve'], means['video'])
    assert means['curve']['curveR'] > 0.9


def test_baselines_and_chance_are_scored(clips, evaluation):
    means = evaluation[0]['means']
    assert means['chance']['clips'] == len(clips) and math.isfinite(means['chance']['melFD'])
    assert means['loop-ref']['clips'] == len(clips) and math.isfinite(means['loop-ref']['onsetF1'])
    assert means['motion-energy']['clips'] == len(clips) and math.isfinite(means['motion-energy']['loudnessR'])


def test_a_failing_generate_stops_the_evaluation_with_the_clis_message(clips, tmp_path):
    not_a_pack = tmp_path / 'empty-pack'
    not_a_pack.mkdir()
    with pytest.raises(engine_cli.EngineError, match=r'^foley generate exited 1: foley: .*manifest') as failure:
        evaluate_clips(clips[:1], pack=not_a_pack, protocols=['video'], seed=0, work=tmp_path / 'runs')
    assert '\n' not in str(failure.value)


def test_a_video_the_engine_cannot_read_stops_the_evaluation(clips, tmp_path):
    broken = tmp_path / 'broken.mp4'
    broken.write_bytes(b'not a video at all')
    clip = Clip(name='broken', video=broken, audio=clips[0].audio)
    with pytest.raises(engine_cli.EngineError, match=r'^foley generate exited 1: foley: '):
        evaluate_clips([clip], pack=PACK, protocols=['video'], seed=0, work=tmp_path / 'runs')
