"""Reading what was simulated, and the device-level characterisation built on the solver.

Pure numpy on results: spikes and their statistics (:mod:`.spikes`, :mod:`.trials`,
:mod:`.stats`), energy by part (:mod:`.energy`, :mod:`.power`), an array's drive levels
(:mod:`.levels`), the signed LIF model and its fit to membrane traces (:mod:`.lif`, :mod:`.liffit`).
Runs the macrospin solver (layer below): the onset current and its hysteresis (:mod:`.onset`), the
device's LIF fit and its own spike trains (:mod:`.devicefit`, :mod:`.devicespikes`), the dimension
design window (:mod:`.window`, :mod:`.windowspec`) and the design comparison (:mod:`.compare`).
"""

from .compare import Comparison, compare_designs
from .devicefit import DeviceFit, device_spikes, fit_device
from .energy import neuron_energy
from .lif import LIFParams, Spikes, lif_response, load_params, save_params, simulate_lif, spike_agreement
from .liffit import LIFFit, fit_lif
from .onset import OnsetHysteresis, onset_current, onset_hysteresis
from .power import PowerSweep, fit_model, model_energy
from .spikes import detect_spikes, firing_rate, spike_summary, spike_widths
from .stats import wilson_interval
from .trials import TrialStats, trial_stats
from .window import WindowMap, WindowSpec, sweep_plane

#: The parts: spike detection and statistics, energy, the signed LIF and its fits, the onset, the
#: design window and comparison, the power model.
__all__ = [
    "detect_spikes", "spike_widths", "firing_rate", "spike_summary", "trial_stats", "TrialStats", "wilson_interval",
    "neuron_energy", "PowerSweep", "fit_model", "model_energy", "LIFParams", "Spikes", "lif_response", "simulate_lif",
    "spike_agreement", "load_params", "save_params", "LIFFit", "fit_lif", "DeviceFit", "fit_device", "device_spikes",
    "onset_current", "onset_hysteresis", "OnsetHysteresis", "WindowSpec", "WindowMap", "sweep_plane", "Comparison",
    "compare_designs",
]
