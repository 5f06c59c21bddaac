"""The macrospin right-hand side with Joule heating: the state gains a row, the junction's temperature
rise (K), which sets Ms(T) by Bloch's law and the thermal field's temperature
(:mod:`mtjspice.physics.heating`). The lean solver of :mod:`mtjspice.physics.trajectory` holds m in fixed
(5, n) rows; a heated batch runs through this generic form instead (:mod:`mtjspice.physics.heatedsolver`),
which evaluates the same equation with the kernels of :mod:`mtjspice.physics.llgs`.
"""

from __future__ import annotations

import numpy as np

from .batch import DeviceBatch
from .drive import CurrentDrive, Drive
from .heating import bloch_ratio, heating_rate
from .llgs import effective_field, llgs_rhs
from .trajectory import Trajectory, warn_batch_breakdown

__all__ = ["HeatedSystem", "finish_heated"]


class HeatedSystem:
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
        self.xi_v2 = batch.xi_v2 if np.any(batch.xi_v2 != 0) else None  # (A/m)/V^2, the field-like field per V^2
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
        if self.xi_v2 is not None:
            current, volt = self.operating_point(t, m)
        else:
            mp = None if isinstance(self.drive, CurrentDrive) else np.sum(m * self.p, axis=0)
            current = self.drive.current(self.batch, t, mp)  # type: ignore[arg-type]
        H = effective_field(m, self.Ms, self.N, self.H_app, self.Ku, self.u)
        if self.xi is not None:
            H = H + (self.xi * self.aj * current) * self.p  # field-like torque: the field b_J p
        if self.xi_v2 is not None:
            H = H + (self.xi_v2 * volt * volt) * self.p  # its bias-quadratic part, even in V
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
        if self.xi_v2 is not None:  # a torque per unit moment, like a_J: its field scales as 1 / Ms(T_j)
            H = H + (self.xi_v2 / s * volt * volt) * self.p
        if h_th is not None:
            warm = np.where(b.temperature > 0, (b.temperature + rise) / np.where(b.temperature > 0, b.temperature, 1), 1)
            H = H + h_th * np.sqrt(warm / s)
        out = np.empty_like(y)
        out[:3] = llgs_rhs(m, H, aj, self.p, self.alpha, self.gp)
        out[3] = heating_rate(rise, current * volt, b.R_th, b.tau_th)
        return out


def finish_heated(sys: HeatedSystem, t_out: np.ndarray, m_out: np.ndarray, steps: int, rejected: int,
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
    if warn:
        warn_batch_breakdown(np.max(np.abs(volt), axis=0), sys.batch.breakdown_voltage, stacklevel=3)
    return traj
