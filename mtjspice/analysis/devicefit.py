"""Fitting the signed LIF to a device's macrospin response, and the device's own spike trains.

The chain (all with the batched deterministic solver, :func:`mtjspice.simulate`):

1. :func:`onset_current` -- the DC current above which m.p leaves 0 (bisection over batched
   DC runs, cached per device and settings): the gate ``i_th`` of :mod:`mtjspice.analysis.lif`,
   and the onset the neuron circuit derives its read current and thresholds from.
2. :func:`training_runs` -- the fitting data: pulse trains of both signs at several amplitudes and
   random signed trains (:func:`random_signed_train`), each one device of one batch.
3. :func:`fit_device` -- :func:`mtjspice.analysis.liffit.fit_lif` over all those runs at once
   (a1 = 1; tau_m and a2 fitted, R_m = the junction resistance at u = 0, i_th measured), then the
   validity range: square pulses over a grid of amplitudes, R^2 of the fitted LIF for each, and
   [i_min, i_max] the contiguous amplitude range around the training amplitudes with
   R^2 >= ``r2_min`` (0.9 by default).
4. :func:`device_spikes` -- the device as a neuron with an ideal reset circuit: when |u| reaches
   u_th a spike is recorded and m is put back to its rest state (the model's m0) after the
   refractory time, as the ideal LIF resets u to u_reset = 0. Implemented event by event over
   horizons of a few ns, every trial of the batch with its own clock.

Accuracy: runs use rtol = 1e-7 and 10 ps samples unless told otherwise; the fitted numbers change
by less than 1 % between rtol 1e-7 and 1e-9.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import numpy as np

from ..errors import BreakdownWarning, ParameterError
from ..params import Device
from ..physics.batch import DeviceBatch
from ..physics.llgs import junction_resistance
from ..physics.solver import Trajectory, simulate
from ..stimulus import DC, PWL, pulse_train, square_pulse
from .lif import LIFParams, Spikes, lif_response
from .liffit import LIFFit, fit_lif, goodness

__all__ = [
    "DeviceFit",
    "device_spikes",
    "fit_device",
    "membrane",
    "onset_current",
    "random_signed_train",
    "training_runs",
    "validity_scan",
]


def membrane(device: Device | DeviceBatch, traj: Trajectory) -> np.ndarray:
    """u = m.p of every device at every time, shape (k, n) (dimensionless)."""
    p = np.asarray(device.p, float) if isinstance(device, Device) else device.p
    p = p.reshape(3, -1)
    return np.einsum("knc,cn->kn", traj.m, np.broadcast_to(p, (3, traj.n)))


def _quiet_simulate(*args: Any, **kw: Any) -> Trajectory:
    """simulate() with BreakdownWarning silenced: the fits drive the junction deliberately hard."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", BreakdownWarning)
        return simulate(*args, **kw)


