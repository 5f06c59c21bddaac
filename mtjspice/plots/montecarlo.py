"""Figures of a Monte Carlo run: the distributions of every sample, and yield maps."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np

from .base import new_figure, save

__all__ = ["plot_distributions", "plot_yield_map", "plot_circuit"]


def _hist(ax: Any, x: np.ndarray, label: str, *, log: bool = False) -> None:
    x = np.asarray(x, float)
    x = x[np.isfinite(x)]
    if log:
        x = x[x > 0]
    if x.size == 0:
        ax.text(0.5, 0.5, "no finite values", ha="center", va="center", transform=ax.transAxes)
        ax.set_xlabel(label)
        return
    bins: Any = 60
    if log and x.min() < x.max():
        from matplotlib.ticker import FuncFormatter, NullFormatter

        bins = np.geomspace(x.min(), x.max(), 60)
        ax.set_xscale("log")
        # plain numbers: figures are drawn without mathtext (plots.base.save), which log labels use
        ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:g}"))
        ax.xaxis.set_minor_formatter(NullFormatter())
    ax.hist(x, bins=bins, color="0.4")
    ax.set_xlabel(label)
    ax.set_ylabel("samples")


def plot_distributions(cols: Mapping[str, np.ndarray], summary: Mapping[str, Any], path: str | Path,
                       title: str = "") -> None:
    """Six histograms: onset (with the drive, the nominal onset and the read current), plateau u at
    the drive (with the threshold), LIF tau_m, a2, thermal stability and peak junction voltage
    (with the breakdown voltage)."""
    fig, axes = new_figure(2, 3, figsize=(13, 7))
    ax = axes[0, 0]
    _hist(ax, np.asarray(cols["i_th"]) * 1e3, "onset current i_th (mA)", log=True)
    ax.axvline(summary["drive"] * 1e3, color="C0", label=f"drive {summary['drive'] * 1e3:.3g} mA")
    ax.axvline(summary["i_th"]["nominal"] * 1e3, color="C2", ls="--", label="nominal onset")
    if "i_read" in summary:
        ax.axvline(summary["i_read"] * 1e3, color="C3", ls=":", label="read current")
    ax.legend(fontsize=8)
    ax = axes[0, 1]
    _hist(ax, cols["u_plateau"], "u = m.p at the drive (plateau)")
    ax.axvline(summary.get("u_th", 0.3), color="C3", ls="--", label="threshold u_th")
    ax.legend(fontsize=8)
    _hist(axes[0, 2], np.asarray(cols["tau_m"]) * 1e9, "LIF tau_m (ns)")
    _hist(axes[1, 0], cols["a2"], "LIF a2 / a1 (1/V)")
    _hist(axes[1, 1], cols["delta"], "thermal stability E_b / kT", log=True)
    ax = axes[1, 2]
    _hist(ax, cols["v_max"], "peak junction voltage at +-drive (V)")
    if "breakdown_voltage" in summary:
        ax.axvline(summary["breakdown_voltage"], color="C3", ls="--", label="breakdown")
        ax.legend(fontsize=8)
    lo, hi = summary["yield_ci95"]
    head = f"yield {100 * summary['yield']:.1f} % (95 % CI {100 * lo:.1f} to {100 * hi:.1f}) of {summary['samples']} samples"
    if "yield_trim" in summary:
        head += (f"; reference trim {100 * summary['yield_ref']:.1f} %, gain + reference trim "
                 f"{100 * summary['yield_trim']:.1f} %")
    fig.suptitle((title + "\n" if title else "") + head)
    save(fig, path)


def plot_yield_map(x: np.ndarray, y: np.ndarray, yields: np.ndarray, path: str | Path, *, x_label: str, y_label: str,
                   title: str = "", mark: tuple[float, float] | None = None, best: tuple[float, float] | None = None,
                   infeasible: np.ndarray | None = None) -> None:
    """Yield (0..1) over a grid of designs, shape (len(y), len(x)), with the nominal design (white
    cross) and the best one (star) marked. ``infeasible`` (same shape, bool) designs are drawn grey
    and hatched, not as 0 % cells; designs that are not devices (nan yield) are left white."""
    from matplotlib.patches import Patch

    fig, ax = new_figure(figsize=(7, 5.5))
    z = np.asarray(yields, float) * 100.0
    bad = np.zeros(z.shape, bool) if infeasible is None else np.asarray(infeasible, bool)
    im = ax.pcolormesh(x, y, np.ma.masked_where(bad | ~np.isfinite(z), z), shading="nearest", vmin=0, vmax=100,
                       cmap="viridis")
    fig.colorbar(im, ax=ax, label="yield (%)")
    handles = []
    if bad.any():
        ax.pcolor(*_edges(x, y), np.ma.masked_where(~bad, np.ones(z.shape)), cmap="Greys", vmin=0, vmax=3,
                  hatch="//", edgecolor="0.45", linewidth=0.0)
        handles.append(Patch(facecolor="0.85", hatch="//", edgecolor="0.45", label="infeasible (barrier below ra_min)"))
    if mark is not None:
        handles.append(ax.plot(*mark, "wx", ms=12, mew=2, label="nominal")[0])
    if best is not None:
        handles.append(ax.plot(*best, "r*", ms=14, label="best")[0])
    if handles:
        ax.legend(handles=handles, loc="best", fontsize=8)
    ax.set_xlabel(x_label)
    ax.set_ylabel(y_label)
    ax.set_title(title)
    save(fig, path)


def _edges(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Cell edges of a "nearest" grid: midpoints between centres, the ends half a step out."""
    def one(c: np.ndarray) -> np.ndarray:
        c = np.asarray(c, float)
        if c.size == 1:
            return np.array([c[0] - 0.5, c[0] + 0.5])
        mid = 0.5 * (c[1:] + c[:-1])
        return np.concatenate(([c[0] - (mid[0] - c[0])], mid, [c[-1] + (c[-1] - mid[-1])]))

    return one(x), one(y)


