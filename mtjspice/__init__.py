"""mtjspice: circuit-level co-simulation of spintronic spiking neurons.

Data flows one way: parameters (:mod:`mtjspice.params`) -> physics (:mod:`mtjspice.physics`)
-> netlists (:mod:`mtjspice.netlist`) -> simulation (:mod:`mtjspice.sim`) -> analysis -> plots
and the command line. Importing this package loads neither PySpice nor matplotlib.
All quantities are plain floats in SI units.
"""

from .errors import (
    BreakdownWarning,
    InputFileError,
    MtjspiceError,
    NetlistError,
    ParameterError,
    SimulationError,
    SimulatorNotFoundError,
)
from .params import Device, Field, Geometry, Initial, Junction, Material, device_from_dict, load_device
from .physics.batch import DeviceBatch
from .physics.demag import demag_factors, ellipsoid_factors, elliptic_cylinder_factors
from .physics.drive import CurrentDrive, DividerDrive
from .physics.llgs import conductance, effective_field, llgs_rhs
from .physics.solver import Trajectory, simulate, simulate_thermal
from .stimulus import DC, PWL, Pulse, pulse_train, square_pulse
from .units import parse_si

__version__ = "0.1.0"

__all__ = [
    "DC",
    "PWL",
    "BreakdownWarning",
    "CurrentDrive",
    "Device",
    "DeviceBatch",
    "DividerDrive",
    "Field",
    "Geometry",
    "Initial",
    "InputFileError",
    "Junction",
    "Material",
    "MtjspiceError",
    "NetlistError",
    "ParameterError",
    "Pulse",
    "SimulationError",
    "SimulatorNotFoundError",
    "Trajectory",
    "conductance",
    "demag_factors",
    "device_from_dict",
    "effective_field",
    "ellipsoid_factors",
    "elliptic_cylinder_factors",
    "llgs_rhs",
    "load_device",
    "parse_si",
    "pulse_train",
    "simulate",
    "simulate_thermal",
    "square_pulse",
]
