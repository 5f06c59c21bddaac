"""Figure of the dimension design window (matplotlib imported lazily, inside the function and :mod:`.base`)."""

from __future__ import annotations

import math
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from ..characterize.window import REGIMES
from .base import new_figure, save

if TYPE_CHECKING:
    from ..characterize.window import WindowMap

__all__ = ["plot_window"]


def plot_window(wmap: WindowMap, path: str | Path, lines: dict[str, dict[str, Any]] | None = None,
                mark: tuple[float, float] | None = None) -> None:
    """Colour map of the regimes (grey = invalid, W > L), cells above breakdown crossed, boundary
    lines, and an optional marked point. A grid of one point (or one row or column) works too.

    Parameters
    ----------
    wmap : WindowMap
    path : PNG file.
    lines : dict, optional
        Boundary fits as returned by :func:`mtjspice.characterize.window.boundaries`, drawn dashed.
    mark : (x, y), optional
        A point to star (m), in the map's x and y dimensions.
    """
    from matplotlib.colors import ListedColormap

    fig, ax = new_figure(figsize=(6.5, 5))
    cmap = ListedColormap(["#bbbbbb", "#4c72b0", "#55a868", "#c44e52"])
    dx, dy = _half_cell(wmap.x), _half_cell(wmap.y)
    extent = (wmap.x[0] * 1e9 - dx, wmap.x[-1] * 1e9 + dx, wmap.y[0] * 1e9 - dy, wmap.y[-1] * 1e9 + dy)
    ax.imshow(wmap.regime + 1, origin="lower", extent=extent, aspect="auto", cmap=cmap, vmin=0, vmax=3,
              interpolation="nearest")
    for code, name in enumerate(("invalid (W > L)", *REGIMES)):
        ax.plot([], [], "s", color=cmap(code), label=name)
    over = wmap.breakdown & (wmap.regime >= 0)
    if over.any():
        X, Y = np.meshgrid(wmap.x * 1e9, wmap.y * 1e9)
        size = float(np.clip(240.0 / max(wmap.x.size, wmap.y.size), 3.0, 12.0))
        ax.plot(X[over], Y[over], "x", color="k", ms=size, mew=0.8,
                label=f"junction > breakdown ({wmap.breakdown_voltage:.3g} V)")
    xs = np.array([extent[0], extent[1]]) * 1e-9
    for i, (key, fit) in enumerate((lines or {}).items()):
        if math.isfinite(fit["slope"]):
            ax.plot(xs * 1e9, (fit["slope"] * xs + fit["intercept"]) * 1e9, "k--", lw=1)
        elif math.isfinite(fit["intercept"]):
            ax.axvline(fit["intercept"] * 1e9, color="k", ls="--", lw=1)
        if i == 0:  # one legend entry for the dashed boundary fits
            ax.plot([], [], "k--", lw=1, label=f"fit {key}")
    if mark is not None:
        ax.plot(mark[0] * 1e9, mark[1] * 1e9, "w*", ms=14, mec="k", label="representative")
    ax.set_xlim(extent[0], extent[1])
    ax.set_ylim(extent[2], extent[3])
    ax.set_xlabel(f"{wmap.x_name} (nm)")
    ax.set_ylabel(f"{wmap.y_name} (nm)")
    s = wmap.spec
    ax.set_title(f"{wmap.fix} = {wmap.fixed * 1e9:.3g} nm; J = {s.J:.3g} A/m^2 for {s.t_on * 1e9:.3g} ns, "
                 f"u_th = {s.u_th}, |u| < {s.u_relax} after {s.t_relax * 1e9:.3g} ns", fontsize=8)
    ax.legend(loc="upper left", fontsize=7, framealpha=0.8)
    save(fig, path)


def _half_cell(v: np.ndarray) -> float:
    """Half a cell of a grid axis (nm); for a single point, 5 % of its value (at least 0.5 nm)."""
    if v.size > 1:
        return 0.5 * float(v[1] - v[0]) * 1e9
    return max(0.05 * float(v[0]) * 1e9, 0.5)
