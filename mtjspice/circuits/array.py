"""Arrays of signed LIF neurons behind a resistive crossbar: input files, decks, running at scale
(split into parallel parts and merged), spike raster and energy by part.

Files
-----
* **Weights CSV**: N lines of M comma-separated signed conductances in siemens (line i, column j
  is the weight from input i to neuron j; ``G+ - G-`` of the differential pair). Blank lines and
  ``#`` comments are skipped; no header. A ``g_unit`` scale multiplies every value, so the file
  may hold dimensionless weights with ``g_unit`` = 1 mS, say.
* **Spikes CSV**: header ``t,input,sign``, then one input event per line: time (s), 0-based input
  index, +1 or -1. Each event becomes a voltage pulse ``sign x v_spike`` of width ``spike_width``
  on that input's row driver; overlapping pulses on one row add.

Running at scale
----------------
FINDINGS measured a super-linear cost for many MTJs in one netlist. With ideal column virtual
grounds and no wire resistance the neurons are independent given the input voltages
(:mod:`mtjspice.netlist.array`), so :func:`run_array` splits the array into groups of neurons,
each an exact deck of its own (the other columns lumped per row), runs the groups as separate
``ngspice -b`` processes, ``workers`` at a time, and merges spikes and energies. With wire
resistance it runs one netlist. Waveforms are analysed per part as soon as the part finishes and
then dropped (1024 neurons of 100 ns would otherwise hold gigabytes).
"""

from __future__ import annotations

import math
import time
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from ..errors import BreakdownWarning, InputFileError, ParameterError
from ..netlist.array import (
    ArrayCircuit,
    array_blocks,
    array_vectors,
    hierarchical,
    mtj_ic_array,
    neuron_instance,
    split_conductances,
)
from ..netlist.deck import Analysis, deck
from ..netlist.neuron import NeuronCircuit, neuron_vectors
from ..params import Device
from ..results import Waveforms
from ..stimulus import DC, PWL, Waveform
from .neuron import (
    NeuronSettings,
    detect_spikes,
    energy_by_part,
    neuron_circuit,
    neuron_deck_blocks,
    single_thread,
)

__all__ = [
    "ARRAY_PARTS",
    "ArraySettings",
    "ArrayResult",
    "read_weights",
    "read_spikes",
    "spike_waveforms",
    "array_deck",
    "plan_parts",
    "run_array",
    "write_raster_png",
]

#: Dissipating parts of the array, in the order energy.csv lists them. ``input_gating`` is the
#: neuron's input-steering switches (the neuron module calls it ``input_driver``).
ARRAY_PARTS: tuple[str, ...] = ("crossbar", "drivers", "junction", "readout_divider", "comparators",
                                "reset_circuit", "input_gating")
_NEURON_PART = {"junction": "junction", "readout_divider": "readout_divider", "comparators": "comparators",
                "reset_circuit": "reset_circuit", "input_gating": "input_driver"}


# ----------------------------------------------------------------------------------------------
# input files


def _data_lines(path: Path) -> list[tuple[int, str]]:
    if not path.is_file():
        raise InputFileError(path, "no such file")
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise InputFileError(path, f"not a UTF-8 text file ({exc.reason})") from None
    out = []
    for k, line in enumerate(text.splitlines(), start=1):
        s = line.split("#", 1)[0].strip()
        if s:
            out.append((k, s))
    return out


