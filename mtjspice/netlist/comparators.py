"""Strobed voltage comparators for the neuron's readout, in two interchangeable flavours.

Both are a ``.subckt NAME inp inn en out vdd``: once per strobe (``en`` high) they sample
v(inp) - v(inn), and ``out`` goes to the logic level (the supply voltage) until shortly after the
strobe ends if that sample is above the decision point, and stays at 0 otherwise. ``vdd`` is the
comparator's supply node, fed by its own voltage source so that the comparator's energy is that
source's integral of V x I.

* :func:`behavioral_comparator` -- B-sources: a track-and-hold that samples the input a fixed time
  after the strobe rises, a threshold with hysteresis on the held sample, an RC decision delay and
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

Why the behavioral one samples: t2 moves by a few tenths of a mV during the strobe (u relaxes with
the input gated off, and precesses), comparable to the margin. A comparator that watches its input
through the whole strobe decides on a different instant than a latch, whatever its threshold
(measured in the neuron with a 50 ps watching comparator: in 40 ns of DC from 0.58 to 0.80 mA the
two flavours' spike counts were equal in only 22 of 48 runs, benchmarks/bench_comparators.py). So the behavioral
comparator holds the input at the latch's sampling instant (``sample_delay``, set by the latch's
strobe delay) and raises its output when the latch does (``delay``); the latches' references
cancel their in-situ offset (:data:`LATCH_OFFSET`).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from ..errors import ParameterError
from ..units import check_positive
from . import safe
from .circuit import Comment, Element, Expr, Item, Model, Param, Subckt, Word

__all__ = ["LATCH_OFFSET", "PORTS", "BehavioralComparator", "CmosComparator", "behavioral_comparator",
           "cmos_comparator"]

#: Ports of both comparator flavours, in order.
PORTS: tuple[str, ...] = ("inp", "inn", "en", "out", "vdd")


#: In-situ input offset of the StrongARM latches in the neuron (V): referenced to the behavioral
#: comparator's trip point, and sampling at the same instant, they fired on reads about 0.75 mV of
#: t2 short of it, for both polarities (benchmarks/comparators.py), so their references sit this
#: much further out by default.
LATCH_OFFSET = 0.75e-3


@dataclass(frozen=True)
class BehavioralComparator:
    """Parameters of the behavioral (sampled) comparator.

    Attributes
    ----------
    hysteresis : float
        Width of the hysteresis window (V): the output rises when the held v(inp) - v(inn) is above
        +h/2 and falls when it is below -h/2. The output is low when a strobe opens, so each strobe
        trips at +h/2.
    sample_delay : float
        From ``en`` rising (50 %) to the instant the input is held (s); 70 ps is the instant at which
        the membrane best predicts the CMOS latch's decisions in the neuron (its strobe delay plus
        integration; benchmarks/comparators.py).
    delay : float
        From the hold to the output's 50 % point (s); with ``sample_delay``, 130 ps from the strobe,
        the CMOS latch's mean (120-160 ps measured in the neuron).
    i_static : float
        Static bias current drawn from the supply (A).
    c_switch : float
        Switched capacitance (F): every rising output edge draws c_switch x V_dd of charge.
    smoothing : float
        Width of the tanh decision edge (V); keeps the Newton iteration smooth.
    """

    hysteresis: float = 1e-3
    sample_delay: float = 70e-12
    delay: float = 60e-12
    i_static: float = 20e-6
    c_switch: float = 5e-15
    smoothing: float = 0.05e-3

    def __post_init__(self) -> None:
        for name in ("hysteresis", "i_static", "c_switch"):
            v = getattr(self, name)
            if not (isinstance(v, (int, float)) and math.isfinite(v) and v >= 0):
                raise ParameterError(f"comparator {name}", v, "a finite number >= 0 (SI units)")
        for name in ("sample_delay", "delay", "smoothing"):
            v = getattr(self, name)
            if not (isinstance(v, (int, float)) and math.isfinite(v) and v > 0):
                raise ParameterError(f"comparator {name}", v, "a finite number > 0 (SI units)")


def behavioral_comparator(p: BehavioralComparator, vdd: float, name: str = "cmpb") -> Subckt:
    """``.subckt NAME inp inn en out vdd`` of the behavioral comparator at logic level ``vdd`` (V).

    ``es``, an RC copy of the strobe, crosses 1/2 ``sample_delay`` after ``en`` does; until then a
    1 mS gated conductance makes ``h`` track v(inp) - v(inn) on 1 fF (1 ps), after it the gate
    closes and ``h`` holds. The decision on ``h``, enabled while it is held (until ``es`` falls
    back through 1/2, ``sample_delay`` after the strobe ends, as a latch clocked through a strobe
    delay resets then), passes an RC low-pass whose 50 % point is ``delay`` later. Gating the
    decision with the strobe itself would cut a decision taken late in a short strobe to a sliver
    of a pulse that the low-pass swallows.
    """
    vdd_f = check_positive("vdd", vdd, "V")
    # An RC low-pass reaches 50 % of a step after RC ln 2: RC = delay / ln 2 (1 kOhm).
    c_smp = p.sample_delay / math.log(2.0) / 1e3
    c_del = p.delay / math.log(2.0) / 1e3
    # The expressions are written for ngspice's evaluator, which walks each B-source's tree and one
    # derivative tree per controlling voltage at every Newton iteration (about half a neuron deck's
    # CPU): constants folded into each tanh's argument and out of the products, the strobe copy a
    # VCCS into its RC (no E-source branch), and the sums of voltages that Bth and Bdec see formed
    # by VCCSs on 1 Ohm (e, z): two controlling voltages each, so fewer derivative trees. Linear
    # nodes leave Newton's iterates as they were: same equations, same time points and spikes.
    # Not done: the track/hold gate tanh(100 v(es) - 50) on a node of its own, shared by Bth and
    # Bdec (10 % less ngspice CPU for a compact neuron): the extra unknown changes Newton's path and
    # so the time points, and marginal reads then decide the other way (measured: 2 of 14
    # macrospin-neuron counts, 2 of 12 in the CMOS comparison of tests/circuits/test_neuron.py, both down by
    # one, at any reltol down to 1e-5).
    hyst, smooth = float(p.hysteresis), float(p.smoothing)
    trk = "tanh(100*v(es) - 50)"  # +1 while es > 1/2 (hold), -1 while it tracks
    I, V, EQ = Word("I"), Word("V"), Word("=")
    header = (
        f"behavioral sampled comparator: holds v(inp,inn) {p.sample_delay:g} s after en rises;",
        f"threshold on the sample, hysteresis {p.hysteresis:g} V, delay {p.delay:g} s;",
        f"supply model I_dd = {p.i_static:g} A + {p.c_switch:g} F x d(v_out)/dt on rising edges",
    )
    items: tuple[Item, ...] = (
        Comment("sampling instant: es = RC copy of the normalised strobe, 1/2 at sample_delay"),
        Element("Ges", ("0", "es", "en", "0"), (1e-3 / vdd_f,)),
        Element("Res", ("es", "0"), (1000,)),
        Element("Ces", ("es", "0"), (c_smp,)),
        Comment("track-and-hold: h follows v(inp,inn) through 1 mS while es < 1/2, holds after; e = v(inp,inn) - v(h)"),
        Element("Gein", ("0", "e", "inp", "inn"), (1,)),
        Element("Geh", ("e", "0", "h", "0"), (1,)),
        Element("Re", ("e", "0"), (1,)),
        Element("Bth", ("0", "h"), (I, EQ, Expr(f"v(e)*(5e-4 - 5e-4*{trk})"))),
        Element("Cth", ("h", "0"), (1e-15,)),
        Element("Rth", ("h", "0"), (1e12,)),
        Comment("decision on the held sample, while it is held (until sample_delay after en falls, when a latch"),
        Comment("clocked through a strobe delay resets); hysteresis via the output, z = v(h) + hysteresis v(out)/vdd:"),
        Comment("dec = (1 + tanh(100 (es - 1/2))) (1 + tanh((z - hysteresis/2) / smoothing)) / 4"),
        Element("Gzh", ("0", "z", "h", "0"), (1,)),
        Element("Gzo", ("0", "z", "out", "0"), (hyst / vdd_f,)),
        Element("Rz", ("z", "0"), (1,)),
        Element("Bdec", ("dec", "0"), (V, EQ, Expr(
            f"0.25*(1 + {trk})*(1 + tanh({safe.num(1.0 / smooth)}*v(z) - {safe.num(0.5 * hyst / smooth)}))"))),
        Comment("delay: RC low-pass, 50 % after RC ln 2 = delay"),
        Element("Rdel", ("dec", "dl"), (1000,)),
        Element("Cdel", ("dl", "0"), (c_del,)),
        Element("Bout", ("out", "0"), (V, EQ, Expr(f"{safe.num(vdd_f / 2)} + {safe.num(vdd_f / 2)}*tanh(50*v(dl) - 25)"))),
        Comment("supply-current model: static bias + switched charge c_switch x vdd per rising edge"),
        Element("Bsup", ("vdd", "0"), (I, EQ, Expr(f"{safe.num(p.i_static)} + {safe.num(p.c_switch)} * "
                                                  "max(ddt(v(out)), 0)"))),
    )
    return Subckt(name, PORTS, items, header=header)


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
        v_lo - ref_offset. None: the behavioral comparator's trip point (half its hysteresis)
        plus the latches' in-situ offset :data:`LATCH_OFFSET`.
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


def cmos_comparator(p: CmosComparator, card: Sequence[Model | Comment], nmos: str = "ptm45n", pmos: str = "ptm45p",
                    name: str = "cmpc") -> Subckt:
    """``.subckt NAME inp inn en out vdd``: a clocked StrongARM latch with an inverter output.

    While ``en`` is low the PMOS switches precharge the latch nodes ``la`` / ``lb`` and the input
    pair's drains ``da`` / ``db`` to vdd and the tail is off (no static current). When ``en``
    rises, the tail turns on, the input pair discharges ``da`` / ``db`` at rates set by v(inp) and
    v(inn), and the cross-coupled inverters regenerate the difference to the rails: v(inp) >
    v(inn) pulls ``la`` to 0. ``out`` = NOT la: high only while ``en`` is high and only if
    v(inp) > v(inn) when ``en`` rose, so each strobe gives at most one clean pulse. ``lb`` drives
    an identical dummy inverter so that both latch nodes carry the same load.

    ``card`` holds the MOSFET models ``nmos`` and ``pmos`` (see :func:`mtjspice.netlist.cards.parse_model_card`);
    a deck writes it once at its top level, however many comparators it holds.
    """
    names = {m.name.lower() for m in card if isinstance(m, Model)}
    for model in (nmos, pmos):
        if model.lower() not in names:
            raise ParameterError("cmos comparator model", model, "a model of the card: " + ", ".join(sorted(names)))

    def mos(nm: str, d: str, g: str, s: str, b: str, model: str, w: float, length: float) -> Element:
        return Element(nm, (d, g, s, b), (Word(model), Param("W", w), Param("L", length)))

    mn, mp, L, Ld = nmos, pmos, p.l, p.l_delay
    items: tuple[Item, ...] = (
        Comment("strobe delay: two long-channel inverters, en -> enb -> ck"),
        mos("Md1", "enb", "en", "0", "0", mn, p.w_inv_n, Ld),
        mos("Md2", "enb", "en", "vdd", "vdd", mp, p.w_inv_p, Ld),
        mos("Md3", "ck", "enb", "0", "0", mn, p.w_inv_n, Ld),
        mos("Md4", "ck", "enb", "vdd", "vdd", mp, p.w_inv_p, Ld),
        mos("Mtail", "tl", "ck", "0", "0", mn, p.w_tail, L),
        Comment("input pair: v(inp) > v(inn) discharges da faster than db"),
        mos("M1", "da", "inp", "tl", "0", mn, p.w_in, L),
        mos("M2", "db", "inn", "tl", "0", mn, p.w_in, L),
        Comment("cross-coupled inverters (latch): da falling first pulls la to 0, lb to vdd"),
        mos("M3", "la", "lb", "da", "0", mn, p.w_latch_n, L),
        mos("M4", "lb", "la", "db", "0", mn, p.w_latch_n, L),
        mos("M5", "la", "lb", "vdd", "vdd", mp, p.w_latch_p, L),
        mos("M6", "lb", "la", "vdd", "vdd", mp, p.w_latch_p, L),
        Comment("precharge to vdd while en is low"),
        mos("M7", "la", "ck", "vdd", "vdd", mp, p.w_reset, L),
        mos("M8", "lb", "ck", "vdd", "vdd", mp, p.w_reset, L),
        mos("M9", "da", "ck", "vdd", "vdd", mp, p.w_reset, L),
        mos("M10", "db", "ck", "vdd", "vdd", mp, p.w_reset, L),
        Comment("out = NOT la (low during precharge); the same inverter on lb as a balancing dummy"),
        mos("M11", "out", "la", "0", "0", mn, p.w_inv_n, L),
        mos("M12", "out", "la", "vdd", "vdd", mp, p.w_inv_p, L),
        mos("M13", "dum", "lb", "0", "0", mn, p.w_inv_n, L),
        mos("M14", "dum", "lb", "vdd", "vdd", mp, p.w_inv_p, L),
        Comment("output wiring load (also keeps out low in the first ps of a uic start, while la charges)"),
        Element("Cout", ("out", "0"), (p.c_out,)),
        Element("Cdum", ("dum", "0"), (p.c_out,)),
    )
    return Subckt(name, PORTS, items,
                  header=("CMOS comparator (BSIM4): clocked StrongARM latch, reset while en is low, evaluating on en",),
                  models=tuple(card))
