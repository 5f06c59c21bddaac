"""The macrospin right-hand side with Joule heating: the state gains a row, the junction's temperature
rise above the ambient (K), which sets Ms(T) by Bloch's law and the thermal field's temperature
(:mod:`mtjspice.physics.heating`). It is :class:`~mtjspice.physics.trajectory.System`'s equation with
the Ms-dependent constants rescaled at each evaluation, so the one set of steppers
(:mod:`mtjspice.physics.stepper`) integrates heated and unheated batches alike: the solvers
(:func:`~mtjspice.physics.solver.simulate`, :func:`~mtjspice.physics.thermal.simulate_thermal`) and the
network's device neurons (:class:`~mtjspice.physics.stepper.GridStepper`).
"""

from __future__ import annotations

import numpy as np

from .batch import DeviceBatch
from .drive import Drive
from .heating import bloch_ratio, heating_rate
from .llgs import conductance
from .trajectory import System

__all__ = ["HeatedSystem", "make_system"]


class HeatedSystem(System):
    """The batch's right-hand side with the junction temperature (some device has
    ``junction.thermal_resistance`` > 0).

    The state is (6, n): row 0 the junction's temperature rise above the ambient (the device's
    ``material.temperature``; K), rows 1-5 m as :class:`System` holds it (x, y, z, x, y). The
    integrated rows are 0-3 (rise, m), one contiguous block, so the steppers' stage sums run over
    them as over m alone. At a rise dT, with s = Ms(T_amb + dT) / Ms(T_amb) by Bloch's law:
    the demagnetizing and anisotropy fields scale as s (anisotropy energies as Ms(T)^2), the spin
    torque a_J and the field-like fields as 1 / s (torques per unit moment), Brown's field by
    sqrt((T_amb + dT) / T_amb / s) (its variance is proportional to T / Ms(T)); and
    d(dT)/dt = (R_th I V - dT) / tau (the Joule power I V, W, at the drive's operating point).
    """

    rows = 4
    offset = 1

    def __init__(self, batch: DeviceBatch, drive: Drive) -> None:
        super().__init__(batch, drive)
        amb = batch.temperature
        self._amb_div = np.where(amb > 0, amb, 1.0)
        # the constants at the ambient; System.rhs reads field, ku_coef and quad (and torques, voltage),
        # which rhs below sets to their values at the junction temperature for the one evaluation (so
        # System.rhs, which the unheated batches run, stays as it was: no extra call per evaluation)
        self.field0, self.ku_coef0, self.quad0 = self.field, self.ku_coef, self.quad
        self._at: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None
        self._bloch = bool(np.any(batch.Tc > 0))
        # zero-bias conductances (S) for an ideal current without bias-dependent TMR (CurrentDrive.solve's G)
        self._g_p = batch.G_P
        self._g_ap = batch.G_P / (1.0 + batch.TMR)
        self._bias = bool(np.any(batch.V_half > 0))

    @property
    def fused(self) -> bool:
        """Never: the compiled kernels carry no temperature; the numpy steps run."""
        return False

    def state(self) -> np.ndarray:
        """A (6, n) state array: the temperature rise (K), then m as rows x, y, z, x, y."""
        return np.empty((6, self.batch.n))

    def start(self, m: np.ndarray) -> np.ndarray:
        """A new state holding m (3, n) at the ambient temperature (no rise), wrapped."""
        y = super().start(m)
        y[0] = 0.0
        return y

    def rise(self, y: np.ndarray) -> np.ndarray:
        return y[0]

    def rhs(self, out: np.ndarray, t: float, y: np.ndarray, g_th: np.ndarray | None = None) -> np.ndarray:
        """Write d(rise)/dt (K/s) into ``out[0]`` and dm/dt (1/s) into ``out[1:4]`` of the (6, n) state ``y``;
        ``g_th``: Brown's field at the ambient temperature times -gamma' (1/s), or None."""
        b = self.batch
        rise, ym = y[0], y[1:]
        if self._bloch:
            s = bloch_ratio(b.temperature + rise, b.temperature, b.Tc, b.bloch)
        else:
            s = np.ones(b.n)
        mp = np.sum(ym[:3] * self.p, axis=0)
        if self.ideal and not self._bias:  # CurrentDrive.solve, its batch's constants kept
            current = np.broadcast_to(np.asarray(self.sample.at(t), dtype=float), mp.shape)
            volt = current / conductance(mp, self._g_p, self._g_ap)
        else:
            current, volt = self.drive.solve(b, np.asarray(self.sample.at(t), dtype=float), mp)
        inv = 1.0 / s
        a2 = self.c_torque * current * inv
        self._at = (self.alpha_b * a2, a2, volt)
        self.field = self.field0 * s
        self.ku_coef = None if self.ku_coef0 is None else self.ku_coef0 * s
        self.quad = None if self.quad0 is None else self.quad0 * inv
        if g_th is not None:
            warm = np.where(b.temperature > 0, (b.temperature + rise) / self._amb_div, 1.0)
            g_th = g_th * np.sqrt(warm * inv)
        try:
            super().rhs(out[1:4], t, ym, g_th)
        finally:  # back to the ambient's constants
            self._at = None
            self.field, self.ku_coef, self.quad = self.field0, self.ku_coef0, self.quad0
        out[0] = heating_rate(rise, current * volt, b.R_th, b.tau_th)
        return out

    def torques(self, t: float, m: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(-gamma' alpha a_J, -gamma' a_J) / s (1/s) at the junction temperature of the evaluation under way
        (:meth:`rhs`); outside one, at the ambient (:meth:`System.torques`)."""
        if self._at is None:
            return super().torques(t, m)
        return self._at[0], self._at[1]

    def voltage(self, t: float, m: np.ndarray) -> np.ndarray:
        """The junction voltage (V) of the evaluation under way (:meth:`rhs`), else :meth:`System.voltage`."""
        return super().voltage(t, m) if self._at is None else self._at[2]

    def __call__(self, t: float, m: np.ndarray, h_th: np.ndarray | None = None) -> np.ndarray:
        """The derivative of the state (4, n) ``m`` (rows m_x, m_y, m_z (-), then the rise (K)) in the same
        layout (1/s, K/s), with Brown's field h_th (A/m), in a new array; of a (3, n) m, at no rise, dm/dt alone."""
        y = self.start(m[:3])
        if m.shape[0] > 3:
            y[0] = m[3]
        out = np.empty((4, self.batch.n))
        self.rhs(out, t, y, None if h_th is None else self.neg_g * h_th)
        return np.vstack([out[1:4], out[:1]]) if m.shape[0] > 3 else out[1:4].copy()


def make_system(batch: DeviceBatch, drive: Drive) -> System:
    """The batch's right-hand side: :class:`HeatedSystem` when any device heats, else :class:`System`."""
    return HeatedSystem(batch, drive) if batch.heating else System(batch, drive)
