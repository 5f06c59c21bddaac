"""Figures of the power sweep (matplotlib imported lazily through :mod:`mtjspice.plots.base`)."""

from __future__ import annotations

import math
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from ..analysis.power import PowerSweep
from ..results import ARRAY_PARTS
from .base import new_figure, save

__all__ = ["plot_power"]


def plot_power(sweep: PowerSweep, extra: Sequence[int], path: str | Path) -> None:
    """Energy share per part against size: simulated (markers) and model (lines, extrapolated)."""
    top = max([*sweep.sizes, *extra])
    grid = np.unique(np.round(np.logspace(0, math.log10(max(top, 2)), 60)))
    mod = np.array([sweep.model(n) for n in grid])
    fig, ax = new_figure(1, 2, figsize=(12, 4.5))
    share = mod / mod.sum(axis=1, keepdims=True) * 100
    sim_share = sweep.energy / sweep.energy.sum(axis=1, keepdims=True) * 100
    for k, p in enumerate(ARRAY_PARTS):
        ax[0].plot(grid, share[:, k], color=f"C{k}", label=p)
        ax[0].plot(sweep.sizes, sim_share[:, k], "o", color=f"C{k}")
        ax[1].loglog(grid, np.maximum(mod[:, k], 1e-30), color=f"C{k}", label=p)
        ax[1].loglog(sweep.sizes, np.maximum(sweep.energy[:, k], 1e-30), "o", color=f"C{k}")
    ax[1].loglog(grid, mod.sum(axis=1), "k--", label="total")
    ax[1].loglog(sweep.sizes, sweep.energy.sum(axis=1), "ko")
    for a in ax:
        a.set_xscale("log")
        a.set_xlabel("array size n (n inputs x n neurons)")
        a.axvline(max(sweep.sizes), color="0.6", lw=0.8, ls=":")
    ax[0].set_ylabel("share of the energy (%)")
    ax[1].set_ylabel(f"energy over {sweep.t_stop * 1e9:g} ns (J)")
    ax[1].set_ylim(bottom=max(1e-18, float(np.min(mod[mod > 0])) / 3) if np.any(mod > 0) else None)
    ax[0].set_title("markers: simulated; lines: fitted model (extrapolated right of the dotted line)")
    ax[0].legend(fontsize=7)
    save(fig, path)
