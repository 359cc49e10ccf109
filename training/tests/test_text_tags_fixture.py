"""training/fixtures/text-tags.json is what tags.py writes now, and its foley-tiny set is the training tokenizer.

vitest (src/engine/conditioning/text-tags.test.ts) runs the engine's tokenizer on the same file, so a change to the
rules on either side fails one of the two suites until both agree.
"""

from __future__ import annotations

import json

from foley import tags
from foley.export import tags_fixture


def test_the_committed_fixture_is_what_tags_py_writes():
    committed = tags_fixture.FIXTURE_PATH.read_text()
    assert committed == tags_fixture.fixture_text(), 'regenerate it: python -m foley.export.tags_fixture (from training/)'


def test_the_foley_tiny_set_is_the_training_tokenizer_cut_and_padded():
    fixture = json.loads(tags_fixture.FIXTURE_PATH.read_text())
    tiny = next(s for s in fixture['sets'] if s['pack'] == 'foley-tiny')
    assert tiny['text']['vocabulary'] == list(tags.VOCAB)
    max_tokens = tiny['text']['maxTokens']
    for case in tiny['cases']:
        ids, unknown = tags.tokenize(case['prompt'])  # what dataset.py / train.py feed the text encoder
        row = (ids + [tags.PAD_ID] * max_tokens)[:max_tokens]
        assert case['tokenIds'] == row, case['prompt']
        assert case['unknownWords'][: len(unknown)] == unknown, case['prompt']


def test_the_fixture_covers_each_rule():
    fixture = json.loads(tags_fixture.FIXTURE_PATH.read_text())
    tiny = next(s for s in fixture['sets'] if s['pack'] == 'foley-tiny')
    test = next(s for s in fixture['sets'] if s['pack'] == 'foley-test')
    tiny_cases = tiny['cases']
    assert any(tags.SYNONYMS.get(w) for c in tiny_cases for w in tags.words(c['prompt']))  # synonyms
    assert any(w in tags.STOP_WORDS for c in tiny_cases for w in tags.words(c['prompt']))  # stop words
    assert any(c['tokenIds'] == [0] * len(c['tokenIds']) for c in tiny_cases)  # nothing known
    assert any(c['tokenIds'][-1] != 0 and len(c['unknownWords']) > c['tokenIds'].count(1) for c in tiny_cases)  # cut
    assert any(not c['prompt'].isascii() for c in tiny_cases)
    # The test pack's smaller vocabulary changes the answer for some prompts (synonym tags it lacks are dropped).
    assert [c['tokenIds'] for c in test['cases']] != [c['tokenIds'] for c in tiny_cases]
