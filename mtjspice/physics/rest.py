"""The free layer's rest state and the initial magnetization built from it.

The rest state is the minimum, on the unit sphere, of the magnetic energy density of
:func:`mtjspice.physics.llgs.energy_density` (shape anisotropy, extra uniaxial anisotropy and
applied field). Divided by mu0 Ms^2 / 2 it reads

    e(m) = m . A m - b . m,   A = diag(Nx, Ny, Nz) - k u u^T,   k = 2 Ku / (mu0 Ms^2),   b = 2 H / Ms,

and its global minimum is exact linear algebra (the "trust-region subproblem"):

* without a field (b = 0) the minimum is the eigenvector of A with the smallest eigenvalue. Its
  sign, and the direction chosen inside a degenerate eigenspace (an easy plane), are fixed by
  preference: the minimizer closest to +z, else to +x, else to +y. When A is diagonal (no
  extra anisotropy, or one along a coordinate axis) the answer is a coordinate axis, exactly;
* with a field, m = (A - lambda)^-1 b / 2 with the unique lambda < the smallest eigenvalue that
  makes |m| = 1 (solved by bisection on the secular equation in A's eigenbasis), or, when b has
  no component along the easiest direction and is too weak to pull m off it (the "hard case"),
  that solution plus the easiest direction to unit length.

The initial magnetization is the rest direction r tilted by ``theta0`` toward a fixed axis
perpendicular to it: m0 = cos(theta0) r + sin(theta0) e, e the part of +x perpendicular to r
(+z when r is along x). For a rest state along +z this is exactly (sin theta0, 0, cos theta0).
An explicit initial magnetization (an ``m0`` field of :class:`mtjspice.params.Initial`, where
present) replaces the construction.
"""

from __future__ import annotations

import math
from dataclasses import fields, is_dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import ArrayLike

from ..constants import MU0
from ..errors import ParameterError
from .devicedemag import device_demag
from .llgs import anisotropy_factors

if TYPE_CHECKING:
    from ..params import Device

__all__ = ["anisotropy_matrix", "rest_direction", "tilt", "device_rest", "explicit_m0", "initial_magnetization"]

_PREFERENCE = (2, 0, 1)  # z, then x, then y
_DEGENERATE = 1e-12  # eigenvalues closer than this (in units of the spread of A) count as equal
_BISECTIONS = 200


def _columns(a: ArrayLike | None, n: int) -> np.ndarray | None:
    if a is None:
        return None
    arr = np.asarray(a, dtype=float)
    if arr.ndim == 1:
        arr = arr[:, None]
    return np.broadcast_to(arr, (3, n))


def anisotropy_matrix(N: np.ndarray, Ms: ArrayLike, Ku: ArrayLike | None = None, u: np.ndarray | None = None) -> np.ndarray:
    """The reduced anisotropy tensor A = diag(N) - (2 Ku / (mu0 Ms^2)) u u^T, shape (n, 3, 3) (dimensionless).

    Parameters
    ----------
    N : (3, n) array
        Demagnetizing factors.
    Ms : float or (n,) array
        Saturation magnetization (A/m).
    Ku, u : optional
        Extra uniaxial anisotropy (J/m^3) along the unit vectors u, shape (3, n) or (3,).
    """
    N = np.asarray(N, dtype=float)
    n = N.shape[1]
    A = np.zeros((n, 3, 3))
    A[:, [0, 1, 2], [0, 1, 2]] = N.T
    uu = _columns(u, n)
    if Ku is not None and uu is not None:
        k = np.broadcast_to(2.0 * np.asarray(Ku, dtype=float) / (MU0 * np.asarray(Ms, dtype=float) ** 2), (n,))
        if np.any(k != 0):
            A = A - k[:, None, None] * np.einsum("in,jn->nij", uu, uu)
    return A


def rest_direction(N: np.ndarray, Ms: ArrayLike, H: np.ndarray | None = None, Ku: ArrayLike | None = None,
                   u: np.ndarray | None = None) -> np.ndarray:
    """Unit magnetization of minimum energy of each device, shape (3, n).

    Parameters
    ----------
    N : (3, n) array
        Demagnetizing factors (dimensionless).
    Ms : float or (n,) array
        Saturation magnetization (A/m).
    H : (3, n) or (3,) array, optional
        Applied field (A/m).
    Ku, u : optional
        Extra uniaxial anisotropy (J/m^3) along unit vectors u ((3, n) or (3,)); positive favours u.
    """
    N = np.asarray(N, dtype=float)
    if N.ndim != 2 or N.shape[0] != 3:
        raise ParameterError("N", np.shape(N), "demagnetizing factors of shape (3, n)")
    n = N.shape[1]
    A = anisotropy_matrix(N, Ms, Ku, u)
    Hc = _columns(H, n)
    b = np.zeros((n, 3)) if Hc is None else (2.0 * Hc / np.asarray(Ms, dtype=float)).T
    out = np.empty((3, n))
    off = A[:, [0, 0, 1], [1, 2, 2]]
    diagonal = np.all(off == 0.0, axis=1)
    no_field = np.all(b == 0.0, axis=1)
    easy = diagonal & no_field
    if easy.any():
        out[:, easy] = _diagonal_minimum(A[easy][:, [0, 1, 2], [0, 1, 2]])
    rest = ~easy
    if rest.any():
        out[:, rest] = _general_minimum(A[rest], b[rest])
    return out


def _diagonal_minimum(d: np.ndarray) -> np.ndarray:
    """Exact coordinate axes: for each row of diagonal entries d (m, 3), the preferred axis of smallest entry."""
    out = np.zeros((3, d.shape[0]))
    lowest = d == d.min(axis=1, keepdims=True)
    chosen = np.full(d.shape[0], -1)
    for axis in reversed(_PREFERENCE):  # the last assignment wins: z over x over y
        chosen = np.where(lowest[:, axis], axis, chosen)
    out[chosen, np.arange(d.shape[0])] = 1.0
    return out


