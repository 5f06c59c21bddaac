"""Orthogonal against parallel: the same random signed input trains on both designs and on the LIF.

For each design the membrane is u = m.p (p = +y orthogonal, +z parallel). Each design gets its
*best* LIF: :func:`mtjspice.analysis.liffit.fit_lif` with the resting potential u_rest fitted too (the
parallel free layer rests at u = +-1, not 0) and the input gate i_th chosen from
{0, 1/4, 1/2, 3/4, 1} x the smallest input magnitude, keeping the lowest normalised RMS error.
That error (RMS / range of the device's u) is the one number per design. The ideal LIF shown in
the figure is the orthogonal design's best LIF, driven by the same inputs.

Nothing here is tuned to make the parallel design lose: if with some parameters it fits as well,
the numbers say so.

Each design also reports its largest junction voltage (``DesignResult.v_max``, V); when a design
passes its breakdown voltage, :func:`compare_designs` warns once (:class:`BreakdownWarning`) with
every design's number.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..analysis.lif import lif_response
from ..analysis.liffit import LIFFit, fit_lif
from ..errors import ParameterError
from ..limits import warn_over_breakdown
from ..params import Device
from ..physics.batch import DeviceBatch
from ..physics.llgs import junction_resistance
from ..physics.solver import simulate
from .devicefit import membrane, random_signed_train

__all__ = ["Comparison", "DesignResult", "best_lif", "compare_designs"]

GATE_FRACTIONS: tuple[float, ...] = (0.0, 0.25, 0.5, 0.75, 1.0)


def best_lif(t: np.ndarray, u: np.ndarray, current: np.ndarray, R_m: float, i_lo: float) -> LIFFit:
    """The best LIF (lowest nrmse) over gates i_th = f * i_lo, f in :data:`GATE_FRACTIONS`, with u_rest free."""
    best: LIFFit | None = None
    for f in GATE_FRACTIONS:
        try:
            fit = fit_lif(t, u, current, R_m, f * i_lo, fit_rest=True)
        except ParameterError:
            continue
        if best is None or (math.isfinite(fit.nrmse) and fit.nrmse < best.nrmse):
            best = fit
    if best is None:
        raise ParameterError("current", "no usable input", "some current above the gate")
    return best


@dataclass(frozen=True)
class DesignResult:
    """One design's response and its best LIF.

    Attributes
    ----------
    name : str
    u : (k, n) array
        Device membrane u = m.p.
    fit : LIFFit
        Best LIF (nrmse and r2 against ``u``).
    u_fit : (k, n) array
        That LIF's u on the same inputs.
    v_max : float
        Largest junction voltage of the runs (V).
    breakdown_voltage : float
        The design's breakdown voltage (V).
    """

    name: str
    u: np.ndarray
    fit: LIFFit
    u_fit: np.ndarray
    v_max: float = math.nan
    breakdown_voltage: float = math.inf


@dataclass(frozen=True)
class Comparison:
    """Both designs on the same inputs.

    Attributes
    ----------
    t : (k,) array (s); current : (k, n) array (A)
    designs : list of DesignResult (orthogonal first)
    u_lif : (k, n) array
        The ideal LIF (the first design's best fit) on the inputs.
    """

    t: np.ndarray
    current: np.ndarray
    designs: list[DesignResult]
    u_lif: np.ndarray

    def summary(self) -> dict[str, Any]:
        """Per design: nrmse, r2, fitted parameters, largest junction voltage ``v_max`` and
        ``breakdown_voltage`` (SI units)."""
        out: dict[str, Any] = {}
        for d in self.designs:
            p = d.fit.params
            out[d.name] = {"nrmse": d.fit.nrmse, "r2": d.fit.r2, "tau_m": p.tau_m, "a2": p.a2, "R_m": p.R_m,
                           "i_th": p.i_th, "u_rest": p.u_rest, "v_max": d.v_max,
                           "breakdown_voltage": d.breakdown_voltage}
        return out


def compare_designs(devices: list[Device], *, n_trains: int = 3, t_stop: float = 40e-9, i_lo: float = 0.45e-3,
                    i_hi: float = 1.2e-3, seed: int = 0, dt: float = 10e-12, rtol: float = 1e-7) -> Comparison:
    """Drive every device with the same ``n_trains`` random signed trains and fit each a best LIF.

    Parameters
    ----------
    devices : list of Device
        Designs to compare; the first one's best LIF is the reference "ideal LIF".
    n_trains : int
        Number of random trains (one batch column each).
    t_stop : float
        Length (s).
    i_lo, i_hi : float
        Input magnitudes (A), see :func:`mtjspice.characterize.devicefit.random_signed_train`.
    """
    if not devices:
        raise ParameterError("devices", devices, "at least one device")
    drive = random_signed_train(n_trains, t_stop, i_lo=i_lo, i_hi=i_hi, seed=seed)
    designs = []
    t = current = None
    for dev in devices:
        traj = simulate(DeviceBatch.from_device(dev, n=n_trains), drive, t_stop, dt, rtol=rtol,
                        breakdown="ignore")  # reported below, once for all designs
        t, current = traj.t, traj.current
        u = membrane(dev, traj)
        fit = best_lif(t, u, current, junction_resistance(dev, 0.0), i_lo)
        designs.append(DesignResult(dev.name, u, fit, lif_response(fit.params, t, current, u0=u[0]),
                                    float(np.max(np.abs(traj.voltage))), dev.junction.breakdown_voltage))
    assert t is not None and current is not None
    each = ", ".join(f"{d.name} {d.v_max:.3g} V (breakdown {d.breakdown_voltage:.3g} V)" for d in designs)
    warn_over_breakdown([d.v_max for d in designs], [d.breakdown_voltage for d in designs],
                        lambda _: f"compare_designs: inputs of {i_lo * 1e3:.3g} to {i_hi * 1e3:.3g} mA put more "
                        f"than the breakdown voltage across a junction: largest {each}")
    ref = designs[0].fit.params
    u_lif = lif_response(ref, t, current)
    return Comparison(t=t, current=current, designs=designs, u_lif=u_lif)

