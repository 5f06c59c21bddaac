"""How a junction is driven: by an ideal current, or by a voltage through a reference resistor.

A drive turns (time, magnetization) into the junction current I (A, positive into the free-layer
terminal) and junction voltage V (V). With the divider the current depends on the junction's own
resistance, I = V_s / (R_ref + R(m, V)), solved self-consistently.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from ..errors import ParameterError
from ..stimulus import DC, PWL, Pulse, Waveform, as_waveform
from .batch import DeviceBatch

__all__ = ["CurrentDrive", "DividerDrive", "Drive", "Sampler", "as_drive"]

_FIXED_POINT_ITERATIONS = 30  # bias-dependent TMR: V = I / G(V) converges in a few; 30 is ample


@dataclass(frozen=True, eq=False)
class CurrentDrive:
    """An ideal current source: I(t) = ``waveform(t)`` (A), one value or one per device."""

    waveform: Waveform

    def current(self, batch: DeviceBatch, t: float, mp: np.ndarray) -> Any:
        """Junction current (A) at time t (s): the waveform's value, a float or shape (n,)."""
        return self.waveform(t)

    def operating_point(self, batch: DeviceBatch, t: float, mp: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Junction current (A) and voltage (V), shape (n,), at time t (s) and m.p = ``mp``."""
        return self.solve(batch, np.asarray(self.waveform(t), dtype=float), mp)

    def solve(self, batch: DeviceBatch, current: np.ndarray, mp: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Junction current (A) and voltage (V) at drive value ``current`` (A) and m.p = ``mp``, any
        shapes that broadcast against (n,) (several times at once as (k, 1) and (k, n))."""
        current = np.broadcast_to(current, mp.shape)
        G = batch.conductance(mp)
        v = current / G
        if np.any(batch.V_half > 0):
            for _ in range(_FIXED_POINT_ITERATIONS):
                v = current / batch.conductance(mp, v)
        return current, v

    def breakpoints(self, t_stop: float) -> np.ndarray:
        return self.waveform.breakpoints(t_stop)

    @property
    def wave(self) -> Waveform:
        """The waveform (A)."""
        return self.waveform


@dataclass(frozen=True, eq=False)
class DividerDrive:
    """A voltage source ``source(t)`` (V) in series with ``r_ref`` (Ohm) and the junction."""

    source: Waveform
    r_ref: Any

    def __post_init__(self) -> None:
        r = np.asarray(self.r_ref, dtype=float)
        if not np.all(np.isfinite(r) & (r >= 0)):
            raise ParameterError("r_ref", self.r_ref, "finite numbers >= 0 (Ohm)")
        object.__setattr__(self, "r_ref", r)

    def current(self, batch: DeviceBatch, t: float, mp: np.ndarray) -> Any:
        """Junction current (A), shape (n,), at time t (s) and m.p = ``mp``."""
        return self.operating_point(batch, t, mp)[0]

    def operating_point(self, batch: DeviceBatch, t: float, mp: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Junction current (A) and voltage (V), shape (n,), at time t (s) and m.p = ``mp``."""
        return self.solve(batch, np.asarray(self.source(t), dtype=float), mp)

    def solve(self, batch: DeviceBatch, vs: np.ndarray, mp: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Junction current (A) and voltage (V) at source voltage ``vs`` (V) and m.p = ``mp``, any
        shapes that broadcast against (n,) (several times at once as (k, 1) and (k, n))."""
        G = batch.conductance(mp)
        current = vs / (self.r_ref + 1.0 / G)
        if np.any(batch.V_half > 0):
            for _ in range(_FIXED_POINT_ITERATIONS):
                v = current / G
                G = batch.conductance(mp, v)
                current = vs / (self.r_ref + 1.0 / G)
        current = np.broadcast_to(current, mp.shape)
        return current, current / G

    def breakpoints(self, t_stop: float) -> np.ndarray:
        return self.source.breakpoints(t_stop)

    @property
    def wave(self) -> Waveform:
        """The source's waveform (V)."""
        return self.source


Drive = CurrentDrive | DividerDrive


def as_drive(x: Drive | Waveform | ArrayLike) -> Drive:
    """A drive as it is; a waveform or number as an ideal current (A)."""
    if isinstance(x, (CurrentDrive, DividerDrive)):
        return x
    return CurrentDrive(as_waveform(x))


class Sampler:
    """A waveform evaluated quickly and identically to its own ``__call__`` (bit for bit).

    A PWL finds its segment by bisection from the last one used (integrators step forward, and
    land on every corner, so a step's stages share one segment) and keeps that segment's
    difference of values; a pulse keeps v2 - v1; DC returns its value. Any other waveform is
    called as it is. :meth:`many` evaluates at many times in one vectorised pass, shape
    (k,) + the value's shape.
    """

    def __init__(self, wave: Waveform) -> None:
        self.wave = wave
        self._seg = -2
        self.at: Callable[[float], Any]
        if isinstance(wave, PWL):
            self._ts = wave.times.tolist()
            self._vs = wave.values
            self._dv = wave.values[0]
            self.at = self._pwl
        elif isinstance(wave, Pulse):
            self._diff = wave.v2 - wave.v1
            self.at = self._pulse
        elif isinstance(wave, DC):
            self.at = lambda t: wave.value
        else:
            self.at = wave

    def _pwl(self, t: float) -> Any:
        ts, vs = self._ts, self._vs
        if t <= ts[0]:
            return vs[0]
        if t >= ts[-1]:
            return vs[-1]
        i = self._seg
        if not (0 <= i and ts[i] <= t < ts[i + 1]):
            i = bisect.bisect_right(ts, t) - 1
            self._seg = i
            self._dv = vs[i + 1] - vs[i]
        w = (t - ts[i]) / (ts[i + 1] - ts[i])
        return vs[i] + self._dv * w

    def locate(self, t: float) -> tuple[int, float]:
        """A PWL's segment i and weight w in [0, 1) at time t (s): the value is
        values[i] + (values[i + 1] - values[i]) w; i = -1 before the first time (values[0]) and
        the last index after the last time (values[-1]), both with w = 0."""
        ts = self._ts
        if t <= ts[0]:
            return -1, 0.0
        if t >= ts[-1]:
            return len(ts) - 1, 0.0
        i = self._seg
        if not (0 <= i and ts[i] <= t < ts[i + 1]):
            i = bisect.bisect_right(ts, t) - 1
            self._seg = i
            self._dv = self._vs[i + 1] - self._vs[i]  # the segment :meth:`at` reads next (it trusts _seg)
        return i, (t - ts[i]) / (ts[i + 1] - ts[i])

    def pulse_fraction(self, t: float) -> float:
        """A pulse's fraction of the way from v1 to v2 at time t (s)."""
        wave: Pulse = self.wave  # type: ignore[assignment]
        tau = wave._phase(t)
        if tau < 0:
            return 0.0
        if tau < wave.rise:
            return tau / wave.rise
        if tau <= wave.rise + wave.width:
            return 1.0
        if tau < wave.rise + wave.width + wave.fall:
            return 1.0 - (tau - wave.rise - wave.width) / wave.fall
        return 0.0

    def _pulse(self, t: float) -> Any:
        wave: Pulse = self.wave  # type: ignore[assignment]
        return wave.v1 + self._diff * self.pulse_fraction(t)

    def many(self, t: np.ndarray) -> np.ndarray:
        """Values at times ``t`` (s), shape (k,) + the value's shape."""
        wave = self.wave
        if isinstance(wave, PWL):
            ts, vs = wave.times, wave.values
            i = np.clip(np.searchsorted(ts, t, side="right") - 1, 0, max(ts.size - 2, 0))
            if ts.size == 1:
                return np.broadcast_to(vs[0], (t.size, *vs.shape[1:])).copy()
            w = (t - ts[i]) / (ts[i + 1] - ts[i])
            w = w.reshape(-1, *([1] * (vs.ndim - 1)))
            out = vs[i] + (vs[i + 1] - vs[i]) * w
            out[t <= ts[0]] = vs[0]
            out[t >= ts[-1]] = vs[-1]
            return out
        return np.array([np.asarray(self.at(float(x)), dtype=float) for x in t])
