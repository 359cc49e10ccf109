"""The latent transform (audio ⇄ normalised per-channel log-mel) exactly as docs/model-pack.md defines it.

The TypeScript mirror is `src/dsp/log-mel.ts`; `training/fixtures/latent-parity.json` pins both to the same numbers.
"""

from __future__ import annotations

import numpy as np
import torch

from foley.config import FoleyConfig


def hz_to_mel(hz: np.ndarray | float) -> np.ndarray:
    """HTK mel scale."""
    return 2595.0 * np.log10(1.0 + np.asarray(hz, dtype=np.float64) / 700.0)


def mel_to_hz(mel: np.ndarray | float) -> np.ndarray:
    return 700.0 * (10.0 ** (np.asarray(mel, dtype=np.float64) / 2595.0) - 1.0)


def mel_filterbank(cfg: FoleyConfig) -> np.ndarray:
    """HTK triangular filters, peak 1, no area normalisation: float64 [nMels, nFft/2 + 1].

    Band m rises linearly from edge m to edge m+1 and falls to edge m+2, where the nMels + 2 edges are equally
    spaced on the mel scale from fminHz to fmaxHz; bin k sits at k · sampleRate / nFft Hz.
    """
    edges_hz = mel_to_hz(np.linspace(hz_to_mel(cfg.fmin_hz), hz_to_mel(cfg.fmax_hz), cfg.n_mels + 2))
    bins_hz = np.arange(cfg.n_fft // 2 + 1, dtype=np.float64) * cfg.sample_rate / cfg.n_fft
    lower, centre, upper = edges_hz[:-2, None], edges_hz[1:-1, None], edges_hz[2:, None]
    rising = (bins_hz[None, :] - lower) / (centre - lower)
    falling = (upper - bins_hz[None, :]) / (upper - centre)
    return np.maximum(0.0, np.minimum(rising, falling))


def mel_power(audio: torch.Tensor, cfg: FoleyConfig) -> torch.Tensor:
    """(channels, N) → mel power (channels, L, nMels); centred STFT, periodic Hann, reflect padding."""
    window = torch.hann_window(cfg.n_fft, periodic=True, dtype=audio.dtype, device=audio.device)
    spec = torch.stft(audio, cfg.n_fft, cfg.hop, window=window, center=True, pad_mode='reflect', return_complex=True)
    power = spec.real.square() + spec.imag.square()  # (ch, K, L)
    fb = torch.from_numpy(mel_filterbank(cfg)).to(audio.dtype)  # (M, K)
    return torch.einsum('mk,ckl->clm', fb, power)  # (ch, L, M)


def audio_to_latent(audio: torch.Tensor, cfg: FoleyConfig) -> torch.Tensor:
    """(channels, N) → latent (L, C) with C = channels · nMels channel-major, L = floor(N / hop) + 1."""
    if audio.shape[-1] <= cfg.n_fft // 2:
        raise ValueError(f'audio needs more than nFft/2 = {cfg.n_fft // 2} samples for reflect padding, got {audio.shape=}')
    log_mel = torch.log(torch.clamp(mel_power(audio, cfg), min=cfg.log_floor))  # (ch, L, M)
    latent = (log_mel - cfg.latent_mean) / cfg.latent_std
    return latent.permute(1, 0, 2).reshape(latent.shape[1], -1)  # (L, C)


def latent_to_mel_power(latent: torch.Tensor, cfg: FoleyConfig) -> torch.Tensor:
    """(L, C) → mel power (channels, L, nMels): undo normalisation and the log."""
    frames = latent.shape[0]
    log_mel = latent.reshape(frames, cfg.channels, cfg.n_mels).permute(1, 0, 2) * cfg.latent_std + cfg.latent_mean
    return torch.exp(log_mel)


def mel_to_magnitude(mel: torch.Tensor, cfg: FoleyConfig) -> torch.Tensor:
    """Mel power (ch, L, M) → linear magnitude (ch, K, L) through the filterbank's pseudo-inverse, clipped at 0."""
    pinv = torch.from_numpy(np.linalg.pinv(mel_filterbank(cfg))).to(mel.dtype)  # (K, M)
    power = torch.einsum('km,clm->ckl', pinv, mel)
    return torch.sqrt(torch.clamp(power, min=0.0))


def griffin_lim(
    magnitude: torch.Tensor,
    cfg: FoleyConfig,
    *,
    iterations: int,
    length: int,
    seed: int,
    momentum: float = 0.0,
    initial_phase: torch.Tensor | None = None,
) -> torch.Tensor:
    """Magnitude (ch, K, L) → audio (ch, length); phases start uniform random from `seed` (one for every channel), or at
    `initial_phase` (ch, K, L).

    `momentum` > 0 is fast Griffin-Lim (Perraudin et al., 2013): each rebuilt spectrum is extrapolated along its last
    change by momentum / (1 + momentum) before its phase is kept, as src/dsp/griffin-lim.ts does. The two sides draw
    their random phases from different generators, so training/fixtures/latent-decoder.json pins them from a given phase.
    """
    window = torch.hann_window(cfg.n_fft, periodic=True, dtype=magnitude.dtype)
    if initial_phase is None:
        generator = torch.Generator().manual_seed(seed)
        # One initial phase for every channel, as the engine (src/dsp/log-mel.ts latentToAudio): the same magnitudes
        # decode to the same signal and a panned sound stays in phase between the channels.
        phase = (torch.rand(magnitude.shape[1:], generator=generator, dtype=magnitude.dtype) * (2 * torch.pi)).expand_as(magnitude)
    else:
        phase = initial_phase.to(magnitude.dtype)
    spec = magnitude * torch.polar(torch.ones_like(magnitude), phase)
    previous = torch.zeros_like(spec)
    alpha = momentum / (1 + momentum)
    for _ in range(iterations):
        audio = torch.istft(spec, cfg.n_fft, cfg.hop, window=window, center=True, length=length)
        rebuilt = torch.stft(audio, cfg.n_fft, cfg.hop, window=window, center=True, pad_mode='reflect', return_complex=True)
        extrapolated = rebuilt - alpha * previous if momentum > 0 else rebuilt
        previous = rebuilt
        spec = magnitude * extrapolated / torch.clamp(extrapolated.abs(), min=1e-12)
    return torch.istft(spec, cfg.n_fft, cfg.hop, window=window, center=True, length=length)


def latent_to_audio(
    latent: torch.Tensor, cfg: FoleyConfig, *, length: int, iterations: int | None = None, momentum: float | None = None, seed: int = 0
) -> torch.Tensor:
    """The pack's decoder: latent (L, C) → audio (channels, length); iterations/momentum default to the config's."""
    with torch.no_grad():
        magnitude = mel_to_magnitude(latent_to_mel_power(latent.double(), cfg), cfg)
        steps = cfg.griffin_lim_iterations if iterations is None else iterations
        alpha = cfg.griffin_lim_momentum if momentum is None else momentum
        return griffin_lim(magnitude, cfg, iterations=steps, length=length, seed=seed, momentum=alpha).float()
