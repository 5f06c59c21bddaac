"""Signed spiking networks whose neurons are the simulated MTJ neurons: tasks, training, neuron
models, inference, the ngspice slice and the study that ties them (``mtjspice network``)."""

from .circuit import CircuitRun, row_sources, run_circuit
from .experiment import Study, StudyResult, neuron_models, run_study, trims
from .infer import Crossbars, NetworkRun, decide, deploy, effective, layer_inputs, run_network
from .neurons import DeviceNeuron, DeviceRun, LIFNeuron, NeuronModel, refractory_time
from .rates import RateCurve, measure_curve
from .settings import Timing
from .tasks import EVENT_SEGMENTS, TASKS, Saccades, Task, event_features, event_spikes, load_task, saccade_events
from .train import TrainSettings, Weights, rate_predict, train

__all__ = [
    "EVENT_SEGMENTS", "TASKS", "CircuitRun", "Crossbars", "DeviceNeuron", "DeviceRun", "LIFNeuron", "NetworkRun",
    "NeuronModel", "RateCurve", "Saccades", "Study", "StudyResult", "Task", "Timing", "TrainSettings", "Weights",
    "decide", "deploy", "effective", "event_features", "event_spikes", "layer_inputs", "load_task", "measure_curve",
    "neuron_models", "rate_predict", "refractory_time", "row_sources", "run_circuit", "run_network", "run_study",
    "saccade_events", "train", "trims",
]
