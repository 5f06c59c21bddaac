"""Fitting the signed LIF to a device's macrospin response, and the device's own spike trains.

The chain (all with the batched deterministic solver, :func:`mtjspice.simulate`):

1. :func:`onset_current` -- the DC current above which m.p leaves 0 from rest (bisection over
   batched DC runs, cached per device and settings): the gate ``i_th`` of
   :mod:`mtjspice.analysis.lif`, and the onset the neuron circuit derives its read current and
   thresholds from. :func:`~mtjspice.characterize.onset.onset_hysteresis` adds the measured
   down-sweep onset (from a driven state), both signs (:mod:`mtjspice.characterize.onset`).
2. :func:`training_runs` -- the fitting data: pulse trains of both signs at several amplitudes and
   random signed trains (:func:`random_signed_train`), each one device of one batch.
3. :func:`fit_device` -- :func:`mtjspice.analysis.liffit.fit_lif` over all those runs at once
   (a1 = 1; tau_m and a2 fitted, R_m = the junction resistance at u = 0, i_th measured), then the
   validity range: square pulses over a grid of amplitudes, R^2 of the fitted LIF for each, and
   [i_min, i_max] the contiguous amplitude range around the training amplitudes with
   R^2 >= ``r2_min`` (0.9 by default). The scan runs both signs and records the junction's peak
   voltage: the result carries the voltage over the validity range and the current at which the
   junction reaches its breakdown voltage, and warns once (:class:`BreakdownWarning`) when the
   runs passed it.
4. :func:`device_spikes` (:mod:`mtjspice.characterize.devicespikes`) -- the device as a neuron with
   an ideal reset circuit: when |u| reaches u_th a spike is recorded and m is put back to its
   initial state (its rest state) after the refractory time, as the ideal LIF resets u to
   u_reset = 0. Implemented event by event over horizons of a few ns, every trial of the batch
   with its own clock.

Accuracy: runs use rtol = 1e-7 and 10 ps samples unless told otherwise; the fitted numbers change
by less than 1 % between rtol 1e-7 and 1e-9.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..analysis.lif import LIFParams, lif_response
from ..analysis.liffit import LIFFit, fit_lif, goodness
from ..errors import ParameterError
from ..limits import warn_over_breakdown
from ..params import Device
from ..physics.batch import DeviceBatch
from ..physics.llgs import junction_resistance
from ..physics.solver import simulate
from ..stimulus import PWL, pulse_train, square_pulse
from .devicespikes import device_spikes
from .onset import OnsetHysteresis, membrane, onset_current, onset_hysteresis

__all__ = [
    "T_STOP_MIN",
    "DeviceFit",
    "device_spikes",
    "fit_device",
    "membrane",
    "onset_current",
    "random_signed_train",
    "training_runs",
    "validity_scan",
]


#: Shortest training run (s): the pulse trains' 1 ns delay and one 3 ns on, 3 ns off period.
T_STOP_MIN = 7e-9


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
    return _training(device, amplitudes, n_random, t_stop, dt, seed, rtol)[:3]


def _training(device: Device, amplitudes: np.ndarray, n_random: int, t_stop: float, dt: float, seed: int,
              rtol: float) -> tuple[np.ndarray, np.ndarray, np.ndarray, float]:
    """:func:`training_runs` and the largest junction voltage of the runs (V)."""
    a = np.abs(np.asarray(amplitudes, float))
    if a.size == 0 or not np.all(np.isfinite(a) & (a > 0)):
        raise ParameterError("amplitudes", amplitudes, "currents > 0 (A)")
    amps = np.concatenate([a, -a])
    t_parts, u_parts, i_parts, v_max = [], [], [], 0.0
    # 3 ns on, 3 ns at 0 between the 10 ps edges: period 6.02 ns (t_off includes the two edges)
    drives: list[tuple[int, Any]] = [(amps.size, pulse_train(amps, 3e-9, 3.02e-9, delay=1e-9))]
    if n_random:
        drives.append((n_random, random_signed_train(n_random, t_stop, i_lo=float(a.min()), i_hi=float(a.max()),
                                                     seed=seed)))
    for n, drv in drives:
        traj = simulate(DeviceBatch.from_device(device, n=n), drv, t_stop, dt, rtol=rtol, breakdown="ignore")
        t_parts.append(traj.t)
        u_parts.append(membrane(device, traj))
        i_parts.append(traj.current)
        v_max = max(v_max, float(np.max(np.abs(traj.voltage))))
    return t_parts[0], np.hstack(u_parts), np.hstack(i_parts), v_max


@dataclass(frozen=True)
class DeviceFit:
    """The LIF fitted to a device, with its validity range, breakdown and onset hysteresis.

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
        (positive sign; nan where the device does not respond, i.e. u stays constant).
    t, u, current : arrays
        The training data, (k,), (k, n), (k, n), for plots.
    scan_v_max : (m,) array
        Peak junction voltage (V) of each scan amplitude, the larger of both signs.
    breakdown_voltage : float
        The device's breakdown voltage (V).
    v_at_i_min, v_at_i_max : float
        Peak junction voltage (V) at the ends of the validity range (nan without one).
    i_breakdown : float
        Smallest |I| (A) at which the junction's peak voltage reaches the breakdown voltage, from
        the scan (interpolated; inf if no scan amplitude reaches it).
    i_breakdown_u0 : float
        breakdown_voltage / R(u = 0) (A): the current that breaks the barrier at rest.
    v_max_training : float
        Largest junction voltage of the training runs (V).
    hysteresis : OnsetHysteresis or None
        Up- and down-sweep onsets, both signs (:func:`~mtjspice.characterize.onset.onset_hysteresis`).
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
    scan_v_max: np.ndarray | None = None
    breakdown_voltage: float = math.inf
    v_at_i_min: float = math.nan
    v_at_i_max: float = math.nan
    i_breakdown: float = math.inf
    i_breakdown_u0: float = math.inf
    v_max_training: float = math.nan
    hysteresis: OnsetHysteresis | None = None

    @property
    def params(self) -> LIFParams:
        return self.fit.params

    def summary(self) -> dict[str, float]:
        """The numbers of ``fit.json`` (SI units; currents signed where named _pos / _neg)."""
        p = self.fit.params
        out = {"tau_m": p.tau_m, "a1": p.a1, "a2": p.a2, "R_m": p.R_m, "r2": self.fit.r2, "nrmse": self.fit.nrmse,
               "i_min": self.i_min, "i_max": self.i_max, "i_th": p.i_th, "gain": p.gain, "r2_min": self.r2_min,
               "breakdown_voltage": self.breakdown_voltage, "v_at_i_min": self.v_at_i_min,
               "v_at_i_max": self.v_at_i_max, "i_breakdown": self.i_breakdown, "i_breakdown_u0": self.i_breakdown_u0,
               "v_max_training": self.v_max_training}
        if self.hysteresis is not None:
            out.update(self.hysteresis.summary())
        return out


