"""On-the-fly ambience beds for training clips (train.py --beds P).

Why: real footage always carries a continuous bed (room tone, wind, rain, traffic, engines), while the synthetic
clips are one-shots over digital silence. On the real dev set the generated log-mel frames have a long low tail
(per-frame mean log-mel ≈ 5 nats under the real audio's at the 10th percentile), which dominates the mel-FD mean term.

`BedBank(corpus)` holds the continuous recordings of the corpus's *train* split only (held-back files are never
read); `add_bed(item, bank, rng, probability)` returns a copy of a SynthDataset item where, with that probability,
a random excerpt of one bed recording, looped to the clip's length (dataset.loop_to), is mixed in at a level drawn
relative to the clip's loud parts (its 95th-percentile momentary loudness + U(BED_RELATIVE_LU)); a silent clip gets
the bed alone at a room-tone level (SILENT_BED_LUFS). The loudness target curve is recomputed from the mixed audio,
so the loudness predictor learns beds too, and the prompt recording (reference prefix / audio embedding) gets
the same recording's bed at the same gain with probability PROMPT_SAME_BED_PROB — what a reference cut from the
same real footage sounds like. Items are not changed in place; the shards on disk are never touched.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from foley import loudness, tags
from foley.dataset import PEAK_LIMIT, SAMPLE_RATE, Corpus, loop_to

# Categories whose recordings are continuous; engine / fire / water also hold one-shots (starts, ignitions, drips),
# so only their longer files count, and ids naming an event are left out.
BED_CATEGORIES = {'ambience': 2.0, 'ambience-rain': 2.0, 'ambience-wind': 2.0, 'engine': 4.0, 'fire': 4.0, 'water': 4.0}
EVENT_WORDS = ('thunder', 'start', 'stop', 'ignition', 'bell', 'splash', 'drip')
BED_RELATIVE_LU = (-20.0, 3.0)  # bed loudness relative to the clip's loud parts
SILENT_BED_LUFS = (-55.0, -30.0)  # a still, silent scene still has room tone, but quiet
SILENT_CLIP_LUFS = -60.0  # a clip whose 95th-percentile momentary loudness is below this counts as silent
PROMPT_SAME_BED_PROB = 0.8


class BedBank:
    """Continuous corpus recordings of the train split, by id."""

    def __init__(self, corpus_root: Path):
        self.corpus = Corpus(Path(corpus_root), 'train')
        self.rows = [r for r in self.corpus.rows if is_bed(r)]
        if not self.rows:
            raise ValueError(f'no continuous train-split recordings in {Path(corpus_root) / "index.jsonl"}')

    def excerpt(self, row: dict, length: int, rng: np.random.Generator) -> np.ndarray:
        """float32 mono [length]: a random excerpt of the recording, looped with crossfades when it is shorter."""
        start_sec = float(rng.uniform(0, max(0.0, row['durationSec'] - length / SAMPLE_RATE)))
        mono = self.corpus.read(row, start_sec, length / SAMPLE_RATE).mean(axis=0)
        return loop_to(mono, length, rng).astype(np.float32)


def is_bed(row: dict) -> bool:
    min_sec = BED_CATEGORIES.get(row['category'])
    return min_sec is not None and row['durationSec'] >= min_sec and not any(w in row['id'].lower() for w in EVENT_WORDS)


def loud_parts_lufs(curve: np.ndarray) -> float:
    """95th percentile of the channel-summed momentary loudness (a [ch, P] LUFS curve, as the item's
    'loudness_lufs'): the level of the clip's loud parts, not of its silences. Reusing the stored curve saves a
    K-weighting pass per clip (training time)."""
    summed = 10 * np.log10(np.sum(10 ** (np.asarray(curve, np.float64) / 10), axis=0))
    return float(np.percentile(summed, 95))


def stereo_gain(mono: np.ndarray, target_lufs: float) -> float:
    """Gain putting the mono bed, played in both channels, at target_lufs integrated (ungated); 0 for silence.
    Two equal channels read 10·log10(2) LU above one (BS.1770 sums channel powers)."""
    current = loudness.integrated_ungated(mono[None], SAMPLE_RATE) + 10 * np.log10(2)
    return 10 ** ((target_lufs - current) / 20) if current > -100 else 0.0


def limited(mix: np.ndarray) -> np.ndarray:
    peak = float(np.abs(mix).max()) if mix.size else 0.0
    return mix * (PEAK_LIMIT / peak) if peak > PEAK_LIMIT else mix


def add_bed(item: dict, bank: BedBank, rng: np.random.Generator, probability: float) -> dict:
    """A copy of the item with a bed mixed in (with `probability`), 'loudness_lufs' recomputed and 'bed' recorded."""
    if probability <= 0 or rng.random() >= probability:
        return item
    audio = np.asarray(item['audio'], np.float32)
    row = bank.rows[int(rng.integers(len(bank.rows)))]
    bed = bank.excerpt(row, audio.shape[1], rng)
    clip_lufs = loud_parts_lufs(item['loudness_lufs'])
    silent = clip_lufs < SILENT_CLIP_LUFS
    target = float(rng.uniform(*SILENT_BED_LUFS)) if silent else clip_lufs + float(rng.uniform(*BED_RELATIVE_LU))
    gain = stereo_gain(bed, target)
    if gain == 0.0:
        return item
    mixed = limited(audio + gain * bed[None])
    out = {**item, 'audio': mixed.astype(np.float32), 'bed': {'id': row['id'], 'lufs': round(target, 2)}}
    out['loudness_lufs'] = loudness.momentary_curve(out['audio'], SAMPLE_RATE)
    if silent and 'silence' in item.get('tags', []):
        # 'silence' would now be a false tag: a room-tone bed is what the dataset calls 'quiet'.
        out['tags'] = [t for t in item['tags'] if t != 'silence'] + ['quiet']
        ids, _ = tags.tokenize(' '.join(out['tags']))
        out['token_ids'] = np.array(ids or [tags.PAD_ID], dtype=np.int64)
    prompt = item.get('prompt_audio')
    if prompt is not None and rng.random() < PROMPT_SAME_BED_PROB:
        prompt = np.asarray(prompt, np.float32)
        out['prompt_audio'] = limited(prompt + gain * bank.excerpt(row, prompt.shape[1], rng)[None]).astype(np.float32)
    return out
