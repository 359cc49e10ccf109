"""Build the licensed sound-effect corpus for foley-tiny (never committed; rebuilt by this script).

    python -m foley.corpus --out work/corpus          # run from training/

Sources (each with its licence and credit in the ATTRIBUTION.md this script writes):
- GitHub sound packs already on disk (`--github-sfx`): CDDA-Soundpacks `sound/CC-Sounds` (per-directory credits.md
  rows) and AntumMT/mod-sounds `sounds/*.ogg` (per-pattern rows of sources.md).
- Small Debian packages fetched with `apt-get download` and unpacked with `dpkg -x` (no installs): ufoai-sound
  (per-file licences from the DEP-5 copyright file; GPL files dropped), minetest-data, openttd-opensfx (the licence
  is part of each sound's name inside opensfx.cat) and megaglest-data (effects, tileset ambiences; unit voices dropped).

Only CC0, CC-BY, CC-BY-SA and public-domain files are kept. Each file is converted with ffmpeg to 44.1 kHz float32
stereo WAV; files shorter than 0.1 s or silent (peak below -60 dBFS) are dropped, exact duplicates (same source
bytes) are kept once. Tags come from the words of the file's path (`tags.text_to_tags`), the category from the tags
(`tags.category_for`); speech, UI and weapons-only material is excluded. About 10 % of sound *families* (path with
digits removed, so walk_dirt_1..6 stay together) are held back as the eval split, chosen by hash.

Outputs in `--out`: `audio/<source>/<name>.wav`, `index.jsonl` (one JSON object per file: id, path, source,
sourcePath, licence, author, url, tags, category, durationSec, split) and `ATTRIBUTION.md`.
"""

from __future__ import annotations

import argparse
import fnmatch
import gzip
import hashlib
import json
import re
import struct
import subprocess
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import soundfile as sf

from foley import tags as tagmod

SAMPLE_RATE = 44100
MIN_DURATION_SEC = 0.1
SILENCE_PEAK = 1e-3  # -60 dBFS
EVAL_PERCENT = 10
DEBIAN_PACKAGES = ('ufoai-sound', 'minetest-data', 'openttd-opensfx', 'megaglest-data', 'openclonk-data')
# Words in a path that mark non-Foley material (speech, UI, music) — those files are skipped.
EXCLUDE_WORDS = frozenset(
    'ack select voice voices speech hurt die death scream civilians soldiers taunt laugh menu ui radio geoscape '
    'music seq skin mermaid vomit moan zombie undead ghost piano applause alarm siren hurt_f hurt_m fatigue'.split()
)
AUDIO_EXT = ('.ogg', '.wav', '.flac')


@dataclass
class SourceFile:
    src: Path
    source: str
    rel: str  # path shown in attribution and used for tags
    licence_raw: str
    author: str
    url: str = ''
    extra_tags: list[str] = field(default_factory=list)


def normalise_licence(raw: str) -> str | None:
    """SPDX-like id for allowed licences, None for anything else (GPL, NC, Sampling+, OGA-BY, unknown)."""
    s = raw.upper().replace('*', '').replace('_', '-').strip()
    s = re.sub(r'\s+', '-', s)
    s = s.replace('CREATIVE-COMMONS-ATTRIBUTION-SHAREALIKE', 'CC-BY-SA').replace('CREATIVE-COMMONS-ATTRIBUTION', 'CC-BY')
    s = s.replace('CREATIVE-COMMONS-ZERO', 'CC0')
    if 'GPL' in s or '-NC' in s or 'SAMPLING' in s or s.startswith('OGA'):
        return None
    # No derivatives (a trained model is one), or a second condition beside the licence (e.g. a trademark policy).
    if '-ND' in s or 'NODERIV' in s or '-AND-' in s:
        return None
    version = re.search(r'(\d\.\d)', s)
    ver = f'-{version.group(1)}' if version else ''
    if 'BY-SA' in s:
        return f'CC-BY-SA{ver}'
    if 'BY' in s:
        return f'CC-BY{ver}'
    if 'CC0' in s or 'CC-0' in s:
        return 'CC0-1.0'
    if 'PUBLIC-DOMAIN' in s or s == 'PD':
        return 'PD'
    return None


# ---------------------------------------------------------------- GitHub packs


