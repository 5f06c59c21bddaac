"""The whole study of one device on one task: train with the ideal signed LIF, then run the same
weights and inputs with every neuron model, and (optionally) the network in ngspice.

Neuron models (:func:`neuron_models`):

* ``ideal`` -- the signed LIF the network is designed for: the fitted time constant and gain, the
  circuit's threshold (``u_th``) and refractory time (the one-shot's width at half height), and no
  input gate;
* ``fitted`` -- the paper's step: the LIF that ``mtjspice fit`` fits to the device, or the one read
  from a ``lif_params.json``, with the device's firing threshold under the clocked read as its gate
  ``i_th`` (:func:`gate`; the fit's own i_th is the onset from rest, which the circuit does not see);
* ``device`` -- the macrospin devices with the circuit's logic made ideal, at 0 K;
* ``device_T`` -- the same with Brown's thermal field at ``temperature``;
* ``variation`` / ``variation_trim`` -- every neuron its own device sampled from a
  :class:`~mtjspice.variation.VariationSpec` (0 K), without and with the per-neuron input-gain
  trim k_j = f(device j) / f(nominal), f the firing threshold under the circuit's clocked read
  (:func:`trims`; before #26 the onset :func:`~mtjspice.characterize.onset.onset_current`);
  the readout thresholds stay the nominal circuit's (shared rails);
* ``variation_trim_readout`` -- the gain trim and, besides, each neuron's readout thresholds set
  from its own junction, t2(+-u_th) = v_read r_ref / (r_ref + R_j(+-u_th)) (a per-neuron
  threshold calibration; without it a junction whose resistance is a few % off the nominal one
  reads as permanently beyond a threshold);
* ``device_tuned`` -- the nominal device network after fine-tuning the weights with the device's
  own measured rate curve in the training (device model in the loop).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field, replace

import numpy as np

from ..analysis.lif import LIFParams
from ..characterize.devicefit import fit_device
from ..circuits.neuronobject import Neuron
from ..errors import ParameterError
from ..frame import Frame
from ..montecarlo.firing import firing_thresholds
from ..montecarlo.trim import gain_trim
from ..params import Device
from ..physics.llgs import junction_resistance
from ..runoptions import RunOptions
from ..variation import VariationSpec
from .accuracy import accuracy_frame
from .circuit import CircuitRun, run_circuit
from .infer import Crossbars, NetworkRun, deploy, run_network
from .neurons import DeviceNeuron, LIFNeuron, NeuronModel, refractory_time
from .rates import RateCurve, measure_curve
from .settings import Timing
from .tasks import Task, load_task
from .train import TrainSettings, Weights, rate_predict, train

__all__ = ["Study", "StudyResult", "neuron_models", "gate", "trims", "run_study"]

Progress = Callable[[str, int, int], None]


def trims(neuron: Neuron, devices: list[Device],
          progress: Callable[[int, int], None] | None = None) -> np.ndarray:
    """Per-neuron input gains k_j = f(device j) / f(nominal) (dimensionless), f the firing threshold
    (the mean of both signs') under the nominal ``neuron``'s circuit and its clocked read, the circuit's
    threshold (:mod:`mtjspice.montecarlo.firing`): the input times k_j fires device j where the nominal
    input fires the nominal device (:func:`mtjspice.montecarlo.trim.gain_trim`); 1 for a device that
    does not fire both signs below 3 times the nominal onset."""
    device, settings, character, i_th = neuron.device, neuron.settings, neuron.character, neuron.i_th
    nominal, _ = firing_thresholds(device, [], settings, i_th, character=character)
    each = []
    for j, d in enumerate(devices):
        each.append(firing_thresholds(device, [d], settings, i_th, nominal_threshold=nominal, character=character)[1][0])
        if progress is not None:
            progress(j + 1, len(devices))
    k = gain_trim(np.array(each), nominal)
    return np.where(np.isfinite(k), k, 1.0)  # no firing below 3 i_th: no gain reaches it, left untrimmed


def gate(neuron: Neuron) -> float:
    """The fitted LIF's gate (A): the neuron's device's firing threshold, the mean of both signs', under
    its circuit's clocked read (:func:`mtjspice.montecarlo.firing.firing_thresholds`); its onset when
    it does not fire both signs below 3 times the onset."""
    i_th = neuron.i_th
    f, _ = firing_thresholds(neuron.device, [], neuron.settings, i_th, character=neuron.character)
    return f if math.isfinite(f) else i_th


@dataclass(frozen=True)
class Study:
    """What to run (SI units).

    Attributes
    ----------
    task : {"digits", "events"}
    seed : int
        Seed of the split, the training, the noise and the variation samples.
    images : int or None
        Test images to run (the first ones of the seeded test split); None: all.
    temperature : float
        Temperature of the thermal device model (K); 0 skips it.
    sigma : str
        Variation spec (``"L=1n,W=1n,T=0.5n,Ms=3%"``); empty skips the variation models.
    circuit_images : int
        Test images to run in ngspice (0: none).
    fine_tune : bool
        Whether to fine-tune with the device's rate curve.
    timing : Timing
    training : TrainSettings
    lif : LIFParams or None
        The fitted device LIF (from ``mtjspice fit``); None fits it here.

    The neuron (device, circuit, the ngspice arrays' junction model) is :func:`run_study`'s ``neuron``.
    """

    task: str = "digits"
    seed: int = 0
    images: int | None = 60
    temperature: float = 300.0
    sigma: str = "L=1n,W=1n,T=0.5n,Ms=3%"
    circuit_images: int = 2
    fine_tune: bool = True
    timing: Timing = field(default_factory=Timing)
    training: TrainSettings = field(default_factory=TrainSettings)
    lif: LIFParams | None = None

    def __post_init__(self) -> None:
        if self.training.per_class != 1:  # its report, rasters and ngspice agreement count one output per class
            raise ParameterError("training.per_class", self.training.per_class, "1 in a network study (its report, "
                                 "rasters and ngspice agreement have one output neuron per class; populations of "
                                 "output neurons are mtjspice verify's --per-class)")


@dataclass(frozen=True)
class StudyResult:
    """Everything a study produced (see :class:`Study`). :meth:`to_frame` gives the accuracy table.

    Attributes
    ----------
    study : Study
        What was run.
    neuron : Neuron
        The nominal neuron it was run with (device, settings, circuit).
    task : Task
        The data set and its seeded split.
    fitted, ideal : LIFParams
        The device's fitted LIF (SI units: s, Ohm, 1/V, A) and the ideal LIF (no gate).
    curves : dict of str to RateCurve
        Firing rate (Hz) against input current (A) of the ideal LIF and the device neuron.
    weights : Weights
        The trained weights (before deployment).
    bars : Crossbars
        The deployed crossbars' conductances (S).
    rate_accuracy : float
        Accuracy (0 to 1) of the rate model the training optimises, on the test split.
    runs : list of NetworkRun
        One run per neuron model (accuracy 0 to 1, spike counts, wall time in s, junction voltage in V).
    circuit : CircuitRun or None
        The ngspice network on the first test images (None when not run).
    tuned_weights : Weights or None
        The weights fine-tuned with the device's rate curve (None when not fine-tuned).
    i_breakdown : float
        The smallest DC current (A) at which the device neuron's junction passes its breakdown voltage
        within the window.
    """

    study: Study
    neuron: Neuron
    task: Task
    fitted: LIFParams
    ideal: LIFParams
    curves: dict[str, RateCurve]
    weights: Weights
    bars: Crossbars
    rate_accuracy: float
    runs: list[NetworkRun]
    circuit: CircuitRun | None
    tuned_weights: Weights | None
    i_breakdown: float = float("inf")

    def to_frame(self) -> Frame:
        """The accuracy of every neuron model (and the ngspice run), one row each, as ``accuracy.csv``
        holds it (:data:`mtjspice.network.accuracy.ACCURACY_COLUMNS`: percentages in %, times in s, V)."""
        return accuracy_frame(self)


def neuron_models(neuron: Neuron, fitted: LIFParams, study: Study) -> tuple[LIFParams, dict[str, NeuronModel]]:
    """The ideal LIF's parameters and the base models (ideal, fitted, device; module docstring) of
    ``neuron`` (its device and circuit; :meth:`Neuron.build <mtjspice.circuits.neuronobject.Neuron.build>`). The
    fitted LIF's gate is the device's firing threshold under the circuit's clocked read (the mean of
    both signs', :func:`gate`), not the fit's onset: the LIF has no clock, so with the onset as its gate
    it would fire from about 1.2 x the onset where the device fires from about 1.45 x."""
    Neuron.given(neuron)
    c = neuron.circuit
    fit = replace(fitted, u_th=neuron.settings.u_th, t_ref=refractory_time(c), u_reset=0.0, i_th=gate(neuron))
    ideal = replace(fit, i_th=0.0)
    base = DeviceNeuron.of("device", neuron, seed=study.seed)
    return ideal, {"ideal": LIFNeuron("ideal", ideal), "fitted": LIFNeuron("fitted", fit), "device": base}


def run_study(neuron: Neuron, study: Study, options: RunOptions | None = None,
              progress: Progress | None = None) -> StudyResult:
    """Run a study (module docstring) of ``neuron``: its device is every device model's nominal device,
    its circuit the readout's, its settings' ``mtj`` (and ``compact``) the junction model of the ngspice
    arrays.

    Parameters
    ----------
    neuron : Neuron
        The nominal neuron (:meth:`Neuron.build <mtjspice.circuits.neuronobject.Neuron.build>`).
    study : Study
        What to run; ``study.seed`` seeds every draw (the split, the training, the noise, the variation
        samples: they define the experiment, so the seed stays with it).
    options : RunOptions, optional
        ``workers``: parallel ngspice processes of the network's arrays (None: the number of CPUs).
        The other fields are not used (the seed is ``study.seed``).
    progress : callable, optional
        ``progress(stage, done, total)`` reports each named stage (fit, train, trim, each model, ngspice).
        It stays an argument of its own: :class:`~mtjspice.runoptions.RunOptions`' ``progress(n)`` counts
        the units of one homogeneous run, while a study's stages each have their own unit and total.
    """
    Neuron.given(neuron)
    if not isinstance(study, Study):
        raise ParameterError("study", type(study).__name__, "a Study")
    opt = RunOptions.given(options)
    device = neuron.device

    def stage(name: str) -> Callable[[int, int], None] | None:
        return None if progress is None else (lambda d, t: progress(name, d, t))

    tm = study.timing
    task = load_task(study.task, study.seed, tm)
    if study.lif is not None:
        fitted = study.lif
    else:
        if progress:
            progress("fit", 0, 1)
        fitted = fit_device(device, hysteresis=False, seed=study.seed).params
        if progress:
            progress("fit", 1, 1)
    ideal, models = neuron_models(neuron, fitted, study)
    base: DeviceNeuron = models["device"]  # type: ignore[assignment]
    curves = {"ideal": measure_curve(models["ideal"], tm), "device": measure_curve(base, tm)}
    i_bd = curves["device"].breakdown_current(device.junction.breakdown_voltage)
    w = train(task, curves["ideal"], tm, study.training, seed=study.seed, progress=stage("train"))
    rate_acc = float(np.mean(rate_predict(task.x_test, w, curves["ideal"], tm, task.segments).argmax(1)
                             == task.y_test))
    bars = deploy(w)
    n = task.y_test.size if study.images is None else min(study.images, task.y_test.size)
    index = np.arange(n)
    plan: list[tuple[str, NeuronModel, Crossbars]] = [(k, v, bars) for k, v in models.items()]
    if study.temperature > 0:
        plan.append((f"device_{study.temperature:g}K", replace(base, name=f"device_{study.temperature:g}K",
                                                              temperature=study.temperature), bars))
    if study.sigma.strip():
        spec = VariationSpec.parse(study.sigma)
        h, m = bars.hidden.shape[1], bars.output.shape[1]
        devs = spec.devices(device, study.seed, range(h + m))
        layers = {"hidden": devs[:h], "output": devs[h:]}
        plan.append(("variation", replace(base, name="variation", devices=layers), bars))
        k = trims(neuron, devs, progress=stage("trim (firing threshold of each device)"))
        gains = {"hidden": k[:h], "output": k[h:]}
        plan.append(("variation_trim", replace(base, name="variation_trim", devices=layers, trims=gains), bars))
        c = base.circuit
        th = np.array([[c.v_read * c.r_ref / (c.r_ref + junction_resistance(d, u)) for u in (ideal.u_th, -ideal.u_th)]
                       for d in devs])
        plan.append(("variation_trim_readout", replace(base, name="variation_trim_readout", devices=layers,
                                                       trims=gains, thresholds={"hidden": th[:h], "output": th[h:]}),
                     bars))
    tuned = None
    if study.fine_tune:
        tuned = train(task, curves["device"], tm, replace(study.training, epochs=max(1, study.training.epochs // 2)),
                      seed=study.seed, init=w, progress=stage("fine-tune"))
        plan.append(("device_tuned", replace(base, name="device_tuned"), deploy(tuned)))
    runs = [run_network(task, b, mdl, tm, index, progress=stage(name)) for name, mdl, b in plan]
    circ = None
    if study.circuit_images > 0:
        ci = np.arange(min(study.circuit_images, task.y_test.size))
        circ = run_circuit(neuron, task, bars, tm, ci, base, options=RunOptions(workers=opt.workers),
                           progress=stage("ngspice"))
    return StudyResult(study=study, neuron=neuron, task=task, fitted=fitted, ideal=ideal, curves=curves, weights=w, bars=bars,
                       rate_accuracy=rate_acc, runs=runs, circuit=circ, tuned_weights=tuned, i_breakdown=i_bd)


def drop(runs: list[NetworkRun], name: str) -> float:
    """Accuracy of run ``name`` minus the ideal's (percentage points; nan if absent)."""
    acc = {r.model: r.accuracy for r in runs}
    return 100 * (acc[name] - acc["ideal"]) if name in acc and "ideal" in acc else math.nan
