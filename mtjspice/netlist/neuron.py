"""The signed LIF neuron as one netlist: gated input, MTJ, sampled divider readout, two strobed
comparators and a spike-triggered reset. Everything in the spike path is a circuit element.

Why a *sampled* readout
-----------------------
The MTJ has two terminals, so any voltage read across it while the input flows is I R(u). The
membrane potential u = m_y is odd in I, so I R(u) = I (R0 - k u(I) + ...) is dominated by the
ohmic term, and its u-dependent part, -k I u(I), is *even* in I: it cannot tell +u from -u.
Subtracting a replica I R0 (a reference resistor or an m_y = 0 MTJ carrying a CCCS copy of the
input) removes the ohmic term but leaves exactly that even part -- the sign is lost. A signed
reading needs a read current whose sign does not follow the input.

So the circuit time-multiplexes the junction, as a strobed sense amplifier does:

* A clock ``clk`` opens a short read window (0.2 ns every 1 ns by default, short against the
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
rises ``read_width - settle`` after that edge (active reset: one per output, ``refp`` after a
positive spike, ``refn`` after a negative one; leak reset: one, ``ref``, on the outputs' sum).
With the default timing the edge comes at the read window's end (the comparator samples 70 ps
into the strobe and decides 60 ps later), so the one-shot rises about 0.12 ns after the window,
and the input flows in between. Its output is above half height for exactly ``t_refractory``
(:func:`oneshot_params`: XSPICE holds the output high for its pulse width plus its fall delay and
adds the rise and fall ramps, so the card has no fall delay and a pulse width of ``t_refractory``
less one ``edge``). While it is high the input is gated off (the gate switch flips at half
height) and the comparators are disabled. In "leak" mode that is all (damping relaxes the magnet
over the refractory time); in "active" mode a VCCS ``Grst`` also injects a current pulse of the
opposite sign, I_reset (v(refn) - v(refp)), for as long: with the defaults (1.51 ns, 1.3 i_th) it
drives the macrospin's u from its plateau (+0.39 at 0.8 mA) through 0 to about -0.26 before the
input returns (measured), not to 0.

The neuron is one subcircuit, ``.subckt lifn ni clk enr vrbus vddbus vthhbus vthlbus``
(:func:`neuron_subckt`): the input current enters at ``ni``; the read clock, the strobe, the read
bias, the comparator supply and the two thresholds are shared lines (:func:`shared_sources`), so
one set drives a whole array. Each shared supply enters the neuron through a 0 V sense source of
its own (``Vread``, ``Vddc``, and ``Vthh``, ``Vthl`` for the CMOS latches; behavioral comparators
draw nothing from their threshold inputs and take the rails directly), so energy is booked per
neuron. A lone neuron (``shared_rails=False``) has its own sources under those names instead, and a
single-neuron deck places the subcircuit's items at its top level (ports and nodes keep their
names); an array instantiates it once per column.

Energy bookkeeping: every source that carries a current not known in advance has a 0 V sense
source or is itself a V source, and :class:`NeuronProbes` names them, so the deck writes what the
energy analysis needs; no current is sensed twice (each sense source is a row of the matrix). The
clock and strobe logic (B-sources, oneshots, the switches' control side) is ideal and draws no
power; the comparators' power is what their supply rail delivers.
"""

from __future__ import annotations

from dataclasses import dataclass, fields, replace
from typing import Any

from ..stimulus import Pulse
from . import safe
from .circuit import Comment, Element, Expr, Instance, Item, Model, Param, Probe, Subckt, Wave, Word
from .clamp import CLAMP_SENSE, clamp_items
from .dac import threshold_dac_items
from .neuroncircuit import COMPARATORS, RESETS, ComparatorKind, NeuronCircuit, ResetMode

__all__ = ["NeuronCircuit", "NeuronProbes", "ONESHOT_FALL_DELAY", "oneshot_params", "NeuronBlock", "ComparatorKind", "ResetMode",
           "COMPARATORS", "RESETS", "PORTS", "MTJ_INSTANCE", "neuron_subckt", "clock_sources", "shared_sources",
           "source_resistance"]

#: Fall delay of the reset one-shot (s): XSPICE ``oneshot`` holds its output high for the pulse
#: width plus this (its default is 1 ns, which once made the refractory time ``t_refractory`` + 1 ns).
#: 0: the one-shot's output falls as soon as its pulse width ends (:func:`oneshot_params`).
ONESHOT_FALL_DELAY = 0.0


