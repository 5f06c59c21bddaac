"""The macrospin physics in numpy: demagnetizing factors (tapered pillars too), the LLGS right-hand
side and its fields, the rest state, drives, Joule heating, and the batched deterministic and thermal
(stochastic Heun) integrators with their cost guards. Depends only on the parameters below it."""

from .batch import DeviceBatch
from .demag import demag_factors, ellipsoid_factors, elliptic_cylinder_factors
from .devicedemag import device_demag
from .drive import CurrentDrive, DividerDrive, Drive
from .heating import bloch_ratio, heating_rate
from .llgs import anisotropy_factors, conductance, effective_field, energy_density, junction_resistance, llgs_rhs, tmr_at_bias
from .oersted import OerstedCheck, oersted_check, oersted_field
from .rest import device_rest, rest_direction
from .solver import Trajectory, simulate, simulate_thermal
from .stepper import brown_density
from .taper import tapered_factors

#: The parts: solvers and their inputs, demagnetizing factors, the LLGS kernels, the rest state,
#: Joule heating, thermal noise and the Oersted field (each function states its units).
__all__ = [
    "simulate", "simulate_thermal", "Trajectory", "DeviceBatch", "Drive", "CurrentDrive", "DividerDrive",
    "demag_factors", "ellipsoid_factors", "elliptic_cylinder_factors", "tapered_factors", "device_demag",
    "llgs_rhs", "effective_field", "conductance", "junction_resistance", "tmr_at_bias", "anisotropy_factors",
    "energy_density", "device_rest", "rest_direction", "bloch_ratio", "heating_rate", "brown_density",
    "oersted_field", "oersted_check", "OerstedCheck",
]
