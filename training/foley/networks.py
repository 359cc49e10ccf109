"""The eight pack components as small PyTorch modules, one per ONNX graph (docs/model-pack.md, "Components").

Work done once per clip (encoders, adapters, loudness, text, audio prompt) is split from work done every sampler
step (`dit`, `sampler_step`), so the engine keeps conditioning on the GPU and only the DiT runs per step.
Everything is written with plain ops (MatMul, Softmax, LayerNorm, Conv, Erf-GELU) that onnxruntime-web's WebGPU
backend implements, and with no op that produces an empty tensor when a dynamic axis is 1.
"""

from __future__ import annotations

import math

import torch
from torch import nn
from torch.nn import functional as F  # noqa: N812

from foley.config import FoleyConfig

MODALITIES = ('video', 'loudness', 'text', 'audio')
# Columns of the DiT's `known_mask`: a latent frame of this clip that is given (continuation from the previous window,
# everything outside a region being regenerated), and a frame of a reference recording placed before the clip (its
# sound, not aligned with the picture).
KNOWN_KINDS = ('clip', 'reference')
# Longest reference prefix trained with (and declared in the manifest as conditioning.known.maxReferenceSec).
MAX_REFERENCE_SEC = 2.0
# Smallest 1 − t the DiT divides by when it turns its clean-latent prediction into a velocity; the sampler's last
# step starts at t = 1 − 1/steps, above it for any steps ≤ 20.
MIN_NOISE_LEVEL = 0.05


def velocity_from_clean(clean: torch.Tensor, x: torch.Tensor, t: torch.Tensor) -> torch.Tensor:
    """Velocity towards a clean-latent estimate, (clean − x) / max(1 − t, MIN_NOISE_LEVEL): clean, x (B, L, C), t (B,).

    Its own function so training/fixtures/flow-sampler.json runs the DiT's exact division against the engine's sampler.
    """
    return (clean - x) / torch.clamp(1 - t, min=MIN_NOISE_LEVEL).view(-1, 1, 1)  # (B, L, C)


def conv_stack(in_channels: int, width: int) -> nn.Sequential:
    """(T, in, 64, 64) → (T, 4·width, 4, 4): 2× average pooling, then three stride-2 conv stages.

    Pooling first keeps the per-frame cost low enough to train on 24 fps video on two CPU cores.
    """
    layers: list[nn.Module] = [nn.AvgPool2d(2)]
    channels = [in_channels, width, 2 * width, 4 * width]
    for c_in, c_out in zip(channels[:-1], channels[1:], strict=True):
        layers += [nn.Conv2d(c_in, c_out, 3, stride=2, padding=1), nn.GELU()]
    return nn.Sequential(*layers)


class VisualEncoder(nn.Module):
    """Per-frame semantics at visualFps: small CNN + pooling → Dv."""

    def __init__(self, *, cfg: FoleyConfig):
        super().__init__()
        self.cnn = conv_stack(3, cfg.cnn_width)
        self.proj = nn.Linear(4 * cfg.cnn_width, cfg.visual_dim)

    def forward(self, frames: torch.Tensor) -> torch.Tensor:
        h = self.cnn(frames * 2 - 1).mean(dim=(2, 3))  # (T, 4w)
        return self.proj(h)  # (T, Dv)


class SyncEncoder(nn.Module):
    """Motion at syncFps: differences with the previous frame (none for the first) as a motion-energy grid + CNN → Ds."""

    def __init__(self, *, cfg: FoleyConfig, grid: int = 8):
        super().__init__()
        self.pool = cfg.frame_size // grid
        self.cnn = conv_stack(4, cfg.cnn_width)
        self.proj = nn.Linear(4 * cfg.cnn_width + grid * grid, cfg.sync_dim)

    def forward(self, frames: torch.Tensor) -> torch.Tensor:
        # Repeating frame 0 in front keeps every slice non-empty even for T = 1.
        previous = torch.cat([frames[:1], frames], dim=0)[:-1]  # (T, 3, H, W)
        diff = frames - previous  # (T, 3, H, W)
        energy = F.avg_pool2d(diff.abs().mean(dim=1, keepdim=True), self.pool).flatten(1)  # (T, grid²)
        gray = frames.mean(dim=1, keepdim=True) * 2 - 1  # (T, 1, H, W)
        h = self.cnn(torch.cat([diff * 4, gray], dim=1)).mean(dim=(2, 3))  # (T, 4w)
        return self.proj(torch.cat([h, energy * 10], dim=1))  # (T, Ds)


def mlp(d_in: int, d_out: int, hidden: int | None = None) -> nn.Sequential:
    hidden = hidden or d_out
    return nn.Sequential(nn.Linear(d_in, hidden), nn.GELU(), nn.Linear(hidden, d_out))


