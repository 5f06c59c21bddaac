"""Signed spiking networks whose neurons are the simulated MTJ neurons: tasks, training, neuron
models, inference, the ngspice slice and the study that ties them (``mtjspice network``)."""

from .circuit import CircuitRun, run_circuit
from .experiment import Study, StudyResult, neuron_models, run_study, trims
from .infer import Crossbars, NetworkRun, decide, deploy, effective, layer_inputs, run_network
from .neurons import DeviceNeuron, LIFNeuron, NeuronModel
from .rates import RateCurve, measure_curve
from .settings import Timing
from .tasks import TASKS, Saccades, Task, load_task, saccade_events
from .train import TrainSettings, Weights, rate_predict, train

__all__ = [
    "TASKS", "CircuitRun", "Crossbars", "DeviceNeuron", "LIFNeuron", "NetworkRun", "NeuronModel", "RateCurve",
    "Saccades", "Study", "StudyResult", "Task", "Timing", "TrainSettings", "Weights", "decide", "deploy",
    "effective", "layer_inputs", "load_task", "measure_curve", "neuron_models", "rate_predict", "run_circuit",
    "run_network", "run_study", "saccade_events", "train", "trims",
]
