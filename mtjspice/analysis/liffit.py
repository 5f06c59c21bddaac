"""Fitting the signed LIF (:mod:`mtjspice.analysis.lif`) to sampled membrane potentials.

:func:`fit_lif` simulates the LIF ODE exactly (first-order hold) for trial parameters and fits
``tau_m`` (s) and ``a2`` (1/V), with ``a1 = 1`` fixed, to u(t) over every sample of every run;
:func:`goodness` gives the R^2 and normalised RMS error that every fit here reports.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike

from ..errors import ParameterError
from .lif import LIFParams, as_columns, check_times, gated_input, lif_response

__all__ = ["LIFFit", "fit_lif", "goodness"]


@dataclass(frozen=True)
class LIFFit:
    """A fitted LIF and how well it matches the data.

    Attributes
    ----------
    params : LIFParams
    r2 : float
        Coefficient of determination of u over all samples (1 = perfect).
    nrmse : float
        RMS error divided by the data's range max(u) - min(u) (dimensionless).
    """

    params: LIFParams
    r2: float
    nrmse: float


def goodness(u_data: ArrayLike, u_model: ArrayLike) -> tuple[float, float]:
    """(R^2, normalised RMS error) of a model against data, over all samples.

    R^2 = 1 - SS_res / SS_tot; nrmse = RMS(model - data) / (max(data) - min(data)).
    Both are nan when the data are constant.
    """
    d = np.asarray(u_data, dtype=float).ravel()
    m = np.asarray(u_model, dtype=float).ravel()
    res = float(np.sum((d - m) ** 2))
    tot = float(np.sum((d - d.mean()) ** 2))
    span = float(d.max() - d.min()) if d.size else 0.0
    if tot == 0.0 or span == 0.0:
        return math.nan, math.nan
    return 1.0 - res / tot, math.sqrt(res / d.size) / span


def fit_lif(
    t: ArrayLike,
    u: ArrayLike,
    current: ArrayLike,
    R_m: float,
    i_th: float = 0.0,
    *,
    fit_rest: bool = False,
    tau_guess: float = 1e-9,
) -> LIFFit:
    """Fit tau_m and a2 (a1 = 1) of the LIF to sampled u(t) by simulating the LIF ODE.

    The residual is lif_response(t) - u(t) over every sample of every column; the LIF starts
    each column from the data's own first value. scipy's ``least_squares`` fits log(tau_m)
    (so tau stays positive) and a2 (and u_rest if ``fit_rest``).

    Parameters
    ----------
    t : (k,) array
        Times (s).
    u : (k,) or (k, n) array
        Measured membrane potential, one column per run.
    current : (k,) or (k, n) array
        Input current (A) of each run.
    R_m : float
        Membrane resistance (Ohm).
    i_th : float
        Input gate (A), kept fixed.
    fit_rest : bool
        Also fit the resting potential u_rest.
    tau_guess : float
        Starting value of tau_m (s).

    Returns
    -------
    LIFFit
    """
    from scipy.optimize import least_squares

    tt = check_times(t)
    uu = as_columns("u", u, tt.size)
    cur = np.broadcast_to(as_columns("current", current, tt.size), uu.shape)
    if not (math.isfinite(R_m) and R_m > 0):
        raise ParameterError("R_m", R_m, "a number > 0 (Ohm)")
    if not (math.isfinite(tau_guess) and tau_guess > 0):
        raise ParameterError("tau_guess", tau_guess, "a time > 0 (s)")
    s = gated_input(cur, i_th)
    peak = float(np.max(np.abs(s)))
    if peak == 0.0:
        raise ParameterError("current", "no sample above the gate", f"some |I| >= i_th = {i_th!r} A")
    # steady-state u per unit of (R_m I): a starting guess for a2
    a2_guess = float(np.sum(uu * s) / max(np.sum(s * s), 1e-300)) / R_m

    def make(x: np.ndarray) -> LIFParams:
        return LIFParams(tau_m=float(np.exp(x[0])), a2=float(x[1]), R_m=R_m, i_th=i_th,
                         u_rest=float(x[2]) if fit_rest else 0.0)

    def residual(x: np.ndarray) -> np.ndarray:
        return (lif_response(make(x), tt, cur, u0=uu[0]) - uu).ravel()

    x0 = [math.log(tau_guess), a2_guess] + ([float(np.median(uu))] if fit_rest else [])
    sol = least_squares(residual, np.array(x0), x_scale="jac")
    params = make(sol.x)
    r2, nrmse = goodness(uu, lif_response(params, tt, cur, u0=uu[0]))
    return LIFFit(params=params, r2=r2, nrmse=nrmse)
