"""Figures of single-device macrospin runs (matplotlib imported lazily through :mod:`.base`)."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from .base import new_figure, save

__all__ = ["plot_trajectory"]


def plot_trajectory(t: np.ndarray, m: np.ndarray, current: np.ndarray, path: str | Path, title: str = "") -> None:
    """m(t) and the junction current for one device.

    Parameters
    ----------
    t : (k,) array, s; m : (k, 3) array; current : (k,) array, A; path : PNG file.
    """
    fig, (ax1, ax2) = new_figure(2, 1, figsize=(7, 5), sharex=True, gridspec_kw={"height_ratios": [3, 1]})
    tn = t * 1e9
    for i, (name, colour) in enumerate((("m_x", "C2"), ("m_y", "k"), ("m_z", "C4"))):
        ax1.plot(tn, m[:, i], colour, label=name)
    ax1.set_ylabel("magnetization")
    ax1.set_ylim(-1.05, 1.05)
    ax1.legend(loc="upper right")
    ax1.set_title(title)
    ax2.plot(tn, current * 1e3, "k")
    ax2.set_ylabel("I (mA)")
    ax2.set_xlabel("t (ns)")
    save(fig, path)
