"""The signed LIF neuron circuit: the device and settings -> subcircuits -> deck -> ngspice run ->
spikes and energy by part. See :mod:`mtjspice.circuits.settings` for the defaults and
:mod:`mtjspice.netlist.neuron` for the circuit itself."""

from __future__ import annotations

import math
import os
import time
import warnings
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor

import numpy as np

from ..analysis.energy import neuron_energy
from ..analysis.spikes import detect_spikes, firing_rate
from ..errors import BreakdownWarning, ParameterError
from ..netlist.cards import parse_model_card
from ..netlist.circuit import Comment, Subckt
from ..netlist.comparators import behavioral_comparator, cmos_comparator
from ..netlist.deck import Analysis, Deck
from ..netlist.mtj import OPTION_PRESETS, mtj_subckt
from ..netlist.neuron import NeuronBlock, NeuronCircuit, clock_sources, neuron_subckt
from ..netlist.sources import isource
from ..params import Device
from ..results import NeuronRun
from ..stimulus import DC, Waveform
from .cost import check_cost, neuron_cost
from .settings import NeuronSettings, device_onset, model_card_path, resolve

__all__ = ["neuron_block", "neuron_deck", "run_neuron", "fi_curve", "fi_currents", "check_breakdown", "idle_power"]


def _comparator(circuit: NeuronCircuit, settings: NeuronSettings) -> Subckt:
    """The comparator subcircuit of the resolved flavour. The CMOS flavour carries the PTM card with
    its gate-tunnelling models off (igcmod = igbmod = 0): they carry nanoamperes here but made each
    transient about 150 times slower (one comparator, 8 ns: 13 s against 0.09 s)."""
    if circuit.comparator != "cmos":
        return behavioral_comparator(settings.behavioral, circuit.vdd, name="cmp")
    path = model_card_path()
    card = parse_model_card(path.read_text(encoding="utf-8"), source=str(path))
    card = tuple(m.with_params(igcmod=0, igbmod=0) if not isinstance(m, Comment) else m for m in card)
    note = Comment("mtjspice: PTM card below with igcmod=0 igbmod=0 (gate tunnelling off, for speed)")
    return cmos_comparator(settings.cmos, (note, *card), name="cmp")


def neuron_block(device: Device, circuit: NeuronCircuit, settings: NeuronSettings,
                 shared_rails: bool = True) -> NeuronBlock:
    """The neuron subcircuit (MTJ, comparators, readout, reset) and its probes; ``shared_rails``
    as in :func:`mtjspice.netlist.neuron.neuron_subckt`.

    The MTJ's trapezoid correction uses the deck's maximum step ``settings.max_step``."""
    mtj = mtj_subckt(device, "mtj", settings.preset, step=settings.max_step)
    return neuron_subckt(circuit, mtj, _comparator(circuit, settings), shared_rails=shared_rails)


def deck_options(circuit: NeuronCircuit, settings: NeuronSettings, t_stop: float) -> dict[str, object]:
    """Analysis, options and thread count shared by every deck that holds neurons.

    CMOS decks run ngspice's BSIM4 evaluation on one OpenMP thread: its default two threads spin
    while they wait, and two such runs on two busy cores went from 3.5 s to over 140 s (measured);
    one thread per process is also what the parallel runners (F-I sweeps, arrays) assume."""
    if not (isinstance(t_stop, (int, float)) and math.isfinite(t_stop) and t_stop > 0):
        raise ParameterError("t_stop", t_stop, "a time > 0 (s)")
    return {"analysis": Analysis(t_stop, min(10e-12, t_stop / 100), max_step=settings.max_step),
            "options": OPTION_PRESETS[settings.preset], "threads": 1 if circuit.comparator == "cmos" else None}


def neuron_deck(device: Device, circuit: NeuronCircuit, wave: Waveform | float, t_stop: float,
                settings: NeuronSettings | None = None) -> tuple[Deck, NeuronBlock]:
    """The single-neuron deck (runs as it is with ``ngspice -b``) and the neuron block it holds.

    The neuron, with its own supplies, sits at the deck's top level (its ports are top-level nodes
    of the same names), driven by the clock sources and the input current source ``Iin`` into
    ``ni`` (A)."""
    s = settings or NeuronSettings(comparator=circuit.comparator, reset=circuit.reset)
    block = neuron_block(device, circuit, s, shared_rails=False)
    items = (*clock_sources(circuit), Comment("input current into the neuron's input node ni"),
             isource("in", "0", "ni", wave), *block.subckt.items)
    title = f"mtjspice signed LIF neuron ({circuit.comparator} comparators, {circuit.reset} reset)"
    return Deck(title, items, probes=block.probes.all(), **deck_options(circuit, s, t_stop)), block  # type: ignore[arg-type]


