"""Reading what was simulated: pure numpy on results, never a solver run.

Spikes and their statistics (:mod:`.spikes`, :mod:`.trials`, :mod:`.stats`), energy by part
(:mod:`.energy`, :mod:`.power`), an array's drive levels (:mod:`.levels`), the signed LIF model and
its fit to membrane traces (:mod:`.lif`, :mod:`.liffit`). What runs the macrospin solver to
characterise a device is the layer above, :mod:`mtjspice.characterize`.
"""

from .energy import neuron_energy
from .lif import LIFParams, Spikes, lif_response, load_params, save_params, simulate_lif, spike_agreement
from .liffit import LIFFit, fit_lif
from .power import PowerSweep, fit_model, model_energy
from .spikes import detect_spikes, firing_rate, spike_summary, spike_widths
from .stats import wilson_interval
from .trials import TrialStats, trial_stats

#: The parts: spike detection and statistics, energy, the signed LIF and its fit, the power model.
__all__ = [
    "detect_spikes", "spike_widths", "firing_rate", "spike_summary", "trial_stats", "TrialStats", "wilson_interval",
    "neuron_energy", "PowerSweep", "fit_model", "model_energy", "LIFParams", "Spikes", "lif_response", "simulate_lif",
    "spike_agreement", "load_params", "save_params", "LIFFit", "fit_lif",
]