#: Ports of the neuron subcircuit, in order: input node, read clock, strobe, read-bias rail,
#: comparator supply rail, upper and lower threshold rails.
PORTS: tuple[str, ...] = ("ni", "clk", "enr", "vrbus", "vddbus", "vthhbus", "vthlbus")

#: Instance name of the neuron's MTJ (its state nodes are v(xmtj.my) etc.).
MTJ_INSTANCE = "XMTJ"


@dataclass(frozen=True)
class NeuronProbes:
    """What a neuron deck writes, named once: signals, then every current the energy analysis needs.

    Voltages: ``u`` (the membrane m_y), ``t1``, ``t2`` (the junction's terminals; t2 is the
    readout), ``spk_p``, ``spk_n`` (spike outputs), ``drv`` (input driver node). Currents (A):
    ``i_input`` (the input driver, into the neuron), ``i_gate`` (into the junction through the
    gate switch), ``i_ground`` (t2's grounding switch), ``i_junction`` (through the junction),
    ``i_read_bias``, ``i_supply`` (the shared rails into this neuron; the read current into the
    junction is -``i_read_bias``), ``i_thh``, ``i_thl`` (the threshold rails; None where nothing
    draws from them: behavioral comparators on shared rails), ``i_reset`` (active reset only, else
    None), ``i_clamp`` (the input clamp's diverted current; None without a clamp), ``i_dac_hi``,
    ``i_dac_lo`` (the threshold DACs' full-scale sources; None without DACs). The trim current is
    the constant ``NeuronCircuit.i_trim``, drawn from ``ni``.
    """

    u: Probe
    t1: Probe
    t2: Probe
    spk_p: Probe
    spk_n: Probe
    drv: Probe
    i_input: Probe
    i_gate: Probe
    i_ground: Probe
    i_junction: Probe
    i_read_bias: Probe
    i_supply: Probe
    i_thh: Probe | None = None
    i_thl: Probe | None = None
    i_reset: Probe | None = None
    i_clamp: Probe | None = None
    i_dac_hi: Probe | None = None
    i_dac_lo: Probe | None = None

    def all(self) -> tuple[Probe, ...]:
        """Every probe, in the order decks write them."""
        return tuple(p for f in fields(self) if (p := getattr(self, f.name)) is not None)

    def inside(self, instance: str | Instance) -> NeuronProbes:
        """The same probes for the neuron seen through ``instance``."""
        kw: dict[str, Any] = {f.name: (p.inside(instance) if (p := getattr(self, f.name)) is not None else None)
                              for f in fields(self)}
        return replace(self, **kw)


@dataclass(frozen=True)
class NeuronBlock:
    """The neuron subcircuit and its probes (relative to the subcircuit)."""

    subckt: Subckt
    probes: NeuronProbes


def clock_sources(c: NeuronCircuit) -> tuple[Item, ...]:
    """The read clock ``clk`` (1 in the read window) and the comparator strobe ``enr``."""
    per, w, e = c.clock_period, c.read_width, c.edge
    return (
        Comment("read clock: clk = 1 during the read window; enr = comparator strobe (window minus settling)"),
        Element("Vclk", ("clk", "0"), (Wave(Pulse(0.0, 1.0, per - w - e, e, e, w, per)),)),
        Element("Venr", ("enr", "0"), (Wave(Pulse(0.0, 1.0, c.strobe_delay, e, e, w - c.settle, per)),)),
    )


def shared_sources(c: NeuronCircuit) -> tuple[Item, ...]:
    """The lines the neurons of an array share: :func:`clock_sources`, then the read-bias rail
    ``vrbus``, comparator supply ``vddbus`` and threshold rails ``vthhbus`` / ``vthlbus``."""
    return (
        *clock_sources(c),
        Comment("shared rails: read bias, comparator supply, thresholds"),
        Element("Vrbus", ("vrbus", "0"), (Wave(c.v_read),)),
        Element("Vddbus", ("vddbus", "0"), (Wave(c.vdd),)),
        Element("Vthhbus", ("vthhbus", "0"), (Wave(c.v_thh_rail),)),
        Element("Vthlbus", ("vthlbus", "0"), (Wave(c.v_thl_rail),)),
    )


def _rail(name: str, node: str, bus: str, volts: float, shared: bool) -> Element:
    """A supply entering the neuron: a 0 V sense source from the shared rail ``bus``, or the
    neuron's own source of ``volts`` (V) to ground. Either way its current is the neuron's draw."""
    return Element(name, (node, bus), (0,)) if shared else Element(name, (node, "0"), (Wave(volts),))


