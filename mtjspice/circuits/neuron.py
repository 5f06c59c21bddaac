"""The signed LIF neuron circuit: the device and settings -> subcircuits -> deck -> ngspice run ->
spikes and energy by part. See :mod:`mtjspice.circuits.settings` for the defaults and
:mod:`mtjspice.netlist.neuron` for the circuit itself."""

from __future__ import annotations

import math
import os
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, fields, replace
from typing import Any

import numpy as np

from ..analysis.energy import neuron_energy
from ..analysis.spikes import detect_spikes, firing_rate
from ..errors import ParameterError
from ..netlist.circuit import Comment, Subckt
from ..netlist.compact import CompactMTJ, ou_file_text, ou_samples
from ..netlist.deck import Analysis, Deck
from ..netlist.mtj import OPTION_PRESETS
from ..netlist.neuron import NeuronBlock, NeuronCircuit, NeuronProbes, clock_sources, neuron_subckt
from ..netlist.noise import THERMAL_OPTIONS, check_seed, check_temperature, draw_noise, noise_file_text
from ..netlist.sources import isource
from ..params import Device
from ..results import NeuronRun, Waveforms
from ..runoptions import RunOptions
from ..sim import map_parallel, run_deck
from ..stimulus import DC, Waveform
from .breakdown import warn_breakdown
from .comparators import comparator_kind
from .cost import check_cost, neuron_cost
from .models import MtjNoise, mtj_model
from .neuronobject import Neuron, character_for
from .settings import NeuronSettings, device_onset, resolve

__all__ = ["neuron_block", "neuron_deck", "compact_model", "cost_step", "run_neuron",
           "neuron_trials", "fi_curve", "fi_curve_thermal",
           "fi_currents", "check_breakdown", "idle_power", "Thermal", "NOISE_FILE", "noise_file"]


def _comparator(circuit: NeuronCircuit, settings: NeuronSettings) -> Subckt:
    """The comparator subcircuit of the resolved flavour (:mod:`mtjspice.circuits.comparators`)."""
    return comparator_kind(circuit.comparator).subckt(settings, circuit.vdd)


#: Vectors a neuron deck writes per neuron (one per probe), for the cost estimates.
NEURON_VECTORS = len(fields(NeuronProbes))
#: The thermal-noise sample file of a lone neuron's MTJ (beside its netlist).
NOISE_FILE = "noise_mtj.txt"


@dataclass(frozen=True)
class Thermal:
    """A neuron's MTJ at temperature: Brown's field from seeded samples (:mod:`mtjspice.netlist.noise`).

    Attributes
    ----------
    temperature : float
        Temperature (K), > 0.
    seed : int
        Seed of the noise samples (>= 0).
    interval : float
        Noise sample interval = the deck's maximum step (s).
    variance, tau : float
        With the compact MTJ: the variance (-) and autocorrelation time (s) of its membrane noise
        (:func:`mtjspice.circuits.compact.fit_noise`); 0 with the macrospin MTJ (its model's
        :meth:`~mtjspice.circuits.models.MtjModel.noise`).
    """

    temperature: float
    seed: int
    interval: float
    variance: float = 0.0
    tau: float = 0.0

    @staticmethod
    def make(device: Device, settings: NeuronSettings, temperature: float | None, seed: int = 0) -> Thermal | None:
        """The thermal field at ``temperature`` (K; None or 0: none) with ``seed``; with the compact
        MTJ, the membrane noise fitted to the device's thermal m.p at rest."""
        t = 0.0 if temperature is None else check_temperature(temperature)
        check_seed(seed)
        if t == 0.0:
            return None
        return Thermal(t, int(seed), *mtj_model(settings.mtj).noise(device, settings, t))

    def mtj_noise(self, tag: str = "") -> MtjNoise:
        """The noise of the MTJ tagged ``tag``, reading :func:`noise_file` ``(tag)``."""
        return MtjNoise(self.temperature, noise_file(tag), self.interval, self.variance, self.tau)

    def attachments(self, t_stop: float, tag: str = "") -> dict[str, str]:
        """The sample file the deck reads, for a run of ``t_stop`` (s). ``tag`` (an array's neuron
        index) names the file ``noise_mtj<tag>.txt`` and draws its own stream, from the seed
        sequence (seed, tag): independent of every other neuron's, the same in any split of the array."""
        stream = int(tag) if tag else None
        if self.tau > 0:
            return {noise_file(tag): ou_file_text(ou_samples(self.seed, t_stop, self.interval, self.tau, stream),
                                                  self.interval)}
        z = draw_noise(self.seed, t_stop, self.interval, stream=stream)[:, :, 0]
        return {noise_file(tag): noise_file_text(z, self.interval)}


