"""A study's tables as text and CSV rows: accuracy in the paper's form (ideal against device) with
the columns the paper lacks, the ngspice comparison and the energy per inference."""

from __future__ import annotations

import numpy as np

from ..io.outputs import Column
from ..io.reports import validity
from ..results import ARRAY_PARTS
from .accuracy import ACCURACY_COLUMNS, LABELS, LEGEND, accuracy_rows, model_label
from .experiment import StudyResult

__all__ = ["LABELS", "ACCURACY_COLUMNS", "CONFUSION_COLUMNS", "CIRCUIT_COLUMNS", "ENERGY_COLUMNS", "LEGEND",
           "accuracy_rows", "confusion", "rate_columns", "report_text", "weight_columns"]

def _cell(value: object, fmt: str, width: int) -> str:
    """A table cell; NaN (not applicable) is blank."""
    if isinstance(value, float) and not np.isfinite(value):
        return " " * width
    return format(value, f"{width}{fmt}")


CONFUSION_COLUMNS: tuple[Column, ...] = (
    Column("true", "1", "true class of the images counted in this row (digit 0-9)"),
    *(Column(str(k), "1", f"images of the row's class decided as {k}") for k in range(10)),
    Column("none", "1", "images of the row's class with no decision (no output neuron spiked positive)"))

CIRCUIT_COLUMNS: tuple[Column, ...] = (
    Column("image", "1", "test image (index into the test split)"),
    Column("layer", "", "hidden or output"),
    Column("neuron", "1", "neuron of the layer, 0-based"),
    Column("spice_pos", "1", "positive spikes of the neuron in ngspice"),
    Column("spice_neg", "1", "negative spikes of the neuron in ngspice"),
    Column("python_pos", "1", "positive spikes of the same neuron with the Python device model on the same inputs"),
    Column("python_neg", "1", "negative spikes of the same neuron with the Python device model"))

ENERGY_COLUMNS: tuple[Column, ...] = (
    Column("image", "1", "test image (index into the test split)"),
    *(Column(p, "J", f"energy of the part '{p}' over the image's window, both layers' arrays") for p in ARRAY_PARTS),
    Column("total_J", "J", "sum of the parts: the energy of one inference"))


def rate_columns(models: list[str]) -> list[Column]:
    """rate_curves.csv's columns: the DC current and one rate per neuron model."""
    return [Column("current_A", "A", "DC input current of one neuron"),
            *(Column(f"{m}_Hz", "Hz", f"spike rate of the {model_label(m)} neuron: spikes over the study's window "
                     "from rest, divided by the window") for m in models)]


def weight_columns(layer: str, rows: str) -> list[Column]:
    """The description of a weights file (a matrix without a header line)."""
    return [Column(f"column j (of {layer} neurons)", "S", f"stored conductance G+ - G- from row i to {layer} neuron "
                   f"j; rows: {rows}; no header line, '#' comment first (mtjspice array --weights reads it)")]


def confusion(labels: np.ndarray, pred: np.ndarray, classes: int = 10) -> np.ndarray:
    """(classes, classes + 1) counts: row = true class, column = decision, last column = none."""
    out = np.zeros((classes, classes + 1), int)
    for y, p in zip(labels, pred, strict=True):
        out[int(y), int(p) if p >= 0 else classes] += 1
    return out


def _signed(counts: np.ndarray) -> np.ndarray:
    return (counts[..., 0] - counts[..., 1]).argmax(axis=1)


def report_text(res: StudyResult, device_name: str) -> str:
    """The report: setup, accuracy table, ngspice comparison and energy."""
    s, tm, f = res.study, res.study.timing, res.fitted
    h = res.bars.hidden.shape[1]
    lines = [f"mtjspice network: {device_name}, task {s.task}, seed {s.seed}",
             f"network: {res.task.inputs} inputs + bias -> {h} signed neurons -> 10 signed neurons; window "
             f"{tm.window * 1e9:g} ns, grid {tm.dt * 1e12:g} ps, row pulses {tm.v_spike:g} V x "
             f"{tm.spike_width * 1e9:g} ns, static rows {tm.v_in:g} V full scale",
             f"fitted LIF: tau_m = {f.tau_m * 1e9:.4g} ns, gain = {f.gain:.4g} 1/A, gate i_th = {f.i_th * 1e3:.4g} mA; "
             f"ideal LIF: the same without the gate; both u_th = {res.ideal.u_th:g}, t_ref = "
             f"{res.ideal.t_ref * 1e9:g} ns",
             f"rate-model (analog) accuracy on the whole test split: {100 * res.rate_accuracy:.2f} %",
             f"safe range: the device neuron's junction passes its breakdown voltage from |I| = "
             f"{res.i_breakdown * 1e3:.4g} mA DC (column '>bd %': share of neuron-time above it)", "",
             f"{'model':34s} {'images':>6s} {'acc %':>7s} {'CI 95 %':>13s} {'drop pp':>8s} {'undec %':>8s} "
             f"{'hid sp':>7s} {'out sp':>7s} {'s/image':>8s} {'V max':>6s} {'>bd %':>6s}"]
    for row in accuracy_rows(res):
        _, label, n, _k, acc, lo, hi, dr, und, hs, os_, sec, vm, bd = row
        ci = f"{lo:.1f}-{hi:.1f}"
        lines.append(f"{label:34s} {n:6d} {acc:7.2f} {ci:>13s} {_cell(dr, '.2f', 8)} {und:8.2f} {hs:7.1f} "
                     f"{os_:7.1f} {sec:8.3g} {_cell(vm, '.3g', 6)} {_cell(bd, '.3g', 6)}")
    lines += ["", *LEGEND]
    c = res.circuit
    if c is not None:
        e = c.energy.mean(axis=0)
        lines += ["", f"ngspice ({c.index.size} test images, both layers as neuron arrays; Python device model on "
                  "the same inputs):",
                  f"  spike counts within one: hidden {100 * c.agreement('hidden'):.1f} %, output "
                  f"{100 * c.agreement('output'):.1f} %, all {100 * c.agreement():.1f} % of neurons",
                  f"  largest signed output count in the same class as the Python device model's: "
                  f"{100 * float(np.mean(_signed(c.output_spice) == _signed(c.output_python))):.0f} % of images",
                  f"  energy per inference: {c.energy_per_inference * 1e12:.4g} pJ (" +
                  ", ".join(f"{p} {v * 1e12:.3g}" for p, v in zip(ARRAY_PARTS, e, strict=True)) + " pJ)"]
        lines += [f"  warning: {w}" for w in c.warnings[:4]]
    lines += ["", f"validity: the Python device models: {validity('macrospin')}"]
    if c is not None:
        mtj = res.neuron.settings.mtj
        lines += [f"validity: the ngspice arrays' junctions (--mtj {mtj}): {validity(mtj)}"]
    return "\n".join(lines) + "\n"
