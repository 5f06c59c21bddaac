"""The text of an includable library file (``models/<device>.lib``): a header that states ports,
parameters with units, validity and the package version that wrote it, then the subcircuits.

Rendered through :mod:`mtjspice.netlist.render`, so every name and value passes the validation of
:mod:`mtjspice.netlist.safe`; the same inputs give the same bytes.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from ..params import Device
from . import safe
from .circuit import Subckt
from .compact import CompactMTJ
from .libcompact import compact_library_subckt, compact_params_list
from .libeffects import has_bloch, has_field_like, has_heating, has_ki, has_taper
from .libparams import PHI_NODES, rest_follows_parameters
from .library import LibParam, library_subckt, macrospin_params
from .mtj import OPTION_PRESETS, max_step
from .render import render_subckt

__all__ = ["library_text", "library_subckts", "usage_lines"]


def _param_lines(params: Sequence[LibParam]) -> list[str]:
    return [f"  {p.name:<7} = {safe.num(p.default):<22} {p.unit:<9} {p.doc}" for p in params]


def usage_lines(device: Device, file: str, compact: bool, preset: str = "default") -> list[str]:
    """The lines a user pastes into a deck to use the library ``file`` (valid ngspice: notes follow ``$``)."""
    name = library_subckt(device, preset).name
    opts = " ".join(f"{k}={v}" for k, v in OPTION_PRESETS[preset].items())
    out = [f".include {file}",
           f"X1 t1 t2 {name}            $ or with parameters: X1 t1 t2 {name} W=11n L=45n",
           f".options {opts}",
           f".tran 10p 20n 0 {max_step(preset):g}        $ maximum step = hstep = {max_step(preset):g} s"]
    if compact:
        out.insert(2, f"X2 t3 t4 {name}_compact    $ the compact signed-LIF model; no step limit needed")
    return out


def effect_lines(device: Device) -> list[str]:
    """Header lines on the issue-26 effects the device has (none for a device without them)."""
    out = []
    if has_taper(device):
        out += [f"TAPERED PILLAR ({device.geometry.taper:g} rad): its demagnetizing factors are the parameters Nx, Ny, Nz, the",
                "package's numerical ones (mtjspice.physics.taper.tapered_factors(L, W, T, taper)), not computed from W, L,",
                "T in the deck (too costly for ngspice's expressions): an instance with another W, L, T or taper needs its",
                "own Nx, Ny, Nz (mtjspice export of that device writes them as the defaults)."]
    if has_ki(device):
        out += ["Interface anisotropy: (Ki_bottom + Ki_top)/T along z, folded into the z factor (nzi); the rest state",
                "follows it. The export refuses a K_i that leaves no rest direction; an instance value is not checked."]
    if has_field_like(device):
        out += ["Field-like torque: the field H_FL = (xi a_J(I) + flq V_j^2) p, V_j the junction voltage (through nodes tb, td)."]
    if has_heating(device):
        out += ["Joule heating: node tj = T_j - Tamb (K), C dV(tj)/dt = I V - V(tj)/Rth, C = tauth/Rth; probe v(x1.tj)."
                + (" Ms(T_j)" if has_bloch(device) else ""),
                *(["by Bloch's law (node msr = Ms(T_j)/Ms(Tamb)) scales the torque and precession; a noisy library's",
                   "thermal field follows T_j and Ms(T_j)."] if has_bloch(device) else
                  ["A noisy library's thermal field follows T_j."])]
    return out


def library_subckts(device: Device, compact: CompactMTJ | None, preset: str = "default") -> tuple[Subckt, ...]:
    """The macrospin subcircuit, and the compact one when ``compact`` is given."""
    subs = [library_subckt(device, preset)]
    if compact is not None:
        subs.append(compact_library_subckt(device, compact))
    return tuple(subs)


def library_text(device: Device, compact: CompactMTJ | None, *, file: str, version: str, preset: str = "default",
                 extra_header: Sequence[str] = (), subckts: Sequence[Subckt] | None = None,
                 usage: Sequence[str] | None = None) -> str:
    """The whole library file for ``device``.

    Parameters
    ----------
    device : Device
        Its values are the parameters' defaults.
    compact : CompactMTJ or None
        The fitted compact model's defaults; None writes the macrospin subcircuit only.
    file : str
        The file's own name (a bare name), for the usage lines.
    version : str
        The mtjspice version written into the header.
    preset : {"default", "accurate"}
        The simulator options and maximum step the header recommends (``hstep``'s default).
    extra_header : sequence of str
        More header lines (the export command's noise note).
    subckts : sequence of Subckt, optional
        The subcircuits to write instead of :func:`library_subckts` (the export's noisy variants).
    usage : sequence of str, optional
        The usage lines instead of :func:`usage_lines`.
    """
    safe.filename(file, "library file name")
    ms = library_subckt(device, preset)
    label = re.sub(r"[^A-Za-z0-9_.-]", "_", device.name)[:64]  # comment text only
    p = device.junction.pinned
    lines = [
        f"{file}: the mtjspice MTJ '{ms.name[4:]}' for your own ngspice decks",
        f"written by mtjspice {version} from the device file {label}.toml; do not edit, regenerate it",
        "(python -m mtjspice.circuits.library, or mtjspice export DEVICE --out DIR).",
        "",
        "Use (SI units; SPICE suffixes work: 11n = 11e-9):",
        *(f"  {u}" for u in (usage if usage is not None else usage_lines(device, file, compact is not None, preset))),
        "No .ic line is needed: each instance starts at its rest state (with or without uic).",
        "",
        "Ports: t1 (free layer) and t2. Positive current enters t1 and leaves t2; it pushes m toward +p,",
        f"p = ({p[0]:g}, {p[1]:g}, {p[2]:g}). Probes of instance X1: v(x1.mx) v(x1.my) v(x1.mz) = m (V = 1"
        + ("; the" if compact is not None else "),"),
        *(["compact model has v(x1.my) = u = m.p only), i(v.x1.vsense) = junction current (A)."] if compact is not None
          else ["i(v.x1.vsense) = junction current (A)."]),
        "",
        f"{ms.name}: behavioral macrospin LLGS (Landau-Lifshitz-Gilbert-Slonczewski). Parameters, defaults",
        "from the device file:",
        *_param_lines(macrospin_params(device, preset)),
        *(["Computed in the deck from them (the demagnetizing factors are the parameters Nx, Ny, Nz: see below): the",
           "torque, precession and damping coefficients, R_P = RA/(pi W L/4),"] if has_taper(device) else
          [f"Computed in the deck from them: demagnetizing factors of the {device.geometry.shape} ({PHI_NODES} x 4",
           "Gauss-Legendre angles, closed-form F(tau) via the arithmetic-geometric mean; within 1e-7 of the package's "
           "for", "L/W <= 10 and T/L >= 0.02), the torque, precession and damping coefficients, R_P = RA/(pi W L/4),"]),
        "R_AP = R_P (1 + TMR)" + (", the rest state and the initial magnetization." if rest_follows_parameters(device)
                                  else "; the initial magnetization is the device's (fixed numbers)."),
        "Fixed in this library: the pinned direction p, the body's shape, the applied field's direction and the",
        "anisotropy axis (they decide which terms the equations have); Ku and Vhalf are parameters only for devices",
        "that have them" + (", as are the effect parameters above (Nx.., Ki_.., xi, flq, Rth..)." if effect_lines(device)
                            else "."),
        *effect_lines(device),
        "hstep must equal the deck's maximum step: the subcircuit corrects the trapezoidal rule's phase error for it.",
        f"Accuracy with '.options {' '.join(f'{k}={v}' for k, v in OPTION_PRESETS[preset].items())}' and that step: "
        "m within about 1e-2 of",
        "the package's Python reference (reltol=1e-4 with hstep=0.5p: about 1e-3).",
        "Validity: a single-domain macrospin. Micromagnetics of the 10 x 45 x 50 nm pillar agrees on the onset",
        "current within about 3 %; above it the precession is not uniform (volume-averaged m_y about 1.8 x smaller).",
    ]
    if compact is not None:
        q = compact
        lines += [
            "",
            f"{ms.name}_compact: the device's fitted signed leaky integrate-and-fire model (one state, u = m.p).",
            "Parameters, defaults from the package's fit of this device (mtjspice fit):",
            *_param_lines(compact_params_list(device, q)),
            f"FITTED RANGE: {q.i_min:.6g} A <= |I| <= {q.i_max:.6g} A; outside it the model extrapolates. The LIF",
            "parameters do not follow W, L or T (W, L, RA, TMR set the junction's resistance only).",
        ]
    lines += list(extra_header)
    out = ["* " + safe.comment(line) if line else "*" for line in lines]
    for s in (subckts if subckts is not None else library_subckts(device, compact, preset)):
        out += ["*", render_subckt(s)]
    return "\n".join(out) + "\n"