def read_weights(path: str | Path, shape: tuple[int, int] | None = None, g_unit: float = 1.0) -> np.ndarray:
    """Signed weights (S) from a CSV of N lines x M values (module docstring).

    Parameters
    ----------
    path : path
        The file.
    shape : (N, M), optional
        Expected shape (inputs, neurons); a mismatch names the file and the offending line.
    g_unit : float
        Scale applied to every value (S per file unit); 1 when the file holds siemens.

    Raises
    ------
    InputFileError
        Non-numeric or non-finite values, ragged lines, wrong shape, empty file.
    """
    p = Path(path)
    if not (math.isfinite(g_unit) and g_unit > 0):
        raise ParameterError("--g-unit", g_unit, "a conductance > 0 (S per file unit)")
    rows: list[list[float]] = []
    last = 0
    for k, s in _data_lines(p):
        last = k
        vals = []
        for col, cell in enumerate(s.split(","), start=1):
            cell = cell.strip()
            try:
                v = float(cell)
            except ValueError:
                raise InputFileError(p, f"column {col}: {cell!r} is not a number (weights are conductances in S)",
                                     k) from None
            if not math.isfinite(v):
                raise InputFileError(p, f"column {col}: {cell!r} is not finite; weights must be finite numbers", k)
            vals.append(v * g_unit)
        if rows and len(vals) != len(rows[0]):
            raise InputFileError(p, f"{len(vals)} values, but the first row has {len(rows[0])} "
                                 "(one column per neuron)", k)
        if shape is not None and len(vals) != shape[1]:
            raise InputFileError(p, f"{len(vals)} values; expected {shape[1]} (one per neuron, --neurons)", k)
        if shape is not None and len(rows) == shape[0]:
            raise InputFileError(p, f"more than {shape[0]} rows; expected one row per input (--inputs {shape[0]})", k)
        rows.append(vals)
    if not rows:
        raise InputFileError(p, "no weight rows (expected N lines of M comma-separated conductances in S)")
    if shape is not None and len(rows) != shape[0]:
        raise InputFileError(p, f"{len(rows)} rows; expected {shape[0]} (one per input, --inputs)", last)
    return np.array(rows, dtype=float)


def read_spikes(path: str | Path, n_inputs: int) -> np.ndarray:
    """Input events from a CSV with header ``t,input,sign``: rows (t in s, input index, sign +1/-1),
    sorted by time.

    Raises
    ------
    InputFileError
        Missing or wrong header, wrong number of columns, non-numeric or non-finite values,
        negative times, an input index outside 0..n_inputs-1 or not an integer, a sign other than
        +1 / -1.
    """
    p = Path(path)
    lines = _data_lines(p)
    if not lines:
        raise InputFileError(p, "empty; expected a header 't,input,sign' and one event per line")
    k0, head = lines[0]
    if [h.strip().lower() for h in head.split(",")] != ["t", "input", "sign"]:
        raise InputFileError(p, f"header {head!r}; expected 't,input,sign'", k0)
    rows = []
    for k, s in lines[1:]:
        cells = [c.strip() for c in s.split(",")]
        if len(cells) != 3:
            raise InputFileError(p, f"{len(cells)} values; expected 3: t (s), input (0-based index), sign (+1/-1)", k)
        try:
            t, idx, sign = (float(c) for c in cells)
        except ValueError:
            raise InputFileError(p, f"{s!r} is not three numbers t,input,sign", k) from None
        if not all(math.isfinite(v) for v in (t, idx, sign)):
            raise InputFileError(p, f"{s!r} has a non-finite value", k)
        if t < 0:
            raise InputFileError(p, f"time {t!r} s is negative", k)
        if idx != int(idx) or not 0 <= idx < n_inputs:
            raise InputFileError(p, f"input {cells[1]!r}; allowed: an integer 0..{n_inputs - 1} (--inputs {n_inputs})",
                                 k)
        if sign not in (1.0, -1.0):
            raise InputFileError(p, f"sign {cells[2]!r}; allowed: +1 or -1", k)
        rows.append((t, idx, sign))
    arr = np.array(rows, dtype=float).reshape(-1, 3)
    return arr[np.argsort(arr[:, 0], kind="stable")]


