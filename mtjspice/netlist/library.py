"""Includable MTJ subcircuits with instance parameters: the library files in ``models/``.

``mtj_<device>`` is the macrospin MTJ of :mod:`mtjspice.netlist.mtj` with its coefficients written
as expressions of ``.subckt`` parameters (``X1 a b mtj_orthogonal W=11n``): ngspice computes the
demagnetizing factors, the torque and precession coefficients, the junction conductance and the
rest state of each instance from its own W, L, T, Ms, ... when it expands the deck
(:mod:`mtjspice.netlist.libparams`), so ``.param``, loops over ``alter``-ed parameters and
``agauss`` Monte Carlo work in plain ngspice. The equations, the state scaling, the trapezoid
correction and the |m| restoring term are those of :func:`mtjspice.netlist.mtj.mtj_subckt`, term for
term (the same polynomial expansion with symbolic coefficients, :mod:`mtjspice.netlist.sympoly`).

Fixed per library (they decide which terms exist): the pinned direction p, the body's shape, the
applied field's direction and the anisotropy axis; a parameter the device does not use (``Ku`` of a
device without extra anisotropy, ``Vhalf`` without bias dependence, the issue-26 effects of
:mod:`mtjspice.netlist.libeffects` when the device has them off) is not offered.

Each instance starts at its rest state by itself: ``.ic`` lines inside the subcircuit hold m at m0
while ngspice finds the operating point and are the initial node voltages with ``uic``; the state
capacitors' ``IC`` carries the trapezoid correction's offset, as in the baked subcircuit.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..constants import E_CHARGE, HBAR, MU0
from ..params import Device
from ..physics.devicedemag import device_demag
from . import safe
from .circuit import Comment, Element, Expr, IcDef, Item, Param, ParamDef, ParamExpr, Subckt, Word
from .libeffects import (
    AR,
    MSR,
    TB,
    TD,
    check_library_device,
    effect_params,
    field_like_quadratic,
    fieldlike_items,
    has_bloch,
    has_field_like,
    has_heating,
    has_ki,
    has_taper,
    heating_lib_items,
    ki_items,
)
from .libparams import demag_items, rest_follows_parameters, rest_items
from .mtj import NORM_RATE, STATE_CAP, TIME_UNIT, max_step
from .sympoly import SymPoly, sym_const, sym_param, sym_var

__all__ = ["LibParam", "macrospin_params", "library_subckt", "library_name"]

_COMPS = ("mx", "my", "mz")


@dataclass(frozen=True)
class LibParam:
    """One instance parameter of a library subcircuit: name, default (SI), unit and meaning."""

    name: str
    default: float
    unit: str
    doc: str


def library_name(device: Device, model: str = "macrospin") -> str:
    """The subcircuit's name: ``mtj_<device>`` (macrospin) or ``mtj_<device>_compact``."""
    stem = re.sub(r"[^A-Za-z0-9_]", "_", device.name)[:40] or "device"
    return safe.name(f"mtj_{stem}" + ("_compact" if model == "compact" else ""), "library subcircuit name")


def macrospin_params(device: Device, preset: str = "default", step: float | None = None) -> tuple[LibParam, ...]:
    """The macrospin library's instance parameters with the device's values as defaults."""
    g, m, j = device.geometry, device.material, device.junction
    out = [LibParam("W", g.W, "m", "width, short in-plane axis (y)"),
           LibParam("L", g.L, "m", "length, long in-plane axis (x)"),
           LibParam("T", g.T, "m", "height, easy axis (z)"),
           LibParam("Ms", m.Ms, "A/m", "saturation magnetization"),
           LibParam("alpha", m.alpha, "-", "Gilbert damping"),
           LibParam("gamma", m.gamma, "rad/(s T)", "gyromagnetic ratio")]
    if m.eta is None:
        out.append(LibParam("P", m.P, "-", "spin polarization (torque efficiency eta = P/2)"))
    else:
        out.append(LibParam("eta", m.eta, "-", "spin-torque efficiency"))
    out += [LibParam("RA", j.RA, "Ohm m^2", "resistance-area product, parallel state"),
            LibParam("TMR", j.TMR, "-", "zero-bias TMR ratio (1 = 100 %)")]
    if j.V_half > 0:
        out.append(LibParam("Vhalf", j.V_half, "V", "bias halving the TMR"))
    if device.field.Ku != 0.0:
        out.append(LibParam("Ku", device.field.Ku, "J/m^3", "extra uniaxial anisotropy along the fixed axis"))
    out += [LibParam(*e) for e in effect_params(device)]
    if rest_follows_parameters(device):
        out.append(LibParam("theta0", device.initial.theta0, "rad", "initial tilt from the rest direction"))
    out.append(LibParam("hstep", max_step(preset) if step is None else step, "s",
                        "the deck's maximum time step (.tran ... 0 hstep): sets the trapezoid correction"))
    return tuple(out)


