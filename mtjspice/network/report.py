"""A study's tables as text and CSV rows: accuracy in the paper's form (ideal against device) with
the columns the paper lacks, the ngspice comparison and the energy per inference."""

from __future__ import annotations

import numpy as np

from ..results import ARRAY_PARTS
from .experiment import StudyResult

__all__ = ["LABELS", "accuracy_rows", "confusion", "report_text"]

LABELS = {
    "ideal": "ideal signed LIF",
    "fitted": "fitted device LIF (paper)",
    "device": "macrospin device, 0 K",
    "variation": "device variation, 0 K",
    "variation_trim": "device variation + gain trim",
    "variation_trim_readout": "variation + gain trim + readout cal.",
    "device_tuned": "device, fine-tuned weights",
}


def _label(name: str) -> str:
    if name.startswith("device_") and name.endswith("K"):
        return f"macrospin device, {name[7:-1]} K"
    return LABELS.get(name, name)


def accuracy_rows(res: StudyResult) -> list[tuple[object, ...]]:
    """(model, description, images, accuracy %, drop from ideal pp, undecided %, hidden spikes per
    image, output spikes per image, seconds per image, largest junction voltage V, % of neuron-time
    with the junction above its breakdown voltage)."""
    ideal = next(r.accuracy for r in res.runs if r.model == "ideal")
    rows: list[tuple[object, ...]] = []
    for r in res.runs:
        rows.append((r.model, _label(r.model), int(r.index.size), round(100 * r.accuracy, 2),
                     round(100 * (r.accuracy - ideal), 2), round(100 * r.undecided, 2),
                     round(float(r.hidden_spikes.mean()), 2), round(float((r.pos + r.neg).sum(1).mean()), 2),
                     r.seconds / r.index.size, r.v_max, round(100 * r.over_breakdown, 3)))
    c = res.circuit
    if c is not None:
        rows.append(("ngspice", "neuron arrays in ngspice", int(c.index.size), round(100 * c.accuracy, 2), np.nan,
                     round(100 * float(np.mean(c.predictions < 0)), 2),
                     round(float(c.hidden_spice.sum(axis=(1, 2)).mean()), 2),
                     round(float(c.output_spice.sum(axis=(1, 2)).mean()), 2), c.seconds / c.index.size, np.nan, np.nan))
    return rows


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
             f"{'model':34s} {'images':>6s} {'acc %':>7s} {'drop pp':>8s} {'undec %':>8s} {'hid sp':>7s} "
             f"{'out sp':>7s} {'s/image':>8s} {'V max':>6s} {'>bd %':>6s}"]
    for row in accuracy_rows(res):
        _, label, n, acc, dr, und, hs, os_, sec, vm, bd = row
        lines.append(f"{label:34s} {n:6d} {acc:7.2f} {dr:8.2f} {und:8.2f} {hs:7.1f} {os_:7.1f} {sec:8.3g} "
                     f"{vm:6.3g} {bd:6.3g}")
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
    return "\n".join(lines) + "\n"
