"""The issue-26 effects in the includable MTJ (:mod:`mtjspice.netlist.library`): their instance
parameters, the ``.param`` lines and elements that carry them, and the export's refusals.

Each effect is written the way the baked subcircuit (:mod:`mtjspice.netlist.mtj`,
:mod:`mtjspice.netlist.heating`, :mod:`mtjspice.netlist.noise`) writes it, with its constants as
expressions of instance parameters that ngspice evaluates when it expands the deck:

* Interface anisotropy ``Ki_bottom``, ``Ki_top`` (J/m^2): the uniaxial energy (Ki_bottom + Ki_top) / T
  along z, folded into the z demagnetizing factor, ``nzi = nz - 2 (Ki_bottom + Ki_top) / (mu0 Ms^2 T)``
  (:func:`mtjspice.physics.llgs.anisotropy_factors`); the torque coefficients and the rest state use
  ``nzi``. The export refuses, by name (``material.Ki_bottom``), a device whose K_i makes z exactly as
  easy as an in-plane axis (no defined rest direction), as the package does.
* Field-like torque: the field H_FL = (xi a_J(I) + flq V_j^2) p, with ``xi`` = b_J / a_J (-) and ``flq``
  ((A/m)/V^2) its quadratic bias dependence, V_j the junction voltage. As in the baked MTJ
  (:mod:`mtjspice.netlist.junction`) the current and V_j^2 enter the equations through two torque nodes,
  ``tb`` = k ((xi - al) a + fq V_j^2) and ``td`` = k ((1 + al xi) a + al fq V_j^2) with a = ca I and
  ``fq = flq / Ms``, which the polynomials read as their symbols a and q.
* Joule heating: node ``tj`` = T_j - T_amb (K), C dV(tj)/dt = I V - V(tj) / Rth with C = tauth / Rth;
  with a Curie temperature ``Tc``, node ``msr`` = Ms(T_j) / Ms(T_amb) by Bloch's law (exponent
  ``bexp``) scales the equations as in :mod:`mtjspice.netlist.heating` (node ``ar`` = I / msr^2), and
  the thermal field (when the library is noisy) is scaled by sqrt(T_j / (T_amb msr)).
* Taper: the tapered pillar's demagnetizing factors (:mod:`mtjspice.physics.taper`, a numerical
  integral) are too costly for ngspice's parameter expressions, so a tapered device's library takes
  them as instance parameters ``Nx``, ``Ny``, ``Nz`` (defaults computed by the package for the
  device's W, L, T and taper) instead of computing them from W, L, T: an instance with another W, L
  or T must be given its own Nx, Ny, Nz (``mtjspice.physics.taper.tapered_factors``).

A parameter is offered only when the device has its effect (like ``Ku`` and ``Vhalf``): a device
without an effect gets exactly the library it had before these effects existed.
"""

from __future__ import annotations

import numpy as np

from ..constants import MU0
from ..errors import ParameterError
from ..params import Device
from ..physics.devicedemag import device_demag
from ..physics.heating import MS_RATIO_FLOOR
from ..physics.llgs import anisotropy_factors
from . import safe
from .circuit import Comment, Element, Expr, Item, ParamDef, ParamExpr, Word

__all__ = ["field_like_quadratic", "has_ki", "has_field_like", "has_heating", "has_bloch", "has_taper",
           "effect_params", "check_library_device", "ki_items", "fieldlike_items", "heating_lib_items",
           "warm_factor", "TJ", "MSR", "AR", "TB", "TD"]

#: Node names: junction temperature rise (K), Ms ratio, scaled current (A), the torque nodes k B and k D (1/ns).
TJ, MSR, AR, TB, TD = "tj", "msr", "ar", "tb", "td"


def field_like_quadratic(device: Device) -> float:
    """The device's quadratic field-like coefficient ``junction.field_like_quadratic`` ((A/m)/V^2)."""
    return float(device.junction.field_like_quadratic)


def has_ki(device: Device) -> bool:
    return device.material.Ki_bottom != 0.0 or device.material.Ki_top != 0.0


def has_field_like(device: Device) -> bool:
    return device.junction.field_like_ratio != 0.0 or field_like_quadratic(device) != 0.0


def has_heating(device: Device) -> bool:
    return device.junction.heating


def has_bloch(device: Device) -> bool:
    """Ms follows the junction temperature (heating and a Curie temperature)."""
    return device.junction.heating and device.material.curie_temperature > 0


def has_taper(device: Device) -> bool:
    return device.geometry.taper != 0.0


def effect_params(device: Device) -> list[tuple[str, float, str, str]]:
    """(name, default, unit, meaning) of the effect parameters ``device`` has."""
    m, j = device.material, device.junction
    out: list[tuple[str, float, str, str]] = []
    if has_taper(device):
        nx, ny, nz = device_demag(device)
        out += [("Nx", nx, "-", f"demagnetizing factor x (the package's, taper {device.geometry.taper:g} rad)"),
                ("Ny", ny, "-", "demagnetizing factor y (not computed from W, L, T: give all three)"),
                ("Nz", nz, "-", "demagnetizing factor z (mtjspice.physics.taper.tapered_factors)")]
    if has_ki(device):
        out += [("Ki_bottom", m.Ki_bottom, "J/m^2", "bottom (barrier) interface anisotropy, enters as K_i/T along z"),
                ("Ki_top", m.Ki_top, "J/m^2", "top interface anisotropy, enters as K_i/T along z")]
    if has_field_like(device):
        out += [("xi", j.field_like_ratio, "-", "field-like torque ratio b_J/a_J"),
                ("flq", field_like_quadratic(device), "(A/m)/V^2", "field-like field per squared junction voltage")]
    if has_heating(device):
        out += [("Rth", j.thermal_resistance, "K/W", "junction-to-ambient thermal resistance"),
                ("tauth", j.thermal_time_constant, "s", "heating time constant Rth Cth"),
                ("Tamb", m.temperature, "K", "ambient temperature (Ms is the value at Tamb)")]
    if has_bloch(device):
        out += [("Tc", m.curie_temperature, "K", "Curie temperature of Bloch's law"),
                ("bexp", m.bloch_exponent, "-", "exponent of Bloch's law")]
    return out


