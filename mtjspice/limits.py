"""Physical limits of the device's parameters (:data:`LIMITS`) and the checks that need more than a
range: leaf module, used by :mod:`mtjspice.device` and the physics. :func:`warn_over_breakdown` is
the one test, after a run, of a junction voltage against the barrier's breakdown voltage (the
refusal before a run is :mod:`mtjspice.circuits.breakdown`)."""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable

import numpy as np
from numpy.typing import ArrayLike

from .errors import BreakdownWarning, ParameterError

__all__ = ["LIMITS", "SLACK", "within_limits", "check_taper", "warn_over_breakdown"]

_LENGTH = ("1 nm to 10 um (1e-09 to 1e-05 m): below 1 nm a layer is not a continuous film, above 10 um a "
           "single macrospin is meaningless")
#: Physical limits, ``name -> (low, high, low excluded, what is allowed and why)``. Values no real
#: device has are refused, so a slip of unit or exponent (``W = 10``: 10 m) stops at the file. The
#: temperature limit: cobalt has the highest Curie temperature of any ferromagnet (1388 K); above it
#: nothing is magnetic, so 1500 K refuses no real device and still catches slips such as 3000 K.
LIMITS: dict[str, tuple[float, float, bool, str]] = {
    "geometry.W": (1e-9, 10e-6, False, _LENGTH),
    "geometry.L": (1e-9, 10e-6, False, _LENGTH),
    "geometry.T": (1e-9, 10e-6, False, _LENGTH),
    "junction.RA": (0.0, 1e-9, True, "0 < RA <= 1e-9 Ohm m^2 (1000 Ohm um^2): MgO junctions measure 0.1 to about "
                    "100 Ohm um^2 (1e-13 to 1e-10 Ohm m^2); 1 Ohm um^2 is 1e-12 Ohm m^2 (1p)"),
    "junction.TMR": (0.0, 15.0, False, "0 to 15 (a ratio: 1.0 is 100 %): the highest measured, 6.04 at 300 K and "
                     "11.44 at 5 K (CoFeB/MgO/CoFeB, Ikeda et al., Appl. Phys. Lett. 93, 082508 (2008)); a percentage "
                     "given for the ratio (57 for 0.57) lands above"),
    "field.Ku": (-2e7, 2e7, False, "-2e7 to 2e7 J/m^3: the strongest uniaxial magnets have about 1.7e7 (SmCo5; "
                 "FePt L1_0 about 7e6); a CoFeB/MgO interface's 1.3 mJ/m^2 is 1.3e6 on a 1 nm film, 2.6e4 on a 50 nm "
                 "one; negative favours the plane normal to field.axis"),
    "material.Ms": (0.0, 3e6, True, "0 < Ms <= 3e6 A/m: no known material has more (Fe65Co35, the highest, "
                    "about 1.95e6 A/m)"),
    "material.alpha": (0.0, 1.0, False, "0 <= alpha <= 1 (dimensionless): metals have 1e-3 to 0.1; above 1 is "
                       "overdamped beyond any ferromagnet"),
    "material.P": (0.0, 1.0, True, "0 < P <= 1 (dimensionless): P = 0 gives no spin torque, and no current is "
                   "more than fully polarized"),
    "material.temperature": (0.0, 1500.0, False, "0 to 1500 K: above cobalt's Curie temperature (1388 K, the "
                             "highest of any ferromagnet) nothing is magnetic"),
    "material.Ki_bottom": (-5e-3, 5e-3, False, "-5e-3 to 5e-3 J/m^2: CoFeB/MgO interfaces give about 1 to 2 mJ/m^2 "
                           "(Ikeda et al., Nat. Mater. 9, 721 (2010)); five times that is no known interface"),
    "material.Ki_top": (-5e-3, 5e-3, False, "-5e-3 to 5e-3 J/m^2: CoFeB/MgO interfaces give about 1 to 2 mJ/m^2 "
                        "(Ikeda et al., Nat. Mater. 9, 721 (2010)); five times that is no known interface"),
    "material.curie_temperature": (0.0, 1500.0, False, "0 (Ms independent of temperature) or a Curie temperature "
                                   "above material.temperature and at most 1500 K (cobalt, the highest, 1388 K)"),
    "material.bloch_exponent": (0.0, 3.0, True, "0 < exponent <= 3 (dimensionless): Bloch's spin-wave law gives "
                                "3/2; fits to films give 1.5 to 2"),
    "junction.field_like_ratio": (-1.0, 1.0, False, "-1 to 1 (dimensionless): MgO junctions measure b_J / a_J of "
                                  "0.1 to 0.3 (Kubota et al., Nat. Phys. 4, 37 (2008))"),
    "junction.field_like_quadratic": (-1e5, 1e5, False, "-1e5 to 1e5 (A/m)/V^2: the even-in-bias field-like "
                                      "field of MgO junctions is about 30 % of a_J at a few tenths of a volt "
                                      "(Sankey et al., Nat. Phys. 4, 67 (2008)), of order 1e3 (A/m)/V^2 for a "
                                      "50 nm pillar; 1e5 gives 25 kA/m at 0.5 V, beyond any measured junction"),
    "junction.thermal_resistance": (0.0, 1e8, False, "0 (no Joule heating) to 1e8 K/W: nanopillars measure 1e4 to "
                                    "1e6 K/W"),
    "junction.thermal_time_constant": (0.0, 1e-6, False, "0 to 1e-6 s, and > 0 when junction.thermal_resistance "
                                       "is not 0: nanopillars heat in about 0.1 to 10 ns"),
}
SLACK = 1e-9  # relative, so that "1n" or "10u" parsed with round-off are not refused