def noise_file(tag: str = "") -> str:
    """The noise sample file of the neuron tagged ``tag`` (a lone neuron: :data:`NOISE_FILE`)."""
    return f"noise_mtj{tag}.txt"


def compact_model(device: Device, settings: NeuronSettings, compact: CompactMTJ | None = None) -> CompactMTJ:
    """The compact MTJ's parameters: ``compact``, else ``settings.compact``, else the device's cached fit."""
    return mtj_model("compact").params(device, settings, compact)  # type: ignore[no-any-return]


def neuron_block(device: Device, circuit: NeuronCircuit, settings: NeuronSettings,
                 shared_rails: bool = True, thermal: Thermal | None = None, tag: str = "",
                 compact: Any = None) -> NeuronBlock:
    """The neuron subcircuit (MTJ, comparators, readout, reset) and its probes; ``shared_rails``
    as in :func:`mtjspice.netlist.neuron.neuron_subckt`; ``thermal``: the MTJ's thermal field;
    ``tag`` (digits) names a neuron of its own, ``lifn<tag>`` with ``mtj<tag>`` reading
    ``noise_mtj<tag>.txt`` (an array at temperature: one noise stream per neuron).

    The MTJ's trapezoid correction uses the deck's maximum step (``settings.max_step``, or the
    noise's sample interval at temperature). The MTJ is ``settings.mtj``'s model
    (:mod:`mtjspice.circuits.models`), with its parameters ``compact`` (this neuron's own; default:
    the model's :meth:`~mtjspice.circuits.models.MtjModel.params`)."""
    if tag and not tag.isdigit():
        raise ParameterError("tag", tag, "digits (a neuron's index)")
    model = mtj_model(settings.mtj)
    mtj = model.subckt(device, settings, f"mtj{tag}", model.params(device, settings, compact),
                       None if thermal is None else thermal.mtj_noise(tag))
    return neuron_subckt(circuit, mtj, _comparator(circuit, settings), name=f"lifn{tag}", shared_rails=shared_rails)


def deck_options(circuit: NeuronCircuit, settings: NeuronSettings, t_stop: float,
                 thermal: Thermal | None = None) -> dict[str, object]:
    """Analysis, options and thread count shared by every deck that holds neurons.

    CMOS decks run ngspice's BSIM4 evaluation on one OpenMP thread: its default two threads spin
    while they wait, and two such runs on two busy cores went from 3.5 s to over 140 s (measured);
    one thread per process is also what the parallel runners (F-I sweeps, arrays) assume. At
    temperature the maximum step is the noise's sample interval, and the deck keeps ngspice's
    normal step control (:data:`mtjspice.netlist.noise.THERMAL_OPTIONS`)."""
    if not (isinstance(t_stop, (int, float)) and math.isfinite(t_stop) and t_stop > 0):
        raise ParameterError("t_stop", t_stop, "a time > 0 (s)")
    step = settings.step if thermal is None else thermal.interval
    options = OPTION_PRESETS[settings.preset] if thermal is None else {**OPTION_PRESETS[settings.preset],
                                                                       **THERMAL_OPTIONS}
    options = {**options, **mtj_model(settings.mtj).options}
    return {"analysis": Analysis(t_stop, min(10e-12, t_stop / 100), max_step=step),
            "options": options, "threads": comparator_kind(circuit.comparator).threads}


