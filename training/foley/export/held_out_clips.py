"""Held-out synthetic clips as the files a user would hand the engine: a silent H.264 MP4 and WAV recordings.

The evaluation (foley.export.evaluate) runs `foley generate` on these, so the clip goes through the CLI's own demuxer
and WebCodecs decoder like any user video, and `foley score` reads the real audio from the WAV.
"""

from __future__ import annotations

import subprocess
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import soundfile as sf

SAMPLE_RATE = 44100  # the synthetic dataset's audio rate
FPS = 24  # the dataset's frame rate (sync rate of the packs)
PROMPT_HEAD_SEC = 2.0  # the judged protocol: the first 2 s of the real audio as the reference recording
SILENT_PEAK = 1e-4  # the engine refuses a reference whose peak is under −80 dBFS


@dataclass(frozen=True)
class Clip:
    name: str
    video: Path  # silent MP4
    audio: Path  # the clip's real audio (WAV): what outputs are scored against
    head: Path | None = None  # its first PROMPT_HEAD_SEC (None: silent opening, the engine would refuse it)
    excerpt: Path | None = None  # another recording of the clip's sound (None: the clip has none)
    text: str = ''  # the clip's tags as a prompt


def write_mp4(frames: np.ndarray, path: Path, fps: int = FPS) -> None:
    """uint8 frames (T, H, W, 3) → H.264 MP4 (yuv420p) through ffmpeg."""
    height, width = frames.shape[1:3]
    command = ['ffmpeg', '-v', 'error', '-y', '-f', 'rawvideo', '-pix_fmt', 'rgb24', '-s', f'{width}x{height}', '-r', str(fps), '-i', '-']
    command += ['-c:v', 'libx264', '-pix_fmt', 'yuv420p', '-crf', '12', str(path)]
    subprocess.run(command, input=np.ascontiguousarray(frames).tobytes(), check=True)


def write_wav(audio: np.ndarray, path: Path) -> Path:
    """(channels, samples) float → 32-bit float WAV, so nothing is lost before the engine reads it."""
    sf.write(path, np.asarray(audio, np.float32).T, SAMPLE_RATE, subtype='FLOAT')
    return path


def write_held_out_clips(data: Path, split: str, count: int, seed: int, out: Path) -> list[Clip]:
    """`count` clips of the dataset's `split`, picked with `seed` (the same picks for the same arguments)."""
    from foley.dataset import SynthDataset

    dataset = SynthDataset(data, split, as_torch=False)
    picks = np.random.default_rng(seed).choice(len(dataset), size=min(count, len(dataset)), replace=False)
    clips = []
    for index in picks:
        item = dataset[int(index)]
        folder = out / f'clip-{int(index):04d}'
        folder.mkdir(parents=True, exist_ok=True)
        write_mp4(np.round(np.asarray(item['frames']).transpose(0, 2, 3, 1) * 255).astype(np.uint8), folder / 'video.mp4')
        real = np.asarray(item['audio'], np.float32)
        head = real[:, : round(PROMPT_HEAD_SEC * SAMPLE_RATE)]
        excerpt = item['prompt_audio']
        audible = excerpt is not None and np.abs(excerpt).max() >= SILENT_PEAK
        clips.append(
            Clip(
                name=folder.name,
                video=folder / 'video.mp4',
                audio=write_wav(real, folder / 'real.wav'),
                head=write_wav(head, folder / 'head.wav') if np.abs(head).max() >= SILENT_PEAK else None,
                excerpt=write_wav(excerpt, folder / 'excerpt.wav') if audible else None,
                text=' '.join(item['tags']),
            )
        )
    return clips
