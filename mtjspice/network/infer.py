"""Inference: the trained conductances placed in crossbars, and one network run with any neuron
model (same weights, same inputs).

Placement (:func:`deploy`). Each crossbar is the array of ``mtjspice array``: row drivers with an
output resistance ``r_driver``, differential columns G+ = g_min + max(w, 0), G- = g_min +
max(-w, 0) ending in virtual grounds. A row's voltage therefore sags to V / (1 + r_driver sum_j
(G+ + G-)); the stored conductances are scaled per row so that the sagged rows give the trained
currents exactly, and the Python models compute their inputs through the same sag
(:func:`effective`), so they and ngspice see one linear map.

Run (:func:`run_network`): per minibatch of images, hidden currents (rows x effective weights,
the bias row at ``v_in``) -> hidden spikes -> their row pulses (:meth:`Timing.pulses`) -> output
currents -> output spikes. Decision: the class with the largest signed spike count (positive minus
negative; with k output neurons per class, :class:`~mtjspice.network.train.TrainSettings`'s
``per_class``, the sum over the class's k neurons, columns c k ... c k + k - 1); a tie goes to the
earliest positive spike among the tied classes (a class's first is the earliest of its neurons'),
and a tie without any positive spike is no decision (counted as an error).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from ..budget import MEMORY_FRACTION, available_memory, check_memory
from ..errors import ParameterError
from ..netlist.array import ArrayCircuit
from .neurons import NeuronModel
from .settings import Timing
from .tasks import Task
from .train import CLASSES, Weights

__all__ = ["Crossbars", "NetworkRun", "decide", "deploy", "effective", "layer_inputs", "run_network"]

#: Hidden neurons per minibatch (images x hidden neurons), memory permitting: the device model's
#: solver costs least per device-step from about 4096 devices per batch, and the output layer's
#: batch (images x output neurons) gains up to 8192 hidden ones (256 digits images).
_DEVICES_PER_CALL = 8192


@dataclass(frozen=True)
class Crossbars:
    """The conductances as stored in the two crossbars (S); rows: inputs then the bias row."""

    hidden: np.ndarray
    output: np.ndarray
    crossbar: ArrayCircuit


def _row_load(g: np.ndarray, xb: ArrayCircuit) -> np.ndarray:
    return np.abs(g).sum(axis=1) + 2 * xb.g_min * g.shape[1]


def deploy(w: Weights, crossbar: ArrayCircuit | None = None) -> Crossbars:
    """Stored conductances whose sagged rows give the trained ones (module docstring)."""
    xb = crossbar or ArrayCircuit()
    out = []
    for name, g in (("hidden", w.hidden), ("output", w.output)):
        r_sum = xb.r_driver * np.abs(g).sum(axis=1)
        if np.any(r_sum >= 0.9):
            raise ParameterError(f"weights.{name}", float(r_sum.max()), "rows whose driver resistance x conductance "
                                 "sum stays below 0.9 (raise v_in / v_spike to lower the conductances)")
        scale = (1 + 2 * xb.r_driver * xb.g_min * g.shape[1]) / (1 - r_sum)
        out.append(g * scale[:, None])
    return Crossbars(out[0], out[1], xb)


def effective(g: np.ndarray, crossbar: ArrayCircuit) -> np.ndarray:
    """The conductances as the columns see them: each row scaled by its driver's sag."""
    return g / (1 + crossbar.r_driver * _row_load(g, crossbar))[:, None]


def layer_inputs(rows: np.ndarray, g: np.ndarray, crossbar: ArrayCircuit, v_bias: float) -> np.ndarray:
    """Column currents (A) of row voltages ``rows`` (..., N) through stored conductances ``g`` (N + 1, M)."""
    ge = effective(g, crossbar)
    return rows @ ge[:-1] + v_bias * ge[-1]


