"""Photographs and photo-sourced material maps as the synthetic scenes' backgrounds, and H.264 round trips of the
rendered clips (issue 8, item 3: training video that looks real).

Rendered backgrounds are smooth noise, stripes and checks; real footage is detailed texture everywhere, so a
pan over a brick wall moves every pixel while nothing sounds. These textures replace the procedural world texture
of most clips (and, for some, a second material as the ground); `h264_round_trip` then passes the finished frames
through a real encoder at a random quality, at twice the model's frame size, as footage that was compressed before
it was scaled down.

Sources (fetched with `apt-get download`, never committed; every image's licence read from its package's DEP-5
copyright file and kept only when `corpus.normalise_licence` allows it — CC0, CC-BY, CC-BY-SA, public domain;
credited in the pool's ATTRIBUTION-images.md):
- lomiri-wallpapers-16.04, -20.04: 19 wallpapers, 15 of them photographs (landscapes, foliage, a room, objects).
- mypaint-data-extras: CC0 scans of paper, canvas and cork.
- redeclipse-data: photo-sourced tileable materials (data/wicked: rock, stone, tile, wood, metal, snow, grass;
  data/trak: rust, plaster, concrete, doors; data/nobiax). Normal, specular and height maps and masks are left out
  (by name, and blue-dominant normal maps by colour).
Left out: blender-data's CC0 HDR panoramas (EXR; tone-mapping them is more work than 8 images are worth here), and
the copyleft photo sets (GPL: not shippable with the model's licence).

Build the pool once (seconds after the downloads): `python -m foley.photo_textures --out work/photos`.
Images are decoded and scaled by ffmpeg (no imaging library): the centre square of each at 256×256 RGB.
"""

from __future__ import annotations

import argparse
import json
import subprocess
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from scipy.ndimage import zoom

from foley.corpus import dep5_lookup, fetch_debian, normalise_licence, parse_dep5
from foley.synth_canvas import TEX

POOL_SIZE = 256  # px: each image's centre square, scaled
IMAGE_SUFFIXES = ('.jpg', '.jpeg', '.png')
# Material-map channels that are not colour (Sauerbraten/Red Eclipse naming: name + n/s/z, or _n, _nm, _spec, …).
NOT_COLOUR = ('_n', '_nm', '_norm', '_normal', '_s', '_spec', '_gloss', '_h', '_height', '_bump', '_local', '_mask')

NOT_COLOUR_NAMES = ('normal', 'normals', 'mask', 'masks', 'height', 'specular')
# freezurbern is left out: its images are skybox faces, not materials.
REDECLIPSE_DIRS = ('wicked', 'trak', 'nobiax')


@dataclass(frozen=True)
class ImageSource:
    path: Path
    shown: str  # path in the attribution
    licence: str
    author: str
    package: str


def _is_colour_map(path: Path, stems: set[str]) -> bool:
    stem = path.stem.lower()
    if any(stem.endswith(s) for s in NOT_COLOUR) or stem in NOT_COLOUR_NAMES:
        return False
    # name + one of n/s/z next to the plain name (or, as in data/wicked, next to name + d, the diffuse colour map):
    # the normal, specular and height maps of a material.
    return not (stem[-1:] in ('n', 's', 'z') and (stem[:-1] in stems or stem[:-1] + 'd' in stems))


