"""Demagnetizing factors of a tapered elliptic pillar (a truncated elliptic cone).

The body: height t along z, elliptic cross-sections whose semi-axes at height z (measured from the
mid-height, -t/2 <= z <= t/2) are a(z) = a + u(z), b(z) = b + u(z), with u(z) = -z tan(theta): the
sidewall leans in by the taper angle theta (rad, from the vertical) all round, so the pillar is wider at
the bottom by t tan(theta) and the mid-height section is the nominal W x L ellipse (a = L/2, b = W/2).

Method: the magnetometric tensor N_ij = (1/V) int d^3k/(2 pi)^3 |D(k)|^2 k_i k_j / k^2 with the body cut
into n slabs of thickness h = t/n, each an elliptic cylinder at its mid-height section (in-plane Fourier
transform 2 pi a_s b_s J1(q)/q, q = k rho_s(phi)). The k_z integral is done in closed form:

    (1/2 pi) int dk_z e^{-i k_z d} (2 - 2 cos k_z h) / k_z^2 * k_z^2 / k^2
        = [2 e^{-k d} - e^{-k |d + h|} - e^{-k |d - h|}] / (2 k) =: G(k, d),

so N_zz = (1/V) sum_{s,s'} int d^2k/(2 pi)^2 D_s D_s' G(k, |z_s - z_s'|) and
N_xx = (1/V) sum int d^2k/(2 pi)^2 D_s D_s' cos^2(phi) [h delta_ss' - G]; the slab double sum is an
autocorrelation (FFT along the slabs), the k and phi integrals Gauss-Legendre. One slab reproduces the
elliptic cylinder formula of :mod:`mtjspice.physics.demag`.

The result is the exact untapered factors plus the slab estimate's change with taper,
N(theta) = N_cyl + [N_n(theta) - N_n(0)]: the quadrature's own error (mostly in its k cut-off) cancels
in the difference, and theta = 0 returns today's factors exactly. The staircase of the slabs leaves an
error proportional to h in the change; two slab counts (20 and 40) extrapolate it away (Richardson).
Measured on the 10 x 45 x 50 nm pillar at 5 degrees: the change in Nz is 0.01570 with 20/40 slabs,
0.01562 with 40/80 and 0.01563 with 80/160 (tests/physics/test_taper.py checks it against cell sums).
"""

from __future__ import annotations

import math
from functools import lru_cache
from typing import Any

import numpy as np
from scipy import special

from ..limits import check_taper
from .demag import elliptic_cylinder_factors

__all__ = ["tapered_factors", "taper_change", "check_taper"]

_SLABS = (20, 40)
_K_MAX_H = 40.0  # k cut-off times slab thickness
_PHI_NODES = 16  # Gauss-Legendre nodes per quarter turn
_PANEL_NODES = 6


def _slab_factors(a: float, b: float, t: float, theta: float, n: int, rho_max: float) -> np.ndarray:
    """(Nx, Ny, Nz) of the n-slab body by the Fourier method (see the module docstring); lengths in units of t.
    ``rho_max`` sets the k grid: the same for the tapered and the straight body, so their difference is
    the taper's alone."""
    h = t / n
    z = (np.arange(n) + 0.5) * h - t / 2
    u = -z * math.tan(theta)
    A, B = a + u, b + u
    V = float(np.sum(math.pi * A * B * h))
    x, w = np.polynomial.legendre.leggauss(_PHI_NODES)
    phi = (x + 1) * math.pi / 4
    wphi = w * math.pi
    dk = 0.5 / rho_max
    edges = np.unique(np.concatenate(([0.0], np.geomspace(1e-3 * dk, dk, 10), np.arange(dk, _K_MAX_H / h, dk))))
    gx, gw = np.polynomial.legendre.leggauss(_PANEL_NODES)
    lo, hi = edges[:-1, None], edges[1:, None]
    k = ((lo + hi) / 2 + (hi - lo) / 2 * gx).ravel()
    wk = ((hi - lo) / 2 * gw).ravel()
    d = np.arange(n) * h
    G = (2 * np.exp(-np.multiply.outer(k, d)) - np.exp(-np.multiply.outer(k, d + h))
         - np.exp(-np.multiply.outer(k, np.abs(d - h)))) / (2 * k[:, None])
    nz = nx = 0.0
    for p, wp in zip(phi, wphi, strict=True):
        rho = np.sqrt((A * math.cos(p)) ** 2 + (B * math.sin(p)) ** 2)
        q = np.multiply.outer(k, rho)
        D = 2 * math.pi * A * B * special.j1(q) / q
        F = np.fft.rfft(D, 2 * n, axis=1)
        c = np.fft.irfft(F * np.conj(F), 2 * n, axis=1)[:, :n]
        c[:, 1:] *= 2.0
        sz = np.sum(c * G, axis=1)
        nz += wp * float(np.sum(wk * k * sz))
        nx += wp * math.cos(p) ** 2 * float(np.sum(wk * k * (c[:, 0] * h - sz)))
    nx /= 4 * math.pi**2 * V
    nz /= 4 * math.pi**2 * V
    return np.array([nx, 1.0 - nx - nz, nz])


