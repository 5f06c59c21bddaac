"""The compact (signed-LIF) MTJ as an includable subcircuit with instance parameters.

The circuit is :func:`mtjspice.netlist.compact.compact_subckt`'s, with every constant written as an
expression of ``.subckt`` parameters: the LIF's tau_m, a1, a2, R_m, u_rest, the onsets i_th and
i_down (defaults: the device's fit, :func:`mtjspice.circuits.compact.compact_params`), and the
junction's W, L, RA, TMR (and Vhalf) for its conductance. The LIF parameters are fitted to the
macrospin device and do not follow W, L or T: changing the geometry of a compact instance changes
its resistance only (the header says so); to vary the dynamics, vary tau_m, a2, i_th.
"""

from __future__ import annotations

from ..params import Device
from .circuit import Comment, Element, Expr, IcDef, Item, Model, Param, ParamDef, ParamExpr, Subckt, Word
from .compact import GATE_WIDTH, HOLD_FRACTION, I_GK, CompactMTJ, CompactNoise
from .deck import FileName
from .library import LibParam, library_name
from .mtj import STATE_CAP, TIME_UNIT
from .safe import num

__all__ = ["compact_params_list", "compact_library_subckt"]


def compact_params_list(device: Device, p: CompactMTJ) -> tuple[LibParam, ...]:
    """The compact library's instance parameters with the fitted values as defaults."""
    g, j = device.geometry, device.junction
    out = [LibParam("W", g.W, "m", "width (junction area pi W L / 4 only)"),
           LibParam("L", g.L, "m", "length (junction area only)"),
           LibParam("RA", j.RA, "Ohm m^2", "resistance-area product, parallel state"),
           LibParam("TMR", j.TMR, "-", "zero-bias TMR ratio")]
    if j.V_half > 0:
        out.append(LibParam("Vhalf", j.V_half, "V", "bias halving the TMR"))
    out += [LibParam("tau_m", p.tau_m, "s", "membrane time constant"),
            LibParam("a1", p.a1, "-", "leak coefficient"),
            LibParam("a2", p.a2, "1/V", "input gain"),
            LibParam("R_m", p.R_m, "Ohm", "membrane resistance (units of a2)"),
            LibParam("u_rest", p.u_rest, "-", "resting membrane m.p"),
            LibParam("i_th", p.i_th, "A", "onset from rest"),
            LibParam("i_down", p.i_down, "A", "down-sweep onset of a driven membrane (<= i_th)")]
    return tuple(out)


