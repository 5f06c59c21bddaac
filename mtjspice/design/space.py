"""The search space as data: one frozen :class:`Knob` per searched parameter, with its unit and bounds.

A design is a point of the space: device knobs (``part = "device"``, each a key of the device
file, set with :meth:`mtjspice.params.Device.replace`) and circuit knobs (``part = "circuit"``,
read by :mod:`mtjspice.design.neuron`). Adding a parameter is one more :class:`Knob` in
:data:`DEVICE_KNOBS`; nothing else lists them.

A device knob may need an effect of the device (``needs``): ``Ki`` (the barrier interface's anisotropy,
``material.Ki_bottom``) a device with interface anisotropy, ``taper`` a tapered pillar. The rule
(:func:`space_for`): a device's default space holds the knobs whose effect it has, and for a device with
interface anisotropy ``Ki`` takes the place of ``Ku`` (both are one uniaxial anisotropy along z, Ki / T
+ Ku; searching both would search it twice); so the paper's orthogonal device (no K_i, a straight pillar)
keeps the seven device knobs it had. Naming a knob whose effect the device lacks (``--only``,
``--range``) fails with one line naming the option.

Bounds are SI units; a ``log`` knob is searched on a log scale; a knob with ``choices`` is
categorical (its values are words or whole numbers).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from ..errors import ParameterError
from ..units import parse_si

__all__ = ["Knob", "SearchSpace", "DEVICE_KNOBS", "CIRCUIT_KNOBS", "DEFAULT_SPACE", "TRIM_SCHEMES", "EFFECTS",
           "has_effect", "space_for", "check_ranges", "check_start", "RATIO_LIMITS"]

#: The trims a design may choose: none, or a per-neuron threshold DAC whose code is set from the
#: neuron's own measured resistance (its thresholds at its own read-out of u = +-u_th, to the DAC's step;
#: the calibration also cancels the comparators' offsets).
TRIM_SCHEMES: tuple[str, ...] = ("none", "dac")


@dataclass(frozen=True)
class Knob:
    """One searched parameter.

    Attributes
    ----------
    name : str
        Short name (a designs.csv column).
    part : {"device", "circuit"}
        Whether it sets the device file (``key``) or the circuit.
    key : str
        Device-file key (``geometry.W``) for a device knob; the circuit setting's name otherwise.
    unit : str
        SI unit of the values (``"1"`` for a ratio, ``""`` for words).
    low, high : float
        Bounds (SI units; unused for a categorical knob).
    description : str
        One line: what it is.
    log : bool
        Search on a log scale.
    choices : tuple
        The values of a categorical knob (empty for a numeric one).
    needs : str
        The device effect (a key of :data:`EFFECTS`) the knob needs; empty for every device.
    """

    name: str
    part: str
    key: str
    unit: str
    low: float
    high: float
    description: str
    log: bool = False
    choices: tuple[Any, ...] = ()
    needs: str = ""

    def __post_init__(self) -> None:
        if self.needs and self.needs not in EFFECTS:
            raise ParameterError(f"knob {self.name}.needs", self.needs, "'' or one of " + ", ".join(EFFECTS))
        if self.part not in ("device", "circuit"):
            raise ParameterError(f"knob {self.name}.part", self.part, "'device' or 'circuit'")
        if not self.choices:
            if not (math.isfinite(self.low) and math.isfinite(self.high) and self.low < self.high):
                raise ParameterError(f"knob {self.name}", (self.low, self.high), "finite bounds low < high")
            if self.log and self.low <= 0:
                raise ParameterError(f"knob {self.name}", self.low, "a lower bound > 0 on a log scale")

    def distribution(self) -> Any:
        """The Optuna distribution of this knob."""
        import optuna

        if self.choices:
            return optuna.distributions.CategoricalDistribution(self.choices)
        return optuna.distributions.FloatDistribution(self.low, self.high, log=self.log)

    def with_bounds(self, low: float, high: float) -> Knob:
        """The same knob searched over [low, high] (SI units)."""
        return Knob(self.name, self.part, self.key, self.unit, float(low), float(high), self.description, self.log,
                    self.choices, self.needs)


#: Device effects a knob may need: name -> (test on a Device, what the device must have, in words).
EFFECTS: dict[str, tuple[Callable[[Any], bool], str]] = {
    "interface": (lambda d: d.material.Ki != 0.0,
                  "interface anisotropy (material.Ki_bottom or material.Ki_top not 0)"),
    "taper": (lambda d: d.geometry.taper != 0.0, "a tapered pillar (geometry.taper not 0)"),
}


def has_effect(device: Any, effect: str) -> bool:
    """Whether ``device`` has ``effect`` (a key of :data:`EFFECTS`; ``""``: always)."""
    return not effect or bool(EFFECTS[effect][0](device))


def _k(name: str, key: str, unit: str, low: float, high: float, text: str, log: bool = False,
       needs: str = "") -> Knob:
    return Knob(name, "device", key, unit, low, high, text, log, needs=needs)


#: Device knobs, bounded around the shipped orthogonal device (10 x 45 x 50 nm, RA 0.4 Ohm um^2, TMR 0.57,
#: Ms 1 MA/m, which lies inside): a wider box is mostly designs whose onset needs volts across the
#: junction (measured: of 20 random designs over RA 0.1-5 Ohm um^2, Ku 0-3e4 J/m^3, 19 broke down).
#: Ki spans 0 to the CoFeB/MgO value (1.3 mJ/m^2, Ikeda et al. 2010; models/cofeb_mgo.toml): it can be
#: lowered (anneal, an interface dusting layer, a different alloy at the barrier), not raised much; taper
#: spans 0 (a vertical sidewall) to 5 degrees (0.0873 rad), the steep end of ion-beam-etched pillars (a
#: design whose pillar top would close, taper >= atan(W / T), is not a device).
DEVICE_KNOBS: tuple[Knob, ...] = (
    _k("W", "geometry.W", "m", 8e-9, 14e-9, "free layer width (short in-plane axis)"),
    _k("L", "geometry.L", "m", 40e-9, 56e-9, "free layer length (long in-plane axis)"),
    _k("T", "geometry.T", "m", 40e-9, 60e-9, "free layer thickness"),
    _k("taper", "geometry.taper", "rad", 0.0, 0.0873, "sidewall taper of the pillar from the vertical",
       needs="taper"),
    _k("Ku", "field.Ku", "J/m^3", 0.0, 1e4, "extra uniaxial anisotropy along z (interface K_i / T)"),
    _k("Ki", "material.Ki_bottom", "J/m^2", 0.0, 1.3e-3, "interface anisotropy of the barrier interface "
       "(enters as K_i / T along z)", needs="interface"),
    _k("RA", "junction.RA", "Ohm m^2", 0.1e-12, 1e-12, "resistance-area product of the barrier", log=True),
    _k("TMR", "junction.TMR", "1", 0.5, 2.0, "tunnel magnetoresistance ratio at zero bias"),
    _k("Ms", "material.Ms", "A/m", 0.7e6, 1.3e6, "saturation magnetisation"),
)

#: Circuit knobs: the operating point and the read-out, each relative to the design's own onset where
#: a ratio keeps the bounds meaningful whatever the device.
CIRCUIT_KNOBS: tuple[Knob, ...] = (
    # up to 5: the hand-raised design b53h of docs/guide/design.md judges its yield at 3.4 x its onset
    Knob("drive_ratio", "circuit", "drive_ratio", "1", 1.1, 5.0,
         "test input current over the design's onset (the input at which yield is judged)"),
    Knob("read_ratio", "circuit", "read_ratio", "1", 0.05, 0.5, "read current over the design's onset"),
    Knob("v_mid", "circuit", "v_mid", "V", 0.4, 0.8, "read-out level at u = 0 (sets the reference resistor)"),
    Knob("u_th", "circuit", "u_th", "1", 0.1, 0.6, "membrane threshold |m.p| that sets both voltage thresholds"),
    Knob("clock_period", "circuit", "clock_period", "s", 0.5e-9, 2e-9, "read-clock period"),
    Knob("read_width", "circuit", "read_width", "s", 0.12e-9, 0.4e-9, "read window within each clock period"),
    Knob("t_refractory", "circuit", "t_refractory", "s", 0.5e-9, 3e-9, "refractory time after a spike (leak reset)"),
    Knob("clamp_ratio", "circuit", "clamp_ratio", "1", 1.2, 6.0,
         "input current limiter's compliance over the design's onset (the largest input the junction sees)"),
    Knob("trim", "circuit", "trim", "", 0.0, 0.0, "trim scheme: none, or a per-neuron threshold DAC set from "
         "the neuron's own resistance (dac)", choices=TRIM_SCHEMES),
    Knob("dac_bits", "circuit", "dac_bits", "1", 0.0, 0.0, "bits of the threshold DAC (spanning 0 to the read bias; "
         "used with trim = dac)", choices=(4, 5, 6, 7, 8, 9, 10)),
)


#: What a ratio knob (a current over the design's own onset, which no settings field holds) may be:
#: name -> (low, high, high excluded, what is allowed and why); the low end is always excluded. The
#: other circuit knobs are :class:`~mtjspice.circuits.settings.NeuronSettings` fields and its
#: validation says what they may be. Why 100: the default box's lowest onset voltage is 0.13 V (W 8 nm,
#: L 40 nm, T 40 nm, Ms 0.7 MA/m, RA 0.1 Ohm um^2: 0.328 mA through R_P 398 Ohm, measured with
#: :func:`mtjspice.characterize.onset.onset_current`), which reaches a 1 V breakdown at 7.7 x; at 100 x
#: a junction breaks down unless its onset is under 10 mV (RA about 0.01 Ohm um^2, ten times below the
#: lowest MgO junctions measured). A percentage given for a ratio (110 for 1.1) lands above it.
RATIO_LIMITS: dict[str, tuple[float, float, bool, str]] = {
    "drive_ratio": (0.0, 100.0, False, "0 < drive_ratio <= 100, a multiple of the design's onset (1.1 is 10 % "
                    "over it, not 110); beyond 100 any junction with an onset over 10 mV is past breakdown"),
    "clamp_ratio": (0.0, 100.0, False, "0 < clamp_ratio <= 100, a multiple of the design's onset (1.2 is 20 % "
                    "over it, not 120); beyond 100 any junction with an onset over 10 mV is past breakdown"),
    "read_ratio": (0.0, 1.0, True, "0 < read_ratio < 1, a fraction of the design's onset: a read at or above "
                   "the onset moves the membrane by itself (the circuit's default is 0.25)"),
}


@dataclass(frozen=True)
class SearchSpace:
    """The knobs searched (a tuple of :class:`Knob`, names unique)."""

    knobs: tuple[Knob, ...]

    def __post_init__(self) -> None:
        names = [k.name for k in self.knobs]
        if len(set(names)) != len(names) or not names:
            raise ParameterError("search space", names, "one or more knobs, each name once")

    @property
    def names(self) -> list[str]:
        return [k.name for k in self.knobs]

    def knob(self, name: str) -> Knob:
        for k in self.knobs:
            if k.name == name:
                return k
        raise ParameterError("knob", name, "one of " + ", ".join(self.names))

    def distributions(self) -> dict[str, Any]:
        """Optuna distributions by knob name (the order of ``knobs``)."""
        return {k.name: k.distribution() for k in self.knobs}

    def describe(self) -> list[list[Any]]:
        """[name, part, unit, low, high, log, choices] per knob (JSON-serialisable)."""
        return [[k.name, k.part, k.unit, k.low, k.high, k.log, list(k.choices)] for k in self.knobs]

    def only(self, names: Sequence[str]) -> SearchSpace:
        """The space of the named knobs only."""
        return SearchSpace(tuple(self.knob(n) for n in names))

    def with_ranges(self, ranges: Mapping[str, tuple[float, float]]) -> SearchSpace:
        """The space with some knobs' bounds replaced (SI units)."""
        for n in ranges:
            self.knob(n)
        return SearchSpace(tuple(k.with_bounds(*ranges[k.name]) if k.name in ranges else k for k in self.knobs))

    @staticmethod
    def parse_ranges(text: str) -> dict[str, tuple[float, float]]:
        """``"L=40n:50n,Ku=0:2e4"`` -> {"L": (4e-8, 5e-8), "Ku": (0.0, 2e4)} (SI units)."""
        out: dict[str, tuple[float, float]] = {}
        for item in (p.strip() for p in str(text).split(",")):
            if not item:
                continue
            name, eq, rest = item.partition("=")
            lo, colon, hi = rest.partition(":")
            if not eq or not colon:
                raise ParameterError("--range", item, "NAME=LOW:HIGH items such as L=40n:50n, comma-separated")
            out[name.strip()] = (parse_si(lo.strip(), f"--range {name}"), parse_si(hi.strip(), f"--range {name}"))
        return out


