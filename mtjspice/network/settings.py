"""The network's time base and signal levels: one definition, shared by the tasks, the training,
every neuron model and the ngspice slice.

Every signal of the network lives on one uniform time grid (``dt``) over one inference window
(``window``). A spike is a row-driver pulse as :func:`mtjspice.stimulus.spike_waveforms` makes it
for ``mtjspice array``: sign x ``v_spike`` for ``spike_width`` after a linear rise of ``edge``,
then a fall of ``edge``. With every corner on the grid, the sampled pulse *is* the array's pulse
(piecewise linear between samples), so the Python models and ngspice see the same input.

Each row driver then passes its pulses through a first-order low-pass of time constant
``tau_syn`` (a synaptic current kernel: every spike becomes an exponentially decaying row
voltage of the same area, v_spike (spike_width + edge) V s), sampled at corners ``row_step``
apart and straight between them (:meth:`Timing.pulses`). The neurons (tau_m about 0.9 ns) then
integrate rates instead of following 1 ns bursts, and synchronised spikes no longer add up to
current peaks many times the mean. The same corners are the ngspice rows' PWL sources
(:meth:`Timing.corners`), so Python and ngspice still see one input. ``tau_syn = 0``: bare pulses.
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
    tau_syn : float
        Time constant of the row drivers' low-pass, the synaptic kernel (s); 0: none.
    row_step : float
        Corner spacing of a filtered row (s); a whole number of grid steps that divides the window.
    """

    dt: float = 10e-12
    window: float = 40e-9
    v_in: float = 0.5
    v_spike: float = 0.5
    spike_width: float = 1e-9
    edge: float = 20e-12
    tau_syn: float = 4e-9
    row_step: float = 50e-12

    def __post_init__(self) -> None:
        for name in ("dt", "window", "v_in", "v_spike", "spike_width", "edge", "row_step"):
            v = getattr(self, name)
            if isinstance(v, bool) or not isinstance(v, (int, float)) or not (math.isfinite(v) and v > 0):
                raise ParameterError(name, v, "a finite number > 0 (SI units: s or V)")
        if isinstance(self.tau_syn, bool) or not (math.isfinite(self.tau_syn) and self.tau_syn >= 0):
            raise ParameterError("tau_syn", self.tau_syn, "a time >= 0 (s; 0: no synaptic filter)")
        if abs(self.window / self.row_step - round(self.window / self.row_step)) > 1e-6:
            raise ParameterError("row_step", self.row_step, f"a time that divides the window {self.window!r} s")
        for name in ("window", "spike_width", "edge", "row_step"):
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

    @property
    def pulse_area(self) -> float:
        """Area of one spike's row voltage (V s), with or without the synaptic filter."""
        return self.v_spike * (self.spike_width + self.edge)

    @property
    def corner_stride(self) -> int:
        """Grid steps between the corners of a filtered row."""
        return int(round(self.row_step / self.dt))

    def pulses(self, spikes: np.ndarray) -> np.ndarray:
        """Row voltages (V) of spike trains, (steps, ...): ``spikes`` (steps, ...) holds at each
        grid sample the signed number of spikes that start there; each becomes the array's
        trapezoidal pulse, low-passed with ``tau_syn`` and made straight between the corners
        (module docstring)."""
        bare = self.bare_pulses(spikes)
        if self.tau_syn == 0:
            return bare
        from scipy.signal import lfilter

        a = math.exp(-self.dt / self.tau_syn)
        y = lfilter([1.0 - a], [1.0, -a], bare, axis=0)  # y[k] = a y[k-1] + (1 - a) x[k]: area kept
        return self._straight(y)

    def _straight(self, y: np.ndarray) -> np.ndarray:
        """``y`` (steps, ...) made straight between its corners (every ``corner_stride`` samples)."""
        q = self.corner_stride
        if q == 1:
            return y
        c = y[::q]
        j = np.arange(y.shape[0]) // q
        f = ((np.arange(y.shape[0]) % q) / q).reshape((-1,) + (1,) * (y.ndim - 1))
        nxt = c[np.minimum(j + 1, c.shape[0] - 1)]
        return c[j] * (1 - f) + nxt * f

    def corners(self, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The corners of rows (steps, N) of :meth:`pulses`: times (s) and values (V), the PWL
        sources that give ngspice the same rows (with ``tau_syn = 0``, every grid sample)."""
        q = self.corner_stride if self.tau_syn > 0 else 1
        return self.t[::q], np.asarray(rows)[::q]

    def bare_pulses(self, spikes: np.ndarray) -> np.ndarray:
        """Row voltages (V) of spike trains without the synaptic filter: each spike is the array's
        trapezoidal pulse (:func:`mtjspice.stimulus.spike_waveforms`).

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
