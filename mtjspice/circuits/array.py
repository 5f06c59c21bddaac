"""Arrays of signed LIF neurons behind a resistive crossbar: settings -> decks -> parallel ngspice
runs -> spikes and energy by part, merged.

Running at scale: with ideal column virtual grounds and no wire resistance the neurons are
independent given the input voltages (:mod:`mtjspice.netlist.array`), so :func:`run_array`
splits the array into groups of neurons, each an exact deck of its own (the other columns lumped
per row), runs the groups as separate ``ngspice -b`` processes, ``workers`` at a time, and merges
spikes and energies. With wire resistance it runs one netlist. Each part is analysed as soon as
it finishes and its waveforms dropped (1024 neurons of 100 ns would otherwise hold gigabytes).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np

from ..analysis.energy import integral, neuron_energy
from ..analysis.spikes import detect_spikes
from ..errors import ParameterError
from ..netlist.array import ArrayCircuit, ArrayProbes, array_block, split_conductances
from ..netlist.deck import Deck
from ..netlist.neuron import NeuronBlock, NeuronCircuit
from ..params import Device
from ..results import ARRAY_PARTS, NEURON_PARTS, ArrayRun, EnergyBreakdown, Raster, Waveforms
from ..stimulus import Waveform
from .cost import array_cost, check_cost
from .neuron import NEURON_VECTORS, Thermal, check_breakdown, deck_options, neuron_block
from .settings import NeuronSettings, resolve

__all__ = ["ArraySettings", "DEFAULT_GROUP", "array_deck", "plan_parts", "run_array"]

#: Neurons per split part (measured in benchmarks/bench_array.py; see the README).
DEFAULT_GROUP = 8


@dataclass(frozen=True)
class ArraySettings:
    """Choices for an array run.

    Attributes
    ----------
    neuron : NeuronSettings
        The neuron (behavioral comparators by default: several times cheaper than CMOS).
    crossbar : ArrayCircuit
        Crossbar and drivers.
    v_spike : float
        Input pulse amplitude (V).
    spike_width : float
        Input pulse width (s).
    group : int or None
        Neurons per part when splitting; ``None`` picks :data:`DEFAULT_GROUP`.
    """

    neuron: NeuronSettings = field(default_factory=NeuronSettings)
    crossbar: ArrayCircuit = field(default_factory=ArrayCircuit)
    v_spike: float = 0.2
    spike_width: float = 2e-9
    group: int | None = None

    def __post_init__(self) -> None:
        if self.group is not None and (not isinstance(self.group, int) or self.group < 1):
            raise ParameterError("group", self.group, "an integer >= 1 (neurons per part)")


def array_deck(device: Device, circuit: NeuronCircuit, weights: np.ndarray, inputs: Sequence[Waveform | float],
               t_stop: float, settings: ArraySettings, columns: Sequence[int] | None = None,
               thermal: Thermal | None = None) -> tuple[Deck, ArrayProbes]:
    """The array deck (runs as it is with ``ngspice -b``) and its probes.

    Parameters
    ----------
    weights : (N, M) array
        Signed conductances (S).
    inputs : N waveforms or floats
        Row driver voltages (V).
    columns : sequence of int, optional
        Neurons in this deck (a part of a split array); default all.
    thermal : Thermal, optional
        Every MTJ at this temperature, neuron j with its own noise stream (seed, j) in
        ``noise_mtj<j>.txt`` (the deck's attachments): the same numbers in any split.
    """
    w = np.asarray(weights, dtype=float)
    s = settings.neuron
    cols = list(range(w.shape[1])) if columns is None else [int(j) for j in columns]
    attachments: dict[str, str] = {}
    neurons: NeuronBlock | dict[int, NeuronBlock]
    if thermal is None:
        neurons = neuron_block(device, circuit, s)
    else:
        neurons = {j: neuron_block(device, circuit, s, thermal=thermal, tag=str(j)) for j in cols}
        for j in cols:
            attachments.update(thermal.attachments(t_stop, tag=str(j)))
    block = array_block(w, inputs, circuit, neurons, settings.crossbar, columns)
    title = f"mtjspice neuron array {w.shape[0]}x{w.shape[1]} ({circuit.comparator} comparators, {circuit.reset} reset)"
    if thermal is not None:
        title += f", MTJs at {thermal.temperature:g} K, noise seed {thermal.seed}"
    opts = deck_options(circuit, s, t_stop, thermal)
    deck = Deck(title, block.items, probes=block.probes.all(), attachments=attachments, **opts)  # type: ignore[arg-type]
    return deck, block.probes


def plan_parts(m: int, settings: ArraySettings, split: bool | None = None) -> list[list[int]]:
    """Neuron groups to run as separate decks: one group when coupled or ``split`` is False."""
    coupled = settings.crossbar.coupled
    if split and coupled:
        raise ParameterError("split", "on", "off: with wire resistance (r_wire > 0) the neurons are coupled")
    if split is False or coupled:
        return [list(range(m))]
    g = settings.group or DEFAULT_GROUP
    return [list(range(a, min(a + g, m))) for a in range(0, m, g)]


@dataclass(frozen=True)
class _Part:
    """What one part's analysis keeps."""

    cols: list[int]
    spikes: list[tuple[int, float, int]]
    neurons: list[tuple[int, EnergyBreakdown]]
    crossbar: float
    driver_r: float
    rows_delivered: float
    driver_static: float
    waves: dict[int, Waveforms]
    vmax: float
    stats: dict[str, float]


def _analyse_part(wf: Waveforms, pr: ArrayProbes, weights: np.ndarray, c: NeuronCircuit, arr: ArrayCircuit,
                  keep: bool) -> _Part:
    """Spikes, per-neuron energies and the part's crossbar energy from one part's waveforms."""
    t = wf.t
    gp, gn = split_conductances(weights, arr.g_min)
    i_rows = [wf[i_in.vector] for i_in, _, _ in pr.rows]
    v_src = [wf[v.vector] for _, v, _ in pr.rows]
    v_rows = [wf[v.vector] for _, _, v in pr.rows]
    spikes, e_neur, vmax = [], [], 0.0
    for j, p in pr.neurons.items():
        vmax = max(vmax, float(np.max(np.abs(wf[p.t1.vector] - wf[p.t2.vector]))))
        st = detect_spikes(wf, p, c.vdd)
        spikes += [(j, float(ts), int(pol)) for ts, pol in zip(st.t, st.polarity, strict=True)]
        e_neur.append((j, neuron_energy(wf, c, p)))
    cols = list(pr.neurons)
    # crossbar: sum over this part's cells of (v_row - v_col)^2 G with the columns at 0 V; with
    # wire resistance: what the row sources deliver beyond the drivers' own losses (one netlist).
    if arr.coupled:
        e_xbar = sum(integral(t, -v * i - i**2 * arr.r_driver) for v, i in zip(v_src, i_rows, strict=True))
    else:
        gsum = gp[:, cols].sum(axis=1) + gn[:, cols].sum(axis=1)
        e_xbar = sum(integral(t, v**2) * g for v, g in zip(v_rows, gsum, strict=True))
    return _Part(cols=cols, spikes=spikes, neurons=e_neur, crossbar=e_xbar,
                 driver_r=sum(integral(t, i**2) * arr.r_driver for i in i_rows),
                 rows_delivered=sum(integral(t, -v * i) for v, i in zip(v_src, i_rows, strict=True)),
                 driver_static=integral(t, -arr.v_driver_supply * wf[pr.i_driver_supply.vector]),
                 waves={j: wf for j in cols} if keep else {}, vmax=vmax, stats=dict(wf.stats))


def run_array(device: Device, weights: np.ndarray, inputs: Sequence[Waveform | float], t_stop: float,
              settings: ArraySettings | None = None, *, split: bool | None = None, workers: int | None = None,
              keep_waves: bool = False, input_events: int = 0, circuit: NeuronCircuit | None = None,
              progress: Callable[[int, int], None] | None = None, thermal: Thermal | None = None) -> ArrayRun:
    """Build, run and analyse an array.

    Parameters
    ----------
    weights : (N, M) array
        Signed conductances (S).
    inputs : N waveforms or floats
        Row driver voltages (V), e.g. from :func:`mtjspice.stimulus.spike_waveforms`.
    t_stop : float
        Simulated time (s).
    split : bool, optional
        Run independent neuron groups as separate decks (default: when uncoupled).
    workers : int, optional
        Parallel ngspice processes (default: the number of CPUs).
    keep_waves : bool
        Keep each neuron's part waveforms in the result (small arrays only).
    input_events : int
        Number of input events, for the energy per input event.
    progress : callable (done, total), optional
        Called after each part finishes.
    thermal : Thermal, optional
        Every MTJ at a temperature, with its own seeded noise (see :func:`array_deck`).
    """
    from ..sim import run_batch_many

    t0 = time.perf_counter()
    st = settings or ArraySettings()
    w = np.asarray(weights, dtype=float)
    if w.ndim != 2 or w.shape[0] < 1 or w.shape[1] < 1:
        raise ParameterError("weights", w.shape, "an N x M array with N, M >= 1")
    c = circuit or resolve(device, st.neuron)
    parts = plan_parts(w.shape[1], st, split)
    step = st.neuron.max_step if thermal is None else thermal.interval
    # per neuron: its own probes, its two column currents and about one row's share
    check_cost(array_cost(w.shape[0], w.shape[1], t_stop, step, NEURON_VECTORS + 3, c.comparator,
                          max(len(p) for p in parts), workers, split=len(parts) > 1, noise=thermal is not None),
               "t_stop", t_stop, "shorten t_stop or simulate fewer neurons")
    built = [array_deck(device, c, w, inputs, t_stop, st, cols, thermal) for cols in parts]

    def analyse(k: int, wf: Waveforms) -> _Part:
        return _analyse_part(wf, built[k][1], w, c, st.crossbar, keep_waves)

    texts = [d.text() for d, _ in built]  # rendered once: run, then kept in the result
    jobs = [(t, d.vectors, d.data_file, dict(d.attachments)) if d.attachments else (t, d.vectors, d.data_file)
            for t, (d, _) in zip(texts, built, strict=True)]
    res: list[_Part] = run_batch_many(jobs, workers=workers, progress=progress, each=analyse)
    check_breakdown(device, max(r.vmax for r in res), " in the array")
    spikes = sorted((sp for r in res for sp in r.spikes), key=lambda x: (x[1], x[0]))
    arr = np.array(spikes, dtype=float).reshape(-1, 3)
    raster = Raster(arr[:, 0].astype(int), arr[:, 1], arr[:, 2].astype(int))
    e_neur = np.zeros((w.shape[1], len(NEURON_PARTS)))
    sources: dict[str, float] = {}
    for r in res:
        for j, e in r.neurons:
            e_neur[j] = [e[p] for p in NEURON_PARTS]
            for k, v in e.sources.items():
                sources["neuron_" + k] = sources.get("neuron_" + k, 0.0) + v
    first = res[0]  # the rows are identical in every part (all rows are in every deck)
    energy: dict[str, float] = {"crossbar": sum(r.crossbar for r in res),
                                "drivers": first.driver_r + first.driver_static}
    for col, p in enumerate(NEURON_PARTS):
        energy[p] = float(e_neur[:, col].sum())
    # a part's row sources also feed the other columns' lumped load: count each cell once
    sources["row_sources"] = first.rows_delivered if len(res) == 1 else energy["crossbar"] + first.driver_r
    sources["driver_supply"] = first.driver_static
    probes = {j: pr for (_, pr), cols in zip(built, parts, strict=True) for j in cols}
    return ArrayRun(spikes=raster, energy=EnergyBreakdown({p: energy[p] for p in ARRAY_PARTS}, sources),
                    energy_neurons=e_neur, input_events=int(input_events), parts=parts,
                    netlists=texts, wall=time.perf_counter() - t0,
                    part_stats=[r.stats for r in res], waves={j: wv for r in res for j, wv in r.waves.items()},
                    probes=probes, t_stop=t_stop, temperature=0.0 if thermal is None else thermal.temperature,
                    seed=None if thermal is None else thermal.seed)

