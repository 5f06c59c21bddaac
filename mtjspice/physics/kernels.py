"""Compiled kernels of the macrospin steps (numba, optional): the same arithmetic as the numpy
steps of :mod:`mtjspice.physics.stepper` (a stochastic Heun step; a fixed Dormand-Prince step
with its acceptance), each fused into one loop over the devices (the usual Dormand-Prince case:
one loop per stage over blocks of devices, which the compiler turns into vector instructions).

The numpy steps make a pass over every array per operation (about 30 passes per stochastic
Heun step, about 130 per Dormand-Prince step); a kernel reads each device's state once and keeps
the intermediate values in registers. It performs the same IEEE operations in the same order
as the numpy code (no fast-math, so no fused multiply-adds or reassociation), so its results are
the numpy path's bit for bit (tests/physics/test_kernels.py) and each device's result is still its own,
whatever shares its batch.

numba is optional (``pip install mtjspice[fast]``); without it, or with the environment variable
``MTJSPICE_NUMBA=0``, the numpy steps run. The kernels are compiled on first use in a process
(about 5 s for the Dormand-Prince kernel, once per argument types: the stepper passes writable C
arrays only, so one compilation serves every run) and nothing is written to disk. The fixed
Dormand-Prince kernel serves :class:`~mtjspice.physics.stepper.GridStepper` (the network's device
neurons at 0 K) and every fixed-step :func:`~mtjspice.physics.solver.simulate` with an ideal
current (the device Monte Carlo, the design search, the onset table); the Heun kernel every
stochastic run with an ideal current. A Joule-heated batch (a temperature row in its state)
always takes the numpy steps.
"""

from __future__ import annotations

import math
import os
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from typing import Any

import numpy as np

__all__ = ["Kernels", "kernels", "BLOCK"]

#: Devices per block of the plain Dormand-Prince kernel (its stages' slopes, 8 x 3 x BLOCK doubles, stay in
#: the first-level cache).
BLOCK = 256


@dataclass(frozen=True)
class Kernels:
    """The compiled kernels: ``heun(m5, z, gs, field, alpha, p, h_app, ku_coef, u, a1a, a2a, a1b,
    a2b, h, half_h, has_app, has_ku, ca, cb, qq, gp, tmr0, vh, has_q, iterate)`` and
    ``dormand_prince(m5, k0, field, alpha, p, h_app, ku_coef, u, a1, a2, w, has_app, has_ku, cur, qq,
    gp, tmr0, vh, has_q, iterate)`` (docstrings in :func:`_build`)."""

    heun: Callable[..., None]
    dormand_prince: Callable[..., None]


