"""Writes training/fixtures/text-tags.json: prompts → token ids as the engine must feed them to the text encoder.

Run from training/: `python -m foley.export.tags_fixture`. One set per preset (foley-tiny's vocabulary and the test
pack's smaller one, where synonyms lose the tags it lacks); each set carries the `conditioning.text` its pack's
manifest must carry. vitest (src/engine/conditioning/text-tags.test.ts) runs the engine's tokenizer on it and checks
the committed manifests against it; pytest (tests/test_text_tags_fixture.py) checks it is what tags.py writes now.
"""

from __future__ import annotations

import json
from pathlib import Path

from foley import tags
from foley.config import FoleyConfig, preset

FIXTURE_PATH = Path(__file__).resolve().parents[2] / 'fixtures' / 'text-tags.json'
# Pack id → its config: foley-tiny trains with the full vocabulary (train.py), the test pack with its preset's.
PACK_CONFIGS = {'foley-tiny': preset('tiny').with_vocabulary(tags.VOCAB), 'foley-test': preset('test')}

PROMPTS = (
    'footsteps on gravel',
    'Heavy RAIN on the doors, creaking; 3 steps and a glorp',  # casing, punctuation, digits, plural, -ing, unknown
    'door slam slam',  # a synonym with two tags, repeated tags kept once
    'thunderstorms and crackling fires',  # synonym + plural, three tags from one word
    'the sound of a',  # only stop words
    '',
    ' ,;  ...!? ',
    'SFX: Glass SHATTERING (close-up) #42',  # synonym after a stem, hyphen and hash split words
    "the dog's barking",  # apostrophe splits off "s", which is unknown
    'shattered glasses',
    'a b c',
    'stopped running hopping',  # doubled consonant: "stopp" is no tag, "run" is a synonym
    'dripping dropped closed flurries ponies',  # -ing doubled, -ed doubled, -d, -ies
    'dragon roars over gravel',
    'wooden door creaks, metallic clang, iron gate',
    'snowy wind gusts through the creek',
    'café crème brûlée',  # non-ASCII letters split words like punctuation
    '\u212aick the ball',  # KELVIN SIGN lowercases to an ASCII k on both sides
    'fooTSTEPS\tON\nGRAVEL',
    'metal metal glass impact splash wood door creak fire water wind rain',  # more tags than maxTokens
    'click whoosh engine crash shatter',  # tags only the test pack has; synonym tags it lacks are dropped
    'constructor toString prototype hasOwnProperty',  # names JavaScript objects carry are no synonyms
    ' '.join(['gravel footsteps under a heavy rain storm with distant thunder and a creaking wooden door'] * 4),
)


def fixture_set(pack_id: str, cfg: FoleyConfig) -> dict:
    rules = tags.text_rules(cfg.vocabulary, cfg.max_tokens)
    tokenizer = tags.Tokenizer.from_rules(rules)
    cases = []
    for prompt in PROMPTS:
        token_ids, found, unknown = tokenizer.encode(prompt, cfg.max_tokens)
        cases.append({'prompt': prompt, 'tokenIds': token_ids, 'tags': found, 'unknownWords': unknown})
    return {'pack': pack_id, 'text': rules, 'cases': cases}


def build_fixture() -> dict:
    return {
        'about': 'Written by `python -m foley.export.tags_fixture` from training/foley/tags.py; do not edit by hand.',
        'sets': [fixture_set(pack_id, cfg) for pack_id, cfg in PACK_CONFIGS.items()],
    }


def fixture_text() -> str:
    return json.dumps(build_fixture(), indent=1, ensure_ascii=False) + '\n'


def main() -> None:
    FIXTURE_PATH.write_text(fixture_text())
    print(f'wrote {FIXTURE_PATH}')


if __name__ == '__main__':
    main()
