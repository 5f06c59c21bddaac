"""The junction's Joule heating in the behavioral MTJ: a thermal RC node and Ms(T) by Bloch's law.

Node ``tj`` carries the temperature rise above the ambient in kelvin (V(tj) = T_j - T_amb): a
behavioral current source injects the Joule power I V (W, read as amperes), a resistor R_th
(K/W, read as ohms) leads it to ground and a capacitor tau / R_th holds the heat, so
C dV(tj)/dt = I V - V(tj) / R_th, the RC of :mod:`mtjspice.physics.heating`.

With a Curie temperature, node ``ms`` carries s = Ms(T_j) / Ms(T_amb) by Bloch's law. All
anisotropy energies scale as Ms^2 (see :mod:`mtjspice.physics.heating`), so the reduced fields
h = H / Ms do not change, and the equation dm/dt = -gamma' Ms [...](m, a) with a = a_J / Ms
(a_J proportional to 1 / Ms) becomes s f(m, a / s^2): the subcircuit multiplies each state
polynomial by V(ms) and reads the current from node ``ar``, V(ar) = i(Vsense) / V(ms)^2
(:func:`heated_names`): one more node, so that each state source reads one quantity more instead of
repeating the quotient (measured: 1.99x the cost without heating with the quotient inline). For the
same reason the trapezoid correction's long sources write -c J f on nodes ``ux``, ``uy``, ``uz`` and a
short source each scales it by V(ms)^2: a V(ms) inside the long sources made ngspice differentiate
them by one quantity more (measured 1.36x the CPU of the MTJ without heating, against 1.17x with the
nodes u; benchmarks/bench_effects.py for the figures of record). Folding V(ms) into the f sources
instead of the state sources V(ms) V(f) was tried and bought nothing (1.365x against 1.344x). Bloch's
law is one pwr of T_j with the constants folded, not pwr(min(1, max(0, T_j / Tc)), beta) scaled: ngspice
differentiates every operation (10 junctions, CPU against the MTJ without heating: 1.23x clamped, 1.17x
with max(0, T_j) kept, 1.12x folded). It equals the clamped law for every T_j >= 0 (pwr of a negative
is -|x|^beta, harmless at a Newton iterate). The node ms starts at 1 (mtj.HEATED_IC): a uic start at
V(ms) = 0 made the noisy heated decks stop at their first time point.
"""

from __future__ import annotations

from ..errors import ParameterError
from ..params import Device
from ..physics.heating import MS_RATIO_FLOOR
from . import safe
from .circuit import Comment, Element, Expr, Item, Word

__all__ = ["heating_items", "heated_names", "ms_scaled"]


def ms_scaled(device: Device) -> bool:
    """Whether the subcircuit scales Ms with the junction temperature (heating and a Curie temperature)."""
    return device.junction.heating and device.material.curie_temperature > 0


def heating_items(device: Device, v: str = "V(n1,t2)", scaled_current: bool = True) -> list[Item]:
    """The RC node ``tj`` (temperature rise, K) and, with a Curie temperature, the node ``ms`` (Ms ratio)
    and, if ``scaled_current``, node ``ar`` (not needed when the torque nodes of netlist/junction.py carry
    the current); ``v`` is the expression of the junction voltage (V(vj) when the junction writes it on a node)."""
    j, mat = device.junction, device.material
    items: list[Item] = [
        Comment(f"Joule heating: C dV(tj)/dt = I V - V(tj)/R_th, V(tj) = T_j - T_amb (K); R_th = "
                f"{j.thermal_resistance:g} K/W, tau = {j.thermal_time_constant:g} s"),
        Element("Bheat", ("0", "tj"), (Word("I"), Word("="), Expr(f"{v}*i(Vsense)"))),
        Element("Rth", ("tj", "0"), (j.thermal_resistance,)),
        Element("Cth", ("tj", "0"), (j.thermal_time_constant / j.thermal_resistance,)),
    ]
    if ms_scaled(device):
        if any(h != 0.0 for h in device.field.H):
            raise ParameterError("field.H", device.field.H, "(0, 0, 0) in an ngspice MTJ whose Ms follows its "
                                 "temperature (material.curie_temperature > 0 with heating): the reduced "
                                 "applied field would need its own 1/Ms(T) term")
        t0, tc, beta = mat.temperature, mat.curie_temperature, mat.bloch_exponent
        b0 = 1.0 - (t0 / tc) ** beta
        items += [
            Comment(f"Bloch's law: V(ms) = Ms(T_j)/Ms(T_amb) = (1 - (T_j/Tc)^{beta:g}) / (1 - (T_amb/Tc)^{beta:g}), "
                    f"Tc = {tc:g} K, T_amb = {t0:g} K,"),
            Comment("written max(floor, 1/b0 - pwr(T_j, beta)/(b0 Tc^beta)): the floor above Tc; T_j >= T_amb in a solution"),
            Element("Bms", ("ms", "0"), (Word("V"), Word("="), Expr(
                f"max({safe.num(MS_RATIO_FLOOR)}, {safe.num(1.0 / b0)} - {safe.num(1.0 / (b0 * tc ** beta))}"
                f"*pwr({safe.num(t0)} + V(tj), {safe.num(beta)}))"))),
        ]
        if scaled_current:
            items += [Comment("V(ar) = the junction current scaled to Ms(T_j): i(Vsense) / V(ms)^2 (A)"),
                      Element("Bar", ("ar", "0"), (Word("V"), Word("="), Expr("i(Vsense)/(V(ms)*V(ms))")))]
    return items


def heated_names(names: dict[str, str]) -> dict[str, str]:
    """The polynomial symbols' expressions with the current read from node ``ar`` (divided by s^2)."""
    return {**names, "a": "V(ar)"}
