"""The standard test of the dimension design window (:mod:`mtjspice.characterize.window`): its
stimulus and criteria (:class:`WindowSpec`) and the classification of a sampled u(t)
(:func:`classify`)."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

import numpy as np

from ..errors import ParameterError

__all__ = ["AXES", "REGIMES", "WindowSpec", "classify"]

#: Regime names, indexed by code (-1 marks an invalid geometry, W > L).
REGIMES: tuple[str, ...] = ("under", "lif", "over")
Axis = Literal["W", "L", "T"]
AXES: tuple[str, ...] = ("W", "L", "T")


@dataclass(frozen=True)
class WindowSpec:
    """The standard stimulus and criteria (SI units).

    Attributes
    ----------
    J : float
        Pulse current density (A/m^2); the current is J pi W L / 4.
    t_on : float
        Pulse length (s), from t = 0.
    t_stop : float
        End of the run (s).
    u_th : float
        Threshold on u (dimensionless) to be reached during the pulse.
    t_relax : float
        Time after the pulse (s) by which |u| must stay below ``u_relax``.
    u_relax : float
        Relaxation bound on |u| (dimensionless).
    dt : float
        Sampling interval (s).
    rtol : float
        Relative tolerance of the solver.
    """

    J: float = 1.7e12
    t_on: float = 10e-9
    t_stop: float = 20e-9
    u_th: float = 0.3
    t_relax: float = 5e-9
    u_relax: float = 0.1
    dt: float = 50e-12
    rtol: float = 1e-6

    def __post_init__(self) -> None:
        for name, unit in (("J", "A/m^2"), ("t_on", "s"), ("t_stop", "s"), ("u_th", "-"), ("t_relax", "s"),
                           ("u_relax", "-"), ("dt", "s"), ("rtol", "-")):
            v = getattr(self, name)
            if not (isinstance(v, (int, float)) and math.isfinite(v) and v > 0):
                raise ParameterError(name, v, f"a finite number > 0 ({unit})")
        if self.t_on + self.t_relax >= self.t_stop:
            raise ParameterError("t_stop", self.t_stop, f"a time > t_on + t_relax = {self.t_on + self.t_relax!r} s")
        if self.dt > self.t_relax:
            raise ParameterError("dt", self.dt, f"a sampling interval <= t_relax = {self.t_relax!r} s")


def classify(t: np.ndarray, u: np.ndarray, spec: WindowSpec) -> np.ndarray:
    """Regime codes (0 under, 1 lif, 2 over) from sampled u(t), shape (k,) and (k, n)."""
    during = (t > 0) & (t <= spec.t_on)
    after = t >= spec.t_on + spec.t_relax - 1e-15
    reached = np.max(u[during], axis=0) >= spec.u_th
    relaxed = np.max(np.abs(u[after]), axis=0) < spec.u_relax
    return np.where(~relaxed, 2, np.where(reached, 1, 0)).astype(int)
