import json

import numpy as np
import pytest
import soundfile as sf

from foley import dataset, synth_video

SR = dataset.SAMPLE_RATE
CATEGORIES = {
    'impact': ['impact', 'wood'],
    'break': ['break', 'glass'],
    'footsteps': ['footsteps', 'gravel'],
    'door': ['door'],
    'scrape': ['scrape'],
    'ambience-rain': ['rain'],
    'ambience-wind': ['wind'],
    'fire': ['fire'],
    'whoosh': ['whoosh'],
    'explosion': ['explosion'],
    'ambience': ['ambience', 'forest'],
}
BEDS = {'scrape', 'ambience-rain', 'ambience-wind', 'fire', 'ambience'}


def click(rng, seconds=0.5, lead_sec=0.1):
    """Silence, then a sharp decaying noise burst: its onset is unambiguous."""
    n, lead = int(seconds * SR), int(lead_sec * SR)
    audio = np.zeros(n, np.float32)
    audio[lead:] = rng.normal(0, 0.5, n - lead) * np.exp(-np.arange(n - lead) / (0.05 * SR))
    return audio


@pytest.fixture(scope='module')
def corpus_dir(tmp_path_factory):
    root = tmp_path_factory.mktemp('corpus')
    rng = np.random.default_rng(0)
    rows = []
    for category, tag_list in CATEGORIES.items():
        for k in range(3):
            name = f'audio/{category}_{k}.wav'
            (root / 'audio').mkdir(exist_ok=True)
            mono = rng.normal(0, 0.1, 6 * SR).astype(np.float32) if category in BEDS else click(rng)
            sf.write(root / name, np.stack([mono, mono], axis=1), SR, subtype='FLOAT')
            tags = tag_list + (['creak'] if category == 'door' and k == 0 else [])
            rows.append({'id': f'test/{category}_{k}', 'path': name, 'sourcePath': f'{category}_{k}.wav', 'source': 'test',
                         'licence': 'CC0-1.0', 'author': 'test', 'url': '', 'tags': tags, 'category': category,
                         'durationSec': len(mono) / SR, 'split': 'train'})  # fmt: skip
    (root / 'index.jsonl').write_text(''.join(json.dumps(r) + '\n' for r in rows))
    return root


def test_oneshots_land_on_event_times_with_pan_and_strength(corpus_dir):
    corpus = dataset.Corpus(corpus_dir, 'train')
    checked = 0
    for seed in range(40):
        rng = np.random.default_rng(seed)
        sample = dataset.make_sample(corpus, rng, 3.0)
        if sample['scene'] not in ('drop', 'burst', 'creature', 'hammer', 'footsteps') or not sample['event_times']:
            continue
        t = min(sample['event_times'])
        if not 0.15 < t < 2.8:
            continue
        i = int(t * SR)
        energy = (sample['audio'] ** 2).sum(axis=0)
        before, after = energy[i - int(0.1 * SR) : i - int(0.01 * SR)].mean(), energy[i : i + int(0.03 * SR)].mean()
        assert after > 100 * max(before, 1e-12), (seed, sample['scene'])
        checked += 1
    assert checked >= 5


def test_pan_follows_event_x():
    mix = np.zeros((2, SR), np.float32)
    left_event = synth_video.Event(0.5, 0.8, 0.1, 'hit')
    dataset.place_oneshots(mix, [left_event], [click(np.random.default_rng(1))], 'onset', np.random.default_rng(0))
    assert (mix[0] ** 2).sum() > 10 * (mix[1] ** 2).sum()


def test_louder_strength_gives_louder_event():
    take = click(np.random.default_rng(2))
    peaks = []
    for strength in (0.2, 0.9):
        mix = np.zeros((2, SR), np.float32)
        dataset.place_oneshots(mix, [synth_video.Event(0.5, strength, 0.5, 'hit')], [take], 'onset', np.random.default_rng(0))
        peaks.append(np.abs(mix).max())
    assert 20 * np.log10(peaks[1] / peaks[0]) == pytest.approx(26 * 0.7, abs=4.0)


