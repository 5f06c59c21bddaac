"""The compact MTJ's parameters: from the device's LIF fit (computed on demand and cached by the
device's content), from a ``lif_params.json``, or per device; its thermal term; its range check.

* :func:`compact_params` -- :func:`mtjspice.characterize.devicefit.fit_device` with the onset
  hysteresis (about 25 s for the shipped device), turned into a
  :class:`~mtjspice.netlist.compact.CompactMTJ`: tau_m, a1, R_m, u_rest and the up-sweep onset
  i_th from the fit, a2 refitted to the device's steady states over the validity range
  (:func:`steady_gain`), i_down the larger magnitude of the two down-sweep onsets, i_min / i_max
  its validity range. The gate i_th stays the onset from rest, not the firing threshold
  (:mod:`mtjspice.montecarlo.firing`): the compact MTJ runs inside the clocked circuit, which makes
  the firing threshold around it (the compact neuron fires between 0.55 and 0.6 mA DC, as the
  macrospin one does; tests/circuits/test_compact.py). Kept in memory for the process; on disk only
  where the user says (:func:`cache_dir`: a ``cache`` argument, :func:`use_cache`, ``$MTJSPICE_CACHE``;
  the command line's ``--cache DIR``), keyed by a hash of the device's full content and
  :data:`FIT_VERSION`, each file read or written logged (INFO, logger ``mtjspice.circuits.compact``).
  Without a folder the fit is recomputed in each process.
* :func:`load_compact` -- the same from a ``lif_params.json`` written by ``mtjspice fit`` (its
  ``info`` holds i_min and i_max; ``i_down`` when present, else no hysteresis).
* :func:`fit_noise` -- the macrospin's thermal m_y at rest (:func:`mtjspice.simulate_thermal`):
  its variance and its autocorrelation time, the equivalent Ornstein-Uhlenbeck term of the
  compact MTJ (kept in memory, and on disk when asked, like the fit).
* :func:`check_range` -- warns :class:`~mtjspice.netlist.compact.CompactRangeWarning` when a run
  drove a junction outside the fitted range.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import math
import os
import warnings
from collections.abc import Iterator
from dataclasses import replace
from functools import lru_cache
from pathlib import Path

import numpy as np

from ..analysis.lif import file_number, load_params
from ..characterize.devicefit import fit_device
from ..errors import BreakdownWarning, InputFileError, ParameterError
from ..netlist.compact import CompactMTJ, CompactRangeWarning
from ..params import Device
from ..physics.batch import DeviceBatch
from ..physics.rest import device_rest
from ..physics.solver import simulate
from ..physics.thermal import simulate_thermal
from ..stimulus import DC
from ..textio import read_text
from .cost import RunCost

__all__ = ["FIT_VERSION", "COMPACT_OPTIONS", "COMPACT_POINT_STEP", "COMPACT_COST_FACTOR", "compact_cost",
           "compact_params", "compact_from_fit", "steady_gain", "load_compact", "fit_noise", "check_range",
           "range_stats", "warn_range", "cache_dir", "use_cache"]

LOGGER = logging.getLogger(__name__)

#: Options a compact-MTJ deck adds to its preset: ngspice lowers trtol from 7 to 1 in decks with XSPICE
#: devices (the neuron's one-shots); keeping 7 takes 5 % fewer time points, and the spike counts on the
#: benchmark inputs do not depend on the step (10 ps and 200 ps maximum steps give the same counts).
COMPACT_OPTIONS: dict[str, float | str] = {"xtrtol": 7}
#: Time points of a compact-MTJ neuron deck come mostly from the clock, strobe and one-shot edges:
#: about 50 per simulated ns with the 200 ps maximum step (measured; 61 with 50 ps). Estimates count
#: 65, as many as a uniform step of this (s), erring on the expensive side.
COMPACT_POINT_STEP = 15e-12
#: A compact-MTJ neuron's CPU time per simulated ns against the macrospin one's (measured 0.12 to
#: 0.15 by benchmarks/bench_compact.py; the estimates err on the expensive side).
COMPACT_COST_FACTOR = 0.2
#: Version of the fitting procedure behind cached parameters: a change invalidates the cache.
FIT_VERSION = 3  # 3: the solver of issue #29 moves fitted values in the 8th digit


def compact_cost(cost: RunCost) -> RunCost:
    """A run estimate made at :data:`COMPACT_POINT_STEP` with the macrospin neuron's speed, scaled
    to the compact neuron's (:data:`COMPACT_COST_FACTOR`)."""
    return replace(cost, seconds=cost.seconds * COMPACT_COST_FACTOR, per_run=cost.per_run * COMPACT_COST_FACTOR,
                   what=cost.what + " with compact MTJs")


