"""The integrators' steps, with their work arrays allocated once and kept across steps and calls.

* :class:`DormandPrince` -- one Dormand-Prince 5(4) trial step and its acceptance (the adaptive
  and fixed-step loops of :func:`~mtjspice.physics.solver.simulate` drive it).
* :class:`Heun` -- one stochastic Heun (Stratonovich) step with Brown's thermal field.
* :class:`GridStepper` -- a batch marched over uniform sample grids, one segment after another,
  with a new piecewise-linear current for each segment, the state and the work arrays kept: what
  a clocked caller (the network's device neurons, one call per read-clock period) needs without
  paying a solver call's set-up each time. Each segment is integrated exactly as
  :func:`~mtjspice.physics.solver.simulate` (``fixed_step``) or
  :func:`~mtjspice.physics.thermal.simulate_thermal` would integrate it from its start.

A batch with Joule heating (:class:`~mtjspice.physics.heated.HeatedSystem`) is stepped by the same
objects: its state carries the junction's temperature rise in a row before m, integrated with m by
the same stage sums (``sys.rows`` rows from the top; m normalised alone); without heating the state
is m alone and the steps are what they were, bit for bit.

Every operation is elementwise over devices: with a fixed step, each device's result depends on
that device (and, with noise, on the random stream) alone, bit for bit, whatever shares its batch.
With numba installed, a fixed Dormand-Prince step (:meth:`DormandPrince.step`) and a Heun step
with an ideal current run as compiled loops (:mod:`mtjspice.physics.kernels`) that give the same
numbers bit for bit.
"""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import ArrayLike

from ..constants import KB, MU0
from ..stimulus import PWL
from .batch import DeviceBatch
from .drive import CurrentDrive
from .heated import make_system
from .kernels import kernels
from .trajectory import System

__all__ = ["DormandPrince", "Heun", "GridStepper", "brown_density"]

# Dormand-Prince 5(4) tableau.
C = (0.0, 1 / 5, 3 / 10, 4 / 5, 8 / 9, 1.0, 1.0)
A = (
    (),
    (1 / 5,),
    (3 / 40, 9 / 40),
    (44 / 45, -56 / 15, 32 / 9),
    (19372 / 6561, -25360 / 2187, 64448 / 6561, -212 / 729),
    (9017 / 3168, -355 / 33, 46732 / 5247, 49 / 176, -5103 / 18656),
    (35 / 384, 0.0, 500 / 1113, 125 / 192, -2187 / 6784, 11 / 84),
)
_B = A[6] + (0.0,)
_B4 = (5179 / 57600, 0.0, 7571 / 16695, 393 / 640, -92097 / 339200, 187 / 2100, 1 / 40)
E = tuple(b - b4 for b, b4 in zip(_B, _B4, strict=True))
# the nonzero weights of each stage, and of the error estimate, as (stage, weight)
_A_NZ = tuple(tuple((j, a) for j, a in enumerate(row) if a != 0.0) for row in A)
_E_NZ = tuple((j, e) for j, e in enumerate(E) if e != 0.0)
_A_ROWS = tuple(np.array(row, dtype=float) for row in A)
_E_ROW = np.array(E, dtype=float)


def _combine(acc: np.ndarray, base: np.ndarray | None, tmp: np.ndarray, ks: list[np.ndarray],
             weights: tuple[tuple[int, float], ...], hh: float) -> np.ndarray:
    """acc = base + sum((w hh) ks[j]) over ``weights`` (base None: 0), summed in their order."""
    j0, w0 = weights[0]
    if base is None:
        np.multiply(ks[j0], w0 * hh, out=acc)
    else:
        np.add(base, np.multiply(ks[j0], w0 * hh, out=tmp), out=acc)
    for j, w in weights[1:]:
        np.add(acc, np.multiply(ks[j], w * hh, out=tmp), out=acc)
    return acc


