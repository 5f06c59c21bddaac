"""Compiled kernels of the macrospin steps (numba, optional): the same arithmetic as the numpy
steps of :mod:`mtjspice.physics.stepper`, fused into one loop over the devices.

The numpy steps make a pass over every array per operation (about 30 passes per stochastic
Heun step); the kernel reads each device's state once and keeps the intermediate values in
registers. It performs the same IEEE operations in the same order as the numpy code (no fast-math,
so no fused multiply-adds or reassociation), so its results are the numpy path's bit for bit
(tests/test_kernels.py) and each device's result is still its own, whatever shares its batch.

numba is optional (``pip install mtjspice[fast]``); without it, or with the environment variable
``MTJSPICE_NUMBA=0``, the numpy steps run. The kernel is compiled on first use in a process
(about half a second) and nothing is written to disk.
"""

from __future__ import annotations

import math
import os
from collections.abc import Callable
from functools import cache
from typing import Any

__all__ = ["heun_kernel"]


def _heun(m5: Any, z: Any, gs: Any, field: Any, alpha: Any, p: Any, h_app: Any, ku_coef: Any, u: Any,
          a1a: Any, a2a: Any, a1b: Any, a2b: Any, h: float, half_h: float, has_app: bool, has_ku: bool) -> None:
    """One stochastic Heun step of every device in place (:meth:`mtjspice.physics.stepper.Heun.step`):
    m5 (5, n) the state (rows x, y, z, x, y), z (3, n) the standard normals of the step, gs (n,)
    -gamma' times the field's scale, (a1a, a2a) and (a1b, a2b) the torque coefficients (1/s) at the
    step's start and end; the other arrays are :class:`~mtjspice.physics.trajectory.System`'s."""
    n = m5.shape[1]
    for i in range(n):
        mx, my, mz = m5[0, i], m5[1, i], m5[2, i]
        g = gs[i]
        gx, gy, gz = g * z[0, i], g * z[1, i], g * z[2, i]
        al = alpha[i]
        fx, fy, fz = field[0, i], field[1, i], field[2, i]
        px, py, pz = p[0, i], p[1, i], p[2, i]
        ux, uy, uz, kc = u[0, i], u[1, i], u[2, i], ku_coef[i]
        sx, sy, sz = mx, my, mz  # where the right-hand side is evaluated: m, then the predictor
        ox0 = oy0 = oz0 = 0.0
        for stage in range(2):
            if stage == 0:
                a1, a2 = a1a[i], a2a[i]
            else:
                a1, a2 = a1b[i], a2b[i]
            hx, hy, hz = fx * sx, fy * sy, fz * sz
            if has_app:
                hx, hy, hz = hx + h_app[0, i], hy + h_app[1, i], hz + h_app[2, i]
            if has_ku:
                c = kc * ((sx * ux + sy * uy) + sz * uz)
                hx, hy, hz = hx + c * ux, hy + c * uy, hz + c * uz
            hx, hy, hz = hx + gx, hy + gy, hz + gz
            dx, dy, dz = al * hx, al * hy, al * hz
            bx, by, bz = hx - a1 * px, hy - a1 * py, hz - a1 * pz
            dx, dy, dz = dx + a2 * px, dy + a2 * py, dz + a2 * pz
            # C = B - D x m, then dm/dt = m x C (System.rhs)
            cx = (bx - dy * sz) + dz * sy
            cy = (by - dz * sx) + dx * sz
            cz = (bz - dx * sy) + dy * sx
            ox = sy * cz - sz * cy
            oy = sz * cx - sx * cz
            oz = sx * cy - sy * cx
            if stage == 0:
                ox0, oy0, oz0 = ox, oy, oz
                sx, sy, sz = mx + ox * h, my + oy * h, mz + oz * h
        qx = mx + (ox0 + ox) * half_h
        qy = my + (oy0 + oy) * half_h
        qz = mz + (oz0 + oz) * half_h
        nrm = math.sqrt((qx * qx + qy * qy) + qz * qz)
        qx, qy = qx / nrm, qy / nrm
        m5[0, i], m5[1, i], m5[2, i] = qx, qy, qz / nrm
        m5[3, i], m5[4, i] = qx, qy


@cache
def heun_kernel() -> Callable[..., None] | None:
    """The compiled Heun kernel, or None (numba missing, or ``MTJSPICE_NUMBA=0``)."""
    if os.environ.get("MTJSPICE_NUMBA", "1") == "0":
        return None
    try:
        import numba
    except ImportError:
        return None
    return numba.njit(fastmath=False, error_model="numpy", cache=False)(_heun)  # type: ignore[no-any-return]