def spike_waveforms(events: np.ndarray, n_inputs: int, v_spike: float, width: float,
                    edge: float = 20e-12) -> list[Waveform]:
    """Row-driver voltages (V) for input events: each (t, input, sign) a trapezoidal pulse of
    amplitude ``sign v_spike``, flat for ``width`` (s) after a rise of ``edge``. Pulses on one row
    add (the sum of piecewise-linear pulses, exact at the union of their corners)."""
    if not (math.isfinite(v_spike) and v_spike > 0):
        raise ParameterError("--v-spike", v_spike, "a voltage > 0 (V)")
    if not (math.isfinite(width) and width > 0):
        raise ParameterError("--spike-width", width, "a time > 0 (s)")
    out: list[Waveform] = []
    for i in range(n_inputs):
        ev = events[events[:, 1] == i] if events.size else np.zeros((0, 3))
        if ev.shape[0] == 0:
            out.append(DC(0.0))
            continue
        corners = np.concatenate([ev[:, 0], ev[:, 0] + edge, ev[:, 0] + edge + width, ev[:, 0] + 2 * edge + width])
        tt = np.unique(np.concatenate([[0.0], corners]))
        val = np.zeros_like(tt)
        for t0, _, s in ev:
            xs = [t0, t0 + edge, t0 + edge + width, t0 + 2 * edge + width]
            val += s * v_spike * np.interp(tt, xs, [0.0, 1.0, 1.0, 0.0], left=0.0, right=0.0)
        out.append(PWL(tt, val))
    return out


# ----------------------------------------------------------------------------------------------
# settings and decks


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
            raise ParameterError("--group", self.group, "an integer >= 1 (neurons per part)")


#: Neurons per split part (measured in benchmarks/array.py; see the README).
DEFAULT_GROUP = 8


def _neuron_parts(device: Device, c: NeuronCircuit, s: NeuronSettings) -> tuple[list[str], list[str]]:
    """(subcircuit definitions, element lines) of the neuron, driven by nothing (the crossbar)."""
    blocks = neuron_deck_blocks(device, c, s, 0.0)
    n_sub = 3 if c.comparator == "cmos" else 2  # MTJ, comparator and, for CMOS, the model card
    return blocks[:n_sub], blocks[n_sub:]


def array_deck(device: Device, circuit: NeuronCircuit, weights: np.ndarray, inputs: Sequence[Waveform | float],
               t_stop: float, settings: ArraySettings, columns: Sequence[int] | None = None,
               ) -> tuple[str, list[str]]:
    """The array deck (runs as it is with ``ngspice -b``) and the vectors it writes.

    Parameters
    ----------
    weights : (N, M) array
        Signed conductances (S).
    inputs : N waveforms or floats
        Row driver voltages (V).
    columns : sequence of int, optional
        Neurons in this deck (a part of a split array); default all.
    """
    from ..netlist.mtj import OPTION_PRESETS

    if not (math.isfinite(t_stop) and t_stop > 0):
        raise ParameterError("--t-stop", t_stop, "a time > 0 (s)")
    w = np.asarray(weights, dtype=float)
    s = settings.neuron
    subckts, lines = _neuron_parts(device, circuit, s)
    cols = list(range(w.shape[1])) if columns is None else list(columns)
    blocks = array_blocks(w, inputs, circuit, subckts, lines, settings.crossbar, cols)
    vectors = array_vectors(w.shape[0], neuron_vectors(circuit), cols, settings.crossbar)
    title = f"mtjspice neuron array {w.shape[0]}x{w.shape[1]} ({circuit.comparator} comparators, {circuit.reset} reset)"
    text = deck(title, blocks, Analysis(t_stop, min(10e-12, t_stop / 100), max_step=s.max_step),
                options=OPTION_PRESETS[s.preset], ic=mtj_ic_array(cols, device.initial.m0), vectors=vectors)
    if circuit.comparator == "cmos":
        text = single_thread(text)  # BSIM4's OpenMP threads spin against the parallel parts
    return text, vectors