def neuron_deck(device: Device, circuit: NeuronCircuit, wave: Waveform | float, t_stop: float,
                settings: NeuronSettings | None = None, thermal: Thermal | None = None,
                compact: CompactMTJ | None = None) -> tuple[Deck, NeuronBlock]:
    """The single-neuron deck (runs as it is with ``ngspice -b``, beside its attachments) and the
    neuron block it holds.

    The neuron, with its own supplies, sits at the deck's top level (its ports are top-level nodes
    of the same names), driven by the clock sources and the input current source ``Iin`` into
    ``ni`` (A). With ``thermal`` the MTJ reads its noise from :data:`NOISE_FILE`, which the deck
    carries in its ``attachments``."""
    s = settings or NeuronSettings(comparator=circuit.comparator, reset=circuit.reset)
    block = neuron_block(device, circuit, s, shared_rails=False, thermal=thermal, compact=compact)
    items = (*clock_sources(circuit), Comment("input current into the neuron's input node ni"),
             isource("in", "0", "ni", wave), *block.subckt.items)
    title = f"mtjspice signed LIF neuron ({circuit.comparator} comparators, {circuit.reset} reset)"
    if mtj_model(s.mtj).label:
        title += ", " + mtj_model(s.mtj).label
    if thermal is not None:
        title += f", MTJ at {thermal.temperature:g} K, noise seed {thermal.seed}"
    opts = deck_options(circuit, s, t_stop, thermal)
    attachments = {} if thermal is None else thermal.attachments(t_stop)
    return Deck(title, items, probes=block.probes.all(), attachments=attachments, **opts), block  # type: ignore[arg-type]


def cost_step(s: NeuronSettings, thermal: Thermal | None) -> float:
    """The step (s) the cost estimates take: the deck's, or the compact deck's points (edge-bound)."""
    return mtj_model(s.mtj).cost_step(s, None if thermal is None else thermal.interval)


def check_breakdown(device: Device, v_max: float, where: str = "") -> None:
    """Warn :class:`BreakdownWarning` when a junction voltage ``v_max`` (V) exceeds the device's breakdown
    (:func:`mtjspice.circuits.breakdown.warn_breakdown`, the one place that says it)."""
    warn_breakdown(device, v_max, where)


def run_neuron(device: Device | Neuron, wave: Waveform | float, t_stop: float, settings: NeuronSettings | None = None,
               circuit: NeuronCircuit | None = None, *, warn: bool = True, thermal: Thermal | None = None,
               keep_wave: bool = True, compact: CompactMTJ | None = None) -> NeuronRun:
    """Build, run (``ngspice -b``) and analyse one neuron simulation.

    ``thermal`` (:meth:`Thermal.make`) puts the MTJ at a temperature, with seeded noise. Warns
    :class:`~mtjspice.errors.BreakdownWarning` if the junction voltage exceeds the device's
    breakdown voltage (``warn=False`` leaves that to the caller, e.g. from threads, where warning
    filters are not thread-safe; the peak is in ``result.v_junction_max``). ``keep_wave=False``
    drops the waveforms and the noise samples after the analysis (for many trials). With
    a model with a valid range (the compact MTJ: ``compact``, its parameters, default
    :func:`compact_model`) it also warns outside that range
    (:class:`~mtjspice.netlist.compact.CompactRangeWarning`).

    ``device`` may be a :class:`~mtjspice.circuits.neuronobject.Neuron`, which carries its settings
    and circuit (then give neither). Otherwise, without ``circuit``, the settings are resolved for
    the device, characterising it first when they give no ``i_th``
    (:func:`~mtjspice.circuits.neuronobject.character_for`, logged).
    """
    t0 = time.perf_counter()
    if isinstance(device, Neuron):
        if settings is not None or circuit is not None:
            raise ParameterError("settings", "given with a Neuron", "None: a Neuron carries its settings and circuit")
        neuron = device
        device, settings, circuit = neuron.device, neuron.settings, neuron.circuit
    s = settings or NeuronSettings()
    c = circuit or resolve(device, s, character_for(device, s))
    cost = neuron_cost(t_stop, cost_step(s, thermal), NEURON_VECTORS, comparator_kind(c.comparator).cost_factor,
                       noise=thermal is not None)
    model = mtj_model(s.mtj)
    check_cost(model.cost(cost), "t_stop", t_stop, "shorten t_stop")
    cp = model.params(device, s, compact)
    deck, block = neuron_deck(device, c, wave, t_stop, s, thermal, compact=cp)
    text = deck.text()
    t1 = time.perf_counter()
    wf = run_deck(deck)
    t2 = time.perf_counter()
    p = block.probes
    vj = float(np.max(np.abs(wf[p.t1.vector] - wf[p.t2.vector])))
    if warn:
        check_breakdown(device, vj)
        stats = model.run_range(cp, wf.t, wf[p.i_junction.vector])
        if stats is not None:
            model.warn_range(cp, stats)
    spikes = detect_spikes(wf, p, c.vdd)
    energy = neuron_energy(wf, c, p)
    if not keep_wave:
        wf = Waveforms(t=wf.t[[0, -1]], signals={k: v[[0, -1]] for k, v in wf.signals.items()}, engine=wf.engine,
                       stats=wf.stats)
    t3 = time.perf_counter()
    return NeuronRun(wave=wf, circuit=c, probes=p, netlist=text, input=wave, spikes=spikes, energy=energy,
                     wall_ngspice=t2 - t1, wall_python=(t1 - t0) + (t3 - t2), v_junction_max=vj,
                     attachments=dict(deck.attachments) if keep_wave else {},
                     temperature=0.0 if thermal is None else thermal.temperature,
                     seed=None if thermal is None else thermal.seed)