@lru_cache(maxsize=64)
def onset_current(device: Device, i_max: float = 2e-3, *, t_on: float = 8e-9, u_on: float = 0.05,
                  points: int = 16, rounds: int = 1, rtol: float = 1e-7) -> float:
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
        Time-averaged u (dimensionless) that counts as a response.
    points : int
        Currents per bisection round.
    rounds : int
        Refinements of the bracket after the first scan.
    rtol : float
        Relative tolerance of the solver.
    """
    if not (math.isfinite(i_max) and i_max > 0):
        raise ParameterError("i_max", i_max, "a current > 0 (A)")
    if not (isinstance(points, int) and points >= 1):
        raise ParameterError("points", points, "an integer >= 1")
    if not (isinstance(rounds, int) and rounds >= 0):
        raise ParameterError("rounds", rounds, "an integer >= 0")
    lo, hi = 0.0, i_max
    for _ in range(rounds + 1):
        cur = np.linspace(lo, hi, points + 1)[1:]
        traj = _quiet_simulate(DeviceBatch.from_device(device, n=cur.size), DC(cur), t_on, 20e-12, rtol=rtol)
        u = membrane(device, traj)
        late = traj.t >= t_on - 2e-9
        on = np.mean(u[late], axis=0) > u_on
        if not on.any():
            if lo == 0.0:
                return math.inf
            return hi
        first = int(np.argmax(on))
        hi = float(cur[first])
        lo = float(cur[first - 1]) if first > 0 else lo
    return hi


def random_signed_train(n: int, t_stop: float, *, i_lo: float, i_hi: float, seed: int = 0,
                        seg_min: float = 0.5e-9, seg_max: float = 3e-9, p_zero: float = 0.3,
                        edge: float = 20e-12) -> PWL:
    """n random signed current trains (A), one per device, as one PWL with values (k, n).

    Time is cut into segments of uniform random length in [seg_min, seg_max] (s), shared by all
    trains; in each segment every train independently holds 0 (probability ``p_zero``) or a
    current of random sign and magnitude uniform in [i_lo, i_hi] (A). Edges are ``edge`` s ramps.
    """
    if not (isinstance(n, int) and n >= 1):
        raise ParameterError("n", n, "an integer >= 1")
    if not (0 <= i_lo <= i_hi and math.isfinite(i_hi)):
        raise ParameterError("i_lo, i_hi", (i_lo, i_hi), "0 <= i_lo <= i_hi, finite (A)")
    if not (0 < seg_min <= seg_max) or edge <= 0 or edge >= seg_min:
        raise ParameterError("seg_min, seg_max, edge", (seg_min, seg_max, edge), "0 < edge < seg_min <= seg_max (s)")
    if not (0 <= p_zero <= 1):
        raise ParameterError("p_zero", p_zero, "a probability in [0, 1]")
    rng = np.random.default_rng(seed)
    bounds = [0.0]
    while bounds[-1] < t_stop:
        bounds.append(bounds[-1] + rng.uniform(seg_min, seg_max))
    ns = len(bounds) - 1
    amp = rng.uniform(i_lo, i_hi, (ns, n)) * rng.choice([-1.0, 1.0], (ns, n)) * (rng.random((ns, n)) >= p_zero)
    times = [0.0]
    values = [amp[0]]
    for i in range(1, ns):
        times += [bounds[i], bounds[i] + edge]
        values += [amp[i - 1], amp[i]]
    return PWL(np.array(times), np.array(values))


def training_runs(device: Device, *, amplitudes: np.ndarray, n_random: int = 4, t_stop: float = 40e-9,
                  dt: float = 10e-12, seed: int = 0, rtol: float = 1e-7) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Device responses for fitting: pulse trains (3 ns on, 3 ns off) at +-``amplitudes`` and
    ``n_random`` random signed trains with magnitudes in [min, max] of ``amplitudes``.

    Returns
    -------
    t : (k,) array (s); u : (k, n) array; current : (k, n) array (A)
    """
    a = np.abs(np.asarray(amplitudes, float))
    if a.size == 0 or not np.all(np.isfinite(a) & (a > 0)):
        raise ParameterError("amplitudes", amplitudes, "currents > 0 (A)")
    amps = np.concatenate([a, -a])
    t_parts, u_parts, i_parts = [], [], []
    drives: list[tuple[int, Any]] = [(amps.size, pulse_train(amps, 3e-9, 3e-9, delay=1e-9))]
    if n_random:
        drives.append((n_random, random_signed_train(n_random, t_stop, i_lo=float(a.min()), i_hi=float(a.max()),
                                                     seed=seed)))
    for n, drv in drives:
        traj = _quiet_simulate(DeviceBatch.from_device(device, n=n), drv, t_stop, dt, rtol=rtol)
        t_parts.append(traj.t)
        u_parts.append(membrane(device, traj))
        i_parts.append(traj.current)
    return t_parts[0], np.hstack(u_parts), np.hstack(i_parts)


@dataclass(frozen=True)
class DeviceFit:
    """The LIF fitted to a device, with its validity range.

    Attributes
    ----------
    fit : LIFFit
        Parameters (tau_m in s, a2 in 1/V, R_m in Ohm, i_th in A), R^2 and nrmse over the
        training runs.
    i_min, i_max : float
        Validity range of |I| (A): square pulses at these amplitudes and between them are
        reproduced with R^2 >= ``r2_min``.
    r2_min : float
        The R^2 criterion of the validity range.
    scan_currents, scan_r2 : (m,) arrays
        The validity scan: amplitude (A) and the R^2 of the fitted LIF on that square pulse
        (nan where the device does not respond, i.e. u stays constant).
    t, u, current : arrays
        The training data, (k,), (k, n), (k, n), for plots.
    """

    fit: LIFFit
    i_min: float
    i_max: float
    r2_min: float
    scan_currents: np.ndarray
    scan_r2: np.ndarray
    t: np.ndarray
    u: np.ndarray
    current: np.ndarray

    @property
    def params(self) -> LIFParams:
        return self.fit.params

    def summary(self) -> dict[str, float]:
        """The numbers of ``fit.json`` (SI units)."""
        p = self.fit.params
        return {"tau_m": p.tau_m, "a1": p.a1, "a2": p.a2, "R_m": p.R_m, "r2": self.fit.r2, "nrmse": self.fit.nrmse,
                "i_min": self.i_min, "i_max": self.i_max, "i_th": p.i_th, "gain": p.gain, "r2_min": self.r2_min}