def test_loop_to_fills_the_length_without_gaps():
    mono = np.ones(SR // 2, np.float32)
    looped = dataset.loop_to(mono, 3 * SR, np.random.default_rng(0))
    assert looped.shape == (3 * SR,)
    assert looped[SR // 10 : -SR // 10].min() > 0.5


def test_shard_round_trip_matches_documented_dict(corpus_dir, tmp_path):
    corpus = dataset.Corpus(corpus_dir, 'train')
    dataset.write_shard(corpus, tmp_path / 'train', 0, 6, seed=0, split='train', duration_sec=2.0)
    data = dataset.SynthDataset(tmp_path, 'train', as_torch=False)
    assert len(data) == 6
    for index in range(6):
        item, meta = data[index], data.meta[0][index]
        assert item['frames'].shape == (48, 3, 64, 64) and item['frames'].dtype == np.float32
        assert 0 <= item['frames'].min() and item['frames'].max() <= 1
        assert item['audio'].shape == (2, 2 * SR) and item['audio'].dtype == np.float32
        assert np.abs(item['audio']).max() <= 1.0
        assert item['loudness_lufs'].shape == (2, 12) and item['loudness_lufs'].dtype == np.float32
        assert item['token_ids'].dtype == np.int64 and item['token_ids'].size >= 1
        assert item['tags'] and item['event_times'].dtype == np.float32
        assert np.all(np.diff(item['event_times']) >= 0)
        if item['prompt_audio'] is not None:
            prompt = item['prompt_audio']
            assert prompt.shape[0] == 2 and 0 < prompt.shape[1] <= dataset.PROMPT_SEC * SR
            source, start = meta['prompt_from']
            target, target_start, target_sec = meta['target_excerpt']
            overlaps = start < target_start + target_sec and target_start < start + dataset.PROMPT_SEC
            assert source != target or not overlaps
        if item['tags'] == ['silence']:
            assert np.all(item['audio'] == 0) and item['prompt_audio'] is None


def test_torch_items(corpus_dir, tmp_path):
    torch = pytest.importorskip('torch')
    dataset.write_shard(dataset.Corpus(corpus_dir, 'train'), tmp_path / 'train', 0, 2, 0, 'train', 1.0)
    data = dataset.SynthDataset(tmp_path, 'train')
    item = data[0]
    assert item['frames'].dtype == torch.float32 and item['token_ids'].dtype == torch.int64
    batch = dataset.collate([data[0], data[1]])
    assert batch['frames'].shape == (2, 24, 3, 64, 64) and batch['audio'].shape == (2, 2, SR)
    assert batch['token_ids'].shape[0] == 2 and batch['token_ids'].dtype == torch.int64
    for b in range(2):
        k = data[b]['token_ids'].shape[0]
        assert torch.equal(batch['token_ids'][b, :k], data[b]['token_ids']) and not batch['token_ids'][b, k:].any()
        assert batch['event_counts'][b] == data[b]['event_times'].shape[0]
        assert batch['prompt_lengths'][b] == (0 if data[b]['prompt_audio'] is None else data[b]['prompt_audio'].shape[1])


def test_missing_split_is_a_clear_error(corpus_dir, tmp_path):
    with pytest.raises(ValueError, match='no corpus files with split'):
        dataset.Corpus(corpus_dir, 'eval')
    with pytest.raises(FileNotFoundError, match='no shards'):
        dataset.SynthDataset(tmp_path, 'train')


def test_build_from_a_first_shard_and_what_a_look_records(corpus_dir, tmp_path):
    """`--first-shard` builds only the later shards; a shard drawn with a look says so in meta.json, a plain one does not
    (a plain build stays as before the look existed), and the look leaves the sound alone."""
    from foley.photo_textures import POOL_SIZE

    pool = tmp_path / 'photos'
    pool.mkdir()
    image = np.random.default_rng(0).integers(0, 255, (1, POOL_SIZE, POOL_SIZE, 3), dtype=np.uint8)
    np.save(pool / 'images.npy', image)
    plain = tmp_path / 'plain'
    dataset.build(corpus_dir, plain, n=4, duration_sec=1.0, seed=0, split='train', workers=1, first_shard=0)
    photo = tmp_path / 'photo'
    dataset.SHARD_SIZE, size = 2, dataset.SHARD_SIZE
    try:
        dataset.build(corpus_dir, photo, n=4, duration_sec=1.0, seed=0, split='train', workers=1, photos=pool, first_shard=1)
        with pytest.raises(ValueError, match='outside'):
            dataset.build(corpus_dir, photo, n=4, duration_sec=1.0, seed=0, split='train', workers=1, first_shard=2)
    finally:
        dataset.SHARD_SIZE = size
    assert sorted(p.name for p in (photo / 'train').glob('shard-*')) == ['shard-00001']
    plain_meta = json.loads((plain / 'train' / 'shard-00000' / 'meta.json').read_text())
    photo_meta = json.loads((photo / 'train' / 'shard-00001' / 'meta.json').read_text())
    assert 'look' not in plain_meta and photo_meta['look']['images'] == 1
