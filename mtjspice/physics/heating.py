"""Joule heating of the junction and the temperature dependence of the magnetization, as pure
numpy kernels (SI units).

* Junction temperature: one thermal RC from the junction to the ambient,
  C_th dT/dt = P - (T - T_amb) / R_th, with P = I V the Joule power (W), R_th the thermal
  resistance (K/W) and tau = R_th C_th (s). Its step response is
  T(t) = T_amb + R_th P (1 - exp(-t / tau)).
* Bloch's law: Ms(T) = Ms(0) (1 - (T / Tc)^beta). A device's ``Ms`` is the value at its ambient
  temperature T_amb, so the ratio s(T) = Ms(T) / Ms(T_amb) = b(T) / b(T_amb) is what scales it; it
  is exactly 1 at T = T_amb and everywhere when Tc = 0 (off).
* Anisotropy energies (shape, ``field.Ku``, interface K_i) are taken to scale as Ms(T)^2, so every
  anisotropy field scales as Ms(T), as the shape anisotropy does (the Callen-Callen exponent of
  uniaxial interface anisotropy measured in CoFeB/MgO is about 2 to 2.2: Alzate et al., Appl. Phys.
  Lett. 104, 112410 (2014)).
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import ArrayLike

__all__ = ["bloch_ratio", "heating_step", "heating_rate", "MS_RATIO_FLOOR"]

#: Smallest Ms(T) / Ms(T_amb) used: a junction heated to its Curie temperature has no magnet; the
#: floor keeps the equations finite, and results there are meaningless (reports flag Tj >= Tc).
MS_RATIO_FLOOR = 1e-3


def bloch_ratio(temperature: ArrayLike, ambient: ArrayLike, curie: ArrayLike, exponent: ArrayLike = 1.5) -> Any:
    """Ms(T) / Ms(T_amb) by Bloch's law (dimensionless); 1 where ``curie`` is 0 (off).

    Parameters
    ----------
    temperature : junction temperature T (K); ambient : T_amb (K); curie : Tc (K, 0 = off);
    exponent : beta (dimensionless, 3/2 for spin waves). Scalars or arrays that broadcast.
    """
    T, T0, Tc, beta = (np.asarray(x, float) for x in (temperature, ambient, curie, exponent))
    on = Tc > 0
    safe_tc = np.where(on, Tc, 1.0)
    b = 1.0 - np.clip(T / safe_tc, 0.0, 1.0) ** beta
    b0 = 1.0 - np.clip(T0 / safe_tc, 0.0, 1.0) ** beta
    return np.where(on, np.maximum(b / np.where(b0 > 0, b0, 1.0), MS_RATIO_FLOOR), 1.0)


def heating_step(t: ArrayLike, power: ArrayLike, r_th: ArrayLike, tau: ArrayLike) -> Any:
    """Temperature rise (K) at time t (s) after a constant power ``power`` (W) starts, from the
    ambient: R_th P (1 - exp(-t / tau)), R_th in K/W, tau in s."""
    t, P, R, tau = (np.asarray(x, float) for x in (t, power, r_th, tau))
    return R * P * -np.expm1(-t / tau)


def heating_rate(rise: ArrayLike, power: ArrayLike, r_th: ArrayLike, tau: ArrayLike) -> Any:
    """d(rise)/dt (K/s) of the thermal RC: (R_th P - rise) / tau; 0 where R_th is 0 (off)."""
    dT, P, R, tau = (np.asarray(x, float) for x in (rise, power, r_th, tau))
    on = R > 0
    return np.where(on, (R * P - dT) / np.where(on, tau, 1.0), 0.0)
