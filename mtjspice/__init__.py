"""mtjspice: circuit-level co-simulation of spintronic spiking neurons.

Data flows one way, and the folders show it: parameters (:mod:`mtjspice.params`) -> physics
(:mod:`mtjspice.physics`) -> circuits as data (:mod:`mtjspice.netlist`) -> results
(:mod:`mtjspice.results`) -> simulation (:mod:`mtjspice.sim`) -> analysis (:mod:`mtjspice.analysis`)
-> orchestration (:mod:`mtjspice.circuits`) -> readers, writers and figures (:mod:`mtjspice.io`,
:mod:`mtjspice.plots`) -> experiments (:mod:`mtjspice.montecarlo`, :mod:`mtjspice.design`,
:mod:`mtjspice.network`) -> the command line (:mod:`mtjspice.cli`). All quantities are plain floats
in SI units.

The public API comes in tiers. This top level holds what a user runs: devices and their variation,
stimuli, the macrospin solvers, the neuron and the array, characterisation, the Monte Carlo, design
and network entry points, the compact model, the MTJ-model and comparator registries and the
errors. The parts they are built from are in :mod:`mtjspice.physics`, :mod:`mtjspice.netlist` and
:mod:`mtjspice.analysis`, each with its own ``__all__``. Importing this package loads neither
PySpice, matplotlib, Dask, Optuna nor numba.
"""

from ._version import __version__ as __version__
from .analysis.power import PowerSweep
from .characterize.character import DeviceCharacter, characterize
from .characterize.devicefit import DeviceFit, fit_device, onset_current
from .characterize.window import WindowMap, WindowSpec, sweep_plane
from .circuits.array import ArrayJob, ArraySettings, array_deck, run_array
from .circuits.compact import compact_params, load_compact
from .circuits.comparators import Comparator, comparator_kind, comparator_kinds, register_comparator
from .circuits.models import MtjModel, mtj_model, mtj_models, register_mtj_model, unregister_mtj_model
from .circuits.neuron import Thermal, fi_curve, neuron_deck, run_neuron
from .circuits.neuronobject import Neuron
from .circuits.power import power_sweep
from .circuits.settings import NeuronSettings, resolve
from .design.engine import SearchResult, search
from .design.neuron import DesignSpec, evaluate_design
from .design.space import SearchSpace
from .errors import (
    BreakdownWarning,
    CostError,
    CostWarning,
    InputFileError,
    MtjspiceError,
    NetlistError,
    ParameterError,
    RunTimeoutError,
    SimulationError,
    SimulatorNotFoundError,
)
from .frame import Frame
from .montecarlo.circuit import CircuitMC
from .montecarlo.circuitrun import CircuitMCResult, circuit_montecarlo
from .montecarlo.device import DeviceMC
from .montecarlo.robust import DesignPlane, YieldMap, yield_map
from .montecarlo.run import MonteCarloResult, device_montecarlo
from .netlist.compact import CompactMTJ
from .network.experiment import Study, StudyResult, run_study
from .network.train import TrainSettings
from .params import Device, device_from_dict, load_device, shipped_devices
from .physics.batch import DeviceBatch
from .physics.drive import CurrentDrive, DividerDrive
from .physics.solver import Trajectory, simulate, simulate_thermal
from .results import ArrayRun, EnergyBreakdown, NeuronRun, Raster, SpikeTrain, Waveforms
from .runoptions import RunOptions
from .stimulus import DC, PWL, Pulse, default_stimulus, pulse_train, spike_waveforms, square_pulse
from .units import parse_si
from .variation import Spread, VariationSpec

__all__ = [
    # Devices and their variation.
    "Device", "load_device", "shipped_devices", "device_from_dict", "VariationSpec", "Spread", "parse_si",
    # Input waveforms (A or V against s).
    "DC", "PWL", "Pulse", "square_pulse", "pulse_train", "spike_waveforms", "default_stimulus",
    # The macrospin solvers.
    "simulate", "simulate_thermal", "Trajectory", "DeviceBatch", "CurrentDrive", "DividerDrive",
    # The neuron and the array in ngspice.
    "Neuron", "NeuronSettings", "resolve", "Thermal", "run_neuron", "fi_curve", "neuron_deck", "NeuronRun", "SpikeTrain",
    "Waveforms", "EnergyBreakdown", "ArraySettings", "ArrayJob", "run_array", "array_deck", "ArrayRun", "Raster",
    "power_sweep",
    "PowerSweep",
    # Characterisation of a device: one explicit step, or its parts (LIF fit, onset, design window).
    "characterize", "DeviceCharacter", "fit_device", "DeviceFit", "onset_current", "WindowSpec", "sweep_plane", "WindowMap",
    # Monte Carlo, design for yield, networks.
    "RunOptions", "Frame", "device_montecarlo", "DeviceMC", "MonteCarloResult", "circuit_montecarlo", "CircuitMC",
    "CircuitMCResult", "yield_map", "DesignPlane", "YieldMap", "DesignSpec", "evaluate_design",
    "search", "SearchSpace", "SearchResult", "Study", "StudyResult", "TrainSettings", "run_study",
    # The compact MTJ model and the plug-in registries.
    "CompactMTJ", "compact_params", "load_compact", "MtjModel", "register_mtj_model", "unregister_mtj_model",
    "mtj_model", "mtj_models", "Comparator", "register_comparator", "comparator_kind", "comparator_kinds",
    # The exception hierarchy and the warnings.
    "MtjspiceError", "ParameterError", "InputFileError", "CostError", "RunTimeoutError", "SimulatorNotFoundError",
    "SimulationError", "NetlistError", "BreakdownWarning", "CostWarning",
]
