"""Figure of a device's LIF fit (matplotlib imported lazily through :mod:`.base`)."""

from __future__ import annotations

import math
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from ..analysis.lif import lif_response
from .base import NEGATIVE, POSITIVE, new_figure, save

if TYPE_CHECKING:
    from ..characterize.devicefit import DeviceFit
    from ..characterize.onset import OnsetHysteresis

__all__ = ["plot_fit"]


def plot_fit(result: DeviceFit, path: str | Path, title: str = "", columns: int = 3) -> None:
    """Device u(t) against the fitted LIF for a few training runs, the validity scan's R^2 (with the
    breakdown current), and, when measured, the onset hysteresis (settled u of the down staircase
    against |I|, with the up and down onsets).

    Parameters
    ----------
    result : DeviceFit
    path : PNG file.
    title : str
        Title of the first panel; default the fitted tau_m, a2/a1, R^2 and nrmse.
    columns : int
        Largest number of training runs shown (the first, middle and last).
    """
    p = result.params
    model = lif_response(p, result.t, result.current, u0=result.u[0])
    n = result.u.shape[1]
    pick = sorted({0, n // 2 - 1, n - 1} if n >= 3 else set(range(n)))[:columns]
    hyst = result.hysteresis
    rows = len(pick) + 1 + (hyst is not None)
    fig, axes = new_figure(rows, 1, figsize=(8, 2.2 * rows))
    tn = result.t * 1e9
    for ax, j in zip(axes[:len(pick)], pick, strict=False):
        ax.plot(tn, result.u[:, j], "C2", lw=1, label="device u = m.p")
        ax.plot(tn, model[:, j], "k--", lw=1, label="fitted LIF")
        ax2 = ax.twinx()
        ax2.plot(tn, result.current[:, j] * 1e3, "C1", lw=0.6, alpha=0.5)
        ax2.set_ylabel("I (mA)", color="C1")
        ax.set_ylabel("u")
        ax.set_xlabel("t (ns)")
        ax.legend(loc="upper right", fontsize=7)
    axes[0].set_title(title or (f"tau_m = {p.tau_m * 1e9:.3g} ns, a2/a1 = {p.a2:.3g} 1/V, "
                                f"R^2 = {result.fit.r2:.4f}, nrmse = {result.fit.nrmse:.3g}"))
    ax = axes[len(pick)]
    ax.plot(result.scan_currents * 1e3, result.scan_r2, "o-", ms=3)
    ax.axhline(result.r2_min, color="grey", ls=":")
    if math.isfinite(result.i_min):
        ax.axvspan(result.i_min * 1e3, result.i_max * 1e3, color="C2", alpha=0.15, label="validity range")
    if math.isfinite(result.i_breakdown) and result.i_breakdown <= float(np.max(result.scan_currents)):
        ax.axvline(result.i_breakdown * 1e3, color="k", ls="--", lw=1,
                   label=f"breakdown ({result.breakdown_voltage:.3g} V) at {result.i_breakdown * 1e3:.3g} mA")
    if ax.get_legend_handles_labels()[0]:
        ax.legend(loc="lower left", fontsize=7)
    ax.set_ylim(max(-1.0, float(np.nanmin(result.scan_r2, initial=0.0)) - 0.05), 1.02)
    ax.set_xlabel("square-pulse amplitude (mA)")
    ax.set_ylabel("R^2 of the LIF")
    if hyst is not None:
        _plot_hysteresis(axes[-1], hyst)
    save(fig, path)


def _plot_hysteresis(ax: Any, hyst: OnsetHysteresis) -> None:
    """Settled u of the down staircase against |I| (both signs), and the up and down onsets."""
    for j, (name, colour) in enumerate((("I > 0", POSITIVE), ("I < 0", NEGATIVE))):
        ok = np.isfinite(hyst.levels[:, j])
        order = np.argsort(hyst.levels[ok, j])
        ax.plot(hyst.levels[ok, j][order] * 1e3, hyst.u[ok, j][order], ".-", color=colour, ms=3, lw=0.8,
                label=f"down staircase, {name}")
        for value, style, what in ((hyst.up[j], "--", "up onset"), (hyst.down[j], ":", "down onset")):
            if math.isfinite(value):
                ax.axvline(abs(value) * 1e3, color=colour, ls=style, lw=0.8, label=f"{what} {value * 1e3:+.3g} mA")
    ax.axhline(0.0, color="grey", lw=0.5)
    ax.set_xlabel("|I| (mA)")
    ax.set_ylabel("settled u")
    ax.legend(loc="upper left", fontsize=6, ncol=2)
