"""mtjspice: circuit-level co-simulation of spintronic spiking neurons.

Data flows one way, and the folders show it: parameters (:mod:`mtjspice.params`) -> physics
(:mod:`mtjspice.physics`) -> circuits as data (:mod:`mtjspice.netlist`) -> results
(:mod:`mtjspice.results`) -> simulation (:mod:`mtjspice.sim`) -> analysis (:mod:`mtjspice.analysis`)
-> orchestration (:mod:`mtjspice.circuits`) -> readers, writers and figures (:mod:`mtjspice.io`,
:mod:`mtjspice.plots`) -> the command line (:mod:`mtjspice.cli`). Importing this package loads
neither PySpice nor matplotlib. All quantities are plain floats in SI units.
"""

from ._version import __version__ as __version__
from .analysis.devicefit import fit_device, onset_current
from .analysis.power import PowerSweep
from .analysis.window import WindowSpec, sweep_plane
from .circuits.array import ArraySettings, array_deck, run_array
from .circuits.neuron import fi_curve, neuron_deck, run_neuron
from .circuits.power import power_sweep
from .circuits.settings import NeuronSettings, resolve
from .errors import (
    BreakdownWarning,
    InputFileError,
    MtjspiceError,
    NetlistError,
    ParameterError,
    SimulationError,
    SimulatorNotFoundError,
)
from .netlist.array import ArrayCircuit
from .netlist.neuron import NeuronCircuit
from .params import (
    Device,
    Field,
    Geometry,
    Initial,
    Junction,
    Material,
    device_from_dict,
    load_device,
    shipped_devices,
)
from .physics.batch import DeviceBatch
from .physics.demag import demag_factors, ellipsoid_factors, elliptic_cylinder_factors
from .physics.devicedemag import device_demag
from .physics.drive import CurrentDrive, DividerDrive
from .physics.llgs import conductance, effective_field, junction_resistance, llgs_rhs
from .physics.solver import Trajectory, simulate, simulate_thermal
from .results import ArrayRun, EnergyBreakdown, NeuronRun, Raster, SpikeTrain, Waveforms
from .stimulus import DC, PWL, Pulse, default_stimulus, pulse_train, spike_waveforms, square_pulse
from .units import parse_si

__all__ = [
    "ArrayCircuit",
    "ArrayRun",
    "ArraySettings",
    "EnergyBreakdown",
    "NeuronCircuit",
    "NeuronRun",
    "NeuronSettings",
    "PowerSweep",
    "Raster",
    "SpikeTrain",
    "Waveforms",
    "WindowSpec",
    "array_deck",
    "default_stimulus",
    "device_demag",
    "fi_curve",
    "fit_device",
    "junction_resistance",
    "neuron_deck",
    "onset_current",
    "power_sweep",
    "resolve",
    "run_array",
    "run_neuron",
    "spike_waveforms",
    "sweep_plane",
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
    "shipped_devices",
    "simulate",
    "simulate_thermal",
    "square_pulse",
]