def check_breakdown(device: Device, v_max: float, where: str = "") -> None:
    """Warn :class:`BreakdownWarning` when a junction voltage ``v_max`` (V) exceeds the device's breakdown."""
    if v_max > device.junction.breakdown_voltage:
        warnings.warn(BreakdownWarning(f"junction voltage reached {v_max:.3g} V{where}, above the breakdown "
                                       f"{device.junction.breakdown_voltage:g} V"), stacklevel=3)


def run_neuron(device: Device, wave: Waveform | float, t_stop: float, settings: NeuronSettings | None = None,
               circuit: NeuronCircuit | None = None, *, warn: bool = True) -> NeuronRun:
    """Build, run (``ngspice -b``) and analyse one neuron simulation.

    Warns :class:`~mtjspice.errors.BreakdownWarning` if the junction voltage exceeds the
    device's breakdown voltage (``warn=False`` leaves that to the caller, e.g. from threads,
    where warning filters are not thread-safe; the peak is in ``result.v_junction_max``).
    """
    from ..sim import run_deck

    t0 = time.perf_counter()
    s = settings or NeuronSettings()
    c = circuit or resolve(device, s)
    deck, block = neuron_deck(device, c, wave, t_stop, s)
    check_cost(neuron_cost(t_stop, s.max_step, len(deck.vectors), c.comparator), "t_stop", t_stop,
               "shorten t_stop")
    text = deck.text()
    t1 = time.perf_counter()
    wf = run_deck(deck)
    t2 = time.perf_counter()
    p = block.probes
    vj = float(np.max(np.abs(wf[p.t1.vector] - wf[p.t2.vector])))
    if warn:
        check_breakdown(device, vj)
    spikes = detect_spikes(wf, p, c.vdd)
    energy = neuron_energy(wf, c, p)
    t3 = time.perf_counter()
    return NeuronRun(wave=wf, circuit=c, probes=p, netlist=text, input=wave, spikes=spikes, energy=energy,
                     wall_ngspice=t2 - t1, wall_python=(t1 - t0) + (t3 - t2), v_junction_max=vj)


def fi_curve(device: Device, currents: Sequence[float], settings: NeuronSettings | None = None,
             t_stop: float = 100e-9, workers: int | None = None) -> np.ndarray:
    """Firing rate (1/s) against DC input for ``currents`` (A; both signs allowed).

    Each current is one ngspice run (parallel processes); the rate counts spikes of the input's
    sign over the whole run. Returns rows (current A, rate 1/s, wrong-sign spike count).
    """
    s = settings or NeuronSettings()
    c = resolve(device, s)
    check_cost(neuron_cost(t_stop, s.max_step, 17, c.comparator, runs=len(currents),
                           workers=workers or os.cpu_count() or 1), "t_stop", t_stop, "sweep fewer currents")

    def one(i: float) -> tuple[float, float, float, float]:
        r = run_neuron(device, DC(i), t_stop, s, c, warn=False)
        pol = 1 if i >= 0 else -1
        wrong = int(np.sum(r.spikes.polarity == -pol)) if i != 0 else len(r.spikes)
        return (float(i), firing_rate(r.spikes, 0.0, t_stop, pol), float(wrong), r.v_junction_max)

    n = workers or min(len(currents), os.cpu_count() or 1)
    with ThreadPoolExecutor(max_workers=max(1, n)) as pool:
        rows = np.array(list(pool.map(one, currents)))
    worst = int(np.argmax(rows[:, 3]))
    check_breakdown(device, float(rows[worst, 3]), f" at {rows[worst, 0]:.4g} A")  # once, from this thread
    return rows[:, :3]


def fi_currents(device: Device, settings: NeuronSettings, n: int = 6) -> np.ndarray:
    """Positive DC inputs for the F-I sweep (A): from 1.3 to 1.75 times the onset current."""
    i_th = device_onset(device, settings)
    return np.linspace(1.3 * i_th, 1.75 * i_th, n)


def idle_power(device: Device, settings: NeuronSettings | None = None, circuit: NeuronCircuit | None = None,
               t_idle: float | None = None) -> float:
    """The neuron's idle power (W): the energy it draws with no input, over ``t_idle`` (s; default
    20 read-clock periods), divided by ``t_idle``.

    The read clock, the read bias, the comparators and their supplies work whether or not an input
    flows; this is their cost. A run's active energy is its energy minus ``idle_power * t_stop``.
    """
    s = settings or NeuronSettings()
    c = circuit or resolve(device, s)
    t = t_idle if t_idle is not None else 20 * c.clock_period
    run = run_neuron(device, DC(0.0), t, s, c, warn=False)
    return run.energy.total / t
