"""The behavioral MTJ: the macrospin LLGS equation stamped into an ngspice subcircuit.

No Verilog-A, no code models: three capacitors hold the magnetization components as node voltages
(v(mx), v(my), v(mz) equal mx, my, mz), behavioral current sources charge them with dm/dt, and a
behavioral conductance G(m.p) carries the junction current, which a 0 V source senses and feeds
back into the spin-torque terms. ngspice integrates the magnet and the circuit around it in one
transient, so read disturbance, divider feedback and bias-dependent TMR all act as they would.

Formulation, and why:

* The equation is the one the Python solver integrates (:mod:`mtjspice.physics.llgs`), in the
  folded form dm/dt = -gamma' Ms [m x b + m (m.d) - d (m.m)] with b = h - alpha a p and
  d = alpha h + a p, where h = H / Ms and a = a_J / Ms. It is expanded into exact polynomials
  (:mod:`mtjspice.netlist.poly`) so that terms that vanish for the device are not written.
* Scaled state: time is in units of ``TIME_UNIT`` = 1 ns, so V(fx) = dm_x/dt in 1/ns is of order
  one, and each state capacitor is ``STATE_CAP`` = 1 pF, charged by a VCCS of STATE_CAP/TIME_UNIT
  = 1 mS times V(fx). The capacitor sets the scale on which ngspice's absolute tolerances act
  (abstol 1e-12 A, chgtol 1e-14 C): a 1 nF state (currents of order 1 A) stalled decks of 20 or
  more MTJs with the accurate preset at a current edge while m was still about 1e-9 (time steps
  of 1e-20 s; tests/netlist/test_mtj_netlist.py keeps that case), and 1 F states (the planning prototype)
  are worse. With 1 pF the truncation check on the state is loose (chgtol is 1 % of a unit
  charge), which costs nothing: the step is set by the preset's maximum step, not by it.
* Trapezoid correction: ngspice's trapezoidal rule with step h leaves a global error of
  h^2/12 d^3m/dt^3, which for a precessing magnet is a phase error that grows with time
  (with the plain equations, 0.5 ps steps still left 4e-3 in m_y after 15 ns). The subcircuit
  therefore integrates the modified equation dm/dt = f - c d^2f/dt^2 with c = h^2/12, whose
  trapezoidal solution matches the true one to higher order when h equals the deck's maximum
  step (ngspice takes exactly that step between breakpoints, because it is far below what its own
  truncation control would choose). It is written as C d(m + c g)/dt = f with g = J f = df/dt
  (J = df/dm at fixed current): each state capacitor sits between its node m and a node s held
  at -c g by a behavioral voltage source, so the capacitor's charge is C (m + c g), and
  ngspice's own trapezoidal difference of g supplies the d^2f/dt^2 term. Three auxiliary nodes
  carry f (V(fx)..., through 1 Ohm), and a linear VCCS injects it into each state node. Writing
  d^2f/dt^2 = H[f, f] + J (J f) out as polynomials instead is as accurate and costs twice as
  much per time point: ngspice differentiates each behavioral source with respect to every
  quantity it reads, and those sources read ten.
  Measured: at 2 ps steps the error in m_y is 100 times smaller than with the plain
  equations, so the same accuracy needs about 10 times fewer time points; where ngspice cuts its
  step (edges elsewhere in the circuit) the correction over-corrects by at most the plain
  method's own error at step h. The initial charge includes c g(m0) so that m starts at m0.
  The term f_a da/dt of a changing junction current is not included in g, nor (with the
  bias-quadratic field-like field, :func:`field_like_v2_polynomials`) the change of V^2 with m:
  J is taken at fixed current and fixed junction voltage.
* Renormalisation: |m| is not conserved by trapezoidal steps; a restoring term
  lambda (1 - |m|^2) m with lambda = ``NORM_RATE`` keeps it within about 1e-4, at no extra
  cost (dividing by |m| inside the sources was measured 5 to 9 times slower).
* Each state node has a 1e15 Ohm leak so the matrix has a DC path; its time constant (1000 s) is
  negligible.
* Thermal field (``thermal``; :mod:`mtjspice.netlist.noise` states the spectral density and why the
  interpolated samples realise the Stratonovich equation of the Python solver): a filesource writes
  the reduced field h_th on nodes hx, hy, hz, and one more behavioral current per state node
  injects the noise torque n = L(m) h_th (the field term of the equation, linear in h_th), so the
  state obeys C d(m + c g)/dt = f + n. The correction g stays the deterministic J f, without n,
  for three reasons: the h^2/12 d^3m/dt^3 error it removes assumes a smooth f, while h_th is
  piecewise linear with slope jumps at every sample, where d^2n/dt^2 is a train of spikes, not a
  correction; the trapezoidal rule integrates the interpolated noise exactly at the uniform step
  h = dt_n (see noise.py), so there is nothing to correct; and a term c J n would add a
  state-dependent noise of relative size (h |J|)(h / dt_n) / 12 that is no part of the
  Stratonovich equation (its correlation with m would bias the drift).

Sign convention: positive current entering ``t1`` (the free-layer terminal) and leaving ``t2``
pushes m toward +p, as in the Python solver.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from ..constants import MU0
from ..errors import ParameterError
from ..params import Device
from ..physics.devicedemag import device_demag
from ..physics.llgs import anisotropy_factors
from ..physics.rest import initial_magnetization
from . import safe
from .circuit import Comment, Element, Expr, Param, Probe, Subckt, Word, instance_name
from .heating import heated_names, heating_items, ms_scaled
from .junction import conductance_expr, junction_items, split_spice, split_torque, torque_items
from .noise import (
    THERMAL_OPTIONS,
    ThermalNoise,
    check_seed,
    check_temperature,
    draw_noise,
    noise_file_text,
    noise_interval,
    noise_items,
)
from .poly import Poly, const, var

__all__ = [
    "conductance_expr",
    "junction_items",
    "OPTION_PRESETS",
    "TIME_UNIT",
    "STATE_CAP",
    "NORM_RATE",
    "max_step",
    "llgs_polynomials",
    "field_like_v2_polynomials",
    "mtj_subckt",
    "mtj_subckts",
    "MtjSet",
    "mtj_probes",
]

#: Time unit of the state equations (s): V(fx) is dm_x/dt in 1/TIME_UNIT.
TIME_UNIT = 1e-9
#: Capacitance of each magnetization state capacitor (F); V(mx) = m_x.
STATE_CAP = 1e-12
#: Initial node voltages of a junction whose Ms follows T_j: Ms(T_amb)/Ms(T_amb) = 1. Without it a uic start
#: begins Newton's first time point at V(ms) = 0, where the sources that divide by V(ms) are undefined (a noisy
#: heated deck with the torque nodes stopped at its first point).
HEATED_IC: tuple[tuple[str, float], ...] = (("ms", 1.0),)
#: Rate of the |m| = 1 restoring term (1/s).
NORM_RATE = 1e11

#: Simulator options for decks containing MTJs. "default": fast, m within about 1e-2 of the
#: Python reference; "accurate": within about 1e-3, several times slower. Measured costs are in
#: benchmarks/spice.py and the README.
OPTION_PRESETS: dict[str, dict[str, float | str]] = {
    "default": {"method": "trap", "reltol": 1e-3},
    "accurate": {"method": "trap", "reltol": 1e-4},
}
_MAX_STEP = {"default": 2e-12, "accurate": 0.5e-12}


def _check_preset(preset: str) -> str:
    if preset not in OPTION_PRESETS:
        raise ParameterError("preset", preset, "one of " + ", ".join(repr(p) for p in OPTION_PRESETS))
    return preset


def max_step(preset: str = "default") -> float:
    """Largest transient step (s) to use with the preset."""
    return _MAX_STEP[_check_preset(preset)]


def llgs_polynomials(device: Device) -> tuple[Poly, Poly, Poly]:
    """dm/dt in units of 1/``TIME_UNIT`` as polynomials in (mx, my, mz, a), where the symbol ``a``
    stands for the junction current in amperes. Includes the renormalisation term."""
    mat = device.material
    Ms = mat.Ms
    nx, ny, nz = (float(x) for x in anisotropy_factors(np.asarray(device_demag(device), float), Ms,
                                                        device.geometry.T, mat.Ki))  # K_i / T folded into Nz
    px, py, pz = device.junction.pinned
    f = device.field
    k = device.gamma_prime * Ms * TIME_UNIT  # 1/ns
    lam = NORM_RATE * TIME_UNIT
    alpha = mat.alpha
    c_a = device.aj_per_amp / Ms  # reduced torque per ampere (1/A)
    m = (var("mx"), var("my"), var("mz"))
    current = var("a")
    h = [m[0] * -nx + f.H[0] / Ms, m[1] * -ny + f.H[1] / Ms, m[2] * -nz + f.H[2] / Ms]
    if f.Ku != 0.0:
        kfac = 2.0 * f.Ku / (MU0 * Ms * Ms)
        mu = m[0] * f.axis[0] + m[1] * f.axis[1] + m[2] * f.axis[2]
        h = [h[i] + mu * (kfac * f.axis[i]) for i in range(3)]
    a = current * c_a
    p = (px, py, pz)
    xi = device.junction.field_like_ratio
    if xi != 0.0:
        h = [h[i] + a * (xi * p[i]) for i in range(3)]  # field-like torque: the field b_J p = xi a_J p
    b = [h[i] - a * (alpha * p[i]) for i in range(3)]
    d = [h[i] * alpha + a * p[i] for i in range(3)]
    mm = m[0] * m[0] + m[1] * m[1] + m[2] * m[2]
    md = m[0] * d[0] + m[1] * d[1] + m[2] * d[2]
    cross = (m[1] * b[2] - m[2] * b[1], m[2] * b[0] - m[0] * b[2], m[0] * b[1] - m[1] * b[0])
    renorm = (const(1.0) - mm) * lam
    out = tuple((cross[i] + m[i] * md - d[i] * mm) * -k + m[i] * renorm for i in range(3))
    return out[0], out[1], out[2]


def field_like_v2_polynomials(device: Device) -> tuple[Poly, Poly, Poly] | None:
    """dm/dt in units of 1/``TIME_UNIT`` per squared junction voltage (1/V^2) of the bias-quadratic
    field-like field xi_v2 V^2 p (``junction.field_like_quadratic``), as polynomials in (mx, my, mz):
    the field term of the equation for the reduced field h = (xi_v2 / Ms) p, so that
    f(m, a, V) = f(m, a) + V^2 F(m). None when the device has no such term."""
    q = device.junction.field_like_quadratic
    if q == 0.0:
        return None
    Ms, alpha = device.material.Ms, device.material.alpha
    k = device.gamma_prime * Ms * TIME_UNIT  # 1/ns
    m = (var("mx"), var("my"), var("mz"))
    h = [q / Ms * c for c in device.junction.pinned]
    mm = m[0] * m[0] + m[1] * m[1] + m[2] * m[2]
    mh = m[0] * h[0] + m[1] * h[1] + m[2] * h[2]
    cross = (m[1] * h[2] - m[2] * h[1], m[2] * h[0] - m[0] * h[2], m[0] * h[1] - m[1] * h[0])
    out = tuple((cross[i] + (m[i] * mh - mm * h[i]) * alpha) * -k for i in range(3))
    return out[0], out[1], out[2]


def mtj_subckt(device: Device, name: str = "mtj", preset: str = "default", step: float | None = None,
               thermal: ThermalNoise | None = None) -> Subckt:
    """The behavioral MTJ for ``device``: ``.subckt NAME t1 t2``.

    Parameters
    ----------
    device : Device
        Geometry, material, junction and initial state: its initial magnetization
        (:func:`mtjspice.physics.rest.initial_magnetization`: the rest direction tilted by
        ``theta0``, or an explicit ``m0``) sets the state capacitors' initial charge and the
        subcircuit's declared ``.ic``, used with ``uic``.
    name : str
        Subcircuit name (a plain identifier).
    preset : {"default", "accurate"}
        Sets the step h of the trapezoid correction; pass the same preset's options and
        :func:`max_step` to the deck.
    step : float, optional
        The deck's maximum step (s) when it is not the preset's: the correction must use the
        step ngspice actually takes.
    thermal : ThermalNoise, optional
        Brown's thermal field, read from ``thermal.file`` (which the deck must carry in its
        ``attachments``); its interval must equal the step. None (default): the noiseless MTJ,
        exactly as without the argument. Build one subcircuit per MTJ instance: every instance of
        a subcircuit reads the same file, hence the same noise.

    Returns
    -------
    Subckt
        Internal nodes mx, my, mz carry the magnetization components (V = 1); the junction
        current is the current of its element ``Vsense`` (see :func:`mtj_probes`).
    """
    _check_preset(preset)
    fx, fy, fz = llgs_polynomials(device)
    names = {"mx": "V(mx)", "my": "V(my)", "mz": "V(mz)", "a": "i(Vsense)"}
    hot = ms_scaled(device)
    if hot:  # Ms(T_j): f becomes s f(m, a / s^2), s = V(ms) (see netlist/heating.py)
        names = heated_names(names)
    sc = "V(ms)*" if hot else ""
    px, py, pz = device.junction.pinned
    mp_terms = [f"{safe.num(c)}*V({n})" for c, n in ((px, "mx"), (py, "my"), (pz, "mz")) if c != 0.0]
    mp = "(" + " + ".join(mp_terms) + ")"
    m0 = initial_magnetization(device)
    g = device.geometry
    label = re.sub(r"[^A-Za-z0-9_.-]", "_", device.name)[:64]  # comment text only
    header = (
        f"Behavioral macrospin MTJ '{label}' generated by mtjspice: W={g.W:.4g} m, L={g.L:.4g} m, "
        f"T={g.T:.4g} m ({g.shape})",
        f"p = ({px:.4g}, {py:.4g}, {pz:.4g}); R_P = {device.R_P:.6g} Ohm; R_AP = {device.R_AP:.6g} Ohm",
        "Positive current into t1 (free layer) pushes m toward +p. v(mx), v(my), v(mz) = m.",
    )
    I, V, EQ = Word("I"), Word("V"), Word("=")
    items, vj = junction_items(device, mp)
    comps = ("mx", "my", "mz")
    f = (fx, fy, fz)
    jac = [[fi.diff(c) for c in comps] for fi in f]
    quadratic = device.junction.field_like_quadratic != 0.0
    if quadratic:  # f = P0(m) + B Pb(m) + D Pd(m) through the torque nodes tb, td (netlist/junction.py)
        items += torque_items(device, vj, hot, device.gamma_prime * device.material.Ms * TIME_UNIT)
        split = [split_torque(fi, i, device) for i, fi in enumerate(f)]
        f_text = [split_spice(sp, names) for sp in split]
        jac_text = [[split_spice((sp[0].diff(c), sp[1].diff(c), sp[2].diff(c)), names) for c in comps] for sp in split]
    else:
        f_text = [fi.spice(names) for fi in f]
        jac_text = [[jac[i][j].spice(names) for j in range(3)] for i in range(3)]
    h = max_step(preset) if step is None else step
    if not (isinstance(h, (int, float)) and 0 < h < 1e-9):
        raise ParameterError("step", h, "a maximum step > 0 and < 1e-9 s")
    c = (h / TIME_UNIT) ** 2 / 12.0
    at0 = (m0[0], m0[1], m0[2], 0.0)
    f0 = [float(poly.evaluate(at0)) for poly in f]
    g0 = [sum(float(jac[i][j].evaluate(at0)) * f0[j] for j in range(3)) for i in range(3)]
    items.append(Comment("f = dm/dt in 1/ns: -gamma' Ms [m x b + m (m.d) - d |m|^2] + lambda (1 - |m|^2) m, "
                         "b = h - alpha a p, d = alpha h + a p, a = a_J/Ms; V(fx) = f_x"))
    for comp, text in zip(comps, f_text, strict=True):
        k = comp[1]
        items += [Element(f"Bf{k}", ("0", f"f{k}"), (I, EQ, Expr(text))), Element(f"Rf{k}", (f"f{k}", "0"), (1,))]
    items.append(Comment(f"V(sx) = -c g, g = J f = df/dt at fixed current (J = df/dm), c = h^2/12, h = {h:g} s"))
    for i, comp in enumerate(comps):
        # every entry of J carries the |m| restoring term's -2 lambda m_i m_j: none is left out
        terms = [f"({jac_text[i][j]})*V(f{comps[j][1]})" for j in range(3) if not jac[i][j].is_zero()]
        corr = Expr(f"{safe.num(-c)}*(" + (" + ".join(terms) or "0") + ")")
        if hot:  # V(s) = s^2 V(u), V(u) = -c J f: the long source reads no V(ms) (1.36x -> 1.17x CPU, heating)
            items += [Element(f"Bu{comp[1]}", (f"u{comp[1]}", "0"), (V, EQ, corr)),
                      Element(f"Bs{comp[1]}", (f"s{comp[1]}", "0"), (V, EQ, Expr(f"{sc}{sc}V(u{comp[1]})")))]
        else:
            items.append(Element(f"Bs{comp[1]}", (f"s{comp[1]}", "0"), (V, EQ, corr)))
    items.append(Comment(f"state: C d(m + c g)/dt = f, C = {STATE_CAP:g} F between m and s, charged by "
                         f"{STATE_CAP / TIME_UNIT:g} S x V(f); 1000 s leak"))
    for i, (comp, m0c) in enumerate(zip(comps, m0, strict=True)):
        k = comp[1]
        items += [Element(f"C{comp}", (comp, f"s{k}"), (STATE_CAP, Param("IC", m0c + c * g0[i]))),
                  Element(f"R{comp}", (comp, "0"), (1e3 / STATE_CAP,)),
                  Element(f"B{comp}", ("0", comp), (I, EQ, Expr(f"{safe.num(STATE_CAP / TIME_UNIT)}*V(ms)*V(f{k})")))
                  if hot else Element(f"G{comp}", ("0", comp, f"f{k}", "0"), (STATE_CAP / TIME_UNIT,))]
    if device.junction.heating:
        items += heating_items(device, vj, scaled_current=not quadratic)
    if thermal is not None:
        if abs(thermal.interval - h) > 1e-9 * h:
            raise ParameterError("step", h, f"the thermal noise's sample interval {thermal.interval!r} s "
                                 "(the trapezoidal rule integrates the interpolated noise exactly at that step)")
        k_field = device.gamma_prime * device.material.Ms * TIME_UNIT
        t0 = device.material.temperature
        warm = None
        if device.junction.heating and t0 > 0:  # the field of sigma^2 ~ T / Ms at the junction's T and Ms
            warm = f"sqrt(({safe.num(t0)}+V(tj))/({safe.num(t0)}{'*V(ms)' if hot else ''}))"
        items += noise_items(device, thermal, k_field, names, STATE_CAP / TIME_UNIT, warm)
    return Subckt(name, ("t1", "t2"), tuple(items), header=header,
                  ic=tuple((comp, float(v)) for comp, v in zip(comps, m0, strict=True)) + HEATED_IC * hot)


def mtj_probes(instance: str) -> tuple[Probe, Probe, Probe, Probe]:
    """Probes of an MTJ instance: m_x, m_y, m_z (node voltages, V = 1) and the junction current (A)."""
    inst = instance_name(instance)
    return (Probe.node("mx").inside(inst), Probe.node("my").inside(inst), Probe.node("mz").inside(inst),
            Probe("i", ("vsense",)).inside(inst))


@dataclass(frozen=True)
class MtjSet:
    """The MTJs of one deck with what the deck needs for them.

    Attributes
    ----------
    subckts : tuple of Subckt
        One subcircuit per MTJ, in order; instantiate each once.
    attachments : dict of str to str
        Their noise files (file name -> text), for :attr:`Deck.attachments`; empty at 0 K.
    max_step : float
        The deck's maximum step (s): the preset's, or the noise interval.
    options : dict
        The deck's ``.options``.
    """

    subckts: tuple[Subckt, ...]
    attachments: dict[str, str] = field(default_factory=dict)
    max_step: float = 0.0
    options: dict[str, float | str] = field(default_factory=dict)


def mtj_subckts(devices: Sequence[Device], names: Sequence[str], t_stop: float, *, preset: str = "default",
                temperature: float | None = None, seed: int = 0, files: Sequence[str] | None = None) -> MtjSet:
    """The subcircuits of a deck's MTJs, each with its own thermal noise.

    Parameters
    ----------
    devices, names : sequences of equal length
        One device and one subcircuit name per MTJ.
    t_stop : float
        The deck's end time (s): the noise files cover it.
    preset : {"default", "accurate"}
    temperature : float, optional
        Temperature (K) of every MTJ's thermal field, 0 to 1500. None or 0 (default): the
        noiseless subcircuits of :func:`mtj_subckt`, the preset's step and options, no files.
    seed : int
        Seed (>= 0). MTJ j gets column j of one draw of shape (K, 3, n)
        (:func:`mtjspice.netlist.noise.draw_noise`): independent MTJs, the same numbers as device j
        of ``simulate_thermal`` on a batch of n with this seed and ``dt`` = :attr:`MtjSet.max_step`.
    files : sequence of str, optional
        The noise files' names (default ``noise_<name>.txt``).
    """
    if len(devices) != len(names) or not names:
        raise ParameterError("names", len(names), f"one name per device ({len(devices)})")
    temp = 0.0 if temperature is None else check_temperature(temperature)
    check_seed(seed)
    step = max_step(preset)
    if temp == 0.0:
        return MtjSet(tuple(mtj_subckt(d, n, preset) for d, n in zip(devices, names, strict=True)), {}, step,
                      dict(OPTION_PRESETS[preset]))
    files = [f"noise_{n}.txt" for n in names] if files is None else list(files)
    if len(files) != len(names) or len({f.lower() for f in files}) != len(files):
        raise ParameterError("files", files, f"{len(names)} distinct file names")
    step = min(noise_interval(d, step) for d in devices)
    z = draw_noise(seed, t_stop, step, len(devices))
    subs = tuple(mtj_subckt(d, n, preset, step=step, thermal=ThermalNoise(temp, f, step))
                 for d, n, f in zip(devices, names, files, strict=True))
    return MtjSet(subs, {f: noise_file_text(z[:, :, j], step) for j, f in enumerate(files)}, step,
                  {**OPTION_PRESETS[preset], **THERMAL_OPTIONS})