#: The folder :func:`use_cache` set, for every thread of the process (None: none set).
_USE: list[Path | None] = [None]


@contextlib.contextmanager
def use_cache(folder: str | Path | None) -> Iterator[None]:
    """Within the block, fits are cached on disk in ``folder`` (None: as outside it); the command
    line's ``--cache DIR``. Process-wide (threads included), restored on exit."""
    before = _USE[0]
    if folder is not None:
        _USE[0] = Path(folder)
    try:
        yield
    finally:
        _USE[0] = before


def cache_dir(cache: str | Path | None = None) -> Path | None:
    """The on-disk cache folder the user chose: ``cache``, else the innermost :func:`use_cache`
    folder, else ``$MTJSPICE_CACHE``; None when none was given (then nothing is read or written)."""
    if cache is not None:
        return Path(cache)
    if _USE[0] is not None:
        return _USE[0]
    env = os.environ.get("MTJSPICE_CACHE")
    return Path(env) if env else None


def _key(device: Device, what: str) -> str:
    return hashlib.sha256(f"{what} v{FIT_VERSION} {device!r}".encode()).hexdigest()[:32]


def _cached(device: Device, what: str, folder: Path | None) -> dict[str, float] | None:
    if folder is None:
        return None
    path = folder / f"{what}-{_key(device, what)}.json"
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        values = {k: float(v) for k, v in data.items()}
    except (OSError, ValueError, TypeError, AttributeError):
        return None  # absent or unreadable: recompute
    LOGGER.info("%s of device %r read from the cache: %s", what, device.name, path)
    return values


def _store(device: Device, what: str, values: dict[str, float], folder: Path | None) -> None:
    if folder is None:
        return
    path = folder / f"{what}-{_key(device, what)}.json"
    try:
        folder.mkdir(parents=True, exist_ok=True)
        tmp = folder / f".{what}-{_key(device, what)}.{os.getpid()}.tmp"
        tmp.write_text(json.dumps(values), encoding="utf-8")
        tmp.replace(path)
    except OSError as exc:
        LOGGER.warning("%s of device %r not cached (%s): %s", what, device.name, exc.strerror or exc, path)
        return
    LOGGER.info("%s of device %r written to the cache: %s", what, device.name, path)


def steady_gain(device: Device, i_min: float, i_max: float, n: int = 8) -> float:
    """The device's DC gain (1/A): the median over ``n`` DC currents from ``i_min`` to ``i_max`` (A) of
    the time-averaged steady u - u_rest (the last 10 of 20 ns) over I. A median, because u bends
    toward saturation at the top of the range (shipped device: u / I is 759 1/A within 0.1 % from
    0.42 to 1.1 mA, 715 1/A at 1.38 mA)."""
    cur = np.linspace(i_min, i_max, n)
    traj = simulate(DeviceBatch.from_device(device, n=n), DC(cur), 20e-9, 10e-12, rtol=1e-7, breakdown="ignore")
    p = np.asarray(device.p, float)
    u = np.einsum("knc,c->kn", traj.m, p)[traj.t >= 10e-9].mean(axis=0) - float(np.dot(device_rest(device), p))
    return float(np.median(u / cur))