def within_limits(name: str, value: float) -> bool:
    """Whether the number ``value`` (SI units) lies within :data:`LIMITS` ``[name]`` (with :data:`SLACK`;
    the low end excluded where the entry says so): the one test of a value against its limits."""
    low, high, low_excluded, _ = LIMITS[name]
    return not (value < low - abs(low) * SLACK or (low_excluded and value <= low) or value > high + abs(high) * SLACK)


def check_taper(W: float, T: float, theta: float, name: str = "geometry.taper") -> float:
    """``theta`` (rad) if it is a taper a W x T pillar (m) can have: 0 <= theta < pi/2 (90 degrees) and a
    top that stays open, W/2 - (T/2) tan(theta) > 0."""
    th = float(theta)
    if not (math.isfinite(th) and 0.0 <= th < math.pi / 2):
        raise ParameterError(name, theta, "an angle >= 0 and < pi/2 rad (90 degrees) from the vertical")
    if W / 2.0 - T / 2.0 * math.tan(th) <= 0.0:
        raise ParameterError(name, theta, f"an angle < atan(W / T) = {math.atan(W / T):.4g} rad for W = {W:.4g} m, "
                             f"T = {T:.4g} m (the top of the pillar would close)")
    return th


def warn_over_breakdown(v_max: ArrayLike, breakdown_voltage: ArrayLike, message: Callable[[np.ndarray], str],
                        stacklevel: int = 2) -> bool:
    """Warn :class:`~mtjspice.errors.BreakdownWarning` when a simulated junction voltage passed the
    breakdown voltage: the package's one such test, ``v_max > breakdown_voltage`` (V; arrays
    broadcast, any element over counts). ``message(over)`` writes the text from the boolean
    mask ``over`` and runs only when there is something to say; ``stacklevel`` is the caller's
    own (as for :func:`warnings.warn` called where the caller stands). Returns whether it warned."""
    over = np.asarray(v_max, dtype=float) > np.asarray(breakdown_voltage, dtype=float)
    if not over.any():
        return False
    warnings.warn(BreakdownWarning(message(over)), stacklevel=stacklevel + 1)
    return True
