"""Drive levels of an array run at their worst: what each neuron received, how far the rows sagged.

A row driver with output resistance r_driver loads down under the crossbar it drives: a 0.2 V
pulse behind 10 Ohm into a few mS of synapses reaches the row at about 0.13 V, and the neurons
below it receive a third less current than the weights say. These functions turn an array's
waveforms into the numbers a report needs to show that (pure numpy).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from .energy import integral

__all__ = ["NeuronDrive", "RowSag", "neuron_drive", "row_sag"]


@dataclass(frozen=True)
class NeuronDrive:
    """One neuron's input current (A) and its columns' worst voltage (V).

    Attributes
    ----------
    mean : float
        Time average of the input current over the run (A, signed).
    peak : float
        The input current of largest magnitude (A, signed).
    peak_t : float
        Time of ``peak`` (s).
    v_col_worst : float
        Largest |voltage| at the far end of the neuron's two columns (V; 0 for ideal virtual
        grounds without wire resistance).
    """

    mean: float
    peak: float
    peak_t: float
    v_col_worst: float


@dataclass(frozen=True)
class RowSag:
    """One row's voltage at its worst against its source.

    Attributes
    ----------
    v_source_peak : float
        Largest |voltage| of the row's ideal source (V).
    v_row_worst : float
        |Voltage| at the row's far end when it falls furthest below its source (V);
        NaN for a row that never pulses.
    sag : float
        Largest (|source| - |row|) / |source| while |source| is at least half its peak
        (dimensionless); NaN for a row that never pulses.
    """

    v_source_peak: float
    v_row_worst: float
    sag: float


def neuron_drive(t: np.ndarray, i_in: np.ndarray, v_cols: Sequence[np.ndarray] = ()) -> NeuronDrive:
    """The drive of one neuron from its input current ``i_in`` (A) at times ``t`` (s), and the
    voltages ``v_cols`` (V) of its columns' far ends (none: ideal virtual grounds at 0 V)."""
    t, i_in = np.asarray(t, float), np.asarray(i_in, float)
    span = float(t[-1] - t[0]) if t.size > 1 else 0.0
    mean = integral(t, i_in) / span if span > 0 else float(i_in.mean())
    k = int(np.argmax(np.abs(i_in)))
    v_col = max((float(np.max(np.abs(v))) for v in v_cols), default=0.0)
    return NeuronDrive(mean=float(mean), peak=float(i_in[k]), peak_t=float(t[k]), v_col_worst=v_col)


def row_sag(v_source: np.ndarray, v_row: np.ndarray) -> RowSag:
    """How far a row (far-end voltage ``v_row``, V) falls below its ideal source ``v_source`` (V)."""
    src, row = np.abs(np.asarray(v_source, float)), np.abs(np.asarray(v_row, float))
    peak = float(src.max()) if src.size else 0.0
    if peak <= 0:
        return RowSag(0.0, float("nan"), float("nan"))
    on = src >= 0.5 * peak
    lost = np.where(on, (src - row) / np.where(on, src, 1.0), -np.inf)
    worst = float(lost.max())
    near = np.flatnonzero(lost >= worst - 1e-9)  # a resistive row sags in proportion: the same loss
    k = int(near[np.argmax(src[near])])  # on an edge as on the top; report the top
    return RowSag(v_source_peak=peak, v_row_worst=float(row[k]), sag=float(lost[k]))