def validity_scan(device: Device, params: LIFParams, currents: np.ndarray, *, t_on: float = 5e-9,
                  t_off: float = 5e-9, dt: float = 10e-12, rtol: float = 1e-7) -> np.ndarray:
    """R^2 of the LIF against the device for one square pulse (from 0.5 ns, ``t_on`` long) per current.

    Returns (m,) R^2 values, nan where the device's u is constant (no response).
    """
    return _scan(device, params, currents, t_on, t_off, dt, rtol, both_signs=False)[0]


def _scan(device: Device, params: LIFParams, currents: np.ndarray, t_on: float, t_off: float, dt: float, rtol: float,
          both_signs: bool = True) -> tuple[np.ndarray, np.ndarray]:
    """R^2 (positive sign) and peak junction voltage (V, the larger of both signs) per current."""
    cur = np.asarray(currents, float)
    signed = np.concatenate([cur, -cur]) if both_signs else cur
    drv = square_pulse(signed, t_on, delay=0.5e-9)
    traj = simulate(DeviceBatch.from_device(device, n=signed.size), drv, 0.5e-9 + t_on + t_off, dt, rtol=rtol,
                    breakdown="ignore")
    u = membrane(device, traj)[:, :cur.size]
    model = lif_response(params, traj.t, traj.current[:, :cur.size], u0=u[0])
    out = np.full(cur.size, math.nan)
    for j in range(cur.size):
        if np.ptp(u[:, j]) > 0.05:  # a response; below that R^2 only measures numerical noise
            out[j] = goodness(u[:, j], model[:, j])[0]
    v = np.max(np.abs(traj.voltage), axis=0)
    return out, np.maximum(v[:cur.size], v[cur.size:]) if both_signs else v


