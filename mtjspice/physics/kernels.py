"""Compiled kernels of the macrospin steps (numba, optional): the same arithmetic as the numpy
steps of :mod:`mtjspice.physics.stepper` (a stochastic Heun step; a fixed Dormand-Prince step
with its acceptance), each fused into one loop over the devices.

The numpy steps make a pass over every array per operation (about 30 passes per stochastic
Heun step, about 130 per Dormand-Prince step); a kernel reads each device's state once and keeps
the intermediate values in registers. It performs the same IEEE operations in the same order
as the numpy code (no fast-math, so no fused multiply-adds or reassociation), so its results are
the numpy path's bit for bit (tests/physics/test_kernels.py) and each device's result is still its own,
whatever shares its batch.

numba is optional (``pip install mtjspice[fast]``); without it, or with the environment variable
``MTJSPICE_NUMBA=0``, the numpy steps run. The kernels are compiled on first use in a process
(about a second each) and nothing is written to disk. The fixed Dormand-Prince kernel serves
:class:`~mtjspice.physics.stepper.GridStepper` (the network's device neurons at 0 K); the Heun
kernel every stochastic run with an ideal current.
"""

from __future__ import annotations

import math
import os
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from typing import Any

import numpy as np

__all__ = ["Kernels", "kernels"]


@dataclass(frozen=True)
class Kernels:
    """The compiled kernels: ``heun(m5, z, gs, field, alpha, p, h_app, ku_coef, u, a1a, a2a, a1b,
    a2b, h, half_h, has_app, has_ku, ca, cb, qq, gp, tmr0, vh, has_q, iterate)`` and
    ``dormand_prince(m5, k0, field, alpha, p, h_app, ku_coef, u, a1, a2, w, has_app, has_ku, cur, qq,
    gp, tmr0, vh, has_q, iterate)`` (docstrings in :func:`_build`)."""

    heun: Callable[..., None]
    dormand_prince: Callable[..., None]


