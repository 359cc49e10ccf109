import numpy as np
import soundfile as sf

from foley import corpus

DEP5 = """Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/

Files: *
Copyright: The Team
License: GPL-2+

Files: base/sound/doors/*
       base/sound/ambience/rain.ogg
Copyright: Jane Doe
 John Roe
License: CC-BY-SA-3.0
"""


def test_licence_normalisation_keeps_only_cc_and_public_domain():
    cases = {
        '**CC0 1.0**': 'CC0-1.0',
        '**CC 0**': 'CC0-1.0',
        'CC BY 3.0': 'CC-BY-3.0',
        '**CC-BY**': 'CC-BY',
        'CC BY-SA 4.0': 'CC-BY-SA-4.0',
        'public-domain': 'PD',
        'Creative Commons Attribution 3.0 Unported': 'CC-BY-3.0',
        'Creative Commons Zero 1.0': 'CC0-1.0',
        'GPL-2+': None,
        'CC BY-NC 3.0': None,
        'Sampling Plus 1.0': None,
        'OGA BY 3.0': None,
        'CC-BY-ND-4.0': None,
        'CC-BY-SA-3.0+ and Mark-Policy': None,
        'Expat': None,
        '': None,
    }
    for raw, expected in cases.items():
        assert corpus.normalise_licence(raw) == expected, raw


def test_dep5_last_matching_stanza_wins():
    stanzas = corpus.parse_dep5(DEP5)
    assert corpus.dep5_lookup(stanzas, 'base/sound/doors/door1-open.ogg') == ('Jane Doe John Roe', 'CC-BY-SA-3.0')
    assert corpus.dep5_lookup(stanzas, 'base/sound/weapons/gun.ogg') == ('The Team', 'GPL-2+')


def test_antum_rows_match_globs(tmp_path):
    (tmp_path / 'sounds').mkdir()
    for name in ['sounds_bird_01.ogg', 'sounds_node_step_gravel.2.ogg', 'sounds_ar_burst_02.ogg', 'sounds_nothing.ogg']:
        (tmp_path / 'sounds' / name).write_bytes(b'x')
    (tmp_path / 'sources.md').write_text(
        '| Filename | Author | License | Notes |\n| --- | --- | --- | --- |\n'
        '| [bird*][bird] | Jc Guan | CC0 | |\n| [ar_burst_0[1-2]][ar] | W D | CC BY 3.0 | |\n'
        '| [step_gravel][default] | Mito551 | CC BY-SA 3.0 | |\n| [step_gravel.*][default] | Mito551 | CC BY-SA 3.0 | |\n'
        '[bird]: https://example.org/bird\n'
    )
    found = {f.rel: (f.author, f.licence_raw, f.url) for f in corpus.collect_antum(tmp_path)}
    assert found['sounds_bird_01.ogg'] == ('Jc Guan', 'CC0', 'https://example.org/bird')
    assert found['sounds_ar_burst_02.ogg'][1] == 'CC BY 3.0'
    assert found['sounds_node_step_gravel.2.ogg'][1] == 'CC BY-SA 3.0'
    assert 'sounds_nothing.ogg' not in found


def test_describe_tags_category_and_exclusions(tmp_path):
    item = corpus.SourceFile(tmp_path / 'a.ogg', 'ufoai-sound', 'sound/misc/breakglass07.ogg', 'CC-BY-SA-3.0', 'X')
    row = corpus.describe(item)
    assert row['tags'] == ['break', 'glass'] and row['category'] == 'break' and row['licence'] == 'CC-BY-SA-3.0'
    assert row['split'] in ('train', 'eval')
    gpl = corpus.SourceFile(tmp_path / 'a.ogg', 'ufoai-sound', 'sound/doors/door1.ogg', 'GPL-2', 'X')
    voice = corpus.SourceFile(tmp_path / 'a.ogg', 'megaglest-data', 'sounds/archer_ack3.wav', 'CC-BY-SA-3.0', 'X')
    assert corpus.describe(gpl) is None and corpus.describe(voice) is None