def _md_rows(text: str) -> list[list[str]]:
    rows = []
    for line in text.splitlines():
        if line.startswith('|') and not re.match(r'^\|\s*-', line):
            rows.append([c.strip() for c in line.strip().strip('|').split('|')])
    return rows


def collect_cdda(root: Path) -> list[SourceFile]:
    base = root / 'sound' / 'CC-Sounds'
    out = []
    for credits in sorted(base.rglob('credits.md')):
        for row in _md_rows(credits.read_text(errors='replace')):
            if len(row) < 4 or not row[0].lower().endswith(AUDIO_EXT):
                continue
            src = credits.parent / row[0]
            if src.exists():
                rel = str(src.relative_to(base))
                out.append(SourceFile(src, 'cdda-soundpacks', rel, row[2], row[1], row[3]))
    return out


def collect_antum(root: Path) -> list[SourceFile]:
    text = (root / 'sources.md').read_text(errors='replace')
    links = dict(re.findall(r'^\[([^\]]+)\]:\s*(\S+)', text, flags=re.M))
    rules = []  # (glob on the name without prefix/extension, author, licence, url)
    for row in _md_rows(text):
        if len(row) < 3:
            continue
        m = re.match(r'\[(.+?)\]\[(.*?)\]', row[0])
        pattern, link = (m.group(1), m.group(2) or m.group(1)) if m else (row[0], '')
        if not re.match(r'^[\w.*\[\]-]+$', pattern):
            continue
        rules.append((pattern, row[1], row[2], links.get(link, '')))
    out = []
    for src in sorted((root / 'sounds').glob('*.ogg')):
        name = src.stem.removeprefix('sounds_')
        for candidate in (name, name.removeprefix('node_')):
            hit = next((r for r in rules if fnmatch.fnmatchcase(candidate, r[0])), None)
            if hit:
                author = hit[1] if '#authors' not in hit[1] else 'see AntumMT/mod-sounds sources.md (Authors Continued)'
                out.append(SourceFile(src, 'antum-mod-sounds', src.name, hit[2], author, hit[3]))
                break
    return out


# ---------------------------------------------------------------- Debian packages


def parse_dep5(text: str) -> list[tuple[list[str], str, str]]:
    """Stanzas of a machine-readable debian/copyright: (file globs, copyright, licence); later stanzas win."""
    stanzas = []
    for block in re.split(r'\n\s*\n', text):
        fields: dict[str, str] = {}
        key = None
        for line in block.splitlines():
            if line[:1] in (' ', '\t') and key:
                fields[key] += '\n' + line.strip()
            elif ':' in line:
                key, value = line.split(':', 1)
                fields[key] = value.strip()
        if 'Files' in fields and 'License' in fields:
            globs = fields['Files'].split()
            author = ' '.join(x for x in fields.get('Copyright', '').split('\n') if x)
            stanzas.append((globs, author, fields['License'].split('\n')[0]))
    return stanzas


def dep5_lookup(stanzas: list[tuple[list[str], str, str]], path: str) -> tuple[str, str]:
    found = ('', '')
    for globs, author, licence in stanzas:
        if any(fnmatch.fnmatchcase(path, g) for g in globs):
            found = (author, licence)
    return found


def fetch_debian(package: str, raw: Path) -> Path:
    """apt-get download + dpkg -x into raw/<package>; skipped when already unpacked."""
    dest = raw / package
    if not dest.exists():
        raw.mkdir(parents=True, exist_ok=True)
        subprocess.run(['apt-get', 'download', package], cwd=raw, check=True, capture_output=True)
        deb = next(raw.glob(f'{package}_*.deb'))
        subprocess.run(['dpkg', '-x', str(deb), str(dest)], check=True)
        deb.unlink()
    return dest


def collect_ufoai(pkg: Path) -> list[SourceFile]:
    stanzas = parse_dep5((pkg / 'usr/share/doc/ufoai-sound/copyright').read_text())
    unpacked = pkg / 'unzipped'
    if not unpacked.exists():
        pk3 = pkg / 'usr/share/games/ufoai/base/0snd.pk3'
        subprocess.run(['unzip', '-q', '-o', str(pk3), 'sound/*', '-d', str(unpacked)], check=True)
    out = []
    for src in sorted(unpacked.rglob('*.ogg')):
        rel = str(src.relative_to(unpacked))
        author, licence = dep5_lookup(stanzas, 'base/' + rel)
        out.append(SourceFile(src, 'ufoai-sound', rel, licence, author or 'The UFO:AI Team'))
    return out


