"""The junction of the behavioral MTJ (:mod:`mtjspice.netlist.mtj`): its conductance law, and the
spin torques written through two torque nodes when the field-like torque has a bias-quadratic part.

Both are written for ngspice's cost: ngspice differentiates every B-source by each quantity it
reads, at every Newton iteration, so one quantity fewer or one operation fewer in a long source
shows in the time per point (benchmarks/bench_effects.py; docs/notes-ngspice.md).

* Bias-dependent TMR: G = G_P - K (1 - m.p) / (D + V^2) with the junction voltage read from node
  ``vj`` (:func:`junction_items`).
* Field-like torque with its bias-quadratic part: the reduced fields b = h - alpha a p + xi a p +
  w p and d = alpha h + a p + alpha xi a p + alpha w p (a = a_J / Ms, w = xi_v2 V^2 / Ms) enter f
  only through B = (xi - alpha) a + w along p in b and D = (1 + alpha xi) a + alpha w along p in d:
  f = P0(m) - k B (m x p) - k D (m (m.p) - p |m|^2). Nodes ``tb`` and ``td`` carry k B and k D, so
  the long sources read two quantities with one monomial group each, instead of the current and
  V^2 with two groups each (:func:`split_torque`, :func:`torque_items`).
"""

from __future__ import annotations

from ..params import Device
from . import safe
from .circuit import Comment, Element, Expr, Item, Word
from .poly import Poly, var

__all__ = ["conductance_expr", "junction_items", "split_torque", "split_spice", "torque_items"]


def conductance_expr(device: Device, v: str, mp: str) -> str:
    """G(m.p, V) in siemens as an ngspice expression, with ``v`` and ``mp`` the expressions of the
    junction voltage and of m.p: G_P (1 + m.p)/2 + G_AP (1 - m.p)/2, with
    G_AP = G_P / (1 + TMR / (1 + (V / V_half)^2)) when V_half > 0 (the compact MTJ uses it too).

    With V_half > 0 the law is written as G_P - K (1 - m.p) / (D + V^2), K = G_P TMR V_half^2 / 2,
    D = V_half^2 (1 + TMR): the same function with one division and V read twice, not four times
    in nested quotients (ngspice differentiates every B-source by each quantity it reads, and the
    nested form cost 1.32x the MTJ without bias dependence; see :func:`junction_items`)."""
    g_p = 1.0 / device.R_P
    tmr = device.junction.TMR
    vh = device.junction.V_half
    if vh > 0:
        k, d = g_p * tmr * vh * vh / 2.0, vh * vh * (1.0 + tmr)
        return f"({safe.num(g_p)} - {safe.num(k)}*(1 - {mp})/({safe.num(d)} + {v}*{v}))"
    g_ap_val = g_p / (1.0 + tmr)
    return f"({safe.num((g_p + g_ap_val) / 2)} + {safe.num((g_p - g_ap_val) / 2)}*{mp})"


def junction_items(device: Device, mp: str) -> tuple[list[Item], str]:
    """The junction B-source I = V G(m.p, V) between n1 and t2 (with its comments), and the expression
    of the junction voltage for the other sources to read.

    With V_half > 0 a linear VCVS writes the junction voltage on node ``vj`` (V(vj) = V(n1,t2)) and
    the sources read V(vj): V(n1,t2) is two quantities to ngspice, each with its own derivative of
    the whole expression (measured on the 100 ns testbench, CPU: 1.32x the MTJ without bias
    dependence with the nested quotient on V(n1,t2), 1.11x with the single quotient on V(n1,t2),
    1.02x on V(vj)). Without it the text is the one the MTJ always had."""
    I, EQ = Word("I"), Word("=")
    items: list[Item] = [Comment("junction current sensor: i(Vsense) is the current entering t1"),
                         Element("Vsense", ("t1", "n1"), (0,))]
    v = "V(n1,t2)"
    if device.junction.V_half > 0:
        v = "V(vj)"
        items += [Comment("V(vj) = the junction voltage V(n1,t2) (V), one quantity for the sources that read it"),
                  Element("Evj", ("vj", "0", "n1", "t2"), (1,)),
                  Comment("junction: I = V G, G = G_P (1 + m.p)/2 + G_AP (1 - m.p)/2, G_AP = G_P/(1 + TMR/(1 + (V/V_half)^2)),"),
                  Comment("written G = G_P - K (1 - m.p)/(D + V^2), K = G_P TMR V_half^2/2, D = V_half^2 (1 + TMR)")]
    else:
        items.append(Comment("junction: I = V * G, G = G_P (1 + m.p)/2 + G_AP (1 - m.p)/2 (bias-dependent G_AP if "
                             "V_half > 0)"))
    items.append(Element("Bjunction", ("n1", "t2"), (I, EQ, Expr(f"{v}*{conductance_expr(device, v, mp)}"))))
    return items, v


