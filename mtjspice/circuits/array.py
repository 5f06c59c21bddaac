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
from typing import Any, TypeVar, overload

import numpy as np

from ..analysis.energy import integral, neuron_energy
from ..analysis.levels import NeuronDrive, RowSag, neuron_drive, row_sag
from ..analysis.spikes import detect_spikes
from ..errors import ParameterError
from ..netlist.array import ArrayCircuit, ArrayProbes, array_block, split_conductances
from ..netlist.compact import CompactMTJ
from ..netlist.deck import Deck
from ..netlist.neuron import NeuronBlock, NeuronCircuit
from ..results import ARRAY_PARTS, NEURON_PARTS, ArrayRun, EnergyBreakdown, Raster, Waveforms
from ..runoptions import RunOptions
from ..sim import run_batch_many
from ..stimulus import Waveform
from .arrayjob import ArrayJob
from .comparators import comparator_kind
from .cost import array_cost, check_cost
from .models import COMPACT_GROUP, DEFAULT_GROUP, MtjModel, mtj_model
from .neuron import NEURON_VECTORS, Thermal, check_breakdown, cost_step, deck_options, neuron_block
from .neuronobject import Neuron

__all__ = ["ArrayJob", "ArraySettings", "DEFAULT_GROUP", "COMPACT_GROUP", "array_deck", "plan_parts", "run_array"]

#: Neurons per split part (measured in benchmarks/bench_array.py; see the README).


@dataclass(frozen=True)
class ArraySettings:
    """Choices for an array run beyond its neurons (each neuron is the run's
    :class:`~mtjspice.circuits.neuronobject.Neuron`).

    Attributes
    ----------
    crossbar : ArrayCircuit
        Crossbar and drivers.
    v_spike : float
        Input pulse amplitude (V).
    spike_width : float
        Input pulse width (s).
    group : int or None
        Neurons per part when splitting; ``None`` picks the MTJ model's
        :attr:`~mtjspice.circuits.models.MtjModel.group` (:data:`DEFAULT_GROUP`, :data:`COMPACT_GROUP`
        with compact MTJs).
    """

    crossbar: ArrayCircuit = field(default_factory=ArrayCircuit)
    v_spike: float = 0.2
    spike_width: float = 2e-9
    group: int | None = None

    def __post_init__(self) -> None:
        if self.group is not None and (not isinstance(self.group, int) or self.group < 1):
            raise ParameterError("group", self.group, "an integer >= 1 (neurons per part)")


def array_deck(neuron: Neuron, weights: np.ndarray, inputs: Sequence[Waveform | float], t_stop: float,
               settings: ArraySettings, columns: Sequence[int] | None = None, thermal: Thermal | None = None,
               compact: Sequence[CompactMTJ] = ()) -> tuple[Deck, ArrayProbes]:
    """The array deck (runs as it is with ``ngspice -b``) and its probes.

    Parameters
    ----------
    neuron : Neuron
        Every neuron's device, settings and resolved circuit.
    weights : (N, M) array
        Signed conductances (S).
    inputs : N waveforms or floats
        Row driver voltages (V).
    columns : sequence of int, optional
        Neurons in this deck (a part of a split array); default all.
    thermal : Thermal, optional
        Every MTJ at this temperature, neuron j with its own noise stream (seed, j) in
        ``noise_mtj<j>.txt`` (the deck's attachments): the same numbers in any split.
    compact : sequence, one per neuron
        Each neuron's own MTJ model parameters (the compact MTJ's, or a registered model's
        :attr:`~mtjspice.circuits.models.MtjModel.params_type`), e.g. per process-variation sample: each
        neuron gets its own subcircuit ``lifn<j>`` with ``mtj<j>``. Empty (default), or the same object for
        every neuron: one shared subcircuit, with the model's
        :meth:`~mtjspice.circuits.models.MtjModel.params` (``neuron.settings.compact`` for the compact
        MTJ, else fitted) or that object.
    """
    Neuron.given(neuron)
    device, circuit, s = neuron.device, neuron.circuit, neuron.settings
    w = np.asarray(weights, dtype=float)
    cols = list(range(w.shape[1])) if columns is None else [int(j) for j in columns]
    model = mtj_model(s.mtj)
    per = _per_neuron(model, compact, w.shape[1])
    one = compact[0] if per is None and compact else None
    attachments: dict[str, str] = {}
    neurons: NeuronBlock | dict[int, NeuronBlock]
    if thermal is None and per is None:
        neurons = neuron_block(device, circuit, s, compact=one)
    else:
        neurons = {j: neuron_block(device, circuit, s, thermal=thermal, tag=str(j),
                                   compact=per[j] if per is not None else one) for j in cols}
        for j in cols:
            if thermal is not None:
                attachments.update(thermal.attachments(t_stop, tag=str(j)))
    block = array_block(w, inputs, circuit, neurons, settings.crossbar, columns)
    title = f"mtjspice neuron array {w.shape[0]}x{w.shape[1]} ({circuit.comparator} comparators, {circuit.reset} reset)"
    if model.label:
        title += f", {model.label}s"
    if thermal is not None:
        title += f", MTJs at {thermal.temperature:g} K, noise seed {thermal.seed}"
    opts = deck_options(circuit, s, t_stop, thermal)
    deck = Deck(title, block.items, probes=block.probes.all(), attachments=attachments, **opts)  # type: ignore[arg-type]
    return deck, block.probes