def _llgs(device: Device, ku: bool) -> tuple[SymPoly, SymPoly, SymPoly]:
    """dm/dt in 1/ns with symbolic coefficients: k = gamma' Ms TIME_UNIT, al = alpha, ca = a_J / (Ms I),
    nx, ny, nz (nzi with interface anisotropy), kf = 2 Ku / (mu0 Ms^2), hx.. = H / Ms. With the field-like
    torque the symbols a and q are the torque nodes k B and k D of :mod:`mtjspice.netlist.junction`, which
    carry xi and flq (the baked MTJ does so when flq is not zero)."""
    f = device.field
    m = [sym_var(c) for c in _COMPS]
    n = [sym_param(c) for c in ("nx", "ny", "nzi" if has_ki(device) else "nz")]
    h = [m[i] * -1.0 * n[i] for i in range(3)]
    for i, hc in enumerate(f.H):
        if hc != 0.0:
            h[i] = h[i] + sym_param(f"h{'xyz'[i]}")
    if ku:
        mu = sum((m[i] * f.axis[i] for i in range(3) if f.axis[i] != 0.0), sym_const(0.0))
        h = [h[i] + mu * sym_param("kf") * f.axis[i] if f.axis[i] != 0.0 else h[i] for i in range(3)]
    a = sym_var("a") * sym_param("ca")
    al, k = sym_param("al"), sym_param("k")
    p = device.junction.pinned
    fl = has_field_like(device)
    # with the field-like torque, the current and V^2 enter through the torque nodes (netlist/junction.py):
    # b = h + B p, d = al h + D p, and the symbols a and q stand for k B and k D (nodes tb, td)
    b = [h[i] if fl else h[i] - a * al * p[i] for i in range(3)]
    d = [h[i] * al if fl else h[i] * al + a * p[i] for i in range(3)]
    mm = m[0] * m[0] + m[1] * m[1] + m[2] * m[2]
    md = m[0] * d[0] + m[1] * d[1] + m[2] * d[2]
    cross = (m[1] * b[2] - m[2] * b[1], m[2] * b[0] - m[0] * b[2], m[0] * b[1] - m[1] * b[0])
    renorm = (1.0 - mm) * (NORM_RATE * TIME_UNIT)
    out = [(cross[i] + m[i] * md - d[i] * mm) * -1.0 * k + m[i] * renorm for i in range(3)]
    if fl:
        mp = sum((m[i] * p[i] for i in range(3) if p[i] != 0.0), sym_const(0.0))
        cp = (m[1] * p[2] - m[2] * p[1], m[2] * p[0] - m[0] * p[2], m[0] * p[1] - m[1] * p[0])
        out = [out[i] - sym_var("a") * cp[i] - sym_var("q") * (m[i] * mp - mm * p[i]) for i in range(3)]
    return out[0], out[1], out[2]