def split_torque(f: Poly, i: int, device: Device) -> tuple[Poly, Poly, Poly]:
    """Component ``i`` of dm/dt (:func:`mtjspice.netlist.mtj.llgs_polynomials`, polynomial ``f``) split
    as P0(m) + k B Pb(m) + k D Pd(m): P0 its part without current, Pb = -(m x p)_i, Pd = -(m_i (m.p)
    - p_i |m|^2), k = gamma' Ms TIME_UNIT (1/ns; the nodes carry k B and k D). Polynomials in m alone."""
    p = device.junction.pinned
    m = (var("mx"), var("my"), var("mz"))
    mm = m[0] * m[0] + m[1] * m[1] + m[2] * m[2]
    mp = m[0] * p[0] + m[1] * p[1] + m[2] * p[2]
    cross = (m[1] * p[2] - m[2] * p[1], m[2] * p[0] - m[0] * p[2], m[0] * p[1] - m[1] * p[0])
    p0 = Poly({e: v for e, v in f.terms.items() if e[3] == 0})
    return p0, -cross[i], -(m[i] * mp - mm * p[i])


def torque_items(device: Device, v: str, hot: bool, k: float) -> list[Item]:
    """Nodes ``tb`` = k B and ``td`` = k D (1/ns; k = gamma' Ms TIME_UNIT, so the nodes are of order one)
    from the junction current and voltage ``v``; divided by V(ms)^2 when Ms follows T_j (a_J and the
    field-like field scale as 1 / Ms)."""
    j, mat = device.junction, device.material
    ca = k * device.aj_per_amp / mat.Ms  # 1/(ns A)
    w = k * j.field_like_quadratic / mat.Ms  # 1/(ns V^2)
    xi, al = j.field_like_ratio, mat.alpha
    den = "/(V(ms)*V(ms))" if hot else ""
    V, EQ = Word("V"), Word("=")
    return [Comment(f"torque nodes: V(tb) = k B, B = (xi - alpha) a + w, V(td) = k D, D = (1 + alpha xi) a + alpha w, "
                    f"a = a_J/Ms, w = xi_v2 V^2/Ms, k = gamma' Ms 1 ns = {k:.6g}" + (", both / V(ms)^2" if hot else "")),
            Element("Btb", ("tb", "0"), (V, EQ, Expr(f"({safe.num((xi - al) * ca)}*i(Vsense) + {safe.num(w)}*{v}*{v})"
                                                      + den))),
            Element("Btd", ("td", "0"), (V, EQ, Expr(f"({safe.num((1 + al * xi) * ca)}*i(Vsense) + "
                                                      f"{safe.num(al * w)}*{v}*{v})" + den)))]


def split_spice(parts: tuple[Poly, Poly, Poly], names: dict[str, str]) -> str:
    """P0 + V(tb) Pb + V(td) Pd as ngspice text (zero groups left out)."""
    text = parts[0].spice(names)
    for node, poly in zip(("V(tb)", "V(td)"), parts[1:], strict=True):
        if not poly.is_zero():
            text += f" + {node}*({poly.spice(names)})"
    return text
