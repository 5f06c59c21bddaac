"""Readers of the array's input files: weights and input events (CSV).

* **Weights CSV**: N lines of M comma-separated signed conductances in siemens (line i, column j
  is the weight from input i to neuron j; ``G+ - G-`` of the differential pair). Blank lines and
  ``#`` comments are skipped; no header. Values may carry SPICE suffixes (``1.3m``). A ``g_unit``
  scale multiplies every value, so the file may hold dimensionless weights with ``g_unit`` = 1 mS.
* **Spikes CSV**: header ``t,input,sign``, then one input event per line: time (s), 0-based input
  index, +1 or -1 (times may carry SPICE suffixes: ``2.5n``). Each event becomes a voltage pulse
  ``sign x v_spike`` of width ``spike_width`` on that input's row driver
  (:func:`mtjspice.stimulus.spike_waveforms`); overlapping pulses on one row add.

Both are UTF-8 text, with or without a byte-order mark. Errors name the file and the line.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np

from ..errors import InputFileError, ParameterError
from ..textio import read_text
from ..units import parse_si

__all__ = ["read_weights", "read_spikes"]


def _number(cell: str) -> float | None:
    """``cell`` as a float (SPICE suffixes allowed; nan and inf pass through for the caller to
    refuse by name), or None if it is not a number."""
    try:
        return float(cell)  # the common case, fast; "nan" and "inf" too (numbers, but not finite)
    except ValueError:
        pass
    try:
        return parse_si(cell, "value")
    except ParameterError:
        return None


def _data_lines(path: Path, what: str) -> list[tuple[int, str]]:
    text = read_text(path, what)
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
        raise ParameterError("g_unit", g_unit, "a conductance > 0 (S per file unit)")
    rows: list[list[float]] = []
    last = 0
    for k, s in _data_lines(p, "weights file"):
        last = k
        vals = []
        for col, cell in enumerate(s.split(","), start=1):
            cell = cell.strip()
            v = _number(cell)
            if v is None:
                raise InputFileError(p, f"column {col}: {cell!r} is not a number (weights are conductances in S; "
                                     "SPICE suffixes allowed)", k)
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
    lines = _data_lines(p, "spikes file")
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
        t, idx, sign = (_number(c) for c in cells)
        if t is None or idx is None or sign is None:
            raise InputFileError(p, f"{s!r} is not three numbers t,input,sign (t in s, SPICE suffixes allowed)", k)
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