def collect_minetest(pkg: Path) -> list[SourceFile]:
    stanzas = parse_dep5((pkg / 'usr/share/doc/minetest-data/copyright').read_text())
    game = pkg / 'usr/share/games/minetest/games/minetest_game'
    out = []
    for src in sorted(game.rglob('*.ogg')):
        rel = str(src.relative_to(game))
        author, licence = dep5_lookup(stanzas, 'mtg/' + rel)
        out.append(
            SourceFile(
                src,
                'minetest-data',
                rel,
                licence,
                author.split(',')[1].strip() if ',' in author else author,
                'https://github.com/minetest/minetest_game',
            )
        )
    return out


def collect_openttd(pkg: Path) -> list[SourceFile]:
    """opensfx.cat: a table of (offset, size) uint32; each entry is a length-prefixed name then a RIFF WAV."""
    cat = pkg / 'usr/share/games/openttd/baseset/opensfx/opensfx.cat'
    blob = cat.read_bytes()
    count = (struct.unpack_from('<I', blob, 0)[0] & 0x7FFFFFFF) // 8
    outdir = pkg / 'wav'
    outdir.mkdir(exist_ok=True)
    out = []
    for i in range(count):
        off, size = struct.unpack_from('<II', blob, i * 8)
        off &= 0x7FFFFFFF
        name = blob[off + 1 : off + 1 + blob[off]].split(b'\0')[0].decode('latin1')
        data = blob[off + 1 + blob[off] : off + size]
        if data[:4] != b'RIFF':
            continue
        dst = outdir / f'{i:02d}.wav'
        dst.write_bytes(data)
        title = re.match(r'"(.*?)"', name)
        licence = re.search(r'License:\s*(.*?)(?:\.\s|\.$|$)', name)
        credit = name[title.end() if title else 0 : licence.start() if licence else None].strip(' .')
        out.append(
            SourceFile(
                dst,
                'openttd-opensfx',
                f'opensfx/{i:02d} {title.group(1) if title else name}',
                licence.group(1) if licence else '',
                credit,
                'https://github.com/OpenTTD/OpenSFX',
            )
        )
    return out


def collect_megaglest(pkg: Path) -> list[SourceFile]:
    base = pkg / 'usr/share/games/megaglest'
    dirs = [base / 'techs/megapack/commondata/sounds', base / 'data/core/water_sounds', *base.glob('tilesets/*/sounds')]
    out = []
    for d in dirs:
        for src in sorted(d.iterdir()):
            if src.suffix.lower() in AUDIO_EXT:
                out.append(
                    SourceFile(
                        src,
                        'megaglest-data',
                        str(src.relative_to(base)),
                        'CC-BY-SA-3.0',
                        'The Glest Team, The MegaGlest Team',
                        'https://megaglest.org',
                    )
                )
    return out


def _c4_unscramble(header: bytes) -> bytes:
    out = bytearray(b ^ 237 for b in header)
    for i in range(0, len(out) - 2, 3):
        out[i], out[i + 2] = out[i + 2], out[i]
    return bytes(out)


def unpack_c4group(blob: bytes, dest: Path) -> None:
    """OpenClonk group files (.ocg): gzip with a 2-byte magic, a scrambled 204-byte header, 316-byte entries."""
    if blob[:2] == b'\x1e\x8c':
        blob = gzip.decompress(b'\x1f\x8b' + blob[2:])
    header = _c4_unscramble(blob[:204])
    if not header.startswith(b'RedWolf Design GrpFolder'):
        raise ValueError('not a C4Group file')
    count = struct.unpack_from('<i', header, 36)[0]
    base = 204 + 316 * count
    for i in range(count):
        entry = blob[204 + 316 * i : 204 + 316 * (i + 1)]
        name = entry[:260].split(b'\0')[0].decode('latin1')
        _, is_group, size, _, offset = struct.unpack_from('<iiiii', entry, 260)
        data = blob[base + offset : base + offset + size]
        if is_group:
            unpack_c4group(data, dest / name)
        else:
            dest.mkdir(parents=True, exist_ok=True)
            (dest / name).write_bytes(data)