def compact_from_fit(fit, device: Device | None = None) -> CompactMTJ:  # type: ignore[no-untyped-def]
    """A :class:`CompactMTJ` from a :class:`~mtjspice.characterize.devicefit.DeviceFit` (with hysteresis:
    i_down from its down-sweep onsets, else i_down = i_th). With ``device``, a2 is refitted to the
    device's steady states over the validity range (:func:`steady_gain`): the transient fit's least
    squares leaves the DC gain about 1.6 % low on the shipped device, and near the neuron's onset,
    where a read decides by a few thousandths of u, that made the compact neuron fire late."""
    p = fit.params
    i_down = p.i_th
    if fit.hysteresis is not None and math.isfinite(fit.hysteresis.i_down):
        i_down = min(fit.hysteresis.i_down, p.i_th)
    if not (math.isfinite(fit.i_min) and math.isfinite(fit.i_max)):
        raise ParameterError("device", "no validity range", "a device whose LIF fit holds (R^2 >= r2_min) over "
                             "some range of currents")
    a2 = p.a2 if device is None else steady_gain(device, fit.i_min, fit.i_max) * p.a1 / p.R_m
    return CompactMTJ(tau_m=p.tau_m, a2=a2, R_m=p.R_m, i_th=p.i_th, i_down=i_down, i_min=fit.i_min,
                      i_max=fit.i_max, a1=p.a1, u_rest=p.u_rest)


def compact_params(device: Device, *, cache: str | Path | None = None) -> CompactMTJ:
    """The device's compact MTJ, fitted on first use (about 30 s, logged) and kept in memory; on disk
    in ``cache`` (or :func:`cache_dir`'s folder) when the user gave one, reading and writing logged."""
    return _compact_params(device, cache_dir(cache))


@lru_cache(maxsize=64)
def _compact_params(device: Device, folder: Path | None) -> CompactMTJ:
    got = _cached(device, "compact", folder)
    if got is not None:
        try:
            return CompactMTJ(**got)
        except (ParameterError, TypeError):
            pass
    LOGGER.info("fitting the compact MTJ to device %r (the macrospin LIF fit, about 30 s%s)", device.name,
                "" if folder is not None else "; no cache folder given (--cache DIR or MTJSPICE_CACHE): not kept")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", BreakdownWarning)  # the fit's own training runs; the neuron reports its own
        params = compact_from_fit(fit_device(device), device)
    _store(device, "compact", {k: getattr(params, k) for k in ("tau_m", "a2", "R_m", "i_th", "i_down", "i_min",
                                                                "i_max", "a1", "u_rest")}, folder)
    return params


def load_compact(path: str | Path) -> CompactMTJ:
    """A :class:`CompactMTJ` from a ``lif_params.json`` (``mtjspice fit``): ``params`` give tau_m, a1,
    a2, R_m, i_th, u_rest; ``info`` must give i_min and i_max (A) and may give i_down (A)."""
    params = load_params(path)
    try:
        info = json.loads(read_text(path, "signed-LIF parameter file")).get("info") or {}
    except (ValueError, AttributeError) as exc:
        raise InputFileError(path, f"not a signed-LIF parameter file ({exc})") from None
    vals = {}
    for key in ("i_min", "i_max", "i_down"):
        v = info.get(key)
        if v is None and key != "i_down":
            raise InputFileError(path, f"info.{key} is missing: the compact MTJ needs the fitted range (write the "
                                 "file with mtjspice fit)")
        if v is not None:
            vals[key] = abs(file_number(path, f"info.{key}", v, "a finite current (A)"))
    if params.i_th <= 0:
        raise InputFileError(path, f"params.i_th: got {params.i_th!r}; allowed: the onset current > 0 (A)")
    try:
        return CompactMTJ(tau_m=params.tau_m, a2=params.a2, R_m=params.R_m, i_th=params.i_th,
                          i_down=vals.get("i_down", params.i_th), i_min=vals["i_min"], i_max=vals["i_max"],
                          a1=params.a1, u_rest=params.u_rest)
    except ParameterError as exc:
        raise InputFileError(path, str(exc)) from None