def _build(njit: Callable[..., Any]) -> Kernels:
    """The kernels, compiled by the decorator ``njit`` (numba's, without fast-math) on first call."""

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

    @njit
    def rhs(sx: float, sy: float, sz: float, a1: float, a2: float, al: float, fx: float, fy: float, fz: float,
            px: float, py: float, pz: float, hax: float, hay: float, haz: float, ux: float, uy: float, uz: float,
            kc: float, gx: float, gy: float, gz: float, has_app: bool, has_ku: bool,
            thermal: bool, cur: float, qq: float, gp: float, tmr0: float, vh: float, has_q: bool,
            iterate: bool) -> tuple[float, float, float]:
        """dm/dt (1/s) of one device at m = (sx, sy, sz), as System.rhs computes it; with ``has_q`` the
        field-like field quadratic in the junction voltage at current ``cur`` (A), qq = -gamma' xi_v2."""
        hx, hy, hz = fx * sx, fy * sy, fz * sz
        if has_app:
            hx, hy, hz = hx + hax, hy + hay, hz + haz
        if has_ku:
            c = kc * ((sx * ux + sy * uy) + sz * uz)
            hx, hy, hz = hx + c * ux, hy + c * uy, hz + c * uz
        if has_q:
            v = voltage(sx, sy, sz, px, py, pz, cur, gp, tmr0, vh, iterate)
            c = qq * v * v
            hx, hy, hz = hx + c * px, hy + c * py, hz + c * pz
        if thermal:
            hx, hy, hz = hx + gx, hy + gy, hz + gz
        dx, dy, dz = al * hx, al * hy, al * hz
        bx, by, bz = hx - a1 * px, hy - a1 * py, hz - a1 * pz
        dx, dy, dz = dx + a2 * px, dy + a2 * py, dz + a2 * pz
        # C = B - D x m, then dm/dt = m x C
        cx = (bx - dy * sz) + dz * sy
        cy = (by - dz * sx) + dx * sz
        cz = (bz - dx * sy) + dy * sx
        return sy * cz - sz * cy, sz * cx - sx * cz, sx * cy - sy * cx

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

    @njit
    def dormand_prince_plain(m5: Any, k0: Any, field: Any, alpha: Any, p: Any, h_app: Any, ku_coef: Any, u: Any,
                             a1: Any, a2: Any, w: Any, has_app: bool, has_ku: bool) -> None:
        """:func:`dormand_prince` without the field quadratic in the junction voltage and with the
        tableau's one zero where Dormand-Prince has it (:func:`plain_tableau`): the stages written out
        and their sums held as scalars, each in the numpy sums' order, so the same numbers; about 0.7x
        the time (what the device Monte Carlo and the design search run)."""
        w10 = w[1, 0]
        w20, w21 = w[2, 0], w[2, 1]
        w30, w31, w32 = w[3, 0], w[3, 1], w[3, 2]
        w40, w41, w42, w43 = w[4, 0], w[4, 1], w[4, 2], w[4, 3]
        w50, w51, w52, w53, w54 = w[5, 0], w[5, 1], w[5, 2], w[5, 3], w[5, 4]
        w60, w62, w63, w64, w65 = w[6, 0], w[6, 2], w[6, 3], w[6, 4], w[6, 5]
        for i in range(m5.shape[1]):
            mx, my, mz = m5[0, i], m5[1, i], m5[2, i]
            x0, y0, z0 = k0[0, i], k0[1, i], k0[2, i]
            args = (alpha[i], field[0, i], field[1, i], field[2, i], p[0, i], p[1, i], p[2, i],
                    h_app[0, i], h_app[1, i], h_app[2, i], u[0, i], u[1, i], u[2, i], ku_coef[i], 0.0, 0.0, 0.0,
                    has_app, has_ku, False, 0.0, 0.0, 0.0, 0.0, 0.0, False, False)
            sx, sy, sz = mx + x0 * w10, my + y0 * w10, mz + z0 * w10
            x1, y1, z1 = rhs(sx, sy, sz, a1[1, i], a2[1, i], *args)
            sx, sy, sz = (mx + x0 * w20) + x1 * w21, (my + y0 * w20) + y1 * w21, (mz + z0 * w20) + z1 * w21
            x2, y2, z2 = rhs(sx, sy, sz, a1[2, i], a2[2, i], *args)
            sx = ((mx + x0 * w30) + x1 * w31) + x2 * w32
            sy = ((my + y0 * w30) + y1 * w31) + y2 * w32
            sz = ((mz + z0 * w30) + z1 * w31) + z2 * w32
            x3, y3, z3 = rhs(sx, sy, sz, a1[3, i], a2[3, i], *args)
            sx = (((mx + x0 * w40) + x1 * w41) + x2 * w42) + x3 * w43
            sy = (((my + y0 * w40) + y1 * w41) + y2 * w42) + y3 * w43
            sz = (((mz + z0 * w40) + z1 * w41) + z2 * w42) + z3 * w43
            x4, y4, z4 = rhs(sx, sy, sz, a1[4, i], a2[4, i], *args)
            sx = ((((mx + x0 * w50) + x1 * w51) + x2 * w52) + x3 * w53) + x4 * w54
            sy = ((((my + y0 * w50) + y1 * w51) + y2 * w52) + y3 * w53) + y4 * w54
            sz = ((((mz + z0 * w50) + z1 * w51) + z2 * w52) + z3 * w53) + z4 * w54
            x5, y5, z5 = rhs(sx, sy, sz, a1[5, i], a2[5, i], *args)
            sx = ((((mx + x0 * w60) + x2 * w62) + x3 * w63) + x4 * w64) + x5 * w65
            sy = ((((my + y0 * w60) + y2 * w62) + y3 * w63) + y4 * w64) + y5 * w65
            sz = ((((mz + z0 * w60) + z2 * w62) + z3 * w63) + z4 * w64) + z5 * w65
            x6, y6, z6 = rhs(sx, sy, sz, a1[6, i], a2[6, i], *args)
            nrm = math.sqrt((sx * sx + sy * sy) + sz * sz)
            sx, sy = sx / nrm, sy / nrm
            m5[0, i], m5[1, i], m5[2, i] = sx, sy, sz / nrm
            m5[3, i], m5[4, i] = sx, sy
            k0[0, i], k0[1, i], k0[2, i] = x6, y6, z6

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
    return _build(numba.njit(fastmath=False, error_model="numpy", cache=False))
