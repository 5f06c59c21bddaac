"""The ``.param`` lines an includable MTJ computes from its instance parameters: demagnetizing
factors, rest state and initial magnetization (used by :mod:`mtjspice.netlist.library`).

Demagnetizing factors of the elliptic cylinder (the shipped pillar), from W, L, T in the deck. The
package's :func:`mtjspice.physics.demag.elliptic_cylinder_factors` integrates over the angle phi the
function F(tau) = int_0^inf J1(s)^2 / s^2 (1 - exp(-s tau)) ds at tau = T / rho(phi). F has a closed
form through the circular cylinder's magnetometric factor (Chen, Brug and Goldfarb, IEEE Trans.
Magn. 27, 3601 (1991)): with g = tau / 2, q = 1 + g^2,

    F = g - (4 / (3 pi)) (sqrt(q) (g^2 K(m) + (1 - g^2) E(m)) - 1),   m = 1 / q,

and the complete elliptic integrals K, E come from the arithmetic-geometric mean (a0 = 1, b0 =
g / sqrt(q), :data:`AGM_STEPS` steps; K = pi / (2 a_n), E = K (1 - sum 2^(j-1) c_j^2)). The angular
integral is Gauss-Legendre with :data:`PHI_NODES` nodes per quarter turn. Against the package's factors:
below 1e-12 for the shipped 10 x 45 x 50 nm pillar, 1.4e-9 at 5 x 50 x 25 nm, 5e-8 at 10 x 100 x 1 nm
(L / W = 10 with a 1 nm layer, the worst case tried); see tests/netlist/test_library.py.

The ellipsoid's factors (Carlson's R_D) are computed the same way by duplication, :data:`RD_STEPS` steps.

Rest state: without an applied field the rest direction is the coordinate axis of the smallest
diagonal entry of A = diag(N) - (2 Ku / (mu0 Ms^2)) u u^T (z preferred, then x, then y, as in
:mod:`mtjspice.physics.rest`), which the deck computes with comparisons; the initial magnetization
is that axis tilted by theta0 as :func:`mtjspice.physics.rest.tilt` does. A device with an applied
field, an anisotropy axis off the coordinate axes, or an explicit ``initial.m0`` keeps the package's
initial magnetization as numbers (the library's header says so).
"""

from __future__ import annotations

import math

import numpy as np

from ..constants import MU0
from ..errors import ParameterError
from ..params import Device
from ..physics.rest import explicit_m0, initial_magnetization
from . import safe
from .circuit import Comment, Item, ParamDef

__all__ = ["PHI_NODES", "AGM_STEPS", "RD_STEPS", "demag_items", "rest_items", "rest_follows_parameters"]

#: Gauss-Legendre nodes per quarter turn of the elliptic cylinder's angular integral.
PHI_NODES = 24
#: Arithmetic-geometric-mean steps per node (quadratic convergence: 1e-16 from g >= 0.01).
AGM_STEPS = 6
#: Duplication steps of Carlson's R_D for the ellipsoid (each divides the spread by 4).
RD_STEPS = 14


def _n(x: float) -> str:
    return safe.num(x)


def _cylinder(items: list[Item]) -> None:
    x, w = np.polynomial.legendre.leggauss(PHI_NODES)
    phi = (x + 1.0) * (math.pi / 4.0)
    items += [ParamDef("dma", "L/2"), ParamDef("dmb", "W/2")]
    sz, sx = [], []
    for i, (p, wi) in enumerate(zip(phi, w * math.pi, strict=True)):
        c2, s2 = math.cos(p) ** 2, math.sin(p) ** 2
        r, g = f"dr{i}", f"dg{i}"
        items += [ParamDef(r, f"sqrt(dma*dma*{_n(c2)} + dmb*dmb*{_n(s2)})"), ParamDef(g, f"T/(2*{r})")]
        a, b = "1", f"{g}/sqrt(1+{g}*{g})"
        terms = [f"0.5/(1+{g}*{g})"]
        for j in range(1, AGM_STEPS + 1):
            terms.append(f"{_n(2.0 ** (j - 1))}*(({a})-({b}))*(({a})-({b}))/4")
            an, bn = f"da{i}_{j}", f"db{i}_{j}"
            items.append(ParamDef(an, f"(({a})+({b}))/2"))
            if j < AGM_STEPS:
                items.append(ParamDef(bn, f"sqrt(({a})*({b}))"))
            a, b = an, bn
        k, e = f"dk{i}", f"dF{i}"
        items += [ParamDef(k, f"{_n(math.pi / 2)}/{a}"),
                  ParamDef(e, f"{g} - {_n(4 / (3 * math.pi))}*(sqrt(1+{g}*{g})*({g}*{g}*{k} + (1-{g}*{g})*{k}*"
                              f"(1 - ({' + '.join(terms)}))) - 1)")]
        sz.append(f"{_n(wi)}*{e}/{r}")
        sx.append(f"{_n(wi * c2)}*(T/(2*{r}*{r}) - {e}/{r})")
    items += [ParamDef("nz", "dma*dmb/(" + _n(math.pi) + "*T)*(" + " + ".join(sz) + ")"),
              ParamDef("nx", "dma*dmb/(" + _n(math.pi) + "*T)*(" + " + ".join(sx) + ")"),
              ParamDef("ny", "1 - nx - nz")]


