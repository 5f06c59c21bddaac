"""Batched macrospin integrators.

* :func:`simulate` -- deterministic: Dormand-Prince 5(4) with one adaptive step shared by the
  whole batch (error measured by the worst device), landing exactly on output times and on the
  drive's breakpoints, and projecting m back to the unit sphere after each accepted step.
  Accuracy, measured against scipy's DOP853 at rtol 1e-12 (tests/test_llgs.py), as the largest
  error in any component of m over an 8 ns pulse-and-relax run of the default device: about
  1e4 * rtol in the precessing (leaky-integrating) regime, where phase errors accumulate, and about
  50 * rtol below threshold; it falls linearly with rtol (rtol 1e-8: 7e-5; 1e-10: 7e-7;
  1e-11: 6e-8). rtol = 1e-11 is the reference used to check ngspice.
* :func:`simulate_thermal` -- stochastic: Brown's thermal field, stochastic Heun (Stratonovich)
  with a fixed step, reproducible from a seed. The field has, per component and step,
  variance 2 alpha kB T / (gamma mu0^2 Ms V dt) (A/m)^2.

Both accept one device, a list of devices or a :class:`DeviceBatch`, and any drive.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike

from ..constants import KB, MU0
from ..errors import BreakdownWarning, ParameterError
from ..params import Device
from ..stimulus import Waveform
from .batch import DeviceBatch
from .drive import CurrentDrive, Drive, as_drive
from .llgs import effective_field, llgs_rhs

__all__ = ["Trajectory", "simulate", "simulate_thermal", "as_batch"]

# Dormand-Prince 5(4) tableau.
_C = (0.0, 1 / 5, 3 / 10, 4 / 5, 8 / 9, 1.0, 1.0)
_A = (
    (),
    (1 / 5,),
    (3 / 40, 9 / 40),
    (44 / 45, -56 / 15, 32 / 9),
    (19372 / 6561, -25360 / 2187, 64448 / 6561, -212 / 729),
    (9017 / 3168, -355 / 33, 46732 / 5247, 49 / 176, -5103 / 18656),
    (35 / 384, 0.0, 500 / 1113, 125 / 192, -2187 / 6784, 11 / 84),
)
_B = _A[6] + (0.0,)
_B4 = (5179 / 57600, 0.0, 7571 / 16695, 393 / 640, -92097 / 339200, 187 / 2100, 1 / 40)
_E = tuple(b - b4 for b, b4 in zip(_B, _B4, strict=True))


@dataclass(frozen=True, eq=False)
class Trajectory:
    """A batched macrospin result (SI units).

    Attributes
    ----------
    t : (k,) array
        Output times (s).
    m : (k, n, 3) array
        Unit magnetization of each device at each output time.
    current : (k, n) array
        Junction current (A), positive into the free-layer terminal.
    voltage : (k, n) array
        Junction voltage (V).
    resistance : (k, n) array
        Junction resistance (Ohm) from the conductance at each state and voltage.
    steps : int
        Integrator steps taken (accepted).
    rejected : int
        Steps rejected by the error control (deterministic mode).
    """

    t: np.ndarray
    m: np.ndarray
    current: np.ndarray
    voltage: np.ndarray
    resistance: np.ndarray
    steps: int = 0
    rejected: int = 0

    @property
    def mx(self) -> np.ndarray:
        """m_x, shape (k, n)."""
        return self.m[..., 0]

    @property
    def my(self) -> np.ndarray:
        """m_y, shape (k, n)."""
        return self.m[..., 1]

    @property
    def mz(self) -> np.ndarray:
        """m_z, shape (k, n)."""
        return self.m[..., 2]

    @property
    def n(self) -> int:
        """Number of devices."""
        return int(self.m.shape[1])


def as_batch(devices: Device | Sequence[Device] | DeviceBatch) -> DeviceBatch:
    """A :class:`DeviceBatch` from one device, a list of devices, or a batch."""
    if isinstance(devices, DeviceBatch):
        return devices
    return DeviceBatch.from_devices(devices)


def _output_times(t_stop: float, dt_out: float) -> np.ndarray:
    if not (math.isfinite(t_stop) and t_stop > 0):
        raise ParameterError("t_stop", t_stop, "a finite time > 0 (s)")
    if not (math.isfinite(dt_out) and 0 < dt_out <= t_stop):
        raise ParameterError("dt_out", dt_out, f"a time > 0 and <= t_stop = {t_stop!r} (s)")
    k = int(round(t_stop / dt_out))
    if abs(k * dt_out - t_stop) > 1e-9 * t_stop:
        k = int(math.floor(t_stop / dt_out + 1e-9))
    return dt_out * np.arange(k + 1)


class _System:
    """The batch's right-hand side with its constant arrays prepared once."""

    def __init__(self, batch: DeviceBatch, drive: Drive) -> None:
        self.batch = batch
        self.drive = drive
        self.N = batch.N
        self.Ms = batch.Ms
        self.alpha = batch.alpha
        self.gp = batch.gamma_prime
        self.aj = batch.aj_per_amp
        self.p = batch.p
        self.H_app = batch.H if np.any(batch.H != 0) else None
        has_ku = np.any(batch.Ku != 0)
        self.Ku = batch.Ku if has_ku else None
        self.u = batch.u if has_ku else None

    def operating_point(self, t: float, m: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        mp = np.sum(m * self.p, axis=0)
        return self.drive.operating_point(self.batch, t, mp)

    def __call__(self, t: float, m: np.ndarray, h_th: np.ndarray | None = None) -> np.ndarray:
        mp = None if isinstance(self.drive, CurrentDrive) else np.sum(m * self.p, axis=0)
        current = self.drive.current(self.batch, t, mp)  # type: ignore[arg-type]
        H = effective_field(m, self.Ms, self.N, self.H_app, self.Ku, self.u)
        if h_th is not None:
            H = H + h_th
        return llgs_rhs(m, H, self.aj * current, self.p, self.alpha, self.gp)


def _finish(sys: _System, t_out: np.ndarray, m_out: np.ndarray, steps: int, rejected: int) -> Trajectory:
    k, n = t_out.size, sys.batch.n
    cur = np.empty((k, n))
    volt = np.empty((k, n))
    for i, t in enumerate(t_out):
        cur[i], volt[i] = sys.operating_point(float(t), m_out[i])
    mp = np.einsum("kcn,cn->kn", m_out, sys.p)
    res = 1.0 / sys.batch.conductance(mp, volt)
    traj = Trajectory(t=t_out, m=np.ascontiguousarray(np.moveaxis(m_out, 1, 2)), current=cur, voltage=volt,
                      resistance=res, steps=steps, rejected=rejected)
    vmax = np.max(np.abs(volt), axis=0)
    over = vmax > sys.batch.breakdown_voltage
    if np.any(over):
        i = int(np.argmax(vmax / sys.batch.breakdown_voltage))
        warnings.warn(
            f"junction voltage reached {vmax[i]:.3g} V in device {i}, above its breakdown voltage "
            f"{sys.batch.breakdown_voltage[i]:.3g} V ({int(over.sum())} of {n} devices over)",
            BreakdownWarning,
            stacklevel=3,
        )
    return traj


def _initial_state(batch: DeviceBatch, m0: ArrayLike | None) -> np.ndarray:
    if m0 is None:
        m = batch.m0.copy()
    else:
        a = np.asarray(m0, dtype=float)
        if a.ndim == 1:
            a = a[:, None]
        elif a.shape[0] != 3:
            a = a.T
        if a.shape[0] != 3 or not np.all(np.isfinite(a)):
            raise ParameterError("m0", np.shape(m0), "finite vectors, shape (3,), (n, 3) or (3, n)")
        m = np.array(np.broadcast_to(a, (3, batch.n)))
    norm = np.linalg.norm(m, axis=0)
    if np.any(norm == 0):
        raise ParameterError("m0", "zero vector", "vectors of nonzero length")
    return m / norm


def simulate(
    devices: Device | Sequence[Device] | DeviceBatch,
    drive: Drive | Waveform | ArrayLike,
    t_stop: float,
    dt_out: float,
    *,
    rtol: float = 1e-8,
    atol: float | None = None,
    m0: ArrayLike | None = None,
    max_step: float | None = None,
    max_steps: int = 50_000_000,
) -> Trajectory:
    """Integrate the deterministic macrospin LLGS equation for a batch of devices.

    Parameters
    ----------
    devices : Device, list of Device, or DeviceBatch
        The devices (n of them).
    drive : CurrentDrive, DividerDrive, waveform or number
        The input; a waveform or number is an ideal current (A), one value or one per device.
    t_stop : float
        End time (s).
    dt_out : float
        Output interval (s); outputs at 0, dt_out, 2 dt_out, ... <= t_stop.
    rtol, atol : float
        Local error tolerances on m (dimensionless; atol defaults to rtol).
    m0 : array, optional
        Initial magnetization, shape (3,) or (n, 3); default from each device's ``theta0``.
    max_step : float, optional
        Largest step (s).
    max_steps : int
        Give up (ParameterError) after this many steps.

    Returns
    -------
    Trajectory
    """
    if not (math.isfinite(rtol) and 0 < rtol < 1):
        raise ParameterError("rtol", rtol, "a number in (0, 1)")
    atol = rtol if atol is None else atol
    if not (math.isfinite(atol) and atol > 0):
        raise ParameterError("atol", atol, "a number > 0")
    batch = as_batch(devices)
    drv = as_drive(drive)
    sys = _System(batch, drv)
    t_out = _output_times(t_stop, dt_out)
    stops = np.union1d(t_out, drv.breakpoints(t_stop))
    stops = stops[stops > 0]
    h_max = t_stop if max_step is None else max_step

    m = _initial_state(batch, m0)
    out = np.empty((t_out.size, 3, batch.n))
    out[0] = m
    i_out = 1
    t = 0.0
    k1 = sys(t, m)
    scale0 = float(np.max(np.abs(k1))) or 1.0 / t_stop
    h = min(h_max, 0.1 * rtol**0.2 / scale0, t_stop / 10)
    steps = rejected = 0
    ks: list[np.ndarray] = [k1] + [np.empty_like(m)] * 6
    for stop in stops:
        while t < stop:
            if steps + rejected > max_steps:
                raise ParameterError("max_steps", max_steps, f"more steps (stuck at t = {t:.6g} s, h = {h:.3g} s)")
            landing = t + h >= stop - 1e-12 * max(stop, 1e-30)
            hh = stop - t if landing else h
            # A trial step far too long can overflow; the error test then rejects it.
            with np.errstate(over="ignore", invalid="ignore"):
                for s in range(1, 7):
                    y = m + hh * sum(a * ks[j] for j, a in enumerate(_A[s]) if a != 0.0)
                    ks[s] = sys(t + _C[s] * hh, y)
                m_new = y  # stage 7 is evaluated at the 5th-order solution (FSAL)
                err_vec = hh * sum(e * ks[j] for j, e in enumerate(_E) if e != 0.0)
                scale = atol + rtol * np.maximum(np.abs(m), np.abs(m_new))
                err = float(np.max(np.abs(err_vec) / scale))
            if not math.isfinite(err):
                err = 1e10
            if err <= 1.0:
                t = stop if landing else t + hh
                m = m_new / np.linalg.norm(m_new, axis=0)
                ks[0] = ks[6]
                steps += 1
                factor = 5.0 if err == 0 else min(5.0, max(0.2, 0.9 * err**-0.2))
                if not landing or hh >= h:
                    h = min(h_max, hh * factor)
            else:
                rejected += 1
                h = hh * max(0.2, 0.9 * err**-0.25)
        if i_out < t_out.size and stop == t_out[i_out]:
            out[i_out] = m
            i_out += 1
    return _finish(sys, t_out, out, steps, rejected)


def simulate_thermal(
    devices: Device | Sequence[Device] | DeviceBatch,
    drive: Drive | Waveform | ArrayLike,
    t_stop: float,
    dt_out: float,
    *,
    dt: float = 1e-13,
    seed: int | np.random.Generator | None = 0,
    temperature: ArrayLike | None = None,
    m0: ArrayLike | None = None,
) -> Trajectory:
    """Integrate the stochastic LLGS equation (Brown's thermal field, stochastic Heun).

    Parameters
    ----------
    devices, drive, t_stop, dt_out, m0
        As in :func:`simulate`.
    dt : float
        Integration step (s); shortened so that it divides ``dt_out``.
    seed : int or numpy Generator
        Seed of the thermal noise; the same seed gives the same trajectory.
    temperature : float or (n,) array, optional
        Temperature (K); default each device's ``material.temperature``.
    """
    if not (math.isfinite(dt) and dt > 0):
        raise ParameterError("dt", dt, "a time step > 0 (s)")
    batch = as_batch(devices)
    drv = as_drive(drive)
    sys = _System(batch, drv)
    t_out = _output_times(t_stop, dt_out)
    rng = seed if isinstance(seed, np.random.Generator) else np.random.default_rng(seed)
    temp = batch.temperature if temperature is None else np.broadcast_to(np.asarray(temperature, float), (batch.n,))
    if not np.all(np.isfinite(temp) & (temp >= 0)):
        raise ParameterError("temperature", temperature, "finite numbers >= 0 (K)")
    sub = max(1, int(math.ceil(dt_out / dt - 1e-9)))
    h = dt_out / sub
    sigma = np.sqrt(2.0 * batch.alpha * KB * temp / (batch.gamma * MU0**2 * batch.Ms * batch.volume * h))
    m = _initial_state(batch, m0)
    out = np.empty((t_out.size, 3, batch.n))
    out[0] = m
    t = 0.0
    steps = 0
    for i in range(1, t_out.size):
        for j in range(sub):
            h_th = sigma * rng.standard_normal((3, batch.n))
            f0 = sys(t, m, h_th)
            pred = m + h * f0
            f1 = sys(t + h, pred, h_th)
            m = m + 0.5 * h * (f0 + f1)
            m /= np.linalg.norm(m, axis=0)
            steps += 1
            t = t_out[i - 1] + (j + 1) * h
        t = float(t_out[i])
        out[i] = m
    return _finish(sys, t_out, out, steps, 0)
