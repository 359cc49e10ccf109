"""One frozen config per model size; every derived size is a property so nothing is computed twice.

The audio, video and loudness fields mirror `src/engine/pack/manifest.ts` (latent, video, loudness, sampler); the
network fields only matter to PyTorch.
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass

TEST_VOCABULARY: tuple[str, ...] = (
    '<pad>', '<unk>', 'footsteps', 'gravel', 'door', 'creak', 'impact', 'wood', 'metal', 'glass',
    'rain', 'wind', 'water', 'fire', 'engine', 'whoosh', 'click', 'splash',
)  # fmt: skip


@dataclass(frozen=True, kw_only=True)
class FoleyConfig:
    name: str
    # Audio and latent (docs/model-pack.md, "Audio representation").
    sample_rate: int = 44100
    channels: int = 2
    n_fft: int = 2048
    hop: int = 512
    n_mels: int = 64
    fmin_hz: float = 0.0
    fmax_hz: float = 22050.0
    log_floor: float = 1e-5
    # Normalisation of ln(mel power); measured on the training corpus for production packs.
    latent_mean: float = -6.0
    latent_std: float = 4.0
    griffin_lim_iterations: int = 32
    griffin_lim_momentum: float = 0.0  # > 0: fast Griffin-Lim (see audio.griffin_lim)
    # Video.
    frame_size: int = 64
    visual_fps: int = 8
    sync_fps: int = 24
    # Loudness curve (Tri-Ergon: 6 points per second, BS.1770 momentary 400 ms window).
    curve_rate: int = 6
    loudness_window_sec: float = 0.4
    min_lufs: float = -70.0
    max_lufs: float = 0.0
    # Conditioning.
    vocabulary: tuple[str, ...] = TEST_VOCABULARY
    max_tokens: int = 8
    prompt_min_sec: float = 0.5
    prompt_max_sec: float = 5.0
    # Network sizes.
    cnn_width: int = 8
    visual_dim: int = 64
    sync_dim: int = 64
    cond_dim: int = 64
    # Dilation of the loudness predictor's two 9-tap convs: reach ±(2 + 8·dilation) latent frames (1 = 0.3.x packs).
    predictor_dilation: int = 1
    text_dim: int = 32
    audio_dim: int = 32
    width: int = 64
    depth: int = 2
    heads: int = 2
    patch: int = 4
    # Sampler defaults.
    method: str = 'euler'
    steps: int = 4
    cfg_scale: float = 3.0
    window_sec: float = 10.0
    overlap_sec: float = 1.0

    @property
    def latent_dims(self) -> int:
        """C = channels · nMels, channel-major."""
        return self.channels * self.n_mels

    @property
    def length_multiple(self) -> int:
        return self.patch

    def samples(self, duration_sec: float) -> int:
        """N = durationSec · sampleRate rounded half up, as src/engine/sampling/sequence.ts rounds it (Math.round);
        Python's round() would take an exact half to the even neighbour instead (training/fixtures/curve-length.json)."""
        return math.floor(duration_sec * self.sample_rate + 0.5)

    def latent_frames(self, duration_sec: float) -> int:
        """L = floor(N / hop) + 1 for N = round(durationSec · sampleRate) samples."""
        return self.samples(duration_sec) // self.hop + 1

    def padded_latent_frames(self, duration_sec: float) -> int:
        return math.ceil(self.latent_frames(duration_sec) / self.patch) * self.patch

    def tokens(self, duration_sec: float) -> int:
        """DiT sequence length for a clip of this duration."""
        return self.padded_latent_frames(duration_sec) // self.patch

    def with_vocabulary(self, vocabulary: tuple[str, ...]) -> FoleyConfig:
        if vocabulary[:2] != ('<pad>', '<unk>'):
            raise ValueError(f'vocabulary must start with <pad>, <unk>; got {vocabulary[:2]}')
        return dataclasses.replace(self, vocabulary=tuple(vocabulary))


PRESETS: dict[str, FoleyConfig] = {
    # Random weights, exercises the pipeline end to end; total pack well under 3 MB.
    'test': FoleyConfig(name='test'),
    # The built-in model: ~5.5 M DiT parameters, 216 tokens per 10 s window; sized for ~1 h of CPU training.
    'tiny': FoleyConfig(
        name='tiny',
        cnn_width=12,
        visual_dim=128,
        sync_dim=128,
        cond_dim=256,
        text_dim=128,
        audio_dim=128,
        width=256,
        depth=4,
        heads=4,
        steps=16,
        # Fast Griffin-Lim 8 matches plain Griffin-Lim 32 on held-back recordings at a quarter of the cost
        # (foley.export.decoder_study; MODEL_CARD.md).
        griffin_lim_iterations=8,
        griffin_lim_momentum=0.99,
        # Training clips are 5 s long; longer windows would ask the DiT for sequence lengths it never saw.
        window_sec=5.0,
    ),
}


def preset(name: str) -> FoleyConfig:
    """Named size factory; an unknown name raises listing the valid ones."""
    if name not in PRESETS:
        raise KeyError(f'unknown preset {name!r}; valid: {", ".join(PRESETS)}')
    return PRESETS[name]


SAMPLER_FIELDS = ('method', 'steps', 'cfg_scale', 'window_sec', 'overlap_sec', 'griffin_lim_iterations', 'griffin_lim_momentum')


def config_from_dict(values: dict) -> FoleyConfig:
    """Rebuilds a config stored in a checkpoint (tuples come back from JSON/pickle as lists)."""
    fields = {f.name for f in dataclasses.fields(FoleyConfig)}
    unknown = set(values) - fields
    if unknown:
        raise KeyError(f'unknown config fields {sorted(unknown)}')
    values = {**values, 'vocabulary': tuple(values.get('vocabulary', TEST_VOCABULARY))}
    return FoleyConfig(**values)