def _ellipsoid(items: list[Item]) -> None:
    # N_a = (a b c / 3) R_D(b^2, c^2, a^2); Carlson's duplication, then his fifth-order series.
    items += [ParamDef("dsa", "L/2/max(L/2, max(W/2, T/2))"), ParamDef("dsb", "W/2/max(L/2, max(W/2, T/2))"),
              ParamDef("dsc", "T/2/max(L/2, max(W/2, T/2))")]
    for axis, (xs, ys, zs) in (("x", ("dsb", "dsc", "dsa")), ("y", ("dsc", "dsa", "dsb")), ("z", ("dsa", "dsb", "dsc"))):
        x, y, z = f"{xs}*{xs}", f"{ys}*{ys}", f"{zs}*{zs}"
        acc = []
        for j in range(RD_STEPS):
            lam = f"de{axis}l{j}"
            items.append(ParamDef(lam, f"sqrt({x})*sqrt({y}) + sqrt({y})*sqrt({z}) + sqrt({z})*sqrt({x})"))
            acc.append(f"{_n(4.0 ** -j)}/(sqrt({z})*({z}+{lam}))")
            nxt = (f"de{axis}x{j}", f"de{axis}y{j}", f"de{axis}z{j}")
            items += [ParamDef(nxt[0], f"(({x})+{lam})/4"), ParamDef(nxt[1], f"(({y})+{lam})/4"),
                      ParamDef(nxt[2], f"(({z})+{lam})/4")]
            x, y, z = nxt
        mu = f"de{axis}mu"
        items.append(ParamDef(mu, f"({x}+{y}+3*{z})/5"))
        dx, dy, dz = (f"(({mu})-({v}))/({mu})" for v in (x, y, z))
        ea, eb = f"{dx}*{dy}", f"{dz}*{dz}"
        ec, ed = f"({ea}-{eb})", f"({ea}-6*{eb})"
        ee = f"({ed}+2*{ec})"
        series = (f"(1 + {ed}*(-3/14 + 9/88*{ed} - 9/52*{dz}*{ee}) + {dz}*(1/6*{ee} + {dz}*(-9/22*{ec} + "
                  f"{dz}*3/26*{ea})))")
        items.append(ParamDef(f"n{axis}", f"dsa*dsb*dsc/3*(3*({' + '.join(acc)}) + {_n(4.0 ** -RD_STEPS)}*"
                                          f"{series}/(({mu})*sqrt({mu})))"))


def demag_items(device: Device) -> list[Item]:
    """``.param nx, ny, nz``: the demagnetizing factors of the body of ``device.geometry.shape``
    computed from the parameters W, L, T (m)."""
    items: list[Item] = [Comment(f"demagnetizing factors nx, ny, nz of the {device.geometry.shape} W x L x T (see "
                                 "mtjspice/netlist/libparams.py)")]
    if device.geometry.shape == "elliptic_cylinder":
        _cylinder(items)
    elif device.geometry.shape == "ellipsoid":
        _ellipsoid(items)
    else:  # pragma: no cover - Geometry refuses other shapes
        raise ParameterError("geometry.shape", device.geometry.shape, "'elliptic_cylinder' or 'ellipsoid'")
    return items


def rest_follows_parameters(device: Device) -> bool:
    """Whether the deck can compute the rest state from the parameters: no applied field, an
    anisotropy axis along x, y or z (or none) and no explicit initial magnetization."""
    f = device.field
    on_axis = f.Ku == 0.0 or sum(1 for c in f.axis if c != 0.0) == 1
    return all(h == 0.0 for h in f.H) and on_axis and explicit_m0(device) is None


def rest_items(device: Device, ku: bool, nz: str = "nz") -> list[Item]:
    """``.param m0x, m0y, m0z``: the initial magnetization, from ``nx, ny`` and the z factor ``nz`` (the
    name of the one with the interface anisotropy folded in, when there is one), ``Ku`` (when ``ku``),
    ``Ms`` and ``theta0`` when :func:`rest_follows_parameters`, else the device's numbers."""
    if not rest_follows_parameters(device):
        m0 = initial_magnetization(device)
        return [Comment("initial magnetization: the device's (applied field, oblique anisotropy or explicit m0), "
                        "fixed numbers"),
                *(ParamDef(f"m0{c}", _n(v)) for c, v in zip("xyz", m0, strict=True))]
    u = device.field.axis
    kf = [f" - 2*Ku/({_n(MU0)}*Ms*Ms)*{_n(c * c)}" if ku and c != 0.0 else "" for c in u]
    return [
        Comment("rest state: the coordinate axis of the smallest entry of diag(N) - 2 Ku/(mu0 Ms^2) u u^T (z, then x, "
                "then y on ties), tilted by theta0"),
        ParamDef("rax", f"nx{kf[0]}"), ParamDef("ray", f"ny{kf[1]}"), ParamDef("raz", f"{nz}{kf[2]}"),
        ParamDef("rz", "(1-(rax<raz))*(1-(ray<raz))"), ParamDef("rx", "(1-rz)*(1-(ray<rax))"),
        ParamDef("ry", "1-rz-rx"),
        ParamDef("m0x", "(rz+ry)*sin(theta0) + rx*cos(theta0)"), ParamDef("m0y", "ry*cos(theta0)"),
        ParamDef("m0z", "rz*cos(theta0) + rx*sin(theta0)"),
    ]
