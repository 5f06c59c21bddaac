"""Helpers shared by every figure. matplotlib is imported inside each function, never at package import.

Colours of sign: every figure draws what is positive (positive spikes, +I, the upper threshold) in
:data:`POSITIVE` and what is negative in :data:`NEGATIVE`, and uses neither colour for anything else.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import numpy as np

__all__ = ["new_figure", "save", "POSITIVE", "NEGATIVE", "count_bins"]

#: Colour of positive spikes, positive inputs and everything else of positive sign, in every figure.
POSITIVE = "tab:red"
#: Colour of negative spikes, negative inputs and everything else of negative sign, in every figure.
NEGATIVE = "tab:blue"


def new_figure(rows: int = 1, cols: int = 1, **kw: Any) -> tuple[Any, Any]:
    """A figure on the non-interactive Agg backend and its axes."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt.subplots(rows, cols, **kw)


def count_bins(x: np.ndarray, most: int = 30) -> np.ndarray:
    """Histogram bin edges for integer counts: edges at half-integers, so every bin holds whole
    counts (one count per bin, or ``ceil(range / most)`` counts per bin for a wide range)."""
    x = np.asarray(x, dtype=float)
    x = x[np.isfinite(x)]
    lo, hi = (math.floor(float(x.min())), math.ceil(float(x.max()))) if x.size else (0, 0)
    width = max(1, math.ceil((hi - lo + 1) / most))
    return np.arange(lo, hi + width + 1, width, dtype=float) - 0.5


def save(fig: Any, path: str | Path) -> None:
    """Save and close a figure.

    Every text the package wrote is drawn as it is: a ``$`` in a device or file name is not
    matplotlib mathtext (an unbalanced one would fail the figure, a balanced one would garble the
    name), tick labels given as names included. Numbers the tick formatters write keep mathtext: the
    log axes write ``10^-9`` as ``$\\mathdefault{10^{-9}}$``, which prints as code when mathtext is off."""
    from matplotlib.text import Text

    ticks: set[int] = set()
    for ax in fig.axes:
        for axis in (ax.xaxis, ax.yaxis):
            ticks.update(id(t) for t in axis.get_ticklabels(which="both"))
            ticks.add(id(axis.get_offset_text()))
    for text in fig.findobj(Text):
        written = text.get_text()
        if id(text) in ticks and ("$" not in written or "\\mathdefault" in written):
            continue  # a formatter's number: keep its mathtext
        text.set_parse_math(False)
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    import matplotlib.pyplot as plt

    plt.close(fig)
