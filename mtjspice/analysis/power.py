"""Where the energy goes as the array grows: simulated energy by part at square sizes n x n and
an analytic per-part model fitted to them, extrapolated to larger arrays.

Workload: :func:`mtjspice.circuits.power.workload` (every input pulses in step; fan-in-normalised weights,
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

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from ..results import ARRAY_PARTS

__all__ = ["BASES", "PowerSweep", "fit_model", "model_energy"]

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