def plot_circuit(cols: Mapping[str, np.ndarray], summary: Mapping[str, Any], path: str | Path, title: str = "") -> None:
    """The circuit-level distributions: firing rates of both signs, latency to the first spike,
    energy per spike, and the peak junction voltage, over the K simulated neurons."""
    fig, axes = new_figure(2, 2, figsize=(10, 7))
    ax = axes[0, 0]
    for key, label in (("rate_pos", "+drive"), ("rate_neg", "-drive")):
        x = np.asarray(cols[key], float) * 1e-6
        ax.hist(x[np.isfinite(x)], bins=20, alpha=0.6, label=label)
    ax.set_xlabel("right-sign firing rate (MHz)")
    ax.set_ylabel("neurons")
    ax.legend(fontsize=8)
    ax = axes[0, 1]
    for key, label in (("latency_pos", "+drive"), ("latency_neg", "-drive")):
        x = np.asarray(cols[key], float) * 1e9
        ax.hist(x[np.isfinite(x)], bins=20, alpha=0.6, label=label)
    ax.set_xlabel("latency to the first right-sign spike (ns)")
    ax.legend(fontsize=8)
    _hist(axes[1, 0], np.asarray(cols["energy_per_spike"], float) * 1e12, "energy per spike (pJ)")
    _hist(axes[1, 1], cols["v_junction_max"], "peak junction voltage (V)")
    lo, hi = summary["yield_ci95"]
    fig.suptitle((title + "\n" if title else "") + f"circuit yield {100 * summary['yield']:.0f} % of {summary['neurons']} "
                 f"neurons (95 % CI {100 * lo:.0f} to {100 * hi:.0f}); device-level prediction "
                 f"{100 * summary['device_level_yield_same_samples']:.0f} %")
    save(fig, path)
