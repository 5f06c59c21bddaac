"""Figures of a neuron run (matplotlib imported lazily through :mod:`mtjspice.plots.base`)."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from ..results import NeuronRun
from .base import new_figure, save

__all__ = ["plot_neuron", "plot_fi"]


def plot_neuron(res: NeuronRun, path: str | Path, input_current: np.ndarray | None = None) -> None:
    """Input current, m_y, readout with both thresholds, and the two spike trains against time."""
    tn = res.t * 1e9
    w, c, p = res.wave, res.circuit, res.probes
    fig, ax = new_figure(4, 1, figsize=(8, 8), sharex=True, gridspec_kw={"height_ratios": [1, 1.4, 1.4, 1]})
    ax[0].plot(tn, w[p.i_gate.vector] * 1e3, "k", lw=0.6, label="into junction")
    if input_current is not None:
        ax[0].plot(tn, input_current * 1e3, "C1", lw=1.2, label="input")
    ax[0].set_ylabel("I (mA)")
    ax[0].legend(loc="upper right", fontsize=8)
    ax[1].plot(tn, res.u, "C3")
    ax[1].set_ylabel("u = m_y")
    ax[1].axhline(0, color="0.7", lw=0.5)
    t2 = w[p.t2.vector]
    read = t2 > 0.5 * c.v_lo
    ax[2].plot(tn[read], t2[read], "C0.", ms=1.5, label="readout (read windows)")
    ax[2].axhline(c.v_hi, color="C2", ls="--", label="v_hi (+ spike)")
    ax[2].axhline(c.v_lo, color="C3", ls="--", label="v_lo (- spike)")
    pad = 2.5 * (c.v_hi - c.v_lo)
    ax[2].set_ylim(c.v_lo - pad, c.v_hi + pad)
    ax[2].set_ylabel("v(t2) (V)")
    ax[2].legend(loc="upper right", fontsize=8)
    ax[3].plot(tn, w[p.spk_p.vector], "C2", label="+ spikes")
    ax[3].plot(tn, -w[p.spk_n.vector], "C3", label="- spikes")
    ax[3].set_ylabel("spike (V)")
    ax[3].set_xlabel("t (ns)")
    ax[3].legend(loc="upper right", fontsize=8)
    ax[0].set_title(f"signed LIF neuron: {c.comparator} comparators, {c.reset} reset")
    save(fig, path)


def plot_fi(fi: np.ndarray, path: str | Path) -> None:
    """Firing rate against |I| for both input signs; ``fi`` rows are (current A, rate 1/s, wrong-sign count)."""
    fig, ax = new_figure(1, 1, figsize=(6, 4))
    pos, neg = fi[fi[:, 0] > 0], fi[fi[:, 0] < 0]
    ax.plot(pos[:, 0] * 1e3, pos[:, 1] / 1e6, "C2o-", label="+I (positive spikes)")
    ax.plot(-neg[:, 0] * 1e3, neg[:, 1] / 1e6, "C3s--", label="-I (negative spikes)")
    ax.set_xlabel("|I| (mA)")
    ax.set_ylabel("firing rate (MHz)")
    ax.legend()
    save(fig, path)