def source_resistance(c: NeuronCircuit) -> float:
    """Thevenin resistance of the readout node t2 during a read (Ohm): R_ref || (R(u=0) + r_on),
    with R(u=0) recovered from the divider, V_mid = V_read R_ref / (R_ref + R0), V_mid taken
    midway between the thresholds."""
    v_mid = 0.5 * (c.v_hi + c.v_lo)
    r0 = c.r_ref * (c.v_read / v_mid - 1.0)
    r_up = r0 + c.r_on
    return c.r_ref * r_up / (c.r_ref + r_up)


def _thresholds(c: NeuronCircuit, shared: bool) -> tuple[list[Item], Element | None, Element | None, str, str]:
    """The two threshold references from their rails (items, their sources or sense sources, their
    nodes); for the CMOS latches, behind matching resistors. Behavioral comparators draw nothing
    from their inputs: on shared rails they take the rails themselves (no sense source to solve).

    A clocked latch kicks charge back into its inputs when the strobe rises (its tail node drops
    and pulls both input gates down through C_gs). On t2, which has the divider's source
    resistance R_s and carries the kicks of *two* latches, that is a dip of several mV; an ideal
    reference would not dip at all, and the difference is an input offset several times the
    readout margin. A resistor 2 R_s in series with each reference (one latch's kick each) makes
    both inputs dip alike, so the kick is common mode.
    """
    cmos = c.kickback  # the CMOS latches (mtjspice.circuits.comparators.CmosKind)
    if c.dac_bits:  # the neuron's own threshold DACs, whatever the rails (their codes set at calibration)
        return _dac_thresholds(c, cmos)
    if shared and not cmos:
        return [], None, None, "vthhbus", "vthlbus"
    hi = _rail("Vthh", "vthh0" if cmos else "vthh", "vthhbus", c.v_thh_rail, shared)
    lo = _rail("Vthl", "vthl0" if cmos else "vthl", "vthlbus", c.v_thl_rail, shared)
    if not cmos:
        return [hi, lo], hi, lo, "vthh", "vthl"
    r_m = 2.0 * source_resistance(c)
    return [
        Comment("latch references: rails at the thresholds -/+ ref_offset, each behind 2 R_s (R_s = t2's source"),
        Comment("resistance during a read) so that the latches' kickback is common mode"),
        hi, Element("Rmh", ("vthh0", "vthh"), (r_m,)),
        lo, Element("Rml", ("vthl0", "vthl"), (r_m,)),
    ], hi, lo, "vthh", "vthl"


#: Names of the threshold DACs (their full-scale sources are ``V`` + the name).
DAC_NAMES = ("Dthh", "Dthl")


def _dac_thresholds(c: NeuronCircuit, cmos: bool) -> tuple[list[Item], Element | None, Element | None, str, str]:
    """The thresholds as two resistor-string DACs (:func:`mtjspice.netlist.dac.threshold_dac_items`)
    over the full scale v_read, codes :attr:`NeuronCircuit.dac_codes`; for the CMOS latches each
    behind 2 R_s as the rails would be. The DACs' full-scale sources take the place of the rails'
    sources (returned for their probes)."""
    items: list[Item] = []
    nodes = ("vthh0", "vthl0") if cmos else ("vthh", "vthl")
    for name, node, code in zip(DAC_NAMES, nodes, c.dac_codes, strict=True):
        items += threshold_dac_items(name, node, code, c.v_read, c.dac_bits, c.dac_r_unit)
    if cmos:
        r_m = 2.0 * source_resistance(c)
        items += [Element("Rmh", ("vthh0", "vthh"), (r_m,)), Element("Rml", ("vthl0", "vthl"), (r_m,))]
    src = [i for i in items if isinstance(i, Element) and i.name in tuple("V" + n for n in DAC_NAMES)]
    return items, src[0], src[1], "vthh", "vthl"