@lru_cache(maxsize=256)
def _change(a: float, b: float, t: float, theta: float) -> tuple[float, float, float]:
    return _richardson_change(a, b, t, theta)


def _richardson_change(a: float, b: float, t: float, theta: float) -> tuple[float, float, float]:
    # (outside the cache's decorator, which mutmut 3 would leave unmutated)
    n1, n2 = _SLABS
    rho = max(a, b) + t / 2 * math.tan(theta)
    d1 = _slab_factors(a, b, t, theta, n1, rho) - _slab_factors(a, b, t, 0.0, n1, rho)
    d2 = _slab_factors(a, b, t, theta, n2, rho) - _slab_factors(a, b, t, 0.0, n2, rho)
    r = (n2 * d2 - n1 * d1) / (n2 - n1)  # error proportional to 1/n removed
    return float(r[0]), float(r[1]), float(r[2])


def taper_change(L: float, W: float, T: float, theta: float) -> tuple[float, float, float]:
    """Change (dNx, dNy, dNz) of the demagnetizing factors of an L x W x T elliptic pillar (m) when its
    sidewall tapers by ``theta`` (rad), the mid-height section kept; (0, 0, 0) at theta = 0. A few
    seconds per new geometry (cached)."""
    th = check_taper(W, T, theta)
    if th == 0.0:
        return (0.0, 0.0, 0.0)
    return _change(round(L / (2 * T), 12), round(W / (2 * T), 12), 1.0, th)


def tapered_factors(L: float, W: float, T: float, theta: float) -> tuple[Any, Any, Any]:
    """(Nx, Ny, Nz) of the tapered elliptic pillar: the exact elliptic cylinder's plus :func:`taper_change`;
    exactly the cylinder's at theta = 0."""
    nx, ny, nz = (float(v) for v in elliptic_cylinder_factors(L / 2.0, W / 2.0, T))
    dx, dy, dz = taper_change(L, W, T, theta)
    return nx + dx, ny + dy, nz + dz


#: Above this many distinct tapered geometries a batch interpolates (:func:`taper_changes`).
EXACT_LIMIT = 4
_TABLE_NODES = 9


def taper_changes(L: np.ndarray, W: np.ndarray, T: np.ndarray, theta: np.ndarray) -> np.ndarray:
    """:func:`taper_change` of n pillars (arrays (n,) in m and rad), shape (3, n); zeros where theta = 0.

    Up to :data:`EXACT_LIMIT` distinct tapered geometries are computed exactly. More (a Monte Carlo
    sample) are interpolated: the change is tabulated at the median geometry on 9 tapers (a cubic
    spline in tan(theta)), and each pillar is read at the taper with the same relative offset,
    tan(theta) T / W, as its own, the quantity the change mostly depends on; its residual dependence on
    the pillar's aspect ratios is not followed (a few % of the change for a 10 % change of W).
    """
    from scipy.interpolate import CubicSpline

    L, W, T, th = (np.broadcast_to(np.asarray(x, float), np.shape(L)) for x in (L, W, T, theta))
    out = np.zeros((3, L.size))
    on = th > 0
    if not on.any():
        return out
    for i in np.nonzero(on)[0]:
        check_taper(float(W[i]), float(T[i]), float(th[i]))
    keys = {(float(L[i]), float(W[i]), float(T[i]), float(th[i])) for i in np.nonzero(on)[0]}
    if len(keys) <= EXACT_LIMIT:
        for i in np.nonzero(on)[0]:
            out[:, i] = taper_change(float(L[i]), float(W[i]), float(T[i]), float(th[i]))
        return out
    Lm, Wm, Tm = (float(np.median(x[on])) for x in (L, W, T))
    x = np.tan(th[on]) * T[on] / W[on]  # relative offset of each pillar
    tan_eff = x * Wm / Tm
    grid = np.linspace(0.0, float(tan_eff.max()) * 1.0001, _TABLE_NODES)
    lim = Wm / Tm  # tan of the closing angle at the median geometry
    grid = np.minimum(grid, 0.999 * lim)
    table = np.array([taper_change(Lm, Wm, Tm, math.atan(g)) for g in grid])
    spline = CubicSpline(grid, table, axis=0)
    out[:, on] = spline(np.minimum(tan_eff, grid[-1])).T
    return out