def neuron_trials(device: Device, wave: Waveform | float, t_stop: float, settings: NeuronSettings,
                  temperature: float, seeds: Sequence[int], circuit: NeuronCircuit | None = None,
                  workers: int | None = None, progress: Callable[[int, int], None] | None = None) -> list[NeuronRun]:
    """One neuron run per seed at ``temperature`` (K), as parallel ngspice processes; every run keeps
    its spikes, energy and junction peak, only the first its waveforms (bounded memory)."""
    c = circuit or resolve(device, settings, character_for(device, settings))
    seeds = list(seeds)
    first = Thermal.make(device, settings, temperature, seeds[0] if seeds else 0)
    if first is None or not seeds:
        raise ParameterError("temperature", temperature, "a temperature > 0 K for trials (a noiseless run repeats "
                             "itself exactly)")
    n = max(1, min(len(seeds), workers or os.cpu_count() or 1))
    check_cost(neuron_cost(t_stop, first.interval, NEURON_VECTORS, comparator_kind(c.comparator).cost_factor,
                           runs=len(seeds), workers=n, noise=True),
               "t_stop", t_stop, "run fewer trials or shorten t_stop")
    # each trial its own seed; everything else (the compact MTJ's fitted noise too) from the first
    therms = [replace(first, seed=check_seed(seed)) for seed in seeds]
    done = [0]

    def one(k: int) -> NeuronRun:
        r = run_neuron(device, wave, t_stop, settings, c, warn=False, thermal=therms[k], keep_wave=k == 0)
        done[0] += 1
        if progress is not None:
            progress(done[0], len(therms))
        return r


    runs = map_parallel(one, range(len(therms)), workers=n)
    worst = max(runs, key=lambda r: r.v_junction_max)
    check_breakdown(device, worst.v_junction_max, f" in trial seed {worst.seed}")  # once, from this thread
    return runs


def fi_curve(neuron: Neuron, currents: Sequence[float], t_stop: float = 100e-9,
             options: RunOptions | None = None) -> np.ndarray:
    """Firing rate (1/s) of ``neuron`` against DC input for ``currents`` (A; both signs allowed).

    Each current is one ngspice run of ``t_stop`` (s) (parallel processes: ``options.workers``, None:
    the number of CPUs; ``options.progress`` is called with 1 as each run finishes; the other fields
    are not used); the rate counts spikes of the input's sign over the whole run. Returns rows
    (current A, rate 1/s, wrong-sign spike count).
    """
    Neuron.given(neuron)
    opt = RunOptions.given(options)
    device, s, c, workers, progress = neuron.device, neuron.settings, neuron.circuit, opt.workers, opt.progress
    check_cost(neuron_cost(t_stop, s.max_step, NEURON_VECTORS, comparator_kind(c.comparator).cost_factor,
                           runs=len(currents),
                           workers=workers or os.cpu_count() or 1), "t_stop", t_stop, "sweep fewer currents")

    def one(i: float) -> tuple[float, float, float, float]:
        r = run_neuron(device, DC(i), t_stop, s, c, warn=False)
        if progress is not None:
            progress(1)
        return (float(i), *_rate_and_wrong(r, i, t_stop), r.v_junction_max)


    n = workers or min(len(currents), os.cpu_count() or 1)
    rows = np.array(map_parallel(one, currents, workers=max(1, n)))
    worst = int(np.argmax(rows[:, 3]))
    check_breakdown(device, float(rows[worst, 3]), f" at {rows[worst, 0]:.4g} A")  # once, from this thread
    return rows[:, :3]