def plan_parts(m: int, settings: ArraySettings, split: bool | None = None) -> list[list[int]]:
    """Neuron groups to run as separate decks: one group when coupled or ``split`` is False."""
    coupled = settings.crossbar.coupled
    if split and coupled:
        raise ParameterError("--split", "on", "off: with wire resistance (--r-wire > 0) the neurons are coupled")
    if split is False or coupled:
        return [list(range(m))]
    g = settings.group or DEFAULT_GROUP
    return [list(range(a, min(a + g, m))) for a in range(0, m, g)]


# ----------------------------------------------------------------------------------------------
# running and analysis


@dataclass
class ArrayResult:
    """One array run.

    Attributes
    ----------
    spikes : (k, 3) array
        Raster rows (neuron index, time s, polarity +1/-1), sorted by time then neuron.
    energy : dict of str to float
        Dissipated energy per part summed over the array (J, :data:`ARRAY_PARTS`), plus
        ``total`` (J, delivered by every source) and ``sources`` (dict, J per source kind).
    energy_neurons : (M, 5) array
        Per neuron: junction, readout_divider, comparators, reset_circuit, input_gating (J).
    input_events : int
        Input events (pulses) driven into the rows.
    parts : list of list of int
        The neuron groups that ran as separate decks.
    netlists : list of str
        The decks that ran, one per part.
    wall : float
        Wall time of the whole run (s).
    part_stats : list of dict
        Per part: ngspice wall time (s), time points, peak memory (bytes).
    waves : dict of int to Waveforms
        Per neuron (with ``keep_waves``): its vectors under the neuron module's names, plus
        ``i(in)``, the mirrored input current (A), and the row signals ``v(row<i>)``, ``i(vin<i>)``.
    t_stop : float
        Simulated time (s).
    """

    spikes: np.ndarray
    energy: dict[str, Any]
    energy_neurons: np.ndarray
    input_events: int
    parts: list[list[int]]
    netlists: list[str]
    wall: float
    part_stats: list[dict[str, float]]
    waves: dict[int, Waveforms]
    t_stop: float

    @property
    def energy_per_spike(self) -> float:
        """Total energy per output spike (J); nan without spikes."""
        n = self.spikes.shape[0]
        return float(self.energy["total"] / n) if n else math.nan

    @property
    def energy_per_input_event(self) -> float:
        """Total energy per input event (J); nan without input events."""
        return float(self.energy["total"] / self.input_events) if self.input_events else math.nan


def _integral(t: np.ndarray, p: np.ndarray) -> float:
    return float(np.sum(0.5 * (p[1:] + p[:-1]) * np.diff(t)))