def _normalize(src: np.ndarray, dst5: np.ndarray, tmp: np.ndarray, nrm: np.ndarray, off: int = 0) -> None:
    """dst5[off:off + 3] = src[off:] / |src[off:]| (components summed in order, as np.linalg.norm does),
    rows off + 3, off + 4 wrapped; rows before ``off`` (a heated state's temperature rise) copied as they are."""
    if off:
        np.copyto(dst5[:off], src[:off])
        src, dst5 = src[off:], dst5[off:]
    np.multiply(src, src, out=tmp)
    np.add(tmp[0], tmp[1], out=nrm)
    np.add(nrm, tmp[2], out=nrm)
    np.sqrt(nrm, out=nrm)
    np.divide(src, nrm, out=dst5[:3])
    System.wrap(dst5)


def _kernel_array(x: np.ndarray | float | None, shape: tuple[int, ...]) -> np.ndarray:
    """``x`` broadcast to ``shape`` as a fresh writable C array (zeros for None): numba compiles a
    kernel per argument type, and a read-only array (a broadcast_to view of an array that already has
    the shape) is another type (two more compilations of about 5 s each in a session that met both)."""
    return np.zeros(shape) if x is None else np.array(np.broadcast_to(x, shape), dtype=float, order="C")


def _kernel_arrays(sys: System) -> tuple[np.ndarray, ...]:
    """System's constants as the kernels take them: field, alpha, p, H_app, Ku coefficient, u
    (contiguous; zeros for an absent term), then the two has-term flags."""
    n = sys.batch.n
    return (_kernel_array(sys.field, (3, n)), _kernel_array(sys.alpha, (n,)), _kernel_array(sys.p, (3, n)),
            _kernel_array(sys.H_app, (3, n)), _kernel_array(sys.ku_coef, (n,)), _kernel_array(sys.u, (3, n)))


def _voltage_arrays(sys: System) -> tuple[np.ndarray, ...]:
    """What the kernels need for the field quadratic in the junction voltage: -gamma' xi_v2, G_P (S),
    TMR and V_half (V), shape (n,) each (zeros without the term)."""
    b, n = sys.batch, sys.batch.n
    if sys.quad is None:
        return tuple(np.zeros(n) for _ in range(4))
    return tuple(_kernel_array(x, (n,)) for x in (sys.quad, b.G_P, b.TMR, b.V_half))



def brown_density(alpha: ArrayLike, gamma: ArrayLike, Ms: ArrayLike, volume: ArrayLike,
                  temperature: ArrayLike) -> np.ndarray:
    """2D = 2 alpha kB T / (gamma mu0^2 Ms V) ((A/m)^2 s): the spectral density of each component
    of Brown's thermal field, <H_i(t) H_j(t')> = 2D delta_ij delta(t - t'); over a step h each
    component is a Gaussian of variance 2D / h. Arguments in SI units (rad/(s T), A/m, m^3, K),
    scalars or per-device arrays."""
    return 2.0 * np.asarray(alpha) * KB * np.asarray(temperature) / (
        np.asarray(gamma) * MU0**2 * np.asarray(Ms) * np.asarray(volume))

