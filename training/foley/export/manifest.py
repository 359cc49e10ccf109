"""A pack's manifest.json: written here, validated against docs/model-pack.schema.json (the engine reads the same file).

Torch-free, so the CI tests check what the exporter writes without a model. `pack.py` passes what only the networks
know (modalities, known kinds, the step limit); `upgrade` rewrites an older manifest to this schema version without
touching its ONNX files:

    python -m foley.export.manifest --pack ../public/models/foley-tiny   # from training/
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import jsonschema

from foley import tags
from foley.config import FoleyConfig

SCHEMA_VERSION = 2
SCHEMA_PATH = Path(__file__).resolve().parents[3] / 'docs' / 'model-pack.schema.json'
# The methods foley.flow.sample implements and src/engine/sampling/flow-sampler.ts runs; either is exact up to
# sampler.maxSteps (Heun's last step is Euler, so neither evaluates the DiT at t = 1).
SOLVERS = ('euler', 'heun')


def schema() -> dict:
    return json.loads(SCHEMA_PATH.read_text())


def cross_field_errors(m: dict) -> list[str]:
    """What JSON Schema cannot say: fields that must agree with each other. src/engine/pack/manifest.ts says the
    same in the same words (training/fixtures/manifest-refusals.json holds both to it)."""
    latent, loudness, sampler = m['latent'], m['loudness'], m['sampler']
    errors = []
    if latent['fmaxHz'] > m['sampleRate'] / 2:
        errors.append(f'latent.fmaxHz ({latent["fmaxHz"]:g}) must be at most sampleRate / 2 ({m["sampleRate"] / 2:g})')
    if loudness['minLufs'] >= loudness['maxLufs']:
        errors.append(f'loudness.minLufs ({loudness["minLufs"]:g}) must be below loudness.maxLufs ({loudness["maxLufs"]:g})')
    if sampler['overlapSec'] >= sampler['windowSec']:
        errors.append(f'sampler.overlapSec ({sampler["overlapSec"]:g}) must be below sampler.windowSec ({sampler["windowSec"]:g})')
    if sampler['maxSteps'] < sampler['steps']:
        errors.append(f'sampler.maxSteps ({sampler["maxSteps"]}) must be at least sampler.steps ({sampler["steps"]})')
    if sampler['method'] not in sampler['solvers']:
        errors.append(f'sampler.method "{sampler["method"]}" must be one of sampler.solvers ({", ".join(sampler["solvers"])})')
    text = m['conditioning']['text']
    tags_known = set(text['vocabulary'][2:])
    for word, found in text['synonyms'].items():
        errors += [f'conditioning.text.synonyms.{word} gives "{t}", which is not in the vocabulary' for t in found if t not in tags_known]
    width = len(m['conditioning']['modalities'])
    shapes = [t['shape'] for t in m['components']['dit']['inputs'] if t['name'] == 'cond_mask']
    if shapes != [[1, width]]:
        got = f'has shape {json.dumps(shapes[0])}' if shapes else 'has no input'
        errors.append(f'components.dit cond_mask {got}; conditioning.modalities makes it [1, {width}]')
    return errors


def validate(m: dict) -> None:
    """Raises ValueError naming the first problem."""
    error = jsonschema.exceptions.best_match(jsonschema.Draft202012Validator(schema()).iter_errors(m))
    if error is not None:
        raise ValueError(f'manifest.json: {error.json_path}: {error.message}')
    problems = cross_field_errors(m)
    if problems:
        raise ValueError(f'manifest.json: {"; ".join(problems)}')


def latent_section(cfg: FoleyConfig) -> dict:
    """The manifest's `latent` block: how audio becomes the model's log-mel latent (the fixtures reuse it)."""
    return {
        'kind': 'log-mel',
        'nFft': cfg.n_fft,
        'hop': cfg.hop,
        'nMels': cfg.n_mels,
        'fminHz': cfg.fmin_hz,
        'fmaxHz': cfg.fmax_hz,
        'logFloor': cfg.log_floor,
        'mean': cfg.latent_mean,
        'std': cfg.latent_std,
        'lengthMultiple': cfg.length_multiple,
    }


def build(
    cfg: FoleyConfig,
    *,
    pack_id: str,
    version: str,
    purpose: str,
    description: str,
    license_id: str,
    components: dict,
    modalities: tuple[str, ...],
    known_kinds: tuple[str, ...],
    max_reference_sec: float,
    max_steps: int,
) -> dict:
    """Every field of docs/model-pack.schema.json; validated before it is returned."""
    m = {
        'schemaVersion': SCHEMA_VERSION,
        'id': pack_id,
        'version': version,
        'purpose': purpose,
        'description': description,
        'license': license_id,
        'sampleRate': cfg.sample_rate,
        'channels': cfg.channels,
        'latent': latent_section(cfg),
        'decoder': {'kind': 'griffin-lim', 'iterations': cfg.griffin_lim_iterations, 'momentum': cfg.griffin_lim_momentum},
        'video': {'visualFps': cfg.visual_fps, 'syncFps': cfg.sync_fps, 'width': cfg.frame_size, 'height': cfg.frame_size},
        'loudness': {'curveRate': cfg.curve_rate, 'windowSec': cfg.loudness_window_sec, 'minLufs': cfg.min_lufs, 'maxLufs': cfg.max_lufs},
        'sampler': {
            'steps': cfg.steps,
            'cfgScale': cfg.cfg_scale,
            'method': cfg.method,
            'windowSec': cfg.window_sec,
            'overlapSec': cfg.overlap_sec,
            'maxSteps': max_steps,
            'solvers': list(SOLVERS),
        },
        'conditioning': {
            'modalities': list(modalities),
            'text': tags.text_rules(cfg.vocabulary, cfg.max_tokens),
            'audioPrompt': {'maxSec': cfg.prompt_max_sec, 'minSec': cfg.prompt_min_sec},
            'known': {'kinds': list(known_kinds), 'maxReferenceSec': max_reference_sec},
        },
        'components': components,
    }
    validate(m)
    return m


def upgrade(m: dict) -> dict:
    """A schema-1 (or current) manifest at this schema version: the text rules from tags.py for its own vocabulary,
    the solvers; every other field, and so every file hash, unchanged. Schema-1 packs without maxSteps get none
    here: their DiT's limit is unknown, so they stay refused until re-exported."""
    text = m['conditioning']['text']
    upgraded = {
        **m,
        'schemaVersion': SCHEMA_VERSION,
        'sampler': {**m['sampler'], 'solvers': list(SOLVERS)},
        'conditioning': {**m['conditioning'], 'text': tags.text_rules(text['vocabulary'], text['maxTokens'])},
    }
    validate(upgraded)
    return upgraded


def write(path: Path, m: dict) -> None:
    path.write_text(json.dumps(m, indent=2) + '\n')


def main() -> None:
    parser = argparse.ArgumentParser(description="Rewrites a pack's manifest.json at the current schema version.")
    parser.add_argument('--pack', type=Path, required=True, help='pack folder')
    args = parser.parse_args()
    path = args.pack / 'manifest.json'
    write(path, upgrade(json.loads(path.read_text())))
    print(f'wrote {path} (schema version {SCHEMA_VERSION})')


if __name__ == '__main__':
    main()
