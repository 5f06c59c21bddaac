"""The training's gradients (:func:`mtjspice.network.train._gradients`) against finite differences
of its own loss, and the current-limit penalty doing what it says on a real task."""

from __future__ import annotations

import importlib

import numpy as np
import pytest

from mtjspice.network.rates import RateCurve
from mtjspice.network.settings import Timing
from mtjspice.network.tasks import load_task
from mtjspice.network.train import TrainSettings, train

T = importlib.import_module("mtjspice.network.train")  # the module (the package exports the function)
TM = Timing()


def _linear_curve(k: float) -> RateCurve:
    """rate = k |I| (Hz, k in Hz/A) on a grid far beyond the test's currents: its surrogate slope is
    its true slope, so the loss's finite differences must give the analytic gradient."""
    cur = np.linspace(0.0, 20e-3, 401)
    return RateCurve(cur, k * cur, np.full_like(cur, k), k * cur)


@pytest.mark.parametrize("per_class", [1, 3])
def test_gradients_match_finite_differences_of_the_loss(per_class: int) -> None:
    # per_class 3: 30 output neurons, each class's logit the mean of its 3 (columns 3c .. 3c + 2)
    rng = np.random.default_rng(0)
    curve = _linear_curve(5e11)  # 0.5 GHz per mA
    xb = rng.normal(0.0, 0.2, (5, 2, 7))  # V
    seg = np.array([20e-9, 20e-9])
    target = np.eye(10)[[1, 2, 3, 4, 5]]
    g1, g2 = rng.normal(0.0, 0.5, (8, 4)), rng.normal(0.0, 0.5, (5, 10 * per_class))  # mS
    s = TrainSettings(hidden=4, i_limit=0.3e-3, penalty=3.0, per_class=per_class)
    a = T._forward(xb, g1, g2, curve, TM, seg)[0]
    assert np.mean(np.abs(a) > 0.3) > 0.1  # the penalty takes part
    loss, gg1, gg2 = T._gradients(xb, target, g1, g2, curve, curve, TM, seg, s)
    eps = 1e-6
    logits = T._forward(xb, g1, g2, curve, TM, seg)[-1]
    assert logits.shape == (5, 10)
    per_neuron = np.einsum("nsk,s->nk", T._forward(xb, g1, g2, curve, TM, seg)[4], seg * 1e9)
    assert np.allclose(logits[:, 2], per_neuron[:, 2 * per_class:3 * per_class].mean(axis=1))
    for g, gg in ((g1, gg1), (g2, gg2)):
        for idx in [(0, 0), (3, 2), (g.shape[0] - 1, 1), (1, g.shape[1] - 1)]:  # the bias row, the last column
            hi, lo = g.copy(), g.copy()
            hi[idx] += eps
            lo[idx] -= eps
            f = []
            for pert in (hi, lo):
                p1, p2 = (pert, g2) if g is g1 else (g1, pert)
                f.append(T._gradients(xb, target, p1, p2, curve, curve, TM, seg, s)[0])
            num = (f[0] - f[1]) / (2 * eps)
            assert abs(num - gg[idx]) <= 1e-5 * max(abs(num), 1e-3), (idx, num, gg[idx])
    assert np.isfinite(loss)


def test_the_penalty_holds_the_hidden_inputs_under_the_limit() -> None:
    # digits: the hidden inputs are DC rows, so the training set's inputs are the instantaneous ones
    task = load_task("digits", 0, TM)
    cur = np.linspace(0.0, 1.2e-3, 241)
    curve = RateCurve.from_rates(cur, np.clip((cur - 0.1e-3) * 1.5e12, 0.0, 5e8))  # onset 0.1 mA, 500 MHz cap
    limit = 0.3e-3

    def share_over(penalty: float) -> float:
        w = train(task, curve, TM, TrainSettings(hidden=16, epochs=20, i_limit=limit, penalty=penalty), seed=0)
        a = task.x_train @ w.hidden[:-1] + TM.v_in * w.hidden[-1]
        return float(np.mean(np.abs(a) > limit))

    free, held = share_over(0.0), share_over(100.0)
    assert held <= 0.05 and free >= 0.2, (free, held)


def test_per_class_is_checked_and_shapes_the_output_layer() -> None:
    from mtjspice.errors import ParameterError

    for bad in (0, 17, 2.0, True):
        with pytest.raises(ParameterError, match="per_class"):
            TrainSettings(per_class=bad)
    task = load_task("digits", 0, TM)
    cur = np.linspace(0.0, 1.2e-3, 241)
    curve = RateCurve.from_rates(cur, np.clip((cur - 0.1e-3) * 1.5e12, 0.0, 5e8))
    w = train(task, curve, TM, TrainSettings(hidden=8, epochs=1, per_class=2), seed=0)
    assert w.hidden.shape == (65, 8) and w.output.shape == (9, 20)
    assert T.rate_predict(task.x_test[:4], w, curve, TM, task.segments).shape == (4, 10)
