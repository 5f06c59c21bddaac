"""Where the device starts to respond: the onset current from rest, and its hysteresis.

* :func:`onset_current` -- the up-sweep onset: the smallest DC current, applied to the device at
  rest, after which u = m.p leaves 0 (batched bisection over DC runs, cached per device and
  settings). The gate ``i_th`` of :mod:`mtjspice.analysis.lif` and the onset the neuron circuit
  derives its read current and thresholds from.
* :func:`onset_hysteresis` -- the down-sweep onset, measured: the device is driven well above onset
  (``i_start``, default 1.8 times the up onset), then |I| is lowered in a quasi-static staircase,
  each level continuing from the state the previous one left, until u falls back to its rest
  value. A coarse staircase brackets the fall, a fine one (from the state at the bracket's top)
  resolves it. Both signs run in one batch.

Near the fall the driven state slows down (the precession's decay rate vanishes there), so each
level dwells ``dwell`` (5 ns, several tau_m) and a level counts as "on" when the mean of |u - u_rest|
over its last ``tail`` exceeds ``u_off``; on the default device 5 ns and 20 ns dwells put the fall
between the same two levels (0.070 and 0.075 mA).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from ..errors import ParameterError
from ..params import Device
from ..physics.batch import DeviceBatch
from ..physics.rest import device_rest
from ..physics.solver import Trajectory, simulate
from ..stimulus import DC, PWL

__all__ = ["ONSET_I_MAX", "ONSET_T_ON", "ONSET_U_ON", "ONSET_TAIL", "responds", "OnsetHysteresis", "membrane", "onset_current",
           "onset_hysteresis"]


def membrane(device: Device | DeviceBatch, traj: Trajectory) -> np.ndarray:
    """u = m.p of every device at every time, shape (k, n) (dimensionless)."""
    p = np.asarray(device.p, float) if isinstance(device, Device) else device.p
    p = p.reshape(3, -1)
    return np.einsum("knc,cn->kn", traj.m, np.broadcast_to(p, (3, traj.n)))


#: The onset criterion: DC for ONSET_T_ON (s) from rest, "on" when the mean of u over the last
#: ONSET_TAIL (s) exceeds ONSET_U_ON (dimensionless) (:func:`responds`).
ONSET_T_ON = 8e-9
ONSET_U_ON = 0.05
ONSET_TAIL = 2e-9
#: The largest current (A) the onset scan from rest tries (:func:`onset_current`): a device with no
#: onset up to it has none for the neuron circuit (its onset is inf).
ONSET_I_MAX = 2e-3


def responds(t: np.ndarray, u: np.ndarray, t_on: float = ONSET_T_ON, u_on: float = ONSET_U_ON) -> np.ndarray:
    """Which devices left rest: the mean of u (k, n) over the last :data:`ONSET_TAIL` before ``t_on``
    exceeds ``u_on``; t (k,) in s."""
    return np.mean(u[t >= t_on - ONSET_TAIL], axis=0) > u_on


@lru_cache(maxsize=64)
def onset_current(device: Device, i_max: float = ONSET_I_MAX, *, t_on: float = ONSET_T_ON, u_on: float = ONSET_U_ON,
                  points: int = 16, rounds: int = 1, rtol: float = 1e-7, sign: int = 1) -> float:
    """The smallest DC current (A) after which the time-averaged u over the last 2 ns exceeds ``u_on``.

    Batched bisection: ``points`` currents in (0, i_max], then ``rounds`` refinements of the
    bracket; resolution i_max / points^(rounds+1) (7.8 uA with the defaults). Returns ``inf`` if
    even ``i_max`` is below it. Results are cached on the arguments; a :class:`Device` is a frozen
    dataclass, so the key is its content (name included).

    Parameters
    ----------
    device : Device
    i_max : float
        Largest current tried (A).
    t_on : float
        Length of each DC run (s).
    u_on : float
        Time-averaged u (dimensionless) that counts as a response (sign x u for ``sign`` = -1).
    points : int
        Currents per bisection round.
    rounds : int
        Refinements of the bracket after the first scan.
    rtol : float
        Relative tolerance of the solver.
    sign : {1, -1}
        Sign of the current; the result is its magnitude.
    """
    if not (math.isfinite(i_max) and i_max > 0):
        raise ParameterError("i_max", i_max, "a current > 0 (A)")
    if not (isinstance(points, int) and points >= 1):
        raise ParameterError("points", points, "an integer >= 1")
    if not (isinstance(rounds, int) and rounds >= 0):
        raise ParameterError("rounds", rounds, "an integer >= 0")
    if sign not in (1, -1):
        raise ParameterError("sign", sign, "1 or -1")
    lo, hi = 0.0, i_max
    for _ in range(rounds + 1):
        cur = np.linspace(lo, hi, points + 1)[1:]
        traj = simulate(DeviceBatch.from_device(device, n=cur.size), DC(sign * cur), t_on, 20e-12, rtol=rtol,
                        breakdown="ignore")  # a search: the currents above the onset are not a result
        u = sign * membrane(device, traj)
        on = responds(traj.t, u, t_on, u_on)
        if not on.any():
            if lo == 0.0:
                return math.inf
            return hi
        first = int(np.argmax(on))
        hi = float(cur[first])
        lo = float(cur[first - 1]) if first > 0 else lo
    return hi


@dataclass(frozen=True)
class OnsetHysteresis:
    """Onset currents from rest (up) and from a driven state (down), both signs (A, signed).

    Attributes
    ----------
    up : (float, float)
        Up-sweep onsets (:func:`onset_current`) for positive and negative current: +i, -i.
    down : (float, float)
        Down-sweep onsets: the smallest |I| (signed) at which the driven state survived the
        staircase; 0 if it survives down to zero current, nan if ``i_start`` did not drive it.
    resolution : float
        Step of the fine staircase (A): the down onsets' resolution.
    i_start : float
        Magnitude of the starting current (A).
    levels : (k, 2) array
        Staircase magnitudes (A) for the positive and the negative sign: the coarse staircase,
        then the fine one (nan where a sign was not refined).
    u : (k, 2) array
        Settled u at each level (dimensionless), nan where not run.
    v_max : float
        Largest junction voltage of the staircase runs (V).
    """

    up: tuple[float, float]
    down: tuple[float, float]
    resolution: float
    i_start: float
    levels: np.ndarray
    u: np.ndarray
    v_max: float

    @property
    def i_down(self) -> float:
        """The larger magnitude of the two down-sweep onsets (A): below it no driven state survives
        for either sign (nan if neither sign was driven)."""
        downs = [abs(d) for d in self.down if math.isfinite(d)]
        return max(downs) if downs else math.nan

    def summary(self) -> dict[str, float]:
        """The numbers of ``fit.json`` (A, signed)."""
        return {"onset_up_pos": self.up[0], "onset_up_neg": self.up[1], "onset_down_pos": self.down[0],
                "onset_down_neg": self.down[1], "onset_down_resolution": self.resolution,
                "onset_down_start": self.i_start}


def _staircase(device: Device, levels: np.ndarray, dwell: float, first: float, m0: np.ndarray | None, rtol: float,
               tail: float) -> tuple[np.ndarray, np.ndarray, float]:
    """Run the positive and the negative sign down ``levels`` ((k, 2) magnitudes, A), the first level
    for ``first`` s and the others for ``dwell`` s each. Returns the settled u (k, 2), m at each
    level's end (k, 3, 2) and the largest junction voltage (V)."""
    edge = min(20e-12, 0.1 * dwell)
    ends = first + dwell * np.arange(levels.shape[0])
    times, values = [0.0], [levels[0]]
    for k in range(1, levels.shape[0]):
        times += [float(ends[k - 1]), float(ends[k - 1]) + edge]
        values += [levels[k - 1], levels[k]]
    times.append(float(ends[-1]))
    values.append(levels[-1])
    drive = PWL(np.array(times), np.array(values) * np.array([1.0, -1.0]))
    dt = dwell / max(1, round(dwell / 20e-12))
    traj = simulate(DeviceBatch.from_device(device, n=2), drive, float(ends[-1]), dt, rtol=rtol, m0=m0,
                    breakdown="ignore")  # reported by the caller
    u = membrane(device, traj)
    settled = np.empty((ends.size, 2))
    states = np.empty((ends.size, 3, 2))
    for k, t_end in enumerate(ends):
        sel = (traj.t > t_end - tail - 1e-15) & (traj.t <= t_end + 1e-15)
        settled[k] = np.mean(u[sel], axis=0)
        states[k] = traj.m[int(np.argmin(np.abs(traj.t - t_end)))].T
    return settled, states, float(np.max(np.abs(traj.voltage)))


