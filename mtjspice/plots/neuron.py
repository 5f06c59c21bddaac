"""Figures of a neuron run (matplotlib imported lazily through :mod:`mtjspice.plots.base`)."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np

from ..results import NeuronRun
from .base import NEGATIVE, POSITIVE, count_bins, new_figure, save

__all__ = ["plot_neuron", "plot_fi", "plot_trials"]


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
    ax[1].plot(tn, res.u, "k", lw=1)
    ax[1].set_ylabel("u = m_y")
    ax[1].axhline(0, color="0.7", lw=0.5)
    t2 = w[p.t2.vector]
    read = t2 > 0.5 * c.v_lo
    ax[2].plot(tn[read], t2[read], ".", color="0.3", ms=1.5, label="readout (read windows)")
    ax[2].axhline(c.v_hi, color=POSITIVE, ls="--", label="v_hi (+ spike)")
    ax[2].axhline(c.v_lo, color=NEGATIVE, ls="--", label="v_lo (- spike)")
    pad = 2.5 * (c.v_hi - c.v_lo)
    ax[2].set_ylim(c.v_lo - pad, c.v_hi + pad)
    ax[2].set_ylabel("v(t2) (V)")
    ax[2].legend(loc="upper right", fontsize=8)
    ax[3].plot(tn, w[p.spk_p.vector], color=POSITIVE, label="+ spikes")
    ax[3].plot(tn, -w[p.spk_n.vector], color=NEGATIVE, label="- spikes")
    ax[3].set_ylabel("spike (V)")
    ax[3].set_xlabel("t (ns)")
    ax[3].legend(loc="upper right", fontsize=8)
    ax[0].set_title(f"signed LIF neuron: {c.comparator} comparators, {c.reset} reset")
    save(fig, path)


def plot_fi(fi: np.ndarray, path: str | Path, title: str = "") -> None:
    """Firing rate against |I| for both input signs; ``fi`` rows are (current A, rate 1/s, wrong-sign
    count), or (current A, mean rate, rate std, wrong-sign mean) at temperature (error bars: one std)."""
    fig, ax = new_figure(1, 1, figsize=(6, 4))
    pos, neg = fi[fi[:, 0] > 0], fi[fi[:, 0] < 0]
    if fi.shape[1] == 4:
        ax.errorbar(pos[:, 0] * 1e3, pos[:, 1] / 1e6, pos[:, 2] / 1e6, fmt="o-", color=POSITIVE, capsize=3,
                    label="+I (positive spikes), mean +- 1 sigma")
        ax.errorbar(-neg[:, 0] * 1e3, neg[:, 1] / 1e6, neg[:, 2] / 1e6, fmt="s--", color=NEGATIVE, capsize=3,
                    label="-I (negative spikes), mean +- 1 sigma")
        title = (title + "; " if title else "") + "error bars: 1 sigma (sample std) over trials"
    else:
        ax.plot(pos[:, 0] * 1e3, pos[:, 1] / 1e6, "o-", color=POSITIVE, label="+I (positive spikes)")
        ax.plot(-neg[:, 0] * 1e3, neg[:, 1] / 1e6, "s--", color=NEGATIVE, label="-I (negative spikes)")
    if title:
        ax.set_title(title)
    ax.set_xlabel("|I| (mA)")
    ax.set_ylabel("firing rate (MHz)")
    ax.legend()
    save(fig, path)


def plot_trials(table: np.ndarray, columns: tuple[str, ...], path: str | Path, title: str) -> None:
    """Histograms over trials: spike count (integer bins), first-spike latency (ns), active energy
    per spike (pJ); the title says the spread (1 sigma) of each."""
    col = {c: table[:, k] for k, c in enumerate(columns)}
    fig, axes = new_figure(1, 3, figsize=(12, 3.6))
    for ax, (key, scale, label) in zip(axes, (("spikes", 1.0, "spikes per trial"),
                                              ("first_latency", 1e9, "first-spike latency (ns)"),
                                              ("active_energy_per_spike", 1e12, "active energy per spike (pJ)")),
                                       strict=True):
        x = col[key][np.isfinite(col[key])] * scale
        if x.size:
            bins = count_bins(x) if key == "spikes" else max(5, min(30, x.size // 2))
            ax.hist(x, bins=bins, color="0.45", alpha=0.8)
            sigma = float(np.std(x, ddof=1)) if x.size > 1 else math.nan
            ax.axvline(float(np.mean(x)), color="k", ls="--", lw=1, label=f"mean {np.mean(x):.3g}, sigma {sigma:.2g}")
            ax.legend(fontsize=8)
            if key == "spikes":
                ax.xaxis.get_major_locator().set_params(integer=True)
        ax.yaxis.get_major_locator().set_params(integer=True)  # a count of trials
        ax.set_xlabel(label)
        ax.set_ylabel("trials")
    axes[1].set_title(title + " (mean and sigma = sample std over trials)")
    save(fig, path)
