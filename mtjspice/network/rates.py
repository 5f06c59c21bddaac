"""Rate curves: a neuron model's signed spike rate against a DC input current, measured from rest
over the inference window, as the activation of the rate-model training.

The curve is what the network's neurons do in one inference (latency from rest included), not a
formula: the ideal LIF's curve is measured with the ideal LIF, the device's with the macrospin
device and its ideal logic. It is odd by construction (the mean of both signs' magnitudes). Its
values are lightly smoothed; its slope, the training's surrogate gradient, is the slope of a
more smoothed copy, so the staircase of whole spike counts and the dead zone below the onset
still pass a gradient.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from ..errors import ParameterError
from .neurons import NeuronModel
from .settings import Timing

__all__ = ["RateCurve", "measure_curve"]

#: Currents of a measured curve (A): 0 to 1.2 mA in 5 uA steps.
CURRENTS = np.linspace(0.0, 1.2e-3, 241)


@dataclass(frozen=True)
class RateCurve:
    """Signed rate (Hz) against current (A), odd in the current.

    Attributes
    ----------
    currents : (q,) array
        Increasing currents >= 0 (A), from 0.
    rates : (q,) array
        Rate magnitude at each current (Hz), smoothed; constant beyond the last current.
    slope : (q,) array
        Surrogate derivative d rate / d current (Hz/A).
    raw : (q,) array
        The measured rate magnitudes (Hz), unsmoothed.
    v_max : (q,) array or None
        A device model's largest junction voltage at each current, the larger of both signs (V);
        None for a LIF.
    """

    currents: np.ndarray
    rates: np.ndarray
    slope: np.ndarray
    raw: np.ndarray
    v_max: np.ndarray | None = None

    def breakdown_current(self, v_breakdown: float) -> float:
        """The smallest DC current magnitude (A) at which the junction voltage exceeds
        ``v_breakdown`` (V) within the window (inf if none measured, or no voltages)."""
        if self.v_max is None:
            return float("inf")
        over = np.nonzero(self.v_max > v_breakdown)[0]
        return float(self.currents[over[0]]) if over.size else float("inf")

    def __call__(self, current: np.ndarray) -> np.ndarray:
        """Signed rate (Hz) of currents (A), any shape."""
        c = np.asarray(current, float)
        return np.sign(c) * np.interp(np.abs(c), self.currents, self.rates)

    def derivative(self, current: np.ndarray) -> np.ndarray:
        """Surrogate slope (Hz/A) at currents (A), any shape."""
        return np.interp(np.abs(np.asarray(current, float)), self.currents, self.slope)

    @staticmethod
    def from_rates(currents: np.ndarray, rates: np.ndarray, smooth: float = 5e-6, surrogate: float = 30e-6) -> RateCurve:
        """From measured magnitudes (Hz) on a uniform current grid (A); ``smooth`` and
        ``surrogate`` are the Gaussian widths (A) of the values and of the slope's copy."""
        from scipy.ndimage import gaussian_filter1d

        cur = np.asarray(currents, float)
        r = np.asarray(rates, float)
        if cur.ndim != 1 or cur.size < 3 or cur[0] != 0 or np.any(np.diff(cur) <= 0) or r.shape != cur.shape:
            raise ParameterError("currents", cur.shape, "a uniform grid of >= 3 increasing currents from 0 (A), "
                                 "one rate each")
        step = float(cur[1] - cur[0])
        # mirror at 0 so the smoothing keeps the curve odd
        full = np.concatenate([-r[:0:-1], r])
        vals = gaussian_filter1d(full, smooth / step, mode="nearest")[cur.size - 1:]
        wide = gaussian_filter1d(full, surrogate / step, mode="nearest")
        slope = np.gradient(wide, step)[cur.size - 1:]
        return RateCurve(cur, vals, np.maximum(slope, 0.0), r)


def measure_curve(model: NeuronModel, timing: Timing, currents: np.ndarray | None = None) -> RateCurve:
    """The signed rate of ``model`` for DC currents from rest: spikes in the window / window (Hz),
    the mean of +I and -I (neuron layer name ``"curve"``: nominal devices, no trim); with a device
    model, also its largest junction voltage at each current."""
    cur = CURRENTS if currents is None else np.asarray(currents, float)
    both = np.concatenate([cur, -cur])
    drive = np.broadcast_to(both[None, None, :], (timing.steps, 1, both.size)).copy()
    sim = getattr(model, "simulate", None)
    v_max = None
    if sim is not None:
        run = sim("curve", drive, timing)
        s = run.spikes
        v_max = np.maximum(run.v_max[0, : cur.size], run.v_max[0, cur.size:])
    else:
        s = model.run("curve", drive, timing)
    spikes = s.sum(axis=0)[0].astype(float)
    rate = 0.5 * (spikes[: cur.size] - spikes[cur.size:]) / timing.window
    return replace(RateCurve.from_rates(cur, rate), v_max=v_max)