def openclonk_credits(authors_txt: str) -> list[tuple[str, str, str, str]]:
    """(work stem without digits, work folder hint, author, url) from authors.txt lines "Author - Dir/Work1-3 (url)"."""
    credits, author = [], ''
    for line in authors_txt.splitlines():
        m = re.match(r'^(\S[^\t]*?)\s+-\s*(.*)$', line)
        if m and not line.startswith(('If ', 'The ', 'CC ')):
            author, works = m.group(1).strip(), m.group(2)
        elif line[:1] in (' ', '\t') and author:
            works = line.strip().lstrip('- ')
        else:
            continue
        url = re.search(r'https?://\S+?(?=\)|\s|$)', works)
        for work in re.sub(r'\(.*?\)', '', works).split(','):
            path = work.strip().split(' ')[0].replace('::', '/')
            stem = re.sub(r'[\d&*-]+$', '', path.split('/')[-1])
            if stem:
                hint = '/'.join(path.split('/')[:-1]).lower()
                credits.append((stem.lower(), hint, author, url.group(0) if url else ''))
    return credits


def openclonk_author(credits: list[tuple[str, str, str, str]], rel: str) -> tuple[str, str]:
    """Best credit for a file: same stem, and the work's folder hint (if any) inside the file's path."""
    stem = re.sub(r'\d+$', '', Path(rel).stem).lower()
    matches = [c for c in credits if c[0] == stem]
    fitting = [c for c in matches if c[1] and c[1] in rel.lower()] or [c for c in matches if not c[1]] or matches
    return (fitting[0][2], fitting[0][3]) if fitting else ('The OpenClonk Team (Sound.ocg/authors.txt)', '')


def collect_openclonk(pkg: Path) -> list[SourceFile]:
    """Sound.ocg: CC-BY-3.0 unless authors.txt says otherwise (its CC0 items are credited as CC-BY-3.0 too)."""
    unpacked = pkg / 'sound-unpacked'
    if not unpacked.exists():
        unpack_c4group((pkg / 'usr/share/games/openclonk/Sound.ocg').read_bytes(), unpacked)
    credits = openclonk_credits((unpacked / 'authors.txt').read_text(errors='replace'))
    out = []
    for src in sorted(unpacked.rglob('*')):
        if src.suffix.lower() not in AUDIO_EXT:
            continue
        rel = str(src.relative_to(unpacked)).replace('.ocg', '')
        author, url = openclonk_author(credits, rel)
        out.append(SourceFile(src, 'openclonk-data', rel, 'CC-BY-3.0', author, url or 'https://github.com/openclonk/openclonk'))
    return out


# ---------------------------------------------------------------- build


def split_for(item: SourceFile) -> str:
    family = re.sub(r'[\d_.-]+(?=\.\w+$)|\d+', '', f'{item.source}/{item.rel}')
    digest = int(hashlib.sha1(family.encode()).hexdigest(), 16)
    return 'eval' if digest % 100 < EVAL_PERCENT else 'train'


def split_compounds(text: str) -> str:
    """Path words like "breakglass07" or "heavyrain" become "break glass 07": two known words, each >= 3 letters."""
    out = []
    for word in tagmod.words(text):
        if tagmod.normalise_word(word) is None:
            for cut in range(3, len(word) - 2):
                if tagmod.normalise_word(word[:cut]) and tagmod.normalise_word(word[cut:]):
                    word = f'{word[:cut]} {word[cut:]}'
                    break
        out.append(word)
    return ' '.join(out)


def describe(item: SourceFile) -> dict | None:
    """Metadata row (without audio facts) or None when the file is excluded."""
    licence = normalise_licence(item.licence_raw)
    words = set(tagmod.words(item.rel))
    if licence is None or words & EXCLUDE_WORDS:
        return None
    tags, _ = tagmod.text_to_tags(split_compounds(Path(item.rel).with_suffix('').as_posix()))
    tags += [t for t in item.extra_tags if t not in tags]
    category = tagmod.category_for(tags)
    if category in ('gun', 'other'):
        return None
    name = re.sub(r'[^\w.-]+', '_', Path(item.rel).with_suffix('').as_posix())
    return {
        'id': f'{item.source}/{name}',
        'path': f'audio/{item.source}/{name}.wav',
        'source': item.source,
        'sourcePath': item.rel,
        'licence': licence,
        'author': item.author,
        'url': item.url,
        'tags': tags,
        'category': category,
        'split': split_for(item),
    }


