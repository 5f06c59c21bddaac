"""Thermal noise for the includable macrospin MTJ: Brown's field from seeded sample files.

The physics and the delivery are those of :mod:`mtjspice.netlist.noise`: one file of standard normal
samples per MTJ instance (rows ``t zx zy zz``, read by an XSPICE filesource with linear
interpolation), scaled to the reduced field h_th = H_th / Ms and injected as the field term of the
LLGS equation. Here the scale is computed in the deck from the instance's parameters,

    sig = sqrt(2 alpha kB Temp / (gamma mu0^2 Ms V) / dt_n) / Ms,   V = pi W L T / 4 (cylinder) or / 6,

so a changed W or Ms changes the noise as it changes the device. A heated junction's field is
multiplied by sqrt(T_j / (Tamb msr)) (:func:`mtjspice.netlist.libeffects.warm_factor`), as in the
baked MTJ: the variance follows T_j / Ms(T_j), the torque's gamma' Ms one more Ms(T_j). The sample interval dt_n is fixed
when the files are drawn (:func:`mtjspice.netlist.noise.noise_interval` of the device): it is the
default of ``hstep`` and must be the deck's maximum step. A file is one MTJ's noise: each subcircuit
``mtj_<device>_t<k>`` reads its own file, so instantiate each once (two instances of one would
replay the same noise).
"""

from __future__ import annotations

from dataclasses import dataclass

from ..constants import KB, MU0
from ..params import Device
from .circuit import Comment, Element, Expr, Item, Model, Param, ParamDef, Subckt, Word
from .deck import FileName
from .libeffects import warm_factor
from .library import library_subckt
from .mtj import STATE_CAP, TIME_UNIT, max_step
from .noise import check_seed, check_temperature, draw_noise, noise_file_text, noise_interval
from .safe import num
from .sympoly import SymPoly, sym_param, sym_var

__all__ = ["ThermalLibrary", "thermal_library"]


@dataclass(frozen=True)
class ThermalLibrary:
    """Noisy library subcircuits with their sample files.

    Attributes
    ----------
    subckts : tuple of Subckt
        ``mtj_<device>_t0`` ... one per MTJ instance.
    files : dict of str to str
        Sample file name -> text, to be written beside the deck (filesource reads them relative to it).
    interval : float
        The sample interval dt_n (s): the deck's maximum step and ``hstep``'s default.
    temperature : float
        Temperature (K).
    """

    subckts: tuple[Subckt, ...]
    files: dict[str, str]
    interval: float
    temperature: float


def _noise_torque() -> list[list[SymPoly]]:
    """L[i][j]: coefficient of h_th,j in dm_i/dt (1/ns): -k [m x e_j + al (m m_j - e_j |m|^2)]."""
    m = [sym_var(c) for c in ("mx", "my", "mz")]
    k, al = sym_param("k"), sym_param("al")
    mm = m[0] * m[0] + m[1] * m[1] + m[2] * m[2]
    out = []
    for i in range(3):
        row = []
        for j in range(3):
            e = [1.0 if q == j else 0.0 for q in range(3)]
            cross = (m[1] * e[2] - m[2] * e[1], m[2] * e[0] - m[0] * e[2], m[0] * e[1] - m[1] * e[0])
            row.append((cross[i] + (m[i] * m[j] - mm * e[i]) * al) * -1.0 * k)
        out.append(row)
    return out


def thermal_library(device: Device, temperature: float, seed: int, t_stop: float, count: int = 1,
                    preset: str = "default") -> ThermalLibrary:
    """``count`` noisy macrospin subcircuits of ``device`` at ``temperature`` (K, > 0) with noise
    files covering ``t_stop`` (s), drawn from ``seed``: MTJ k gets column k of one draw of shape
    (K, 3, count) (:func:`mtjspice.netlist.noise.draw_noise`)."""
    temp = check_temperature(temperature)
    check_seed(seed)
    dt = noise_interval(device, max_step(preset))
    base = library_subckt(device, preset, step=dt)
    vol = "area*T" if device.geometry.shape == "elliptic_cylinder" else f"{num(2 / 3)}*area*T"
    L = _noise_torque()
    names = {"mx": "V(mx)", "my": "V(my)", "mz": "V(mz)", "a": "0", "q": "0"}
    warm = warm_factor(device)
    z = draw_noise(seed, t_stop, dt, count)
    subs, files = [], {}
    for k in range(count):
        file = f"noise_{base.name}_t{k}.txt"
        model = f"thermal_{base.name[:40]}_t{k}"
        items: list[Item] = [
            Comment(f"Brown's thermal field at {temp:g} K: 2D = 2 alpha kB Temp/(gamma mu0^2 Ms V) ((A/m)^2 s); samples "
                    f"every {dt:.6g} s from {file}, linearly interpolated, scaled by sig to h_th = H_th/Ms"),
            ParamDef("tempk", num(temp)),
            ParamDef("sig", f"sqrt(2*alpha*{num(KB)}*tempk/(gamma*{num(MU0 * MU0)}*Ms*{vol})/{num(dt)})/Ms"),
            Element("Athermal", (), (Word("["), Word("hx"), Word("hy"), Word("hz"), Word("]"), Word(model))),
            Model(model, "filesource", (Param("file", FileName(file)), Param("amploffset", (0.0, 0.0, 0.0)),
                                        Param("amplscale", (1.0, 1.0, 1.0)), Param("timeoffset", 0.0),
                                        Param("timescale", 1.0), Param("timerelative", Word("false")),
                                        Param("amplstep", Word("false")))),
            Comment(f"noise torque n = -k [m x h_th + al (m (m.h_th) - h_th |m|^2)] in 1/ns, injected as "
                    f"{STATE_CAP / TIME_UNIT:g} S x sig x n"),
        ]
        for i, comp in enumerate(("mx", "my", "mz")):
            terms = []
            for j, h in enumerate(("hx", "hy", "hz")):
                if not L[i][j].is_zero():
                    coef = {mono: f"({text})" for mono, text in L[i][j].coefficients().items()}
                    terms.append(f"({L[i][j].spice(names, coef)})*V({h})")
            items.append(Element(f"Bn{comp[1]}", ("0", comp), (Word("I"), Word("="),
                                                                Expr(f"{num(STATE_CAP / TIME_UNIT)}*sig*" +
                                                                     (f"{warm}*" if warm else "") + "(" +
                                                                     " + ".join(terms) + ")"))))
        subs.append(Subckt(f"{base.name[:56]}_t{k}", base.ports, (*base.items, *items), params=base.params))
        files[file] = noise_file_text(z[:, :, k], dt)
    return ThermalLibrary(tuple(subs), files, dt, temp)
