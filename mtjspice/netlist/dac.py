"""A per-neuron threshold DAC: a resistor string whose code is set once, at calibration, from the
neuron's own measured resistance (:func:`dac_code`, :func:`threshold_dac_items`).

The comparator thresholds of a neuron trimmed this way are not the shared rails but each neuron's
own DAC outputs. The calibration measures the neuron's junction at rest (its read-out level at u =
0 gives R(0), hence R(u) at u = +-u_th through the TMR) and loads the code nearest to the
read-out at +-u_th (:func:`mtjspice.montecarlo.trim.reference_thresholds`, rounded to the DAC's
step: what the Monte Carlo's ``DeviceMC.ref_step`` models).

The circuit: a string of 2^bits unit resistors ``r_unit`` (Ohm) from a full-scale rail
``v_full`` (V) to ground, tapped at ``code`` units from the bottom (the tap's switch tree, set
once, carries no current and is left out): out = v_full code / 2^bits, with an output resistance
of code (2^bits - code) r_unit / 2^bits (a behavioral comparator's input draws nothing; a CMOS
latch's gate draws only its kick-back charge). The string draws v_full / (2^bits r_unit) whatever
the code, so its energy is static: :func:`dac_power` per DAC, two DACs per neuron. Its area:
2^bits unit resistors per DAC.
"""

from __future__ import annotations

import math

from ..errors import ParameterError
from .circuit import Comment, Element, Item, Wave

__all__ = ["dac_code", "dac_level", "dac_power", "threshold_dac_items"]


def _check(v_full: float, bits: int) -> None:
    if isinstance(bits, bool) or not isinstance(bits, int) or not 1 <= bits <= 16:
        raise ParameterError("dac_bits", bits, "a whole number of bits from 1 to 16")
    if not (isinstance(v_full, (int, float)) and math.isfinite(v_full) and v_full > 0):
        raise ParameterError("dac full scale", v_full, "a voltage > 0 (V)")


def dac_code(v: float, v_full: float, bits: int) -> int:
    """The code whose level is nearest to ``v`` (V), clipped to 0 .. 2^bits - 1."""
    _check(v_full, bits)
    return int(min(max(round(v / v_full * 2**bits), 0), 2**bits - 1))


def dac_level(code: int, v_full: float, bits: int) -> float:
    """The output (V) of ``code``: v_full code / 2^bits."""
    _check(v_full, bits)
    return v_full * code / 2**bits


def dac_power(v_full: float, bits: int, r_unit: float) -> float:
    """Static power (W) of one string: v_full^2 / (2^bits r_unit)."""
    _check(v_full, bits)
    return v_full**2 / (2**bits * r_unit)


def threshold_dac_items(name: str, out: str, code: int, v_full: float, bits: int, r_unit: float) -> tuple[Item, ...]:
    """One DAC as elements: its full-scale source ``V<name>`` (its current is the string's, for the
    energy), the string above and below the tap ``out``. ``code`` from :func:`dac_code`."""
    _check(v_full, bits)
    if isinstance(code, bool) or not isinstance(code, int) or not 0 < code < 2**bits:
        raise ParameterError(f"{name} code", code, f"a code from 1 to {2**bits - 1} (0 would short the tap)")
    if not (isinstance(r_unit, (int, float)) and math.isfinite(r_unit) and r_unit > 0):
        raise ParameterError("r_unit", r_unit, "a unit resistance > 0 (Ohm)")
    rail = f"{name.lower()}_fs"
    return (
        Comment(f"threshold DAC {name}: {bits} bits, code {code}: out = {v_full:.6g} V x {code} / {2**bits}"),
        Element(f"V{name}", (rail, "0"), (Wave(v_full),)),
        Element(f"R{name}t", (rail, out), ((2**bits - code) * r_unit,)),
        Element(f"R{name}b", (out, "0"), (code * r_unit,)),
    )