#: Every knob: the device's and the circuit's (the catalogue :func:`space_for` picks from).
DEFAULT_SPACE = SearchSpace(DEVICE_KNOBS + CIRCUIT_KNOBS)


def space_for(device: Any, only: Sequence[str] | None = None,
              ranges: Mapping[str, tuple[float, float]] | None = None) -> SearchSpace:
    """The search space of ``device`` (module docstring): its default knobs (every knob whose effect it
    has; Ki instead of Ku when it has interface anisotropy), or the knobs named in ``only`` (any of
    :data:`DEFAULT_SPACE`'s); ``ranges`` replaces bounds (and adds a knob it names to the default ones).
    A knob named in ``only`` or ``ranges`` that is unknown, or whose effect the device lacks, or named
    twice in ``only``, raises :class:`ParameterError` named ``only`` or ``range`` (the CLI's ``--only``,
    ``--range``), with the item, and the knobs or the effect allowed."""
    dev = getattr(device, "name", "device")
    named = [("only", n, n) for n in only or []] + [("range", n, f"{n}={lo:g}:{hi:g}") for n, (lo, hi) in
                                                   (ranges or {}).items()]
    for source, n, item in named:
        if n not in DEFAULT_SPACE.names:
            raise ParameterError(source, item, "knobs among " + ", ".join(DEFAULT_SPACE.names))
        k = DEFAULT_SPACE.knob(n)
        if not has_effect(device, k.needs):
            raise ParameterError(source, item, f"knobs whose effect {dev} has: {n} needs a device with "
                                 f"{EFFECTS[k.needs][1]}; {dev} has none, so {n} cannot be searched")
    if only and len(set(only)) != len(only):
        raise ParameterError("only", ",".join(only), "knob names, each once")
    if only:
        space = DEFAULT_SPACE.only(list(only))
    else:  # a knob named in ranges joins the default ones (Ku on a device with interface anisotropy)
        drop_ku = has_effect(device, "interface")
        space = SearchSpace(tuple(k for k in DEFAULT_SPACE.knobs if k.name in (ranges or {}) or (
            has_effect(device, k.needs) and not (drop_ku and k.name == "Ku"))))
    if ranges:  # a range of a knob --only leaves out changes nothing (as before the rule)
        check_ranges(device, ranges, space)
        space = space.with_ranges({n: r for n, r in ranges.items() if n in space.names})
    return space


