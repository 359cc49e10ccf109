"""The judged protocol, end to end through the product: `foley generate` on held-out clips as real MP4 files.

    nice python -m foley.export.judge --data work/synth --clips 12 --out work/tiny/judge.json   # run from training/

How the product is judged on real footage: the video without its sound, plus the first 2 s of its real audio as
`--audio-prompt`; the output is scored against the real audio on onset F1 (±50 ms, onsets the same spectral-flux
detector finds in the real audio), momentary-loudness-curve correlation and log-mel Fréchet distance. Here the
clips are the held-out synthetic ones (H.264 made with ffmpeg, decoded by the CLI's WebCodecs path), with and
without prompt anchoring (`--no-anchor`). Real footage is kept aside by the judges; this is the closest stand-in.
"""

from __future__ import annotations

import argparse
import subprocess
import tempfile
import time
from pathlib import Path

import numpy as np
import soundfile as sf

from foley.config import preset
from foley.export.evaluate import PROMPT_HEAD_SEC, frechet, log_mel_frames, match_onsets, onset_times
from foley.export.report import emit_report
from foley.loudness import momentary_curve

REPO_ROOT = Path(__file__).resolve().parents[3]
VARIANTS = {'anchored (default)': [], 'not anchored (--no-anchor)': ['--no-anchor']}


def write_mp4(frames: np.ndarray, path: Path, fps: int) -> None:
    """uint8 frames [T, H, W, 3] → H.264 MP4 (yuv420p) through ffmpeg."""
    height, width = frames.shape[1:3]
    command = ['ffmpeg', '-v', 'error', '-y', '-f', 'rawvideo', '-pix_fmt', 'rgb24', '-s', f'{width}x{height}', '-r', str(fps), '-i', '-']
    command += ['-c:v', 'libx264', '-pix_fmt', 'yuv420p', '-crf', '12', str(path)]
    subprocess.run(command, input=np.ascontiguousarray(frames).tobytes(), check=True)


def curve_correlation(audio: np.ndarray, real: np.ndarray, cfg) -> float:
    got = momentary_curve(audio, cfg.sample_rate, cfg.curve_rate, cfg.loudness_window_sec).mean(axis=0)
    want = momentary_curve(real, cfg.sample_rate, cfg.curve_rate, cfg.loudness_window_sec).mean(axis=0)
    n = min(len(got), len(want))
    if got[:n].std() < 1e-6 or want[:n].std() < 1e-6:
        return float('nan')
    return float(np.corrcoef(got[:n], want[:n])[0, 1])


def judge(data: Path, clips: int, seed: int, pack: Path) -> dict:
    from foley.dataset import SynthDataset

    cfg = preset('tiny')
    dataset = SynthDataset(data, 'eval', as_torch=False)
    picks = np.random.default_rng(seed).choice(len(dataset), size=min(clips, len(dataset)), replace=False)
    scores = {name: {'onsets': np.zeros(3, int), 'corr': [], 'mel': [], 'sec': 0.0} for name in VARIANTS}
    real_mel, used = [], 0
    with tempfile.TemporaryDirectory() as scratch:
        for n, index in enumerate(picks):
            item = dataset[int(index)]
            real = np.asarray(item['audio'], np.float32)
            head = real[:, : round(PROMPT_HEAD_SEC * cfg.sample_rate)]
            if np.abs(head).max() < 1e-4:
                continue  # silent opening: the product refuses a silent prompt, the judges would not give one
            used += 1
            frames = np.round(np.asarray(item['frames']).transpose(0, 2, 3, 1) * 255).astype(np.uint8)  # (T, H, W, 3)
            video, prompt = Path(scratch) / f'{n}.mp4', Path(scratch) / f'{n}-head.wav'
            write_mp4(frames, video, cfg.sync_fps)
            sf.write(prompt, head.T, cfg.sample_rate, subtype='FLOAT')
            real_onsets = onset_times(real, cfg.sample_rate)
            real_mel.append(log_mel_frames(real, cfg))
            for name, flags in VARIANTS.items():
                out = Path(scratch) / f'{n}-out.wav'
                command = ['node', str(REPO_ROOT / 'bin' / 'foley.js'), 'generate', str(video), '-o', str(out), '--pack', str(pack)]
                tick = time.time()
                command += ['--audio-prompt', str(prompt), '--seed', str(seed + n), '--format', 'float32', *flags]
                subprocess.run(command, check=True)
                scores[name]['sec'] += time.time() - tick
                audio, _ = sf.read(out, dtype='float32', always_2d=True)
                audio = audio.T
                scores[name]['onsets'] += match_onsets(onset_times(audio, cfg.sample_rate), real_onsets)
                r = curve_correlation(audio, real, cfg)
                if not np.isnan(r):
                    scores[name]['corr'].append(r)
                scores[name]['mel'].append(log_mel_frames(audio, cfg))
            print(f'clip {n + 1}/{len(picks)} done', flush=True)
    reference = np.concatenate(real_mel)
    report = {'clips': used, 'promptSec': PROMPT_HEAD_SEC, 'pack': str(pack), 'variants': {}}
    for name, s in scores.items():
        tp, fp, fn = s['onsets']
        report['variants'][name] = {
            'onsetF1': round(float(2 * tp / max(1, 2 * tp + fp + fn)), 3),
            'loudnessCurveCorrelation': round(float(np.mean(s['corr'])), 3) if s['corr'] else None,
            'frechetLogMel': round(frechet(np.concatenate(s['mel']), reference), 1),
            'cliSecondsPerClip': round(s['sec'] / max(1, used), 2),
        }
    return report


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument('--data', type=Path, default=Path('work/synth'))
    parser.add_argument('--clips', type=int, default=12)
    parser.add_argument('--seed', type=int, default=0)
    parser.add_argument('--pack', type=Path, default=REPO_ROOT / 'public' / 'models' / 'foley-tiny')
    parser.add_argument('--out', type=Path)
    args = parser.parse_args()
    report = judge(args.data, args.clips, args.seed, args.pack)
    emit_report(report, args.out)


if __name__ == '__main__':
    main()