def _per_neuron(model: MtjModel, compact: Sequence[Any], m: int) -> list[Any] | None:
    """The per-neuron model parameters, checked (one per neuron), or None for one shared set (or none)."""
    kind = model.params_type
    if isinstance(compact, (str, bytes)) or not isinstance(compact, Sequence) or (kind is not None
                                                                                 and isinstance(compact, kind)):
        raise ParameterError("compact", type(compact).__name__, "a sequence of parameters, one per neuron (a set "
                             "shared by every neuron goes in the neuron's settings.compact)")
    if not compact or kind is None:
        return None
    per = list(compact)
    if len(per) != m or not all(isinstance(c, kind) for c in per):
        raise ParameterError("compact", f"{len(per)} items", f"one {kind.__name__} per neuron ({m})")
    return None if all(c is per[0] for c in per) else per  # one object for all: one shared subcircuit


def plan_parts(m: int, settings: ArraySettings, split: bool | None = None, *, mtj: str) -> list[list[int]]:
    """Neuron groups to run as separate decks: one group when coupled or ``split`` is False; else groups
    of ``settings.group`` neurons, or of the MTJ model ``mtj``'s
    :attr:`~mtjspice.circuits.models.MtjModel.group`."""
    coupled = settings.crossbar.coupled
    if split and coupled:
        raise ParameterError("split", "on", "off: with wire resistance (r_wire > 0) the neurons are coupled")
    if split is False or coupled:
        return [list(range(m))]
    g = settings.group or mtj_model(mtj).group
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
    ranges: dict[int, tuple[float, float]]
    drive: dict[int, NeuronDrive] = field(default_factory=dict)
    sag: list[RowSag] = field(default_factory=list)


_T = TypeVar("_T")


class _Lazy(Sequence[_T]):
    """A sequence whose items are made on first use, by whichever thread asks first (each part's
    worker), and kept."""

    def __init__(self, n: int, make: Callable[[int], _T]) -> None:
        self._n, self._make = n, make
        self._items: dict[int, _T] = {}

    def __len__(self) -> int:
        return self._n

    @overload
    def __getitem__(self, k: int) -> _T: ...

    @overload
    def __getitem__(self, k: slice) -> Sequence[_T]: ...

    def __getitem__(self, k: int | slice) -> _T | Sequence[_T]:
        if isinstance(k, slice):
            return [self[i] for i in range(*k.indices(self._n))]
        if not -self._n <= k < self._n:
            raise IndexError(k)
        k %= self._n
        if k not in self._items:
            self._items[k] = self._make(k)
        return self._items[k]


def _part_job(built: tuple[Deck, ArrayProbes]) -> tuple[ArrayProbes, tuple[Any, ...]]:
    """A part's probes and its run_batch_many job, whose first item is the rendered deck (rendered
    once: run, then kept in the result; the Deck object itself is not kept)."""
    d, pr = built
    text = d.text()
    job = (text, d.vectors, d.data_file, dict(d.attachments)) if d.attachments else (text, d.vectors, d.data_file)
    return pr, job


def _analyse_part(wf: Waveforms, pr: ArrayProbes, weights: np.ndarray, c: NeuronCircuit, arr: ArrayCircuit,
                  keep: bool, model: MtjModel, params: Sequence[Any] | None = None) -> _Part:
    """Spikes, per-neuron energies and the part's crossbar energy from one part's waveforms."""
    t = wf.t
    gp, gn = split_conductances(weights, arr.g_min)
    i_rows = [wf[i_in.vector] for i_in, _, _ in pr.rows]
    v_src = [wf[v.vector] for _, v, _ in pr.rows]
    v_rows = [wf[v.vector] for _, _, v in pr.rows]
    spikes, e_neur, vmax, ranges = [], [], 0.0, {}
    for j, p in pr.neurons.items():
        vmax = max(vmax, float(np.max(np.abs(wf[p.t1.vector] - wf[p.t2.vector]))))
        rg = None if params is None else model.run_range(params[j], t, wf[p.i_junction.vector])
        if rg is not None:
            ranges[j] = rg
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
                 waves={j: wf for j in cols} if keep else {}, vmax=vmax, stats=dict(wf.stats), ranges=ranges,
                 **_levels(wf, pr, arr))


def _levels(wf: Waveforms, pr: ArrayProbes, arr: ArrayCircuit) -> dict[str, Any]:
    """Each neuron's input current (the column mirrors' output, gain x (I(G+) - I(G-)) in A) and each
    row's sag at its far end, for the report (:mod:`mtjspice.analysis.levels`)."""
    far = pr.row_far or tuple(v for _, _, v in pr.rows)
    drive = {j: neuron_drive(wf.t, arr.mirror_gain * (wf[cp.vector] - wf[cn.vector]),
                             [wf[p.vector] for p in pr.column_far.get(j, ())]) for j, (cp, cn) in pr.columns.items()}
    return {"drive": drive, "sag": [row_sag(wf[v.vector], wf[f.vector]) for (_, v, _), f in zip(pr.rows, far, strict=True)]}