def convert(src: Path, dst: Path) -> float | None:
    """ffmpeg to 44.1 kHz float32 stereo; returns duration in seconds, or None if too short/silent/undecodable."""
    dst.parent.mkdir(parents=True, exist_ok=True)
    if dst.exists():  # a rebuild only re-derives metadata
        return sf.info(dst).frames / SAMPLE_RATE
    cmd = [
        'nice',
        '-n',
        '10',
        'ffmpeg',
        '-nostdin',
        '-loglevel',
        'error',
        '-y',
        '-i',
        str(src),
        '-ac',
        '2',
        '-ar',
        str(SAMPLE_RATE),
        '-c:a',
        'pcm_f32le',
        str(dst),
    ]
    if subprocess.run(cmd, capture_output=True).returncode != 0:
        return None
    audio, rate = sf.read(dst, dtype='float32', always_2d=True)
    duration_sec = audio.shape[0] / rate
    if duration_sec < MIN_DURATION_SEC or not np.isfinite(audio).all() or np.abs(audio).max() < SILENCE_PEAK:
        dst.unlink()
        return None
    return duration_sec


def collect_all(github_sfx: Path, raw: Path) -> list[SourceFile]:
    items = collect_cdda(github_sfx / 'cdda-soundpacks') + collect_antum(github_sfx / 'antum-mod-sounds')
    collectors = {
        'ufoai-sound': collect_ufoai,
        'minetest-data': collect_minetest,
        'openttd-opensfx': collect_openttd,
        'megaglest-data': collect_megaglest,
        'openclonk-data': collect_openclonk,
    }
    for package in DEBIAN_PACKAGES:
        items += collectors[package](fetch_debian(package, raw))
    return items


def build(out: Path, github_sfx: Path, raw: Path, workers: int = 2) -> list[dict]:
    rows: list[tuple[SourceFile, dict]] = []
    seen: set[str] = set()
    paths: set[str] = set()
    for item in collect_all(github_sfx, raw):
        row = describe(item)
        digest = hashlib.md5(item.src.read_bytes()).hexdigest()
        if row is None or digest in seen or row['path'] in paths:
            continue
        seen.add(digest)
        paths.add(row['path'])
        rows.append((item, row))
    with ThreadPoolExecutor(workers) as pool:
        durations = list(pool.map(lambda pair: convert(pair[0].src, out / pair[1]['path']), rows))
    index = []
    for (_, row), duration_sec in zip(rows, durations, strict=True):
        if duration_sec is not None:
            index.append({**row, 'durationSec': round(duration_sec, 4)})
    with open(out / 'index.jsonl', 'w') as f:
        f.writelines(json.dumps(r) + '\n' for r in index)
    write_attribution(out / 'ATTRIBUTION.md', index)
    return index


def write_attribution(path: Path, index: list[dict]) -> None:
    lines = [
        '# foley-tiny training corpus: attribution',
        '',
        'Sound effects used to train this model, with their authors and licences (CC0, CC-BY, CC-BY-SA, public '
        'domain). The trained weights are released under CC-BY-SA-4.0 because of the share-alike material.',
        '',
        '| file | author | licence | source | url |',
        '|---|---|---|---|---|',
    ]
    for r in sorted(index, key=lambda r: r['id']):
        cells = [r['sourcePath'], r['author'], r['licence'], r['source'], r['url']]
        lines.append('| ' + ' | '.join(c.replace('|', '/').replace('\n', ' ') for c in cells) + ' |')
    path.write_text('\n'.join(lines) + '\n')


def summarise(index: list[dict]) -> dict:
    def count(key: str) -> dict:
        out: dict = {}
        for r in index:
            out[r[key]] = out.get(r[key], 0) + 1
        return dict(sorted(out.items(), key=lambda kv: -kv[1]))

    return {
        'files': len(index),
        'minutes': round(sum(r['durationSec'] for r in index) / 60, 1),
        'licence': count('licence'),
        'category': count('category'),
        'source': count('source'),
        'split': count('split'),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--out', type=Path, default=Path('work/corpus'))
    parser.add_argument('--github-sfx', type=Path, default=Path('/work/shared/data/github-sfx'))
    parser.add_argument('--raw', type=Path, default=None, help='download/unpack dir (default: <out>/../corpus-raw)')
    parser.add_argument('--workers', type=int, default=2)
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    raw = args.raw or args.out.parent / 'corpus-raw'
    index = build(args.out, args.github_sfx, raw.resolve(), args.workers)
    print(json.dumps(summarise(index), indent=1))


if __name__ == '__main__':
    main()
