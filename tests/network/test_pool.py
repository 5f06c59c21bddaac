"""The variation-aware training's curve pool (mtjspice.network.pool) and its use in train()."""

from __future__ import annotations

import numpy as np
import pytest

from mtjspice.errors import ParameterError
from mtjspice.network.pool import CurveSet
from mtjspice.network.rates import RateCurve
from mtjspice.network.settings import Timing
from mtjspice.network.tasks import load_task
from mtjspice.network.train import TrainSettings, train

TM = Timing()
CUR = np.linspace(0.0, 0.6e-3, 61)


def _pool() -> CurveSet:
    """Three LIF-like curves with onsets 0.1, 0.2, 0.3 mA and caps 300, 350, 400 MHz."""
    raw = np.stack([np.clip((CUR - on) * 2e12, 0.0, cap) for on, cap in ((1e-4, 3e8), (2e-4, 3.5e8), (3e-4, 4e8))], 1)
    return CurveSet.from_rates(CUR, raw)


def test_each_column_is_its_own_curve() -> None:
    pool = _pool()
    one = [RateCurve.from_rates(CUR, pool.raw[:, j]) for j in range(3)]
    i = np.array([[-0.25e-3, 0.15e-3, 0.55e-3], [0.0, -0.33e-3, 0.9e-3]])  # (2, 3): column j -> curve j
    got, slope = pool(i), pool.derivative(i)
    for j in range(3):
        assert np.allclose(got[:, j], one[j](i[:, j]), rtol=1e-12, atol=1e-3)
        assert np.allclose(slope[:, j], one[j].derivative(i[:, j]), rtol=1e-12, atol=1e-3)
    picked = pool.pick(np.array([2, 2, 0]))
    assert np.allclose(picked(i)[:, 0], one[2](i[:, 0])) and np.allclose(picked(i)[:, 2], one[0](i[:, 2]))
    # beyond the grid a curve stays at its last value (the clamp's plateau)
    assert np.allclose(pool(np.full((1, 3), 5e-3))[0], pool.rates[-1])
    with pytest.raises(ParameterError, match="current"):
        pool(np.zeros((2, 4)))


@pytest.mark.slow  # 2.7 s with the machine loaded (load average 8)
def test_variation_aware_training_is_seeded_and_uses_the_pool() -> None:
    task = load_task("digits", 0, TM)
    pool = _pool()
    mean = RateCurve.from_rates(CUR, pool.raw.mean(axis=1))
    s = TrainSettings(hidden=6, epochs=1)
    a, b = train(task, mean, TM, s, seed=5, pool=pool), train(task, mean, TM, s, seed=5, pool=pool)
    assert np.array_equal(a.hidden, b.hidden) and np.array_equal(a.output, b.output)
    plain = train(task, mean, TM, s, seed=5)  # the same start, one curve for every neuron
    assert not np.allclose(a.hidden, plain.hidden)
