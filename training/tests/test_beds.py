"""foley/beds.py: ambience beds mixed into training clips on the fly (train.py --beds)."""

import json

import numpy as np
import pytest
import soundfile as sf

from foley import beds, loudness, tags

SR = beds.SAMPLE_RATE


@pytest.fixture(scope='module')
def corpus_dir(tmp_path_factory):
    """Real WAV files: train-split beds (noise), a train one-shot, a too-short ambience and held-back (eval) beds."""
    root = tmp_path_factory.mktemp('corpus')
    (root / 'audio').mkdir()
    rng = np.random.default_rng(0)
    rows = []

    def add(name, category, split, seconds, amplitude):
        mono = rng.normal(0, amplitude, int(seconds * SR)).astype(np.float32)
        sf.write(root / f'audio/{name}.wav', np.stack([mono, mono], axis=1), SR, subtype='FLOAT')
        rows.append({'id': f'test/{name}', 'path': f'audio/{name}.wav', 'sourcePath': f'{name}.wav', 'source': 'test',
                     'licence': 'CC0-1.0', 'author': 'test', 'url': '', 'tags': [category], 'category': category,
                     'durationSec': seconds, 'split': split})  # fmt: skip

    add('wind_a', 'ambience-wind', 'train', 3.0, 0.05)
    add('room_b', 'ambience', 'train', 1.5 + 1.0, 0.02)  # shorter than a clip: looped
    add('engine_idle', 'engine', 'train', 6.0, 0.1)
    add('engine_start', 'engine', 'train', 6.0, 0.1)  # an event, not a bed
    add('hit', 'impact', 'train', 0.5, 0.3)
    add('room_short', 'ambience', 'train', 1.0, 0.02)  # under the 2 s minimum
    add('held_back_rain', 'ambience-rain', 'eval', 8.0, 0.05)
    add('held_back_room', 'ambience', 'eval', 8.0, 0.05)
    (root / 'index.jsonl').write_text(''.join(json.dumps(r) + '\n' for r in rows))
    return root


def clip_item(silent: bool = False, seconds: float = 3.0) -> dict:
    """A dataset-like item: two decaying noise bursts over digital silence (or nothing), with its curve and a prompt."""
    rng = np.random.default_rng(1)
    n = int(seconds * SR)
    audio = np.zeros((2, n), np.float32)
    if not silent:
        for start in (0.2 * seconds, 0.65 * seconds):
            a = int(start * SR)
            burst = rng.normal(0, 0.12, SR // 5) * np.exp(-np.arange(SR // 5) / (0.05 * SR))
            audio[:, a : a + SR // 5] += burst.astype(np.float32)
    item_tags = ['silence'] if silent else ['impact']
    return {
        'audio': audio,
        'loudness_lufs': loudness.momentary_curve(audio, SR),
        'tags': item_tags,
        'token_ids': np.array(tags.tokenize(' '.join(item_tags))[0] or [tags.PAD_ID], dtype=np.int64),
        'prompt_audio': audio[:, :SR].copy() if not silent else None,
        'scene': 'still' if silent else 'drop',
    }


def test_bank_holds_only_continuous_train_split_recordings(corpus_dir):
    bank = beds.BedBank(corpus_dir)
    assert sorted(r['id'] for r in bank.rows) == ['test/engine_idle', 'test/room_b', 'test/wind_a']
    picked = {beds.add_bed(clip_item(), bank, np.random.default_rng(seed), 1.0)['bed']['id'] for seed in range(40)}
    assert picked == {'test/engine_idle', 'test/room_b', 'test/wind_a'}  # never a held-back (eval) file


def test_bed_level_relative_to_loud_parts_and_curve_recomputed(corpus_dir):
    bank = beds.BedBank(corpus_dir)
    item = clip_item()
    loud = beds.loud_parts_lufs(item['loudness_lufs'])
    levels = []
    for seed in range(12):
        out = beds.add_bed(item, bank, np.random.default_rng(seed), 1.0)
        bed = out['audio'] - item['audio']  # no limiting at these levels: the difference is the bed alone
        assert np.abs(out['audio']).max() <= beds.PEAK_LIMIT
        measured = loudness.integrated_ungated(bed, SR)
        assert measured == pytest.approx(out['bed']['lufs'], abs=0.05)
        assert loud - 20.0 <= out['bed']['lufs'] <= loud + 3.0
        levels.append(out['bed']['lufs'])
        np.testing.assert_array_equal(out['loudness_lufs'], loudness.momentary_curve(out['audio'], SR))
        # The silences between the bursts are no longer at the floor: the target curve carries the bed.
        assert np.percentile(out['loudness_lufs'], 10) > np.percentile(item['loudness_lufs'], 10) + 10
    assert max(levels) - min(levels) > 8  # a wide range, not one level


def test_silent_clip_gets_room_tone_alone_and_loses_its_silence_tag(corpus_dir):
    bank = beds.BedBank(corpus_dir)
    out = beds.add_bed(clip_item(silent=True), bank, np.random.default_rng(3), 1.0)
    low, high = beds.SILENT_BED_LUFS
    assert low <= loudness.integrated_ungated(out['audio'], SR) <= high
    assert out['tags'] == ['quiet']
    assert out['token_ids'].tolist() == tags.tokenize('quiet')[0]


def test_prompt_gets_the_same_bed_at_the_same_gain(corpus_dir):
    bank = beds.BedBank(corpus_dir)
    item = clip_item()
    same = 0
    for seed in range(20):
        out = beds.add_bed(item, bank, np.random.default_rng(seed), 1.0)
        added = out['prompt_audio'] - item['prompt_audio']
        if np.abs(added).max() == 0:
            continue
        same += 1
        clip_bed = loudness.integrated_ungated(out['audio'] - item['audio'], SR)
        assert loudness.integrated_ungated(added, SR) == pytest.approx(clip_bed, abs=1.5)
    assert 10 <= same < 20  # PROMPT_SAME_BED_PROB of the prompts, not all


def test_deterministic_with_the_seed_and_item_untouched(corpus_dir):
    bank = beds.BedBank(corpus_dir)
    item = clip_item()
    before = item['audio'].copy()
    a = beds.add_bed(item, bank, np.random.default_rng(7), 1.0)
    b = beds.add_bed(item, bank, np.random.default_rng(7), 1.0)
    c = beds.add_bed(item, bank, np.random.default_rng(8), 1.0)
    np.testing.assert_array_equal(a['audio'], b['audio'])
    assert not np.array_equal(a['audio'], c['audio'])
    np.testing.assert_array_equal(item['audio'], before)  # shards are memory-mapped: never changed in place
    assert 'bed' not in item
    assert beds.add_bed(item, bank, np.random.default_rng(7), 0.0) is item


def test_probability_is_the_share_of_clips_with_a_bed(corpus_dir):
    bank = beds.BedBank(corpus_dir)
    rng = np.random.default_rng(0)
    item = clip_item(seconds=1.0)
    share = np.mean(['bed' in beds.add_bed(item, bank, rng, 0.8) for _ in range(200)])
    assert 0.7 < share < 0.9


def test_corpus_without_train_beds_is_a_clear_error(tmp_path):
    (tmp_path / 'index.jsonl').write_text(json.dumps({'id': 'x', 'path': 'a.wav', 'sourcePath': 'a.wav', 'tags': [],
                                                      'category': 'impact', 'durationSec': 1.0, 'split': 'train'}) + '\n')  # fmt: skip
    with pytest.raises(ValueError, match='no continuous train-split recordings'):
        beds.BedBank(tmp_path)