def run_array(neuron: Neuron, job: ArrayJob, settings: ArraySettings | None = None, *,
              thermal: Thermal | None = None, compact: Sequence[CompactMTJ] = (),
              split: bool | None = None, keep_waves: bool = False, options: RunOptions | None = None) -> ArrayRun:
    """Build, run and analyse an array.

    Parameters
    ----------
    neuron : Neuron
        Every neuron: the device, the settings and the circuit resolved from them
        (:meth:`Neuron.build <mtjspice.circuits.neuronobject.Neuron.build>`).
    job : ArrayJob
        The weights (S), the row inputs (V), the simulated time (s) and the input events.
    settings : ArraySettings, optional
        Crossbar, input pulses and part size (default :class:`ArraySettings`).
    thermal : Thermal, optional
        Every MTJ at a temperature, with its own seeded noise (see :func:`array_deck`).
    compact : sequence, one per neuron
        Each neuron's own MTJ model parameters (see :func:`array_deck`); empty: one shared set. A model
        with a valid range warns when a neuron's junction left it (the compact MTJ:
        :class:`~mtjspice.netlist.compact.CompactRangeWarning`).
    split : bool, optional
        Run independent neuron groups as separate decks (default: when uncoupled).
    keep_waves : bool
        Keep each neuron's part waveforms in the result (small arrays only).
    options : RunOptions, optional
        ``workers``: parallel ngspice processes (None: the number of CPUs); ``progress``: called with 1
        as each part finishes. The other fields are not used.
    """
    Neuron.given(neuron)
    if not isinstance(job, ArrayJob):
        raise ParameterError("job", type(job).__name__, "an ArrayJob (weights, inputs, t_stop)")
    opt = RunOptions.given(options)
    w, inputs, t_stop, workers = job.weights, job.inputs, job.t_stop, opt.workers
    progress = None if opt.progress is None else (lambda done, total, f=opt.progress: f(1))
    t0 = time.perf_counter()
    st = ArraySettings() if settings is None else settings
    if not isinstance(st, ArraySettings):
        raise ParameterError("settings", type(st).__name__, "an ArraySettings (crossbar, pulses, group) or None")
    device, c, ns = neuron.device, neuron.circuit, neuron.settings
    parts = plan_parts(w.shape[1], st, split, mtj=ns.mtj)
    step = cost_step(ns, thermal)
    model = mtj_model(ns.mtj)
    cps: list[Any] | None = None
    if model.params_type is not None:
        per = _per_neuron(model, compact, w.shape[1])
        one = model.params(device, ns)
        cps = per if per is not None else [one] * w.shape[1]
        compact = cps  # the shared set derived once here (one object: one shared subcircuit), not by every part
    # per neuron: its own probes, its two column currents and about one row's share
    cost = array_cost(w.shape[0], w.shape[1], t_stop, step, NEURON_VECTORS + 3, comparator_kind(c.comparator).cost_factor,
                      max(len(p) for p in parts), workers, split=len(parts) > 1, noise=thermal is not None)
    check_cost(model.cost(cost), "t_stop", t_stop,
               "shorten t_stop or simulate fewer neurons")
    # Each part's deck is built and rendered by the worker that runs it (the first one here, so that
    # bad input fails before any run): no serial build of every deck while the CPUs wait.
    built = _Lazy(len(parts), lambda k: _part_job(array_deck(neuron, w, inputs, t_stop, st, parts[k], thermal,
                                                              compact)))
    built[0]  # built now: bad input fails here

    def analyse(k: int, wf: Waveforms) -> _Part:
        return _analyse_part(wf, built[k][0], w, c, st.crossbar, keep_waves, model, cps)

    jobs = _Lazy(len(parts), lambda k: built[k][1])
    res: list[_Part] = run_batch_many(jobs, workers=workers, progress=progress, each=analyse)
    check_breakdown(device, max(r.vmax for r in res), " in the array")
    ranges = {j: rg for r in res for j, rg in r.ranges.items()}
    worst = None if cps is None else model.worst_range(cps, ranges)
    if cps is not None and worst is not None:
        model.warn_range(cps[worst], ranges[worst], f" at neuron {worst}")
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
    probes = {j: built[k][0] for k, cols in enumerate(parts) for j in cols}
    texts = [built[k][1][0] for k in range(len(parts))]
    return ArrayRun(spikes=raster, energy=EnergyBreakdown({p: energy[p] for p in ARRAY_PARTS}, sources),
                    energy_neurons=e_neur, input_events=job.input_events, parts=parts,
                    netlists=texts, wall=time.perf_counter() - t0,
                    part_stats=[r.stats for r in res], waves={j: wv for r in res for j, wv in r.waves.items()},
                    probes=probes, t_stop=t_stop, temperature=0.0 if thermal is None else thermal.temperature,
                    drive=[d for r in res for d in sorted(r.drive.items())], row_sag=first.sag,
                    seed=None if thermal is None else thermal.seed)

