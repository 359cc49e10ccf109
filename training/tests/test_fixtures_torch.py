"""Shared fixtures that need the PyTorch maths (latent transform both ways, the flow sampler): the committed files equal
a rebuild. The TypeScript halves: src/dsp/log-mel.test.ts, src/dsp/griffin-lim.test.ts, src/engine/sampling/flow-sampler.test.ts.
"""

import numpy as np
import pytest
from fixture_compare import assert_matches_committed, committed

torch = pytest.importorskip('torch')

from foley.export.fixtures import build_flow_sampler, build_latent_decoder, build_latent_parity  # noqa: E402


def test_latent_parity_fixture_is_reproduced():
    assert_matches_committed('latent-parity.json', build_latent_parity())


def test_latent_decoder_fixture_is_reproduced():
    assert_matches_committed('latent-decoder.json', build_latent_decoder())


def test_flow_sampler_fixture_is_reproduced():
    assert_matches_committed('flow-sampler.json', build_flow_sampler())


def test_flow_sampler_fixture_shows_the_noise_clamp_engage_past_max_steps():
    """Up to the pack's maxSteps the DiT's clamp max(1 − t, 0.05) never acts; one step more and the last step stops short."""
    from foley.flow import sample

    fixture = committed('flow-sampler.json')
    max_steps = fixture['maxSteps']['tiny']
    assert max_steps == round(1 / fixture['minNoiseLevel']) == fixture['maxSteps']['test']
    c, d = fixture['fields']['denoiser']['c'], fixture['fields']['denoiser']['d']
    start = torch.tensor(fixture['start'], dtype=torch.float64).view(1, 1, -1)
    unclamped = lambda x, t: (c * x + d - x) / (1 - t).view(-1, 1, 1)  # noqa: E731
    for run in fixture['runs']:
        if run['field'] != 'denoiser':
            continue
        exact = sample(unclamped, start, steps=run['steps'], method=run['method']).flatten().numpy()
        gap = np.abs(np.array(run['x1']) - exact).max()
        if run['steps'] <= max_steps:
            assert gap < 1e-12, f'{run["steps"]=} {gap=}'
        else:
            assert gap > 1e-3, f'{run["steps"]=} {gap=}'
