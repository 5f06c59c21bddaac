"""Strobed voltage comparators for the neuron's readout, in two interchangeable flavours.

Both are a ``.subckt NAME inp inn en out vdd``: ``out`` goes to the logic level (the supply
voltage) while ``en`` is high and v(inp) - v(inn) is above the (hysteretic) decision point, and
to 0 otherwise. ``vdd`` is the comparator's supply node, fed by its own voltage source so that
the comparator's energy is that source's integral of V x I.

* :func:`behavioral_comparator` -- B-sources: threshold with hysteresis, an RC decision delay and
  a supply-current model (static bias current plus a switching charge) drawn from ``vdd``. The
  signal path itself is ideal; the supply model is the comparator's power.
* :func:`cmos_comparator` -- transistor level with a BSIM4 card (``models/ptm45hp.lib``, the
  Predictive Technology Model 45 nm high-performance card, nominal 1.0 V): a clocked StrongARM
  latch (the standard sense-amplifier comparator) behind a two-inverter strobe delay, with an
  inverter output. All its power comes from ``vdd``.

Why a latch: the readout margin at the read that fires is typically 0.2-1 mV of t2 (u saturates
just above u_th near the onset), and t2 is grounded between reads. An open-loop amplifier started
from that rail on every strobe and could not resolve a few mV in 0.13 ns (it over-fired 2-3x); a
latch is reset every cycle anyway and its positive feedback resolves sub-mV inputs in tens of ps.
Why the delay: the behavioral comparator decides after its RC delay (50 ps) and t2 falls during
the strobe (u relaxes with the input gated off), so the latch samples t2 about 50 ps into the
strobe too. Its references and their kickback matching are in :mod:`mtjspice.netlist.neuron`.
Measured in the neuron, the two flavours still decide up to 0.9 mV of t2 apart (the behavioral one
needs its input beyond the trip point through its delay; the latch integrates from its own clock
edge), so their spike counts can differ by one or two in 40 ns: see benchmarks/comparators.py.
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
    """Sizes of the transistor-level (StrongARM latch) comparator (m), all at length ``l``.

    Attributes
    ----------
    w_tail : float
        Width of the clocked NMOS tail switch (gate ``en``) (m).
    w_in : float
        Width of each input-pair NMOS (m).
    w_latch_n, w_latch_p : float
        Widths of the cross-coupled NMOS and PMOS of the latch (m).
    w_reset : float
        Width of the four PMOS precharge switches (gate ``en``) (m).
    w_inv_n, w_inv_p : float
        NMOS / PMOS widths of the output inverters (m).
    l : float
        Channel length of every device (m); the card's 45 nm.
    l_delay : float
        Channel length of the two strobe-delay inverters (m); sets the latch's sampling instant
        (see :func:`cmos_comparator`).
    c_out : float
        Wiring load on the output (and on the balancing dummy) (F).
    ref_offset : float or None
        Placement of the latch references beyond the thresholds (V): v_hi + ref_offset and
        v_lo - ref_offset. None: half the behavioral comparator's hysteresis, its trip point.
    """

    w_tail: float = 0.3e-6
    w_in: float = 0.3e-6
    w_latch_n: float = 0.5e-6
    w_latch_p: float = 0.5e-6
    w_reset: float = 0.3e-6
    w_inv_n: float = 0.2e-6
    w_inv_p: float = 0.4e-6
    l: float = 45e-9
    l_delay: float = 0.12e-6
    c_out: float = 2e-15
    ref_offset: float | None = None

    def __post_init__(self) -> None:
        if self.ref_offset is not None and not (math.isfinite(self.ref_offset) and self.ref_offset >= 0):
            raise ParameterError("cmos comparator ref_offset", self.ref_offset, "None or a finite voltage >= 0 (V)")
        for f in ("w_tail", "w_in", "w_latch_n", "w_latch_p", "w_reset", "w_inv_n", "w_inv_p", "l", "l_delay", "c_out"):
            v = getattr(self, f)
            if not (isinstance(v, (int, float)) and math.isfinite(v) and v > 0):
                raise ParameterError(f"cmos comparator {f}", v, "a finite width or length > 0 (m)")


def cmos_comparator(p: CmosComparator, nmos: str = "ptm45n", pmos: str = "ptm45p", name: str = "cmpc") -> str:
    """``.subckt NAME inp inn en out vdd``: a clocked StrongARM latch with an inverter output.

    While ``en`` is low the PMOS switches precharge the latch nodes ``la`` / ``lb`` and the input
    pair's drains ``da`` / ``db`` to vdd and the tail is off (no static current). When ``en``
    rises, the tail turns on, the input pair discharges ``da`` / ``db`` at rates set by v(inp) and
    v(inn), and the cross-coupled inverters regenerate the difference to the rails: v(inp) >
    v(inn) pulls ``la`` to 0. ``out`` = NOT la: high only while ``en`` is high and only if
    v(inp) > v(inn) when ``en`` rose, so each strobe gives at most one clean pulse. ``lb`` drives
    an identical dummy inverter so that both latch nodes carry the same load.
    The models ``nmos`` and ``pmos`` must be in the deck (see ``models/ptm45hp.lib``).
    """
    n = safe.name(name, "subcircuit name")
    mn, mp = safe.name(nmos, "nmos model"), safe.name(pmos, "pmos model")
    L = safe.num(p.l, "l")
    Ld = safe.num(p.l_delay, "l_delay")

    def w(x: float) -> str:
        return safe.num(x, "width")

    return "\n".join([
        "* CMOS comparator (BSIM4): clocked StrongARM latch, reset while en is low, evaluating on en",
        f".subckt {n} inp inn en out vdd",
        "* strobe delay: two long-channel inverters, en -> enb -> ck",
        f"Md1 enb en 0 0 {mn} W={w(p.w_inv_n)} L={Ld}",
        f"Md2 enb en vdd vdd {mp} W={w(p.w_inv_p)} L={Ld}",
        f"Md3 ck enb 0 0 {mn} W={w(p.w_inv_n)} L={Ld}",
        f"Md4 ck enb vdd vdd {mp} W={w(p.w_inv_p)} L={Ld}",
        f"Mtail tl ck 0 0 {mn} W={w(p.w_tail)} L={L}",
        "* input pair: v(inp) > v(inn) discharges da faster than db",
        f"M1 da inp tl 0 {mn} W={w(p.w_in)} L={L}",
        f"M2 db inn tl 0 {mn} W={w(p.w_in)} L={L}",
        "* cross-coupled inverters (latch): da falling first pulls la to 0, lb to vdd",
        f"M3 la lb da 0 {mn} W={w(p.w_latch_n)} L={L}",
        f"M4 lb la db 0 {mn} W={w(p.w_latch_n)} L={L}",
        f"M5 la lb vdd vdd {mp} W={w(p.w_latch_p)} L={L}",
        f"M6 lb la vdd vdd {mp} W={w(p.w_latch_p)} L={L}",
        "* precharge to vdd while en is low",
        f"M7 la ck vdd vdd {mp} W={w(p.w_reset)} L={L}",
        f"M8 lb ck vdd vdd {mp} W={w(p.w_reset)} L={L}",
        f"M9 da ck vdd vdd {mp} W={w(p.w_reset)} L={L}",
        f"M10 db ck vdd vdd {mp} W={w(p.w_reset)} L={L}",
        "* out = NOT la (low during precharge); the same inverter on lb as a balancing dummy",
        f"M11 out la 0 0 {mn} W={w(p.w_inv_n)} L={L}",
        f"M12 out la vdd vdd {mp} W={w(p.w_inv_p)} L={L}",
        f"M13 dum lb 0 0 {mn} W={w(p.w_inv_n)} L={L}",
        f"M14 dum lb vdd vdd {mp} W={w(p.w_inv_p)} L={L}",
        "* output wiring load (also keeps out low in the first ps of a uic start, while la charges)",
        f"Cout out 0 {safe.num(p.c_out, 'c_out')}",
        f"Cdum dum 0 {safe.num(p.c_out, 'c_out')}",
        f".ends {n}",
    ]) + "\n"
