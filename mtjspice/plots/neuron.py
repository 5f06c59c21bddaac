"""Figures of the neuron circuit run (matplotlib imported lazily through :mod:`mtjspice.plots`)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from .base import new_figure, save

__all__ = ["plot_neuron", "plot_fi"]


def plot_neuron(res: Any, path: str | Path) -> None:
    """Input current, m_y, readout with both thresholds, and the two spike trains against time."""
    t = res.t
    tn = t * 1e9
    w, c = res.wave, res.circuit
    fig, ax = new_figure(4, 1, figsize=(8, 8), sharex=True, gridspec_kw={"height_ratios": [1, 1.4, 1.4, 1]})
    ax[0].plot(tn, w["i(vsin)"] * 1e3, "k", lw=0.6, label="into junction")
    try:
        cur = np.array([float(np.asarray(res.input(float(x))).reshape(-1)[0]) for x in t])
        ax[0].plot(tn, cur * 1e3, "C1", lw=1.2, label="input")
    except TypeError:
        pass
    ax[0].set_ylabel("I (mA)")
    ax[0].legend(loc="upper right", fontsize=8)
    ax[1].plot(tn, res.u, "C3")
    ax[1].set_ylabel("u = m_y")
    ax[1].axhline(0, color="0.7", lw=0.5)
    read = w["v(t2)"] > 0.5 * c.v_lo
    ax[2].plot(tn[read], w["v(t2)"][read], "C0.", ms=1.5, label="readout (read windows)")
    ax[2].axhline(c.v_hi, color="C2", ls="--", label="v_hi (+ spike)")
    ax[2].axhline(c.v_lo, color="C3", ls="--", label="v_lo (- spike)")
    pad = 2.5 * (c.v_hi - c.v_lo)
    ax[2].set_ylim(c.v_lo - pad, c.v_hi + pad)
    ax[2].set_ylabel("v(t2) (V)")
    ax[2].legend(loc="upper right", fontsize=8)
    ax[3].plot(tn, w["v(spk_p)"], "C2", label="+ spikes")
    ax[3].plot(tn, -w["v(spk_n)"], "C3", label="- spikes")
    ax[3].set_ylabel("spike (V)")
    ax[3].set_xlabel("t (ns)")
    ax[3].legend(loc="upper right", fontsize=8)
    ax[0].set_title(f"signed LIF neuron: {c.comparator} comparators, {c.reset} reset")
    save(fig, path)


def plot_fi(fi: np.ndarray, path: str | Path) -> None:
    """Firing rate against |I| for both input signs."""
    fig, ax = new_figure(1, 1, figsize=(6, 4))
    pos, neg = fi[fi[:, 0] > 0], fi[fi[:, 0] < 0]
    ax.plot(pos[:, 0] * 1e3, pos[:, 1] / 1e6, "C2o-", label="+I (positive spikes)")
    ax.plot(-neg[:, 0] * 1e3, neg[:, 1] / 1e6, "C3s--", label="-I (negative spikes)")
    ax.set_xlabel("|I| (mA)")
    ax.set_ylabel("firing rate (MHz)")
    ax.legend()
    save(fig, path)
