"""Input waveforms (currents in A or voltages in V) shared by the Python solver and the netlists.

A waveform is a frozen dataclass that evaluates at a time t (s) to a float or to one value per
device, and lists its breakpoints (times where it has a corner), so that integrators can step
onto them. The netlist builders render the same objects as SPICE sources, so that Python and
ngspice see the same input.

Timing semantics, one rule for every builder here: a width (``t_on``, a pulse's ``width``) is
the time the waveform is held at its full value; its edges (``edge``, ``rise``, ``fall``) are
linear ramps outside that width; and a period is exact: a train of ``t_on`` and ``t_off``
repeats every ``t_on + t_off`` seconds, its edges taken out of the off time. A period is never
lengthened by its edges: a train that drifted against the neuron's read clock would sooner or
later put one of its corners a rounding unit away from a clock corner, and ngspice stalls on such
a pair (see docs/notes-ngspice.md).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Protocol, runtime_checkable

import numpy as np
from numpy.typing import ArrayLike

from .errors import ParameterError

__all__ = ["Waveform", "DC", "Pulse", "PWL", "pulse_train", "square_pulse", "as_waveform", "spike_waveforms",
           "default_stimulus"]


@runtime_checkable
class Waveform(Protocol):
    """Anything with ``__call__(t) -> value`` and ``breakpoints(t_stop) -> array of times``."""

    def __call__(self, t: float) -> Any: ...

    def breakpoints(self, t_stop: float) -> np.ndarray: ...


def _finite_array(name: str, value: ArrayLike, unit: str) -> np.ndarray:
    arr = np.asarray(value, dtype=float)
    if not np.all(np.isfinite(arr)):
        raise ParameterError(name, value, f"finite numbers ({unit})")
    return arr


@dataclass(frozen=True, eq=False)
class DC:
    """A constant: ``value`` (A or V), a float or one value per device."""

    value: Any

    def __post_init__(self) -> None:
        object.__setattr__(self, "value", _finite_array("DC value", self.value, "A or V"))

    def __call__(self, t: float) -> Any:
        return self.value

    def breakpoints(self, t_stop: float) -> np.ndarray:
        return np.empty(0)


@dataclass(frozen=True, eq=False)
class Pulse:
    """A SPICE-style pulse: ``v1`` until ``delay``, ramp over ``rise`` to ``v2``, hold ``width``,
    ramp over ``fall`` back to ``v1``, repeat every ``period`` (inf = once). The period is the
    repetition time itself, edges included (as in SPICE's ``PULSE``): it must hold
    ``rise + width + fall``.

    Attributes
    ----------
    v1, v2 : float or (n,) array
        Initial and pulsed values (A or V).
    delay, rise, fall, width, period : float
        Times (s); rise and fall may be 0 in Python (an ideal step) but netlists need > 0.
    """

    v1: Any
    v2: Any
    delay: float = 0.0
    rise: float = 1e-11
    fall: float = 1e-11
    width: float = 1e-9
    period: float = math.inf

    def __post_init__(self) -> None:
        object.__setattr__(self, "v1", _finite_array("pulse v1", self.v1, "A or V"))
        object.__setattr__(self, "v2", _finite_array("pulse v2", self.v2, "A or V"))
        for name in ("delay", "rise", "fall", "width"):
            v = getattr(self, name)
            if not (isinstance(v, (int, float)) and math.isfinite(v) and v >= 0):
                raise ParameterError(f"pulse {name}", v, "a finite number >= 0 (s)")
        # (a relative 1e-12 of slack: t_on + t_off and rise + t_on + fall may round apart by one unit)
        if not (self.period > 0) or self.period < (self.rise + self.width + self.fall) * (1 - 1e-12):
            raise ParameterError("pulse period", self.period, "a number >= rise + width + fall (s), or inf")

    def _phase(self, t: float) -> float:
        if t < self.delay:
            return -1.0
        tau = t - self.delay
        if math.isfinite(self.period):
            tau = math.fmod(tau, self.period)
        return tau

    def __call__(self, t: float) -> Any:
        tau = self._phase(t)
        if tau < 0:
            frac = 0.0
        elif tau < self.rise:
            frac = tau / self.rise
        elif tau <= self.rise + self.width:
            frac = 1.0
        elif tau < self.rise + self.width + self.fall:
            frac = 1.0 - (tau - self.rise - self.width) / self.fall
        else:
            frac = 0.0
        return self.v1 + (self.v2 - self.v1) * frac

    def breakpoints(self, t_stop: float) -> np.ndarray:
        corners = np.array([0.0, self.rise, self.rise + self.width, self.rise + self.width + self.fall])
        if math.isfinite(self.period):
            n = int(max(0.0, t_stop - self.delay) // self.period) + 1
            starts = self.delay + self.period * np.arange(n)
        else:
            starts = np.array([self.delay])
        bp = (starts[:, None] + corners[None, :]).ravel()
        return np.unique(bp[bp <= t_stop])


@dataclass(frozen=True, eq=False)
class PWL:
    """Piecewise-linear: straight lines through (times[i], values[i]); constant outside.

    Attributes
    ----------
    times : (k,) array
        Strictly increasing times (s).
    values : (k,) or (k, n) array
        Values (A or V), one column per device when 2-D.
    """

    times: Any
    values: Any

    def __post_init__(self) -> None:
        t = _finite_array("PWL times", self.times, "s")
        v = _finite_array("PWL values", self.values, "A or V")
        if t.ndim != 1 or t.size < 1:
            raise ParameterError("PWL times", self.times, "a 1-D array with at least one time (s)")
        if v.shape[0] != t.size:
            raise ParameterError("PWL values", v.shape, f"{t.size} rows, one per time")
        bad = np.nonzero(np.diff(t) <= 0)[0]
        if bad.size:
            i = int(bad[0]) + 1
            raise ParameterError(f"PWL times[{i}]", float(t[i]), f"a time > the previous one ({float(t[i - 1])!r} s)")
        object.__setattr__(self, "times", t)
        object.__setattr__(self, "values", v)

    def __call__(self, t: float) -> Any:
        ts, vs = self.times, self.values
        if t <= ts[0]:
            return vs[0]
        if t >= ts[-1]:
            return vs[-1]
        i = int(np.searchsorted(ts, t, side="right")) - 1
        w = (t - ts[i]) / (ts[i + 1] - ts[i])
        return vs[i] + (vs[i + 1] - vs[i]) * w

    def breakpoints(self, t_stop: float) -> np.ndarray:
        return self.times[self.times <= t_stop]


def square_pulse(amplitude: ArrayLike, t_on: float, edge: float = 1e-11, delay: float = 0.0) -> PWL:
    """One pulse: ``amplitude`` (A or V) held for ``t_on`` (s), linear edges of ``edge`` (s) outside it.

    With ``delay > 0`` the value rises from 0 at ``delay``, is ``amplitude`` from ``delay + edge``
    to ``delay + edge + t_on`` and is back at 0 one ``edge`` later. With ``delay == 0`` it is
    ``amplitude`` already at t = 0 (no rising edge), held until ``t_on``, 0 from ``t_on + edge``.
    """
    a = np.asarray(amplitude, dtype=float)
    if delay > 0:
        times = [0.0, delay, delay + edge, delay + edge + t_on, delay + 2 * edge + t_on]
        values = [0 * a, 0 * a, a, a, 0 * a]
    else:
        times = [0.0, t_on, t_on + edge]
        values = [a, a, 0 * a]
    return PWL(np.array(times), np.array(values))


def pulse_train(amplitude: ArrayLike, t_on: float, t_off: float, delay: float = 0.0, edge: float = 1e-11) -> Pulse:
    """A periodic train with period exactly ``t_on + t_off`` (s).

    Each pulse rises from 0 at ``delay + k (t_on + t_off)`` over ``edge``, holds ``amplitude``
    (A or V) for ``t_on`` and falls over ``edge``; it is 0 for the rest of the period,
    ``t_off - 2 edge``. So ``t_off`` must be at least two edges; the charge of one pulse is
    ``amplitude (t_on + edge)``.
    """
    for name, v in (("t_on", t_on), ("edge", edge)):
        if not (isinstance(v, (int, float)) and math.isfinite(v) and v > 0):
            raise ParameterError(f"pulse {name}", v, "a finite time > 0 (s)")
    if not (isinstance(t_off, (int, float)) and math.isfinite(t_off) and t_off >= 2 * edge):
        raise ParameterError("pulse t_off", t_off, f"a time >= two edges of {edge!r} s (the edges lie in the off "
                             "time; the period is exactly t_on + t_off)")
    return Pulse(0.0 * np.asarray(amplitude, float), amplitude, delay=delay, rise=edge, fall=edge,
                 width=t_on, period=t_on + t_off)


def as_waveform(x: Waveform | ArrayLike) -> Waveform:
    """A waveform as it is, or a number / per-device array as :class:`DC`."""
    if isinstance(x, Waveform):
        return x
    return DC(x)


def spike_waveforms(events: np.ndarray, n_inputs: int, v_spike: float, width: float,
                    edge: float = 20e-12) -> list[Waveform]:
    """Row-driver voltages (V) for input events: each (t, input, sign) a trapezoidal pulse of
    amplitude ``sign v_spike``, flat for ``width`` (s) after a rise of ``edge``. Pulses on one row
    add (the sum of piecewise-linear pulses, exact at the union of their corners)."""
    if not (math.isfinite(v_spike) and v_spike > 0):
        raise ParameterError("v_spike", v_spike, "a voltage > 0 (V)")
    if not (math.isfinite(width) and width > 0):
        raise ParameterError("spike_width", width, "a time > 0 (s)")
    out: list[Waveform] = []
    for i in range(n_inputs):
        ev = events[events[:, 1] == i] if events.size else np.zeros((0, 3))
        if ev.shape[0] == 0:
            out.append(DC(0.0))
            continue
        corners = np.concatenate([ev[:, 0], ev[:, 0] + edge, ev[:, 0] + edge + width, ev[:, 0] + 2 * edge + width])
        tt = np.unique(np.concatenate([[0.0], corners]))
        val = np.zeros_like(tt)
        for t0, _, s in ev:
            xs = [t0, t0 + edge, t0 + edge + width, t0 + 2 * edge + width]
            val += s * v_spike * np.interp(tt, xs, [0.0, 1.0, 1.0, 0.0], left=0.0, right=0.0)
        out.append(PWL(tt, val))
    return out


def default_stimulus(i_amp: float = 0.62e-3, t_on: float = 40e-9, gap: float = 10e-9) -> PWL:
    """The neuron demo's input: +i_amp for t_on, nothing for gap, -i_amp for t_on, nothing for gap (A, s)."""
    e = 20e-12
    d0 = 2e-9
    t = [0.0, d0, d0 + e, d0 + e + t_on, d0 + 2 * e + t_on, d0 + 2 * e + t_on + gap, d0 + 3 * e + t_on + gap,
         d0 + 3 * e + 2 * t_on + gap, d0 + 4 * e + 2 * t_on + gap]
    v = [0.0, 0.0, i_amp, i_amp, 0.0, 0.0, -i_amp, -i_amp, 0.0]
    return PWL(np.array(t), np.array(v))