def _derived(device: Device, params: tuple[LibParam, ...]) -> list[Item]:
    names = {p.name for p in params}
    n = safe.num
    items: list[Item] = [
        Comment("derived: k = gamma mu0/(1 + alpha^2) Ms x 1 ns (1/ns), ca = a_J/(Ms I) = hbar eta/(2 e mu0 Ms^2 T area) "
                "(1/A), cc = (hstep/1 ns)^2/12"),
        ParamDef("al", "alpha"),
        ParamDef("k", f"gamma*{n(MU0)}/(1+alpha*alpha)*Ms*{n(TIME_UNIT)}"),
        ParamDef("area", f"{n(3.141592653589793 / 4)}*W*L"),
    ]
    eta = "eta" if "eta" in names else "P/2"
    items.append(ParamDef("ca", f"{n(HBAR)}*{eta}/({n(2 * E_CHARGE * MU0)}*Ms*Ms*T*area)"))
    if "Ku" in names:
        items.append(ParamDef("kf", f"2*Ku/({n(MU0)}*Ms*Ms)"))
    if has_ki(device):
        items += ki_items()
    for i, hc in enumerate(device.field.H):
        if hc != 0.0:
            items.append(ParamDef(f"h{'xyz'[i]}", f"{n(hc)}/Ms"))
    items += [ParamDef("cc", f"(hstep/{n(TIME_UNIT)})*(hstep/{n(TIME_UNIT)})/12"),
              ParamDef("ncc", "-cc"), ParamDef("gp", "area/RA")]
    return items


def _conductance(device: Device, v: str, mp: str) -> tuple[list[Item], str]:
    """The junction law of :func:`mtjspice.netlist.mtj.conductance_expr` with parameters (with V_half > 0:
    G = gp - gvk (1 - m.p)/(gvd + V^2), gvk = gp TMR Vhalf^2/2, gvd = Vhalf^2 (1 + TMR), as the baked MTJ)."""
    if device.junction.V_half > 0:
        return [ParamDef("gvk", "gp*TMR*Vhalf*Vhalf/2"), ParamDef("gvd", "Vhalf*Vhalf*(1+TMR)")], \
            f"(gp - gvk*(1 - {mp})/(gvd + {v}*{v}))"
    return [ParamDef("gap", "gp/(1+TMR)"), ParamDef("gavg", "(gp+gap)/2"), ParamDef("gdif", "(gp-gap)/2")], \
        f"(gavg + gdif*{mp})"


