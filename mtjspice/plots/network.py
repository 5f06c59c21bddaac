"""Figures of ``mtjspice network``: accuracy per neuron model, confusion matrices, spike rasters,
rate curves (plain arrays in, one PNG out each)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np

from .base import NEGATIVE, POSITIVE, new_figure, save

__all__ = ["plot_accuracy", "plot_confusion", "plot_rasters", "plot_curves"]


def plot_accuracy(labels: Sequence[str], correct: Sequence[int], images: Sequence[int],
                  interval: Sequence[tuple[float, float]], path: Path, title: str) -> None:
    """Accuracy (%) per model: a point with its 95 % confidence interval as error bars and
    ``correct/images`` written beside it, so a row of one image shows as a wide interval, not as a
    full 100 % bar. ``interval``: (low, high) in %."""
    fig, ax = new_figure(figsize=(7.5, 0.45 * len(labels) + 1.8))
    y = np.arange(len(labels))
    lo = np.array([a for a, _ in interval], dtype=float)
    hi = np.array([b for _, b in interval], dtype=float)
    acc = np.array([100.0 * k / n if n else np.nan for k, n in zip(correct, images, strict=True)])
    ax.errorbar(acc, y, xerr=np.clip([acc - lo, hi - acc], 0, None), fmt="o", color="k", ecolor="0.45", elinewidth=2.5, capsize=5,
                label="measured accuracy, with its 95 % confidence interval (Wilson)")
    for k, (a, c, n) in enumerate(zip(acc, correct, images, strict=True)):
        ax.text(min(hi[k], 100.0) + 1.0, k, f"{a:.1f} % ({c}/{n} images)", va="center", fontsize=8)
    ax.set_yticks(y, labels)
    ax.set_ylim(len(labels) - 0.5, -0.5)  # first model on top
    ax.set_xlim(0, 130)
    ax.set_xticks(range(0, 101, 20))
    ax.set_xlabel("test accuracy (%)")
    ax.set_title(title, fontsize=10)
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.22), fontsize=7, frameon=False)
    save(fig, path)


def plot_confusion(mats: Sequence[np.ndarray], names: Sequence[str], path: Path) -> None:
    """Confusion matrices (rows true class, columns decision, last column no decision)."""
    fig, axes = new_figure(1, len(mats), figsize=(4.2 * len(mats), 4), squeeze=False)
    for ax, m, name in zip(axes[0], mats, names, strict=True):
        ax.imshow(m, cmap="Blues")
        for (i, j), v in np.ndenumerate(m):
            if v:
                ax.text(j, i, str(v), ha="center", va="center", fontsize=6)
        ax.set_xticks(range(m.shape[1]), [str(k) for k in range(m.shape[1] - 1)] + ["-"])
        ax.set_yticks(range(m.shape[0]))
        ax.set_xlabel("decision")
        ax.set_ylabel("true class")
        ax.set_title(name, fontsize=9)
    save(fig, path)


def plot_rasters(rasters: Sequence[Sequence[np.ndarray]], names: Sequence[str], labels: Sequence[int], hidden: int,
                 window: float, path: Path) -> None:
    """Spike rasters: one row of panels per image, one column per model; rows (layer, neuron, t, sign)."""
    n_img = min(len(r) for r in rasters)
    fig, axes = new_figure(n_img, len(names), figsize=(3.6 * len(names), 2.6 * n_img), squeeze=False, sharex=True)
    for col, (rs, name) in enumerate(zip(rasters, names, strict=True)):
        for i in range(n_img):
            ax = axes[i][col]
            r = rs[i]
            y = np.where(r[:, 0] == 0, r[:, 1], hidden + 1 + r[:, 1]) if r.size else np.zeros(0)
            for sign, color in ((1, POSITIVE), (-1, NEGATIVE)):
                sel = r[:, 3] == sign if r.size else np.zeros(0, bool)
                ax.scatter(r[sel, 2] * 1e9, y[sel], s=3, c=color, marker="|")
            ax.axhline(hidden + 0.5, color="0.6", lw=0.5)
            ax.set_xlim(0, window * 1e9)
            ax.set_ylim(-1, hidden + 11)
            if i == 0:
                ax.set_title(name, fontsize=9)
            if col == 0:
                ax.set_ylabel(f"image {i} (class {labels[i]})\nneuron", fontsize=8)
    for ax in axes[-1]:
        ax.set_xlabel("t (ns)")
    fig.suptitle(f"{POSITIVE.removeprefix('tab:')}: positive spikes, {NEGATIVE.removeprefix('tab:')}: negative; hidden "
                 "neurons below the line, outputs 0-9 above", fontsize=9)
    save(fig, path)


def plot_curves(currents: np.ndarray, curves: dict[str, np.ndarray], path: Path) -> None:
    """Rate (MHz) against DC current (mA) from rest over the window, per model."""
    fig, ax = new_figure(figsize=(5.5, 3.6))
    for name, r in curves.items():
        ax.plot(currents * 1e3, r * 1e-6, label=name)
    ax.set_xlabel("DC input current (mA)")
    ax.set_ylabel("spike rate in the window (MHz)")
    ax.legend(fontsize=8)
    save(fig, path)