class Adapters(nn.Module):
    """LD-LAudio-V1 dual adapters: a frame-level sync adapter and a clip-level global adapter over visual features."""

    def __init__(self, *, cfg: FoleyConfig):
        super().__init__()
        self.pool_score = nn.Linear(cfg.visual_dim, 1)
        self.global_mlp = mlp(2 * cfg.visual_dim, cfg.cond_dim)
        self.sync_in = nn.Linear(cfg.sync_dim, cfg.cond_dim)
        self.sync_conv = nn.Conv1d(cfg.cond_dim, cfg.cond_dim, 5, padding=2)
        self.sync_mlp = mlp(cfg.cond_dim, cfg.cond_dim)
        self.global_to_frame = nn.Linear(cfg.cond_dim, cfg.cond_dim)

    def forward(self, visual: torch.Tensor, sync: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        weights = torch.softmax(self.pool_score(visual), dim=1)  # (B, T, 1)
        attended = (weights * visual).sum(dim=1)  # (B, Dv)
        global_cond = self.global_mlp(torch.cat([attended, visual.mean(dim=1)], dim=-1))  # (B, D)
        h = self.sync_in(sync)  # (B, L, D)
        h = h + F.gelu(self.sync_conv(h.transpose(1, 2))).transpose(1, 2)  # (B, L, D)
        frame_cond = self.sync_mlp(h) + self.global_to_frame(global_cond).unsqueeze(1)  # (B, L, D)
        return frame_cond, global_cond


class LoudnessPredictor(nn.Module):
    """Conditioning → per-channel loudness curve in [0, 1] at latent frame rate."""

    def __init__(self, *, cfg: FoleyConfig):
        super().__init__()
        hidden = cfg.cond_dim // 2
        self.frame_in = nn.Linear(cfg.cond_dim, hidden)
        self.global_in = nn.Linear(cfg.cond_dim, hidden)
        # The curve is a 400 ms window's loudness: it rises ±200 ms (±17 frames) around an event, so the convs must see
        # that far; undilated with the sync conv they reach ±10.
        d = cfg.predictor_dilation
        self.conv1 = nn.Conv1d(hidden, hidden, 9, padding=4 * d, dilation=d)
        self.conv2 = nn.Conv1d(hidden, hidden, 9, padding=4 * d, dilation=d)
        self.out = nn.Linear(hidden, cfg.channels)

    def forward(self, frame_cond: torch.Tensor, global_cond: torch.Tensor) -> torch.Tensor:
        h = F.gelu(self.frame_in(frame_cond) + self.global_in(global_cond).unsqueeze(1)).transpose(1, 2)  # (B, H, L)
        h = h + F.gelu(self.conv1(h))
        h = h + F.gelu(self.conv2(h))
        return torch.sigmoid(self.out(h.transpose(1, 2)))  # (B, L, channels)


class TextEncoder(nn.Module):
    """Bag of tag embeddings, padding (id 0) masked out → Dt."""

    def __init__(self, *, cfg: FoleyConfig):
        super().__init__()
        self.embed = nn.Embedding(len(cfg.vocabulary), cfg.text_dim)
        self.mlp = mlp(cfg.text_dim, cfg.text_dim)

    def forward(self, token_ids: torch.Tensor) -> torch.Tensor:
        present = (token_ids > 0).float().unsqueeze(-1)  # (B, K, 1)
        summed = (self.embed(token_ids) * present).sum(dim=1)  # (B, Dt)
        return self.mlp(summed / torch.clamp(present.sum(dim=1), min=1.0))  # (B, Dt)


class AudioPromptEncoder(nn.Module):
    """Latent of a reference recording → timbre embedding Da (convs over frames, mean pooled)."""

    def __init__(self, *, cfg: FoleyConfig):
        super().__init__()
        hidden = 2 * cfg.audio_dim
        self.conv1 = nn.Conv1d(cfg.latent_dims, hidden, 5, padding=2)
        self.conv2 = nn.Conv1d(hidden, hidden, 5, padding=2)
        self.out = mlp(2 * hidden, cfg.audio_dim)

    def forward(self, latent: torch.Tensor) -> torch.Tensor:
        h = F.gelu(self.conv1(latent.transpose(1, 2)))  # (B, H, F)
        h = h + F.gelu(self.conv2(h))
        return self.out(torch.cat([h.mean(dim=2), h.amax(dim=2)], dim=-1))  # (B, Da)


def sinusoidal(values: torch.Tensor, dim: int, max_period: float) -> torch.Tensor:
    """(B,) → (B, dim) sin/cos features at geometrically spaced periods from 1 to max_period (units of `values`)."""
    half = dim // 2
    freqs = torch.exp(-math.log(max_period) * torch.arange(half, dtype=torch.float32) / half) * (2 * math.pi)
    args = values.unsqueeze(-1) * freqs  # (B, half)
    return torch.cat([torch.sin(args), torch.cos(args)], dim=-1)


def modulate(x: torch.Tensor, shift: torch.Tensor, scale: torch.Tensor) -> torch.Tensor:
    return x * (1 + scale.unsqueeze(1)) + shift.unsqueeze(1)


class DiTBlock(nn.Module):
    """Self-attention + MLP, each gated by adaLN-Zero modulation from the clip-level conditioning vector."""

    def __init__(self, *, width: int, heads: int):
        super().__init__()
        self.heads, self.head_dim = heads, width // heads
        self.scale = float(self.head_dim) ** -0.5
        self.norm1 = nn.LayerNorm(width, elementwise_affine=False, eps=1e-6)
        self.qkv = nn.Linear(width, 3 * width)
        self.proj = nn.Linear(width, width)
        self.norm2 = nn.LayerNorm(width, elementwise_affine=False, eps=1e-6)
        self.mlp = mlp(width, width, 4 * width)
        self.ada = nn.Linear(width, 6 * width)
        nn.init.zeros_(self.ada.weight)
        nn.init.zeros_(self.ada.bias)

    def attention(self, x: torch.Tensor) -> torch.Tensor:
        # Sizes come from the config, not from x.shape, so the exported graph holds constants instead of Shape/Range ops.
        q, k, v = self.qkv(x).reshape(x.shape[0], -1, 3, self.heads, self.head_dim).permute(2, 0, 3, 1, 4)  # (B, H, N, dh) each
        weights = torch.softmax((q * self.scale) @ k.transpose(-1, -2), dim=-1)  # (B, H, N, N)
        return self.proj((weights @ v).transpose(1, 2).reshape(x.shape[0], -1, self.heads * self.head_dim))  # (B, N, D)

    def forward(self, x: torch.Tensor, c: torch.Tensor) -> torch.Tensor:
        shift1, scale1, gate1, shift2, scale2, gate2 = self.ada(F.silu(c)).chunk(6, dim=-1)  # (B, D) each
        x = x + gate1.unsqueeze(1) * self.attention(modulate(self.norm1(x), shift1, scale1))
        return x + gate2.unsqueeze(1) * self.mlp(modulate(self.norm2(x), shift2, scale2))  # (B, N, D)


class DiT(nn.Module):
    """Flow-matching velocity over latent patches; classifier-free guidance inside the graph.

    The network predicts the clean latent and the velocity follows from it, v = (x̂ − x_t) / (1 − t): a token of
    p·C = 512 latent values passes through a width-256 model, too narrow to carry the noise a direct velocity (or
    noise) prediction must reproduce, but wide enough for the clean latent, which is smooth in time (x-prediction,
    as in Li & He 2025, "Back to Basics: Let Denoising Generative Models Denoise"). Trained with the velocity loss.
    """

    def __init__(self, *, cfg: FoleyConfig):
        super().__init__()
        d, p = cfg.width, cfg.patch
        self.patch, self.dims, self.width = p, cfg.latent_dims, d
        self.x_in = nn.Linear(p * cfg.latent_dims, d)
        self.pos_conv = nn.Conv1d(d, d, 9, padding=4, groups=d)
        self.frame_in = nn.Linear(cfg.cond_dim, d)
        self.loud_in = nn.Linear(p * cfg.channels, d)
        self.t_in = mlp(d, d)
        self.timing_in = mlp(2 * d, d)
        self.global_in = nn.Linear(cfg.cond_dim, d)
        self.text_in = nn.Linear(cfg.text_dim, d)
        self.audio_in = nn.Linear(cfg.audio_dim, d)
        self.task_in = mlp(len(MODALITIES), d)
        # Known-frame conditioning (inpainting / continuation), added in 0.3.0: zero-initialised so a model trained
        # without it starts from exactly the same function when training resumes from its weights.
        self.known_in = nn.Linear(p * cfg.latent_dims, d)
        self.known_mask_in = nn.Linear(p * len(KNOWN_KINDS), d)
        self.blocks = nn.ModuleList(DiTBlock(width=d, heads=cfg.heads) for _ in range(cfg.depth))
        self.norm_out = nn.LayerNorm(d, elementwise_affine=False, eps=1e-6)
        self.ada_out = nn.Linear(d, 2 * d)
        self.x_out = nn.Linear(d, p * cfg.latent_dims)
        for layer in (self.ada_out, self.x_out, self.known_in, self.known_mask_in):
            nn.init.zeros_(layer.weight)
            nn.init.zeros_(layer.bias)

    def patches(self, x: torch.Tensor) -> torch.Tensor:
        """(B, L, X) → (B, L/p, p·X): p consecutive frames per token."""
        return x.reshape(x.shape[0], -1, self.patch * x.shape[2])

    def velocity(self, x, t, frame_cond, global_cond, loudness, text_emb, audio_emb, cond_mask, timing, known, known_mask) -> torch.Tensor:
        """Unguided velocity for any batch; `cond_mask` (B, 4) zeroes each absent modality's contribution.

        `known` (B, L, C) holds given latent frames and `known_mask` (B, L, 2) marks them (KNOWN_KINDS); values of
        unmarked frames are ignored.
        """
        video, loud, text, audio = cond_mask.unsqueeze(-1).unbind(dim=1)  # (B, 1) each
        b, length, _ = x.shape
        frame_tok = self.frame_in(frame_cond.reshape(b, -1, self.patch, frame_cond.shape[2]).mean(dim=2))  # (B, N, D)
        h = self.x_in(self.patches(x)) + video.unsqueeze(1) * frame_tok + loud.unsqueeze(1) * self.loud_in(self.patches(loudness))
        given = torch.clamp(known_mask.sum(dim=2, keepdim=True), max=1.0)  # (B, L, 1)
        h = h + self.known_in(self.patches(known * given)) + self.known_mask_in(self.patches(known_mask))
        h = h + self.pos_conv(h.transpose(1, 2)).transpose(1, 2)  # (B, N, D)
        d = self.width
        timing_feats = torch.cat([sinusoidal(timing[:, 0], d, 1000.0), sinusoidal(timing[:, 1], d, 1000.0)], dim=-1)
        c = self.t_in(sinusoidal(t, d, 10.0)) + self.timing_in(timing_feats) + self.task_in(cond_mask)  # (B, D)
        c = c + video * self.global_in(global_cond) + text * self.text_in(text_emb) + audio * self.audio_in(audio_emb)
        for block in self.blocks:
            h = block(h, c)
        shift, scale = self.ada_out(F.silu(c)).chunk(2, dim=-1)
        clean = self.x_out(modulate(self.norm_out(h), shift, scale)).reshape(b, length, self.dims)  # (B, L, C)
        return velocity_from_clean(clean, x, t)

    def forward(
        self, x, t, cfg_scale, frame_cond, global_cond, loudness, text_emb, audio_emb, cond_mask, timing, known, known_mask
    ) -> torch.Tensor:
        """Batch 1 in; runs [conditional, guidance reference] as one batch of 2 and returns v_r + s·(v_c − v_r).

        The reference branch drops every prompt but keeps the loudness curve when one is given: guidance then pushes
        towards the video/text/audio prompts without extrapolating the level, which the curve alone sets (guiding
        against a curve-free branch multiplied level errors by the guidance scale). Known frames are kept in both
        branches for the same reason: they are given, not a prompt to push towards.
        """

        def pair(value: torch.Tensor) -> torch.Tensor:
            return torch.cat([value, value], dim=0)

        keep_loudness = torch.tensor([[0.0, 1.0, 0.0, 0.0]])  # cond_mask columns: video, loudness, text, audio
        masks = torch.cat([cond_mask, cond_mask * keep_loudness], dim=0)  # (2, 4)
        v = self.velocity(
            pair(x),
            pair(t),
            pair(frame_cond),
            pair(global_cond),
            pair(loudness),
            pair(text_emb),
            pair(audio_emb),
            masks,
            pair(timing),
            pair(known),
            pair(known_mask),
        )  # (2, L, C)
        v_cond, v_reference = v[:1], v[1:]
        return v_reference + cfg_scale.reshape(1, 1, 1) * (v_cond - v_reference)  # (1, L, C)


class SamplerStep(nn.Module):
    """Euler update x + dt·v as a graph so latents never leave the GPU between steps."""

    def forward(self, x: torch.Tensor, velocity: torch.Tensor, dt: torch.Tensor) -> torch.Tensor:
        return x + dt.reshape(1, 1, 1) * velocity


class FoleyModel(nn.Module):
    """All learned components together, for training and export."""

    def __init__(self, *, cfg: FoleyConfig):
        super().__init__()
        self.cfg = cfg
        self.visual_encoder = VisualEncoder(cfg=cfg)
        self.sync_encoder = SyncEncoder(cfg=cfg)
        self.adapters = Adapters(cfg=cfg)
        self.loudness_predictor = LoudnessPredictor(cfg=cfg)
        self.text_encoder = TextEncoder(cfg=cfg)
        self.audio_prompt_encoder = AudioPromptEncoder(cfg=cfg)
        self.dit = DiT(cfg=cfg)
        self.sampler_step = SamplerStep()
