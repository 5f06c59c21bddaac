"""Strobed voltage comparators for the neuron's readout, in two interchangeable flavours.

Both are a ``.subckt NAME inp inn en out vdd``: ``out`` goes to the logic level (the supply
voltage) while ``en`` is high and v(inp) - v(inn) is above the (hysteretic) decision point, and
to 0 otherwise. ``vdd`` is the comparator's supply node, fed by its own voltage source so that
the comparator's energy is that source's integral of V x I.

* :func:`behavioral_comparator` -- B-sources: threshold with hysteresis, an RC decision delay and
  a supply-current model (static bias current plus a switching charge) drawn from ``vdd``. The
  signal path itself is ideal; the supply model is the comparator's power.
* :func:`cmos_comparator` -- transistor level with a BSIM4 card (``models/ptm45hp.lib``, the
  Predictive Technology Model 45 nm high-performance card): a 5-transistor differential pair with
  a PMOS mirror load and an NMOS tail, three inverters, and a NAND-inverter that gates the result
  with ``en``. All its power comes from ``vdd``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from ..errors import ParameterError
from . import safe

__all__ = ["BehavioralComparator", "CmosComparator", "behavioral_comparator", "cmos_comparator"]


@dataclass(frozen=True)
class BehavioralComparator:
    """Parameters of the behavioral comparator.

    Attributes
    ----------
    hysteresis : float
        Width of the hysteresis window (V): the output rises when v(inp) - v(inn) > +h/2 and falls
        when it drops below -h/2.
    delay : float
        Decision delay from a crossing (or from ``en`` rising) to the output's 50 % point (s).
    i_static : float
        Static bias current drawn from the supply (A).
    c_switch : float
        Switched capacitance (F): every rising output edge draws c_switch x V_dd of charge.
    smoothing : float
        Width of the tanh decision edge (V); keeps the Newton iteration smooth.
    """

    hysteresis: float = 1e-3
    delay: float = 50e-12
    i_static: float = 20e-6
    c_switch: float = 5e-15
    smoothing: float = 0.2e-3

    def __post_init__(self) -> None:
        for name in ("hysteresis", "i_static", "c_switch"):
            v = getattr(self, name)
            if not (isinstance(v, (int, float)) and math.isfinite(v) and v >= 0):
                raise ParameterError(f"comparator {name}", v, "a finite number >= 0 (SI units)")
        for name in ("delay", "smoothing"):
            v = getattr(self, name)
            if not (isinstance(v, (int, float)) and math.isfinite(v) and v > 0):
                raise ParameterError(f"comparator {name}", v, "a finite number > 0 (SI units)")


def behavioral_comparator(p: BehavioralComparator, vdd: float, name: str = "cmpb") -> str:
    """``.subckt NAME inp inn en out vdd`` of the behavioral comparator at logic level ``vdd`` (V)."""
    n = safe.name(name, "subcircuit name")
    vl = safe.num(vdd, "vdd")
    # An RC low-pass on the ideal decision reaches 50 % after RC ln 2: RC = delay / ln 2 (1 kOhm).
    c_del = p.delay / math.log(2.0) / 1e3
    return "\n".join([
        f"* behavioral strobed comparator: threshold, hysteresis {p.hysteresis:g} V, delay {p.delay:g} s,",
        f"* supply model I_dd = {p.i_static:g} A + {p.c_switch:g} F x d(v_out)/dt on rising edges",
        f".subckt {n} inp inn en out vdd",
        "* decision: en AND (v(inp) - v(inn) > +h/2 when low, > -h/2 when high): hysteresis via the output",
        f"Bdec dec 0 V = v(en)/{vl} * (0.5 + 0.5*tanh((v(inp,inn) - {safe.num(p.hysteresis)}*(0.5 - v(out)/{vl}))"
        f"/{safe.num(p.smoothing)}))",
        "* delay: RC low-pass, 50 % after RC ln 2 = delay",
        "Rdel dec dl 1000",
        f"Cdel dl 0 {safe.num(c_del)}",
        f"Bout out 0 V = {vl} * (0.5 + 0.5*tanh((v(dl) - 0.5)/0.02))",
        "* supply-current model: static bias + switched charge c_switch x vdd per rising edge",
        f"Bsup vdd 0 I = {safe.num(p.i_static)} + {safe.num(p.c_switch)} * max(ddt(v(out)), 0)",
        f".ends {n}",
    ]) + "\n"


@dataclass(frozen=True)
class CmosComparator:
    """Sizes and bias of the transistor-level comparator (m, V).

    Attributes
    ----------
    w_in, w_load, w_tail : float
        Widths of the input pair, the PMOS mirror load and the NMOS tail / second-stage sink (m).
    l_amp : float
        Channel length of the two amplifier stages (m); longer than minimum for gain.
    w_inv_n, w_inv_p : float
        NMOS / PMOS widths of the logic stages (m), at minimum length 45 nm.
    v_bias : float
        Gate bias of the tail and second-stage current sinks (V).
    """

    w_in: float = 0.4e-6
    w_load: float = 0.2e-6
    w_tail: float = 0.2e-6
    l_amp: float = 90e-9
    w_inv_n: float = 0.1e-6
    w_inv_p: float = 0.2e-6
    v_bias: float = 0.5

    def __post_init__(self) -> None:
        for name in ("w_in", "w_load", "w_tail", "l_amp", "w_inv_n", "w_inv_p", "v_bias"):
            v = getattr(self, name)
            if not (isinstance(v, (int, float)) and math.isfinite(v) and v > 0):
                raise ParameterError(f"cmos comparator {name}", v, "a finite number > 0 (m or V)")


def cmos_comparator(p: CmosComparator, nmos: str = "ptm45n", pmos: str = "ptm45p", name: str = "cmpc") -> str:
    """``.subckt NAME inp inn en out vdd``: two-stage open-loop comparator + strobe gate.

    Stage 1: NMOS differential pair, PMOS current-mirror load, NMOS tail. Stage 2: PMOS common
    source with an NMOS current sink, sized 2:1 against the mirror so that the stage has no
    systematic offset. Then two inverters, and out = en AND decision (NAND + inverter).
    The models ``nmos`` and ``pmos`` must be in the deck (see ``models/ptm45hp.lib``).
    """
    n = safe.name(name, "subcircuit name")
    mn, mp = safe.name(nmos, "nmos model"), safe.name(pmos, "pmos model")
    La = safe.num(p.l_amp, "l_amp")
    L = "45e-09"

    def w(x: float) -> str:
        return safe.num(x, "width")

    return "\n".join([
        "* CMOS comparator (BSIM4): differential pair + common-source stage + inverters + strobe gate",
        f".subckt {n} inp inn en out vdd",
        "* bias of the current sinks (a gate-only load: draws no dc current)",
        "Vbias vb 0 " + safe.num(p.v_bias, "v_bias"),
        f"Mtail tail vb 0 0 {mn} W={w(p.w_tail)} L={La}",
        "* v(inp) > v(inn): M2 takes more of the tail current than the mirror returns, d2 falls",
        f"M1 d1 inn tail 0 {mn} W={w(p.w_in)} L={La}",
        f"M2 d2 inp tail 0 {mn} W={w(p.w_in)} L={La}",
        f"M3 d1 d1 vdd vdd {mp} W={w(p.w_load)} L={La}",
        f"M4 d2 d1 vdd vdd {mp} W={w(p.w_load)} L={La}",
        "* second stage: d2 falls -> o2 rises (M5 is 2x M4 against a sink equal to the tail: no offset)",
        f"M5 o2 d2 vdd vdd {mp} W={w(2 * p.w_load)} L={La}",
        f"M6 o2 vb 0 0 {mn} W={w(p.w_tail)} L={La}",
        "* two inverters: o2 -> i1 -> i2 (the decision, with logic levels)",
        f"M7 i1 o2 0 0 {mn} W={w(p.w_inv_n)} L={L}",
        f"M8 i1 o2 vdd vdd {mp} W={w(p.w_inv_p)} L={L}",
        f"M9 i2 i1 0 0 {mn} W={w(p.w_inv_n)} L={L}",
        f"M10 i2 i1 vdd vdd {mp} W={w(p.w_inv_p)} L={L}",
        "* NAND(i2, en) -> nd; out = NOT nd = decision AND en",
        f"M11 nd i2 ns 0 {mn} W={w(2 * p.w_inv_n)} L={L}",
        f"M12 ns en 0 0 {mn} W={w(2 * p.w_inv_n)} L={L}",
        f"M13 nd i2 vdd vdd {mp} W={w(p.w_inv_p)} L={L}",
        f"M14 nd en vdd vdd {mp} W={w(p.w_inv_p)} L={L}",
        f"M15 out nd 0 0 {mn} W={w(p.w_inv_n)} L={L}",
        f"M16 out nd vdd vdd {mp} W={w(p.w_inv_p)} L={L}",
        f".ends {n}",
    ]) + "\n"