def fit_device(device: Device, *, amplitudes: np.ndarray | None = None, n_random: int = 4, t_stop: float = 40e-9,
               r2_min: float = 0.9, scan: np.ndarray | None = None, seed: int = 0, rtol: float = 1e-7,
               i_th: float | None = None, hysteresis: bool = True) -> DeviceFit:
    """Fit the signed LIF to ``device`` and find its validity range, breakdown current and onsets.

    Parameters
    ----------
    device : Device
    amplitudes : array, optional
        Training pulse amplitudes (A); default 1.3, 1.8, 2.4 and 3.0 times the onset current.
    n_random : int
        Number of random signed training trains.
    t_stop : float
        Length of each training run (s), at least :data:`T_STOP_MIN` (7 ns).
    r2_min : float
        R^2 criterion of the validity range.
    scan : array, optional
        Amplitudes (A) of the validity scan; default 0.1 to 5 times the onset current, 40 points.
    i_th : float, optional
        Input gate (A); default :func:`onset_current` of the device.
    hysteresis : bool
        Measure the down-sweep onsets too (:func:`~mtjspice.characterize.onset.onset_hysteresis`, about 15 s).

    Warns
    -----
    BreakdownWarning
        Once, with the numbers, when a training, scan or staircase run put more than the
        breakdown voltage across the junction.
    """
    if not (isinstance(t_stop, (int, float)) and math.isfinite(t_stop) and t_stop >= T_STOP_MIN):
        raise ParameterError("t_stop", t_stop, f"a run length >= {T_STOP_MIN:g} s (the training pulse trains' 1 ns "
                             "delay and one 3 ns on, 3 ns off period)")
    if not (0 < r2_min < 1):
        raise ParameterError("r2_min", r2_min, "a number in (0, 1)")
    ith = onset_current(device) if i_th is None else float(i_th)
    if not math.isfinite(ith):
        raise ParameterError("device", device.name, "a device whose u responds to some DC current up to 2 mA, "
                             "or a given i_th")
    amps = ith * np.array([1.3, 1.8, 2.4, 3.0]) if amplitudes is None else np.asarray(amplitudes, float)
    t, u, cur, v_train = _training(device, amps, n_random, t_stop, 10e-12, seed, rtol)
    R_m = junction_resistance(device, 0.0)
    fit = fit_lif(t, u, cur, R_m, ith)
    grid = ith * np.linspace(0.1, 5.0, 40) if scan is None else np.asarray(scan, float)
    r2, v_scan = _scan(device, fit.params, grid, 5e-9, 5e-9, 10e-12, rtol)
    i_min, i_max = _validity_range(grid, r2, r2_min, float(np.min(np.abs(amps))), float(np.max(np.abs(amps))))
    hyst = onset_hysteresis(device, rtol=rtol) if hysteresis else None
    v_bd = device.junction.breakdown_voltage
    order = np.argsort(grid)
    v_at = [float(np.interp(i, grid[order], v_scan[order])) if math.isfinite(i) else math.nan for i in (i_min, i_max)]
    result = DeviceFit(fit=fit, i_min=i_min, i_max=i_max, r2_min=r2_min, scan_currents=grid, scan_r2=r2,
                       t=t, u=u, current=cur, scan_v_max=v_scan, breakdown_voltage=v_bd, v_at_i_min=v_at[0],
                       v_at_i_max=v_at[1], i_breakdown=_breakdown_current(grid[order], v_scan[order], v_bd),
                       i_breakdown_u0=v_bd / R_m, v_max_training=v_train, hysteresis=hyst)
    _warn_fit_breakdown(result, float(np.max(v_scan)), hyst.v_max if hyst is not None else 0.0)
    return result


def _breakdown_current(grid: np.ndarray, v: np.ndarray, v_bd: float) -> float:
    """Smallest current (A) of an increasing ``grid`` at which ``v`` (V) reaches ``v_bd``, interpolated."""
    over = np.nonzero(v >= v_bd)[0]
    if over.size == 0:
        return math.inf
    k = int(over[0])
    if k == 0:
        return float(grid[0] * v_bd / v[0])  # at or below the first point: ohmic from it
    g0, g1, v0, v1 = grid[k - 1], grid[k], v[k - 1], v[k]
    return float(g0 + (g1 - g0) * (v_bd - v0) / (v1 - v0))


def _warn_fit_breakdown(r: DeviceFit, v_scan: float, v_hyst: float) -> None:
    v = max(r.v_max_training, v_scan, v_hyst)
    warn_over_breakdown(v, r.breakdown_voltage, lambda _: (
            f"fit_device: the runs put up to {v:.3g} V across the junction, above its breakdown voltage "
            f"{r.breakdown_voltage:.3g} V (training {r.v_max_training:.3g} V, validity scan {v_scan:.3g} V, onset "
            f"staircase {v_hyst:.3g} V); the junction reaches breakdown at |I| = {r.i_breakdown * 1e3:.3g} mA "
            f"({r.i_breakdown_u0 * 1e3:.3g} mA at u = 0), and the validity range {r.i_min * 1e3:.3g} to "
            f"{r.i_max * 1e3:.3g} mA spans {r.v_at_i_min:.3g} to {r.v_at_i_max:.3g} V"), stacklevel=3)


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
