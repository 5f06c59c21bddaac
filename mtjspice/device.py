"""The device as data: frozen dataclasses in SI units that validate themselves on creation,
against the types and the physical limits (:data:`LIMITS`) of each quantity. Files are read by
:mod:`mtjspice.params`, which re-exports everything here.

Axes: x is the free layer's long in-plane axis (length L), y its short in-plane axis (width W),
z its height (thickness T), which is the easy axis of the orthogonal-easy-axis design.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from dataclasses import field as dc_field
from typing import Any, Literal

from .constants import E_CHARGE, GAMMA_E, HBAR, MU0
from .errors import ParameterError
from .limits import LIMITS, check_taper, within_limits
from .units import check_finite, check_nonnegative, check_positive

__all__ = [
    "Geometry", "Material", "Junction", "Initial", "Field", "Device", "SECTIONS", "SHAPES", "PINNED_PRESETS", "LIMITS",
]

Shape = Literal["ellipsoid", "elliptic_cylinder"]
SHAPES: tuple[str, ...] = ("ellipsoid", "elliptic_cylinder")

#: Named pinned-layer polarizations: "orthogonal" is the paper's short-axis (+y) polarizer,
#: "parallel" the conventional one along the easy axis (+z).
PINNED_PRESETS: dict[str, tuple[float, float, float]] = {
    "orthogonal": (0.0, 1.0, 0.0),
    "parallel": (0.0, 0.0, 1.0),
}


def _limited(name: str, value: object, unit: str = "") -> float:
    """``value`` as a float if it is a finite number within :data:`LIMITS`; else the reason."""
    v = check_finite(name, value, unit)
    if not within_limits(name, v):
        raise ParameterError(name, value, LIMITS[name][3])
    return v


def _vector(name: str, value: object) -> tuple[float, float, float]:
    if isinstance(value, (str, bytes)) or not hasattr(value, "__len__") or len(value) != 3:  # type: ignore[arg-type]
        raise ParameterError(name, value, "a list of 3 finite numbers")
    items: list[Any] = list(value)  # type: ignore[call-overload]
    out = tuple(check_finite(f"{name}[{i}]", v) for i, v in enumerate(items))
    return (out[0], out[1], out[2])


def _unit_vector(name: str, value: object) -> tuple[float, float, float]:
    if isinstance(value, str):
        if value not in PINNED_PRESETS:
            raise ParameterError(name, value, "'orthogonal', 'parallel' or a list [px, py, pz] of nonzero length")
        return PINNED_PRESETS[value]
    v = _vector(name, value)
    norm = math.sqrt(sum(c * c for c in v))
    if norm == 0.0:
        raise ParameterError(name, list(value), "a vector of nonzero length")  # type: ignore[call-overload]
    return (v[0] / norm, v[1] / norm, v[2] / norm)


def _meta(unit: str, doc: str) -> dict[str, str]:
    return {"unit": unit, "doc": doc}


@dataclass(frozen=True)
class Geometry:
    """Free-layer geometry.

    Attributes
    ----------
    W : float
        Width, the short in-plane axis, along y (m).
    L : float
        Length, the long in-plane axis, along x (m).
    T : float
        Height (thickness), along z (m). W, L, T each lie in 1 nm to 10 um (:data:`LIMITS`).
    shape : {"ellipsoid", "elliptic_cylinder"}
        Body whose demagnetizing factors are used: the ellipsoid inscribed in the W x L x T box
        (exact for uniform magnetization) or the elliptic pillar (magnetometric factors).
    taper : float
        Sidewall taper of the pillar from the vertical (rad), 0 <= taper < atan(W / T): W and L are
        the mid-height section's, the pillar is wider by T tan(taper) at the bottom and narrower by as
        much at the top (:mod:`mtjspice.physics.taper`). Only the demagnetizing factors see it; area and
        volume are the mid-height section's. 0 (default): the straight pillar.
    """

    W: float = dc_field(metadata=_meta("m", "width, short in-plane axis (y)"))
    L: float = dc_field(metadata=_meta("m", "length, long in-plane axis (x)"))
    T: float = dc_field(metadata=_meta("m", "height along the easy axis (z)"))
    shape: Shape = dc_field(default="elliptic_cylinder", metadata=_meta("-", "demag body"))
    taper: float = dc_field(default=0.0, metadata=_meta("rad", "sidewall taper from the vertical"))

    def __post_init__(self) -> None:
        for name in ("W", "L", "T"):
            object.__setattr__(self, name, _limited(f"geometry.{name}", getattr(self, name), "m"))
        if self.W > self.L:
            raise ParameterError("geometry.W", self.W, f"W <= L (W is the short in-plane axis; L = {self.L!r} m)")
        if self.shape not in SHAPES:
            raise ParameterError("geometry.shape", self.shape, " or ".join(repr(s) for s in SHAPES))
        object.__setattr__(self, "taper", check_taper(self.W, self.T, check_finite("geometry.taper", self.taper, "rad")))
        if self.taper != 0.0 and self.shape != "elliptic_cylinder":
            raise ParameterError("geometry.taper", self.taper, "0 for the ellipsoid (a taper is a pillar's)")

    @property
    def area(self) -> float:
        """Elliptic cross-section area pi W L / 4 (m^2)."""
        return math.pi * self.W * self.L / 4.0

    @property
    def volume(self) -> float:
        """Volume of the chosen body (m^3): pi W L T / 6 (ellipsoid) or pi W L T / 4 (cylinder)."""
        if self.shape == "ellipsoid":
            return math.pi * self.W * self.L * self.T / 6.0
        return self.area * self.T


@dataclass(frozen=True)
class Material:
    """Free-layer material.

    Attributes
    ----------
    Ms : float
        Saturation magnetization (A/m), at most 3e6 (:data:`LIMITS`).
    alpha : float
        Gilbert damping (dimensionless, 0 to 1).
    gamma : float
        Gyromagnetic ratio (rad / (s T)).
    P : float
        Spin polarization of the tunnelling current (dimensionless, in (0, 1]).
    eta : float or None
        Spin-torque efficiency (dimensionless); ``None`` means P / 2.
    temperature : float
        Ambient temperature (K) for the thermal field, at most 1500; 0 turns it off. ``Ms`` is the
        magnetization at this temperature.
    Ki_bottom, Ki_top : float
        Interface anisotropy energy per area of the free layer's bottom (barrier) and top
        interfaces (J/m^2); they enter as the uniaxial anisotropy (Ki_bottom + Ki_top) / T along
        z (J/m^3), in addition to ``field.Ku``; positive favours z. 0 (default) turns them off.
    curie_temperature : float
        Curie temperature Tc (K) of Bloch's law Ms(T) = Ms(0) (1 - (T / Tc)^bloch_exponent);
        ``Ms`` is the value at ``temperature``, so Ms(T) = Ms b(T) / b(temperature). 0 (default):
        Ms does not depend on the junction's temperature.
    bloch_exponent : float
        Exponent of Bloch's law (dimensionless, 3/2 for spin waves).
    """

    Ms: float = dc_field(metadata=_meta("A/m", "saturation magnetization"))
    alpha: float = dc_field(metadata=_meta("-", "Gilbert damping"))
    gamma: float = dc_field(default=GAMMA_E, metadata=_meta("rad/(s T)", "gyromagnetic ratio"))
    P: float = dc_field(default=0.6, metadata=_meta("-", "spin polarization"))
    eta: float | None = dc_field(default=None, metadata=_meta("-", "spin-torque efficiency, default P/2"))
    temperature: float = dc_field(default=300.0, metadata=_meta("K", "temperature"))
    Ki_bottom: float = dc_field(default=0.0, metadata=_meta("J/m^2", "bottom (barrier) interface anisotropy, "
                                                              "enters as K_i / T along z"))
    Ki_top: float = dc_field(default=0.0, metadata=_meta("J/m^2", "top interface anisotropy, enters as K_i / T "
                                                           "along z"))
    curie_temperature: float = dc_field(default=0.0, metadata=_meta("K", "Curie temperature of Bloch's law; "
                                                                      "0 = Ms independent of temperature"))
    bloch_exponent: float = dc_field(default=1.5, metadata=_meta("-", "exponent of Bloch's law"))

    def __post_init__(self) -> None:
        object.__setattr__(self, "Ms", _limited("material.Ms", self.Ms, "A/m"))
        object.__setattr__(self, "alpha", _limited("material.alpha", self.alpha))
        object.__setattr__(self, "gamma", check_positive("material.gamma", self.gamma, "rad/(s T)"))
        object.__setattr__(self, "P", _limited("material.P", self.P))
        if self.eta is not None:
            object.__setattr__(self, "eta", check_nonnegative("material.eta", self.eta))
        object.__setattr__(self, "temperature", _limited("material.temperature", self.temperature, "K"))
        for name in ("Ki_bottom", "Ki_top", "curie_temperature", "bloch_exponent"):
            object.__setattr__(self, name, _limited(f"material.{name}", getattr(self, name)))
        if self.curie_temperature != 0.0 and self.curie_temperature <= self.temperature:
            raise ParameterError("material.curie_temperature", self.curie_temperature,
                                 f"0 or above material.temperature = {self.temperature!r} K (no magnet above Tc)")

    @property
    def Ki(self) -> float:
        """Total interface anisotropy Ki_bottom + Ki_top (J/m^2)."""
        return self.Ki_bottom + self.Ki_top

    @property
    def efficiency(self) -> float:
        """Spin-torque efficiency eta (dimensionless): ``eta`` if given, else P / 2."""
        return self.P / 2.0 if self.eta is None else self.eta


@dataclass(frozen=True)
class Junction:
    """Tunnel junction.

    Attributes
    ----------
    RA : float
        Resistance-area product in the parallel state (Ohm m^2); 1 Ohm um^2 = 1e-12 Ohm m^2.
    TMR : float
        Tunnel magnetoresistance ratio at zero bias (dimensionless; 1.0 = 100 %), 0 to 15 (:data:`LIMITS`).
    pinned : tuple of 3 floats
        Unit vector of the pinned layer's polarization p (normalised on creation).
    V_half : float
        Bias at which the TMR halves, TMR(V) = TMR / (1 + (V / V_half)^2) (V); 0 turns the
        bias dependence off.
    breakdown_voltage : float
        Barrier breakdown voltage (V); runs whose junction voltage exceeds it warn.
    field_like_ratio : float
        Field-like torque b_J / a_J (dimensionless): the torque adds the field b_J p to the
        effective field (a_J the damping-like torque field). 0 (default) turns it off.
    field_like_quadratic : float
        Bias-quadratic field-like torque ((A/m)/V^2): the field-like field is
        H_FL = (field_like_ratio a_J(I) + field_like_quadratic V_j^2) p, V_j the junction voltage
        (the V of the bias-dependent TMR). The perpendicular torque of symmetric MgO junctions is
        even in bias (Kubota et al., Nat. Phys. 4, 37 (2008); Sankey et al., Nat. Phys. 4, 67
        (2008)): this term has the same sign for +I and -I, so it breaks the symmetry between the
        two signs of the drive (the linear term changes sign with I, this one does not). Like
        a_J it is a torque per unit moment: with Joule heating it scales as Ms(T_amb) / Ms(T_j).
        0 (default) turns it off.
    thermal_resistance : float
        Thermal resistance from the junction to the ambient (K/W): the Joule power I V heats the
        junction by up to R_th I V. 0 (default) turns Joule heating off.
    thermal_time_constant : float
        Time constant R_th C_th of the junction's heating (s); > 0 when heating is on.
    """

    RA: float = dc_field(metadata=_meta("Ohm m^2", "resistance-area product (parallel state)"))
    TMR: float = dc_field(metadata=_meta("-", "zero-bias TMR ratio, 1.0 = 100 %"))
    pinned: tuple[float, float, float] = dc_field(metadata=_meta("-", "pinned-layer polarization unit vector"))
    V_half: float = dc_field(default=0.0, metadata=_meta("V", "bias halving the TMR; 0 = no bias dependence"))
    breakdown_voltage: float = dc_field(default=1.0, metadata=_meta("V", "barrier breakdown voltage"))
    field_like_ratio: float = dc_field(default=0.0, metadata=_meta("-", "field-like torque ratio b_J / a_J"))
    field_like_quadratic: float = dc_field(default=0.0, metadata=_meta("(A/m)/V^2", "field-like field per "
                                                                       "squared junction voltage"))
    thermal_resistance: float = dc_field(default=0.0, metadata=_meta("K/W", "junction-to-ambient thermal "
                                                                      "resistance; 0 = no Joule heating"))
    thermal_time_constant: float = dc_field(default=0.0, metadata=_meta("s", "junction heating time constant"))

    def __post_init__(self) -> None:
        object.__setattr__(self, "RA", _limited("junction.RA", self.RA, "Ohm m^2"))
        object.__setattr__(self, "TMR", _limited("junction.TMR", self.TMR))
        object.__setattr__(self, "pinned", _unit_vector("junction.pinned", self.pinned))
        object.__setattr__(self, "V_half", check_nonnegative("junction.V_half", self.V_half, "V"))
        object.__setattr__(
            self, "breakdown_voltage", check_positive("junction.breakdown_voltage", self.breakdown_voltage, "V")
        )
        for name, unit in (("field_like_ratio", ""), ("field_like_quadratic", "(A/m)/V^2"),
                           ("thermal_resistance", "K/W"), ("thermal_time_constant", "s")):
            object.__setattr__(self, name, _limited(f"junction.{name}", getattr(self, name), unit))
        if self.thermal_resistance > 0 and self.thermal_time_constant <= 0:
            raise ParameterError("junction.thermal_time_constant", self.thermal_time_constant,
                                 "a time > 0 s when junction.thermal_resistance is not 0 (the heating node's "
                                 "capacitance is tau / R_th)")

    @property
    def heating(self) -> bool:
        """Whether Joule heating is on (``thermal_resistance`` > 0)."""
        return self.thermal_resistance > 0


@dataclass(frozen=True)
class Initial:
    """Initial state.

    Attributes
    ----------
    theta0 : float
        Initial tilt (rad) of m away from the device's rest direction (the minimum of its
        anisotropy energy, :func:`mtjspice.physics.rest.device_rest`), toward +x (toward +z when
        the rest direction lies along x). For the shipped devices, whose rest direction is +z,
        m0 = (sin theta0, 0, cos theta0).
    m0 : tuple of 3 floats or None
        An explicit initial magnetization (normalised on creation), used instead of the rest
        direction and ``theta0``; ``None`` (the default) starts from rest.
    """

    theta0: float = dc_field(default=0.0, metadata=_meta("rad", "initial tilt from the rest direction"))
    m0: tuple[float, float, float] | None = dc_field(default=None, metadata=_meta("-", "explicit initial m"))

    def __post_init__(self) -> None:
        object.__setattr__(self, "theta0", check_finite("initial.theta0", self.theta0, "rad"))
        if self.m0 is not None:
            if self.theta0 != 0.0:
                raise ParameterError("initial.theta0", self.theta0, "0 when initial.m0 is given (m0 is the whole "
                                     "initial state)")
            object.__setattr__(self, "m0", _unit_vector("initial.m0", self.m0))


@dataclass(frozen=True)
class Field:
    """Optional static fields.

    Attributes
    ----------
    H : tuple of 3 floats
        Applied field (A/m).
    Ku : float
        Extra uniaxial anisotropy energy density along ``axis`` (J/m^3), for example interfacial
        anisotropy Ks / T; positive favours the axis; -2e7 to 2e7 (:data:`LIMITS`).
    axis : tuple of 3 floats
        Unit vector of that anisotropy (normalised on creation).
    """

    H: tuple[float, float, float] = dc_field(default=(0.0, 0.0, 0.0), metadata=_meta("A/m", "applied field"))
    Ku: float = dc_field(default=0.0, metadata=_meta("J/m^3", "extra uniaxial anisotropy"))
    axis: tuple[float, float, float] = dc_field(default=(0.0, 0.0, 1.0), metadata=_meta("-", "anisotropy axis"))

    def __post_init__(self) -> None:
        H = _vector("field.H", self.H)
        object.__setattr__(self, "H", H)
        object.__setattr__(self, "Ku", _limited("field.Ku", self.Ku, "J/m^3"))
        object.__setattr__(self, "axis", _unit_vector("field.axis", self.axis))


@dataclass(frozen=True)
class Device:
    """A complete MTJ device: geometry, material, junction, initial state and fields.

    Derived quantities that are plain arithmetic on the fields (resistances, torque coefficient)
    are properties. Quantities that need the physics kernels are functions of the device in
    :mod:`mtjspice.physics`: :func:`~mtjspice.physics.devicedemag.device_demag` and
    :func:`~mtjspice.physics.llgs.junction_resistance`. Use :meth:`replace` for variants.
    """

    geometry: Geometry
    material: Material
    junction: Junction
    initial: Initial = Initial()
    field: Field = Field()
    name: str = "device"

    def replace(self, **changes: Any) -> Device:
        """A copy with some top-level parts, or dotted leaves, replaced.

        ``dev.replace(**{"geometry.W": 12e-9, "material.alpha": 0.01})`` works, as does
        ``dev.replace(material=Material(...))``.
        """
        parts: dict[str, Any] = {}
        leaves: dict[str, dict[str, Any]] = {}
        for key, value in changes.items():
            if "." in key:
                section, leaf = key.split(".", 1)
                leaves.setdefault(section, {})[leaf] = value
            else:
                parts[key] = value
        for section, values in leaves.items():
            if section not in SECTIONS:
                raise ParameterError(section, section, "one of " + ", ".join(SECTIONS))
            base = parts.get(section, getattr(self, section))
            parts[section] = replace(base, **values)
        return replace(self, **parts)

    @property
    def p(self) -> tuple[float, float, float]:
        """Pinned-layer polarization unit vector."""
        return self.junction.pinned

    @property
    def R_P(self) -> float:
        """Parallel-state resistance RA / area (Ohm)."""
        return self.junction.RA / self.geometry.area

    @property
    def R_AP(self) -> float:
        """Antiparallel-state resistance R_P (1 + TMR) (Ohm)."""
        return self.R_P * (1.0 + self.junction.TMR)

    @property
    def aj_per_amp(self) -> float:
        """Spin-torque field per ampere, a_J / I = hbar eta / (2 e mu0 Ms T area) (A/m per A)."""
        g, m = self.geometry, self.material
        return HBAR * m.efficiency / (2.0 * E_CHARGE * MU0 * m.Ms * g.T * g.area)

    @property
    def gamma_prime(self) -> float:
        """Landau-Lifshitz gyromagnetic factor gamma mu0 / (1 + alpha^2) (m / (A s))."""
        m = self.material
        return m.gamma * MU0 / (1.0 + m.alpha**2)


#: A device file's sections, each the dataclass of one part of :class:`Device`.
SECTIONS: dict[str, type] = {"geometry": Geometry, "material": Material, "junction": Junction, "initial": Initial,
                             "field": Field}