def validity_scan(device: Device, params: LIFParams, currents: np.ndarray, *, t_on: float = 5e-9,
                  t_off: float = 5e-9, dt: float = 10e-12, rtol: float = 1e-7) -> np.ndarray:
    """R^2 of the LIF against the device for one square pulse (from 0.5 ns, ``t_on`` long) per current.

    Returns (m,) R^2 values, nan where the device's u is constant (no response).
    """
    cur = np.asarray(currents, float)
    drv = square_pulse(cur, t_on, delay=0.5e-9)
    traj = _quiet_simulate(DeviceBatch.from_device(device, n=cur.size), drv, 0.5e-9 + t_on + t_off, dt, rtol=rtol)
    u = membrane(device, traj)
    model = lif_response(params, traj.t, traj.current, u0=u[0])
    out = np.full(cur.size, math.nan)
    for j in range(cur.size):
        if np.ptp(u[:, j]) > 0.05:  # a response; below that R^2 only measures numerical noise
            out[j] = goodness(u[:, j], model[:, j])[0]
    return out


def fit_device(device: Device, *, amplitudes: np.ndarray | None = None, n_random: int = 4, t_stop: float = 40e-9,
               r2_min: float = 0.9, scan: np.ndarray | None = None, seed: int = 0, rtol: float = 1e-7,
               i_th: float | None = None) -> DeviceFit:
    """Fit the signed LIF to ``device`` and find its validity range.

    Parameters
    ----------
    device : Device
    amplitudes : array, optional
        Training pulse amplitudes (A); default 1.3, 1.8, 2.4 and 3.0 times the onset current.
    n_random : int
        Number of random signed training trains.
    t_stop : float
        Length of each training run (s).
    r2_min : float
        R^2 criterion of the validity range.
    scan : array, optional
        Amplitudes (A) of the validity scan; default 0.1 to 5 times the onset current, 40 points.
    i_th : float, optional
        Input gate (A); default :func:`onset_current` of the device.
    """
    if not (0 < r2_min < 1):
        raise ParameterError("r2_min", r2_min, "a number in (0, 1)")
    ith = onset_current(device) if i_th is None else float(i_th)
    if not math.isfinite(ith):
        raise ParameterError("device", device.name, "a device whose u responds to some DC current up to 2 mA, "
                             "or a given i_th")
    amps = ith * np.array([1.3, 1.8, 2.4, 3.0]) if amplitudes is None else np.asarray(amplitudes, float)
    t, u, cur = training_runs(device, amplitudes=amps, n_random=n_random, t_stop=t_stop, seed=seed, rtol=rtol)
    R_m = junction_resistance(device, 0.0)
    fit = fit_lif(t, u, cur, R_m, ith)
    grid = ith * np.linspace(0.1, 5.0, 40) if scan is None else np.asarray(scan, float)
    r2 = validity_scan(device, fit.params, grid, rtol=rtol)
    i_min, i_max = _validity_range(grid, r2, r2_min, float(np.min(np.abs(amps))), float(np.max(np.abs(amps))))
    return DeviceFit(fit=fit, i_min=i_min, i_max=i_max, r2_min=r2_min, scan_currents=grid, scan_r2=r2,
                     t=t, u=u, current=cur)


def _validity_range(grid: np.ndarray, r2: np.ndarray, r2_min: float, a_lo: float, a_hi: float) -> tuple[float, float]:
    """The contiguous run of grid points with R^2 >= r2_min containing the training amplitudes' middle."""
    ok = np.nan_to_num(r2, nan=-np.inf) >= r2_min
    order = np.argsort(grid)
    g, ok = grid[order], ok[order]
    mid = 0.5 * (a_lo + a_hi)
    start = int(np.argmin(np.abs(g - mid)))
    if not ok[start]:
        return math.nan, math.nan
    lo = hi = start
    while lo > 0 and ok[lo - 1]:
        lo -= 1
    while hi < g.size - 1 and ok[hi + 1]:
        hi += 1
    return float(g[lo]), float(g[hi])


