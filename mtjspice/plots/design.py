"""Figures of a design search: Pareto fronts, the chosen design against the paper's device, the onset's
sensitivities."""

from __future__ import annotations

import math
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from .base import new_figure, save

__all__ = ["plot_pareto", "plot_comparison", "plot_sensitivity"]


def plot_pareto(values: np.ndarray, feasible: np.ndarray, names: Sequence[str], units: Sequence[str],
                path: str | Path, *, best: int, numbers: Sequence[int]) -> None:
    """Yield (column 0 of ``values``, one row per design) against each other objective; feasible
    designs in black, the others grey, the chosen design circled."""
    k = len(names) - 1
    fig, axes = new_figure(1, k, figsize=(3.2 * k, 3.2), squeeze=False)
    nums = np.asarray(numbers)
    for j in range(k):
        ax = axes[0, j]
        x, y = values[:, j + 1], values[:, 0]
        ax.scatter(x[~feasible], y[~feasible], s=12, color="0.7", label="breaks a constraint")
        ax.scatter(x[feasible], y[feasible], s=14, color="black", label="feasible")
        b = nums == best
        ax.scatter(x[b], y[b], s=90, facecolors="none", edgecolors="tab:green", linewidths=2, label="chosen")
        ax.set_xlabel(f"{names[j + 1]} ({units[j + 1]})")
        if names[j + 1] in ("energy", "footprint") and np.any(np.isfinite(x) & (x > 0)):
            ax.set_xscale("log")
        ax.set_ylabel("yield (fraction)" if j == 0 else "")
        ax.set_ylim(-0.03, 1.03)
    axes[0, 0].legend(fontsize=7, loc="best")
    save(fig, path)


def plot_comparison(names: Sequence[str], units: Sequence[str], chosen: Sequence[float], paper: Sequence[float],
                    path: str | Path) -> None:
    """Each objective of the chosen design and of the paper's device, side by side (one panel each)."""
    k = len(names)
    fig, axes = new_figure(1, k, figsize=(2.2 * k, 2.8), squeeze=False)
    for j in range(k):
        ax = axes[0, j]
        vals = [chosen[j], paper[j]]
        ax.bar([0, 1], [v if math.isfinite(v) else 0.0 for v in vals], color=["tab:green", "0.5"])
        for i, v in enumerate(vals):
            ax.text(i, 0, "n/a" if not math.isfinite(v) else "", ha="center", va="bottom")
        ax.set_xticks([0, 1], ["chosen", "paper"])
        ax.set_title(f"{names[j]} ({units[j]})", fontsize=9)
    save(fig, path)


def plot_sensitivity(names: Sequence[str], chosen: Sequence[float], paper: Sequence[float], path: str | Path) -> None:
    """The onset's relative change per step of each parameter (+1 %, Ku +1 kJ/m^3), both designs."""
    fig, ax = new_figure(figsize=(6, 3.2))
    x = np.arange(len(names))
    ax.bar(x - 0.2, 100 * np.asarray(chosen, float), 0.4, color="tab:green", label="chosen")
    ax.bar(x + 0.2, 100 * np.asarray(paper, float), 0.4, color="0.5", label="paper's device")
    ax.set_xticks(x, [n + (" (/kJ/m^3)" if n == "Ku" else " (/1 %)") for n in names], fontsize=8)
    ax.set_ylabel("onset change (%)")
    ax.axhline(0, color="black", linewidth=0.5)
    ax.legend(fontsize=8)
    save(fig, path)
