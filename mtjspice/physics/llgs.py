"""The macrospin Landau-Lifshitz-Gilbert-Slonczewski equation as pure numpy kernels.

Conventions (SI units; every array is component-first, shape (3, n) for n devices):

    gamma' = gamma mu0 / (1 + alpha^2)                                     (m / (A s))
    H      = -Ms (Nx mx, Ny my, Nz' mz) + H_app + (2 Ku / (mu0 Ms)) (m.u) u + b_J p + H_th   (A/m)
    Nz'    = Nz - 2 Ki / (mu0 Ms^2 T)   interface anisotropy Ki (J/m^2) folded into z
    b_J    = xi a_J + xi_v2 V^2          field-like torque, xi = b_J / a_J, xi_v2 ((A/m)/V^2) its part
                                         quadratic in the junction voltage V: even in the sign of I, so
                                         it breaks the symmetry between +I and -I
    a_J    = hbar eta J / (2 e mu0 Ms T),  J = I / area                     (A/m)
    dm/dt  = -gamma' [ m x H + alpha m x (m x H) ] - gamma' a_J [ m x (m x p) - alpha m x p ]

Sign convention: a positive current I (a_J > 0) pushes m toward +p, because
-m x (m x p) = p - (m.p) m. In a circuit, positive I is the current entering the junction's
first terminal (the free-layer side).

The double cross products use m x (m x v) = m (m.v) - v (m.m), so dm/dt stays orthogonal to m
even when |m| has drifted from 1.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import ArrayLike

from ..constants import MU0
from ..errors import ParameterError

if TYPE_CHECKING:
    from ..params import Device

__all__ = ["anisotropy_factors", "llgs_rhs", "effective_field", "conductance", "junction_resistance", "tmr_at_bias",
           "energy_density"]


def anisotropy_factors(N: np.ndarray, Ms: ArrayLike, T: ArrayLike, Ki: ArrayLike) -> np.ndarray:
    """The demagnetizing factors N (3, n) with the interface anisotropy folded into z (dimensionless).

    An interface anisotropy Ki (J/m^2) on a layer of thickness T (m) is the uniaxial energy density
    Ki / T along z, whose field 2 Ki / (mu0 Ms T) mz is the field of a demagnetizing factor
    -2 Ki / (mu0 Ms^2 T) along z. Returns ``N`` itself (the same array) when every Ki is 0, so the
    devices without it compute exactly as before.

    Raises
    ------
    ParameterError
        ``material.Ki_bottom`` when Ki makes z exactly as hard or easy as the easiest in-plane axis
        (relative 1e-9): the rest direction is then not defined.
    """
    Ki = np.asarray(Ki, float)
    if not np.any(Ki != 0):
        return N
    N = np.asarray(N, float)
    out = N.copy()
    out[2] = N[2] - 2.0 * Ki / (MU0 * np.asarray(Ms, float) ** 2 * np.asarray(T, float))
    gap = out[2] - np.minimum(out[0], out[1])
    bad = (Ki != 0) & (np.abs(gap) <= 1e-9 * np.max(np.abs(N), axis=0))
    if np.any(bad):
        i = int(np.argmax(bad))
        raise ParameterError("material.Ki_bottom", float(np.broadcast_to(Ki, np.shape(bad)).flat[i]),
                             "an interface anisotropy (Ki_bottom + Ki_top) that does not make z exactly as easy as "
                             "an in-plane axis (Nz - 2 Ki / (mu0 Ms^2 T) = min(Nx, Ny): no defined rest direction)")
    return out


def effective_field(
    m: np.ndarray,
    Ms: ArrayLike,
    N: np.ndarray,
    H_app: np.ndarray | None = None,
    Ku: ArrayLike | None = None,
    u: np.ndarray | None = None,
) -> np.ndarray:
    """Effective field H (A/m), shape (3, n).

    Parameters
    ----------
    m : (3, n) array
        Unit magnetization.
    Ms : float or (n,) array
        Saturation magnetization (A/m).
    N : (3, n) or (3, 1) array
        Demagnetizing factors (Nx, Ny, Nz).
    H_app : (3, n) or (3, 1) array, optional
        Applied field (A/m).
    Ku, u : optional
        Extra uniaxial anisotropy (J/m^3) along unit vector u, shape (3, n) or (3, 1).
    """
    H = -np.asarray(Ms) * N * m
    if H_app is not None:
        H = H + H_app
    if Ku is not None and u is not None:
        H = H + (2.0 * np.asarray(Ku) / (MU0 * np.asarray(Ms))) * np.sum(m * u, axis=0) * u
    return H


def llgs_rhs(
    m: np.ndarray,
    H: np.ndarray,
    aJ: ArrayLike,
    p: np.ndarray,
    alpha: ArrayLike,
    gamma_prime: ArrayLike,
) -> np.ndarray:
    """dm/dt (1/s) of the explicit Landau-Lifshitz-Slonczewski equation, shape (3, n).

    Parameters
    ----------
    m : (3, n) array
        Magnetization (unit vectors).
    H : (3, n) array
        Effective field (A/m), from :func:`effective_field`.
    aJ : float or (n,) array
        Spin-torque field a_J (A/m); positive pushes m toward +p.
    p : (3, n) or (3, 1) array
        Pinned-layer polarization (unit vectors).
    alpha : float or (n,) array
        Gilbert damping.
    gamma_prime : float or (n,) array
        gamma mu0 / (1 + alpha^2) (m / (A s)).

    Notes
    -----
    The four torques fold into one cross product and one double cross product:
    m x H + alpha m x (m x H) + aJ m x (m x p) - alpha aJ m x p = m x B + m x (m x D),
    with B = H - alpha aJ p and D = alpha H + aJ p.
    """
    aJ = np.asarray(aJ)
    alpha = np.asarray(alpha)
    mx, my, mz = m[0], m[1], m[2]
    aJp = aJ * p
    B = H - alpha * aJp
    D = alpha * H + aJp
    Bx, By, Bz = B[0], B[1], B[2]
    Dx, Dy, Dz = D[0], D[1], D[2]
    mm = mx * mx + my * my + mz * mz
    mD = mx * Dx + my * Dy + mz * Dz
    g = -np.asarray(gamma_prime)
    out = np.empty(np.broadcast_shapes(m.shape, H.shape))
    out[0] = g * (my * Bz - mz * By + mx * mD - Dx * mm)
    out[1] = g * (mz * Bx - mx * Bz + my * mD - Dy * mm)
    out[2] = g * (mx * By - my * Bx + mz * mD - Dz * mm)
    return out


def tmr_at_bias(tmr0: ArrayLike, v: ArrayLike, v_half: ArrayLike) -> Any:
    """TMR(V) = TMR0 / (1 + (V / V_half)^2) (dimensionless); V_half = 0 means no bias dependence.

    Parameters
    ----------
    tmr0 : zero-bias TMR ratio; v : junction voltage (V); v_half : halving bias (V).
    """
    tmr0, v, v_half = np.asarray(tmr0, float), np.asarray(v, float), np.asarray(v_half, float)
    safe = np.where(v_half > 0, v_half, 1.0)
    return np.where(v_half > 0, tmr0 / (1.0 + (v / safe) ** 2), tmr0)


def conductance(mp: ArrayLike, G_P: ArrayLike, G_AP: ArrayLike) -> Any:
    """Junction conductance G = G_P (1 + m.p)/2 + G_AP (1 - m.p)/2 (S).

    Parameters
    ----------
    mp : m . p (dimensionless, -1..1); G_P, G_AP : parallel and antiparallel conductances (S).
    """
    mp = np.asarray(mp, float)
    return np.asarray(G_P) * (1.0 + mp) / 2.0 + np.asarray(G_AP) * (1.0 - mp) / 2.0


def junction_resistance(device: Device, mp: float) -> float:
    """Zero-bias resistance (Ohm) of ``device``'s junction at m.p = ``mp`` (dimensionless)."""
    return 1.0 / float(conductance(mp, 1.0 / device.R_P, 1.0 / device.R_AP))


def energy_density(m: np.ndarray, Ms: ArrayLike, N: np.ndarray, H_app: np.ndarray | None = None,
                   Ku: ArrayLike | None = None, u: np.ndarray | None = None) -> Any:
    """Magnetic energy density (J/m^3): demag mu0 Ms^2 (N.m^2)/2, Zeeman -mu0 Ms m.H, anisotropy -Ku (m.u)^2."""
    Ms = np.asarray(Ms)
    e = 0.5 * MU0 * Ms**2 * np.sum(N * m * m, axis=0)
    if H_app is not None:
        e = e - MU0 * Ms * np.sum(m * H_app, axis=0)
    if Ku is not None and u is not None:
        e = e - np.asarray(Ku) * np.sum(m * u, axis=0) ** 2
    return e