def _rate_and_wrong(run: NeuronRun, current: float, t_stop: float) -> tuple[float, float]:
    """An F-I point of a DC run: the rate of spikes of the input's sign (1/s) and the number of
    wrong-sign spikes (every spike when the input is 0)."""
    pol = 1 if current >= 0 else -1
    wrong = int(np.sum(run.spikes.polarity == -pol)) if current != 0 else len(run.spikes)
    return firing_rate(run.spikes, 0.0, t_stop, pol), float(wrong)


def fi_curve_thermal(device: Device, currents: Sequence[float], settings: NeuronSettings, temperature: float,
                     trials: int, seed: int = 0, t_stop: float = 100e-9, workers: int | None = None,
                     progress: Callable[[int, int], None] | None = None,
                     on_trial: Callable[[tuple[float, int, float, float, float]], None] | None = None) -> np.ndarray:
    """The F-I curve at ``temperature`` (K): ``trials`` seeded runs per current (seeds ``seed``,
    ``seed + 1``, ...; the same seeds at every current). Returns rows (current A, mean rate 1/s,
    rate standard deviation 1/s (ddof 1; 0 for one trial), mean wrong-sign spikes per run).

    ``progress(done, total)`` is called after each trial, and ``on_trial`` with the trial's row
    (current A, seed, rate 1/s, wrong-sign spikes, peak junction voltage V), from the worker
    threads: a caller keeps the finished trials even when the sweep stops early
    (:func:`mtjspice.analysis.trials.fi_summary` makes the curve of what finished)."""
    c = resolve(device, settings, character_for(device, settings))
    first = Thermal.make(device, settings, temperature, seed)
    if first is None:
        raise ParameterError("temperature", temperature, "a temperature > 0 K for an F-I curve with its spread")
    n = max(1, min(len(currents) * trials, workers or os.cpu_count() or 1))
    check_cost(neuron_cost(t_stop, first.interval, NEURON_VECTORS, comparator_kind(c.comparator).cost_factor,
                           runs=len(currents) * trials,
                           workers=n, noise=True), "t_stop", t_stop, "sweep fewer currents or run fewer trials")
    therms = [replace(first, seed=seed + k) for k in range(trials)]

    jobs = [(float(i), k) for i in currents for k in range(trials)]
    done = [0]

    def one(job: tuple[float, int]) -> tuple[float, float, float]:
        i, k = job
        r = run_neuron(device, DC(i), t_stop, settings, c, warn=False, thermal=therms[k], keep_wave=False)
        row = (*_rate_and_wrong(r, i, t_stop), r.v_junction_max)
        if on_trial is not None:
            on_trial((i, seed + k, *row))
        done[0] += 1
        if progress is not None:
            progress(done[0], len(jobs))
        return row


    out = np.array(map_parallel(one, jobs, workers=n)).reshape(len(currents), trials, 3)
    worst = np.unravel_index(int(np.argmax(out[:, :, 2])), out.shape[:2])
    check_breakdown(device, float(out[(*worst, 2)]), f" at {float(currents[int(worst[0])]):.4g} A")
    std = out[:, :, 0].std(axis=1, ddof=1) if trials > 1 else np.zeros(len(currents))
    return np.column_stack((np.asarray(currents, float), out[:, :, 0].mean(axis=1), std, out[:, :, 1].mean(axis=1)))


def fi_currents(device: Device, settings: NeuronSettings, n: int = 6) -> np.ndarray:
    """Positive DC inputs for the F-I sweep (A): from 1.3 to 1.75 times the onset current."""
    i_th = device_onset(device, settings, character_for(device, settings))
    return np.linspace(1.3 * i_th, 1.75 * i_th, n)


def idle_power(device: Device, settings: NeuronSettings | None = None, circuit: NeuronCircuit | None = None,
               t_idle: float | None = None) -> float:
    """The neuron's idle power (W): the energy it draws with no input, over ``t_idle`` (s; default
    20 read-clock periods), divided by ``t_idle``.

    The read clock, the read bias, the comparators and their supplies work whether or not an input
    flows; this is their cost. A run's active energy is its energy minus ``idle_power * t_stop``.
    """
    s = settings or NeuronSettings()
    c = circuit or resolve(device, s, character_for(device, s))
    t = t_idle if t_idle is not None else 20 * c.clock_period
    run = run_neuron(device, DC(0.0), t, s, c, warn=False)
    return run.energy.total / t
