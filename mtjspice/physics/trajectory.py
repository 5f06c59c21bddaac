"""What both macrospin integrators share: the result type, the batch's right-hand side, output
times, the initial state and the breakdown check of a finished run."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from ..constants import MU0
from ..errors import ParameterError
from ..limits import warn_over_breakdown
from ..params import Device
from ..stimulus import DC, PWL, Pulse
from .batch import DeviceBatch
from .cost import check_output_memory
from .drive import CurrentDrive, Drive, Sampler

__all__ = ["Trajectory", "as_batch", "System", "finish", "initial_state", "output_times", "check_breakdown",
           "warn_batch_breakdown"]


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


#: Largest PWL (corners x devices) whose torque coefficients :class:`System` tabulates at once.
_TABLE_SIZE = 1 << 21


class System:
    """The batch's right-hand side: constant arrays prepared once, work arrays allocated once.

    :meth:`rhs` writes dm/dt (1/s, shape (3, n)) into a given array through preallocated work
    arrays, with no temporaries and no shape checks. It evaluates the equation of
    :func:`~mtjspice.physics.llgs.llgs_rhs` with every term pre-multiplied by -gamma' (so the
    field's constants, the torque's coefficients and the thermal field's scale carry it, and no
    final product is needed), skips the products with a polarization component that is 0 or 1
    in every device, and forms the cross product with whole-array operations on a state held
    as (5, n) rows (x, y, z, x, y), whose shifted views are the rotated components. Every
    operation is elementwise, so each device's result depends on that device alone, bit for
    bit, whatever else shares its batch. The drive is read through a
    :class:`~mtjspice.physics.drive.Sampler`.
    """

    def __init__(self, batch: DeviceBatch, drive: Drive) -> None:
        self.batch = batch
        self.drive = drive
        n = batch.n
        g = -batch.gamma_prime
        self.p = batch.p
        self.alpha = batch.alpha
        self.neg_g = g
        self.field = g * (-batch.Ms * batch.NK)  # -gamma' H / m, per component (K_i folded into Nz)
        self.H_app = g * batch.H if np.any(batch.H != 0) else None
        has_ku = bool(np.any(batch.Ku != 0))
        self.ku_coef = g * (2.0 * batch.Ku / (MU0 * batch.Ms)) if has_ku else None
        self.u = batch.u if has_ku else None
        # The field-like torque adds the field xi a_J p to H: B = H + (xi - alpha) a_J p, D = alpha H +
        # (1 + alpha xi) a_J p, so it rescales the two torque coefficients (exactly alpha and 1 at xi = 0).
        xi = batch.xi
        self.alpha_b = (batch.alpha - xi) / (1.0 + batch.alpha * xi)  # a1 = alpha_b a2
        self.c_damp = g * (batch.alpha - xi) * batch.aj_per_amp  # -gamma' (alpha - xi) a_J / I
        self.c_torque = g * (1.0 + batch.alpha * xi) * batch.aj_per_amp  # -gamma' (1 + alpha xi) a_J / I
        # The bias-quadratic field-like field xi_v2 V_j^2 p (junction.field_like_quadratic): V_j depends on m
        # through the junction's resistance, so it is added to H at every evaluation (the compiled kernels
        # solve V the same way, bit for bit: mtjspice.physics.kernels).
        self.quad = g * batch.xi_v2 if np.any(batch.xi_v2 != 0) else None  # -gamma' xi_v2 (1/(s V^2))
        uniform = bool(np.all(batch.p == batch.p[:, :1]))
        self.p_rows = tuple(float(x) for x in batch.p[:, 0]) if uniform else None
        self._B, self._D = np.empty((5, n)), np.empty((5, n))
        self._T, self._U = np.empty((3, n)), np.empty((3, n))
        self._a1, self._a2, self._mm = (np.empty(n) for _ in range(3))
        self.set_drive(drive)
        self._y = np.empty((5, n))

    def set_drive(self, drive: Drive) -> None:
        """Replace the drive (the constants and work arrays stay)."""
        self.drive = drive
        self.ideal = isinstance(drive, CurrentDrive)
        self.sample = Sampler(drive.wave)
        wave = drive.wave
        self._kind = ("pwl" if isinstance(wave, PWL) else "pulse" if isinstance(wave, Pulse)
                      else "dc" if isinstance(wave, DC) else "other") if self.ideal else "other"
        self._seg = -2
        self._ends: tuple[np.ndarray, ...] = ()
        self._diff: tuple[np.ndarray, ...] = ()
        self._table: tuple[np.ndarray, ...] | None = None
        if self._kind == "dc" and isinstance(wave, DC):
            self._ends = self._scaled(np.asarray(wave.value, float))
        elif self._kind == "pwl" and isinstance(wave, PWL) and wave.values.shape[0] * self.batch.n <= _TABLE_SIZE:
            # every segment's torque coefficients at once (as _scaled computes them, bit for bit)
            vs = wave.values if wave.values.ndim == 2 else wave.values[:, None]
            with np.errstate(over="ignore", invalid="ignore"):
                a2 = np.multiply(self.c_torque, vs)
                self._table = (np.multiply(self.alpha_b, a2), a2, np.multiply(self.c_torque, vs[1:] - vs[:-1]))
        elif self._kind == "pulse" and isinstance(wave, Pulse):
            self._ends = self._scaled(wave.v1) + self._scaled(wave.v2)
            self._diff = self._scaled(wave.v2 - wave.v1)

    @property
    def fused(self) -> bool:
        """Whether a compiled kernel may take the step: an ideal current (the torques do not depend
        on m; the kernels solve the junction voltage of the quadratic field-like term themselves)."""
        return self.ideal

    def voltage(self, t: float, m: np.ndarray) -> np.ndarray:
        """Junction voltage (V), shape (n,), at time t (s) and magnetization m (3, n): the drive's own
        operating point (with the bias-dependent TMR's fixed point), the V of the TMR."""
        mp = np.sum(m * self.p, axis=0)
        return self.drive.solve(self.batch, np.asarray(self.sample.at(t), dtype=float), mp)[1]

    def _scaled(self, current: Any) -> tuple[np.ndarray, np.ndarray]:
        """(-gamma' alpha a_J, -gamma' a_J) (1/s), shape (n,), of a current (A)."""
        with np.errstate(over="ignore", invalid="ignore"):  # an absurd current is refused by the cost guard
            a2 = np.ascontiguousarray(np.broadcast_to(self.c_torque * current, (self.batch.n,)))
            return self.alpha_b * a2, a2

    def torques(self, t: float, m: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(-gamma' alpha a_J, -gamma' a_J) (1/s), shape (n,), at time t (s) and magnetization m.

        An ideal current that is DC, a pulse or piecewise linear is scaled once per segment
        (once per run for DC; a PWL of at most ``_TABLE_SIZE`` corners x devices all at once when
        the drive is set): an evaluation inside a segment costs two products and a sum."""
        kind, a1, a2 = self._kind, self._a1, self._a2
        if kind == "dc":
            return self._ends[0], self._ends[1]
        if kind == "pwl":
            i, w = self.sample.locate(t)
            tab = self._table
            if tab is not None:  # tabulated: row i of each table (row 0 before the first corner)
                j = max(i, 0)
                if w == 0.0:
                    return tab[0][j], tab[1][j]
                base, step = tab[1][j], tab[2][j]
            else:
                if i != self._seg:
                    vs = self.sample.wave.values  # type: ignore[attr-defined]
                    j = min(max(i, 0), vs.shape[0] - 1)
                    self._ends = self._scaled(vs[j])
                    self._diff = self._scaled(vs[j + 1] - vs[j] if 0 <= i < vs.shape[0] - 1 else 0.0 * vs[j])
                    self._seg = i
                if w == 0.0:
                    return self._ends[0], self._ends[1]
                base, step = self._ends[1], self._diff[1]
        elif kind == "pulse":
            w = self.sample.pulse_fraction(t)
            if w == 0.0:
                return self._ends[0], self._ends[1]
            if w == 1.0:
                return self._ends[2], self._ends[3]
            base, step = self._ends[1], self._diff[1]
        else:
            current = self.current(t, m)
            np.multiply(self.c_damp, current, out=a1)
            np.multiply(self.c_torque, current, out=a2)
            return a1, a2
        np.add(base, np.multiply(step, w, out=a2), out=a2)
        np.multiply(self.alpha_b, a2, out=a1)
        return a1, a2

    #: Rows of the state that are integrated (m), and where m starts in the state (a heated system
    #: carries the junction's temperature rise in row 0 before m: :class:`~mtjspice.physics.heated.HeatedSystem`).
    rows = 3
    offset = 0

    def state(self) -> np.ndarray:
        """A (5, n) state array for :meth:`rhs`: rows x, y, z, then x, y again (:meth:`wrap`)."""
        return np.empty((5, self.batch.n))

    def start(self, m: np.ndarray) -> np.ndarray:
        """A new state holding the magnetization m (3, n), wrapped."""
        y = self.state()
        y[self.offset:self.offset + 3] = m
        self.wrap(y[self.offset:])
        return y

    def rise(self, y: np.ndarray) -> np.ndarray | None:
        """The junction's temperature rise above the ambient (K), shape (n,), of a state; None without heating."""
        return None

    @staticmethod
    def wrap(y: np.ndarray) -> None:
        """Copy rows 0, 1 of a (5, n) state into rows 3, 4."""
        np.copyto(y[3:5], y[0:2])

    def __call__(self, t: float, m: np.ndarray, h_th: np.ndarray | None = None) -> np.ndarray:
        """dm/dt (1/s), shape (3, n), of m (3, n) and Brown's field h_th (A/m), in a new array."""
        y = self._y
        y[:3] = m
        self.wrap(y)
        return self.rhs(np.empty((3, self.batch.n)), t, y, None if h_th is None else self.neg_g * h_th)

    def current(self, t: float, m: np.ndarray) -> Any:
        """Junction current (A) at time t (s) and magnetization m (3, n): a float or shape (n,)."""
        if self.ideal:
            return self.sample.at(t)
        mp = np.sum(m * self.p, axis=0)
        return self.drive.solve(self.batch, np.asarray(self.sample.at(t), dtype=float), mp)[0]

    def rhs(self, out: np.ndarray, t: float, y: np.ndarray, g_th: np.ndarray | None = None) -> np.ndarray:
        """Write dm/dt (1/s), shape (3, n), into ``out`` and return it.

        ``y`` is the state as (5, n) rows x, y, z, x, y (:meth:`state`); ``g_th`` is Brown's
        thermal field already multiplied by -gamma' (1/s), shape (3, n), or None.
        """
        B, D5, T, U, mm = self._B, self._D, self._T, self._U, self._mm
        mul, add, sub = np.multiply, np.add, np.subtract
        m = y[:3]
        D = D5[:3]
        a1, a2 = self.torques(t, m)
        # -gamma' H, with H = -Ms N m + H_app + (2 Ku / (mu0 Ms)) (m.u) u + xi_v2 V^2 p + H_th, into B's rows 0-2
        H = B[:3]
        mul(self.field, m, out=H)
        if self.H_app is not None:
            add(H, self.H_app, out=H)
        if self.ku_coef is not None:
            add(H, self.ku_coef * np.sum(m * self.u, axis=0) * self.u, out=H)
        if self.quad is not None:  # -gamma' xi_v2 V_j^2 p, the field-like field even in bias
            v = self.voltage(t, m)
            add(H, (self.quad * v * v) * self.p, out=H)
        if g_th is not None:
            add(H, g_th, out=H)
        # D = alpha H + aJ p, B = H - alpha aJ p (both times -gamma')
        mul(self.alpha, H, out=D)
        if self.p_rows is None:
            sub(H, mul(a1, self.p, out=T), out=H)
            add(D, mul(a2, self.p, out=T), out=D)
        else:
            for c, pc in enumerate(self.p_rows):
                if pc == 1.0:
                    sub(B[c], a1, out=B[c])
                    add(D[c], a2, out=D[c])
                elif pc != 0.0:
                    sub(B[c], mul(a1, pc, out=mm), out=B[c])
                    add(D[c], mul(a2, pc, out=mm), out=D[c])
        # dm/dt = m x B + m (m.D) - D (m.m) = m x (B - D x m): two cross products of whole
        # (3, n) rows, each row of a product read from the wrapped (5, n) arrays' shifted views
        self.wrap(D5)
        mul(D5[1:4], y[2:5], out=T)
        mul(D5[2:5], y[1:4], out=U)
        sub(H, T, out=H)
        add(H, U, out=H)
        self.wrap(B)
        mul(y[1:4], B[2:5], out=out)
        sub(out, mul(y[2:5], B[1:4], out=T), out=out)
        return out


def finish(sys: System, t_out: np.ndarray, m_out: np.ndarray, steps: int, rejected: int,
           warn: bool = True, rise: np.ndarray | None = None) -> Trajectory:
    """The trajectory of stored states m_out (k, 3, n): current, voltage and resistance at every
    output time in one vectorised pass, and the breakdown warning; ``rise`` (k, n), the junction's
    temperature rise (K) when heating, makes the trajectory's ``temperature``."""
    k = t_out.size
    mp_sum = np.sum(m_out * sys.p[None], axis=1)
    wave = sys.sample.many(t_out).reshape(k, -1)
    cur, volt = sys.drive.solve(sys.batch, wave, mp_sum)
    cur = np.ascontiguousarray(cur)
    mp = np.einsum("kcn,cn->kn", m_out, sys.p)
    res = 1.0 / sys.batch.conductance(mp, volt)
    traj = Trajectory(t=t_out, m=np.ascontiguousarray(np.moveaxis(m_out, 1, 2)), current=cur, voltage=volt,
                      resistance=res, steps=steps, rejected=rejected,
                      temperature=None if rise is None else sys.batch.temperature + rise)
    if warn:
        warn_batch_breakdown(np.max(np.abs(volt), axis=0), sys.batch.breakdown_voltage, stacklevel=3)
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


def warn_batch_breakdown(vmax: np.ndarray, breakdown_voltage: np.ndarray, stacklevel: int = 2) -> None:
    """Warn once for a batch whose junction voltages ``vmax`` (V, per device) passed their breakdown
    voltages, naming the worst device (:func:`mtjspice.limits.warn_over_breakdown`)."""
    def message(over: np.ndarray) -> str:
        i = int(np.argmax(vmax / breakdown_voltage))
        return (f"junction voltage reached {vmax[i]:.3g} V in device {i}, above its breakdown voltage "
                f"{breakdown_voltage[i]:.3g} V ({int(over.sum())} of {vmax.size} devices over)")

    warn_over_breakdown(vmax, breakdown_voltage, message, stacklevel + 1)
