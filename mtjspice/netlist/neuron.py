"""The signed LIF neuron as one netlist: gated input, MTJ, sampled divider readout, two strobed
comparators and a spike-triggered reset. Everything in the spike path is a circuit element.

Why a *sampled* readout
-----------------------
The MTJ has two terminals, so any voltage read across it while the input flows is I R(u). The
membrane potential u = m_y is odd in I, so I R(u) = I (R0 - k u(I) + ...) is dominated by the
ohmic term, and its u-dependent part, -k I u(I), is *even* in I: it cannot tell +u from -u.
Subtracting a replica I R0 (a reference resistor or an m_y = 0 MTJ carrying a CCCS copy of the
input) removes the ohmic term but leaves exactly that even part -- the sign is lost (design (b) of
the issue fails). A signed reading needs a read current whose sign does not follow the input.

So the circuit time-multiplexes the junction, as a strobed sense amplifier does:

* A clock ``clk`` opens a short read window (default 0.3 ns every 2 ns, short against the
  magnet's ~0.8 ns relaxation). During the window the input current is steered into a dump
  switch instead of the junction, and switch ``Sread`` connects a fixed read bias ``V_read``:
  V_read -> MTJ (t1 -> t2) -> R_ref -> ground. Outside the window ``Sgnd`` shorts R_ref so the
  input sees the junction alone.
* The readout node ``t2`` sits at V_read R_ref / (R_ref + R(u)): u > 0 lowers R and raises it,
  u < 0 lowers it, and u = 0 sits between the two thresholds V_lo < V(u=0) < V_hi.
* Both comparators are strobed by ``en`` (the read window minus a settling time), so they look at
  R(u) alone. ``spk_p`` = en AND v(t2) > V_hi, ``spk_n`` = en AND v(t2) < V_lo.
* The read current (about a quarter of the device's onset current, always positive) flows through
  the junction like any other current and drives the magnet: read disturbance is simulated, not
  neglected.

Reset, both as elements: every spike's rising edge fires an XSPICE ``oneshot`` whose output
rises at the end of the strobe (``refp`` after a positive spike, ``refn`` after a negative one).
While it is high the input is gated off and the comparators are disabled. In "leak" mode that
is all (damping relaxes the magnet over the refractory time); in "active" mode a VCCS ``Grst``
also injects a current pulse of the opposite sign, I_reset (v(refn) - v(refp)), which drives u
back to 0 faster.

Energy bookkeeping: every independent source that carries current has a 0 V sense source or is
itself a V source, so the control block writes what the energy analysis needs. The clock and
strobe logic (B-sources, oneshots, the switches' control side) is ideal and draws no power; the
comparators' power is their supply source ``Vddc``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

from ..errors import ParameterError
from ..stimulus import Waveform
from . import safe
from .sources import isource

__all__ = ["NeuronCircuit", "neuron_blocks", "neuron_vectors", "ComparatorKind", "ResetMode", "MTJ_INSTANCE"]

ComparatorKind = Literal["behavioral", "cmos"]
ResetMode = Literal["leak", "active"]
COMPARATORS: tuple[str, ...] = ("behavioral", "cmos")
RESETS: tuple[str, ...] = ("leak", "active")

#: Instance name of the neuron's MTJ (its state nodes are v(xmtj.my) etc.).
MTJ_INSTANCE = "xmtj"


@dataclass(frozen=True)
class NeuronCircuit:
    """Every value of the neuron circuit, resolved (no defaults to derive here; see
    :func:`mtjspice.neuron.neuron_circuit` for the device-derived defaults).

    Attributes
    ----------
    comparator : {"behavioral", "cmos"}
        Comparator flavour.
    reset : {"leak", "active"}
        Reset mode.
    r_ref : float
        Reference resistor of the divider (Ohm).
    v_read : float
        Read bias of the divider (V).
    v_hi, v_lo : float
        Upper and lower thresholds on the readout node t2 (V); v_lo < v_hi.
    clock_period : float
        Read-clock period (s).
    read_width : float
        Read window (input gated off, divider on) (s).
    settle : float
        Delay from the window's start to the comparators' strobe (s).
    t_refractory : float
        One-shot length after a spike: input off, comparators off (s).
    i_reset : float
        Active-reset current magnitude (A); unused in leak mode.
    i_trim : float
        Read-disturbance compensation (A, >= 0): a constant current of -i_trim steered into the
        junction with the input, so that the reads' positive charge is cancelled over each clock.
    vdd : float
        Comparator supply and logic level (V).
    r_on, r_off : float
        Switch on and off resistances (Ohm).
    edge : float
        Rise and fall time of clock, strobe and one-shot edges (s).
    ref_offset : float
        CMOS flavour only (V, >= 0): the latches' references sit at v_hi + ref_offset and
        v_lo - ref_offset: the behavioral comparator's trip points moved out by the latches'
        in-situ offset (see :func:`mtjspice.neuron.neuron_circuit`); 0 for the behavioral flavour.
    """

    comparator: ComparatorKind
    reset: ResetMode
    r_ref: float
    v_read: float
    v_hi: float
    v_lo: float
    clock_period: float = 2e-9
    read_width: float = 0.3e-9
    settle: float = 0.1e-9
    t_refractory: float = 2e-9
    i_reset: float = 0.0
    i_trim: float = 0.0
    vdd: float = 1.0
    r_on: float = 1.0
    r_off: float = 1e9
    edge: float = 10e-12
    ref_offset: float = 0.0

    def __post_init__(self) -> None:
        if self.comparator not in COMPARATORS:
            raise ParameterError("--comparator", self.comparator, "'behavioral' or 'cmos'")
        if self.reset not in RESETS:
            raise ParameterError("--reset", self.reset, "'leak' or 'active'")
        for name in ("r_ref", "v_read", "clock_period", "read_width", "settle", "t_refractory", "vdd", "r_on",
                     "r_off", "edge"):
            v = getattr(self, name)
            if not (isinstance(v, (int, float)) and math.isfinite(v) and v > 0):
                raise ParameterError(name.replace("_", "-"), v, "a finite number > 0 (SI units)")
        for name in ("i_reset", "i_trim", "ref_offset"):
            v = getattr(self, name)
            if not (isinstance(v, (int, float)) and math.isfinite(v) and v >= 0):
                raise ParameterError(name.replace("_", "-"), v, "a finite number >= 0 (A or V)")
        if not (math.isfinite(self.v_hi) and math.isfinite(self.v_lo)) or self.v_lo >= self.v_hi:
            raise ParameterError("v-hi/v-lo", (self.v_hi, self.v_lo),
                                 "thresholds with v-lo < v-hi (V); they are inverted or equal")
        if self.settle + 2 * self.edge >= self.read_width:
            raise ParameterError("settle", self.settle, f"a time < read-width = {self.read_width!r} s minus 2 edges")
        if self.read_width + 2 * self.edge >= self.clock_period:
            raise ParameterError("read-width", self.read_width,
                                 f"a time < clock-period = {self.clock_period!r} s minus 2 edges")

    @property
    def strobe_delay(self) -> float:
        """When the comparator strobe of the first read window starts to rise (s); one clock apart after."""
        return self.clock_period - self.read_width - self.edge + self.settle


def _pulse(low: float, high: float, delay: float, edge: float, width: float, period: float) -> str:
    vals = (low, high, delay, edge, edge, width, period)
    return "PULSE(" + " ".join(safe.num(v, "pulse parameter") for v in vals) + ")"


def neuron_blocks(c: NeuronCircuit, mtj_subckt: str, comparator_subckt: str, wave: Waveform | float,
                  model_card: str = "") -> list[str]:
    """The deck's element blocks (subcircuits first) for the neuron ``c`` driven by ``wave`` (A).

    Parameters
    ----------
    c : NeuronCircuit
        Resolved circuit values.
    mtj_subckt : str
        ``.subckt mtj t1 t2`` text (from :func:`mtjspice.netlist.mtj.mtj_subckt`).
    comparator_subckt : str
        ``.subckt cmp inp inn en out vdd`` text (from :mod:`mtjspice.netlist.comparators`).
    wave : waveform or float
        Input current into the junction's free-layer terminal (A); positive pushes u up.
    model_card : str
        MOSFET model text for the CMOS comparator (inlined so the deck runs on its own).
    """
    sub_mtj = _subckt_name(mtj_subckt)
    sub_cmp = _subckt_name(comparator_subckt)
    n = safe.num
    lines = [mtj_subckt.rstrip("\n"), comparator_subckt.rstrip("\n")]
    if model_card:
        lines.append(model_card.rstrip("\n"))
    per, w, e = c.clock_period, c.read_width, c.edge
    mode = "active reset" if c.reset == "active" else "leak reset"
    lines += [
        f"* ---- signed LIF neuron: sampled divider readout, {c.comparator} comparators, {mode} ----",
        ".model swon sw vt=0.5 vh=0 ron=" + n(c.r_on) + " roff=" + n(c.r_off),
        "* read clock: clk = 1 during the read window; en = comparator strobe (window minus settling)",
        "Vclk clk 0 " + _pulse(0, 1, per - w - e, e, w, per),
        "Venr enr 0 " + _pulse(0, 1, c.strobe_delay, e, w - c.settle, per),
        "* logic (ideal): comparators strobed only outside the refractory time; input on only outside",
        "* the read window and the refractory time",
        f"Ben en 0 V = {n(c.vdd)}*v(enr)*(1-v(refp))*(1-v(refn))",
        "Bgate gate 0 V = (1-v(clk))*(1-v(refp))*(1-v(refn))",
        "* reads (divider on) only in read windows outside the refractory time",
        "Brd rd 0 V = v(clk)*(1-v(refp))*(1-v(refn))",
        "* input driver: the input current, steered into the junction (gate = 1) or a dump (gate = 0)",
        isource("in", "0", "ni", wave),
        "Vsi ni drv 0",
        "* read-disturbance compensation: -i_trim with the input, cancelling the reads' mean current",
        "Itrim nt 0 DC " + n(c.i_trim),
        "Vstr nt ni 0",
        "Sgate drv gin gate 0 swon",
        "Vsin gin t1 0",
        "Sdump drv 0 0 gate swinv",
        ".model swinv sw vt=-0.5 vh=0 ron=" + n(c.r_on) + " roff=" + n(c.r_off),
        "* the junction: free layer t1, reference layer t2",
        f"{MTJ_INSTANCE.upper()} t1 t2 {sub_mtj}",
        "* readout divider: V_read -> Sread -> MTJ -> t2 -> R_ref -> 0 during the read window;",
        "* t2 = V_read R_ref / (R_ref + R(u)) rises with u. Otherwise Sgnd grounds t2.",
        "Vread vr 0 DC " + n(c.v_read),
        "Sread vr rr rd 0 swon",
        "Vsrd rr t1 0",
        "Rref t2 0 " + n(c.r_ref),
        "Sgnd t2 g2 0 rd swinv",
        "Vsg g2 0 0",
        "* comparators: upper (positive spike) and lower (negative spike) thresholds",
        "Vddc vddc 0 DC " + n(c.vdd),
        *_threshold_lines(c),
        f"Xcp t2 vthh en spk_p vddc {sub_cmp}",
        f"Xcn vthl t2 en spk_n vddc {sub_cmp}",
        "* reset: each spike's rising edge fires a one-shot, high from the end of the strobe",
        "* (input off, comparators off)",
        "Arefp spk_p 0 0 refp osref",
        "Arefn spk_n 0 0 refn osref",
        f".model osref oneshot(cntl_array=[-1 1] pw_array=[{n(c.t_refractory)} {n(c.t_refractory)}] "
        f"clk_trig={n(c.vdd / 2)} pos_edge_trig=TRUE out_low=0 out_high=1 rise_time={n(e)} fall_time={n(e)} "
        f"rise_delay={n(c.read_width - c.settle)} retrig=FALSE)",
    ]
    if c.reset == "active":
        lines += [
            "* active reset: a current of the spike's opposite sign while the one-shot is high",
            f"Grst 0 rs refn refp {n(c.i_reset)}",
            "Vsrs rs t1 0",
        ]
    return lines


def source_resistance(c: NeuronCircuit) -> float:
    """Thevenin resistance of the readout node t2 during a read (Ohm): R_ref || (R(u=0) + r_on),
    with R(u=0) recovered from the divider, V_mid = V_read R_ref / (R_ref + R0), V_mid taken
    midway between the thresholds."""
    v_mid = 0.5 * (c.v_hi + c.v_lo)
    r0 = c.r_ref * (c.v_read / v_mid - 1.0)
    r_up = r0 + c.r_on
    return c.r_ref * r_up / (c.r_ref + r_up)


def _threshold_lines(c: NeuronCircuit) -> list[str]:
    """The two threshold references; for the CMOS latches, behind matching resistors.

    A clocked latch kicks charge back into its inputs when the strobe rises (its tail node drops
    and pulls both input gates down through C_gs). On t2, which has the divider's source
    resistance R_s and carries the kicks of *two* latches, that is a dip of several mV; an ideal
    reference source would not dip at all, and the difference is an input offset several times
    the readout margin. A resistor 2 R_s in series with each reference (one latch's kick each)
    makes both inputs dip alike, so the kick is common mode.
    """
    n = safe.num
    if c.comparator != "cmos":
        return ["Vthh vthh 0 DC " + n(c.v_hi), "Vthl vthl 0 DC " + n(c.v_lo)]
    r_m = n(2.0 * source_resistance(c))
    return [
        "* latch references: thresholds -/+ ref_offset (trip point + in-situ offset), each behind 2 R_s",
        "* (R_s = t2's source resistance during a read) so that the latches' kickback is common mode",
        "Vthh vthh0 0 DC " + n(c.v_hi + c.ref_offset),
        "Rmh vthh0 vthh " + r_m,
        "Vthl vthl0 0 DC " + n(c.v_lo - c.ref_offset),
        "Rml vthl0 vthl " + r_m,
    ]


def neuron_vectors(c: NeuronCircuit) -> list[str]:
    """The vectors the neuron deck writes: signals, then what the energy analysis needs."""
    vec = [f"v({MTJ_INSTANCE}.my)", "v(t1)", "v(t2)", "v(spk_p)", "v(spk_n)", "v(drv)", "i(vsi)", "i(vsin)",
           "i(vsrd)", "i(vsg)", "i(vstr)", f"i(v.{MTJ_INSTANCE}.vsense)", "i(vread)", "i(vddc)", "i(vthh)", "i(vthl)"]
    if c.reset == "active":
        vec.append("i(vsrs)")
    return vec


def _subckt_name(text: str) -> str:
    for line in text.splitlines():
        parts = line.split()
        if parts and parts[0].lower() == ".subckt":
            return safe.name(parts[1], "subcircuit name")
    raise ParameterError("subcircuit", text[:40], "text with a .subckt line")