def fit_noise(device: Device, temperature: float, *, n: int = 64, t_stop: float = 40e-9, dt: float = 2e-12,
              seed: int = 12345, cache: str | Path | None = None) -> tuple[float, float]:
    """(variance of u at rest (-), autocorrelation time (s)) of the device's thermal m.p at ``temperature`` (K).

    ``n`` devices start at rest and run ``t_stop`` under Brown's field (stochastic Heun, step
    ``dt``); the first 5 ns are dropped. The time is the decay time tau of the normalised
    autocorrelation C (4 x the integral of C^2: exact for C = exp(-t / tau), and for
    cos(w t) exp(-t / tau) it gives the envelope's decay, as tests/netlist/test_noise.py measures it).
    Kept in memory, keyed by the device and the temperature; on disk in ``cache`` (or
    :func:`cache_dir`'s folder) when the user gave one, reading and writing logged.
    """
    if not (math.isfinite(temperature) and temperature > 0):
        raise ParameterError("temperature", temperature, "a temperature > 0 K")
    return _fit_noise(device, float(temperature), n, t_stop, dt, seed, cache_dir(cache))


@lru_cache(maxsize=64)
def _fit_noise(device: Device, temperature: float, n: int, t_stop: float, dt: float, seed: int,
               folder: Path | None) -> tuple[float, float]:
    what = f"noise-{temperature:.9g}K-{n}-{t_stop:.6g}-{dt:.6g}-{seed}"
    got = _cached(device, what, folder)
    if got is not None and {"variance", "tau"} <= set(got):
        return got["variance"], got["tau"]
    every = 5
    tr = simulate_thermal(DeviceBatch.from_device(device, n=n), 0.0, t_stop, every * dt, dt=dt, seed=seed,
                          temperature=temperature)
    p = np.asarray(device.p, float)
    u = np.einsum("knc,c->kn", tr.m, p)[tr.t >= 5e-9]
    u_rest = float(np.dot(device_rest(device), p))
    var = float(np.mean((u - u_rest) ** 2))
    x = u - u.mean(axis=0)
    lags = min(u.shape[0] // 2, int(round(10e-9 / (every * dt))))
    c = np.array([np.mean(x[: x.shape[0] - k] * x[k:]) for k in range(lags)])
    c /= c[0]
    tau = float(4.0 * np.sum(c**2) * every * dt)
    _store(device, what, {"variance": var, "tau": tau}, folder)
    return var, tau


def range_stats(params: CompactMTJ, t: np.ndarray, current: np.ndarray) -> tuple[float, float]:
    """(peak |I| (A), time (s) spent with i_th <= |I| < i_min) of a junction current sampled at ``t`` (s)."""
    a = np.abs(np.asarray(current, float))
    tt = np.asarray(t, float)
    peak = float(np.max(a)) if a.size else 0.0
    low = (a >= params.i_th) & (a < params.i_min)
    return peak, (float(np.sum(np.diff(tt) * low[:-1])) if a.size > 1 else 0.0)


def warn_range(params: CompactMTJ, peak: float, t_low: float, where: str = "") -> None:
    """Warn :class:`CompactRangeWarning` when ``peak`` (A) exceeds i_max, or ``t_low`` (s, the time
    between the gate i_th and i_min) exceeds tau_m."""
    if peak > params.i_max:
        warnings.warn(CompactRangeWarning(
            f"compact MTJ driven at |I| = {peak * 1e3:.4g} mA{where}, above its fitted range "
            f"{params.i_min * 1e3:.4g} to {params.i_max * 1e3:.4g} mA: the LIF extrapolates there"), stacklevel=3)
    elif t_low > params.tau_m:
        warnings.warn(CompactRangeWarning(
            f"compact MTJ driven for {t_low * 1e9:.3g} ns between its onset {params.i_th * 1e3:.4g} mA and its "
            f"fitted range's lower end {params.i_min * 1e3:.4g} mA{where}: the LIF extrapolates there"), stacklevel=3)


def check_range(params: CompactMTJ, t: np.ndarray, current: np.ndarray, where: str = "") -> None:
    """Warn :class:`CompactRangeWarning` when the junction current (A, sampled at times ``t``, s)
    exceeded ``i_max``, or stayed between the gate i_th and ``i_min`` for longer than ``tau_m`` in total."""
    warn_range(params, *range_stats(params, t, current), where)
