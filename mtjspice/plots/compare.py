"""Figure of the design comparison (matplotlib imported lazily through :mod:`.base`)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from .base import new_figure, save

if TYPE_CHECKING:
    from ..characterize.compare import Comparison

__all__ = ["plot_comparison"]


def plot_comparison(cmp: Comparison, path: str | Path, column: int = 0) -> None:
    """Input current and the state evolutions of every design and of the ideal LIF, for one train.

    Parameters
    ----------
    cmp : Comparison
    path : PNG file.
    column : int
        Which input train (column of ``cmp.current``) to show.
    """
    fig, (ax0, ax1) = new_figure(2, 1, figsize=(8, 5), sharex=True, gridspec_kw={"height_ratios": [1, 3]})
    tn = cmp.t * 1e9
    ax0.plot(tn, cmp.current[:, column] * 1e3, "k", lw=0.8)
    ax0.set_ylabel("I (mA)")
    colours = ("C2", "C1", "C4", "C5")  # not the sign colours (plots.base)
    for d, c in zip(cmp.designs, colours, strict=False):
        over = " > breakdown" if d.v_max > d.breakdown_voltage else ""
        ax1.plot(tn, d.u[:, column], c, lw=1, label=f"{d.name}: u = m.p (best-LIF nrmse {d.fit.nrmse:.3f}; "
                 f"V max {d.v_max:.3g} V{over})")
    ax1.plot(tn, cmp.u_lif[:, column], "k--", lw=1, label=f"ideal LIF ({cmp.designs[0].name}'s fit)")
    ax1.set_ylim(-1.1, 1.1)
    ax1.set_ylabel("u")
    ax1.set_xlabel("t (ns)")
    ax1.legend(loc="lower left", fontsize=7)
    save(fig, path)