def check_ranges(device: Any, ranges: Mapping[str, tuple[float, float]], space: SearchSpace | None = None) -> None:
    """Refuse, before any design runs, a range whose bounds no design can have: LOW >= HIGH, or a device
    knob's bound outside the limits the device file itself is held to (the key's entry of
    :data:`mtjspice.limits.LIMITS`; for a key without one, what :meth:`Device.replace
    <mtjspice.params.Device.replace>` refuses for that key alone: a taper that
    closes even the widest, thinnest pillar of the search), or W and L ranges with no design
    W <= L. A design that breaks a check of several keys while others do not is left to the
    search, where it is infeasible ("not a device").

    Raises
    ------
    ParameterError
        Named ``range`` (the CLI's ``--range``), with the item, the knob's key and unit, what is
        allowed and the bound that is not.
    """
    from ..limits import LIMITS, check_taper, within_limits

    for name, (lo, hi) in ranges.items():
        k = DEFAULT_SPACE.knob(name)
        item = f"{name}={lo:g}:{hi:g}"
        if k.choices:
            raise ParameterError("range", item, f"bounds of numeric knobs only; {name} is chosen among "
                                 + ", ".join(map(str, k.choices)))
        if not (math.isfinite(lo) and math.isfinite(hi) and lo < hi):
            raise ParameterError("range", item, f"LOW < HIGH, both finite ({name} in {k.unit})")
        if k.part != "device":
            for bound in (lo, hi):
                others = {"read_width": _widest(device, ranges, space, "read_width", min),
                          "clock_period": _widest(device, ranges, space, "clock_period", max)}
                allowed = _circuit_refusal(name, bound, others)
                if allowed:  # the settings' own text says how SI units read
                    hint = "" if "SI units" in allowed or k.unit == "1" else " (SI units: a SPICE suffix scales)"
                    raise ParameterError("range", item, f"bounds of {name} ({_unit(k)}) that a design may have "
                                         f"({allowed}); {bound:g} is not{hint}")
            continue
        for bound in (lo, hi):
            allowed = ""
            if k.key in LIMITS:
                allowed = "" if within_limits(k.key, bound) else LIMITS[k.key][3]
            else:
                try:
                    if k.key == "geometry.taper":
                        check_taper(_widest(device, ranges, space, "W", max), _widest(device, ranges, space, "T", min),
                                    bound, k.key)
                    else:
                        device.replace(**{k.key: bound})
                except ParameterError as exc:
                    if exc.name != k.key:
                        raise
                    allowed = exc.allowed
            if allowed:
                hint = "" if k.unit in ("", "1") else " (SI units: a SPICE suffix scales, 1.3m is 1.3e-3)"
                raise ParameterError("range", item, f"bounds of {name} ({k.key}, {k.unit}) that a device file may "
                                     f"hold ({allowed}); {bound:g} is not{hint}")
    w_low, l_high = _widest(device, ranges, space, "W", min), _widest(device, ranges, space, "L", max)
    if w_low > l_high:  # no design would be a device (W is the short in-plane axis)
        named = [n for n in ("L", "W") if n in ranges]  # the bounds come from a range, the space or the device
        item = ",".join(f"{n}={ranges[n][0]:g}:{ranges[n][1]:g}" for n in named) or "the W and L bounds of the search"
        raise ParameterError("range", item, f"bounds that leave some design with W <= L (W is the "
                             f"short in-plane axis): here W is at least {w_low:g} m and L at most {l_high:g} m")