def oneshot_params(c: NeuronCircuit) -> dict[str, float]:
    """The reset one-shot's timing as XSPICE's ``oneshot`` takes it (s), so that its output is above
    half height for exactly ``c.t_refractory``.

    XSPICE's one-shot ramps up over ``rise_time`` from ``rise_delay`` after the trigger, stays at
    its high level for ``pw + fall_delay`` and ramps down over ``fall_time``; with both ramps one
    ``edge`` long its width at half height is ``pw + fall_delay + edge``. So: ``fall_delay`` 0
    (:data:`ONESHOT_FALL_DELAY`) and ``pw = t_refractory - edge`` (``NeuronCircuit`` keeps
    ``t_refractory >= edge``). The output starts to rise ``read_width - settle`` after the trigger.
    """
    return {"pw": c.t_refractory - c.edge - ONESHOT_FALL_DELAY, "rise_delay": c.read_width - c.settle,
            "fall_delay": ONESHOT_FALL_DELAY, "rise_time": c.edge, "fall_time": c.edge}


def _oneshots(active: bool) -> tuple[Item, ...]:
    """The reset's one-shots: one per output when the reset current needs the spike's sign, else
    one on the outputs' sum (one XSPICE instance less to evaluate at every Newton iteration)."""
    if active:
        return (Element("Arefp", ("spk_p", "0", "0", "refp"), (Word("osref"),)),
                Element("Arefn", ("spk_n", "0", "0", "refn"), (Word("osref"),)))
    return (Comment("either spike fires it: the outputs never overlap (t2 cannot pass both thresholds at once)"),
            Element("Bspk", ("spk", "0"), (Word("V"), Word("="), Expr("v(spk_p)+v(spk_n)"))),
            Element("Aref", ("spk", "0", "0", "ref"), (Word("osref"),)))