class DormandPrince:
    """Dormand-Prince 5(4) steps of ``sys``'s equation; the state is ``sys.state()``, (5, n), or (6, n) with heating.

    With ``shared=True`` (the adaptive solver, whose one step for the whole batch already makes
    each device's result depend on its batch) the stage sums are one matrix-vector product each
    (BLAS) over the stages stored as rows of one array; otherwise they are elementwise sums in a
    fixed order, so that each device's result depends on that device alone, bit for bit.
    """

    def __init__(self, sys: System, shared: bool = False) -> None:
        n, r = sys.batch.n, sys.rows
        self.sys = sys
        self.shared = shared
        self.r, self.off = r, sys.offset
        self.K = np.empty((7, r * n))
        self.ks = [self.K[j].reshape(r, n) for j in range(7)]
        self.y5 = sys.state()
        self._ym = self.y5[self.off:]  # m's rows x, y, z, x, y (all of y5 without heating)
        self.tmp, self.err = np.empty((r, n)), np.empty((r, n))
        self.nrm = np.empty(n)
        kern = kernels() if not shared else None
        self.kernel = kern.dormand_prince if kern is not None else None
        if self.kernel is not None:
            self._args = _kernel_arrays(sys)
            self._vargs = (*_voltage_arrays(sys), sys.quad is not None, bool(np.any(sys.batch.V_half > 0)))
            self._a1, self._a2, self._cur = np.zeros((7, n)), np.zeros((7, n)), np.zeros((7, n))
            self._w, self._w_hh = np.zeros((7, 7)), math.nan

    def first(self, t: float, m5: np.ndarray) -> np.ndarray:
        """Evaluate the first stage at time t (s) (at the start, and after the drive or m changed)."""
        return self.sys.rhs(self.ks[0], t, m5)

    def trial(self, t: float, hh: float, m5: np.ndarray, rtol: float | None = None, atol: float = 0.0) -> float:
        """A trial step of hh (s) from m5 at t; its error norm (0 without ``rtol``). The candidate stays in ``y5``."""
        ks, y5, tmp, sys = self.ks, self.y5, self.tmp, self.sys
        m, y = m5[:self.r], y5[:self.r]
        for s in range(1, 7):
            if self.shared:
                np.matmul(_A_ROWS[s] * hh, self.K[:s], out=y.reshape(-1))
                np.add(y, m, out=y)
            else:
                _combine(y, m, tmp, ks, _A_NZ[s], hh)
            sys.wrap(self._ym)
            sys.rhs(ks[s], t + C[s] * hh, y5)
        # y is the 5th-order solution; stage 7 was evaluated there (FSAL)
        if rtol is None:
            return 0.0
        err = self.err
        if self.shared:
            np.matmul(_E_ROW * hh, self.K, out=err.reshape(-1))
        else:
            _combine(err, None, tmp, ks, _E_NZ, hh)
        np.abs(err, out=err)
        np.maximum(np.abs(m, out=tmp), np.abs(y, out=ks[1]), out=tmp)  # ks[1] is free now
        np.multiply(tmp, rtol, out=tmp)
        np.add(tmp, atol, out=tmp)
        np.divide(err, tmp, out=err)
        return float(np.max(err))

    def step(self, t: float, hh: float, m5: np.ndarray) -> None:
        """A fixed step of hh (s) from m5 at t, accepted: :meth:`trial` (no error control), then
        :meth:`accept`, fused into the compiled kernel when there is one and the drive is an ideal
        current (its torques do not depend on m) and no field depends on the junction voltage
        (:attr:`System.fused`); the same numbers bit for bit either way."""
        sys = self.sys
        if self.kernel is None or not sys.fused:
            self.trial(t, hh, m5)
            self.accept(m5)
            return
        a1, a2, cur, m = self._a1, self._a2, self._cur, m5[:3]
        for s in range(1, 7):
            if s > 1 and C[s] == C[s - 1]:  # the same instant as the previous stage (stages 5 and 6)
                np.copyto(a1[s], a1[s - 1])
                np.copyto(a2[s], a2[s - 1])
                np.copyto(cur[s], cur[s - 1])
                continue
            src1, src2 = sys.torques(t + C[s] * hh, m)  # may be System's own buffers: copied at once
            np.copyto(a1[s], src1)
            np.copyto(a2[s], src2)
            if sys.quad is not None:  # the current the junction voltage is solved at
                np.copyto(cur[s], np.asarray(sys.sample.at(t + C[s] * hh), dtype=float))
        if self._w_hh != hh:  # the tableau times the step, zeros where the numpy sums skip a stage
            self._w_hh = hh
            self._w.fill(0.0)
            for s in range(1, 7):
                for j, a in _A_NZ[s]:
                    self._w[s, j] = a * hh
        self.kernel(m5, self.ks[0], *self._args, a1, a2, self._w, sys.H_app is not None, sys.ku_coef is not None,
                    cur, *self._vargs)

    def accept(self, m5: np.ndarray) -> None:
        """Take the candidate: m5 = y / |y| (a temperature row as it is); its last stage becomes the next first stage."""
        _normalize(self.y5[:self.r], m5, self.tmp[:3], self.nrm, self.off)
        np.copyto(self.K[0], self.K[6])