def _analyse_part(wf: Waveforms, cols: list[int], weights: np.ndarray, c: NeuronCircuit, arr: ArrayCircuit,
                  keep: bool, breakdown: float) -> dict[str, Any]:
    """Spikes, per-neuron energies and the part's crossbar energy from one part's waveforms."""
    t = wf.t
    n_in = weights.shape[0]
    gp, gn = split_conductances(weights, arr.g_min)
    wire = arr.r_wire > 0
    rows = [wf[f"v(row{i}_0)" if wire else f"v(row{i})"] for i in range(n_in)]
    spikes, e_neur, waves = [], [], {}
    vmax = 0.0
    for j in cols:
        inst = neuron_instance(j)
        sig = {v: wf[hierarchical(v, inst)] for v in neuron_vectors(c)}
        sig["i(in)"] = arr.mirror_gain * (wf[f"i(v.{inst}.vcp)"] - wf[f"i(v.{inst}.vcn)"])
        nw = Waveforms(t=t, signals=sig, engine=wf.engine)
        vmax = max(vmax, float(np.max(np.abs(sig["v(t1)"] - sig["v(t2)"]))))
        for ts, pol in detect_spikes(nw, c.vdd):
            spikes.append((j, ts, pol))
        e = energy_by_part(nw, c)
        e_neur.append((j, e))
        if keep:
            for i in range(n_in):
                sig[f"v(row{i})"] = rows[i]
                sig[f"i(vin{i})"] = wf[f"i(vin{i})"]
            waves[j] = nw
    # crossbar: sum over this part's cells of (v_row - v_col)^2 G with the columns at 0 V; with
    # wire resistance: what the row sources deliver beyond the drivers' own losses (one netlist).
    if wire:
        e_xbar = sum(_integral(t, -wf[f"v(src{i})"] * wf[f"i(vin{i})"] - wf[f"i(vin{i})"] ** 2 * arr.r_driver)
                     for i in range(n_in))
    else:
        gsum = gp[:, cols].sum(axis=1) + gn[:, cols].sum(axis=1)
        e_xbar = sum(_integral(t, rows[i] ** 2) * gsum[i] for i in range(n_in))
    e_rows_drv = sum(_integral(t, wf[f"i(vin{i})"] ** 2) * arr.r_driver for i in range(n_in))
    e_rows_src = sum(_integral(t, -wf[f"v(src{i})"] * wf[f"i(vin{i})"]) for i in range(n_in))
    e_drv_static = _integral(t, -arr.v_driver_supply * wf["i(vdrvdd)"])
    return {"cols": cols, "spikes": spikes, "neurons": e_neur, "crossbar": e_xbar, "driver_r": e_rows_drv,
            "rows_delivered": e_rows_src, "driver_static": e_drv_static, "waves": waves, "vmax": vmax,
            "stats": dict(wf.stats)}


def run_array(device: Device, weights: np.ndarray, inputs: Sequence[Waveform | float], t_stop: float,
              settings: ArraySettings | None = None, *, split: bool | None = None, workers: int | None = None,
              keep_waves: bool = False, input_events: int = 0, circuit: NeuronCircuit | None = None,
              progress: Callable[[int, int], None] | None = None) -> ArrayResult:
    """Build, run and analyse an array.

    Parameters
    ----------
    weights : (N, M) array
        Signed conductances (S).
    inputs : N waveforms or floats
        Row driver voltages (V), e.g. from :func:`spike_waveforms`.
    t_stop : float
        Simulated time (s).
    split : bool, optional
        Run independent neuron groups as separate decks (default: when uncoupled).
    workers : int, optional
        Parallel ngspice processes (default: the number of CPUs).
    keep_waves : bool
        Keep each neuron's waveforms in the result (small arrays only).
    input_events : int
        Number of input events, for the energy per input event.
    progress : callable (done, total), optional
        Called after each part finishes.
    """
    t0 = time.perf_counter()
    st = settings or ArraySettings()
    w = np.asarray(weights, dtype=float)
    if w.ndim != 2 or w.shape[0] < 1 or w.shape[1] < 1:
        raise ParameterError("weights", w.shape, "an N x M array with N, M >= 1")
    c = circuit or neuron_circuit(device, st.neuron)
    parts = plan_parts(w.shape[1], st, split)
    decks = [array_deck(device, c, w, inputs, t_stop, st, cols) for cols in parts]
    from ..sim import run_batch_many

    def analyse(k: int, wf: Waveforms) -> dict[str, Any]:
        return _analyse_part(wf, parts[k], w, c, st.crossbar, keep_waves, device.junction.breakdown_voltage)

    res: list[dict[str, Any]] = run_batch_many(decks, workers=workers, progress=progress, each=analyse)
    vmax = max(r["vmax"] for r in res)
    if vmax > device.junction.breakdown_voltage:
        warnings.warn(BreakdownWarning(f"a junction voltage reached {vmax:.3g} V, above the breakdown "
                                       f"{device.junction.breakdown_voltage:g} V"), stacklevel=2)
    spikes = sorted(sp for r in res for sp in r["spikes"])
    raster = np.array([(j, ts, pol) for j, ts, pol in sorted(spikes, key=lambda x: (x[1], x[0]))],
                      dtype=float).reshape(-1, 3)
    m = w.shape[1]
    e_neur = np.zeros((m, len(_NEURON_PART)))
    sources: dict[str, float] = {}
    for r in res:
        for j, e in r["neurons"]:
            e_neur[j] = [e[_NEURON_PART[p]] for p in ARRAY_PARTS[2:]]
            for k, v in e["sources"].items():
                sources["neuron_" + k] = sources.get("neuron_" + k, 0.0) + v
    first = res[0]  # the rows are identical in every part (all rows are in every deck)
    energy: dict[str, Any] = {
        "crossbar": sum(r["crossbar"] for r in res),
        "drivers": first["driver_r"] + first["driver_static"],
    }
    for k, p in enumerate(ARRAY_PARTS[2:]):
        energy[p] = float(e_neur[:, k].sum())
    if len(res) == 1:
        sources["row_sources"] = first["rows_delivered"]
    else:  # a part's row sources also feed the other columns' lumped load: count each cell once
        sources["row_sources"] = energy["crossbar"] + first["driver_r"]
    sources["driver_supply"] = first["driver_static"]
    energy["total"] = float(sum(sources.values()))
    energy["sources"] = sources
    return ArrayResult(spikes=raster, energy=energy, energy_neurons=e_neur, input_events=int(input_events),
                       parts=parts, netlists=[d[0] for d in decks], wall=time.perf_counter() - t0,
                       part_stats=[r["stats"] for r in res],
                       waves={j: wv for r in res for j, wv in r["waves"].items()}, t_stop=t_stop)