def collect_sources(raw: Path) -> list[ImageSource]:
    sources: list[ImageSource] = []
    for package, release in (('lomiri-wallpapers-16.04', '16.04/'), ('lomiri-wallpapers-20.04', '20.04/')):
        pkg = fetch_debian(package, raw)
        stanzas = parse_dep5((pkg / f'usr/share/doc/{package}/copyright').read_text())
        for path in sorted((pkg / 'usr/share/backgrounds').glob('*.jpg')):
            author, licence = dep5_lookup(stanzas, release + path.name)
            sources.append(ImageSource(path, f'{package}: {path.name}', licence, author, package))
    pkg = fetch_debian('mypaint-data-extras', raw)
    stanzas = parse_dep5((pkg / 'usr/share/doc/mypaint-data-extras/copyright').read_text())
    for path in sorted((pkg / 'usr/share/mypaint/backgrounds').rglob('*.png')):
        rel = str(path.relative_to(pkg / 'usr/share/mypaint'))
        author, licence = dep5_lookup(stanzas, rel)
        sources.append(ImageSource(path, f'mypaint-data-extras: {rel}', licence, author, 'mypaint-data-extras'))
    pkg = fetch_debian('redeclipse-data', raw)
    stanzas = parse_dep5((pkg / 'usr/share/doc/redeclipse-data/copyright').read_text())
    root = pkg / 'usr/share/games/redeclipse'
    for folder in REDECLIPSE_DIRS:
        files = sorted(p for p in (root / 'data' / folder).rglob('*') if p.suffix.lower() in IMAGE_SUFFIXES)
        stems = {p.stem.lower() for p in files}
        for path in files:
            if _is_colour_map(path, stems):
                rel = str(path.relative_to(root))
                author, licence = dep5_lookup(stanzas, rel)
                sources.append(ImageSource(path, f'redeclipse-data: {rel}', licence, author, 'redeclipse-data'))
    return [s for s in sources if normalise_licence(s.licence)]


def decode_square(path: Path, size: int = POOL_SIZE) -> np.ndarray | None:
    """The image's centre square as uint8 [size, size, 3] (ffmpeg), or None when ffmpeg cannot read it."""
    vf = f"crop='min(iw,ih)':'min(iw,ih)',scale={size}:{size}:flags=area"
    cmd = ['ffmpeg', '-v', 'error', '-threads', '1', '-i', str(path), '-vf', vf, '-frames:v', '1',
           '-f', 'rawvideo', '-pix_fmt', 'rgb24', '-']  # fmt: skip
    out = subprocess.run(cmd, capture_output=True)
    if out.returncode != 0 or len(out.stdout) != size * size * 3:
        return None
    return np.frombuffer(out.stdout, np.uint8).reshape(size, size, 3)


def _looks_like_normal_map(image: np.ndarray) -> bool:
    mean = image.reshape(-1, 3).mean(0)
    return bool(mean[2] > 200 and abs(mean[0] - 128) < 30 and abs(mean[1] - 128) < 30)


def build_pool(out: Path, raw: Path) -> dict:
    images, rows = [], []
    for source in collect_sources(raw):
        image = decode_square(source.path)
        if image is None or _looks_like_normal_map(image) or image.std() < 4:  # unreadable, normal map, flat colour
            continue
        images.append(image)
        rows.append(source)
    out.mkdir(parents=True, exist_ok=True)
    np.save(out / 'images.npy', np.stack(images))
    lines = [
        '# foley-tiny training video: image attribution',
        '',
        'Photographs and material maps used as backgrounds of the synthetic training scenes, with their authors and '
        'licences (CC0, CC-BY, CC-BY-SA, public domain; from the Debian packages named).',
        '',
        '| image | author | licence |',
        '|---|---|---|',
    ]
    for s in rows:
        lines.append(f'| {s.shown} | {s.author.replace("|", "/")} | {normalise_licence(s.licence)} |')
    (out / 'ATTRIBUTION-images.md').write_text('\n'.join(lines) + '\n')
    counts: dict[str, int] = {}
    for s in rows:
        counts[s.package] = counts.get(s.package, 0) + 1
    summary = {'images': len(rows), 'byPackage': counts}
    (out / 'pool.json').write_text(json.dumps(summary, indent=1))
    return summary


