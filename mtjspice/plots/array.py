"""Figures of array runs (matplotlib imported lazily through :mod:`mtjspice.plots.base`)."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from ..results import Raster
from .base import NEGATIVE, POSITIVE, new_figure, save

__all__ = ["plot_raster"]


def plot_raster(raster: Raster, m: int, t_stop: float, path: str | Path, title: str = "") -> None:
    """Spike raster of ``m`` neurons over ``t_stop`` (s): neuron against time (ns), positive spikes
    up-triangles, negative down."""
    spikes = raster.rows()
    fig, ax = new_figure(1, 1, figsize=(8, max(2.5, min(10, 0.25 * m + 1.5))))
    for pol, mk, col, lab in ((1, "^", POSITIVE, "positive"), (-1, "v", NEGATIVE, "negative")):
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