def write_raster_png(spikes: np.ndarray, m: int, t_stop: float, path: str | Path, title: str = "") -> None:
    """Spike raster: neuron against time (ns), positive spikes up-triangles, negative down."""
    from ..plots.base import new_figure, save

    fig, ax = new_figure(1, 1, figsize=(8, max(2.5, min(10, 0.25 * m + 1.5))))
    for pol, mk, col, lab in ((1, "^", "C3", "positive"), (-1, "v", "C0", "negative")):
        sel = spikes[spikes[:, 2] == pol] if spikes.size else np.zeros((0, 3))
        ax.scatter(sel[:, 1] * 1e9, sel[:, 0], marker=mk, s=14 if m <= 64 else 3, color=col, label=lab)
    ax.set_xlim(0, t_stop * 1e9)
    ax.set_ylim(-0.5, m - 0.5)
    ax.set_xlabel("t (ns)")
    ax.set_ylabel("neuron")
    if title:
        ax.set_title(title)
    ax.legend(loc="upper right", fontsize=8)
    save(fig, path)




def workload(n_inputs: int, m: int, t_stop: float, *, i_target: float = 0.6e-3, v_spike: float = 0.2,
             period: float = 10e-9, width: float = 8e-9, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """A reproducible array workload for benchmarks and the power sweep: (weights S, events).

    Every input fires a positive pulse every ``period`` (s) from t = 1 ns, all in step, so each
    event lasts ``width``. Neuron j's weights share one sign (+ for even j, - for odd j) and
    magnitudes ``i_target / (v_spike N) (1 + 0.1 r)``, r uniform in [-1, 1]: every neuron receives
    about ``i_target`` (A) while the inputs are on, whatever N, as a layer with normalised
    fan-in would. Use with ``ArraySettings(v_spike=v_spike, spike_width=width)``.
    """
    rng = np.random.default_rng(seed)
    sign = np.where(np.arange(m) % 2 == 0, 1.0, -1.0)
    mag = i_target / (v_spike * n_inputs) * (1.0 + 0.1 * rng.uniform(-1.0, 1.0, size=(n_inputs, m)))
    w = mag * sign[None, :]
    starts = np.arange(1e-9, t_stop - width, period)
    ev = np.array([(t, i, 1.0) for t in starts for i in range(n_inputs)], dtype=float).reshape(-1, 3)
    return w, ev
