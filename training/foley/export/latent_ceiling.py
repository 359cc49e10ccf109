"""What the latent itself allows on real footage: the real clips' own audio through a latent and the pack's decoder.

    nice python -m foley.export.latent_ceiling --data ../../shared/data/real-dev --out work/latent-ceiling.json   # from training/

Each real clip's audio (evaluation only: read in place, written to a temporary folder, never kept) is turned into the
latent of the pack (64 mels, hop 512) and of finer or coarser ones (128, 32 mels), decoded with the pack's fast
Griffin-Lim (8 iterations, momentum 0.99; the engine's `src/dsp/log-mel.ts` mirrors it), and scored against the
original by the product's scorer (`foley score`, via engine_cli: onset F1, loudness r, log-mel Fréchet distance at
16 kHz). No model is involved: it is what a model that predicted the latent exactly would score through that decoder
— a practical ceiling (a latent or post-processing tuned to Griffin-Lim could do a little better), the one issue 8
asks about before "128 mels or another latent". A probe (PyTorch decoder), like decoder_study.
"""

from __future__ import annotations

import argparse
import csv
import dataclasses
import subprocess
import tempfile
from pathlib import Path

import numpy as np
import soundfile as sf
import torch

from foley.audio import audio_to_latent, latent_to_audio
from foley.config import preset
from foley.export import engine_cli
from foley.export.report import emit_report

MELS = (32, 64, 128)  # 64 is the pack's
SCORES = ('onsetF1', 'onsetF1Shifted', 'loudnessR', 'melFD')


def round_trip(audio: np.ndarray, n_mels: int) -> np.ndarray:
    """(N, channels) float32 at 44.1 kHz → the same through a latent of `n_mels` bands and the pack's decoder."""
    cfg = dataclasses.replace(preset('tiny'), n_mels=n_mels)
    x = torch.from_numpy(np.ascontiguousarray(audio.T))
    return latent_to_audio(audio_to_latent(x, cfg), cfg, length=x.shape[1]).numpy().T


def clip_paths(data: Path) -> list[Path]:
    """The dev set's ground-truth videos, as clips.tsv lists them (paths there start with data/real-dev/)."""
    with (data / 'clips.tsv').open() as table:
        return [data / row['path'].split('real-dev/', 1)[1] for row in csv.DictReader(table, delimiter='\t')]


def study(data: Path, limit: int | None = None) -> dict:
    per_mels: dict[int, list[dict]] = {m: [] for m in MELS}
    clips = clip_paths(data)[:limit]
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        for clip in clips:
            original = folder / 'original.wav'
            extract = ['-vn', '-ac', '2', '-ar', '44100', '-c:a', 'pcm_f32le', str(original)]
            subprocess.run(['ffmpeg', '-v', 'error', '-y', '-i', str(clip), *extract], check=True)
            audio, _ = sf.read(original, dtype='float32', always_2d=True)
            candidates = []
            for n_mels in MELS:
                path = folder / f'mels-{n_mels}.wav'
                sf.write(path, round_trip(audio, n_mels), 44100, subtype='FLOAT')
                candidates.append(path)
            lines = engine_cli.score(original, candidates)
            for n_mels, path in zip(MELS, candidates, strict=True):
                per_mels[n_mels].append(lines[str(path)])
    return {
        'clips': len(clips),
        'decoder': 'fast Griffin-Lim, 8 iterations, momentum 0.99 (the pack default)',
        'means': {f'{m} mels': {k: round(float(np.mean([line[k] for line in per_mels[m]])), 3) for k in SCORES} for m in MELS},
    }


def main() -> None:
    parser = argparse.ArgumentParser(description="The real clips' own audio through the latent and decoder, scored by foley score")
    parser.add_argument('--data', type=Path, required=True, help='the real dev set (clips.tsv beside the clips)')
    parser.add_argument('--limit', type=int, help='only the first N clips')
    parser.add_argument('--out', type=Path)
    args = parser.parse_args()
    torch.set_num_threads(1)
    emit_report(study(args.data, args.limit), args.out)


if __name__ == '__main__':
    main()
