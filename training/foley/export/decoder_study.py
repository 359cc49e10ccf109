"""How much does the non-learned decoder lose? Re-synthesises held-back corpus recordings from their latents.

    nice python -m foley.export.decoder_study --corpus work/corpus --files 16      # run from training/

Variants: the pack's latent (64 mels, hop 512) with random phase or Griffin-Lim, plus finer latents for scale.
Scores against the original: log-STFT L1 averaged over STFT sizes 512/1024/2048 (hop n/4, magnitudes floored
60 dB under the original's peak), the multi-resolution STFT loss (spectral convergence + that log-magnitude L1,
Parallel WaveGAN style) and onset F1 within ±20 ms, as in /work/shared/data/decoder-baseline.md.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
from pathlib import Path

import numpy as np
import soundfile as sf
import torch

from foley.audio import audio_to_latent, latent_to_audio
from foley.config import preset
from foley.export.probe_scores import f1, match_onsets, onset_times
from foley.export.report import emit_report

VARIANTS = {  # name: (nMels, hop, Griffin-Lim iterations, momentum (0 = plain, 0.99 = fast Griffin-Lim))
    'pack latent 64 mels hop 512, random phase': (64, 512, 0, 0.0),
    'pack latent 64 mels hop 512, GL 16': (64, 512, 16, 0.0),
    'pack latent 64 mels hop 512, GL 32': (64, 512, 32, 0.0),
    'pack latent 64 mels hop 512, GL 100': (64, 512, 100, 0.0),
    'pack latent 64 mels hop 512, fast GL 8': (64, 512, 8, 0.99),
    'pack latent 64 mels hop 512, fast GL 16': (64, 512, 16, 0.99),
    '64 mels hop 256, GL 32': (64, 256, 32, 0.0),
    '128 mels hop 256, GL 32': (128, 256, 32, 0.0),
}
MAX_SEC = 3.0


def stft_mag(audio: torch.Tensor, n_fft: int) -> torch.Tensor:
    window = torch.hann_window(n_fft, dtype=audio.dtype)
    return torch.stft(audio, n_fft, n_fft // 4, window=window, center=True, return_complex=True).abs()


def distances(decoded: torch.Tensor, original: torch.Tensor) -> tuple[float, float]:
    log_l1, mr = [], []
    for n_fft in (512, 1024, 2048):
        a, b = stft_mag(decoded, n_fft), stft_mag(original, n_fft)
        # A floor 60 dB under the original's peak: below it both signals are "silent", and an absolute floor would
        # let digital silence vs. a faint Griffin-Lim noise floor dominate every score.
        floor = 1e-3 * b.max().clamp(min=1e-8)
        log_diff = (torch.log(a.clamp(min=floor)) - torch.log(b.clamp(min=floor))).abs().mean().item()
        log_l1.append(log_diff)
        convergence = (torch.linalg.norm(b - a) / torch.linalg.norm(b).clamp(min=1e-8)).item()
        mr.append(convergence + log_diff)
    return float(np.mean(log_l1)), float(np.mean(mr))


def held_back_files(corpus: Path, count: int) -> list[Path]:
    rows = [json.loads(line) for line in (corpus / 'index.jsonl').read_text().splitlines()]
    rows = [r for r in rows if r['split'] == 'eval' and r['durationSec'] >= 0.25]
    step = max(1, len(rows) // count)
    return [corpus / r['path'] for r in rows[::step][:count]]


def study(corpus: Path, count: int) -> dict:
    base = preset('tiny')
    files = held_back_files(corpus, count)
    results = {name: {'logStftL1': [], 'mrStft': [], 'onsets': np.zeros(3, int)} for name in VARIANTS}
    for path in files:
        audio, rate = sf.read(path, dtype='float64', always_2d=True)
        original = torch.from_numpy(audio.T[:, : int(MAX_SEC * rate)].copy())  # (ch, N)
        if original.shape[1] <= base.n_fft:
            continue
        reference_onsets = onset_times(original.numpy(), rate)
        for name, (n_mels, hop, iterations, momentum) in VARIANTS.items():
            cfg = dataclasses.replace(base, n_mels=n_mels, hop=hop, channels=original.shape[0])
            latent = audio_to_latent(original, cfg)
            decoded = latent_to_audio(latent, cfg, length=original.shape[1], iterations=iterations, momentum=momentum, seed=0).double()
            log_l1, mr = distances(decoded, original)
            results[name]['logStftL1'].append(log_l1)
            results[name]['mrStft'].append(mr)
            detected = onset_times(decoded.numpy(), rate)
            results[name]['onsets'] += match_onsets(detected, reference_onsets, tolerance_sec=0.02)
    return {
        'files': len(results[next(iter(VARIANTS))]['logStftL1']),
        'variants': {
            name: {
                'logStftL1': round(float(np.mean(r['logStftL1'])), 3),
                'mrStft': round(float(np.mean(r['mrStft'])), 3),
                'onsetF1at20ms': round(f1(r['onsets']), 3),
            }
            for name, r in results.items()
        },
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument('--corpus', type=Path, default=Path('work/corpus'))
    parser.add_argument('--files', type=int, default=16)
    parser.add_argument('--out', type=Path)
    args = parser.parse_args()
    torch.set_num_threads(1)
    report = study(args.corpus, args.files)
    emit_report(report, args.out)


if __name__ == '__main__':
    main()
