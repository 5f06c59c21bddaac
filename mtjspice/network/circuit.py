"""The network in ngspice: both crossbars with their MTJ neurons run as ``mtjspice array`` decks,
layer by layer, on a few test images; their spikes against the Python device model's on the same
inputs, and the energy of an inference with the peripherals.

For each image the hidden array gets the image's rows (DC voltages for digits, the filtered event
rows for events, as PWL sources through the corners of :meth:`~mtjspice.network.settings.Timing.pulses`)
and the bias row; its spikes, put on the time grid, become the output array's filtered
rows (ideal spike drivers with the synaptic low-pass between the layers). The Python device model
(:class:`~mtjspice.network.neurons.DeviceNeuron`) runs the hidden layer on the same rows and the
output layer on the *ngspice* hidden spikes, so each layer is compared on identical inputs. The
energy per inference is the two arrays' delivered energy over the window, every part of
:data:`mtjspice.results.ARRAY_PARTS` (crossbar, drivers, junctions, readout, comparators, reset
and input gating), summed.
"""

from __future__ import annotations

import time
import warnings
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from ..circuits.array import ArrayJob, ArraySettings, run_array
from ..circuits.neuronobject import Neuron
from ..results import ARRAY_PARTS, Raster
from ..runoptions import RunOptions
from ..stimulus import PWL, Waveform
from .infer import Crossbars, decide, hidden_currents, layer_inputs
from .neurons import DeviceNeuron
from .settings import Timing
from .tasks import Task
from .train import CLASSES

__all__ = ["CircuitRun", "row_sources", "run_circuit"]


@dataclass(frozen=True)
class CircuitRun:
    """The ngspice network on a few test images.

    Attributes
    ----------
    index : (n,) array
        Test-set indices.
    labels, predictions : (n,) arrays
        True class and the circuit's decision (-1: none).
    hidden_spice, hidden_python : (n, H, 2) arrays
        Positive and negative spikes per hidden neuron: ngspice, Python device model.
    output_spice, output_python : (n, M, 2) arrays
        The same for the output neurons (Python fed with the ngspice hidden spikes).
    energy : (n, len(ARRAY_PARTS)) array
        Energy per part of both arrays per inference (J).
    seconds : float
        Wall time (s).
    warnings : list of str
        Warnings of the array runs (breakdown), once each.
    """

    index: np.ndarray
    labels: np.ndarray
    predictions: np.ndarray
    hidden_spice: np.ndarray
    hidden_python: np.ndarray
    output_spice: np.ndarray
    output_python: np.ndarray
    energy: np.ndarray
    seconds: float
    warnings: list[str]

    def agreement(self, layer: str = "all") -> float:
        """Share of (image, neuron) pairs whose spike counts (both signs) differ by at most one."""
        pairs = {"hidden": [(self.hidden_spice, self.hidden_python)],
                 "output": [(self.output_spice, self.output_python)]}
        use = pairs["hidden"] + pairs["output"] if layer == "all" else pairs[layer]
        ok = np.concatenate([(np.abs(a.sum(-1) - b.sum(-1)) <= 1).ravel() for a, b in use])
        return float(ok.mean())

    @property
    def accuracy(self) -> float:
        return float(np.mean(self.predictions == self.labels))

    @property
    def energy_per_inference(self) -> float:
        """Mean total energy per image (J)."""
        return float(self.energy.sum(axis=1).mean())


def row_sources(spikes: np.ndarray, timing: Timing) -> list[Waveform | float]:
    """The row drivers of signed grid spikes (steps, N): each row's :meth:`Timing.pulses` as a
    PWL source through its corners (0 V for a silent row), the rows the Python models see."""
    times, vals = timing.corners(timing.pulses(spikes))
    return [PWL(times, vals[:, j]) if np.any(vals[:, j]) else 0.0 for j in range(vals.shape[1])]


def _grid(raster: Raster, m: int, timing: Timing) -> np.ndarray:
    out = np.zeros((timing.steps, m), dtype=np.int8)
    for j, t, p in raster.rows():
        out[min(timing.steps - 1, int(round(t / timing.dt))), int(j)] = int(p)
    return out


def _counts(s: np.ndarray) -> np.ndarray:
    return np.stack([(s > 0).sum(axis=0), (s < 0).sum(axis=0)], axis=-1)


def run_circuit(neuron: Neuron, task: Task, bars: Crossbars, timing: Timing, index: np.ndarray, model: DeviceNeuron,
                *, options: RunOptions | None = None, progress: Callable[[int, int], None] | None = None) -> CircuitRun:
    """Run test images ``index`` through the network in ngspice (module docstring), every neuron
    ``neuron`` (its settings' ``mtj`` and ``compact`` choose the arrays' junction model);
    ``options.workers`` ngspice processes at once (None: the number of CPUs; the other fields are not
    used); ``progress(done, total)`` after each image."""
    t0 = time.perf_counter()
    Neuron.given(neuron)
    RunOptions.given(options)  # refuses anything but None or a RunOptions; None keeps its meaning below
    opts = RunOptions(workers=None if options is None else options.workers)
    st = ArraySettings(crossbar=bars.crossbar, v_spike=timing.v_spike, spike_width=timing.spike_width)
    idx = np.asarray(index, int)
    h, m = bars.hidden.shape[1], bars.output.shape[1]
    hs, hp = np.zeros((idx.size, h, 2), int), np.zeros((idx.size, h, 2), int)
    os_, op = np.zeros((idx.size, m, 2), int), np.zeros((idx.size, m, 2), int)
    first = np.full((idx.size, m), np.iinfo(np.int64).max)
    energy = np.zeros((idx.size, len(ARRAY_PARTS)))
    seen: list[str] = []
    for k, i in enumerate(idx):
        rows: list[Waveform | float]
        if task.name == "digits":
            rows = [float(v) for v in task.static_rows(np.array([i]))[0]]
        else:
            rows = row_sources(task.test_spikes(np.array([i]), timing)[:, 0, :], timing)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            rh = run_array(neuron, ArrayJob(bars.hidden, [*rows, timing.v_in], timing.window), st, options=opts)
            s_h = _grid(rh.spikes, h, timing)
            rows_o = [*row_sources(s_h, timing), timing.v_in]
            ro = run_array(neuron, ArrayJob(bars.output, rows_o, timing.window), st, options=opts)
        for cw in caught:
            text = str(cw.message).split(":")[0]
            if text not in seen:
                seen.append(text)
        s_o = _grid(ro.spikes, m, timing)
        hs[k], os_[k] = _counts(s_h), _counts(s_o)
        first[k] = np.where((s_o > 0).any(axis=0), (s_o > 0).argmax(axis=0), first[k])
        hp[k] = _counts(model.run("hidden", hidden_currents(task, np.array([i]), bars, timing), timing)[:, 0, :])
        i_o = layer_inputs(timing.pulses(s_h[:, None, :]), bars.output, bars.crossbar, timing.v_in)
        op[k] = _counts(model.run("output", i_o, timing)[:, 0, :])
        energy[k] = [rh.energy[p] + ro.energy[p] for p in ARRAY_PARTS]
        if progress is not None:
            progress(k + 1, idx.size)
    pred = decide(os_[..., 0], os_[..., 1], first, max(1, m // CLASSES))
    return CircuitRun(index=idx, labels=task.y_test[idx], predictions=pred, hidden_spice=hs, hidden_python=hp,
                      output_spice=os_, output_python=op, energy=energy, seconds=time.perf_counter() - t0,
                      warnings=seen)