def _widest(device: Any, ranges: Mapping[str, tuple[float, float]], space: SearchSpace | None, name: str,
            pick: Callable[..., float]) -> float:
    """The largest (``pick=max``) or smallest (``min``) value the geometry's ``name`` takes in the search:
    its range (unless ``space`` leaves the knob out: --only discards its range), else its bounds in
    ``space``, else the device's own value."""
    if name in ranges and (space is None or name in space.names):
        return float(pick(*ranges[name]))
    if space is not None and name in space.names:
        k = space.knob(name)
        return float(pick(k.low, k.high))
    if name in ("read_width", "clock_period"):  # a circuit knob the search leaves at the settings' default
        from ..circuits.settings import NeuronSettings

        return float(getattr(NeuronSettings(), name))
    return float(getattr(device.geometry, name))


def _unit(k: Knob) -> str:
    return "dimensionless" if k.unit == "1" else k.unit


def _circuit_refusal(name: str, value: float, others: Mapping[str, float]) -> str:
    """What circuit knob ``name`` may be, if ``value`` is not allowed ("" if it is): a ratio's
    :data:`RATIO_LIMITS` entry, else what :class:`~mtjspice.circuits.settings.NeuronSettings` refuses
    for that setting with the read window and clock at ``others`` (the most room the design has: its
    shortest read window, its longest clock)."""
    if name in RATIO_LIMITS:
        low, high, high_excluded, text = RATIO_LIMITS[name]
        ok = math.isfinite(value) and low < value and (value < high if high_excluded else value <= high)
        return "" if ok else text
    from ..circuits.settings import NeuronSettings

    kw: dict[str, Any] = {n: v for n, v in others.items() if n != name}
    clock = kw.get("clock_period")
    if name == "read_width" and clock is not None and math.isfinite(value) and value + 2 * NeuronSettings.edge >= clock:
        return (f"a read window shorter than the longest clock period of the design, {clock:g} s, less two "
                f"edges of {NeuronSettings.edge:g} s")
    try:
        NeuronSettings(**{**kw, name: value})
    except ParameterError as exc:  # a refusal of the read window or clock is theirs, said at their own check
        return exc.allowed if exc.name == name else ""
    return ""


def check_start(device: Any, point: Mapping[str, Any], where: str = "") -> None:
    """Refuse, before any design runs, a known design (``mtjspice design --start``) with a knob value
    no design may have (:func:`check_ranges`' limits, the design's own other values taken for the
    checks of several knobs; its device is the device file's, checked as it was read). ``where``
    prefixes the item (the design's folder).

    Raises
    ------
    ParameterError
        Named ``start`` (the CLI's ``--start``), with the knob, its value, its unit and what is allowed.
    """
    for name, v in point.items():
        k = DEFAULT_SPACE.knob(name)
        if k.choices or k.part == "device" or not isinstance(v, (int, float)):
            continue
        others = {n: float(point[n]) for n in ("read_width", "clock_period") if n in point}
        allowed = _circuit_refusal(name, float(v), others)
        if allowed:
            raise ParameterError("start", f"{where}{name}={v:g}", f"a design whose {name} ({_unit(k)}) is one a "
                                 f"design may have ({allowed})")
