"""docs/model-pack.schema.json against the exporter: the manifests it writes and the committed packs' validate, and
the edits in training/fixtures/manifest-refusals.json are refused (vitest holds parseManifest to the same table).

Torch-free: foley.export.manifest needs only the config, tags.py and jsonschema.
"""

from __future__ import annotations

import copy
import dataclasses
import json
from pathlib import Path

import jsonschema
import pytest

from foley import tags
from foley.config import preset
from foley.export import manifest

REPO = Path(__file__).resolve().parents[2]
PACK_DIRS = sorted(p.parent for p in (REPO / 'public' / 'models').glob('*/manifest.json'))
REFUSALS = json.loads((REPO / 'training' / 'fixtures' / 'manifest-refusals.json').read_text())['cases']


def load(pack: Path) -> dict:
    return json.loads((pack / 'manifest.json').read_text())


def test_the_schema_is_draft_2020_12():
    jsonschema.Draft202012Validator.check_schema(manifest.schema())


@pytest.mark.parametrize('pack', PACK_DIRS, ids=lambda p: p.name)
def test_committed_manifest_validates_and_is_what_the_exporter_writes_now(pack: Path):
    m = load(pack)
    manifest.validate(m)
    # tags.py is the source of the text rules: a synonym or stop word changed there needs the manifests rewritten
    # (python -m foley.export.manifest --pack …), which changes no ONNX file.
    assert manifest.upgrade(m) == m, f'{pack.name}: rewrite it with python -m foley.export.manifest --pack {pack}'


def test_the_test_pack_manifest_is_what_build_writes_for_the_test_preset():
    committed = load(REPO / 'public' / 'models' / 'foley-test')
    built = manifest.build(
        preset('test'),
        pack_id=committed['id'],
        version=committed['version'],
        purpose=committed['purpose'],
        description=committed['description'],
        license_id=committed['license'],
        components=committed['components'],
        # What only the networks (torch) know; test_export.py builds a pack with the real values.
        modalities=tuple(committed['conditioning']['modalities']),
        known_kinds=tuple(committed['conditioning']['known']['kinds']),
        max_reference_sec=committed['conditioning']['known']['maxReferenceSec'],
        max_steps=committed['sampler']['maxSteps'],
    )
    assert built == committed
    assert built['conditioning']['text'] == tags.text_rules(preset('test').vocabulary, preset('test').max_tokens)


def test_build_refuses_what_it_cannot_describe():
    cfg = preset('test')
    args = dict(pack_id='foley-test', version='0.1.0', purpose='test', description='d', license_id='CC0-1.0',
                components=load(REPO / 'public' / 'models' / 'foley-test')['components'],
                modalities=('video', 'loudness', 'text', 'audio'), known_kinds=('clip', 'reference'), max_reference_sec=2.0)  # fmt: skip
    with pytest.raises(ValueError, match=r'sampler.maxSteps \(3\) must be at least sampler.steps \(4\)'):
        manifest.build(cfg, **args, max_steps=3)
    with pytest.raises(ValueError, match='rk4'):
        manifest.build(dataclasses.replace(cfg, method='rk4'), **args, max_steps=20)


def edited(base: dict, case: dict) -> dict:
    m = copy.deepcopy(base)
    for path, value in case.get('set', {}).items() or [(case['delete'], None)]:
        *parents, last = path.split('.')
        node = m
        for key in parents:
            node = node[int(key)] if isinstance(node, list) else node[key]
        if 'delete' in case:
            del node[last]
        elif isinstance(node, list):
            node[int(last)] = value
        else:
            node[last] = value
    return m


@pytest.mark.parametrize('case', REFUSALS, ids=lambda c: c['message'][:60])
def test_refused_edits(case: dict):
    m = edited(load(REPO / 'public' / 'models' / 'foley-test'), case)
    schema_errors = list(jsonschema.Draft202012Validator(manifest.schema()).iter_errors(m))
    if schema_errors:
        # Refused for the field the case names (its message starts with that field's path).
        paths = [e.json_path.removeprefix('$').removeprefix('.') or 'manifest.json' for e in schema_errors]
        assert any(case['message'].startswith(p) for p in paths), paths
        return
    # Not a schema matter: a cross-field check must refuse it, in the words the engine uses.
    assert any(case['message'] in e for e in manifest.cross_field_errors(m)), manifest.cross_field_errors(m)