def library_subckt(device: Device, preset: str = "default", step: float | None = None) -> Subckt:
    """The macrospin MTJ of ``device`` as ``.subckt mtj_<device> t1 t2 params: ...``.

    Parameters
    ----------
    device : Device
        Its values are the parameters' defaults; its pinned direction, shape, field direction and
        anisotropy axis are fixed in the subcircuit.
    preset : {"default", "accurate"}
        Sets the default of ``hstep`` (:func:`mtjspice.netlist.mtj.max_step`).
    step : float, optional
        ``hstep``'s default instead of the preset's (s).

    Returns
    -------
    Subckt
        Ports t1 (free layer) and t2; positive current into t1 pushes m toward +p. Internal nodes
        mx, my, mz carry m (V = 1); element ``Vsense`` senses the junction current; a heated device's
        node ``tj`` carries T_j - Tamb (K).

    Raises
    ------
    ParameterError
        ``material.Ki_bottom`` for an interface anisotropy that leaves no rest direction, ``field.H``
        for an applied field on a device whose Ms follows its temperature (as the baked MTJ).
    """
    check_library_device(device)
    params = macrospin_params(device, preset, step)
    ku = any(p.name == "Ku" for p in params)
    hot = has_bloch(device)
    f = _llgs(device, ku)
    demag = ([Comment("demagnetizing factors: the instance parameters Nx, Ny, Nz of the tapered pillar (ngspice names "
                      "are case-insensitive: nx below is Nx)")] if has_taper(device) else demag_items(device))
    items: list[Item] = [*demag, *_derived(device, params),
                         *rest_items(device, ku, nz="nzi" if has_ki(device) else "nz")]
    # Each coefficient is a parameter holding its magnitude at the defaults' sign, subtracted where it is
    # negative, and J's multiples are parameters too: after ngspice substitutes the values, the sources
    # read like the baked subcircuit's (no unary minus, no product of two constants in any term).
    values = _default_values(device, params)
    coef: list[dict[tuple[int, ...], str]] = []
    items.append(Comment("coefficients of f = dm/dt (1/ns) per monomial of mx, my, mz and the junction current a (A), "
                         "as magnitudes: a term written - c subtracts c"))
    for i, fi in enumerate(f):
        cnames: dict[tuple[int, ...], str] = {}
        vals = fi.coefficient_values(values)
        for j, (mono, text) in enumerate(fi.coefficients().items()):
            nm = f"c{_COMPS[i][1]}{j}"
            negative = vals[mono] < 0
            items.append(ParamDef(nm, f"-({text})" if negative else text))
            cnames[mono] = f"-{nm}" if negative else nm
        coef.append(cnames)
    # J with the q terms, as the baked MTJ's: without them the library's m left the baked one's by 2e-3 at
    # flq = 2.6e3 (A/m)/V^2 (cofeb_mgo's value then; 2.5e3 now), for about 7 % less time per point
    jac = [[fi.diff(c) for c in _COMPS] for fi in f]
    jcoef: list[list[dict[tuple[int, ...], str]]] = [[{} for _ in range(3)] for _ in range(3)]
    for i in range(3):
        for j in range(3):
            for mono, nm in coef[i].items():
                if mono[j] == 1:
                    jcoef[i][j][_lower(mono, j)] = nm
                elif mono[j] > 1:
                    jn = f"j{nm.lstrip('-')}{'xyz'[j]}"
                    items.append(ParamDef(jn, f"{mono[j]}*{nm.lstrip('-')}"))
                    jcoef[i][j][_lower(mono, j)] = ("-" if nm.startswith("-") else "") + jn
    at_m0 = {"mx": "m0x", "my": "m0y", "mz": "m0z", "a": "0", "q": "0"}
    items.append(Comment("f and g = J f at m0 without current: the state capacitors' initial charge C (m0 + cc g0)"))
    for i, comp in enumerate(_COMPS):
        items.append(ParamDef(f"f0{comp[1]}", f[i].without("a").without("q").spice(at_m0, coef[i])))
    for i, comp in enumerate(_COMPS):
        terms = [f"({jac[i][j].without('a').without('q').spice(at_m0, jcoef[i][j])})*f0{_COMPS[j][1]}"
                 for j in range(3) if not jac[i][j].without("a").without("q").is_zero()]
        items.append(ParamDef(f"g0{comp[1]}", " + ".join(terms) or "0"))
    p = device.junction.pinned
    mp = "(" + " + ".join(f"{safe.num(c)}*V({nm})" for c, nm in zip(p, _COMPS, strict=True) if c != 0.0) + ")"
    # with V_half > 0 the sources read the junction voltage from node vj (one quantity; see mtj.junction_items)
    vj = "V(vj)" if device.junction.V_half > 0 else "V(n1,t2)"
    g_items, g_expr = _conductance(device, vj, mp)
    I, V, EQ = Word("I"), Word("V"), Word("=")
    items += [*g_items,
              Comment("junction current sensor: i(Vsense) is the current entering t1"),
              Element("Vsense", ("t1", "n1"), (0,)),
              *((Comment("V(vj) = the junction voltage V(n1,t2) (V)"), Element("Evj", ("vj", "0", "n1", "t2"), (1,)))
                if device.junction.V_half > 0 else ()),
              Comment("junction: I = V G, G = G_P (1 + m.p)/2 + G_AP (1 - m.p)/2, G_P = area/RA, G_AP = G_P/(1 + TMR"
                      + ("/(1 + (V/Vhalf)^2)) = gp - gvk (1 - m.p)/(gvd + V^2)" if device.junction.V_half > 0 else ")")),
              Element("Bjunction", ("n1", "t2"), (I, EQ, Expr(f"{vj}*{g_expr}"))),
              Comment("f = dm/dt in 1/ns: -k [m x b + m (m.d) - d |m|^2] + lambda (1 - |m|^2) m, b = h - al a p, "
                      "d = al h + a p, a = ca I; V(fx) = f_x")]
    if has_heating(device):
        items += heating_lib_items(device, vj)
    if has_field_like(device):
        items += fieldlike_items(hot, vj)
    # Ms(T_j): f becomes s f(m, a/s^2, q/s) with s = V(msr) (see mtjspice/netlist/heating.py)
    names = {"mx": "V(mx)", "my": "V(my)", "mz": "V(mz)", "a": f"V({AR})" if hot else "i(Vsense)"}
    if has_field_like(device):
        names.update({"a": f"V({TB})", "q": f"V({TD})"})
    sc = f"V({MSR})*" if hot else ""
    for i, comp in enumerate(_COMPS):
        k = comp[1]
        items += [Element(f"Bf{k}", ("0", f"f{k}"), (I, EQ, Expr(f[i].spice(names, coef[i])))),
                  Element(f"Rf{k}", (f"f{k}", "0"), (1,))]
    items.append(Comment("V(sx) = ncc g = -cc g, g = J f = df/dt at fixed current (J = df/dm)"))
    for i, comp in enumerate(_COMPS):
        terms = [f"({jac[i][j].spice(names, jcoef[i][j])})*V(f{_COMPS[j][1]})" for j in range(3)
                 if not jac[i][j].is_zero()]
        corr = Expr("ncc*(" + (" + ".join(terms) or "0") + ")")
        if hot:  # V(s) = msr^2 V(u): the long source reads no V(msr), as the baked MTJ's (netlist/heating.py)
            items += [Element(f"Bu{comp[1]}", (f"u{comp[1]}", "0"), (V, EQ, corr)),
                      Element(f"Bs{comp[1]}", (f"s{comp[1]}", "0"), (V, EQ, Expr(f"{sc}{sc}V(u{comp[1]})")))]
        else:
            items.append(Element(f"Bs{comp[1]}", (f"s{comp[1]}", "0"), (V, EQ, corr)))
    items.append(Comment(f"state: C d(m + cc g)/dt = f, C = {STATE_CAP:g} F between m and s, charged by "
                         f"{STATE_CAP / TIME_UNIT:g} S x V(f); 1000 s leak; m starts at m0 (.ic, with or without uic)"))
    for comp in _COMPS:
        k = comp[1]
        items += [Element(f"C{comp}", (comp, f"s{k}"), (STATE_CAP, Param("IC", ParamExpr(f"m0{k} + cc*g0{k}")))),
                  Element(f"R{comp}", (comp, "0"), (1e3 / STATE_CAP,)),
                  Element(f"B{comp}", ("0", comp), (I, EQ, Expr(f"{safe.num(STATE_CAP / TIME_UNIT)}*V({MSR})*V(f{k})")))
                  if hot else Element(f"G{comp}", ("0", comp, f"f{k}", "0"), (STATE_CAP / TIME_UNIT,)),
                  IcDef(comp, f"m0{k}")]
    if hot:  # msr starts at 1 (T_j = Tamb): Newton's first point does not divide by V(msr) = 0 (as netlist/mtj.py)
        items += [Comment("Ms ratio starts at 1 (it is algebraic in T_j: the transient sets it at its first point)"),
                  IcDef(MSR, "1")]
    return Subckt(library_name(device), ("t1", "t2"), tuple(items), params=tuple((p.name, p.default) for p in params))


def _default_values(device: Device, params: tuple[LibParam, ...]) -> dict[str, float]:
    """The symbolic coefficients' parameters at the defaults (for the signs of the coefficients)."""
    d = {p.name: p.default for p in params}
    nx, ny, nz = device_demag(device)
    m = device.material
    out = {"k": device.gamma_prime * m.Ms * TIME_UNIT, "al": m.alpha, "ca": device.aj_per_amp / m.Ms,
           "nx": nx, "ny": ny, "nz": nz, "kf": 2.0 * d.get("Ku", 0.0) / (MU0 * m.Ms * m.Ms),
           "nzi": nz - 2.0 * m.Ki / (MU0 * m.Ms * m.Ms * device.geometry.T),
           "xi": device.junction.field_like_ratio, "fq": field_like_quadratic(device) / m.Ms}
    out.update({f"h{'xyz'[i]}": h / m.Ms for i, h in enumerate(device.field.H)})
    return out


def _lower(mono: tuple[int, ...], j: int) -> tuple[int, ...]:
    out = list(mono)
    out[j] -= 1
    return tuple(out)
