"""A device's demagnetizing factors: its free layer's geometry, tapered or not, to (Nx, Ny, Nz).

The one entry the rest of the package uses. It picks the body's formula: the straight shapes of
:mod:`mtjspice.physics.demag`, or the tapered pillar of :mod:`mtjspice.physics.taper` when the
geometry has a sidewall angle. It sits above both, so neither imports the other's caller.
"""

from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING

from .demag import demag_factors
from .taper import tapered_factors

if TYPE_CHECKING:
    from ..params import Device, Geometry

__all__ = ["device_demag"]


def device_demag(device: Device) -> tuple[float, float, float]:
    """Demagnetizing factors (Nx, Ny, Nz) of a device's free layer (dimensionless, summing to 1).

    Cached per geometry: geometries are frozen values, so equal ones share one computation.
    """
    return _geometry_demag(device.geometry)


@lru_cache(maxsize=4096)
def _geometry_demag(g: Geometry) -> tuple[float, float, float]:
    return _geometry_factors(g)


def _geometry_factors(g: Geometry) -> tuple[float, float, float]:
    # undecorated, apart from the cache above: mutmut 3 leaves decorated functions unmutated
    if g.taper != 0.0:
        return tapered_factors(g.L, g.W, g.T, g.taper)
    nx, ny, nz = demag_factors(g.L, g.W, g.T, g.shape)
    return float(nx), float(ny), float(nz)
