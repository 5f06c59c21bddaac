"""Figure of the margin budget (matplotlib imported lazily, inside the function and :mod:`.base`)."""

from __future__ import annotations

import math
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from .base import new_figure, save

__all__ = ["plot_margin"]


def plot_margin(effects: Sequence[str], ratios: Sequence[float], onsets: Sequence[tuple[float, float]],
                firings: Sequence[tuple[float, float]], path: str | Path) -> None:
    """Left: each effect's field scale over the easy-axis margin (log scale; 1 dashed). Right: onset from
    rest and firing threshold of each sign per row (mA; rows that do not fire below the scan's limit are
    drawn at its edge as open markers).

    Parameters
    ----------
    effects : row names; ratios : field / margin (dimensionless, nan where none);
    onsets, firings : (positive, negative) currents per row (A, inf when none); path : PNG file.
    """
    fig, (a1, a2) = new_figure(1, 2, figsize=(11, 4.5))
    y = np.arange(len(effects))
    r = np.array([x if math.isfinite(x) and x > 0 else np.nan for x in ratios])
    a1.barh(y, r, color="#4c72b0")
    a1.axvline(1.0, color="k", ls="--", lw=1)
    a1.set_xscale("log")
    a1.set_yticks(y, list(effects))
    a1.set_xlabel("field scale / easy-axis margin Ms (Nx - Nz)")
    a1.invert_yaxis()
    vals = [v for pair in (*onsets, *firings) for v in pair if math.isfinite(v)]
    top = 1.1 * max(vals) * 1e3 if vals else 1.0
    for k, (data, marker, label) in enumerate(((onsets, "o", "onset"), (firings, "s", "firing"))):
        for j, (sign, color) in enumerate((("+", "#c44e52"), ("-", "#55a868"))):
            xs = np.array([d[j] for d in data], float) * 1e3
            off = 0.15 * (2 * k + j - 1.5)
            ok = np.isfinite(xs)
            a2.plot(xs[ok], y[ok] + off, marker, color=color, label=f"{label} {sign}")
            a2.plot(np.full((~ok).sum(), top), y[~ok] + off, marker, mfc="none", color=color)
    a2.set_yticks(y, list(effects))
    a2.invert_yaxis()
    a2.set_xlabel("current (mA)")
    a2.legend(fontsize=8, loc="best")
    save(fig, path)
