"""Demagnetizing factors of the free layer from its geometry.

Two bodies:

* the general ellipsoid with semi-axes (a, b, c), exact (Osborn 1945), written with Carlson's
  symmetric elliptic integral R_D: N_a = (a b c / 3) R_D(b^2, c^2, a^2);
* the elliptic cylinder (a pillar with elliptic cross-section, semi-axes a, b, height t),
  magnetometric (volume-averaged) factors from the shape's Fourier transform
  (Beleggia, De Graef et al., J. Phys. D 38, 3333 (2005) give the same quantity). Integrating the
  Fourier-space demag tensor over k_z in closed form leaves, with rho(phi)^2 = a^2 cos^2 phi +
  b^2 sin^2 phi and F(tau) = int_0^inf J1(s)^2 / s^2 (1 - exp(-s tau)) ds,

      N_z = (a b / (pi t)) int_0^{2 pi} F(t / rho) / rho dphi,
      N_x = (a b / (pi t)) int_0^{2 pi} cos^2 phi [t / (2 rho^2) - F(t / rho) / rho] dphi,

  and N_y = 1 - N_x - N_z.

Both return factors for the axes (x, y, z) = (L, W, T) of :class:`mtjspice.params.Geometry`; a device's
factors, taper included, come from :func:`mtjspice.physics.devicedemag.device_demag`.
"""

from __future__ import annotations

import math
from functools import lru_cache
from typing import Any

import numpy as np
from numpy.typing import ArrayLike
from scipy import interpolate, special

from ..errors import ParameterError

__all__ = ["demag_factors", "ellipsoid_factors", "elliptic_cylinder_factors"]


def _check_axes(names: tuple[str, ...], values: tuple[object, ...]) -> list[np.ndarray]:
    out = []
    for name, v in zip(names, values, strict=True):
        arr = np.asarray(v, dtype=float)
        if not np.all(np.isfinite(arr) & (arr > 0)):
            raise ParameterError(name, v, "finite numbers > 0 (m)")
        out.append(arr)
    return list(np.broadcast_arrays(*out))


def ellipsoid_factors(a: ArrayLike, b: ArrayLike, c: ArrayLike) -> tuple[Any, Any, Any]:
    """Demagnetizing factors of a general ellipsoid.

    Parameters
    ----------
    a, b, c : float or array
        Semi-axes along x, y, z (m; only ratios matter). Arrays broadcast together.

    Returns
    -------
    (Nx, Ny, Nz) : floats or arrays of the broadcast shape
        Dimensionless, summing to 1.
    """
    a_, b_, c_ = _check_axes(("semi-axis a", "semi-axis b", "semi-axis c"), (a, b, c))
    scale = np.maximum(np.maximum(a_, b_), c_)
    a_, b_, c_ = a_ / scale, b_ / scale, c_ / scale
    pre = a_ * b_ * c_ / 3.0
    nx = pre * special.elliprd(b_ * b_, c_ * c_, a_ * a_)
    ny = pre * special.elliprd(c_ * c_, a_ * a_, b_ * b_)
    nz = pre * special.elliprd(a_ * a_, b_ * b_, c_ * c_)
    return _out(nx), _out(ny), _out(nz)


def _out(x: np.ndarray) -> Any:
    return float(x) if np.ndim(x) == 0 else x


def _quadrature_nodes() -> tuple[np.ndarray, np.ndarray]:
    """Gauss-Legendre panels on [0, s_end]: geometric near 0 (for large tau), then between the
    zeros of J1 (so each panel is smooth and single-signed)."""
    zeros = special.jn_zeros(1, 400)
    edges = np.unique(np.concatenate(([0.0], np.geomspace(1e-5, zeros[0], 40), zeros)))
    x, w = np.polynomial.legendre.leggauss(16)
    lo, hi = edges[:-1, None], edges[1:, None]
    nodes = (lo + hi) / 2.0 + (hi - lo) / 2.0 * x[None, :]
    weights = (hi - lo) / 2.0 * w[None, :]
    return nodes.ravel(), weights.ravel()


_S, _WS = _quadrature_nodes()
_J1S2 = special.j1(_S) ** 2 / _S**2  # J1(s)^2 / s^2 at the nodes
_S_END = float(_S[-1])