def onset_hysteresis(device: Device, *, i_start: float | None = None, coarse: int = 35, fine: int = 8,
                     dwell: float = 5e-9, first: float = 10e-9, tail: float = 1e-9, u_off: float = 0.01,
                     rtol: float = 1e-7) -> OnsetHysteresis:
    """Up- and down-sweep onset currents of ``device``, both signs.

    Parameters
    ----------
    device : Device
    i_start : float, optional
        Magnitude of the starting current (A); default 1.8 times the up onset.
    coarse : int
        Levels of the coarse staircase from i_start down to 0 (step i_start / coarse).
    fine : int
        Levels of the fine staircase inside the coarse bracket (resolution = coarse step / fine).
    dwell : float
        Time at each level (s); ``first`` (s) at i_start, from rest.
    tail : float
        Averaging window at the end of each level (s).
    u_off : float
        |u - u_rest| below which the driven state counts as gone (dimensionless); u_rest is the
        rest direction's m.p.
    rtol : float
        Solver tolerance.
    """
    for name, v in (("dwell", dwell), ("first", first), ("tail", tail), ("u_off", u_off)):
        if not (math.isfinite(v) and v > 0):
            raise ParameterError(name, v, "a finite number > 0")
    if tail > min(dwell, first):
        raise ParameterError("tail", tail, f"a time <= dwell = {dwell!r} s and <= first = {first!r} s")
    for name, k in (("coarse", coarse), ("fine", fine)):
        if not (isinstance(k, int) and k >= 2):
            raise ParameterError(name, k, "an integer >= 2")
    up = (onset_current(device), -onset_current(device, sign=-1))
    start = 1.8 * up[0] if i_start is None else float(i_start)
    if not (math.isfinite(start) and start > 0):
        raise ParameterError("i_start", i_start, "a current > 0 (A), or a device with a finite onset")
    u_rest = float(np.dot(device_rest(device), device.p))
    step = start / coarse
    levels = np.maximum(start - step * np.arange(coarse + 1), 0.0)
    levels[-1] = 0.0
    L = np.column_stack([levels, levels])
    u, states, v_max = _staircase(device, L, dwell, first, None, rtol, tail)
    on = np.abs(u - u_rest) > u_off
    res = step / fine
    down = [math.nan, math.nan]
    last = np.full(2, -1)
    for j in range(2):
        if on[0, j]:  # else i_start did not drive it: nan
            last[j] = coarse if on[:, j].all() else int(np.argmin(on[:, j])) - 1
            down[j] = 0.0 if on[:, j].all() else float(levels[last[j]])
    refine = (last >= 0) & (last < coarse)
    f_levels = np.full((fine, 2), math.nan)
    f_u = np.full((fine, 2), math.nan)
    if refine.any():
        top = np.where(refine, levels[np.maximum(last, 0)], start)
        f_levels = np.maximum(top[None, :] - res * np.arange(1, fine + 1)[:, None], 0.0)
        m0 = np.stack([states[max(int(last[j]), 0), :, j] for j in range(2)], axis=1)
        fu, _, v2 = _staircase(device, f_levels, dwell, dwell, m0, rtol, tail)
        v_max = max(v_max, v2)
        for j in range(2):
            if not refine[j]:
                continue
            f_on = np.abs(fu[:, j] - u_rest) > u_off
            if f_on[0]:
                k = fine - 1 if f_on.all() else int(np.argmin(f_on)) - 1
                down[j] = float(f_levels[k, j])
            f_u[:, j] = fu[:, j]
        f_levels = np.where(refine[None, :], f_levels, math.nan)
    lv = np.concatenate([L, f_levels])
    uu = np.concatenate([u, f_u])
    return OnsetHysteresis(up=up, down=(down[0], -down[1]), resolution=res, i_start=start, levels=lv, u=uu,
                           v_max=v_max)
