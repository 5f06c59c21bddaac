"""The network's time base and signal levels: one definition, shared by the tasks, the training,
every neuron model and the ngspice slice.

Every signal of the network lives on one uniform time grid (``dt``) over one inference window
(``window``). A spike is a row-driver pulse as :func:`mtjspice.stimulus.spike_waveforms` makes it
for ``mtjspice array``: sign x ``v_spike`` for ``spike_width`` after a linear rise of ``edge``,
then a fall of ``edge``. With every corner on the grid, the sampled pulse *is* the array's pulse
(piecewise linear between samples), so the Python models and ngspice see the same input.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from ..errors import ParameterError

__all__ = ["Timing"]


@dataclass(frozen=True)
class Timing:
    """Time base and levels of a network run (SI units).

    Attributes
    ----------
    dt : float
        Grid step (s); every spike time and pulse corner lies on it.
    window : float
        Inference window per image (s); every neuron starts from rest at t = 0.
    v_in : float
        Row voltage (V) of a static input at full scale (feature 1.0), and of the bias rows.
    v_spike : float
        Amplitude of a spike's row pulse (V).
    spike_width : float
        Flat length of a spike's row pulse (s).
    edge : float
        Rise and fall time of a spike's row pulse (s).
    """

    dt: float = 10e-12
    window: float = 40e-9
    v_in: float = 0.5
    v_spike: float = 0.5
    spike_width: float = 1e-9
    edge: float = 20e-12

    def __post_init__(self) -> None:
        for name in ("dt", "window", "v_in", "v_spike", "spike_width", "edge"):
            v = getattr(self, name)
            if isinstance(v, bool) or not isinstance(v, (int, float)) or not (math.isfinite(v) and v > 0):
                raise ParameterError(name, v, "a finite number > 0 (SI units: s or V)")
        for name in ("window", "spike_width", "edge"):
            steps = getattr(self, name) / self.dt
            if abs(steps - round(steps)) > 1e-6:
                raise ParameterError(name, getattr(self, name), f"a whole number of grid steps dt = {self.dt!r} s")
        if self.window < 10 * self.spike_width:
            raise ParameterError("window", self.window, f"at least 10 spike widths ({10 * self.spike_width!r} s)")

    @property
    def steps(self) -> int:
        """Grid samples in the window, both ends included."""
        return int(round(self.window / self.dt)) + 1

    @property
    def t(self) -> np.ndarray:
        """The grid (s), shape (steps,)."""
        return np.arange(self.steps) * self.dt

    def index(self, t: float) -> int:
        """The grid index nearest to time ``t`` (s)."""
        return int(round(t / self.dt))

    def pulses(self, spikes: np.ndarray) -> np.ndarray:
        """Row voltages (V) of spike trains: ``spikes`` (steps, ...) holds at each grid sample the
        signed number of spikes that start there; each becomes the array's trapezoidal pulse.

        The pulse's second difference is four impulses (+, -, -, + one sample after 0, edge,
        edge + width, 2 edge + width, divided by the edge), so two running sums give it exactly
        on the grid.
        """
        s = np.asarray(spikes)
        ne, nw = int(round(self.edge / self.dt)), int(round(self.spike_width / self.dt))
        d = np.zeros(s.shape, dtype=np.int64)
        k = s.shape[0]
        for off, sign in ((1, 1), (ne + 1, -1), (ne + nw + 1, -1), (2 * ne + nw + 1, 1)):
            if off < k:
                d[off:] += sign * s[: k - off].astype(np.int64)
        return np.cumsum(np.cumsum(d, axis=0), axis=0) * (self.v_spike / ne)