def compact_library_subckt(device: Device, p: CompactMTJ, noise: CompactNoise | None = None,
                           name: str | None = None) -> Subckt:
    """``.subckt mtj_<device>_compact t1 t2 params: ...``: node ``my`` is the membrane u = m.p (V = 1),
    ``Vsense`` senses the junction current entering t1; u starts at u_rest (.ic, with or without uic).

    With ``noise`` (:class:`~mtjspice.netlist.compact.CompactNoise`), the membrane is u + x with x the
    Ornstein-Uhlenbeck samples of ``noise.file`` (unit variance) scaled by sqrt(``noise_var``), an
    instance parameter whose default is the fitted variance; ``name`` replaces the subcircuit's name."""
    params = compact_params_list(device, p)
    if noise is not None:
        params += (LibParam("noise_var", noise.variance, "-", f"variance of the thermal membrane noise "
                            f"(fitted at {noise.temperature:g} K)"),)
    state = "my" if noise is None else "ms"
    k = 1.0 / GATE_WIDTH
    I, V, EQ = Word("I"), Word("V"), Word("=")
    cur = "i(Vsense)"
    items: list[Item] = [
        Comment("derived: gp = area/RA (S); rate = 1 pF / 1 ns / (tau_m / 1 ns) (S); gleak = rate a1 (S)"),
        ParamDef("gp", f"{num(3.141592653589793 / 4)}*W*L/RA"),
        ParamDef("rate", f"{num(STATE_CAP / TIME_UNIT)}/(tau_m/{num(TIME_UNIT)})"),
        ParamDef("gleak", "rate*a1"),
        ParamDef("gdrive", "rate*a2*R_m"),
    ]
    if device.junction.V_half > 0:
        # the law of netlist.mtj.conductance_expr: G_AP = gp/(1 + TMR/(1 + (V/Vhalf)^2)) with one quotient
        items += [ParamDef("gvk", "gp*TMR*Vhalf*Vhalf/2"), ParamDef("gvd", "Vhalf*Vhalf*(1+TMR)")]
        g_expr = "(gp - gvk*(1 - V(my))/(gvd + V(n1,t2)*V(n1,t2)))"
    else:
        items += [ParamDef("gap", "gp/(1+TMR)"), ParamDef("gavg", "(gp+gap)/2"), ParamDef("gdif", "(gp-gap)/2")]
        g_expr = "(gavg + gdif*V(my))"
    items += [
        Comment("junction current sensor: i(Vsense) is the current entering t1"),
        Element("Vsense", ("t1", "n1"), (0,)),
        Comment("junction: I = V G, G = G_P (1 + u)/2 + G_AP (1 - u)/2 (the macrospin law with m.p = u)"),
        Element("Bjunction", ("n1", "t2"), (I, EQ, Expr(f"V(n1,t2)*{g_expr}"))),
        Comment("membrane: tau_m du/dt = -a1 (u - u_rest) + a2 R_m g I; g = 1 above i_th from rest, above i_down"),
        Comment(f"while |u - u_rest| > {HOLD_FRACTION:g} gain i_down (tanh edges {GATE_WIDTH:g} of the level wide)"),
    ]
    if p.i_down < p.i_th:
        items += [ParamDef("gidn", "max(i_down, 0.001*i_th)"),
                  ParamDef("ghold", f"max({num(HOLD_FRACTION)}*a2*R_m/a1*i_down, 1e-06)"),
                  ParamDef("gc", f"1/({num(10 * GATE_WIDTH)}*ghold)"),
                  Comment(f"gk = {I_GK:g} A / the gate's level, from i_th at rest to i_down while driven"),
                  Element("Bgk", ("gk", "0"), (V, EQ, Expr(f"{num(I_GK)}/(0.5*(i_th+gidn) - 0.5*(i_th-gidn)*"
                                                           "tanh(abs(V(my)-u_rest)*gc - gc*ghold))"))),
                  Element("Bgate", ("gate", "0"), (V, EQ, Expr(f"(0.5+0.5*tanh(abs({cur})*V(gk)*{num(k / I_GK)}"
                                                               f"-{num(k)}))")))]
    else:
        items.append(Element("Bgate", ("gate", "0"), (V, EQ, Expr(f"(0.5+0.5*tanh(abs({cur})*{num(k)}/i_th-{num(k)}))"))))
    items += [
        Element("Bu", ("0", state), (I, EQ, Expr(f"gdrive*{cur}*V(gate) + gleak*u_rest"))),
        Element("Cu", (state, "0"), (STATE_CAP, Param("IC", ParamExpr("u_rest")))),
        Element("Rleak", (state, "0"), (ParamExpr("1/gleak"),)),
        IcDef(state, "u_rest"),
    ]
    if noise is not None:
        model = "ou_" + "".join(c if c.isalnum() else "_" for c in noise.file)[:48]
        items += [
            Comment(f"thermal membrane noise at {noise.temperature:g} K: Ornstein-Uhlenbeck x(t), autocorrelation time "
                    f"{noise.tau:.6g} s, unit-variance samples every {noise.interval:.6g} s from {noise.file},"),
            Comment("linearly interpolated and scaled by sqrt(noise_var); my = u + x"),
            Element("Anoise", (), (Word("["), Word("xn"), Word("]"), Word(model))),
            Model(model, "filesource", (Param("file", FileName(noise.file)), Param("amploffset", (0.0,)),
                                        Param("amplscale", (1.0,)), Param("timeoffset", 0.0),
                                        Param("timescale", 1.0), Param("timerelative", Word("false")),
                                        Param("amplstep", Word("false")))),
            Element("Bmy", ("my", "0"), (V, EQ, Expr("V(ms)+sqrt(noise_var)*V(xn)"))),
        ]
    return Subckt(name or library_name(device, "compact"), ("t1", "t2"), tuple(items),
                  params=tuple((q.name, q.default) for q in params))
