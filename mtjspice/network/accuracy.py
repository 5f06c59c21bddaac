"""The accuracy table of a network study: one row per neuron model (and the ngspice run), the rows
of ``accuracy.csv`` and of :meth:`mtjspice.network.experiment.StudyResult.to_frame`."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

import numpy as np

from ..analysis.stats import wilson_interval
from ..frame import Frame
from ..io.outputs import Column
from .circuit import CircuitRun
from .infer import NetworkRun

__all__ = ["LABELS", "ACCURACY_COLUMNS", "LEGEND", "accuracy_rows", "accuracy_frame", "model_label"]


class _Runs(Protocol):
    @property
    def runs(self) -> Sequence[NetworkRun]: ...

    @property
    def circuit(self) -> CircuitRun | None: ...


LABELS = {
    "ideal": "ideal signed LIF",
    "fitted": "fitted device LIF (paper)",
    "device": "macrospin device, 0 K",
    "variation": "device variation, 0 K",
    "variation_trim": "device variation + gain trim",
    "variation_trim_readout": "variation + gain trim + readout cal.",
    "device_tuned": "device, fine-tuned weights",
}


def model_label(name: str) -> str:
    if name.startswith("device_") and name.endswith("K"):
        return f"macrospin device, {name[7:-1]} K"
    return LABELS.get(name, name)


#: The columns of accuracy.csv, the rows of :func:`accuracy_rows` (the report's table shows the same).
ACCURACY_COLUMNS: tuple[Column, ...] = (
    Column("model", "", "neuron model (ideal, fitted, device, device_<T>K, variation, variation_trim, "
           "variation_trim_readout, device_tuned, ngspice)"),
    Column("description", "", "what the model is, in words"),
    Column("images", "1", "test images run with this model"),
    Column("correct", "1", "images whose decision (largest signed output count) is the true class"),
    Column("accuracy_percent", "%", "correct / images x 100 (the table's 'acc %')"),
    Column("accuracy_low_percent", "%", "lower end of the 95 % Wilson confidence interval of the accuracy "
           "(the table's 'CI 95 %')"),
    Column("accuracy_high_percent", "%", "upper end of the 95 % Wilson confidence interval of the accuracy"),
    Column("drop_pp", "%", "accuracy minus the ideal LIF's on the same images, in percentage points (the "
           "table's 'drop pp'); the ngspice row is held against the ideal LIF's first images, the ones it ran"),
    Column("undecided_percent", "%", "share of images with no decision: no output neuron spiked positive (the "
           "table's 'undec %')"),
    Column("hidden_spikes_per_image", "1", "spikes of the hidden layer per image, both signs, summed over its "
           "neurons (the table's 'hid sp')"),
    Column("output_spikes_per_image", "1", "spikes of the output neurons per image, both signs (the table's "
           "'out sp')"),
    Column("seconds_per_image", "s", "wall time per image of this model's run"),
    Column("v_junction_max", "V", "largest junction voltage of any neuron over the run (the table's 'V max'); "
           "empty for the LIF models (no junction) and for ngspice (its warnings say when breakdown is passed)"),
    Column("over_breakdown_percent", "%", "share of neuron-time with the junction above its breakdown voltage "
           "(the table's '>bd %'); empty where V max is"),
)

#: The report table's headings and what each means (printed under the table).
LEGEND = (
    "acc %: test images classified right; CI 95 %: its Wilson confidence interval (few images give a wide one)",
    "drop pp: accuracy minus the ideal LIF's on the same images (percentage points; negative = worse)",
    "undec %: images with no decision (no output neuron spiked positive)",
    "hid sp / out sp: spikes per image of the hidden layer / the outputs, both signs, summed over the layer",
    "s/image: wall time per image; V max: largest junction voltage of any neuron (V); >bd %: share of "
    "neuron-time above the junction's breakdown voltage",
    "a blank cell: not applicable (the LIF models have no junction; the ngspice run does not record V max)",
)


def _interval(k: int, n: int) -> tuple[float, float]:
    lo, hi = wilson_interval(k, n) if n else (np.nan, np.nan)
    return round(100 * lo, 2), round(100 * hi, 2)


def accuracy_rows(res: _Runs) -> list[tuple[object, ...]]:
    """One row per model of a study (its ``runs`` and ``circuit``), columns :data:`ACCURACY_COLUMNS`
    (NaN where not applicable)."""
    ideal = next(r for r in res.runs if r.model == "ideal")
    ideal_ok = dict(zip(ideal.index.tolist(), (ideal.predictions == ideal.labels).tolist(), strict=True))

    def drop(index: np.ndarray, accuracy: float) -> float:
        if not all(int(i) in ideal_ok for i in index):
            return np.nan
        return round(100 * (accuracy - float(np.mean([ideal_ok[int(i)] for i in index]))), 2)

    rows: list[tuple[object, ...]] = []
    for r in res.runs:
        n, k = int(r.index.size), int(np.sum(r.predictions == r.labels))
        rows.append((r.model, model_label(r.model), n, k, round(100 * r.accuracy, 2), *_interval(k, n),
                     drop(r.index, r.accuracy), round(100 * r.undecided, 2),
                     round(float(r.hidden_spikes.mean()), 2), round(float((r.pos + r.neg).sum(1).mean()), 2),
                     r.seconds / r.index.size, r.v_max, round(100 * r.over_breakdown, 3)))
    c = res.circuit
    if c is not None:
        n, k = int(c.index.size), int(np.sum(c.predictions == c.labels))
        rows.append(("ngspice", "neuron arrays in ngspice", n, k, round(100 * c.accuracy, 2), *_interval(k, n),
                     drop(c.index, c.accuracy), round(100 * float(np.mean(c.predictions < 0)), 2),
                     round(float(c.hidden_spice.sum(axis=(1, 2)).mean()), 2),
                     round(float(c.output_spice.sum(axis=(1, 2)).mean()), 2), c.seconds / c.index.size, np.nan, np.nan))
    return rows


def accuracy_frame(res: _Runs) -> Frame:
    """:func:`accuracy_rows` as a :class:`~mtjspice.frame.Frame` (``accuracy.csv``'s columns and units)."""
    rows = accuracy_rows(res)
    names = [c.name for c in ACCURACY_COLUMNS]
    cols = {}
    for k, name in enumerate(names):
        v = [r[k] for r in rows]
        cols[name] = np.array(v, dtype=object if isinstance(v[0], str) else (np.int64 if isinstance(v[0], int) else float))
    return Frame(cols, {c.name: c.unit for c in ACCURACY_COLUMNS})