def _build(njit: Callable[..., Any], inline: Callable[..., Any] | None = None) -> Kernels:
    """The kernels, compiled by the decorator ``njit`` (numba's, without fast-math) on first call;
    ``inline`` (default ``njit``) compiles the helpers that the plain Dormand-Prince kernel's loops
    call, inlined into them (numba's ``inline="always"``) so that its constant arguments fold and the
    loops become vector instructions."""
    inline = njit if inline is None else inline

    @njit
    def conductance(mp: float, gp: float, tmr: float) -> float:
        """G (S) at m.p and TMR as physics.llgs.conductance computes it."""
        gap = gp / (1.0 + tmr)
        return gp * (1.0 + mp) / 2.0 + gap * (1.0 - mp) / 2.0

    @njit
    def voltage(sx: float, sy: float, sz: float, px: float, py: float, pz: float, cur: float, gp: float,
                tmr0: float, vh: float, iterate: bool) -> float:
        """Junction voltage (V) at m and current ``cur`` (A), as CurrentDrive.solve computes it (the bias-
        dependent TMR's 30 fixed-point steps when any device of the batch has V_half > 0)."""
        mp = (sx * px + sy * py) + sz * pz
        v = cur / conductance(mp, gp, tmr0 / (1.0 + 0.0) if vh > 0 else tmr0)
        if iterate:
            for _ in range(30):
                r = v / vh if vh > 0 else v / 1.0
                v = cur / conductance(mp, gp, tmr0 / (1.0 + r * r) if vh > 0 else tmr0)
        return v

    @inline
    def field_h(sx: float, sy: float, sz: float, fx: float, fy: float, fz: float, hax: float, hay: float, haz: float,
              ux: float, uy: float, uz: float, kc: float, has_app: bool, has_ku: bool) -> tuple[float, float, float]:
        """-gamma' H (1/s) at m = (sx, sy, sz): demagnetizing, applied and Ku fields, as System.rhs adds them."""
        hx, hy, hz = fx * sx, fy * sy, fz * sz
        if has_app:
            hx, hy, hz = hx + hax, hy + hay, hz + haz
        if has_ku:
            c = kc * ((sx * ux + sy * uy) + sz * uz)
            hx, hy, hz = hx + c * ux, hy + c * uy, hz + c * uz
        return hx, hy, hz

    @inline
    def torque(sx: float, sy: float, sz: float, hx: float, hy: float, hz: float, a1: float, a2: float, al: float,
               px: float, py: float, pz: float) -> tuple[float, float, float]:
        """dm/dt (1/s) at m = (sx, sy, sz) in the field -gamma' H = (hx, hy, hz), as System.rhs computes it."""
        dx, dy, dz = al * hx, al * hy, al * hz
        bx, by, bz = hx - a1 * px, hy - a1 * py, hz - a1 * pz
        dx, dy, dz = dx + a2 * px, dy + a2 * py, dz + a2 * pz
        # C = B - D x m, then dm/dt = m x C
        cx = (bx - dy * sz) + dz * sy
        cy = (by - dz * sx) + dx * sz
        cz = (bz - dx * sy) + dy * sx
        return sy * cz - sz * cy, sz * cx - sx * cz, sx * cy - sy * cx

    @njit
    def rhs(sx: float, sy: float, sz: float, a1: float, a2: float, al: float, fx: float, fy: float, fz: float,
            px: float, py: float, pz: float, hax: float, hay: float, haz: float, ux: float, uy: float, uz: float,
            kc: float, gx: float, gy: float, gz: float, has_app: bool, has_ku: bool,
            thermal: bool, cur: float, qq: float, gp: float, tmr0: float, vh: float, has_q: bool,
            iterate: bool) -> tuple[float, float, float]:
        """dm/dt (1/s) of one device at m = (sx, sy, sz), as System.rhs computes it; with ``has_q`` the
        field-like field quadratic in the junction voltage at current ``cur`` (A), qq = -gamma' xi_v2."""
        hx, hy, hz = field_h(sx, sy, sz, fx, fy, fz, hax, hay, haz, ux, uy, uz, kc, has_app, has_ku)
        if has_q:
            v = voltage(sx, sy, sz, px, py, pz, cur, gp, tmr0, vh, iterate)
            c = qq * v * v
            hx, hy, hz = hx + c * px, hy + c * py, hz + c * pz
        if thermal:
            hx, hy, hz = hx + gx, hy + gy, hz + gz
        return torque(sx, sy, sz, hx, hy, hz, a1, a2, al, px, py, pz)

    @njit
    def heun(m5: Any, z: Any, gs: Any, field: Any, alpha: Any, p: Any, h_app: Any, ku_coef: Any, u: Any,
             a1a: Any, a2a: Any, a1b: Any, a2b: Any, h: float, half_h: float, has_app: bool, has_ku: bool,
             ca: Any, cb: Any, qq: Any, gp: Any, tmr0: Any, vh: Any, has_q: bool, iterate: bool) -> None:
        """One stochastic Heun step of every device in place (Heun.step): m5 (5, n) the state
        (rows x, y, z, x, y), z (3, n) the step's standard normals, gs (n,) -gamma' times the
        field's scale, (a1a, a2a) and (a1b, a2b) the torque coefficients (1/s) at the step's start
        and end; field, alpha, p, h_app, ku_coef, u as System holds them (zeros when absent); ca, cb
        (n,) the currents (A) at the step's start and end, qq, gp, tmr0, vh (n,) -gamma' xi_v2, G_P,
        TMR and V_half for the field quadratic in the junction voltage (read only with has_q)."""
        for i in range(m5.shape[1]):
            mx, my, mz = m5[0, i], m5[1, i], m5[2, i]
            g = gs[i]
            gx, gy, gz = g * z[0, i], g * z[1, i], g * z[2, i]
            args = (alpha[i], field[0, i], field[1, i], field[2, i], p[0, i], p[1, i], p[2, i],
                    h_app[0, i], h_app[1, i], h_app[2, i], u[0, i], u[1, i], u[2, i], ku_coef[i], gx, gy, gz)
            dev = (qq[i], gp[i], tmr0[i], vh[i], has_q, iterate)
            ox0, oy0, oz0 = rhs(mx, my, mz, a1a[i], a2a[i], *args, has_app, has_ku, True, ca[i], *dev)
            ox, oy, oz = rhs(mx + ox0 * h, my + oy0 * h, mz + oz0 * h, a1b[i], a2b[i], *args, has_app, has_ku, True,
                             cb[i], *dev)
            qx = mx + (ox0 + ox) * half_h
            qy = my + (oy0 + oy) * half_h
            qz = mz + (oz0 + oz) * half_h
            nrm = math.sqrt((qx * qx + qy * qy) + qz * qz)
            qx, qy = qx / nrm, qy / nrm
            m5[0, i], m5[1, i], m5[2, i] = qx, qy, qz / nrm
            m5[3, i], m5[4, i] = qx, qy

    @njit
    def plain_tableau(w: Any) -> bool:
        """Whether the step's tableau ``w`` (7, 7) is 0 exactly where Dormand-Prince's is (row 6, column 1)."""
        for s in range(1, 7):
            for j in range(s):
                if (w[s, j] == 0.0) != (s == 6 and j == 1):
                    return False
        return True

    @inline
    def stage(kb: Any, s: int, i: int, q: int, sx: float, sy: float, sz: float, fd: Any, alpha: Any, p: Any,
              h_app: Any, ku_coef: Any, u: Any, a1: Any, a2: Any, has_app: bool, has_ku: bool) -> None:
        """Stage s's slope (1/s) of device i at the stage's point (sx, sy, sz), into kb[s, :, q] (rhs
        without the thermal field and the field quadratic in the junction voltage)."""
        hx, hy, hz = field_h(sx, sy, sz, fd[0, i], fd[1, i], fd[2, i], h_app[0, i], h_app[1, i], h_app[2, i],
                           u[0, i], u[1, i], u[2, i], ku_coef[i], has_app, has_ku)
        kb[s, 0, q], kb[s, 1, q], kb[s, 2, q] = torque(sx, sy, sz, hx, hy, hz, a1[s, i], a2[s, i], alpha[i],
                                                       p[0, i], p[1, i], p[2, i])

    @njit
    def dormand_prince_plain(m5: Any, k0: Any, field: Any, alpha: Any, p: Any, h_app: Any, ku_coef: Any, u: Any,
                             a1: Any, a2: Any, w: Any, has_app: bool, has_ku: bool) -> None:
        """:func:`dormand_prince` without the field quadratic in the junction voltage and with the
        tableau's one zero where Dormand-Prince has it (:func:`plain_tableau`), what the device Monte
        Carlo and the design search run: the devices in blocks of ``BLOCK``, each stage one loop over
        the block with its sum written out (the slopes kept in a small array), so that the compiler
        turns each loop into vector instructions over several devices at once; every device's
        operations are still the numpy sums' and System.rhs's, in their order, so the same numbers.
        About 0.5x the time of one loop over devices with the stages inside (4000 devices, measured)."""
        n = m5.shape[1]
        kb = np.empty((8, 3, BLOCK))  # the stages' slopes 1-6 of a block, and (row 7) the new state
        w10 = w[1, 0]
        w20, w21 = w[2, 0], w[2, 1]
        w30, w31, w32 = w[3, 0], w[3, 1], w[3, 2]
        w40, w41, w42, w43 = w[4, 0], w[4, 1], w[4, 2], w[4, 3]
        w50, w51, w52, w53, w54 = w[5, 0], w[5, 1], w[5, 2], w[5, 3], w[5, 4]
        w60, w62, w63, w64, w65 = w[6, 0], w[6, 2], w[6, 3], w[6, 4], w[6, 5]
        for b0 in range(0, n, BLOCK):
            nb = min(BLOCK, n - b0)
            for q in range(nb):
                i = b0 + q
                sx = m5[0, i] + k0[0, i] * w10
                sy = m5[1, i] + k0[1, i] * w10
                sz = m5[2, i] + k0[2, i] * w10
                stage(kb, 1, i, q, sx, sy, sz, field, alpha, p, h_app, ku_coef, u, a1, a2, has_app, has_ku)
            for q in range(nb):
                i = b0 + q
                sx = (m5[0, i] + k0[0, i] * w20) + kb[1, 0, q] * w21
                sy = (m5[1, i] + k0[1, i] * w20) + kb[1, 1, q] * w21
                sz = (m5[2, i] + k0[2, i] * w20) + kb[1, 2, q] * w21
                stage(kb, 2, i, q, sx, sy, sz, field, alpha, p, h_app, ku_coef, u, a1, a2, has_app, has_ku)
            for q in range(nb):
                i = b0 + q
                sx = ((m5[0, i] + k0[0, i] * w30) + kb[1, 0, q] * w31) + kb[2, 0, q] * w32
                sy = ((m5[1, i] + k0[1, i] * w30) + kb[1, 1, q] * w31) + kb[2, 1, q] * w32
                sz = ((m5[2, i] + k0[2, i] * w30) + kb[1, 2, q] * w31) + kb[2, 2, q] * w32
                stage(kb, 3, i, q, sx, sy, sz, field, alpha, p, h_app, ku_coef, u, a1, a2, has_app, has_ku)
            for q in range(nb):
                i = b0 + q
                sx = (((m5[0, i] + k0[0, i] * w40) + kb[1, 0, q] * w41) + kb[2, 0, q] * w42) + kb[3, 0, q] * w43
                sy = (((m5[1, i] + k0[1, i] * w40) + kb[1, 1, q] * w41) + kb[2, 1, q] * w42) + kb[3, 1, q] * w43
                sz = (((m5[2, i] + k0[2, i] * w40) + kb[1, 2, q] * w41) + kb[2, 2, q] * w42) + kb[3, 2, q] * w43
                stage(kb, 4, i, q, sx, sy, sz, field, alpha, p, h_app, ku_coef, u, a1, a2, has_app, has_ku)
            for q in range(nb):
                i = b0 + q
                sx = (((((m5[0, i] + k0[0, i] * w50) + kb[1, 0, q] * w51) + kb[2, 0, q] * w52) + kb[3, 0, q] * w53)
                      + kb[4, 0, q] * w54)
                sy = (((((m5[1, i] + k0[1, i] * w50) + kb[1, 1, q] * w51) + kb[2, 1, q] * w52) + kb[3, 1, q] * w53)
                      + kb[4, 1, q] * w54)
                sz = (((((m5[2, i] + k0[2, i] * w50) + kb[1, 2, q] * w51) + kb[2, 2, q] * w52) + kb[3, 2, q] * w53)
                      + kb[4, 2, q] * w54)
                stage(kb, 5, i, q, sx, sy, sz, field, alpha, p, h_app, ku_coef, u, a1, a2, has_app, has_ku)
            for q in range(nb):
                i = b0 + q
                sx = (((((m5[0, i] + k0[0, i] * w60) + kb[2, 0, q] * w62) + kb[3, 0, q] * w63) + kb[4, 0, q] * w64)
                      + kb[5, 0, q] * w65)
                sy = (((((m5[1, i] + k0[1, i] * w60) + kb[2, 1, q] * w62) + kb[3, 1, q] * w63) + kb[4, 1, q] * w64)
                      + kb[5, 1, q] * w65)
                sz = (((((m5[2, i] + k0[2, i] * w60) + kb[2, 2, q] * w62) + kb[3, 2, q] * w63) + kb[4, 2, q] * w64)
                      + kb[5, 2, q] * w65)
                kb[7, 0, q], kb[7, 1, q], kb[7, 2, q] = sx, sy, sz
                stage(kb, 6, i, q, sx, sy, sz, field, alpha, p, h_app, ku_coef, u, a1, a2, has_app, has_ku)
            for q in range(nb):  # the 5th-order point, normalised; its slope is the next step's first (FSAL)
                i = b0 + q
                sx, sy, sz = kb[7, 0, q], kb[7, 1, q], kb[7, 2, q]
                nrm = math.sqrt((sx * sx + sy * sy) + sz * sz)
                sx, sy = sx / nrm, sy / nrm
                m5[0, i], m5[1, i], m5[2, i] = sx, sy, sz / nrm
                m5[3, i], m5[4, i] = sx, sy
                k0[0, i], k0[1, i], k0[2, i] = kb[6, 0, q], kb[6, 1, q], kb[6, 2, q]

    @njit
    def dormand_prince(m5: Any, k0: Any, field: Any, alpha: Any, p: Any, h_app: Any, ku_coef: Any, u: Any,
                       a1: Any, a2: Any, w: Any, has_app: bool, has_ku: bool, cur: Any, qq: Any, gp: Any,
                       tmr0: Any, vh: Any, has_q: bool, iterate: bool) -> None:
        """One fixed Dormand-Prince step of every device and its acceptance in place
        (DormandPrince.trial without error control, then accept): m5 (5, n) the state, k0 (3, n)
        the first stage (in: at the step's start; out: at its end, FSAL), a1, a2 (7, n) the torque
        coefficients (1/s) at each stage's time (row 0 unused), w (7, 7) the tableau times the
        step (s), zeros skipped as the numpy sums skip them; cur (7, n) the currents (A) at each stage's
        time and qq, gp, tmr0, vh as for :func:`heun`."""
        if not has_q and plain_tableau(w):
            dormand_prince_plain(m5, k0, field, alpha, p, h_app, ku_coef, u, a1, a2, w, has_app, has_ku)
            return
        kx, ky, kz = np.empty(7), np.empty(7), np.empty(7)
        for i in range(m5.shape[1]):
            mx, my, mz = m5[0, i], m5[1, i], m5[2, i]
            kx[0], ky[0], kz[0] = k0[0, i], k0[1, i], k0[2, i]
            args = (alpha[i], field[0, i], field[1, i], field[2, i], p[0, i], p[1, i], p[2, i],
                    h_app[0, i], h_app[1, i], h_app[2, i], u[0, i], u[1, i], u[2, i], ku_coef[i], 0.0, 0.0, 0.0)
            yx, yy, yz = mx, my, mz
            for s in range(1, 7):
                yx, yy, yz = mx, my, mz
                for j in range(s):
                    c = w[s, j]
                    if c != 0.0:
                        yx, yy, yz = yx + kx[j] * c, yy + ky[j] * c, yz + kz[j] * c
                kx[s], ky[s], kz[s] = rhs(yx, yy, yz, a1[s, i], a2[s, i], *args, has_app, has_ku, False, cur[s, i],
                                          qq[i], gp[i], tmr0[i], vh[i], has_q, iterate)
            nrm = math.sqrt((yx * yx + yy * yy) + yz * yz)
            yx, yy = yx / nrm, yy / nrm
            m5[0, i], m5[1, i], m5[2, i] = yx, yy, yz / nrm
            m5[3, i], m5[4, i] = yx, yy
            k0[0, i], k0[1, i], k0[2, i] = kx[6], ky[6], kz[6]

    return Kernels(heun, dormand_prince)


@cache
def kernels() -> Kernels | None:
    """The compiled kernels, or None (numba missing, or ``MTJSPICE_NUMBA=0``)."""
    if os.environ.get("MTJSPICE_NUMBA", "1") == "0":
        return None
    try:
        import numba
    except ImportError:
        return None
    return _build(numba.njit(fastmath=False, error_model="numpy", cache=False),
                  numba.njit(fastmath=False, error_model="numpy", cache=False, inline="always"))