def _F_direct(tau: np.ndarray) -> np.ndarray:
    """F(tau) = int_0^inf J1(s)^2 / s^2 (1 - exp(-s tau)) ds by quadrature, for an array of tau > 0."""
    tau = np.asarray(tau, dtype=float)
    body = -np.expm1(-np.multiply.outer(tau, _S)) @ (_WS * _J1S2)
    # Beyond s_end, J1(s)^2 averages to 1/(pi s); int_S^inf (1 - e^{-tau s}) / (pi s^3) ds
    # = (1 - 2 E_3(tau S)) / (2 pi S^2), with E_3 the exponential integral.
    tail = (1.0 - 2.0 * special.expn(3, tau * _S_END)) / (2.0 * math.pi * _S_END**2)
    return body + tail


_LOG_TAU_MIN, _LOG_TAU_MAX = math.log(1e-4), math.log(1e4)


@lru_cache(maxsize=1)
def _F_spline() -> interpolate.CubicSpline:
    return _build_F_spline()


def _build_F_spline() -> interpolate.CubicSpline:
    # (outside the cache's decorator, which mutmut 3 would leave unmutated)
    # F is smooth in log(tau); 1601 nodes over 8 decades interpolate it to about 1e-10.
    log_tau = np.linspace(_LOG_TAU_MIN, _LOG_TAU_MAX, 1601)
    return interpolate.CubicSpline(log_tau, _F_direct(np.exp(log_tau)))


def _F(tau: np.ndarray) -> np.ndarray:
    """F(tau), from a cached spline inside [1e-4, 1e4] and by quadrature outside it."""
    tau = np.asarray(tau, dtype=float)
    log_tau = np.log(tau)
    inside = (log_tau >= _LOG_TAU_MIN) & (log_tau <= _LOG_TAU_MAX)
    out = np.empty_like(tau)
    out[inside] = _F_spline()(log_tau[inside])
    if not inside.all():
        out[~inside] = _F_direct(tau[~inside])
    return out


def elliptic_cylinder_factors(a: ArrayLike, b: ArrayLike, t: ArrayLike, n_phi: int = 48) -> tuple[Any, Any, Any]:
    """Magnetometric demagnetizing factors of an elliptic cylinder.

    Parameters
    ----------
    a, b : float or array
        Semi-axes of the elliptic cross-section along x and y (m).
    t : float or array
        Height along z (m). Arrays broadcast together.
    n_phi : int
        Gauss-Legendre nodes per quarter turn in the angular integral.

    Returns
    -------
    (Nx, Ny, Nz) : floats or arrays
        Dimensionless, summing to 1; accurate to about 1e-9.
    """
    a_, b_, t_ = _check_axes(("cylinder semi-axis a", "cylinder semi-axis b", "cylinder height t"), (a, b, t))
    scale = np.maximum(np.maximum(a_, b_), t_)
    a_, b_, t_ = (a_ / scale)[..., None], (b_ / scale)[..., None], (t_ / scale)[..., None]
    # Quarter turn by symmetry, times 4.
    x, w = np.polynomial.legendre.leggauss(n_phi)
    phi = (x + 1.0) * (math.pi / 4.0)
    w = w * math.pi
    rho = np.sqrt((a_ * np.cos(phi)) ** 2 + (b_ * np.sin(phi)) ** 2)
    F = _F(t_ / rho)
    pre = (a_ * b_ / (math.pi * t_))[..., 0]
    nz = pre * np.sum(w * F / rho, axis=-1)
    nx = pre * np.sum(w * np.cos(phi) ** 2 * (t_ / (2.0 * rho**2) - F / rho), axis=-1)
    ny = 1.0 - nx - nz
    return _out(nx), _out(ny), _out(nz)


def demag_factors(L: ArrayLike, W: ArrayLike, T: ArrayLike, shape: str = "ellipsoid") -> tuple[Any, Any, Any]:
    """Demagnetizing factors (Nx, Ny, Nz) of the free layer.

    Parameters
    ----------
    L, W, T : float or array
        Full extents along x (long in-plane), y (short in-plane) and z (height) (m).
    shape : {"ellipsoid", "elliptic_cylinder"}
        The body (see the module docstring).
    """
    L_, W_, T_ = (np.asarray(x, dtype=float) for x in (L, W, T))
    if shape == "ellipsoid":
        return ellipsoid_factors(L_ / 2.0, W_ / 2.0, T_ / 2.0)
    if shape == "elliptic_cylinder":
        return elliptic_cylinder_factors(L_ / 2.0, W_ / 2.0, T_)
    raise ParameterError("geometry.shape", shape, "'ellipsoid' or 'elliptic_cylinder'")

