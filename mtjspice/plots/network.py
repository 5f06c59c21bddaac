"""Figures of ``mtjspice network``: accuracy per neuron model, confusion matrices, spike rasters,
rate curves (plain arrays in, one PNG out each)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np

__all__ = ["plot_accuracy", "plot_confusion", "plot_rasters", "plot_curves"]


def _plt():  # type: ignore[no-untyped-def]
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def plot_accuracy(labels: Sequence[str], acc: Sequence[float], path: Path, title: str) -> None:
    """Bar chart of accuracies (%)."""
    plt = _plt()
    fig, ax = plt.subplots(figsize=(7, 0.45 * len(labels) + 1.2))
    y = np.arange(len(labels))
    ax.barh(y, acc, color="tab:blue")
    for k, a in enumerate(acc):
        ax.text(a + 0.5, k, f"{a:.1f}", va="center", fontsize=8)
    ax.set_yticks(y, labels)
    ax.invert_yaxis()
    ax.set_xlim(0, 105)
    ax.set_xlabel("test accuracy (%)")
    ax.set_title(title, fontsize=10)
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)


def plot_confusion(mats: Sequence[np.ndarray], names: Sequence[str], path: Path) -> None:
    """Confusion matrices (rows true class, columns decision, last column no decision)."""
    plt = _plt()
    fig, axes = plt.subplots(1, len(mats), figsize=(4.2 * len(mats), 4), squeeze=False)
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
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)


def plot_rasters(rasters: Sequence[Sequence[np.ndarray]], names: Sequence[str], labels: Sequence[int], hidden: int,
                 window: float, path: Path) -> None:
    """Spike rasters: one row of panels per image, one column per model; rows (layer, neuron, t, sign)."""
    plt = _plt()
    n_img = min(len(r) for r in rasters)
    fig, axes = plt.subplots(n_img, len(names), figsize=(3.6 * len(names), 2.6 * n_img), squeeze=False, sharex=True)
    for col, (rs, name) in enumerate(zip(rasters, names, strict=True)):
        for i in range(n_img):
            ax = axes[i][col]
            r = rs[i]
            y = np.where(r[:, 0] == 0, r[:, 1], hidden + 1 + r[:, 1]) if r.size else np.zeros(0)
            for sign, color in ((1, "tab:red"), (-1, "tab:blue")):
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
    fig.suptitle("red +, blue -; hidden below the line, outputs 0-9 above", fontsize=9)
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)


def plot_curves(currents: np.ndarray, curves: dict[str, np.ndarray], path: Path) -> None:
    """Rate (MHz) against DC current (mA) from rest over the window, per model."""
    plt = _plt()
    fig, ax = plt.subplots(figsize=(5.5, 3.6))
    for name, r in curves.items():
        ax.plot(currents * 1e3, r * 1e-6, label=name)
    ax.set_xlabel("DC input current (mA)")
    ax.set_ylabel("spike rate in the window (MHz)")
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)
