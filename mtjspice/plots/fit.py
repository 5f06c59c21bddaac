"""Figure of a device's LIF fit (matplotlib imported lazily through :mod:`.base`)."""

from __future__ import annotations

import math
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from ..analysis.lif import lif_response
from .base import new_figure, save

if TYPE_CHECKING:
    from ..analysis.devicefit import DeviceFit

__all__ = ["plot_fit"]


def plot_fit(result: DeviceFit, path: str | Path, title: str = "", columns: int = 3) -> None:
    """Device u(t) against the fitted LIF for a few training runs, and the validity scan's R^2.

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
    fig, axes = new_figure(len(pick) + 1, 1, figsize=(8, 2.2 * (len(pick) + 1)))
    tn = result.t * 1e9
    for ax, j in zip(axes[:-1], pick, strict=False):
        ax.plot(tn, result.u[:, j], "C3", lw=1, label="device u = m.p")
        ax.plot(tn, model[:, j], "k--", lw=1, label="fitted LIF")
        ax2 = ax.twinx()
        ax2.plot(tn, result.current[:, j] * 1e3, "C0", lw=0.6, alpha=0.5)
        ax2.set_ylabel("I (mA)", color="C0")
        ax.set_ylabel("u")
        ax.set_xlabel("t (ns)")
        ax.legend(loc="upper right", fontsize=7)
    axes[0].set_title(title or (f"tau_m = {p.tau_m * 1e9:.3g} ns, a2/a1 = {p.a2:.3g} 1/V, "
                                f"R^2 = {result.fit.r2:.4f}, nrmse = {result.fit.nrmse:.3g}"))
    ax = axes[-1]
    ax.plot(result.scan_currents * 1e3, result.scan_r2, "o-", ms=3)
    ax.axhline(result.r2_min, color="grey", ls=":")
    if math.isfinite(result.i_min):
        ax.axvspan(result.i_min * 1e3, result.i_max * 1e3, color="C2", alpha=0.15, label="validity range")
        ax.legend(loc="lower left", fontsize=7)
    ax.set_ylim(max(-1.0, float(np.nanmin(result.scan_r2, initial=0.0)) - 0.05), 1.02)
    ax.set_xlabel("square-pulse amplitude (mA)")
    ax.set_ylabel("R^2 of the LIF")
    save(fig, path)
