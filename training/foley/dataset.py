"""Paired synthetic video + corpus audio dataset for foley-tiny: shard builder and torch Dataset.

Build (from training/, parallel-safe and resumable: each shard is written to a temp dir and renamed when done):

    nice python -m foley.dataset build --corpus work/corpus --out work/synth --n 4000 --duration-sec 5 --seed 0
    nice python -m foley.dataset build --corpus work/corpus --out work/synth --n 300 --split eval --seed 1

How a sample is made: `synth_video.render_scene` draws a scene and lists its sound-causing events and sustained
beds with the corpus category each one needs; only corpus files of the requested split are used (the eval split
uses the held-back files only). One-shots: the recording's onset (or loudest point for whooshes) lands on the event
time; its loudest 400 ms is set to `-44 + 26·strength` LUFS (v1 shards: -38); equal-power pan from the event's x. Footsteps cycle
through up to three takes of one recording family. Beds: a random excerpt, looped with crossfades, set to -18 LUFS
and shaped by the per-frame envelope and pan. A mix peaking above -0.2 dBFS is scaled down as a whole.

Shard layout `<out>/<split>/shard-00000/`: frames.npy uint8 [S, T, 64, 64, 3]; audio.npy float16 [S, 2, N];
loudness.npy float32 [S, 2, P]; prompt.npy float16 [2, ΣM] (all prompts concatenated); meta.json (per sample:
tags, events, prompt offset/length, scene kind, category, files used).

`SynthDataset(root, split)[i]` returns a dict:
- 'frames' float32 [T, 3, 64, 64] RGB in [0, 1] at 24 fps (the 8 fps visual frames are frames[::3])
- 'audio' float32 [2, N] at 44.1 kHz, N = round(duration · 44100)
- 'tags' list[str] (tags of the recordings used; ['silence'] for silent clips; 'quiet' added for quiet beds)
- 'token_ids' int64 [K] (`tags.tokenize(' '.join(tags))`, K ≥ 1)
- 'prompt_audio' float32 [2, M] (M ≤ 2 s) or None: another excerpt of the same long recording, or another
  recording of the same category (preferring shared tags) — never the excerpt in 'audio'
- 'loudness_lufs' float32 [2, P] (`loudness.momentary_curve` of 'audio', P = ceil(duration · 6))
- 'event_times' float32 [E] seconds, ascending; 'event_strengths' float32 [E] (0..1); 'scene' str; 'category' str
Batch with `collate` (pads token ids, prompts and events; see its docstring) in a torch DataLoader.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import re
import shutil
import time
from dataclasses import dataclass
from multiprocessing import Pool
from pathlib import Path

import numpy as np
import soundfile as sf

from foley import loudness, synth_video, tags
from foley.photo_textures import PhotoLook

SAMPLE_RATE = 44100
SHARD_SIZE = 50
LOOK_STREAM = 7  # the photo look's random stream: a fifth seed word, so the scene's own draws are untouched
GENERATOR_VERSION = 2  # 1 (no field in meta.json): 9 scene kinds, one-shots 6 dB hotter; 2: + creature, hammer, machine
PROMPT_SEC = 2.0
MAX_ONESHOT_SEC = 3.0
BED_LUFS = -18.0
PEAK_LIMIT = 0.977  # -0.2 dBFS


def oneshot_lufs(strength: float) -> float:
    return -44.0 + 26.0 * float(np.clip(strength, 0.0, 1.0))


@dataclass
class Clip:
    row: dict
    audio: np.ndarray  # float32 mono [n]


class Corpus:
    """index.jsonl rows of one split, grouped by category; reads audio on demand."""

    def __init__(self, root: Path, split: str):
        self.root = Path(root)
        rows = [json.loads(line) for line in open(self.root / 'index.jsonl')]
        self.rows = [r for r in rows if r['split'] == split]
        if not self.rows:
            raise ValueError(f'no corpus files with split {split!r} in {self.root / "index.jsonl"}')
        self.by_category: dict[str, list[dict]] = {}
        for r in self.rows:
            self.by_category.setdefault(r['category'], []).append(r)

    def has(self, category: str) -> bool:
        return bool(self.by_category.get(category))

    def pick(self, category: str, rng: np.random.Generator, tag: str = '') -> dict:
        rows = self.by_category[category]
        tagged = [r for r in rows if tag and tag in r['tags']]
        pool = tagged or rows
        return pool[int(rng.integers(len(pool)))]

    def family(self, row: dict, limit: int, rng: np.random.Generator) -> list[dict]:
        """Up to `limit` takes of the same recording family (path equal once digits are removed)."""
        key = re.sub(r'\d+', '', row['sourcePath'])
        same = [r for r in self.by_category[row['category']] if re.sub(r'\d+', '', r['sourcePath']) == key]
        order = rng.permutation(len(same))[:limit]
        return [row] + [same[i] for i in order if same[i] is not row][: limit - 1]

    def read(self, row: dict, start_sec: float = 0.0, max_sec: float | None = None) -> np.ndarray:
        """float32 [2, n] excerpt."""
        start = int(start_sec * SAMPLE_RATE)
        frames = -1 if max_sec is None else int(max_sec * SAMPLE_RATE)
        audio, _ = sf.read(self.root / row['path'], start=start, frames=frames, dtype='float32', always_2d=True)
        return audio.T.copy()


# ---------------------------------------------------------------- mixing


def equal_power(x: np.ndarray | float) -> tuple[np.ndarray, np.ndarray]:
    angle = np.clip(x, 0.0, 1.0) * (math.pi / 2)
    return np.cos(angle), np.sin(angle)


def onset_index(mono: np.ndarray, align: str) -> int:
    """Sample index of the onset (first 5 ms RMS above 10 % of the peak RMS) or of the loudest 5 ms."""
    hop = int(0.005 * SAMPLE_RATE)
    n = max(1, mono.size // hop)
    rms = np.sqrt(np.mean(mono[: n * hop].reshape(n, hop) ** 2, axis=1) + 1e-12) if mono.size >= hop else np.abs(mono)
    if align == 'peak':
        return int(np.argmax(rms)) * hop
    return int(np.argmax(rms >= 0.1 * rms.max())) * hop


def gain_to_lufs(mono: np.ndarray, target_lufs: float, peak: bool) -> float:
    """Linear gain giving the excerpt's loudest momentary window (peak) or whole-excerpt loudness target_lufs."""
    if peak:
        current = float(loudness.momentary_curve(mono[None], SAMPLE_RATE, curve_rate=20, min_lufs=-120).max())
    else:
        current = loudness.integrated_ungated(mono[None], SAMPLE_RATE)
    return 10 ** ((target_lufs - current) / 20) if current > -100 else 0.0