def test_split_keeps_numbered_variants_together(tmp_path):
    rows = [corpus.SourceFile(tmp_path, 'cdda', f'plmove/walk_dirt_{i}.ogg', 'CC0', 'x') for i in range(1, 7)]
    assert len({corpus.split_for(r) for r in rows}) == 1


def test_convert_resamples_to_stereo_and_drops_short_or_silent(tmp_path):
    tone = (0.3 * np.sin(np.arange(22050) * 2 * np.pi * 440 / 22050)).astype(np.float32)
    sf.write(tmp_path / 'tone.wav', tone, 22050)
    sf.write(tmp_path / 'short.wav', tone[:1000], 22050)
    sf.write(tmp_path / 'silent.wav', np.zeros(22050, np.float32), 22050)
    assert abs(corpus.convert(tmp_path / 'tone.wav', tmp_path / 'out' / 'tone.wav') - 1.0) < 0.01
    audio, rate = sf.read(tmp_path / 'out' / 'tone.wav', always_2d=True)
    assert rate == 44100 and audio.shape[1] == 2
    assert corpus.convert(tmp_path / 'short.wav', tmp_path / 'out' / 'short.wav') is None
    assert corpus.convert(tmp_path / 'silent.wav', tmp_path / 'out' / 'silent.wav') is None
    assert not (tmp_path / 'out' / 'silent.wav').exists()


AUTHORS_TXT = """If not stated otherwise, the sound effects are licensed under the
CC Attribution 3.0 license (http://creativecommons.org/licenses/by/3.0/)

Checkmaty       - Arrow/HitGround, Shield/WoodHit1-3, WeaponSwing1-3
HerbertBoland\t- WoodHit1-3 (http://www.freesound.org/people/HerbertBoland/sounds/33206/)
\t\t\t\t- Clonk/StepSoft1-6, Clonk/StepHard1-5 (http://www.freesound.org/people/HerbertBoland/sounds/31962/)
"""


def test_openclonk_credits_prefer_the_matching_folder():
    credits = corpus.openclonk_credits(AUTHORS_TXT)
    assert corpus.openclonk_author(credits, 'Hits/Materials/Wood/WoodHit2.ogg')[0] == 'HerbertBoland'
    assert corpus.openclonk_author(credits, 'Objects/Weapons/Shield/WoodHit2.ogg')[0] == 'Checkmaty'
    author, url = corpus.openclonk_author(credits, 'Clonk/Movement/StepHard4.ogg')
    assert author == 'HerbertBoland' and url.endswith('/31962/')
    assert corpus.openclonk_author(credits, 'Fire/Unknown.ogg')[0].startswith('The OpenClonk Team')


def _pack_c4group(files: dict[str, bytes]) -> bytes:
    """Minimal C4Group writer (uncompressed, one level) mirroring the layout unpack_c4group reads."""
    import struct

    header = bytearray(204)
    header[: len(b'RedWolf Design GrpFolder')] = b'RedWolf Design GrpFolder'
    struct.pack_into('<i', header, 36, len(files))
    entries, data = b'', b''
    for name, blob in files.items():
        entry = bytearray(316)
        entry[: len(name)] = name.encode()
        struct.pack_into('<iiiii', entry, 260, 0, 0, len(blob), 0, len(data))
        entries += bytes(entry)
        data += blob
    return corpus._c4_unscramble(bytes(header)) + entries + data  # scrambling is its own inverse


def test_c4group_unpack(tmp_path):
    corpus.unpack_c4group(_pack_c4group({'Hit1.ogg': b'abc', 'authors.txt': b'x - y'}), tmp_path / 'out')
    assert (tmp_path / 'out' / 'Hit1.ogg').read_bytes() == b'abc'
    assert (tmp_path / 'out' / 'authors.txt').read_bytes() == b'x - y'
