"""Tag vocabulary, text tokenizer and coarse sound categories for foley-tiny.

The vocabulary is a fixed list of single words (a tag phrase such as "footsteps gravel" is two tags). It is fixed in
code, not derived from the corpus, so token ids stay stable across corpus rebuilds. Ids: 0 = `<pad>`, 1 = `<unk>`, then
the tags in sorted order. This module is the source of the words: the exporter writes a pack's vocabulary, stop words
and synonyms into its manifest (`text_rules`), and the engine (`src/engine/conditioning/text-tags.ts`) reads them
from there. The rules below are code on both sides, pinned by training/fixtures/text-tags.json
(`python -m foley.export.tags_fixture` writes it; pytest and vitest both check it).

Tokenizer rules (the TS side implements exactly these, in this order):
1. Lowercase; split on every character that is not `a`-`z` (digits and punctuation separate words and vanish).
2. Drop stop words (`STOP_WORDS`): they are neither tags nor unknown.
3. For each word, the first rule that applies:
   a. the word is a tag → that tag;
   b. the word is in `SYNONYMS` → its tags (one word may give several, e.g. "slam" → door, impact);
   c. singular/verb-stem candidates, tried in order: strip "ies"→"y", strip "es", strip "s", strip "ing",
      strip "ing" + add "e", strip "ing" + drop a doubled final consonant, strip "ed", strip "d",
      strip "ed" + drop a doubled final consonant;
      the first candidate that is a tag or a synonym is used as in (a)/(b);
   d. otherwise the word is unknown: it yields id 1 (`<unk>`) and is reported in `unknown_words`.
4. Repeated tags keep only their first occurrence (order preserved).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property

PAD_ID = 0
UNK_ID = 1

_TAG_WORDS = """
airplane ambience animal bash bee bell bicycle bird boots break brick bubble car carpet cat ceramic chain
chicken city clock close concrete cow creak crackle crickets crowd dig dirt dog door drip drop electric engine
explosion fabric fence fire floor footsteps forest frog glass grass gravel gun hammer heavy helicopter hit horn
horse ice impact insect jump knock lava leaves light machine metal motor mud night open paper pig plastic punch
rain river rock rooster sand saw scrape sheep ship shovel silence skid slide small snow splash squeak steam stone storm
swing thunder tick tile tool train truck vehicle wood water waterfall whistle whoosh wind window wolf zipper
big distant explosion fall flesh large leather loud quiet rattle roll rumble rustle soft stick tree trickle wave
""".split()

TAGS: tuple[str, ...] = tuple(sorted({w for w in _TAG_WORDS if w.isalpha()}))
VOCAB: tuple[str, ...] = ('<pad>', '<unk>', *TAGS)
TAG_TO_ID: dict[str, int] = {tag: i for i, tag in enumerate(VOCAB)}

STOP_WORDS = frozenset(
    'a an and at by for from in into of off on onto or the to with sound sounds sfx effect effects noise some very ogg wav flac'.split()
)

SYNONYMS: dict[str, tuple[str, ...]] = {
    'step': ('footsteps',),
    'steps': ('footsteps',),
    'footstep': ('footsteps',),
    'walk': ('footsteps',),
    'run': ('footsteps',),
    'running': ('footsteps',),
    'barefoot': ('footsteps',),
    'slam': ('door', 'impact'),
    'thud': ('impact',),
    'bang': ('impact',),
    'crash': ('impact', 'break'),
    'smash': ('break',),
    'shatter': ('break', 'glass'),
    'gate': ('door',),
    'hinge': ('creak',),
    'woosh': ('whoosh',),
    'swoosh': ('whoosh',),
    'swish': ('whoosh',),
    'flame': ('fire',),
    'burn': ('fire',),
    'campfire': ('fire',),
    'torch': ('fire',),
    'breeze': ('wind',),
    'gust': ('wind',),
    'drizzle': ('rain', 'light'),
    'downpour': ('rain', 'heavy'),
    'lightning': ('thunder',),
    'stream': ('river',),
    'creek': ('river',),
    'brook': ('river',),
    'liquid': ('water',),
    'wooden': ('wood',),
    'metallic': ('metal',),
    'steel': ('metal',),
    'iron': ('metal',),
    'linoleum': ('floor',),
    'pavement': ('concrete',),
    'asphalt': ('concrete',),
    'rocks': ('rock',),
    'pebble': ('gravel',),
    'automobile': ('car',),
    'auto': ('car',),
    'plane': ('airplane',),
    'jet': ('airplane',),
    'motorbike': ('motor', 'vehicle'),
    'puppy': ('dog',),
    'bark': ('dog',),
    'meow': ('cat',),
    'moo': ('cow',),
    'baa': ('sheep',),
    'oink': ('pig',),
    'howl': ('wolf',),
    'chirp': ('bird',),
    'tweet': ('bird',),
    'hoot': ('bird',),
    'owl': ('bird',),
    'seagull': ('bird',),
    'crow': ('bird',),
    'bomb': ('explosion',),
    'blast': ('explosion',),
    'boom': ('explosion',),
    'rifle': ('gun',),
    'pistol': ('gun',),
    'shotgun': ('gun',),
    'gunshot': ('gun',),
    'shot': ('gun',),
    'kick': ('hit',),
    'slap': ('hit',),
    'drag': ('scrape',),
    'scratch': ('scrape',),
    'sliding': ('slide',),
    'screech': ('squeak',),
    'ticking': ('tick',),
    'ambient': ('ambience',),
    'atmosphere': ('ambience',),
    'room': ('ambience',),
    'gravelly': ('gravel',),
    'snowy': ('snow',),
    'muddy': ('mud',),
    'grassy': ('grass',),
    'sandy': ('sand',),
    'dripping': ('drip',),
    'pouring': ('water',),
    'heavyrain': ('rain', 'heavy'),
    'shut': ('close',),
    'day': ('ambience',),
    'sunny': ('ambience',),
    'weather': ('ambience',),
    'hawk': ('bird',),
    'eagle': ('bird',),
    'build': ('tool',),
    'work': ('tool',),
    'harvest': ('tool',),
    'diesel': ('engine',),
    'locomotive': ('train',),
    'tram': ('train',),
    'bus': ('vehicle',),
    'ferry': ('ship',),
    'boat': ('ship',),
    'fly': ('whoosh',),
    'flyby': ('airplane', 'whoosh'),
    'elevator': ('machine',),
    'factory': ('machine',),
    'sawmill': ('saw', 'machine'),
    'jackhammer': ('tool', 'machine'),
    'drill': ('tool',),
    'rainstorm': ('rain', 'storm'),
    'thunderstorm': ('thunder', 'storm', 'rain'),
    'snowstorm': ('snow', 'storm', 'wind'),
    'flurries': ('snow', 'wind'),
    'indoors': ('ambience',),
    'underground': ('ambience',),
    'gallop': ('horse', 'footsteps'),
    'neigh': ('horse',),
    'dug': ('dig',),
    'place': ('drop',),
    'thump': ('impact',),
    'clang': ('metal', 'impact'),
    'ricochet': ('metal', 'hit'),
    'crackling': ('crackle',),
    'ignite': ('fire',),
    'match': ('fire',),
    'fireball': ('fire', 'whoosh'),
    'melee': ('hit',),
    'attack': ('hit',),
    'arrow': ('whoosh',),
    'bow': ('whoosh',),
    'sword': ('swing', 'metal'),
    'axe': ('swing', 'wood'),
    'chop': ('wood', 'hit'),
    'anvil': ('metal', 'hammer'),
    'mine': ('dig', 'rock'),
    'horn': ('horn',),
    'bicycle': ('bicycle',),
    **{
        w: ('animal',)
        for w in (
            'bat bear camel canary cobra coyote cricket crickets cicada dolphin duck elephant goat goose gorilla '
            'hyena jaguar leopard lion loon monkey mouse parrot peacock penguin quail raccoon lamb seal squirrel '
            'tiger toucan turkey vulture whale yak zebra swan snake grasshopper woodpecker pigeon dragon roar '
            'growl snarl bleat quack squeal snort'
        ).split()
        if w != 'crickets'
    },
}


def text_rules(vocabulary: Sequence[str], max_tokens: int) -> dict:
    """A pack's `conditioning.text` (docs/model-pack.md): its vocabulary plus the stop words and the synonyms whose
    tags it has (tags it lacks are dropped, a synonym left without tags is dropped), so the engine tokenizes a prompt
    from the pack alone. Sorted, so a rewrite of an unchanged pack is byte-identical."""
    known = set(vocabulary[2:])
    synonyms = {word: [t for t in found if t in known] for word, found in sorted(SYNONYMS.items())}
    return {
        'vocabulary': list(vocabulary),
        'maxTokens': max_tokens,
        'stopWords': sorted(STOP_WORDS),
        'synonyms': {word: found for word, found in synonyms.items() if found},
    }


def _stem_candidates(word: str) -> list[str]:
    out: list[str] = []
    if word.endswith('ies'):
        out.append(word[:-3] + 'y')
    if word.endswith('es'):
        out.append(word[:-2])
    if word.endswith('s'):
        out.append(word[:-1])
    if word.endswith('ing'):
        stem = word[:-3]
        out += [stem, stem + 'e']
        if len(stem) > 2 and stem[-1] == stem[-2]:
            out.append(stem[:-1])
    if word.endswith('ed'):
        stem = word[:-2]
        out += [stem, word[:-1]]
        if len(stem) > 2 and stem[-1] == stem[-2]:
            out.append(stem[:-1])
    return out


def words(text: str) -> list[str]:
    return [w for w in re.split(r'[^a-z]+', text.lower()) if w]


@dataclass(frozen=True)
class Tokenizer:
    """The rules above over one pack's `conditioning.text` (`text_rules`); src/engine/conditioning/text-tags.ts is
    the same over the manifest, both pinned by training/fixtures/text-tags.json."""

    vocabulary: tuple[str, ...]
    stop_words: frozenset[str]
    synonyms: dict[str, tuple[str, ...]]

    @classmethod
    def from_rules(cls, rules: dict) -> Tokenizer:
        synonyms = {word: tuple(found) for word, found in rules['synonyms'].items()}
        return cls(vocabulary=tuple(rules['vocabulary']), stop_words=frozenset(rules['stopWords']), synonyms=synonyms)

    @cached_property
    def tag_ids(self) -> dict[str, int]:
        return {tag: i for i, tag in enumerate(self.vocabulary) if i > UNK_ID}

    def normalise_word(self, word: str) -> tuple[str, ...] | None:
        """Tags for one lowercase word, () for a stop word, None for an unknown word."""
        if word in self.stop_words:
            return ()
        tag_ids = self.tag_ids
        for candidate in (word, *_stem_candidates(word)):
            if candidate in tag_ids:
                return (candidate,)
            if candidate in self.synonyms:
                return self.synonyms[candidate]
        return None

    def tokenize(self, text: str) -> tuple[list[int], list[str]]:
        """Token ids (no padding) and the words that were not recognised; each unknown word yields `<unk>` once."""
        tag_ids = self.tag_ids
        ids: list[int] = []
        unknown: list[str] = []
        for word in words(text):
            mapped = self.normalise_word(word)
            if mapped is None:
                unknown.append(word)
                ids.append(UNK_ID)
                continue
            for tag in mapped:
                if tag_ids[tag] not in ids:
                    ids.append(tag_ids[tag])
        return ids, unknown

    def encode(self, text: str, max_tokens: int) -> tuple[list[int], list[str], list[str]]:
        """What the engine feeds the text encoder (`mapPromptToTags`): ids cut to max_tokens and padded with 0, the
        known tags kept, and the unknown words followed by the tags cut."""
        ids, unknown = self.tokenize(text)
        kept = ids[:max_tokens]
        unknown += [self.vocabulary[i] for i in ids[max_tokens:] if i > UNK_ID]
        tags = [self.vocabulary[i] for i in kept if i > UNK_ID]
        return kept + [PAD_ID] * (max_tokens - len(kept)), tags, unknown


# The training tokenizer: the full vocabulary (every synonym's tags are in it, tests/test_data_tags.py).
TOKENIZER = Tokenizer.from_rules(text_rules(VOCAB, max_tokens=0))


def normalise_word(word: str) -> tuple[str, ...] | None:
    """Tags for one lowercase word, () for a stop word, None for an unknown word."""
    return TOKENIZER.normalise_word(word)


def text_to_tags(text: str) -> tuple[list[str], list[str]]:
    """(known tags in first-occurrence order, unknown words)."""
    ids, unknown = TOKENIZER.tokenize(text)
    return [VOCAB[i] for i in ids if i > UNK_ID], unknown


def tokenize(text: str) -> tuple[list[int], list[str]]:
    """Token ids (no padding) and the words that were not recognised; each unknown word yields `<unk>` once."""
    return TOKENIZER.tokenize(text)


# Coarse categories: ordered rules, first match wins. Each rule is (category, tags that must all be present).
# Speech and UI are not Foley; `corpus.py` drops them (they map to "voice" / "ui" from path keywords).
CATEGORY_RULES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ('footsteps', ('footsteps',)),
    ('door', ('door',)),
    ('door', ('close',)),
    ('door', ('open',)),
    ('door', ('creak',)),
    ('explosion', ('explosion',)),
    ('gun', ('gun',)),
    ('break', ('break',)),
    ('ambience-rain', ('rain',)),
    ('ambience-rain', ('thunder',)),
    ('ambience-rain', ('storm',)),
    ('ambience-wind', ('wind',)),
    ('fire', ('fire',)),
    ('fire', ('lava',)),
    ('water', ('water',)),
    ('water', ('splash',)),
    ('water', ('river',)),
    ('water', ('waterfall',)),
    ('water', ('drip',)),
    ('water', ('bubble',)),
    ('animal', ('animal',)),
    ('animal', ('bird',)),
    ('animal', ('insect',)),
    ('animal', ('bee',)),
    ('animal', ('crickets',)),
    ('engine', ('engine',)),
    ('engine', ('vehicle',)),
    ('engine', ('car',)),
    ('engine', ('train',)),
    ('engine', ('airplane',)),
    ('engine', ('helicopter',)),
    ('engine', ('machine',)),
    ('engine', ('motor',)),
    ('engine', ('ship',)),
    ('engine', ('truck',)),
    ('engine', ('steam',)),
    ('whoosh', ('whoosh',)),
    ('whoosh', ('swing',)),
    ('scrape', ('scrape',)),
    ('scrape', ('slide',)),
    ('scrape', ('skid',)),
    ('scrape', ('dig',)),
    ('impact', ('impact',)),
    ('impact', ('hit',)),
    ('impact', ('punch',)),
    ('impact', ('bash',)),
    ('impact', ('knock',)),
    ('impact', ('drop',)),
    ('impact', ('fall',)),
    ('tool', ('tool',)),
    ('tool', ('hammer',)),
    ('tool', ('saw',)),
    ('ambience', ('ambience',)),
    ('ambience', ('forest',)),
    ('ambience', ('night',)),
    ('ambience', ('city',)),
    ('ambience', ('snow',)),
)

ANIMAL_WORDS = frozenset('cat chicken cow dog frog horse pig rooster sheep wolf'.split())


def category_for(tags: list[str]) -> str:
    present = set(tags)
    if present & ANIMAL_WORDS and 'footsteps' not in present:
        return 'animal'
    for category, needed in CATEGORY_RULES:
        if all(t in present for t in needed):
            return category
    return 'other'
