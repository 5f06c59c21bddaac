"""The input driver's compliance clamp: no input current, however large, can push the junction
above a set voltage (:func:`clamp_items`).

A current source driving a junction has to develop I R(u) across it; a large input (a network's
weighted sum, ten times the threshold) asks for several volts, and an MgO barrier breaks down near
1 V. A real driver has a compliance: its output cannot swing beyond its rails. This builder gives
the neuron's driver node ``drv`` that compliance as circuit elements: two clamp diodes from ``drv``
to a rail at ``+v_clamp`` and from a rail at ``-v_clamp`` to ``drv``, both through one 0 V sense
source (so the current the clamp diverts, and its energy, are measured). Below the compliance the
diodes are off (their leakage at ``v_clamp`` is below 1e-12 A when the junction sits 0.1 V below
it) and the input reaches the junction whole; above it, the excess flows into the rail and the
junction (behind the gate switch's r_on) stays at about ``v_clamp`` plus the diode's knee
(:data:`CLAMP_DIODE`: emission coefficient 0.05, so 10 mA over the clamp adds
0.05 x 25.85 mV x ln(1e-2 / 1e-16) = 41 mV). The rails absorb the diverted current: the energy
lost in the clamp is v(drv) x i_clamp (the clamp part of the neuron's energy).

The rails are ideal sources (a driver's supply); the diodes model a transistor clamp's sharp
turn-on, not a junction diode's 0.6 V.
"""

from __future__ import annotations

from .circuit import Comment, Element, Item, Model, Param, Wave, Word

__all__ = ["CLAMP_DIODE", "CLAMP_SENSE", "clamp_items", "clamp_knee"]

#: The clamp diodes' model parameters: saturation current (A) and emission coefficient.
CLAMP_DIODE = {"is": 1e-16, "n": 0.05}
#: Name of the clamp's 0 V sense source (its current is the current the clamp diverts out of drv).
CLAMP_SENSE = "Vscl"
_VT300 = 0.025852  # thermal voltage kT/q at 300 K (V)


def clamp_knee(current: float) -> float:
    """How far above ``v_clamp`` (V) the driver node sits while the clamp diverts ``current`` (A):
    n V_T ln(1 + I / Is) (300 K)."""
    import math

    return CLAMP_DIODE["n"] * _VT300 * math.log1p(abs(current) / CLAMP_DIODE["is"])


def clamp_items(v_clamp: float, node: str = "drv") -> tuple[Item, ...]:
    """The clamp on ``node`` at +-``v_clamp`` (V): rails, sense source, two diodes and their model."""
    return (
        Comment(f"input compliance clamp: |v({node})| <= v_clamp (+ the diodes' knee); diverted current sensed"),
        Element(CLAMP_SENSE, (node, "clp"), (0,)),
        Element("Vclp", ("clpp", "0"), (Wave(v_clamp),)),
        Element("Vcln", ("clpn", "0"), (Wave(-v_clamp),)),
        Element("Dclp", ("clp", "clpp"), (Word("dclamp"),)),
        Element("Dcln", ("clpn", "clp"), (Word("dclamp"),)),
        Model("dclamp", "d", (Param("is", CLAMP_DIODE["is"]), Param("n", CLAMP_DIODE["n"]))),
    )
