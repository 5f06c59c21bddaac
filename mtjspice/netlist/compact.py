"""The compact MTJ: the device's fitted signed LIF as a one-state ngspice subcircuit.

The macrospin MTJ (:mod:`mtjspice.netlist.mtj`) integrates the magnetization, whose precession
(period near 70 ps) holds every deck to picosecond steps. The compact MTJ keeps only what the
neuron reads: the membrane u = m.p, one state node ``my`` (so the neuron's probes, ``v(xmtj.my)``
and ``i(v.xmtj.vsense)``, are the same for both models), following the signed LIF fitted to the
device (:mod:`mtjspice.analysis.lif`, ``mtjspice fit``)::

    tau_m du/dt = -a1 (u - u_rest) + a2 R_m s(I, u)

with the device's onset and its hysteresis in the gate s: the input passes (s = I) when
|I| >= i_th (the up-sweep onset: a device at rest does not respond below it), and also when
|I| >= i_down while |u - u_rest| exceeds ``HOLD_FRACTION`` x gain x i_down (the down-sweep onset:
a device that is driven keeps u proportional to I down to i_down). A driven membrane responds
linearly to a current of either sign (so the neuron's positive read current and the opposite trim
current cancel for both polarities, as they do in the macrospin). Both edges
are tanh steps a few percent of the onset wide, so Newton's iteration stays smooth. The junction
is the macrospin MTJ's own conductance law with m.p = u (:func:`conductance_expr`, the same text as the
macrospin subcircuit's),
so R(u), its TMR and its bias dependence are the same.

State scaling as in the macrospin MTJ: time in units of ``TIME_UNIT`` (1 ns), a ``STATE_CAP``
(1 pF) capacitor charged by STATE_CAP / TIME_UNIT (1 mS) x du/dt in 1/ns; the LIF's leak a1 u is a
resistor (linear: no expression for ngspice to evaluate).

Thermal noise (:class:`CompactNoise`): not Brown's field (there is no magnetization to carry it)
but an Ornstein-Uhlenbeck process x(t) with the variance and autocorrelation time of the
macrospin's thermal m_y at rest (fitted by :func:`mtjspice.circuits.compact.fit_noise`), drawn
exactly from a seed into a file of samples (:func:`ou_samples`), read by an XSPICE filesource and
added to the state: ``my`` = u + x, the membrane the junction, the gate and the probe see. The
state itself stays deterministic, so at rest the membrane has exactly the fitted statistics.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, fields

import numpy as np

from ..budget import check_memory
from ..errors import ParameterError
from ..params import Device
from . import safe
from .circuit import Comment, Element, Expr, Item, Model, Param, Subckt, Word
from .deck import FileName
from .mtj import STATE_CAP, TIME_UNIT, conductance_expr
from .noise import check_seed

__all__ = ["CompactMTJ", "CompactNoise", "CompactRangeWarning", "HOLD_FRACTION", "GATE_WIDTH", "compact_subckt",
           "ou_samples", "ou_file_text", "gate_expr"]

#: The driven branch holds while |u - u_rest| exceeds this fraction of gain x i_down (dimensionless).
HOLD_FRACTION = 0.5
#: Current scale of the gate's node ``gk`` = I_GK / i_gate (A).
I_GK = 1e-3
#: Width of the gate's tanh edges, as a fraction of the current (or membrane) level they switch at.
GATE_WIDTH = 0.02


class CompactRangeWarning(UserWarning):
    """A compact MTJ was driven outside the current range its LIF was fitted and validated on."""


@dataclass(frozen=True)
class CompactMTJ:
    """Parameters of the compact MTJ, SI units (from the device's LIF fit; see the module docstring).

    Attributes
    ----------
    tau_m : float
        Membrane time constant (s), > 0.
    a2 : float
        Input gain (1/V), > 0.
    R_m : float
        Membrane resistance (Ohm), > 0: the junction at u = 0; sets the units of a2.
    i_th : float
        Up-sweep onset (A), > 0: from rest, |I| below it leaves u at rest.
    i_down : float
        Down-sweep onset (A), in [0, i_th]: a driven membrane follows I down to it; i_th for
        no hysteresis.
    i_min, i_max : float
        The fitted validity range of |I| (A), 0 < i_min < i_max; driving the junction above
        i_max, or between i_th and i_min for longer than tau_m, warns :class:`CompactRangeWarning`.
    a1 : float
        Leak coefficient (dimensionless), > 0 (the fits fix it at 1).
    u_rest : float
        Resting membrane (dimensionless), in (-1, 1).
    """

    tau_m: float
    a2: float
    R_m: float
    i_th: float
    i_down: float
    i_min: float
    i_max: float
    a1: float = 1.0
    u_rest: float = 0.0

    def __post_init__(self) -> None:
        units = {"tau_m": "s", "a2": "1/V", "R_m": "Ohm", "i_th": "A", "i_down": "A", "i_min": "A", "i_max": "A",
                 "a1": "-", "u_rest": "-"}
        for f in fields(self):
            v = getattr(self, f.name)
            if isinstance(v, bool) or not isinstance(v, (int, float, np.integer, np.floating)) or not math.isfinite(v):
                raise ParameterError(f.name, v, f"a finite number ({units[f.name]})")
            object.__setattr__(self, f.name, float(v))
        for name in ("tau_m", "a2", "R_m", "i_th", "i_min", "a1"):
            if getattr(self, name) <= 0:
                raise ParameterError(name, getattr(self, name), f"a number > 0 ({units[name]})")
        if not 0 <= self.i_down <= self.i_th:
            raise ParameterError("i_down", self.i_down, f"a current in [0, i_th = {self.i_th!r}] A")
        if self.i_max <= self.i_min:
            raise ParameterError("i_max", self.i_max, f"a current above i_min = {self.i_min!r} A")
        if not -1 < self.u_rest < 1:
            raise ParameterError("u_rest", self.u_rest, "a membrane value in (-1, 1)")
        if not 1e-13 <= self.tau_m <= 1e-6:
            raise ParameterError("tau_m", self.tau_m, "a time constant from 0.1 ps to 1 us (s)")

    @property
    def gain(self) -> float:
        """Steady u per ampere above the gate, a2 R_m / a1 (1/A)."""
        return self.a2 * self.R_m / self.a1


@dataclass(frozen=True)
class CompactNoise:
    """The compact MTJ's thermal term: an Ornstein-Uhlenbeck membrane noise read from a file.

    Attributes
    ----------
    temperature : float
        Temperature (K) it was fitted at, > 0 (comment text only).
    variance : float
        Variance of u at rest (dimensionless), > 0 and < 1.
    tau : float
        Autocorrelation time of u at rest (s), > 0.
    file : str
        The sample file beside the netlist (a bare name; a :attr:`Deck.attachments` key).
    interval : float
        Sample interval (s), > 0 and < ``tau``.
    """

    temperature: float
    variance: float
    tau: float
    file: str
    interval: float

    def __post_init__(self) -> None:
        for name, lo, hi, unit in (("temperature", 0.0, 1500.0, "K"), ("variance", 0.0, 1.0, "-"),
                                   ("tau", 0.0, 1e-6, "s")):
            v = getattr(self, name)
            if isinstance(v, bool) or not isinstance(v, (int, float)) or not (math.isfinite(v) and lo < v < hi):
                raise ParameterError(name, v, f"a number > {lo:g} and < {hi:g} ({unit})")
        safe.filename(self.file, "noise file")
        if isinstance(self.interval, bool) or not isinstance(self.interval, (int, float)) \
                or not (math.isfinite(self.interval) and 0 < self.interval < self.tau):
            raise ParameterError("interval", self.interval, f"a sample interval > 0 and < tau = {self.tau!r} s")


def gate_expr(p: CompactMTJ, i: str, u: str) -> tuple[str, str | None]:
    """The gate g in s = g I as ngspice expressions: (g of the junction current ``i`` (A) and of
    ``V(gk)``; the expression of node ``gk`` from the membrane ``u``, or None when there is no
    hysteresis).

    g = sig((|I| / i_gate - 1) / GATE_WIDTH), sig(x) = (1 + tanh x) / 2: an edge GATE_WIDTH of its
    level wide, at i_gate = i_th from rest. With hysteresis (i_down < i_th) the level slides to
    i_down as the membrane is driven: i_gate = i_th - (i_th - i_down) held, held = sig((|u - u_rest|
    - hold) / (10 GATE_WIDTH hold)), hold = HOLD_FRACTION gain i_down. At either end this is the
    maximum of the two gates it replaces (one from rest, one driven). Node ``gk`` carries
    1 mA / i_gate, so that g is tanh of a product. ngspice walks every B-source expression and one
    derivative tree per controlling quantity at each Newton iteration: the nested form in one
    source cost 20 % of the compact neuron's CPU; on nodes, 12 %; without the division, 10 %
    (measured).
    """
    k = 1.0 / GATE_WIDTH
    if p.i_down >= p.i_th:
        return f"(0.5+0.5*tanh(abs({i})*{safe.num(k / p.i_th)}-{safe.num(k)}))", None
    i_dn = max(p.i_down, 1e-3 * p.i_th)  # a floor keeps i_gate > 0
    hold = max(HOLD_FRACTION * p.gain * p.i_down, 1e-6)  # |u - u_rest| above which the membrane is driven
    c = 1.0 / (10 * GATE_WIDTH * hold)
    du = f"{u}-{safe.num(p.u_rest)}" if p.u_rest != 0 else u
    gk = (f"{safe.num(I_GK)}/({safe.num(0.5 * (p.i_th + i_dn))}-{safe.num(0.5 * (p.i_th - i_dn))}"
          f"*tanh(abs({du})*{safe.num(c)}-{safe.num(c * hold)}))")
    return f"(0.5+0.5*tanh(abs({i})*V(gk)*{safe.num(k / I_GK)}-{safe.num(k)}))", gk


def compact_subckt(device: Device, params: CompactMTJ, name: str = "mtj", noise: CompactNoise | None = None) -> Subckt:
    """The compact MTJ ``.subckt NAME t1 t2`` of ``device`` (its conductance law) with ``params``.

    Parameters
    ----------
    device : Device
        The junction: R_P, TMR, V_half and its name (comment only). Its magnetization is not used.
    params : CompactMTJ
        The fitted LIF, onsets and validity range.
    name : str
        Subcircuit name (a plain identifier).
    noise : CompactNoise, optional
        The thermal membrane noise, read from ``noise.file`` (the deck must carry it in its
        ``attachments``, see :func:`ou_file_text`). None: the deterministic model.

    Returns
    -------
    Subckt
        Node ``my`` is the membrane u (V = 1), element ``Vsense`` senses the junction current
        entering t1, as in the macrospin MTJ; its ``ic`` starts u at ``u_rest``.
    """
    if not isinstance(params, CompactMTJ):
        raise ParameterError("params", type(params).__name__, "a CompactMTJ")
    p = params
    label = re.sub(r"[^A-Za-z0-9_.-]", "_", device.name)[:64]  # comment text only
    header = (
        f"Compact signed-LIF MTJ '{label}' generated by mtjspice: tau_m {p.tau_m:.6g} s, a1 {p.a1:.6g}, "
        f"a2 {p.a2:.6g} 1/V, R_m {p.R_m:.6g} Ohm (gain {p.gain:.6g} 1/A), u_rest {p.u_rest:.6g}",
        f"onset from rest i_th = {p.i_th:.6g} A; driven, u follows I down to i_down = {p.i_down:.6g} A",
        f"FITTED RANGE: {p.i_min:.6g} A <= |I| <= {p.i_max:.6g} A (LIF R^2 >= the fit's criterion); outside it "
        "the model extrapolates",
        f"R_P = {device.R_P:.6g} Ohm, R_AP = {device.R_AP:.6g} Ohm; v(my) = u = m.p; positive current into t1 raises u",
    )
    I, V, EQ = Word("I"), Word("V"), Word("=")
    state = "ms" if noise is not None else "my"
    cur = "i(Vsense)"
    tau_ns = p.tau_m / TIME_UNIT
    rate = STATE_CAP / TIME_UNIT / tau_ns  # constants folded: one expression node fewer each
    gate, gk = gate_expr(p, cur, "V(my)")
    g_leak = rate * p.a1  # S: the leak -a1 (u - u_rest) is Rleak to ground plus a constant current
    drive = f"{safe.num(rate * p.a2 * p.R_m)}*{cur}*V(gate)" + (f" + {safe.num(g_leak * p.u_rest)}" if p.u_rest else "")
    items: list[Item] = [
        Comment("junction current sensor: i(Vsense) is the current entering t1"),
        Element("Vsense", ("t1", "n1"), (0,)),
        Comment("junction: I = V * G, G = G_P (1 + u)/2 + G_AP (1 - u)/2 (the macrospin MTJ's law with m.p = u)"),
        Element("Bjunction", ("n1", "t2"), (I, EQ, Expr(f"V(n1,t2)*{conductance_expr(device, 'V(n1,t2)', 'V(my)')}"))),
        Comment("membrane: tau_m du/dt = -a1 (u - u_rest) + a2 R_m g I; g = 1 above i_th from rest, above i_down"),
        Comment(f"while |u - u_rest| > {HOLD_FRACTION:g} gain i_down (tanh edges {GATE_WIDTH:g} of the level wide);"),
        Comment(f"du/dt in 1/ns charges {STATE_CAP:g} F through {STATE_CAP / TIME_UNIT:g} S; the leak a1 (u - u_rest): Rleak"),
        *((Comment(f"gk = {I_GK:g} A / the gate's level, from i_th at rest to i_down while driven"),
           Element("Bgk", ("gk", "0"), (V, EQ, Expr(gk))),) if gk is not None else ()),
        Element("Bgate", ("gate", "0"), (V, EQ, Expr(gate))),
        Element("Bu", ("0", state), (I, EQ, Expr(drive))),
        Element("Cu", (state, "0"), (STATE_CAP, Param("IC", p.u_rest))),
        Element("Rleak", (state, "0"), (1.0 / g_leak,)),
    ]
    if noise is not None:
        sd = math.sqrt(noise.variance)
        model = "ou_" + "".join(c if c.isalnum() else "_" for c in noise.file)[:48]
        items += [
            Comment(f"thermal membrane noise at {noise.temperature:g} K: Ornstein-Uhlenbeck x(t), variance "
                    f"{noise.variance:.6g}, autocorrelation time {noise.tau:.6g} s, samples every {noise.interval:.6g} s"),
            Comment(f"from {noise.file} (unit variance, scaled by {sd:.6g}), linearly interpolated; my = u + x"),
            Element("Anoise", (), (Word("["), Word("xn"), Word("]"), Word(model))),
            Model(model, "filesource", (Param("file", FileName(noise.file)), Param("amploffset", (0.0,)),
                                        Param("amplscale", (sd,)), Param("timeoffset", 0.0),
                                        Param("timescale", 1.0), Param("timerelative", Word("false")),
                                        Param("amplstep", Word("false")))),
            Element("Bmy", ("my", "0"), (V, EQ, Expr("V(ms)+V(xn)"))),
        ]
    return Subckt(name, ("t1", "t2"), tuple(items), header=header, ic=((state, p.u_rest),))


def ou_samples(seed: int, t_stop: float, interval: float, tau: float, stream: int | None = None) -> np.ndarray:
    """A unit-variance Ornstein-Uhlenbeck process with autocorrelation exp(-|t| / ``tau``) (s),
    sampled exactly every ``interval`` (s) from t = 0 to past ``t_stop``, started in equilibrium.
    ``seed`` (>= 0) and ``stream`` (a neuron's index) as in :func:`mtjspice.netlist.noise.draw_noise`."""
    check_seed(seed)
    if not (isinstance(t_stop, (int, float)) and 0 < t_stop < math.inf):
        raise ParameterError("t_stop", t_stop, "a time > 0 (s)")
    if not (0 < interval < tau):
        raise ParameterError("interval", interval, f"a sample interval > 0 and < tau = {tau!r} s")
    k = int(math.ceil(min(t_stop / interval, 1e18) - 1e-9)) + 2
    check_memory(float(k) * (8 + 40), "t_stop", t_stop, f"{k:.3g} membrane-noise samples",
                 f"shorten t_stop (the noise is sampled every {interval:.3g} s)")
    rng = np.random.default_rng(seed if stream is None else [seed, check_seed(stream)])
    z = rng.standard_normal(k)
    from scipy.signal import lfilter

    e = math.exp(-interval / tau)
    x = np.empty(k)
    x[0] = z[0]
    x[1:], _ = lfilter([math.sqrt(1.0 - e * e)], [1.0, -e], z[1:], zi=[e * z[0]])
    return x


def ou_file_text(x: np.ndarray, interval: float) -> str:
    """The filesource file: rows ``t x``, sample k at t = k ``interval`` (s)."""
    x = np.asarray(x, dtype=float).ravel()
    t = np.arange(x.size) * interval
    return "\n".join(f"{a:.12e} {b:.9e}" for a, b in zip(t, x, strict=True)) + "\n"