def check_library_device(device: Device) -> None:
    """Refuse, by name, a device whose library would be undefined (as the baked MTJ refuses it)."""
    m = device.material
    # material.Ki_bottom; shapes (3, 1) and (1,): with (3,) and scalars the check's own error path fails to index
    anisotropy_factors(np.asarray(device_demag(device), float)[:, None], np.array([m.Ms]), np.array([device.geometry.T]),
                       np.array([m.Ki]))
    if has_bloch(device) and any(h != 0.0 for h in device.field.H):
        raise ParameterError("field.H", device.field.H, "(0, 0, 0) in an ngspice MTJ whose Ms follows its "
                             "temperature (material.curie_temperature > 0 with heating): the reduced "
                             "applied field would need its own 1/Ms(T) term")


def ki_items() -> list[Item]:
    """``nzi``: the z factor with the interface anisotropy folded in."""
    return [Comment("interface anisotropy: nzi = nz - 2 (Ki_bottom + Ki_top)/(mu0 Ms^2 T), the energy K_i/T along z"),
            ParamDef("nzi", f"nz - 2*(Ki_bottom+Ki_top)/({safe.num(MU0)}*Ms*Ms*T)")]


def fieldlike_items(hot: bool, v: str = "V(n1,t2)") -> list[Item]:
    """The torque nodes of :mod:`mtjspice.netlist.junction`: V(tb) = k B, B = (xi - al) a + w, V(td) = k D,
    D = (1 + al xi) a + al w, with a = ca I and w = fq V_j^2 (fq = flq/Ms), divided by msr^2 when Ms follows
    T_j (a_J and the field-like field scale as 1 / Ms; the equations are scaled by msr, as the baked MTJ).
    The V^2 terms are written when the device's flq is 0 too: flq stays an instance parameter."""
    den = f"/(V({MSR})*V({MSR}))" if hot else ""
    V, EQ = Word("V"), Word("=")
    return [Comment("field-like torque: H_FL = (xi a_J + flq V_j^2) p, fq = flq/Ms, through the torque nodes "
                    "V(tb) = k ((xi - al) a + fq V_j^2), V(td) = k ((1 + al xi) a + al fq V_j^2), a = ca I"
                    + (", both / msr^2" if hot else "")),
            ParamDef("fq", "flq/Ms"), ParamDef("tbi", "k*(xi-al)*ca"), ParamDef("tbv", "k*fq"),
            ParamDef("tdi", "k*(1+al*xi)*ca"), ParamDef("tdv", "k*al*fq"),
            Element("Btb", (TB, "0"), (V, EQ, Expr(f"(tbi*i(Vsense) + tbv*{v}*{v}){den}"))),
            Element("Btd", (TD, "0"), (V, EQ, Expr(f"(tdi*i(Vsense) + tdv*{v}*{v}){den}")))]


def heating_lib_items(device: Device, v: str = "V(n1,t2)") -> list[Item]:
    """The thermal RC node ``tj`` and, with Bloch's law, nodes ``msr`` and ``ar``; ``v`` is the junction
    voltage's expression."""
    items: list[Item] = [
        Comment("Joule heating: C dV(tj)/dt = I V - V(tj)/Rth, V(tj) = T_j - Tamb (K), C = tauth/Rth"),
        Element("Bheat", ("0", TJ), (Word("I"), Word("="), Expr(f"{v}*i(Vsense)"))),
        Element("Rtj", (TJ, "0"), (ParamExpr("Rth"),)),
        Element("Ctj", (TJ, "0"), (ParamExpr("tauth/Rth"),)),
    ]
    if has_bloch(device):
        items += [
            Comment("Bloch's law: V(msr) = Ms(T_j)/Ms(Tamb) = (1 - (T_j/Tc)^bexp)/(1 - (Tamb/Tc)^bexp)"),
            ParamDef("bl0", "1 - pwr(Tamb/Tc, bexp)"), ParamDef("bl1", "1/bl0"), ParamDef("bl2", "1/(bl0*pwr(Tc, bexp))"),
            Comment("written max(floor, bl1 - bl2 pwr(T_j, bexp)): one pwr, as the baked MTJ (netlist/heating.py)"),
            Element("Bms", (MSR, "0"), (Word("V"), Word("="), Expr(
                f"max({safe.num(MS_RATIO_FLOOR)}, bl1 - bl2*pwr(Tamb + V({TJ}), bexp))"))),
        ]
        if not has_field_like(device):  # else the torque nodes carry the scaled current
            items += [Comment("V(ar) = the junction current scaled to Ms(T_j): i(Vsense)/V(msr)^2 (A)"),
                      Element("Bar", (AR, "0"), (Word("V"), Word("="), Expr(f"i(Vsense)/(V({MSR})*V({MSR}))")))]
    return items


def warm_factor(device: Device) -> str | None:
    """The thermal field's factor sqrt(T_j / (Tamb msr)) of a heated junction, or None."""
    if not has_heating(device) or device.material.temperature <= 0:
        return None
    # max(0, ...): T_j >= Tamb in any solution, but a Newton iterate of the operating point can undershoot
    return f"sqrt(max(0, (Tamb+V({TJ}))/(Tamb" + (f"*V({MSR})" if has_bloch(device) else "") + ")))"
