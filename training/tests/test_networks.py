"""Shapes and invariants of the PyTorch components."""

from __future__ import annotations

import pytest

torch = pytest.importorskip('torch')

from foley.config import preset  # noqa: E402
from foley.networks import FoleyModel  # noqa: E402


def test_preset_sizes():
    tiny = preset('tiny')
    assert tiny.latent_frames(10.0) == 862 and tiny.padded_latent_frames(10.0) == 864 and tiny.tokens(10.0) == 216
    params = sum(p.numel() for p in FoleyModel(cfg=tiny).parameters())
    assert params * 4 < 55e6, 'the tiny pack must stay under 60 MB'
    with pytest.raises(KeyError, match='valid: test, tiny'):
        preset('huge')


def test_shapes_for_any_length():
    cfg = preset('test')
    model = FoleyModel(cfg=cfg).eval()
    with torch.no_grad():
        for length in (4, 12):
            visual = model.visual_encoder(torch.rand(2, 3, 64, 64))[None]  # (1, T, Dv)
            sync = model.sync_encoder(torch.rand(length, 3, 64, 64))[None]  # (1, L, Ds)
            frame_cond, global_cond = model.adapters(visual, sync)
            loudness = model.loudness_predictor(frame_cond, global_cond)
            assert loudness.shape == (1, length, cfg.channels) and loudness.min() >= 0 and loudness.max() <= 1
            x = torch.randn(1, length, cfg.latent_dims)
            v = model.dit(
                x, torch.tensor([0.5]), torch.tensor([2.0]), frame_cond, global_cond, loudness,
                model.text_encoder(torch.tensor([[3, 0]])), model.audio_prompt_encoder(torch.randn(1, 3, cfg.latent_dims)),
                torch.ones(1, 4), torch.tensor([[0.0, 5.0]]), torch.zeros_like(x), torch.zeros(1, length, 2),
            )  # fmt: skip
            assert v.shape == x.shape


def test_gradients_reach_every_trained_component():
    cfg = preset('test')
    model = FoleyModel(cfg=cfg)
    for p in model.dit.parameters():
        torch.nn.init.normal_(p, std=0.05)
    visual = model.visual_encoder(torch.rand(2, 3, 64, 64))[None]
    sync = model.sync_encoder(torch.rand(8, 3, 64, 64))[None]
    frame_cond, global_cond = model.adapters(visual, sync)
    loudness = model.loudness_predictor(frame_cond, global_cond)
    v = model.dit.velocity(
        torch.randn(1, 8, cfg.latent_dims), torch.tensor([0.5]), frame_cond, global_cond, loudness,
        model.text_encoder(torch.tensor([[3]])), model.audio_prompt_encoder(torch.randn(1, 3, cfg.latent_dims)),
        torch.ones(1, 4), torch.tensor([[0.0, 5.0]]), torch.randn(1, 8, cfg.latent_dims), torch.ones(1, 8, 2) * 0.5,
    )  # fmt: skip
    v.square().mean().backward()
    for name in ('visual_encoder', 'sync_encoder', 'adapters', 'loudness_predictor', 'text_encoder', 'audio_prompt_encoder', 'dit'):
        grads = [p.grad for p in getattr(model, name).parameters()]
        assert any(g is not None and g.abs().sum() > 0 for g in grads), name


@pytest.mark.parametrize('dilation', [1, 4])
def test_loudness_predictor_reach(dilation):
    # Two 9-tap convs reach ±4·dilation frames each: a change at one frame moves the curve exactly that far, and the
    # engine's chunk margin (clip-conditioning.ts PREDICTOR_MARGIN_FRAMES = 48) must cover it with the sync conv's 2.
    import dataclasses

    cfg = dataclasses.replace(preset('test'), predictor_dilation=dilation)
    predictor = FoleyModel(cfg=cfg).loudness_predictor.eval()
    frame_cond, global_cond = torch.zeros(1, 101, cfg.cond_dim), torch.zeros(1, cfg.cond_dim)
    with torch.no_grad():
        base = predictor(frame_cond, global_cond)
        frame_cond[0, 50] = 5.0
        moved = (predictor(frame_cond, global_cond) - base).abs().amax(dim=-1)[0]
    reach = 8 * dilation
    assert moved[50 - reach] > 0 and moved[50 + reach] > 0
    assert moved[: 50 - reach].max() == 0 and moved[50 + reach + 1 :].max() == 0
    assert 2 + reach <= 48
