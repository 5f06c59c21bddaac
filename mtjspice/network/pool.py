"""Per-neuron rate curves for variation-aware training: a pool of sampled devices' measured curves,
from which the training draws one curve per neuron at every gradient step.

Why: under process variation every device neuron has its own rate curve (its onset, slope and
saturation differ), and a network trained with one nominal curve relies on every neuron being that
curve. Training with a curve drawn afresh for each neuron at each step (a pool measured on devices
drawn from the design's own variation spec, behind the same clamp, at the same temperature, but
never the devices of the network under test) teaches weights that hold for any draw: the
variation-injection idea of noise-aware training, with the design's measured variation instead of a
Gaussian.

A :class:`CurveSet` is M curves on one uniform current grid; :func:`measure_pool` measures one per
neuron of a device model's layer, each from rest over the inference window as
:func:`mtjspice.network.rates.measure_curve` measures one curve (odd: the mean of both signs'
magnitudes; smoothed values and a more smoothed slope as surrogate gradient).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..errors import ParameterError
from .rates import RateCurve
from .settings import Timing

__all__ = ["CurveSet", "measure_pool"]


@dataclass(frozen=True)
class CurveSet:
    """M signed rate curves (Hz against A), one per column, on one uniform current grid.

    Attributes
    ----------
    currents : (q,) array
        Uniform grid of currents from 0 (A).
    rates : (q, M) array
        Smoothed rate magnitudes (Hz); constant beyond the last current.
    slope : (q, M) array
        Surrogate slopes (Hz/A).
    raw : (q, M) array
        Measured rate magnitudes (Hz).
    """

    currents: np.ndarray
    rates: np.ndarray
    slope: np.ndarray
    raw: np.ndarray

    @property
    def size(self) -> int:
        """Number of curves M."""
        return int(self.rates.shape[1])

    @staticmethod
    def from_rates(currents: np.ndarray, raw: np.ndarray) -> CurveSet:
        """From measured magnitudes (Hz) (q, M) on a uniform grid of currents (A) from 0."""
        r = np.asarray(raw, float)
        if r.ndim != 2 or r.shape[0] != np.asarray(currents).size:
            raise ParameterError("raw", r.shape, "a (currents, curves) array of rates (Hz)")
        cs = [RateCurve.from_rates(currents, r[:, j]) for j in range(r.shape[1])]
        return CurveSet(cs[0].currents, np.stack([c.rates for c in cs], axis=1),
                        np.stack([c.slope for c in cs], axis=1), r)

    def pick(self, columns: np.ndarray) -> CurveSet:
        """The curves of ``columns`` (indices, repeats allowed), in that order."""
        k = np.asarray(columns, int)
        return CurveSet(self.currents, self.rates[:, k], self.slope[:, k], self.raw[:, k])

    def draw(self, rng: np.random.Generator, m: int) -> CurveSet:
        """m curves drawn with replacement."""
        return self.pick(rng.integers(self.size, size=m))

    def _interp(self, table: np.ndarray, current: np.ndarray) -> np.ndarray:
        c = np.abs(np.asarray(current, float))
        if c.shape[-1] != self.size:
            raise ParameterError("current", c.shape, f"an array whose last axis holds the {self.size} neurons")
        step = float(self.currents[1] - self.currents[0])
        x = c / step
        i = np.clip(np.floor(x).astype(np.int64), 0, self.currents.size - 2)
        f = np.clip(x - i, 0.0, 1.0)
        col = np.arange(self.size)
        return table[i, col] * (1.0 - f) + table[i + 1, col] * f

    def __call__(self, current: np.ndarray) -> np.ndarray:
        """Signed rate (Hz) of currents (A) (..., M): column j through curve j."""
        return np.sign(current) * self._interp(self.rates, current)

    def derivative(self, current: np.ndarray) -> np.ndarray:
        """Surrogate slope (Hz/A) of currents (A) (..., M)."""
        return self._interp(self.slope, current)


def measure_pool(model: object, layer: str, neurons: int, timing: Timing, currents: np.ndarray) -> CurveSet:
    """Every neuron's curve of ``layer`` of a device model (one with ``simulate(layer, current,
    timing)``, e.g. a clamped :class:`~mtjspice.network.neurons.DeviceNeuron`): DC currents
    ``currents`` (A, a uniform grid from 0) of both signs from rest, spikes in the window / window."""
    cur = np.asarray(currents, float)
    sim = getattr(model, "simulate", None)
    if sim is None:
        raise ParameterError("model", type(model).__name__, "a device model with simulate(layer, current, timing)")
    both = np.concatenate([cur, -cur])
    drive = np.broadcast_to(both[None, :, None], (timing.steps, both.size, neurons)).copy()
    s = sim(layer, drive, timing).spikes.sum(axis=0).astype(float)  # (2q, M)
    return CurveSet.from_rates(cur, 0.5 * (s[: cur.size] - s[cur.size:]) / timing.window)