class PhotoLook:
    """What a clip looks like when it is drawn over photographs and compressed (one per shard being built)."""

    def __init__(self, pool_dir: Path, photo_p: float = 0.8, ground_p: float = 0.5, codec_p: float = 0.8):
        self.images = np.load(Path(pool_dir) / 'images.npy', mmap_mode='r')
        self.photo_p, self.ground_p, self.codec_p = photo_p, ground_p, codec_p

    def describe(self) -> dict:
        """What a shard's meta.json records about the look it was drawn with."""
        return {'images': len(self.images), 'photoP': self.photo_p, 'groundP': self.ground_p, 'codecP': self.codec_p}

    def _crop(self, rng: np.random.Generator) -> np.ndarray:
        image = self.images[int(rng.integers(len(self.images)))]
        # Half the image to all of it, scaled down to the texture: real footage is detailed at 64 px, an upscaled crop is not.
        side = int(rng.integers(TEX, POOL_SIZE + 1))
        y, x = (int(v) for v in rng.integers(0, POOL_SIZE - side + 1, 2))
        crop = np.asarray(image[y : y + side, x : x + side], np.float32) / 255
        if rng.uniform() < 0.5:
            crop = crop[:, ::-1]
        return zoom(crop, (TEX / side, TEX / side, 1), order=1)[:TEX, :TEX]

    def texture(self, rng: np.random.Generator, ground_y: float, procedural: np.ndarray) -> np.ndarray:
        """The world texture for one shot: a photograph (and sometimes another as the ground), or the procedural one."""
        if rng.uniform() >= self.photo_p:
            return procedural
        tex = self._crop(rng)
        if rng.uniform() < self.ground_p:
            ground_row = int(np.clip(ground_y + 32, 0, TEX))
            tex[ground_row:] = self._crop(rng)[ground_row:] * rng.uniform(0.6, 1.0)
        return np.ascontiguousarray(tex, np.float32)

    def compress(self, frames: np.ndarray, rng: np.random.Generator, fps: int) -> np.ndarray:
        """uint8 [T, SIZE, SIZE, 3] → the same after an H.264 round trip at 2× size (or unchanged, 1 − codec_p)."""
        if rng.uniform() >= self.codec_p:
            return frames
        return h264_round_trip(frames, int(rng.integers(18, 43)), fps)


def h264_round_trip(frames: np.ndarray, crf: int, fps: int, scale: int = 2) -> np.ndarray:
    """Encode with libx264 (yuv420p, CRF `crf`) at `scale`× the frame size, decode, scale back down (area)."""
    t, h, w, _ = frames.shape
    big = f'{w * scale}x{h * scale}'
    raw_in = ['-f', 'rawvideo', '-pix_fmt', 'rgb24', '-s']
    # One thread: the shard builder runs a process per core already, and x264's output then does not depend on them.
    encode = ['ffmpeg', '-v', 'error', '-threads', '1', *raw_in, f'{w}x{h}', '-r', str(fps), '-i', '-',
              '-vf', f'scale={big}:flags=bilinear', '-c:v', 'libx264', '-preset', 'veryfast', '-crf', str(crf),
              '-pix_fmt', 'yuv420p', '-f', 'h264', '-']  # fmt: skip
    stream = subprocess.run(encode, input=np.ascontiguousarray(frames).tobytes(), capture_output=True, check=True).stdout
    decode = ['ffmpeg', '-v', 'error', '-threads', '1', '-f', 'h264', '-i', '-', '-vf', f'scale={w}:{h}:flags=area',
              '-f', 'rawvideo', '-pix_fmt', 'rgb24', '-']  # fmt: skip
    out = subprocess.run(decode, input=stream, capture_output=True, check=True).stdout
    decoded = np.frombuffer(out, np.uint8)
    if decoded.size != frames.size:
        raise RuntimeError(f'H.264 round trip returned {decoded.size // (h * w * 3)} of {t} frames')
    return decoded.reshape(frames.shape).copy()


def main() -> None:
    parser = argparse.ArgumentParser(description='Build the photographic texture pool for the synthetic scenes')
    parser.add_argument('--out', type=Path, required=True)
    parser.add_argument('--raw', type=Path, default=Path('work/corpus-raw'))
    args = parser.parse_args()
    print(json.dumps(build_pool(args.out, args.raw), indent=1))


if __name__ == '__main__':
    main()
