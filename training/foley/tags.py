"""Tag vocabulary, text tokenizer and coarse sound categories for foley-tiny.

The vocabulary is a fixed list of single words (a tag phrase such as "footsteps gravel" is two tags). It is fixed in
code, not derived from the corpus, so token ids stay stable across corpus rebuilds and the TypeScript mirror
(`src/engine/conditioning/text-tags.ts`) can copy it verbatim. Ids: 0 = `<pad>`, 1 = `<unk>`, then the tags in sorted order.

Tokenizer rules (the TS side must implement exactly these, in this order):
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


def normalise_word(word: str) -> tuple[str, ...] | None:
    """Tags for one lowercase word, () for a stop word, None for an unknown word."""
    if word in STOP_WORDS:
        return ()
    for candidate in (word, *_stem_candidates(word)):
        if candidate in TAG_TO_ID and candidate not in ('<pad>', '<unk>'):
            return (candidate,)
        if candidate in SYNONYMS:
            return SYNONYMS[candidate]
    return None


def words(text: str) -> list[str]:
    return [w for w in re.split(r'[^a-z]+', text.lower()) if w]


def text_to_tags(text: str) -> tuple[list[str], list[str]]:
    """(known tags in first-occurrence order, unknown words)."""
    tags: list[str] = []
    unknown: list[str] = []
    for word in words(text):
        mapped = normalise_word(word)
        if mapped is None:
            unknown.append(word)
            continue
        tags += [t for t in mapped if t not in tags]
    return tags, unknown


def tokenize(text: str) -> tuple[list[int], list[str]]:
    """Token ids (no padding) and the words that were not recognised; each unknown word yields `<unk>` once."""
    ids: list[int] = []
    unknown: list[str] = []
    for word in words(text):
        mapped = normalise_word(word)
        if mapped is None:
            unknown.append(word)
            ids.append(UNK_ID)
            continue
        ids += [TAG_TO_ID[t] for t in mapped if TAG_TO_ID[t] not in ids]
    return ids, unknown


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