class Heun:
    """Stochastic Heun steps of ``sys``'s equation with Brown's field ``scale`` x N(0, 1) (A/m per
    component; ``scale`` shape (n,)), drawn from ``rng`` as (3, n) per step; ``h`` (s) is the step
    the scale was computed for (a label for callers that keep the object)."""

    def __init__(self, sys: System, scale: np.ndarray, rng: np.random.Generator, h: float = 0.0) -> None:
        n, r = sys.batch.n, sys.rows
        self.sys, self.rng, self.h = sys, rng, h
        self.r, self.off = r, sys.offset
        self.g_scale = np.ascontiguousarray(np.broadcast_to(sys.neg_g * scale, (n,)))
        self.f0, self.f1 = np.empty((r, n)), np.empty((r, n))
        self.z, self.tmp = np.empty((3, n)), np.empty((3, n))
        self.p5 = sys.state()
        self._pm = self.p5[self.off:]
        self.nrm = np.empty(n)
        kern = kernels()
        self.kernel = kern.heun if kern is not None else None
        if self.kernel is not None:
            self._args = _kernel_arrays(sys)
            self._vargs = (*_voltage_arrays(sys), sys.quad is not None, bool(np.any(sys.batch.V_half > 0)))
            self._a = tuple(np.empty(n) for _ in range(4))
            self._c = (np.zeros(n), np.zeros(n))

    def step(self, t: float, h: float, m5: np.ndarray) -> None:
        """Advance m5 from t by h (s) in place."""
        sys, f0, f1, z, p5, r = self.sys, self.f0, self.f1, self.z, self.p5, self.r
        m = m5[:r]
        self.rng.standard_normal(out=z)
        if self.kernel is not None and sys.fused:  # the torques do not depend on m: the fused loop
            a1a, a2a, a1b, a2b = self._a
            ca, cb = self._c
            for at, dst1, dst2, dst_c in ((t, a1a, a2a, ca), (t + h, a1b, a2b, cb)):
                src1, src2 = sys.torques(at, m)  # may be System's own buffers: copied at once
                np.copyto(dst1, src1)
                np.copyto(dst2, src2)
                if sys.quad is not None:
                    np.copyto(dst_c, np.asarray(sys.sample.at(at), dtype=float))
            self.kernel(m5, z, self.g_scale, *self._args, a1a, a2a, a1b, a2b, h, 0.5 * h,
                        sys.H_app is not None, sys.ku_coef is not None, ca, cb, *self._vargs)
            return
        np.multiply(self.g_scale, z, out=z)
        sys.rhs(f0, t, m5, z)
        np.add(m, np.multiply(f0, h, out=p5[:r]), out=p5[:r])
        sys.wrap(self._pm)
        sys.rhs(f1, t + h, p5, z)
        np.add(f0, f1, out=f0)
        np.add(m, np.multiply(f0, 0.5 * h, out=f0), out=f1)
        _normalize(f1, m5, self.tmp, self.nrm, self.off)


