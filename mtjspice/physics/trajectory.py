"""What both macrospin integrators share: the result type, the batch's right-hand side, output
times, the initial state and the breakdown check of a finished run."""

from __future__ import annotations

import math
import warnings
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike

from ..errors import BreakdownWarning, ParameterError
from ..params import Device
from .batch import DeviceBatch
from .cost import check_output_memory
from .drive import CurrentDrive, Drive
from .heating import bloch_ratio, heating_rate
from .llgs import effective_field, llgs_rhs

__all__ = ["Trajectory", "as_batch", "System", "finish", "initial_state", "output_times", "check_breakdown"]


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
    temperature : (k, n) array or None
        Junction temperature (K) when Joule heating is on (:mod:`mtjspice.physics.heating`);
        None when no device heats.
    """

    t: np.ndarray
    m: np.ndarray
    current: np.ndarray
    voltage: np.ndarray
    resistance: np.ndarray
    steps: int = 0
    rejected: int = 0
    temperature: np.ndarray | None = None

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


def output_times(t_stop: float, dt_out: float, n: int = 1) -> np.ndarray:
    """Output times 0, dt_out, ... <= t_stop (s), after checking that n devices' samples fit in memory."""
    if not (math.isfinite(t_stop) and t_stop > 0):
        raise ParameterError("t_stop", t_stop, "a finite time > 0 (s)")
    if not (math.isfinite(dt_out) and 0 < dt_out <= t_stop):
        raise ParameterError("dt_out", dt_out, f"a time > 0 and <= t_stop = {t_stop!r} (s)")
    ratio = t_stop / dt_out
    check_output_memory(int(min(ratio, 1e18)) + 1, n, t_stop, dt_out)
    k = int(round(ratio))
    if abs(k * dt_out - t_stop) > 1e-9 * t_stop:
        k = int(math.floor(ratio + 1e-9))
    return dt_out * np.arange(k + 1)


class System:
    """The batch's right-hand side with its constant arrays prepared once.

    Without Joule heating the state is m, shape (3, n). With heating (any device's
    ``junction.thermal_resistance`` > 0) it is (4, n): m and the junction's temperature rise above
    the ambient (K) in row 3, which scales Ms by Bloch's law and the thermal field by
    sqrt(T_j / T_amb) / sqrt(Ms(T_j) / Ms) (:mod:`mtjspice.physics.heating`). :meth:`start` and
    :meth:`project` build and renormalise that state.
    """

    def __init__(self, batch: DeviceBatch, drive: Drive) -> None:
        self.batch = batch
        self.drive = drive
        self.N = batch.NK
        self.xi = batch.xi if np.any(batch.xi != 0) else None
        self.heat = batch.heating
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

    def start(self, m: np.ndarray) -> np.ndarray:
        """The initial state from the initial magnetization (3, n): m, with a zero temperature rise if heating."""
        return np.vstack([m, np.zeros((1, m.shape[1]))]) if self.heat else m

    def project(self, y: np.ndarray) -> np.ndarray:
        """The state with m renormalised to unit length (the temperature row, if any, as it is)."""
        if not self.heat:
            return y / np.linalg.norm(y, axis=0)
        out = y.copy()
        out[:3] /= np.linalg.norm(y[:3], axis=0)
        return out

    def __call__(self, t: float, m: np.ndarray, h_th: np.ndarray | None = None) -> np.ndarray:
        if self.heat:
            return self._heated(t, m, h_th)
        mp = None if isinstance(self.drive, CurrentDrive) else np.sum(m * self.p, axis=0)
        current = self.drive.current(self.batch, t, mp)  # type: ignore[arg-type]
        H = effective_field(m, self.Ms, self.N, self.H_app, self.Ku, self.u)
        if self.xi is not None:
            H = H + (self.xi * self.aj * current) * self.p  # field-like torque: the field b_J p
        if h_th is not None:
            H = H + h_th
        return llgs_rhs(m, H, self.aj * current, self.p, self.alpha, self.gp)

    def _heated(self, t: float, y: np.ndarray, h_th: np.ndarray | None) -> np.ndarray:
        """The right-hand side with the junction temperature: m in rows 0-2, the rise (K) in row 3."""
        b = self.batch
        m, rise = y[:3], y[3]
        s = bloch_ratio(b.temperature + rise, b.temperature, b.Tc, b.bloch)
        current, volt = self.drive.operating_point(b, t, np.sum(m * self.p, axis=0))
        ku = None if self.Ku is None else self.Ku * s * s  # anisotropy energies scale as Ms(T)^2
        H = effective_field(m, self.Ms * s, self.N, self.H_app, ku, self.u)
        aj = self.aj / s * current
        if self.xi is not None:
            H = H + (self.xi * aj) * self.p
        if h_th is not None:
            warm = np.where(b.temperature > 0, (b.temperature + rise) / np.where(b.temperature > 0, b.temperature, 1), 1)
            H = H + h_th * np.sqrt(warm / s)
        out = np.empty_like(y)
        out[:3] = llgs_rhs(m, H, aj, self.p, self.alpha, self.gp)
        out[3] = heating_rate(rise, current * volt, b.R_th, b.tau_th)
        return out


def finish(sys: System, t_out: np.ndarray, m_out: np.ndarray, steps: int, rejected: int,
            warn: bool = True) -> Trajectory:
    k, n = t_out.size, sys.batch.n
    cur = np.empty((k, n))
    volt = np.empty((k, n))
    temperature = sys.batch.temperature + m_out[:, 3] if sys.heat else None
    m_out = m_out[:, :3]
    for i, t in enumerate(t_out):
        cur[i], volt[i] = sys.operating_point(float(t), m_out[i])
    mp = np.einsum("kcn,cn->kn", m_out, sys.p)
    res = 1.0 / sys.batch.conductance(mp, volt)
    traj = Trajectory(t=t_out, m=np.ascontiguousarray(np.moveaxis(m_out, 1, 2)), current=cur, voltage=volt,
                      resistance=res, steps=steps, rejected=rejected, temperature=temperature)
    vmax = np.max(np.abs(volt), axis=0)
    over = vmax > sys.batch.breakdown_voltage
    if warn and np.any(over):
        i = int(np.argmax(vmax / sys.batch.breakdown_voltage))
        warnings.warn(
            f"junction voltage reached {vmax[i]:.3g} V in device {i}, above its breakdown voltage "
            f"{sys.batch.breakdown_voltage[i]:.3g} V ({int(over.sum())} of {n} devices over)",
            BreakdownWarning,
            stacklevel=3,
        )
    return traj


def initial_state(batch: DeviceBatch, m0: ArrayLike | None) -> np.ndarray:
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


def check_breakdown(breakdown: str) -> None:
    if breakdown not in ("warn", "ignore"):
        raise ParameterError("breakdown", breakdown, "'warn' or 'ignore'")
