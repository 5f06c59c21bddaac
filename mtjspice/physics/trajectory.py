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


def finish(sys: System, t_out: np.ndarray, m_out: np.ndarray, steps: int, rejected: int,
            warn: bool = True) -> Trajectory:
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