def _preferred_in_span(V: np.ndarray) -> np.ndarray:
    """The unit vector of span(V) (columns, orthonormal) closest to +z, else +x, else +y."""
    P = V @ V.T
    for axis in _PREFERENCE:
        v = P[:, axis]
        norm = float(np.linalg.norm(v))
        if norm > 1e-8:
            return v / norm
    return V[:, 0] if V[2, 0] >= 0 else -V[:, 0]  # pragma: no cover - a span misses no coordinate axis


def _general_minimum(A: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Global minimum of m.A m - b.m on the sphere for each (A, b) pair; returns (3, m)."""
    lam, Q = np.linalg.eigh(A)  # ascending eigenvalues, eigenvectors in columns
    out = np.empty((3, A.shape[0]))
    for i in range(A.shape[0]):
        a, V, bb = lam[i], Q[i], b[i]
        spread = max(float(a[-1] - a[0]), float(np.max(np.abs(a))), 1e-300)
        low = a - a[0] <= _DEGENERATE * spread  # the easiest eigenspace
        if not np.any(bb):
            out[:, i] = _preferred_in_span(V[:, low])
            continue
        c = V.T @ bb
        c_low = float(np.linalg.norm(c[low]))
        if c_low <= 1e-14 * float(np.linalg.norm(c)):
            # b has no component along the easiest directions: the hard case if the rest is weak.
            y = np.zeros(3)
            y[~low] = c[~low] / (2.0 * (a[~low] - a[0]))
            r2 = float(y @ y)
            if r2 <= 1.0:
                free = _preferred_in_span(V[:, low])
                out[:, i] = V @ y + math.sqrt(1.0 - r2) * free
                continue
            c = np.where(low, 0.0, c)
        # Secular equation: |y(l)| = 1 with y = c / (2 (a - l)), l in [a0 - |c|/2, a0).
        lo, hi = a[0] - 0.5 * float(np.linalg.norm(c)) - 1e-300, a[0]
        for _ in range(_BISECTIONS):
            mid = 0.5 * (lo + hi)
            if mid <= lo or mid >= hi:
                break
            y = c / (2.0 * (a - mid))
            if float(y @ y) > 1.0:
                hi = mid
            else:
                lo = mid
        y = c / (2.0 * (a - lo))
        m = V @ y
        out[:, i] = m / np.linalg.norm(m)
    return out


def tilt(r: np.ndarray, theta0: ArrayLike) -> np.ndarray:
    """``r`` (3, n) tilted by ``theta0`` (rad, scalar or (n,)) toward a fixed perpendicular axis, shape (3, n).

    The axis is the part of +x perpendicular to r (+z when r is along x), so r = +z gives exactly
    (sin theta0, 0, cos theta0). The sines and cosines are the ones of Python's ``math``.
    """
    r = np.asarray(r, dtype=float)
    n = r.shape[1]
    th = np.broadcast_to(np.asarray(theta0, dtype=float), (n,))
    if not np.all(np.isfinite(th)):
        raise ParameterError("theta0", theta0, "finite angles (rad)")
    ref = np.zeros((3, n))
    along_x = np.abs(r[0]) >= np.maximum(np.abs(r[1]), np.abs(r[2]))  # x is the worst reference there
    ref[0, ~along_x] = 1.0
    ref[2, along_x] = 1.0
    e = ref - np.sum(ref * r, axis=0) * r
    e = e / np.linalg.norm(e, axis=0)
    s = np.fromiter((math.sin(x) for x in th), float, count=n)
    c = np.fromiter((math.cos(x) for x in th), float, count=n)
    return c * r + s * e + 0.0  # + 0.0 turns -0.0 into 0.0


def device_rest(device: Device) -> tuple[float, float, float]:
    """Rest direction (unit vector) of one device's free layer."""
    N = np.asarray(device_demag(device), dtype=float)[:, None]
    mat = device.material
    N = anisotropy_factors(N, mat.Ms, device.geometry.T, mat.Ki)
    f = device.field
    r = rest_direction(N, device.material.Ms, np.asarray(f.H, float), f.Ku, np.asarray(f.axis, float))
    return (float(r[0, 0]), float(r[1, 0]), float(r[2, 0]))


def explicit_m0(device: Device) -> tuple[float, float, float] | None:
    """The device's explicit initial magnetization (a field ``m0`` of its ``initial``), or None.

    Only a dataclass *field* named ``m0`` counts, not a property of that name.
    """
    init = device.initial
    if not is_dataclass(init) or "m0" not in {f.name for f in fields(init)}:
        return None
    value: Any = init.m0
    if value is None:
        return None
    v = np.asarray(value, dtype=float).reshape(-1)
    norm = float(np.linalg.norm(v)) if v.size == 3 and np.all(np.isfinite(v)) else 0.0
    if norm == 0.0:
        raise ParameterError("initial.m0", value, "a vector of 3 finite numbers, nonzero")
    return (float(v[0] / norm), float(v[1] / norm), float(v[2] / norm))


def initial_magnetization(device: Device) -> tuple[float, float, float]:
    """A device's initial magnetization: explicit ``initial.m0`` if given, else its rest direction
    tilted by ``initial.theta0`` (see :func:`tilt`). Exactly (sin theta0, 0, cos theta0) when the rest
    direction is +z (the shipped devices)."""
    m = explicit_m0(device)
    if m is not None:
        return m
    r = np.asarray(device_rest(device), dtype=float)[:, None]
    v = tilt(r, device.initial.theta0)
    return (float(v[0, 0]), float(v[1, 0]), float(v[2, 0]))
