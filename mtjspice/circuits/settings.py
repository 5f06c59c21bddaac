"""The neuron's settings: one definition of every circuit choice with its one default, and how the
defaults derive from the device (:func:`resolve`).

Defaults derived from the device (each can be overridden; ``None`` means "derive"):

* ``i_th``: the onset current of the leaky-integrating regime, from the device's character
  (:func:`mtjspice.characterize.character.characterize`, a macrospin onset scan); about 0.38 mA for
  the shipped ``orthogonal`` device. :func:`resolve` never runs that scan: it takes ``i_th`` from the
  settings or from a :class:`~mtjspice.characterize.character.DeviceCharacter` it is given.
* read current ``i_read = 0.25 i_th`` (always positive; below the onset, so a read alone does not
  move u, yet it is simulated and disturbs the magnet a little);
* readout level at u = 0: ``v_mid = 0.65 vdd`` (the CMOS comparator's NMOS input pair needs a
  common mode well above its threshold voltage); so ``r_ref = v_mid / i_read`` and
  ``v_read = i_read (R(u=0) + r_ref)``;
* thresholds: the readout voltage at u = +u_th and u = -u_th, ``u_th = 0.3``:
  ``v = v_read r_ref / (r_ref + R(u))`` with R(u) the junction's zero-bias resistance;
* read clock 1 ns, window 0.2 ns, strobe from 0.07 ns into it; the trim cancels the reads' mean
  current (:data:`TRIM_FACTOR` = 1); transient max step 5 ps. Against 0.6 ps, DC inputs of +-0.58
  to +-0.65 mA give spike counts within one in 50 ns (equal in 6 of 8); once a read lands near a
  threshold the trains run whole read clocks apart, as 1.2 ps and 0.6 ps also do (within one, 6 of
  8 equal). Such a read is decided by differences well below the membrane's thermal noise at
  300 K (m_y about 0.02 rms);
* reset: leak: ``t_refractory = 2.51 ns`` (about 3 relaxation times); active:
  ``t_refractory = 1.51 ns`` and ``i_reset = 1.3 i_th``, which drives u from its plateau past 0 to
  about -0.26 (0.8 mA). ``t_refractory`` is the time the one-shot's output is above half height,
  exactly (:func:`mtjspice.netlist.neuron.oneshot_params`). These are the refractory times the
  circuit always had, and every figure was measured with: the card used to set 1.5 and 0.5 ns,
  to which XSPICE added its default 1 ns fall delay and one 10 ps edge. 10 ps less (2.5 ns) moves
  marginal reads: at +-0.66 mA with active reset the CMOS flavour then fires 9 times in 40 ns
  against the behavioral one's 10;
* CMOS comparators: the latch references sit at the behavioral comparator's trip point
  (threshold + hysteresis / 2) moved out by the latches' in-situ offset
  (:data:`mtjspice.netlist.comparators.LATCH_OFFSET`), so both flavours implement one decision rule.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, fields, replace
from typing import Any

from ..characterize.character import DeviceCharacter
from ..errors import ParameterError
from ..limits import SLACK
from ..netlist.compact import CompactMTJ
from ..netlist.comparators import BehavioralComparator, CmosComparator
from ..netlist.mtj import OPTION_PRESETS
from ..netlist.neuron import RESETS, NeuronCircuit
from ..params import Device
from ..physics.llgs import junction_resistance
from .comparators import comparator_kind, model_card_path
from .models import mtj_model

__all__ = ["NeuronSettings", "resolve", "TRIM_FACTOR", "COMPACT_STEP", "LONGEST_TIME", "TIMINGS", "model_card_path",
           "device_onset"]

#: Share of the reads' mean current that the trim cancels: all of it. Measured on
#: the shipped orthogonal device over 400 ns, both resets: the +I and -I firing rates agree within 4 %
#: from 0.58 to 0.625 mA, within 9 % at 0.65 mA (the intervals lock to whole read clocks) and
#: within 12-25 % at 0.57 mA, at the onset; 0.9 and 1.1 do no better.
TRIM_FACTOR = 1.0
#: Largest time step of a neuron deck with the compact MTJ (s): the membrane moves on tau_m (about
#: 1 ns), and the clock, strobe and one-shot edges are breakpoints whatever the step. 200 ps takes
#: 18 % fewer points than 50 ps (steps grow between edges instead of stopping at 50 ps) and moves
#: the shipped device's spike times by 0.1 ps (measured, 100 ns of 0.7 mA).
COMPACT_STEP = 200e-12

#: Longest time a read-out timing (:data:`TIMINGS`) may be (s). The membrane is the free layer's
#: relaxation, time constant 1 / (alpha gamma mu0 H_eff): 0.91 ns for the shipped orthogonal device,
#: about 100 ns for the slowest magnet the package models (alpha 1e-3, the low end of metals, in a 50 mT
#: effective field). Over 1 us, ten times that, the membrane forgets its input between two reads, so a
#: longer clock, read window or refractory time is no neuron: it is a unit slip (1.5 for 1.5n), refused.
LONGEST_TIME = 1e-6
#: The read-out's timings, each > 0 and at most :data:`LONGEST_TIME` (s).
TIMINGS = ("clock_period", "read_width", "settle", "t_refractory")

_NOT_POSITIVE = ("comparator", "reset", "behavioral", "cmos", "preset", "u_th", "v_hi", "v_lo", "mtj", "compact",
                 "v_mid", *TIMINGS)


@dataclass(frozen=True)
class NeuronSettings:
    """Every choice of the neuron circuit, each with its one default; ``None`` means "derive from
    the device" (module docstring). Units: A, V, Ohm, s; ``u_th`` dimensionless.

    Attributes
    ----------
    comparator : str
        Comparator flavour, a registered one (:mod:`mtjspice.circuits.comparators`): "behavioral" or "cmos".
    reset : {"leak", "active"}
        Reset mode.
    u_th : float
        Membrane threshold |m_y| that sets both voltage thresholds (dimensionless, in (0, 1)).
    i_th : float or None
        Onset current (A); None: the onset of the device's character (:func:`resolve`).
    i_read, v_mid, r_ref, v_read, v_hi, v_lo : float or None
        Read current (A), readout level at u = 0 (V; > 0 and below ``vdd``), reference resistor (Ohm),
        read bias (V), thresholds on the readout (V).
    clock_period, read_width, settle : float
        Read-clock period, read window and strobe delay into the window (s; each at most
        :data:`LONGEST_TIME`, 1 us).
    t_refractory, i_reset, i_trim : float or None
        Refractory time (s; the one-shot's width at half height, >= ``edge``, at most 1 us),
        active-reset current (A), read trim current (A).
    vdd : float
        Comparator supply and logic level (V).
    r_on, r_off : float
        Switch on and off resistances (Ohm).
    edge : float
        Rise and fall time of clock, strobe and one-shot edges (s).
    behavioral, cmos : comparator parameters
        Of the behavioral and the CMOS flavour.
    preset : str
        Simulator options (:data:`mtjspice.netlist.mtj.OPTION_PRESETS`).
    max_step : float
        The deck's largest time step with the macrospin MTJ (s); its trapezoid correction uses it.
    mtj : str
        The junction model, a registered one (:mod:`mtjspice.circuits.models`): the behavioral
        macrospin (:mod:`mtjspice.netlist.mtj`), the compact signed-LIF MTJ fitted to the device
        (:mod:`mtjspice.netlist.compact`), or a model of your own.
    compact : CompactMTJ or None
        The compact MTJ's parameters; None: fitted to the device on first use and cached
        (:func:`mtjspice.circuits.compact.compact_params`).
        A registered model with parameters of its own
        (:attr:`~mtjspice.circuits.models.MtjModel.params_type`) takes them here too.
    compact_step : float
        The deck's largest time step with the compact MTJ (s).
    v_clamp : float or None
        The input driver's compliance (V): no input drives the junction above it
        (:mod:`mtjspice.netlist.clamp`); None: no clamp.
    dac_bits : int or None
        Bits of the per-neuron threshold DACs (:attr:`mtjspice.netlist.neuron.NeuronCircuit.dac_bits`);
        None: ideal thresholds.
    """

    comparator: str = "behavioral"
    reset: str = "leak"
    u_th: float = 0.3
    i_th: float | None = None
    i_read: float | None = None
    v_mid: float | None = None
    r_ref: float | None = None
    v_read: float | None = None
    v_hi: float | None = None
    v_lo: float | None = None
    clock_period: float = 1e-9
    read_width: float = 0.2e-9
    settle: float = 0.07e-9
    t_refractory: float | None = None
    i_reset: float | None = None
    i_trim: float | None = None
    vdd: float = 1.0
    r_on: float = 1.0
    r_off: float = 1e9
    edge: float = 10e-12
    behavioral: BehavioralComparator = field(default_factory=BehavioralComparator)
    cmos: CmosComparator = field(default_factory=CmosComparator)
    preset: str = "default"
    max_step: float = 5e-12
    mtj: str = "macrospin"
    compact: CompactMTJ | None = None
    compact_step: float = COMPACT_STEP
    v_clamp: float | None = None
    dac_bits: int | None = None

    def __post_init__(self) -> None:
        comparator_kind(self.comparator)  # raises for a comparator that is not registered
        if self.reset not in RESETS:
            raise ParameterError("reset", self.reset, "'leak' or 'active'")
        own = mtj_model(self.mtj).params_type  # raises for a model that is not registered
        kinds = (CompactMTJ,) if own in (None, CompactMTJ) else (CompactMTJ, own)
        if self.compact is not None and not isinstance(self.compact, kinds):
            raise ParameterError("compact", type(self.compact).__name__, "None or a " + " or a ".join(
                k.__name__ for k in reversed(kinds)))
        if self.preset not in OPTION_PRESETS:
            raise ParameterError("preset", self.preset, "one of " + ", ".join(map(repr, OPTION_PRESETS)))
        if not (isinstance(self.u_th, (int, float)) and math.isfinite(self.u_th) and 0 < self.u_th < 1):
            raise ParameterError("u_th", self.u_th, "a number in (0, 1)")
        for f in fields(self):
            v = getattr(self, f.name)
            if v is None or f.name in _NOT_POSITIVE:
                continue
            if not (isinstance(v, (int, float)) and math.isfinite(v) and v > 0):
                raise ParameterError(f.name, v, "a finite number > 0 (SI units)")
        for name in TIMINGS:
            v = getattr(self, name)
            # 1000n parses to 1.0000000000000002e-06: the limits' SLACK keeps the bound inclusive as typed
            if v is not None and not (isinstance(v, (int, float)) and math.isfinite(v)
                                      and 0 < v <= LONGEST_TIME * (1 + SLACK)):
                raise ParameterError(name, v, f"a time > 0 and at most {LONGEST_TIME:g} s (1 us): the membrane relaxes "
                                     "in 1 to 100 ns and forgets its input over longer reads (SI units: 1.5n is 1.5 ns)")
        # the comparators compare the read-out within their supply
        v = self.v_mid
        if v is not None and not (isinstance(v, (int, float)) and math.isfinite(v) and 0 < v < self.vdd):
            raise ParameterError("v_mid", v, f"a read-out level > 0 and below vdd = {self.vdd:g} V, the comparators' "
                                 "supply, within which they compare (default 0.65 vdd; SI units: 650m is 0.65 V)")
        for name in ("v_hi", "v_lo"):
            v = getattr(self, name)
            if v is not None and not (isinstance(v, (int, float)) and math.isfinite(v)):
                raise ParameterError(name, v, "a finite voltage (V)")
        # The read window's timing, checked here (as NeuronCircuit does) so that an error names the
        # setting the user gave, not a value derived from it (i_trim divides by the clock's idle time).
        if self.settle + 2 * self.edge >= self.read_width:
            raise ParameterError("read_width", self.read_width, f"a read window longer than settle + two edges = "
                                 f"{self.settle + 2 * self.edge:.10g} s")
        if self.read_width + 2 * self.edge >= self.clock_period:
            raise ParameterError("clock_period", self.clock_period, f"a period longer than the read window plus two "
                                 f"edges = {self.read_width + 2 * self.edge:.10g} s (read_width = {self.read_width:.10g} s)")
        if self.t_refractory is not None and self.t_refractory < self.edge:
            raise ParameterError("t_refractory", self.t_refractory,
                                 f"a time >= the edge {self.edge:.10g} s (the one-shot's ramps are part of it)")
        if self.v_hi is not None and self.v_lo is not None and self.v_lo >= self.v_hi:
            raise ParameterError("v_lo", self.v_lo, f"a threshold below v_hi = {self.v_hi:.10g} V (they are inverted)")

    @property
    def step(self) -> float:
        """The deck's largest time step (s) for the chosen MTJ model (``max_step`` or ``compact_step``)."""
        return mtj_model(self.mtj).step(self)

    def with_overrides(self, **kw: Any) -> NeuronSettings:
        """A copy with the non-None keyword values replaced."""
        return replace(self, **{k: v for k, v in kw.items() if v is not None})


def device_onset(device: Device, settings: NeuronSettings, character: DeviceCharacter | None = None) -> float:
    """The onset current the neuron uses (A): ``settings.i_th``, else ``character``'s onset. Runs no
    physics: without either it refuses (characterise the device first,
    :func:`mtjspice.characterize.character.characterize`, or build a
    :class:`~mtjspice.circuits.neuronobject.Neuron`, which does so visibly)."""
    if settings.i_th is not None:
        i_th = settings.i_th
    elif character is not None:
        if character.device != device.name:
            raise ParameterError("character", character.device, f"the character of device {device.name!r}")
        i_th = character.onset
    else:
        raise ParameterError("i_th", None, "an onset current (A) in the settings, or the device's character "
                             "(mtjspice.characterize(device))")
    if not math.isfinite(i_th):
        raise ParameterError("i_th", i_th, "a finite onset current; the device has none below 2 mA, set i_th")
    return i_th


def resolve(device: Device, s: NeuronSettings, character: DeviceCharacter | None = None) -> NeuronCircuit:
    """The settings resolved into circuit values, with the device-derived defaults (module docstring);
    the onset from ``s.i_th`` or, when that is None, from ``character`` (:func:`device_onset`)."""
    i_th = device_onset(device, s, character)
    r0 = junction_resistance(device, 0.0)
    i_read = s.i_read if s.i_read is not None else 0.25 * i_th
    v_mid = s.v_mid if s.v_mid is not None else 0.65 * s.vdd
    r_ref = s.r_ref if s.r_ref is not None else v_mid / i_read
    v_read = s.v_read if s.v_read is not None else i_read * (r0 + r_ref)

    def level(u: float) -> float:
        return v_read * r_ref / (r_ref + junction_resistance(device, u))

    v_hi = s.v_hi if s.v_hi is not None else level(s.u_th)
    v_lo = s.v_lo if s.v_lo is not None else level(-s.u_th)  # NeuronCircuit refuses v_lo >= v_hi
    active = s.reset == "active"
    t_ref = s.t_refractory if s.t_refractory is not None else (1.51e-9 if active else 2.51e-9)
    i_reset = (s.i_reset if s.i_reset is not None else 1.3 * i_th) if active else 0.0
    i_trim = s.i_trim if s.i_trim is not None else (
        TRIM_FACTOR * v_read / (r0 + r_ref) * s.read_width / (s.clock_period - s.read_width))
    kind = comparator_kind(s.comparator)
    return NeuronCircuit(comparator=s.comparator, reset=s.reset, r_ref=r_ref, v_read=v_read,  # type: ignore[arg-type]
                         v_hi=v_hi, v_lo=v_lo, clock_period=s.clock_period, read_width=s.read_width,
                         settle=s.settle, t_refractory=t_ref, i_reset=i_reset, i_trim=i_trim, vdd=s.vdd,
                         r_on=s.r_on, r_off=s.r_off, edge=s.edge, ref_offset=kind.ref_offset(s),
                         kickback=kind.kickback, v_clamp=s.v_clamp if s.v_clamp is not None else 0.0,
                         dac_bits=s.dac_bits or 0)