def neuron_subckt(c: NeuronCircuit, mtj: Subckt, comparator: Subckt, name: str = "lifn",
                  shared_rails: bool = True) -> NeuronBlock:
    """The signed LIF neuron ``c`` as ``.subckt NAME ni clk enr vrbus vddbus vthhbus vthlbus``.

    Parameters
    ----------
    c : NeuronCircuit
        Resolved circuit values.
    mtj : Subckt
        The junction, ``.subckt ... t1 t2`` (:func:`mtjspice.netlist.mtj.mtj_subckt`).
    comparator : Subckt
        ``.subckt ... inp inn en out vdd`` (:mod:`mtjspice.netlist.comparators`).
    name : str
        Subcircuit name.
    shared_rails : bool
        True: the read bias, comparator supply and thresholds come from the rail ports through
        0 V sense sources (an array). False: the neuron has its own sources of those voltages and
        only the ports ``ni clk enr`` (a lone neuron: fewer matrix rows, and the deck every
        single-neuron figure in the README was measured on).

    Notes
    -----
    The input current (A) enters at port ``ni``; positive current pushes u up. Either way the
    rail elements carry the same names, so the probes and the energy bookkeeping are one.
    """
    V, EQ = Word("V"), Word("=")
    armed = "v(nref)"  # 1 outside the refractory time, computed once
    sw = (Param("vt", 0.5), Param("vh", 0), Param("ron", c.r_on), Param("roff", c.r_off))
    swinv = (Param("vt", -0.5), Param("vh", 0), Param("ron", c.r_on), Param("roff", c.r_off))
    mode = "active reset" if c.reset == "active" else "leak reset"
    v_si, v_sin = Element("Vsi", ("ni", "drv"), (0,)), Element("Vsin", ("gin", "t1"), (0,))
    v_read, v_sg = _rail("Vread", "vr", "vrbus", c.v_read, shared_rails), Element("Vsg", ("g2", "0"), (0,))
    v_ddc = _rail("Vddc", "vddc", "vddbus", c.vdd, shared_rails)
    th_items, v_thh, v_thl, n_hi, n_lo = _thresholds(c, shared_rails)
    x_mtj = mtj.instance(MTJ_INSTANCE, t1="t1", t2="t2")
    osp = oneshot_params(c)
    items: list[Item] = [
        Comment(f"---- signed LIF neuron: sampled divider readout, {c.comparator} comparators, {mode} ----"),
        Model("swon", "sw", sw),
        Comment("logic (ideal): comparators strobed only outside the refractory time; input on only outside"),
        Comment("the read window and the refractory time"),
        Element("Bnref", ("nref", "0"), (V, EQ, Expr("(1-v(refp))*(1-v(refn))" if c.reset == "active" else "1-v(ref)"))),
        Element("Ben", ("en", "0"), (V, EQ, Expr(f"{safe.num(c.vdd)}*v(enr)*{armed}" if c.vdd != 1 else f"v(enr)*{armed}"))),
        Element("Bgate", ("gate", "0"), (V, EQ, Expr(f"(1-v(clk))*{armed}"))),
        Comment("reads (divider on) only in read windows outside the refractory time"),
        Element("Brd", ("rd", "0"), (V, EQ, Expr(f"v(clk)*{armed}"))),
        Comment("input driver: the input current at ni, steered into the junction (gate = 1) or a dump (gate = 0)"),
        v_si,
        Comment("read-disturbance compensation: -i_trim with the input, cancelling the reads' mean current"),
        Element("Itrim", ("ni", "0"), (Wave(c.i_trim),)),
        Element("Sgate", ("drv", "gin", "gate", "0"), (Word("swon"),)),
        v_sin,
        Element("Sdump", ("drv", "0", "0", "gate"), (Word("swinv"),)),
        Model("swinv", "sw", swinv),
        *(clamp_items(c.v_clamp) if c.v_clamp > 0 else ()),
        Comment("the junction: free layer t1, reference layer t2"),
        x_mtj,
        Comment("readout divider: V_read -> Sread -> MTJ -> t2 -> R_ref -> 0 during the read window;"),
        Comment("t2 = V_read R_ref / (R_ref + R(u)) rises with u. Otherwise Sgnd grounds t2."),
        v_read,
        Element("Sread", ("vr", "t1", "rd", "0"), (Word("swon"),)),
        Element("Rref", ("t2", "0"), (c.r_ref,)),
        Element("Sgnd", ("t2", "g2", "0", "rd"), (Word("swinv"),)),
        v_sg,
        Comment("comparators: upper (positive spike) and lower (negative spike) thresholds; supply from its rail"),
        v_ddc,
        *th_items,
        comparator.instance("Xcp", inp="t2", inn=n_hi, en="en", out="spk_p", vdd="vddc"),
        comparator.instance("Xcn", inp=n_lo, inn="t2", en="en", out="spk_n", vdd="vddc"),
        Comment("reset: each spike's rising edge fires a one-shot, rising read_width - settle after the edge and above"),
        Comment(f"half height for t_refractory = {c.t_refractory:.6g} s: pw = t_refractory - edge, no fall delay"),
        Comment("(meanwhile input off, comparators off)"),
        *_oneshots(c.reset == "active"),
        Model("osref", "oneshot", (
            Param("cntl_array", (-1.0, 1.0)), Param("pw_array", (osp["pw"], osp["pw"])), Param("clk_trig", c.vdd / 2),
            Param("pos_edge_trig", Word("TRUE")), Param("out_low", 0), Param("out_high", 1),
            Param("rise_time", osp["rise_time"]), Param("fall_time", osp["fall_time"]),
            Param("rise_delay", osp["rise_delay"]), Param("fall_delay", osp["fall_delay"]),
            Param("retrig", Word("FALSE")))),
    ]
    v_srs = None
    if c.reset == "active":
        v_srs = Element("Vsrs", ("rs", "t1"), (0,))
        items += [Comment("active reset: a current of the spike's opposite sign while the one-shot is high"),
                  Element("Grst", ("0", "rs", "refn", "refp"), (c.i_reset,)), v_srs]
    sub = Subckt(name, PORTS if shared_rails else PORTS[:3], tuple(items))
    cur = Probe.current

    def sensed(e: Element | None) -> Probe | None:
        return cur(e) if e is not None else None

    def rail(e: Element | None) -> Probe | None:  # a threshold rail's source or sense source
        return None if c.dac_bits else sensed(e)

    def dac(e: Element | None) -> Probe | None:  # a threshold DAC's full-scale source
        return sensed(e) if c.dac_bits else None

    probes = NeuronProbes(
        u=Probe.node("my").inside(x_mtj), t1=Probe.node("t1"), t2=Probe.node("t2"), spk_p=Probe.node("spk_p"),
        spk_n=Probe.node("spk_n"), drv=Probe.node("drv"), i_input=cur(v_si), i_gate=cur(v_sin),
        i_ground=cur(v_sg), i_junction=cur(mtj.element("Vsense")).inside(x_mtj), i_read_bias=cur(v_read),
        i_supply=cur(v_ddc), i_thh=rail(v_thh), i_thl=rail(v_thl), i_reset=sensed(v_srs),
        i_clamp=cur(Element(CLAMP_SENSE, ("drv", "clp"), (0,))) if c.v_clamp > 0 else None,
        i_dac_hi=dac(v_thh), i_dac_lo=dac(v_thl))
    return NeuronBlock(sub, probes)
