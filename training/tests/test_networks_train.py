"""Training-batch plumbing: time grids, interpolation, masks and one optimisation step on a made-up clip."""

from __future__ import annotations

import copy

import numpy as np
import pytest

torch = pytest.importorskip('torch')

from foley.config import preset  # noqa: E402
from foley.networks import FoleyModel  # noqa: E402
from foley.train import (  # noqa: E402
    PICTURE_PARTS,
    freeze_all_but,
    freeze_all_but_predictor,
    interp_matrix,
    losses,
    loudness_at_latent_frames,
    make_batch,
)


def fake_item(rng: np.random.Generator, duration_sec: float = 1.0, prompt: bool = True) -> dict:
    n = int(duration_sec * 44100)
    return {
        'frames': rng.random((int(duration_sec * 24), 3, 64, 64), dtype=np.float32),
        'audio': (0.1 * rng.standard_normal((2, n))).astype(np.float32),
        'token_ids': np.array([3, 5]),
        'prompt_audio': (0.1 * rng.standard_normal((2, 30000))).astype(np.float32) if prompt else None,
        'loudness_lufs': np.full((2, int(np.ceil(duration_sec * 6))), -20.0, np.float32),
    }


def test_interp_matrix_rows_are_linear_weights():
    weights = interp_matrix(np.arange(4) / 24, np.array([0.0, 1 / 48, 10.0]))
    np.testing.assert_allclose(weights.sum(axis=1), 1.0)
    np.testing.assert_allclose(weights[1, :2], [0.5, 0.5])
    assert weights[2, 3] == 1.0, 'times past the last frame clamp to it'


def test_loudness_curve_is_normalised_at_latent_frames():
    cfg = preset('test')
    curve = loudness_at_latent_frames(np.array([[-70.0, -35.0, 0.0]]), cfg, 40)
    assert curve.shape == (40, 1)
    assert curve.min() == 0.0 and curve.max() == 1.0
    assert np.all(np.diff(curve[:, 0]) >= 0)


def test_one_training_step_reduces_nothing_to_nan():
    cfg = preset('test')
    rng = np.random.default_rng(0)
    model = FoleyModel(cfg=cfg)
    batch = make_batch([fake_item(rng), fake_item(rng, prompt=False)], cfg, rng)
    assert batch['latent'].shape[1] % cfg.patch == 0
    assert batch['valid'].sum(dim=1).tolist() == [cfg.latent_frames(1.0)] * 2
    flow, loud = losses(model, batch, torch.Generator().manual_seed(0))
    (flow + loud).backward()
    assert torch.isfinite(flow) and torch.isfinite(loud)
    assert all(torch.isfinite(p.grad).all() for p in model.parameters() if p.grad is not None)


def model_and_ema_apart(seed: int) -> tuple[FoleyModel, FoleyModel, dict]:
    """A test-preset model, an EMA copy whose every weight differs from it, and a batch of two fake items."""
    cfg = preset('test')
    rng = np.random.default_rng(seed)
    model = FoleyModel(cfg=cfg)
    ema = copy.deepcopy(model)
    for p in ema.parameters():
        p.data.add_(0.01)
    return model, ema, make_batch([fake_item(rng), fake_item(rng, prompt=False)], cfg, rng)


def test_predictor_only_learns_the_predictor_alone():
    model, ema, batch = model_and_ema_apart(1)
    freeze_all_but_predictor(model, ema)
    assert all(torch.equal(a, b) for a, b in zip(model.state_dict().values(), ema.state_dict().values(), strict=True))
    flow, loud = losses(model, batch, torch.Generator().manual_seed(0), predictor_only=True)
    assert flow.item() == 0.0 and loud.item() > 0
    loud.backward()
    learning = {name for name, p in model.named_parameters() if p.grad is not None and p.grad.abs().sum() > 0}
    assert learning and all(name.startswith('loudness_predictor.') for name in learning)


def test_picture_only_learns_what_reads_the_picture():
    model, ema, batch = model_and_ema_apart(3)
    raw = {name: p.detach().clone() for name, p in model.named_parameters()}
    averaged = dict(ema.named_parameters())
    freeze_all_but(model, ema, PICTURE_PARTS, resuming=True)
    for name, p in model.named_parameters():  # resumed: frozen parts are the EMA, learning parts keep their raw weights
        assert torch.equal(p, raw[name] if p.requires_grad else averaged[name])
    freeze_all_but(model, ema, PICTURE_PARTS)  # a fresh run starts everything at the EMA
    assert all(torch.equal(p, averaged[name]) for name, p in model.named_parameters())
    flow, _ = losses(model, batch, torch.Generator().manual_seed(0))
    flow.backward()
    learning = {name.split('.')[0] for name, p in model.named_parameters() if p.grad is not None and p.grad.abs().sum() > 0}
    # The flow loss alone reaches the encoders and adapters through the DiT (the predictor learns from the loudness loss).
    assert learning == {'visual_encoder', 'sync_encoder', 'adapters'}
    frozen_before = {name: p.detach().clone() for name, p in model.named_parameters() if not p.requires_grad}
    assert {name.split('.')[0] for name in frozen_before} == {'dit', 'text_encoder', 'audio_prompt_encoder'}
    optimizer = torch.optim.AdamW(model.parameters(), lr=1e-2, weight_decay=0.01)
    optimizer.step()  # weight decay must not touch what is frozen
    assert all(torch.equal(p, frozen_before[name]) for name, p in model.named_parameters() if not p.requires_grad)


@pytest.mark.parametrize('probability', [0.0, 1.0])
def test_predicted_curve_rows_give_the_dit_the_prediction(probability: float, monkeypatch: pytest.MonkeyPatch):
    cfg = preset('test')
    rng = np.random.default_rng(2)
    model = FoleyModel(cfg=cfg)
    batch = make_batch([fake_item(rng, prompt=False), fake_item(rng, prompt=False)], cfg, rng)
    seen = {}
    velocity = model.dit.velocity

    def spy(*args):
        seen['curve'] = args[4]
        return velocity(*args)

    monkeypatch.setattr(model.dit, 'velocity', spy)
    predicted = {}
    predictor = model.loudness_predictor.forward
    monkeypatch.setattr(model.loudness_predictor, 'forward', lambda *a: predicted.setdefault('curve', predictor(*a)))
    losses(model, batch, torch.Generator().manual_seed(0), predicted_curve=probability)
    plain = batch['prefix'] == 0
    assert plain.any()
    expected = predicted['curve'] if probability == 1.0 else batch['loudness']
    torch.testing.assert_close(seen['curve'][plain], expected[plain].detach())
    assert not torch.equal(predicted['curve'][plain].detach(), batch['loudness'][plain]), 'the two curves differ'
