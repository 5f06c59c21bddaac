"""Per-chip readout calibration (an option of the verification's networks, off by default):
retrain only the output crossbar of one sampled chip on that chip's own measured hidden responses
to the TRAINING images, and its own output devices' measured rate curves.

Why it is an option and not the default: it is a chip-in-the-loop step every fabricated chip would
need (its hidden layer run on every training image, its output devices' curves measured, a
training of the output layer), with its cost in time, and a network that needs it is not the
variation-tolerant network the default claims. The verification reports it beside the default
(``accuracy_calibrated``, ``drop_points_calibrated``), never in place of it.

Steps (SI units), on the task's training set (the test or validation images are never used):

1. The chip's hidden layer on every training image (its devices at the verification's
   temperature, behind their clamps, thermal streams from chunk :data:`CHUNK_OFFSET` on, so
   apart from the test runs'): each image's hidden spikes as row pulses, their time mean
   (V, (n, H)): what the output crossbar's rows carry on average.
2. The chip's output devices' rate curves (Hz against A), measured as the training pool's
   are (:func:`mtjspice.network.pool.measure_pool`, DC from rest, behind their clamps).
3. Adam on the cross-entropy of the output layer alone (the rate model of
   :mod:`mtjspice.network.train`: a class's logit = the mean of its output neurons' curves of the
   mean currents x the window),
   from the deployed weights, the hidden crossbar untouched; the new effective conductances are
   placed in the crossbar again (:func:`mtjspice.network.infer.deploy`).

Digits only: its inputs are DC, so the hidden rows' time mean is the rate model's input; the
event task's training images are not kept as event streams.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from ..errors import ParameterError
from ..network.infer import Crossbars, deploy, effective, hidden_currents
from ..network.pool import measure_pool
from ..network.settings import Timing
from ..network.tasks import Task
from ..network.train import CLASSES, Weights, class_scores

__all__ = ["CHUNK_OFFSET", "Calibration", "calibrate_readout", "readout_gradient"]

#: Thermal streams of the calibration's hidden runs start at this chunk index (the test runs'
#: chunks count from 0).
CHUNK_OFFSET = 100_000


@dataclass(frozen=True)
class Calibration:
    """A calibrated chip's crossbars and what the calibration saw.

    Attributes
    ----------
    bars : Crossbars
        The hidden crossbar as deployed, the output crossbar retrained (S).
    images : int
        Training images the chip's hidden layer ran on.
    train_accuracy, train_accuracy_before : float
        The retrained and the deployed readout's rate-model accuracy on those images and the
        chip's measured curves (fraction).
    """

    bars: Crossbars
    images: int
    train_accuracy: float
    train_accuracy_before: float


def _hidden_rows(task: Task, bars: Crossbars, chip: Any, timing: Timing) -> np.ndarray:
    """Time-mean row voltages (V) of the chip's hidden spikes on every training image, (n, H)."""
    view = replace(task, x_test=task.x_train, y_test=task.y_train)
    h = bars.hidden.shape[1]
    n = task.y_train.size
    b = max(1, 8192 // h)
    out = np.empty((n, h))
    sim = chip.simulate
    for c, lo in enumerate(range(0, n, b)):
        ix = np.arange(lo, min(lo + b, n))
        s_h = sim("hidden", hidden_currents(view, ix, bars, timing), timing, CHUNK_OFFSET + c).spikes
        out[ix] = timing.pulses(s_h).mean(axis=0)
    return out


def readout_gradient(rows: np.ndarray, target: np.ndarray, g: np.ndarray, curves: Any, v_in: float,
                     window: float) -> tuple[float, np.ndarray]:
    """The output layer's rate-model loss on a minibatch and its gradient in ``g`` (scaled units, as
    :mod:`mtjspice.network.train`'s): ``rows`` (n, H) mean row voltages (V), ``target`` (n, 10) one-hot,
    ``g`` (H + 1, 10 k) effective conductances (mS), ``curves`` the output neurons' rate curves (GHz per
    mA after the unit factors below), ``window`` in ns. A class's logit is the mean of its k neurons'
    expected counts; the loss is the mean cross-entropy; the curves' surrogate slope stands in for their
    own (a rate in GHz over a current in mA is the slope in Hz/A times 1e-12)."""
    k = g.shape[1] // CLASSES
    n = rows.shape[0]
    z = rows @ g[:-1] + v_in * g[-1]  # mA
    logits = class_scores(curves(z * 1e-3)) / k * 1e-9 * window
    p = np.exp(logits - logits.max(axis=1, keepdims=True))
    p /= p.sum(axis=1, keepdims=True)
    loss = float(-np.sum(target * np.log(np.maximum(p, 1e-300))) / n)
    dz = np.repeat((p - target) / (n * k), k, axis=1) * window * curves.derivative(z * 1e-3) * 1e-12
    return loss, np.vstack([rows.T @ dz, v_in * dz.sum(axis=0)])


def calibrate_readout(task: Task, bars: Crossbars, chip: Any, timing: Timing, currents: np.ndarray,
                      epochs: int = 60, lr: float = 0.01, batch: int = 64, seed: int = 0) -> Calibration:
    """Retrain the output crossbar for ``chip`` (module docstring). ``chip``: a device model with
    ``simulate(layer, current, timing, chunk)`` (a clamped :class:`~mtjspice.network.neurons.DeviceNeuron`);
    ``currents``: the DC grid (A, uniform from 0) of its output curves; ``lr`` in mS per step."""
    if task.name != "digits":
        raise ParameterError("calibrate", task.name, "the digits task (its inputs are DC)")
    for name, v in (("epochs", epochs), ("batch", batch)):
        if isinstance(v, bool) or not isinstance(v, int) or v < 1:
            raise ParameterError(name, v, "an integer >= 1")
    rows = _hidden_rows(task, bars, chip, timing)
    m = bars.output.shape[1]  # 10 x the output neurons per class
    curves = measure_pool(chip, "output", m, timing, currents)
    clipped = getattr(chip, "clipped", None)
    if isinstance(clipped, list):
        clipped.clear()  # the calibration's runs are not the test runs' clamp statistics
    xb = bars.crossbar
    g = effective(bars.output, xb) * 1e3  # mS, as the rows see them
    y = np.eye(CLASSES)[task.y_train]
    win = float(np.sum(task.segments)) * 1e9  # ns
    rng = np.random.default_rng(seed)

    def accuracy(g: np.ndarray) -> float:
        z = rows @ g[:-1] + timing.v_in * g[-1]
        return float(np.mean(np.argmax(class_scores(curves(z * 1e-3)), axis=1) == task.y_train))  # sums: the decision

    before = accuracy(g)
    mom, vel = np.zeros_like(g), np.zeros_like(g)
    step = 0
    for _ in range(epochs):
        order = rng.permutation(rows.shape[0])
        for lo in range(0, order.size, batch):
            ix = order[lo:lo + batch]
            _, grad = readout_gradient(rows[ix], y[ix], g, curves, timing.v_in, win)
            step += 1
            mom = 0.9 * mom + 0.1 * grad
            vel = 0.999 * vel + 0.001 * grad * grad
            g -= lr * (mom / (1 - 0.9**step)) / (np.sqrt(vel / (1 - 0.999**step)) + 1e-8)
    if not np.all(np.isfinite(g)):  # pragma: no cover - a diverged training
        raise ParameterError("lr", lr, "a step size the readout's training converges with (mS per step)")
    new = deploy(Weights(hidden=effective(bars.hidden, xb), output=g * 1e-3), xb)
    return Calibration(bars=new, images=int(rows.shape[0]), train_accuracy=accuracy(g), train_accuracy_before=before)