def place_oneshots(mix: np.ndarray, events, takes: list[np.ndarray], align: str, rng: np.random.Generator) -> None:
    for k, event in enumerate(events):
        mono = takes[k % len(takes)]
        start = int(round(event.time_sec * SAMPLE_RATE)) - onset_index(mono, align)
        gain = gain_to_lufs(mono, oneshot_lufs(event.strength) + rng.normal(0, 1.0), peak=True)
        left, right = equal_power(event.x)
        a, b = max(start, 0), min(start + mono.size, mix.shape[1])
        if b > a:
            piece = mono[a - start : b - start] * gain
            mix[0, a:b] += left * piece
            mix[1, a:b] += right * piece


def loop_to(mono: np.ndarray, length: int, rng: np.random.Generator) -> np.ndarray:
    """Random-offset excerpt of `length` samples, looping with 50 ms crossfades when the recording is shorter."""
    fade = min(int(0.05 * SAMPLE_RATE), mono.size // 4)
    if mono.size >= length:
        start = int(rng.integers(0, mono.size - length + 1))
        return mono[start : start + length]
    out = np.zeros(length + mono.size, np.float32)
    ramp = np.linspace(0, 1, fade, dtype=np.float32) if fade else np.zeros(0, np.float32)
    pos = -int(rng.integers(0, mono.size))
    while pos < length:
        piece = mono.copy()
        if fade:
            piece[:fade] *= ramp
            piece[-fade:] *= ramp[::-1]
        a = max(pos, 0)
        out[a : pos + piece.size] += piece[a - pos :]
        pos += mono.size - fade
    return out[:length]


def place_sustain(mix: np.ndarray, sustain, bed: np.ndarray) -> None:
    frame_t = np.arange(sustain.envelope.size) / synth_video.FPS
    t = np.arange(mix.shape[1]) / SAMPLE_RATE
    env = np.interp(t, frame_t, sustain.envelope).astype(np.float32)
    left, right = equal_power(np.interp(t, frame_t, sustain.x))
    mix[0] += bed * env * left.astype(np.float32)
    mix[1] += bed * env * right.astype(np.float32)


def choose_prompt(corpus: Corpus, row: dict, used_start_sec: float, used_sec: float, rng: np.random.Generator):
    """(audio [2, M], source id, start sec): a different excerpt of the same long recording, else another recording
    of the same category (most shared tags first); None when the category has nothing else."""
    free = [(0.0, used_start_sec), (used_start_sec + used_sec, row['durationSec'])]
    free = [(a, b) for a, b in free if b - a >= PROMPT_SEC]
    if free:
        a, b = free[int(rng.integers(len(free)))]
        start = float(rng.uniform(a, b - PROMPT_SEC))
        return corpus.read(row, start, PROMPT_SEC), row['id'], start
    others = [r for r in corpus.by_category[row['category']] if r['path'] != row['path']]
    if not others:
        return None
    overlap = np.array([len(set(r['tags']) & set(row['tags'])) for r in others])
    best = [r for r, o in zip(others, overlap, strict=True) if o == overlap.max()]
    other = best[int(rng.integers(len(best)))]
    start = float(rng.uniform(0, max(0.0, other['durationSec'] - PROMPT_SEC)))
    return corpus.read(other, start, PROMPT_SEC), other['id'], start


def _render_oneshots(corpus, scene, role_name, role, mix, rng):
    row = corpus.pick(role.category, rng, role.tag)
    rows = corpus.family(row, 3 if role.category == 'footsteps' else 1, rng)
    takes = [corpus.read(r, 0.0, MAX_ONESHOT_SEC).mean(axis=0) for r in rows]
    events = [e for e in scene.events if e.role == role_name]
    place_oneshots(mix, events, takes, role.align, rng)
    return row, 0.0, min(row['durationSec'], MAX_ONESHOT_SEC)


def _render_bed(corpus, scene, role_name, role, mix, rng):
    row = corpus.pick(role.category, rng, role.tag)
    length = mix.shape[1]
    start_sec = float(rng.uniform(0, max(0.0, row['durationSec'] - length / SAMPLE_RATE)))
    mono = corpus.read(row, start_sec, length / SAMPLE_RATE).mean(axis=0)
    bed = loop_to(mono, length, rng)
    bed = bed * gain_to_lufs(bed, BED_LUFS + rng.normal(0, 2.0), peak=False)
    for sustain in scene.sustains:
        if sustain.role == role_name:
            place_sustain(mix, sustain, bed.astype(np.float32))
    return row, start_sec, length / SAMPLE_RATE


def make_sample(
    corpus: Corpus,
    rng: np.random.Generator,
    duration_sec: float,
    look: PhotoLook | None = None,
    look_rng: np.random.Generator | None = None,
) -> dict:
    """One rendered scene with its mixed audio, tags, prompt, loudness curve and events (`look`: see render_scene)."""
    for _ in range(20):
        scene = synth_video.render_scene(synth_video.random_kind(rng), rng, duration_sec, look, look_rng)
        if all(corpus.has(role.category) for role in scene.roles.values()):
            break
    else:
        raise RuntimeError('corpus split lacks the categories every scene needs')
    n = round(duration_sec * SAMPLE_RATE)
    mix = np.zeros((2, n), np.float32)
    sample_tags: list[str] = []
    used_ids: list[str] = []
    main = None
    for role_name, role in scene.roles.items():
        render = _render_oneshots if role.kind == 'oneshot' else _render_bed
        used = render(corpus, scene, role_name, role, mix, rng)
        main = main or used
        used_ids.append(used[0]['id'])
        sample_tags += [t for t in used[0]['tags'] if t not in sample_tags]
    if scene.kind in ('still', 'distractor'):
        sample_tags = ['silence'] if scene.silent else sample_tags + ['quiet']
    peak = float(np.abs(mix).max())
    if peak > PEAK_LIMIT:
        mix *= PEAK_LIMIT / peak
    prompt = choose_prompt(corpus, *main, rng) if main else None
    target_excerpt = [main[0]['id'], round(main[1], 4), round(main[2], 4)] if main else None
    return {
        'frames': scene.frames,
        'audio': mix,
        'loudness_lufs': loudness.momentary_curve(mix, SAMPLE_RATE),
        'prompt_audio': None if prompt is None else prompt[0],
        'prompt_from': None if prompt is None else [prompt[1], round(prompt[2], 4)],
        'target_excerpt': target_excerpt,
        'tags': sample_tags,
        'event_times': [round(e.time_sec, 5) for e in scene.events],
        'event_strengths': [round(e.strength, 4) for e in scene.events],
        'scene': scene.kind,
        'category': next(iter(scene.roles.values())).category if scene.roles else 'silence',
        'files': used_ids,
    }


# ---------------------------------------------------------------- shards


def write_shard(
    corpus: Corpus, out: Path, shard: int, count: int, seed: int, split: str, duration_sec: float, look: PhotoLook | None = None
) -> Path:
    """Render `count` samples into out/shard-NNNNN (skipped when it already exists); `look`: photographs + H.264."""
    final = out / f'shard-{shard:05d}'
    if final.exists():
        return final
    tmp = out / f'.tmp-shard-{shard:05d}-{os.getpid()}'
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    split_id = {'train': 0, 'eval': 1}[split]
    samples = [
        make_sample(corpus, np.random.default_rng([seed, split_id, shard, i]), duration_sec, look,
                    np.random.default_rng([seed, split_id, shard, i, LOOK_STREAM]))
        for i in range(count)
    ]  # fmt: skip
    np.save(tmp / 'frames.npy', np.stack([s['frames'] for s in samples]))
    np.save(tmp / 'audio.npy', np.stack([s['audio'] for s in samples]).astype(np.float16))
    np.save(tmp / 'loudness.npy', np.stack([s['loudness_lufs'] for s in samples]))
    prompts = [s['prompt_audio'] for s in samples]
    lengths = [0 if p is None else p.shape[1] for p in prompts]
    offsets = np.concatenate([[0], np.cumsum(lengths)]).astype(int)
    stacked = [p for p in prompts if p is not None]
    np.save(tmp / 'prompt.npy', (np.concatenate(stacked, axis=1) if stacked else np.zeros((2, 0))).astype(np.float16))
    meta = []
    for s, off, length, p in zip(samples, offsets, lengths, prompts, strict=False):
        keys = ('tags', 'event_times', 'event_strengths', 'scene', 'category', 'files', 'prompt_from', 'target_excerpt')
        keep = {k: s[k] for k in keys}
        meta.append({**keep, 'prompt': None if p is None else [int(off), int(length)]})
    header = {'generator': GENERATOR_VERSION, 'durationSec': duration_sec, 'sampleRate': SAMPLE_RATE}
    if look is not None:  # only then, so a plain build stays byte-identical to one made before the look existed
        header['look'] = look.describe()
    (tmp / 'meta.json').write_text(json.dumps({**header, 'samples': meta}))
    tmp.rename(final)
    return final


def _build_job(job: tuple) -> str:
    corpus_dir, out, shard, count, seed, split, duration_sec, photos = job
    corpus = Corpus(Path(corpus_dir), split)
    look = PhotoLook(Path(photos)) if photos else None
    return str(write_shard(corpus, Path(out), shard, count, seed, split, duration_sec, look))


def build(
    corpus_dir: Path,
    out: Path,
    n: int,
    duration_sec: float,
    seed: int,
    split: str,
    workers: int,
    photos: Path | None = None,
    first_shard: int = 0,
) -> dict:
    out = Path(out) / split
    out.mkdir(parents=True, exist_ok=True)
    shards = math.ceil(n / SHARD_SIZE)
    if not 0 <= first_shard < shards:
        raise ValueError(f'--first-shard {first_shard} is outside the {shards} shards of --n {n}')
    jobs = [
        (str(corpus_dir), str(out), k, min(SHARD_SIZE, n - k * SHARD_SIZE), seed, split, duration_sec, photos and str(photos))
        for k in range(first_shard, shards)
    ]
    started = time.time()
    with Pool(workers) as pool:
        for done, path in enumerate(pool.imap_unordered(_build_job, jobs), 1):
            rate = done * SHARD_SIZE / (time.time() - started)
            print(f'{path} ({done}/{len(jobs)}, {rate:.2f} samples/s)', flush=True)
    return summarise(out)


def summarise(split_dir: Path) -> dict:
    scenes: dict[str, int] = {}
    categories: dict[str, int] = {}
    total, with_prompt, events, size = 0, 0, 0, 0
    for shard in sorted(Path(split_dir).glob('shard-*')):
        for m in json.loads((shard / 'meta.json').read_text())['samples']:
            total += 1
            with_prompt += m['prompt'] is not None
            events += len(m['event_times'])
            scenes[m['scene']] = scenes.get(m['scene'], 0) + 1
            categories[m['category']] = categories.get(m['category'], 0) + 1
        size += sum(f.stat().st_size for f in shard.iterdir())
    return {
        'samples': total,
        'withPrompt': with_prompt,
        'events': events,
        'scenes': scenes,
        'categories': categories,
        'gigabytes': round(size / 1e9, 2),
    }


# ---------------------------------------------------------------- reading


class SynthDataset:
    """Random access over built shards (memory-mapped); torch-free so it also serves numpy code and tests."""

    def __init__(self, root: Path, split: str = 'train', as_torch: bool = True):
        self.shards = sorted((Path(root) / split).glob('shard-*'))
        if not self.shards:
            raise FileNotFoundError(f'no shards under {Path(root) / split}; run `python -m foley.dataset build`')
        self.meta = [json.loads((s / 'meta.json').read_text())['samples'] for s in self.shards]
        self.items = [(k, i) for k, m in enumerate(self.meta) for i in range(len(m))]
        self.as_torch = as_torch
        self._arrays: dict[int, dict] = {}

    def __len__(self) -> int:
        return len(self.items)

    def _shard(self, k: int) -> dict:
        if k not in self._arrays:
            self._arrays[k] = {
                name: np.load(self.shards[k] / f'{name}.npy', mmap_mode='r') for name in ('frames', 'audio', 'loudness', 'prompt')
            }
        return self._arrays[k]

    def __getitem__(self, index: int) -> dict:
        k, i = self.items[index]
        arrays, meta = self._shard(k), self.meta[k][i]
        token_ids, _ = tags.tokenize(' '.join(meta['tags']))
        order = np.argsort(meta['event_times'], kind='stable')  # shards from before events were sorted at render
        prompt = None
        if meta['prompt'] is not None:
            off, length = meta['prompt']
            prompt = np.array(arrays['prompt'][:, off : off + length], dtype=np.float32)
        item = {
            'frames': np.ascontiguousarray(arrays['frames'][i].transpose(0, 3, 1, 2), dtype=np.float32) / 255.0,
            'audio': np.array(arrays['audio'][i], dtype=np.float32),
            'tags': list(meta['tags']),
            'token_ids': np.array(token_ids or [tags.PAD_ID], dtype=np.int64),
            'prompt_audio': prompt,
            'loudness_lufs': np.array(arrays['loudness'][i], dtype=np.float32),
            'event_times': np.array(meta['event_times'], dtype=np.float32)[order],
            'event_strengths': np.array(meta['event_strengths'], dtype=np.float32)[order],
            'scene': meta['scene'],
            'category': meta['category'],
        }
        return _to_torch(item) if self.as_torch else item


def _to_torch(item: dict) -> dict:
    import torch

    return {k: torch.from_numpy(v) if isinstance(v, np.ndarray) else v for k, v in item.items()}


def collate(items: list[dict]) -> dict:
    """torch DataLoader collate for SynthDataset items of one clip duration.

    Stacks frames [B, T, 3, 64, 64], audio [B, 2, N], loudness_lufs [B, 2, P]; pads token_ids with 0 (`<pad>`)
    to [B, K]; prompt_audio to [B, 2, M] zeros with prompt_lengths [B] (0 = no prompt); event_times and
    event_strengths to [B, E] with -1 and event_counts [B]; tags/scene/category stay lists.
    """
    import torch

    def pad(seqs: list, value: float, dtype) -> torch.Tensor:
        width = max([s.shape[-1] for s in seqs] + [1])
        out = torch.full((len(seqs), *seqs[0].shape[:-1], width), value, dtype=dtype)
        for i, s in enumerate(seqs):
            out[i, ..., : s.shape[-1]] = s
        return out

    prompts = [it['prompt_audio'] if it['prompt_audio'] is not None else torch.zeros(2, 0) for it in items]
    return {
        'frames': torch.stack([it['frames'] for it in items]),
        'audio': torch.stack([it['audio'] for it in items]),
        'loudness_lufs': torch.stack([it['loudness_lufs'] for it in items]),
        'token_ids': pad([it['token_ids'] for it in items], tags.PAD_ID, torch.int64),
        'prompt_audio': pad(prompts, 0.0, torch.float32),
        'prompt_lengths': torch.tensor([p.shape[-1] for p in prompts], dtype=torch.int64),
        'event_times': pad([it['event_times'] for it in items], -1.0, torch.float32),
        'event_strengths': pad([it['event_strengths'] for it in items], -1.0, torch.float32),
        'event_counts': torch.tensor([it['event_times'].shape[0] for it in items], dtype=torch.int64),
        'tags': [it['tags'] for it in items],
        'scene': [it['scene'] for it in items],
        'category': [it['category'] for it in items],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description='Build synthetic paired video/audio shards for foley-tiny')
    sub = parser.add_subparsers(dest='command', required=True)
    b = sub.add_parser('build')
    b.add_argument('--corpus', type=Path, required=True)
    b.add_argument('--out', type=Path, required=True)
    b.add_argument('--n', type=int, required=True)
    b.add_argument('--duration-sec', type=float, default=5.0)
    b.add_argument('--seed', type=int, default=0)
    b.add_argument('--split', choices=['train', 'eval'], default='train')
    b.add_argument('--workers', type=int, default=2)
    b.add_argument('--photos', type=Path, help='photo pool (python -m foley.photo_textures): photographic backgrounds + H.264')
    b.add_argument('--first-shard', type=int, default=0, help='build shards from this index on (the rest of --n)')
    s = sub.add_parser('stats')
    s.add_argument('--out', type=Path, required=True)
    s.add_argument('--split', choices=['train', 'eval'], default='train')
    args = parser.parse_args()
    if args.command == 'build':
        summary = build(
            args.corpus, args.out, args.n, args.duration_sec, args.seed, args.split, args.workers, args.photos, args.first_shard
        )
    else:
        summary = summarise(args.out / args.split)
    print(json.dumps(summary, indent=1))


if __name__ == '__main__':
    main()
