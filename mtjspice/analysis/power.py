"""Where the energy goes as the array grows: simulated energy by part at square sizes n x n and
an analytic per-part model fitted to them, extrapolated to larger arrays.

Workload: :func:`mtjspice.array.workload` (every input pulses in step; fan-in-normalised weights,
so each neuron receives the same current at every size). Model, per part (N inputs, M neurons),
each term a physical count:

* crossbar    ``a M + b N M``: the signal power each column delivers (V x I per neuron: with
  normalised weights it does not grow with N) plus every cell's off-state (``g_min``) leakage;
* drivers     ``a N + b N M``: each driver's static bias, plus output-resistance loss that grows
  with the row load;
* junction, readout_divider, comparators, reset_circuit, input_gating  ``a M``: per neuron.

Coefficients are non-negative least squares (scipy's ``nnls``) on the simulated sizes, one fit per
part; the relative error of the fit at every simulated size is reported, part by part and for
the total.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..circuits.array import ARRAY_PARTS, ArraySettings, run_array, spike_waveforms, workload
from ..errors import BreakdownWarning, ParameterError
from ..params import Device

__all__ = ["BASES", "PowerSweep", "power_sweep", "fit_model", "model_energy", "plot_power"]

#: Basis terms per part: names of functions of (N, M).
BASES: dict[str, tuple[str, ...]] = {
    "crossbar": ("M", "NM"),
    "drivers": ("N", "NM"),
    "junction": ("M",),
    "readout_divider": ("M",),
    "comparators": ("M",),
    "reset_circuit": ("M",),
    "input_gating": ("M",),
}
_TERMS: dict[str, Callable[[float, float], float]] = {"M": lambda n, m: m, "N": lambda n, m: n,
                                                      "NM": lambda n, m: n * m}


@dataclass(frozen=True)
class PowerSweep:
    """Simulated energies and the fitted model.

    Attributes
    ----------
    sizes : list of int
        Simulated sizes n (arrays n x n).
    energy : (len(sizes), len(ARRAY_PARTS)) array
        Dissipated energy per part (J) over ``t_stop``.
    spikes, events : list of int
        Output spikes and input events per simulated size.
    coef : dict of str to tuple of float
        Fitted coefficients per part (J per basis count), in the order of :data:`BASES`.
    t_stop : float
        Simulated time per size (s).
    walls : list of float
        Wall time of each size's run (s).
    """

    sizes: list[int]
    energy: np.ndarray
    spikes: list[int]
    events: list[int]
    coef: dict[str, tuple[float, ...]]
    t_stop: float
    walls: list[float]

    def model(self, n: float, m: float | None = None) -> np.ndarray:
        """Model energy per part (J) at N = n inputs, M = m neurons (default m = n)."""
        return model_energy(self.coef, n, n if m is None else m)

    def fit_error(self) -> np.ndarray:
        """Relative error model / simulation - 1 at each simulated size: columns are the parts,
        then the total (nan where the simulated part is 0)."""
        out = []
        for k, n in enumerate(self.sizes):
            mod = self.model(n)
            sim = self.energy[k]
            with np.errstate(divide="ignore", invalid="ignore"):
                rel = np.where(sim != 0, mod / sim - 1.0, np.nan)
            out.append(np.append(rel, mod.sum() / sim.sum() - 1.0))
        return np.array(out)


def model_energy(coef: dict[str, tuple[float, ...]], n: float, m: float) -> np.ndarray:
    """Energy per part (J) from fitted coefficients at N = n, M = m."""
    return np.array([sum(c * _TERMS[b](n, m) for c, b in zip(coef[p], BASES[p], strict=True)) for p in ARRAY_PARTS])


def fit_model(sizes: Sequence[int], energy: np.ndarray) -> dict[str, tuple[float, ...]]:
    """Non-negative least squares per part (relative residuals: each size weighs the same)."""
    from scipy.optimize import nnls

    coef: dict[str, tuple[float, ...]] = {}
    for k, p in enumerate(ARRAY_PARTS):
        y = energy[:, k]
        a = np.array([[_TERMS[b](n, n) for b in BASES[p]] for n in sizes], dtype=float)
        scale = np.where(np.abs(y) > 0, np.abs(y), 1.0)
        x, _ = nnls(a / scale[:, None], y / scale)
        coef[p] = tuple(float(v) for v in x)
    return coef


def power_sweep(device: Device, sizes: Sequence[int], t_stop: float, settings: ArraySettings,
                progress: Callable[[int, int], None] | None = None, workers: int | None = None) -> PowerSweep:
    """Simulate n x n arrays for each n in ``sizes`` (split into parallel parts) and fit the model."""
    ns = sorted({int(n) for n in sizes})
    if len(ns) < 2 or ns[0] < 1:
        raise ParameterError("--sizes", sizes, "at least two distinct sizes >= 1 to fit the model")
    rows, spikes, events, walls = [], [], [], []
    for k, n in enumerate(ns):
        w, ev = workload(n, n, t_stop, v_spike=settings.v_spike, width=settings.spike_width)
        inputs = spike_waveforms(ev, n, settings.v_spike, settings.spike_width)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", BreakdownWarning)
            r = run_array(device, w, inputs, t_stop, settings, input_events=ev.shape[0], workers=workers)
        rows.append([r.energy[p] for p in ARRAY_PARTS])
        spikes.append(int(r.spikes.shape[0]))
        events.append(int(ev.shape[0]))
        walls.append(r.wall)
        if progress is not None:
            progress(k + 1, len(ns))
    energy = np.array(rows, dtype=float)
    return PowerSweep(sizes=ns, energy=energy, spikes=spikes, events=events, coef=fit_model(ns, energy),
                      t_stop=t_stop, walls=walls)


def plot_power(sweep: PowerSweep, extra: Sequence[int], path: str | Path) -> None:
    """Energy share per part against size: simulated (markers) and model (lines, extrapolated)."""
    from ..plots.base import new_figure, save

    top = max([*sweep.sizes, *extra])
    grid = np.unique(np.round(np.logspace(0, math.log10(max(top, 2)), 60)))
    mod = np.array([sweep.model(n) for n in grid])
    fig, ax = new_figure(1, 2, figsize=(12, 4.5))
    share = mod / mod.sum(axis=1, keepdims=True) * 100
    sim_share = sweep.energy / sweep.energy.sum(axis=1, keepdims=True) * 100
    for k, p in enumerate(ARRAY_PARTS):
        ax[0].plot(grid, share[:, k], color=f"C{k}", label=p)
        ax[0].plot(sweep.sizes, sim_share[:, k], "o", color=f"C{k}")
        ax[1].loglog(grid, np.maximum(mod[:, k], 1e-30), color=f"C{k}", label=p)
        ax[1].loglog(sweep.sizes, np.maximum(sweep.energy[:, k], 1e-30), "o", color=f"C{k}")
    ax[1].loglog(grid, mod.sum(axis=1), "k--", label="total")
    ax[1].loglog(sweep.sizes, sweep.energy.sum(axis=1), "ko")
    for a in ax:
        a.set_xscale("log")
        a.set_xlabel("array size n (n inputs x n neurons)")
        a.axvline(max(sweep.sizes), color="0.6", lw=0.8, ls=":")
    ax[0].set_ylabel("share of the energy (%)")
    ax[1].set_ylabel(f"energy over {sweep.t_stop * 1e9:g} ns (J)")
    ax[1].set_ylim(bottom=max(1e-18, float(np.min(mod[mod > 0])) / 3) if np.any(mod > 0) else None)
    ax[0].set_title("markers: simulated; lines: fitted model (extrapolated right of the dotted line)")
    ax[0].legend(fontsize=7)
    save(fig, path)