def decide(pos: np.ndarray, neg: np.ndarray, first: np.ndarray, per_class: int = 1) -> np.ndarray:
    """Class per image from the output neurons' spike counts (n, C k) and first positive spike
    index (n, C k; large if none), k = ``per_class`` neurons per class, class c's the columns
    c k ... c k + k - 1; -1 for no decision (module docstring)."""
    n, m = np.shape(first)
    if per_class < 1 or m % per_class:
        raise ParameterError("per_class", per_class, f"a whole divisor of the {m} output neurons")
    score = (np.asarray(pos) - np.asarray(neg)).reshape(n, m // per_class, per_class).sum(axis=2)
    first = np.asarray(first).reshape(n, m // per_class, per_class).min(axis=2)
    best = score.max(axis=1, keepdims=True)
    tied = score == best
    early = np.where(tied, first, np.iinfo(np.int64).max)
    pick = early.argmin(axis=1)
    unique = tied.sum(axis=1) == 1
    has = early.min(axis=1) < np.iinfo(np.int64).max
    return np.where(unique | has, pick, -1)


@dataclass(frozen=True)
class NetworkRun:
    """One model's run over test images.

    Attributes
    ----------
    model : str
    index : (n,) array
        Test-set indices of the images.
    labels, predictions : (n,) arrays
        True class and decision (-1: none).
    pos, neg : (n, 10 k) arrays
        Positive and negative spikes per image of each output neuron (k per class).
    hidden_spikes : (n,) array
        Hidden spikes (both signs) per image.
    rasters : list of (layer, neuron, t, sign) arrays
        Every spike of the first few images (layer 0 hidden, 1 output; t in s).
    seconds : float
        Wall time of the run (s).
    v_max : float
        Largest junction voltage (V) of the device models (nan for the LIF).
    over_breakdown : float
        Share of neuron-time (all neurons, the whole window, every image) with the junction
        voltage above the breakdown voltage (nan for the LIF).
    """

    model: str
    index: np.ndarray
    labels: np.ndarray
    predictions: np.ndarray
    pos: np.ndarray
    neg: np.ndarray
    hidden_spikes: np.ndarray
    rasters: list[np.ndarray]
    seconds: float
    v_max: float
    over_breakdown: float = float("nan")

    @property
    def accuracy(self) -> float:
        return float(np.mean(self.predictions == self.labels))

    @property
    def undecided(self) -> float:
        return float(np.mean(self.predictions < 0))


def input_rows(task: Task, index: np.ndarray, timing: Timing) -> np.ndarray:
    """Row voltages (V) of the hidden crossbar's input rows: (B, 64) DC for digits, (steps, B, 64)
    pulses for events."""
    if task.name == "digits":
        return task.static_rows(index)
    return timing.pulses(task.test_spikes(index, timing))


def hidden_currents(task: Task, index: np.ndarray, bars: Crossbars, timing: Timing) -> np.ndarray:
    """Hidden neurons' input currents (steps, B, H) (A)."""
    cur = layer_inputs(input_rows(task, index, timing), bars.hidden, bars.crossbar, timing.v_in)
    if cur.ndim == 2:
        cur = np.broadcast_to(cur[None], (timing.steps, *cur.shape))
    return np.ascontiguousarray(cur)


def run_network(task: Task, bars: Crossbars, model: NeuronModel, timing: Timing, index: np.ndarray, *,
                batch: int | None = None, keep: int = 3,
                progress: Callable[[int, int], None] | None = None) -> NetworkRun:
    """Run test images ``index`` through the network with ``model`` (module docstring)."""
    t0 = time.perf_counter()
    idx = np.asarray(index, int)
    h, m = bars.hidden.shape[1], bars.output.shape[1]
    per_image = timing.steps * (2 * task.inputs + 6 * h + 6 * m + 400) * 8
    fits = int(MEMORY_FRACTION * available_memory() // per_image)  # images whose signals fit in memory
    b = batch or max(1, min(idx.size, _DEVICES_PER_CALL // h, fits))
    check_memory(per_image * b, "images", idx.size, f"{b} images x {timing.steps} time samples x "
                 f"{task.inputs + h + m} signals", "run fewer images per batch (a smaller window or network)")
    pos, neg = np.zeros((idx.size, m), int), np.zeros((idx.size, m), int)
    first = np.full((idx.size, m), np.iinfo(np.int64).max)
    hid = np.zeros(idx.size, int)
    rasters: list[np.ndarray] = []
    v_max, over = float("nan"), 0.0
    chunks = list(range(0, idx.size, b))
    sim = getattr(model, "simulate", None)
    for c, lo in enumerate(chunks):
        ix = idx[lo:lo + b]
        i_h = hidden_currents(task, ix, bars, timing)
        i_o: np.ndarray
        if sim is not None:
            r_h = sim("hidden", i_h, timing, c)
            s_h = r_h.spikes
            i_o = layer_inputs(timing.pulses(s_h), bars.output, bars.crossbar, timing.v_in)
            r_o = sim("output", i_o, timing, c)
            s_o = r_o.spikes
            v_max = float(np.nanmax([v_max, r_h.v_max.max(), r_o.v_max.max()]))
            over += float(r_h.over.sum() + r_o.over.sum())
        else:
            s_h = model.run("hidden", i_h, timing, c)
            i_o = layer_inputs(timing.pulses(s_h), bars.output, bars.crossbar, timing.v_in)
            s_o = model.run("output", i_o, timing, c)
        sl = slice(lo, lo + ix.size)
        pos[sl] = (s_o > 0).sum(axis=0)
        neg[sl] = (s_o < 0).sum(axis=0)
        hid[sl] = (s_h != 0).sum(axis=(0, 2))
        has = (s_o > 0).any(axis=0)
        first[sl] = np.where(has, (s_o > 0).argmax(axis=0), first[sl])
        for j in range(ix.size):
            if len(rasters) >= keep:
                break
            rows = []
            for layer, s in ((0, s_h), (1, s_o)):
                t, n = np.nonzero(s[:, j, :])
                rows.append(np.column_stack([np.full(t.size, layer), n, t * timing.dt, s[t, j, n]]))
            rasters.append(np.vstack(rows))
        if progress is not None:
            progress(c + 1, len(chunks))
    return NetworkRun(model=getattr(model, "name", "model"), index=idx, labels=task.y_test[idx],
                      predictions=decide(pos, neg, first, max(1, m // CLASSES)), pos=pos, neg=neg, hidden_spikes=hid,
                      rasters=rasters,
                      seconds=time.perf_counter() - t0, v_max=float(v_max),
                      over_breakdown=over / (idx.size * (h + m)) if sim is not None else float("nan"))
