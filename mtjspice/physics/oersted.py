"""The Oersted field of the junction current inside the free layer, and why a macrospin does not feel it.

A current I flowing uniformly along z through an elliptic pillar (semi-axes a along x, b along y)
makes, inside, the field of Ampere's law for an elliptic conductor (current density J = I / (pi a b)):

    H_x = -J a y / (a + b),   H_y = J b x / (a + b)   (A/m),

which has curl J along z and no divergence, and whose magnitude on the rim is the same at every point,
J a b / (a + b) = I / (pi (a + b)): the peak field. It is linear in x and y, so its volume average over a
centred cross-section is exactly zero: a uniformly magnetized (macrospin) layer feels no Oersted field at
all, whatever the current. A real layer does: the rim's field twists the magnetization. Where that peak
field exceeds the easy-axis margin Ms (Nx - Nz') (the field scale that holds m along z against a
perturbation along x, :func:`easy_axis_margin`), the uniform picture is questionable, and
:func:`oersted_check` says so.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import ArrayLike

from .devicedemag import device_demag
from .llgs import anisotropy_factors

if TYPE_CHECKING:
    from ..params import Device

__all__ = ["oersted_field", "oersted_peak", "oersted_average", "easy_axis_margin", "OerstedCheck", "oersted_check"]


def oersted_field(x: ArrayLike, y: ArrayLike, current: float, a: float, b: float) -> tuple[Any, Any]:
    """(H_x, H_y) (A/m) at (x, y) (m) inside an elliptic pillar (semi-axes a, b in m) carrying ``current`` (A)
    uniformly along +z."""
    J = current / (math.pi * a * b)
    x, y = np.asarray(x, float), np.asarray(y, float)
    return -J * a * y / (a + b), J * b * x / (a + b)


def oersted_peak(current: float, a: float, b: float) -> float:
    """Largest Oersted field in the pillar (A/m): |I| / (pi (a + b)), reached all along the rim."""
    return abs(current) / (math.pi * (a + b))


def oersted_average(current: float, a: float, b: float) -> tuple[float, float]:
    """Volume average of (H_x, H_y) (A/m) for a centred uniform current: exactly zero (the field is odd in x
    and in y)."""
    return (0.0, 0.0)


def easy_axis_margin(device: Device) -> float:
    """Ms (min(Nx, Ny) - Nz') (A/m), Nz' with the interface anisotropy folded in: the field scale of the
    easy axis's stiffness against the softer in-plane axis (negative when z is not the easy axis)."""
    mat = device.material
    N = anisotropy_factors(np.asarray(device_demag(device), float)[:, None], mat.Ms, device.geometry.T, mat.Ki)
    return float(mat.Ms * (min(N[0, 0], N[1, 0]) - N[2, 0]))


@dataclass(frozen=True)
class OerstedCheck:
    """The Oersted field of one current against the easy-axis margin.

    Attributes
    ----------
    current : float
        Junction current (A).
    peak : float
        Peak Oersted field, at the rim (A/m).
    average : float
        Magnitude of its volume average (A/m): 0 for a centred uniform current.
    margin : float
        Easy-axis margin Ms (Nx - Nz') (A/m).
    """

    current: float
    peak: float
    average: float
    margin: float

    @property
    def ratio(self) -> float:
        """peak / margin (dimensionless); inf when the margin is not positive."""
        return self.peak / self.margin if self.margin > 0 else math.inf

    @property
    def valid(self) -> bool:
        """True when the rim's field stays below the margin (the uniform, macrospin picture holds)."""
        return self.ratio < 1.0

    def describe(self) -> str:
        """One line for reports."""
        verdict = "below" if self.valid else "ABOVE"
        return (f"Oersted field at {self.current * 1e3:.3g} mA: volume average {self.average:.3g} A/m (a macrospin "
                f"feels none); peak at the rim {self.peak / 1e3:.3g} kA/m, {self.ratio:.3g} x the easy-axis margin "
                f"Ms (Nx - Nz') = {self.margin / 1e3:.3g} kA/m: {verdict} it"
                + ("" if self.valid else " -- the rim twists the layer; the macrospin result is questionable"))


def oersted_check(device: Device, current: float) -> OerstedCheck:
    """The Oersted field of ``current`` (A) in ``device``'s free layer against its easy-axis margin."""
    g = device.geometry
    a, b = g.L / 2.0, g.W / 2.0
    avg = float(np.hypot(*oersted_average(current, a, b)))
    return OerstedCheck(float(current), oersted_peak(current, a, b), avg, easy_axis_margin(device))