class GridStepper:
    """A batch marched segment by segment over uniform sample grids (module docstring).

    Parameters
    ----------
    batch : DeviceBatch
    m0 : (3, n) array
        Initial magnetization (unit vectors).
    step : float
        Fixed Dormand-Prince step (s), used at 0 K.
    temperature : float or (n,) array
        Temperature (K); above 0 the stochastic Heun integrator runs instead.
    thermal_step : float
        The stochastic integrator's step (s), shortened to divide the sample interval.
    rng : numpy Generator
        The thermal noise's stream.

    With Joule heating (any device's ``junction.thermal_resistance`` > 0) the state carries the
    junction's temperature rise (:class:`~mtjspice.physics.heated.HeatedSystem`) from segment to segment,
    starting at the ambient (the devices' ``material.temperature``, which ``temperature`` does not
    change: that is the thermal field's); :attr:`junction_temperature` is its present value and
    :attr:`sample_temperature` its value at each sample of the last segment.
    """

    def __init__(self, batch: DeviceBatch, m0: np.ndarray, *, step: float, temperature: float | np.ndarray = 0.0,
                 thermal_step: float = 2e-12, rng: np.random.Generator | None = None) -> None:
        self.batch = batch
        self.sys = make_system(batch, CurrentDrive(PWL(np.zeros(1), np.zeros((1, batch.n)))))
        self.m5 = self.sys.start(m0)
        self._m = self.m5[self.sys.offset:self.sys.offset + 3]
        self.sample_temperature: np.ndarray | None = None
        self.step = float(step)
        temp = np.broadcast_to(np.asarray(temperature, float), (batch.n,))
        self.thermal = bool(np.any(temp > 0))
        self.thermal_step = float(thermal_step)
        self.rng = rng if rng is not None else np.random.default_rng(0)
        self.temperature = temp
        self.heun: Heun | None = None
        self.dp = DormandPrince(self.sys)
        self.steps = 0

    @property
    def m(self) -> np.ndarray:
        """The present magnetization, shape (3, n) (a view)."""
        return self._m

    @property
    def junction_temperature(self) -> np.ndarray | None:
        """The junction's present temperature (K), shape (n,); None without Joule heating."""
        rise = self.sys.rise(self.m5)
        return None if rise is None else self.batch.temperature + rise

    def advance(self, current: np.ndarray, dt: float) -> np.ndarray:
        """March through one segment of samples 0, dt, ... (s): ``current`` (s + 1, n) is the
        junction current (A) at each sample, straight in between, starting at the present state.
        Returns m.p at each sample (s + 1, n), the state at the last sample kept for the next (with
        heating, the junction temperature at each sample in :attr:`sample_temperature`, K)."""
        k = current.shape[0]
        self.sys.set_drive(CurrentDrive(PWL(dt * np.arange(k), current)))
        m5, p, m = self.m5, self.batch.p, self._m
        mp = np.empty((k, self.batch.n))
        np.sum(m * p, axis=0, out=mp[0])
        rise = self.sys.rise(m5)
        heat = None if rise is None else np.empty((k, self.batch.n))
        if heat is not None:
            heat[0] = rise
        if self.thermal:
            sub = max(1, int(math.ceil(dt / self.thermal_step - 1e-9)))
            h = dt / sub
            heun = self.heun
            if heun is None or heun.h != h:
                b = self.batch
                sigma = np.sqrt(brown_density(b.alpha, b.gamma, b.Ms, b.volume, self.temperature) / h)
                heun = self.heun = Heun(self.sys, sigma, self.rng, h)
            t_prev = 0.0
            for i in range(1, k):
                for j in range(sub):
                    heun.step(t_prev + j * h, h, m5)
                t_prev = dt * i
                np.sum(m * p, axis=0, out=mp[i])
                if heat is not None:
                    heat[i] = m5[0]
            self.steps += (k - 1) * sub
            self._keep(heat)
            return mp
        dp, h, t = self.dp, self.step, 0.0
        dp.first(t, m5)
        for i in range(1, k):
            stop = dt * i
            while t < stop:
                landing = t + h >= stop - 1e-12 * max(stop, 1e-30)
                hh = stop - t if landing else h
                dp.step(t, hh, m5)
                t = stop if landing else t + hh
                self.steps += 1
            np.sum(m * p, axis=0, out=mp[i])
            if heat is not None:
                heat[i] = m5[0]
        self._keep(heat)
        return mp

    def _keep(self, rise: np.ndarray | None) -> None:
        """Store a segment's temperature rises (K) as junction temperatures (:attr:`sample_temperature`)."""
        if rise is not None:
            self.sample_temperature = rise + self.batch.temperature[None, :]
