"""The flow sampler on problems with known answers."""

from __future__ import annotations

import pytest

torch = pytest.importorskip('torch')

from foley.flow import flow_loss, interpolate, sample  # noqa: E402


def test_exact_velocity_reaches_the_data():
    data = torch.randn(2, 8, 4)
    noise = torch.randn(2, 8, 4)
    for method in ('euler', 'heun'):
        out = sample(lambda x, t: data - noise, noise, steps=5, method=method)
        torch.testing.assert_close(out, data)


def test_interpolation_ends_and_loss_zero_at_target():
    data, noise = torch.randn(3, 4, 2), torch.randn(3, 4, 2)
    torch.testing.assert_close(interpolate(data, noise, torch.zeros(3)), noise)
    torch.testing.assert_close(interpolate(data, noise, torch.ones(3)), data)
    assert flow_loss(data - noise, data, noise).item() == 0
    weights = torch.ones(3, 4)
    weights[:, 2:] = 0
    off = (data - noise).clone()
    off[:, 2:] += 5
    assert flow_loss(off, data, noise, weights).item() == 0


def test_heun_beats_euler_on_a_curved_path():
    # dx/dt = x has the solution x0·e at t = 1.
    x0 = torch.ones(1, 1, 1)
    euler = sample(lambda x, t: x, x0, steps=4, method='euler')
    heun = sample(lambda x, t: x, x0, steps=4, method='heun')
    exact = torch.e
    assert abs(heun.item() - exact) < abs(euler.item() - exact)
    with pytest.raises(ValueError, match='valid: euler, heun'):
        sample(lambda x, t: x, x0, steps=2, method='rk4')
