"""Trains foley-tiny: flow matching with per-modality condition dropout plus the loudness predictor.

    nice python -m foley.train --data work/synth --out work/tiny --steps 2100     # run from training/

Seeded (torch + numpy generators); logs JSON lines to `<out>/log.jsonl`; checkpoints to `<out>/checkpoint.pt`
(EMA weights under 'model', the raw weights and optimiser for --resume). New data shards that appear while training
runs are picked up every `--refresh` steps, so training can start while the dataset is still being built.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import math
import time
from pathlib import Path

import numpy as np
import torch

from foley import tags
from foley.audio import audio_to_latent
from foley.augment import augment_frames
from foley.beds import BedBank, add_bed
from foley.config import FoleyConfig, preset
from foley.flow import flow_loss, interpolate, sample_times
from foley.loudness import momentary_curve, normalise_curve
from foley.networks import MAX_REFERENCE_SEC, FoleyModel

# Probability that each modality is given during training (cond_mask column = 1); all four are also dropped
# together for UNCOND_PROB of the rows so the graph's unconditional branch is a trained task (CFG).
KEEP_PROB = {'video': 0.85, 'loudness': 0.5, 'text': 0.5, 'audio': 0.5}
UNCOND_PROB = 0.1
# Half the rows see a random window position inside a long clip, so timing stays in-distribution for long videos.
RANDOM_TIMING_PROB = 0.5
MAX_TIMING_SEC = 120.0
# Known-frame tasks (networks.KNOWN_KINDS), one per row, with their probabilities; 'none' is plain generation.
# 'reference': a prefix taken from another recording of the same sound family (the clip's 'prompt_audio') replaces
# the clip's start, as the engine places a reference recording before the clip; 'prefix': continuation of the
# window before (the engine's long-form overlap); 'outside': everything but one range is known (region regenerate);
# 'suffix' and 'inner' (one or two known islands) make the mask shape itself a random variable.
KNOWN_TASKS = {'none': 0.3, 'reference': 0.25, 'prefix': 0.15, 'outside': 0.15, 'suffix': 0.08, 'inner': 0.07}


def latent_stats(dataset, cfg: FoleyConfig, count: int, generator: np.random.Generator) -> tuple[float, float]:
    """Mean and std of ln(max(mel, floor)) over `count` random clips, rounded (stored in the manifest)."""
    raw = dataclasses.replace(cfg, latent_mean=0.0, latent_std=1.0)
    picks = generator.choice(len(dataset), size=min(count, len(dataset)), replace=False)
    values = torch.cat([audio_to_latent(torch.as_tensor(dataset[int(i)]['audio']), raw).flatten() for i in picks])
    return round(values.mean().item(), 2), round(values.std().item(), 2)


def interp_matrix(src_times: np.ndarray, dst_times: np.ndarray) -> np.ndarray:
    """(len(dst), len(src)) linear-interpolation weights, clamped at the ends (what the engine does for sync)."""
    pos = np.interp(dst_times, src_times, np.arange(len(src_times)))
    lo = np.floor(pos).astype(int)
    hi = np.minimum(lo + 1, len(src_times) - 1)
    frac = pos - lo
    weights = np.zeros((len(dst_times), len(src_times)), np.float32)
    weights[np.arange(len(dst_times)), lo] += 1 - frac
    weights[np.arange(len(dst_times)), hi] += frac
    return weights


def latent_times(cfg: FoleyConfig, frames: int) -> np.ndarray:
    return np.arange(frames) * cfg.hop / cfg.sample_rate


def loudness_at_latent_frames(lufs: np.ndarray, cfg: FoleyConfig, frames: int) -> np.ndarray:
    """LUFS curve [ch, P] (point k at (k + 0.5) / curveRate s) → normalised [L, ch] at latent frame times."""
    curve = normalise_curve(lufs, cfg.min_lufs, cfg.max_lufs)
    points = (np.arange(curve.shape[1]) + 0.5) / cfg.curve_rate
    return np.stack([np.interp(latent_times(cfg, frames), points, c) for c in curve], axis=1).astype(np.float32)


def pad_frames(latent: torch.Tensor, multiple: int, value: float) -> torch.Tensor:
    extra = -latent.shape[0] % multiple
    return torch.cat([latent, torch.full((extra, latent.shape[1]), value)]) if extra else latent


def token_row(ids: np.ndarray, max_tokens: int) -> np.ndarray:
    row = np.zeros(max_tokens, np.int64)
    ids = np.asarray(ids)[:max_tokens]
    row[: len(ids)] = ids
    return row


def known_spans(task: str, frames: int, multiple: int, rng: np.random.Generator) -> list[tuple[int, int]]:
    """Known [start, end) latent-frame ranges of the clip for one task, on patch boundaries."""

    def cut(lo: float, hi: float) -> int:
        return int(rng.uniform(lo, hi) * frames) // multiple * multiple

    if task == 'prefix':
        return [(0, max(multiple, cut(0.1, 0.5)))]
    if task == 'suffix':
        return [(cut(0.5, 0.9), frames)]
    if task == 'outside':
        start = cut(0.05, 0.7)
        return [(0, start), (min(frames, start + max(multiple, cut(0.1, 0.5))), frames)]
    if task == 'inner':
        spans = []
        for _ in range(int(rng.integers(1, 3))):
            start = cut(0.0, 0.9)
            spans.append((start, min(frames, start + max(multiple, cut(0.05, 0.3)))))
        return spans
    return []


def reference_prefix(item: dict, cfg: FoleyConfig, frames: int) -> tuple[torch.Tensor, np.ndarray] | None:
    """(latent (P, C), loudness (P, ch)) of the item's other recording, P a multiple of the patch, at most 2 s."""
    prompt = item['prompt_audio']
    if prompt is None:
        return None
    prompt = np.asarray(prompt)[:, : round(MAX_REFERENCE_SEC * cfg.sample_rate)]
    latent = audio_to_latent(torch.as_tensor(prompt), cfg)
    count = min(latent.shape[0], frames // 2) // cfg.length_multiple * cfg.length_multiple
    if count < cfg.length_multiple:
        return None
    lufs = momentary_curve(prompt, cfg.sample_rate, cfg.curve_rate, cfg.loudness_window_sec)
    return latent[:count], loudness_at_latent_frames(lufs, cfg, count)


def make_batch(items: list[dict], cfg: FoleyConfig, rng: np.random.Generator) -> dict[str, torch.Tensor]:
    """Dataset items (same duration) → model-ready tensors; prompt latents stay a list (their lengths differ).

    Each row also gets a known-frame task (KNOWN_TASKS): 'known' (L, C), 'known_mask' (L, 2) and 'prefix' (how
    many leading frames are a reference recording, whose video condition the loss step zeroes).
    """
    silence = (math.log(cfg.log_floor) - cfg.latent_mean) / cfg.latent_std
    latents, valid, loud, prompts, known_masks, prefixes = [], [], [], [], [], []
    tasks, weights = list(KNOWN_TASKS), np.array(list(KNOWN_TASKS.values()))
    for item in items:
        latent = audio_to_latent(torch.as_tensor(item['audio']), cfg)  # (L, C)
        valid.append(torch.arange(cfg.length_multiple * math.ceil(latent.shape[0] / cfg.length_multiple)) < latent.shape[0])
        latents.append(pad_frames(latent, cfg.length_multiple, silence))
        loud.append(loudness_at_latent_frames(np.asarray(item['loudness_lufs']), cfg, latents[-1].shape[0]))
        length = latents[-1].shape[0]
        task = tasks[int(rng.choice(len(tasks), p=weights / weights.sum()))]
        known_mask = torch.zeros(length, 2)
        prefix = 0
        reference = reference_prefix(item, cfg, length) if task == 'reference' else None
        if reference is not None:
            # The clip moves right by P frames (its end falls off), so picture and sound stay aligned after the prefix.
            ref_latent, ref_loud = reference
            prefix = ref_latent.shape[0]
            latents[-1] = torch.cat([ref_latent, latents[-1][: length - prefix]])
            loud[-1] = np.concatenate([ref_loud, loud[-1][: length - prefix]])
            valid[-1] = torch.cat([torch.ones(prefix, dtype=torch.bool), valid[-1][: length - prefix]])
            known_mask[:prefix, 1] = 1
        else:
            real = int(valid[-1].sum())
            for start, end in known_spans(task, real, cfg.length_multiple, rng):
                known_mask[start:end, 0] = 1
        known_masks.append(known_mask)
        prefixes.append(prefix)
        prompt = item['prompt_audio']
        if prompt is not None:
            prompt = np.asarray(prompt)
            keep = rng.integers(min(prompt.shape[1], round(cfg.prompt_min_sec * cfg.sample_rate)), prompt.shape[1] + 1)
            prompt = audio_to_latent(torch.as_tensor(prompt[:, :keep]), cfg) if keep > cfg.n_fft // 2 else None
        prompts.append(prompt)
    length = latents[0].shape[0]
    frames = torch.stack([torch.as_tensor(item['frames']) for item in items])  # (B, T24, 3, H, W)
    sync_times = np.arange(frames.shape[1]) / cfg.sync_fps
    return {
        'frames': frames,
        'sync_to_latent': torch.from_numpy(interp_matrix(sync_times, latent_times(cfg, length))),  # (L, T24)
        'latent': torch.stack(latents),  # (B, L, C)
        'valid': torch.stack(valid).float(),  # (B, L)
        'loudness': torch.from_numpy(np.stack(loud)),  # (B, L, ch)
        'token_ids': torch.from_numpy(np.stack([token_row(item['token_ids'], cfg.max_tokens) for item in items])),
        'prompts': prompts,
        'duration_sec': torch.tensor([item['audio'].shape[-1] / cfg.sample_rate for item in items]),
        'known_mask': torch.stack(known_masks),  # (B, L, 2)
        'prefix': torch.tensor(prefixes),  # (B,)
    }


def condition_masks(batch: dict, generator: torch.Generator) -> torch.Tensor:
    b = batch['latent'].shape[0]
    keep = torch.tensor([KEEP_PROB[m] for m in ('video', 'loudness', 'text', 'audio')])
    mask = (torch.rand(b, 4, generator=generator) < keep).float()
    mask[:, 2] *= (batch['token_ids'] > tags.UNK_ID).any(dim=1).float()  # no known tag → nothing to give
    mask[:, 3] *= torch.tensor([p is not None for p in batch['prompts']]).float()
    mask[torch.rand(b, generator=generator) < UNCOND_PROB] = 0
    return mask  # (B, 4)


def timings(batch: dict, generator: torch.Generator) -> torch.Tensor:
    duration = batch['duration_sec']
    start = torch.rand(duration.shape, generator=generator) * (MAX_TIMING_SEC / 2)
    total = start + duration + torch.rand(duration.shape, generator=generator) * (MAX_TIMING_SEC / 2)
    random_rows = torch.rand(duration.shape, generator=generator) < RANDOM_TIMING_PROB
    return torch.stack([torch.where(random_rows, start, 0.0), torch.where(random_rows, total, duration)], dim=1)  # (B, 2)


def losses(
    model: FoleyModel,
    batch: dict,
    generator: torch.Generator,
    augment: bool = False,
    predicted_curve: float = 0.0,
    predictor_only: bool = False,
    augment_noise: float = 0.04,
) -> tuple[torch.Tensor, torch.Tensor]:
    cfg = model.cfg
    frames = augment_frames(batch['frames'], generator, noise=augment_noise) if augment else batch['frames']
    b, t24 = frames.shape[:2]
    sync = model.sync_encoder(frames.flatten(0, 1)).view(b, t24, -1)  # (B, T24, Ds)
    visual = model.visual_encoder(frames[:, :: cfg.sync_fps // cfg.visual_fps].flatten(0, 1)).view(b, -1, cfg.visual_dim)  # (B, T8, Dv)
    frame_cond, global_cond = model.adapters(visual, batch['sync_to_latent'] @ sync)  # (B, L, D), (B, D)
    valid = batch['valid']
    predicted = model.loudness_predictor(frame_cond, global_cond)  # (B, L, ch)
    # The predictor learns the clip's own curve: rows with a reference prefix have a shifted curve, so they are left out.
    plain = valid * (batch['prefix'] == 0).float().unsqueeze(1)
    loud_loss = ((predicted - batch['loudness']).abs().mean(dim=-1) * plain).sum() / plain.sum().clamp(min=1)
    if predictor_only:
        return torch.zeros(()), loud_loss
    frame_cond = shift_right(frame_cond, batch['prefix'])
    # The engine gives the DiT the predicted curve, smooth at 6 points per second; the true one carries the events'
    # timing, which the DiT then has no need to find in the picture. These rows read the prediction (no gradient).
    curve = batch['loudness']
    if predicted_curve > 0:
        use = (torch.rand(b, generator=generator) < predicted_curve) & (batch['prefix'] == 0)
        curve = torch.where(use[:, None, None], predicted.detach(), curve)
    audio_emb = torch.stack(
        [model.audio_prompt_encoder(p[None])[0] if p is not None else torch.zeros(cfg.audio_dim) for p in batch['prompts']]
    )  # (B, Da)
    data = batch['latent']
    noise = torch.randn(data.shape, generator=generator)
    t = sample_times(b, generator)
    velocity = model.dit.velocity(
        interpolate(data, noise, t),
        t,
        frame_cond,
        global_cond,
        curve,
        model.text_encoder(batch['token_ids']),
        audio_emb,
        condition_masks(batch, generator),
        timings(batch, generator),
        data * batch['known_mask'].sum(dim=2, keepdim=True),
        batch['known_mask'],
    )
    # Known frames are given, so only the frames to generate are learned.
    return flow_loss(velocity, data, noise, valid * (1 - batch['known_mask'].amax(dim=2))), loud_loss


PICTURE_PARTS = ('visual_encoder.', 'sync_encoder.', 'adapters.', 'loudness_predictor.')


def freeze_all_but(model: FoleyModel, ema: FoleyModel, parts: tuple[str, ...], resuming: bool = False) -> None:
    """Only the named components learn; everything else stays exactly as initialised. A fresh run starts every raw
    weight at its EMA value (the EMA of a frozen weight then cannot drift towards an older raw copy, and the learning
    parts start from the weights that were exported); a resumed run keeps its raw weights, which the optimizer's
    moments belong to (its frozen ones already equal their EMA)."""
    averaged = ema.state_dict()
    with torch.no_grad():
        for name, parameter in model.named_parameters():
            learns = name.startswith(parts)
            if not (resuming and learns):
                parameter.copy_(averaged[name])
            parameter.requires_grad_(learns)


def freeze_all_but_predictor(model: FoleyModel, ema: FoleyModel, resuming: bool = False) -> None:
    freeze_all_but(model, ema, ('loudness_predictor.',), resuming)


def shift_right(frame_cond: torch.Tensor, prefix: torch.Tensor) -> torch.Tensor:
    """Per row, P zero frames in front and the last P dropped: a reference prefix has no picture."""
    rows = []
    for row, p in zip(frame_cond, prefix.tolist(), strict=True):
        rows.append(torch.cat([torch.zeros(p, row.shape[1]), row[: row.shape[0] - p]]) if p else row)
    return torch.stack(rows)


def learning_rate(step: int, total: int, peak: float, warmup: int) -> float:
    if step < warmup:
        return peak * (step + 1) / warmup
    return peak * (0.1 + 0.9 * 0.5 * (1 + math.cos(math.pi * min(1.0, (step - warmup) / max(1, total - warmup)))))


def open_dataset(root: Path):
    from foley.dataset import SynthDataset

    return SynthDataset(root, 'train', as_torch=False)


def save_checkpoint(path: Path, model: FoleyModel, ema: FoleyModel, optimizer, step: int) -> None:
    state = {
        'config': dataclasses.asdict(model.cfg),
        'model': ema.state_dict(),
        'raw_model': model.state_dict(),
        'optimizer': optimizer.state_dict(),
        'step': step,
    }
    torch.save(state, path.with_suffix('.tmp'))
    path.with_suffix('.tmp').replace(path)


def build_models(args, dataset, rng: np.random.Generator) -> tuple[FoleyModel, FoleyModel, torch.optim.Optimizer, int]:
    checkpoint = args.out / 'checkpoint.pt'
    init = getattr(args, 'init', None)
    if (args.resume and checkpoint.exists()) or init is not None:
        from foley.config import config_from_dict

        resuming = args.resume and checkpoint.exists()
        state = torch.load(checkpoint if resuming else init, map_location='cpu', weights_only=False)
        cfg = config_from_dict(state['config'])
        if getattr(args, 'predictor_dilation', None) and not resuming:
            cfg = dataclasses.replace(cfg, predictor_dilation=args.predictor_dilation)
    else:
        mean, std = latent_stats(dataset, preset(args.preset), 64, rng)
        cfg = dataclasses.replace(preset(args.preset), latent_mean=mean, latent_std=std).with_vocabulary(tags.VOCAB)
        state = None
    model, ema = FoleyModel(cfg=cfg), FoleyModel(cfg=cfg)
    optimizer = torch.optim.AdamW(model.parameters(), lr=args.lr, weight_decay=0.01)
    step = 0
    if state is not None:
        model.load_state_dict(state['raw_model'])
        ema.load_state_dict(state['model'])
        if 'optimizer' in state:
            optimizer.load_state_dict(state['optimizer'])
        # --restart-schedule: a fine-tune from --init runs its own warm-up and cosine instead of the init's tail.
        step = 0 if getattr(args, 'restart_schedule', False) and not resuming else state['step']
    else:
        ema.load_state_dict(model.state_dict())
    return model, ema.requires_grad_(False), optimizer, step


def update_ema(ema: FoleyModel, model: FoleyModel, decay: float) -> None:
    with torch.no_grad():
        for e, p in zip(ema.parameters(), model.parameters(), strict=True):
            e.lerp_(p, 1 - decay)


def train(args) -> None:
    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    generator = torch.Generator().manual_seed(args.seed)
    rng = np.random.default_rng(args.seed)
    args.out.mkdir(parents=True, exist_ok=True)
    dataset = open_dataset(args.data)
    model, ema, optimizer, step = build_models(args, dataset, rng)
    cfg = model.cfg
    resuming = args.resume and (args.out / 'checkpoint.pt').exists()  # as build_models decided, before any save
    if args.predictor_only:
        freeze_all_but_predictor(model, ema, resuming)
    elif args.picture_only:
        # New pictures, same sound: the DiT, text and audio-prompt encoders keep their weights.
        freeze_all_but(model, ema, PICTURE_PARTS, resuming)
    # Beds draw from their own generator, so clip picks and known-frame tasks match a run without --beds.
    bank, bed_rng = (BedBank(args.bed_corpus), np.random.default_rng([args.seed, 1])) if args.beds > 0 else (None, None)
    print(f'latent mean {cfg.latent_mean} std {cfg.latent_std}; {sum(p.numel() for p in model.parameters())} parameters', flush=True)
    started = time.time()
    log = (args.out / 'log.jsonl').open('a')
    while step < args.steps and time.time() - started < args.max_minutes * 60:
        if step % args.refresh == 0:
            dataset = open_dataset(args.data)
        items = [dataset[int(i)] for i in rng.integers(len(dataset), size=args.batch)]
        if bank is not None:
            items = [add_bed(item, bank, bed_rng, args.beds) for item in items]
        tick = time.time()
        for group in optimizer.param_groups:
            group['lr'] = learning_rate(step, args.steps, args.lr, args.warmup)
        batch = make_batch(items, cfg, rng)
        flow, loud = losses(model, batch, generator, args.augment, args.predicted_curve, args.predictor_only, args.augment_noise)
        optimizer.zero_grad(set_to_none=True)
        (flow + args.loudness_weight * loud).backward()
        grad_norm = torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        optimizer.step()
        update_ema(ema, model, min(args.ema, (step + 1) / (step + 10)))
        step += 1
        record = {'step': step, 'flow': round(flow.item(), 4), 'loudness_l1': round(loud.item(), 4),
                  'grad_norm': round(grad_norm.item(), 3), 'sec': round(time.time() - tick, 2), 'clips': len(dataset),
                  'beds': sum('bed' in item for item in items), 'cpu_sec': round(time.process_time(), 1)}  # fmt: skip
        log.write(json.dumps(record) + '\n')
        if step % args.log_every == 0:
            log.flush()
            print(record, flush=True)
        if step % args.checkpoint_every == 0:
            save_checkpoint(args.out / 'checkpoint.pt', model, ema, optimizer, step)
    save_checkpoint(args.out / 'checkpoint.pt', model, ema, optimizer, step)
    log.close()
    print(f'done: {step} steps in {(time.time() - started) / 60:.1f} min wall, {time.process_time() / 60:.1f} min CPU', flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description='Train foley-tiny (run from training/)')
    parser.add_argument('--data', type=Path, default=Path('work/synth'))
    parser.add_argument('--out', type=Path, default=Path('work/tiny'))
    parser.add_argument('--preset', default='tiny')
    parser.add_argument('--steps', type=int, default=2100)
    parser.add_argument('--max-minutes', type=float, default=65.0, help='stop early (and checkpoint) after this long')
    parser.add_argument('--batch', type=int, default=16)
    parser.add_argument('--lr', type=float, default=5e-4)
    parser.add_argument('--warmup', type=int, default=100)
    parser.add_argument('--ema', type=float, default=0.998)
    parser.add_argument('--loudness-weight', type=float, default=1.0)
    parser.add_argument('--seed', type=int, default=0)
    parser.add_argument('--threads', type=int, default=2, help='1 is faster when other jobs share the two cores')
    parser.add_argument('--refresh', type=int, default=25, help='re-scan dataset shards every N steps')
    parser.add_argument('--log-every', type=int, default=10)
    parser.add_argument('--checkpoint-every', type=int, default=50)
    parser.add_argument('--resume', action='store_true')
    parser.add_argument('--init', type=Path, help='start from these weights (foley.export.from_pack of a released pack)')
    parser.add_argument('--augment', action='store_true', help='domain-randomise the video (foley/augment.py)')
    parser.add_argument('--augment-noise', type=float, default=0.04, help="with --augment: sensor noise's largest standard deviation")
    parser.add_argument('--restart-schedule', action='store_true', help='with --init: count steps from 0 (warm-up + cosine)')
    parser.add_argument(
        '--predicted-curve', type=float, default=0.0, help='probability a row gives the DiT the predicted, not the true, curve'
    )
    parser.add_argument('--predictor-only', action='store_true', help='train only the loudness predictor (the rest frozen)')
    parser.add_argument(
        '--picture-only',
        action='store_true',
        help='train only what reads the picture (visual and sync encoders, adapters, loudness predictor)',
    )
    parser.add_argument('--predictor-dilation', type=int, help="with --init: the loudness predictor's conv dilation")
    parser.add_argument('--beds', type=float, default=0.0, help='probability of mixing an ambience bed into a clip (foley/beds.py)')
    parser.add_argument('--bed-corpus', type=Path, default=Path('work/corpus'), help='corpus whose train-split beds are mixed in')
    args = parser.parse_args()
    if args.picture_only and args.predictor_only:
        parser.error('--picture-only and --predictor-only exclude each other')
    train(args)


if __name__ == '__main__':
    main()