class _OffsetPWL:
    """Device j sees ``base`` at time t + offset[j]: one batch, each device on its own clock."""

    def __init__(self, base: PWL, offset: np.ndarray, horizon: float) -> None:
        self.times = base.times
        self.values = base.values if base.values.ndim == 2 else base.values[:, None]
        self.offset = offset
        self.cols = np.arange(offset.size)
        shifted = (self.times[:, None] - offset[None, :]).ravel()
        self._bp = np.unique(shifted[(shifted > 0) & (shifted < horizon)])

    def __call__(self, t: float) -> np.ndarray:
        tt = np.clip(t + self.offset, self.times[0], self.times[-1])
        i = np.clip(np.searchsorted(self.times, tt, side="right") - 1, 0, self.times.size - 2)
        t0, t1 = self.times[i], self.times[i + 1]
        w = (tt - t0) / (t1 - t0)
        v0, v1 = self.values[i, self.cols], self.values[i + 1, self.cols]
        return v0 + (v1 - v0) * w

    def breakpoints(self, t_stop: float) -> np.ndarray:
        return self._bp[self._bp <= t_stop]


def device_spikes(device: Device, drive: PWL, t_stop: float, u_th: float, *, t_ref: float = 0.0,
                  horizon: float = 4e-9, dt: float = 10e-12, rtol: float = 1e-7) -> list[Spikes]:
    """Spike trains of ``device`` driven by each column of ``drive`` (A), with an ideal reset.

    A spike (sign of u) is recorded at the first sample where |u| >= ``u_th``; the device is then
    put back to its rest magnetization m0 and restarts ``t_ref`` s later. Between spikes it runs
    freely, so its own leak and threshold act exactly as in the circuit.

    Parameters
    ----------
    device : Device
    drive : PWL
        Input currents (A), values (k,) or (k, n) for n trials.
    t_stop : float
        End time (s).
    u_th : float
        Firing threshold on |u| (dimensionless).
    t_ref : float
        Refractory time (s).
    horizon : float
        Length of each integration segment (s); does not change the result, only the cost.
    dt : float
        Sampling interval (s): the spike-time resolution.
    """
    if not (0 < u_th <= 1):
        raise ParameterError("u_th", u_th, "a threshold in (0, 1]")
    if not (math.isfinite(t_stop) and t_stop > 0):
        raise ParameterError("t_stop", t_stop, "a time > 0 (s)")
    n = 1 if drive.values.ndim == 1 else drive.values.shape[1]
    clock = np.zeros(n)
    m = np.tile(np.asarray(device.initial.m0, float)[:, None], (1, n))
    rest = np.asarray(device.initial.m0, float)
    p = np.asarray(device.p, float)
    times: list[list[float]] = [[] for _ in range(n)]
    signs: list[list[int]] = [[] for _ in range(n)]
    while True:
        live = np.nonzero(clock < t_stop - 0.5 * dt)[0]
        if live.size == 0:
            break
        h = min(horizon, float(np.max(t_stop - clock[live])))
        h = dt * max(1, round(h / dt))
        sub = PWL(drive.times, drive.values if drive.values.ndim == 1 else drive.values[:, live])
        wave = _OffsetPWL(sub, clock[live], h)
        batch = DeviceBatch.from_device(device, n=live.size)
        traj = _quiet_simulate(batch, wave, h, dt, rtol=rtol, m0=m[:, live])
        u = traj.m @ p  # (k, n_live)
        for jj, j in enumerate(live):
            remaining = t_stop - clock[j]
            valid = traj.t <= remaining + 1e-15
            hit = np.nonzero(valid & (np.abs(u[:, jj]) >= u_th) & (traj.t > 0))[0]
            if hit.size:
                k = int(hit[0])
                times[j].append(float(clock[j] + traj.t[k]))
                signs[j].append(1 if u[k, jj] > 0 else -1)
                clock[j] += traj.t[k] + t_ref
                m[:, j] = rest
            else:
                clock[j] += h
                m[:, j] = traj.m[-1, jj]
    return [Spikes(np.array(a, float), np.array(s, int)) for a, s in zip(times, signs, strict=True)]

