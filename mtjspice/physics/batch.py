"""Many devices as arrays: the batched form of :class:`mtjspice.params.Device`.

Each raw parameter is an array with one value per device; derived quantities (demagnetizing
factors, torque coefficient, conductances) are computed from them with vectorized kernels, so a
batch of 10,000 geometries costs one call, not 10,000.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, fields
from functools import cached_property
from typing import Any

import numpy as np

from ..constants import E_CHARGE, HBAR, MU0
from ..errors import ParameterError
from ..params import Device
from .demag import demag_factors
from .llgs import anisotropy_factors, conductance, tmr_at_bias
from .rest import explicit_m0, rest_direction, tilt
from .taper import taper_changes

__all__ = ["DeviceBatch"]

_SCALARS = (
    "W", "L", "T", "Ms", "alpha", "gamma", "eta", "temperature", "RA", "TMR", "V_half",
    "breakdown_voltage", "Ku", "Ki", "xi", "xi_v2", "R_th", "tau_th", "Tc", "bloch", "taper",
)
_VECTORS = ("p", "m0", "H", "u")
# name -> (rule, unit) for checks on per-device overrides
_RULES: dict[str, tuple[str, str]] = {
    "W": ("pos", "m"), "L": ("pos", "m"), "T": ("pos", "m"), "Ms": ("pos", "A/m"),
    "alpha": ("nonneg", "-"), "gamma": ("pos", "rad/(s T)"), "eta": ("nonneg", "-"),
    "temperature": ("nonneg", "K"), "RA": ("pos", "Ohm m^2"), "TMR": ("nonneg", "-"),
    "V_half": ("nonneg", "V"), "breakdown_voltage": ("pos", "V"), "Ku": ("finite", "J/m^3"),
    "Ki": ("finite", "J/m^2"), "xi": ("finite", "-"), "xi_v2": ("finite", "(A/m)/V^2"),
    "R_th": ("nonneg", "K/W"), "tau_th": ("nonneg", "s"),
    "Tc": ("nonneg", "K"), "bloch": ("pos", "-"), "taper": ("nonneg", "rad"),
}


@dataclass(frozen=True, eq=False)
class DeviceBatch:
    """n devices as arrays (SI units; scalars shape (n,), vectors shape (3, n)).

    Build with :meth:`from_devices` or :meth:`from_device`; do not mutate the arrays.

    Attributes
    ----------
    W, L, T : (n,) arrays
        Free-layer width (y), length (x), height (z) (m).
    shape : str
        Demag body, common to the batch ("ellipsoid" or "elliptic_cylinder").
    Ms (A/m), alpha (-), gamma (rad/(s T)), eta (-), temperature (K) : (n,) arrays
    RA (Ohm m^2), TMR (-), V_half (V), breakdown_voltage (V), Ku (J/m^3) : (n,) arrays
    Ki (J/m^2, total interface anisotropy), xi (-, field-like ratio b_J / a_J), xi_v2 ((A/m)/V^2,
    the field-like field per squared junction voltage, ``junction.field_like_quadratic``), R_th (K/W),
    tau_th (s), Tc (K, Curie temperature, 0 = off), bloch (-, Bloch exponent), taper (rad, sidewall
    taper of the pillar, :mod:`mtjspice.physics.taper`) : (n,) arrays
    p, m0, H, u : (3, n) arrays
        Polarization, initial magnetization, applied field (A/m) and anisotropy axis. Unless
        given explicitly, m0 is each device's own rest direction tilted by its ``theta0``
        (:mod:`mtjspice.physics.rest`), so every device starts at its rest state.
    """

    W: np.ndarray
    L: np.ndarray
    T: np.ndarray
    shape: str
    Ms: np.ndarray
    alpha: np.ndarray
    gamma: np.ndarray
    eta: np.ndarray
    temperature: np.ndarray
    RA: np.ndarray
    TMR: np.ndarray
    V_half: np.ndarray
    breakdown_voltage: np.ndarray
    Ku: np.ndarray
    Ki: np.ndarray
    xi: np.ndarray
    xi_v2: np.ndarray
    R_th: np.ndarray
    tau_th: np.ndarray
    Tc: np.ndarray
    bloch: np.ndarray
    taper: np.ndarray
    p: np.ndarray
    m0: np.ndarray
    H: np.ndarray
    u: np.ndarray

    # ---- construction -------------------------------------------------------------------
    @classmethod
    def from_devices(cls, devices: Device | Sequence[Device]) -> DeviceBatch:
        """Stack one or more devices (they must share the geometry's demag body)."""
        devs = [devices] if isinstance(devices, Device) else list(devices)
        if not devs:
            raise ParameterError("devices", devices, "at least one device")
        shapes = {d.geometry.shape for d in devs}
        if len(shapes) > 1:
            raise ParameterError("geometry.shape", sorted(shapes), "one demag body for the whole batch")
        cols: dict[str, Any] = {name: [] for name in _SCALARS + _VECTORS if name != "m0"}
        theta0, explicit = [], []
        for d in devs:
            g, m, j, f = d.geometry, d.material, d.junction, d.field
            for name, v in (("W", g.W), ("L", g.L), ("T", g.T), ("Ms", m.Ms), ("alpha", m.alpha),
                            ("gamma", m.gamma), ("eta", m.efficiency), ("temperature", m.temperature),
                            ("RA", j.RA), ("TMR", j.TMR), ("V_half", j.V_half),
                            ("breakdown_voltage", j.breakdown_voltage), ("Ku", f.Ku),
                            ("Ki", m.Ki), ("xi", j.field_like_ratio), ("xi_v2", j.field_like_quadratic),
                            ("R_th", j.thermal_resistance),
                            ("tau_th", j.thermal_time_constant), ("Tc", m.curie_temperature),
                            ("bloch", m.bloch_exponent), ("taper", g.taper),
                            ("p", j.pinned), ("H", f.H), ("u", f.axis)):
                cols[name].append(v)
            theta0.append(d.initial.theta0)
            explicit.append(explicit_m0(d))
        arrays = {k: np.asarray(v, dtype=float) for k, v in cols.items()}
        for k in _VECTORS:
            if k != "m0":
                arrays[k] = np.ascontiguousarray(arrays[k].T)
        given = None
        if any(m is not None for m in explicit):
            given = np.array([m if m is not None else (np.nan,) * 3 for m in explicit], dtype=float).T
        return cls._with_initial_state(shapes.pop(), arrays, np.asarray(theta0, dtype=float), given)

    @classmethod
    def _with_initial_state(cls, shape: str, arrays: dict[str, Any], theta0: np.ndarray,
                            given: np.ndarray | None) -> DeviceBatch:
        """A batch whose m0 is each device's rest direction tilted by ``theta0`` (rad, (n,)), except
        the columns of ``given`` (3, n) that are not nan. The demagnetizing factors computed for the
        rest state are kept as the batch's :attr:`N`."""
        N = _demag(arrays["L"], arrays["W"], arrays["T"], shape, arrays["taper"])
        if given is not None and not np.isnan(given).any():
            m0 = given
        else:
            NK = anisotropy_factors(N, arrays["Ms"], arrays["T"], arrays["Ki"])
            r = rest_direction(NK, arrays["Ms"], arrays["H"], arrays["Ku"], arrays["u"])
            m0 = tilt(r, theta0)
            if given is not None:
                keep = ~np.isnan(given[0])
                m0[:, keep] = given[:, keep]
        batch = cls(shape=shape, m0=np.ascontiguousarray(m0), **arrays)
        batch.__dict__["N"] = N  # the cached_property's slot: computed once, here
        return batch

    @classmethod
    def from_device(cls, device: Device, n: int | None = None, **overrides: Any) -> DeviceBatch:
        """``n`` copies of ``device``, with any raw parameter replaced per device.

        Parameters
        ----------
        device : Device
            The base device.
        n : int, optional
            Batch size; inferred from the overrides' lengths when omitted.
        **overrides : float or array
            Any of W, L, T, Ms, alpha, gamma, eta, temperature, RA, TMR, V_half,
            breakdown_voltage, Ku (shape (n,)) or p, m0, H, u (shape (3,), (3, n) or (n, 3));
            also ``theta0`` (rad, one or (n,)): the tilt of m0 from each device's rest direction
            (see :func:`mtjspice.physics.rest.tilt`); default the device's initial state (its
            ``initial.theta0``, or its explicit ``initial.m0`` where the device has one).
            Without ``m0``, every device starts at its own rest direction (recomputed when W, L,
            T, Ms, Ku, H or u are overridden) tilted by theta0.
        """
        base = cls.from_devices(device)
        theta0 = overrides.pop("theta0", None)
        if theta0 is not None and "m0" in overrides:
            raise ParameterError("theta0", theta0, "no theta0 together with an explicit m0")
        if theta0 is not None:
            th = np.asarray(theta0, dtype=float)
            if not np.all(np.isfinite(th)) or th.ndim > 1:
                raise ParameterError("theta0", theta0, "finite angles (rad), one or one per device")
            if th.ndim == 1:
                overrides["theta0"] = th  # counted in the batch size below
        sizes = set()
        for k, v in overrides.items():
            if k == "theta0":
                sizes.add(np.asarray(v).size)
                continue
            if k not in _SCALARS and k not in _VECTORS:
                raise ParameterError("overrides", k, "a batch parameter among " + ", ".join(_SCALARS + _VECTORS + ("theta0",)))
            a = np.asarray(v, dtype=float)
            if k in _SCALARS and a.ndim == 1:
                sizes.add(a.size)
            elif k in _VECTORS and a.ndim == 2:
                sizes.add(a.shape[1] if a.shape[0] == 3 else a.shape[0])
        if len(sizes) > 1:
            raise ParameterError("overrides", sorted(sizes), "arrays of one length")
        if n is None:
            n = sizes.pop() if sizes else 1
        elif sizes and sizes != {n}:
            raise ParameterError("overrides", sorted(sizes), f"arrays of length n = {n}")
        if not (isinstance(n, int) and n >= 1):
            raise ParameterError("n", n, "an integer >= 1")
        overrides.pop("theta0", None)
        values: dict[str, Any] = {}
        for f in fields(cls):
            if f.name == "shape" or (f.name == "m0" and "m0" not in overrides):
                continue
            cur = getattr(base, f.name)
            v = overrides.get(f.name)
            if f.name in _SCALARS:
                a = cur if v is None else np.asarray(v, dtype=float)
                _check(f.name, a)
                values[f.name] = np.broadcast_to(a.reshape(-1) if a.ndim else a, (n,)).astype(float)
            else:
                a = cur if v is None else np.asarray(v, dtype=float)
                if a.ndim == 2 and a.shape[0] != 3 and a.shape[1] == 3:
                    a = a.T
                if a.ndim == 1:
                    a = a[:, None]
                if a.shape[0] != 3 or not np.all(np.isfinite(a)):
                    raise ParameterError(f.name, a.shape, "vectors of 3 finite numbers, shape (3,), (3, n) or (n, 3)")
                a = np.broadcast_to(a, (3, n)).astype(float)
                if f.name in ("p", "m0", "u"):
                    norm = np.linalg.norm(a, axis=0)
                    if np.any(norm == 0):
                        raise ParameterError(f.name, "zero vector", "vectors of nonzero length")
                    a = a / norm
                values[f.name] = np.ascontiguousarray(a)
        if np.any(values["W"] > values["L"]):
            i = int(np.argmax(values["W"] > values["L"]))
            raise ParameterError(f"W[{i}]", float(values["W"][i]), f"W <= L (L[{i}] = {float(values['L'][i])!r} m)")
        if "m0" in values:
            batch = cls(shape=base.shape, **values)
        elif theta0 is None and not (_REST_INPUTS & overrides.keys()):
            batch = cls(shape=base.shape, m0=np.ascontiguousarray(np.broadcast_to(base.m0, (3, n))), **values)
            batch.__dict__["N"] = np.ascontiguousarray(np.broadcast_to(base.N, (3, n)))
        else:
            th = np.broadcast_to(device.initial.theta0 if theta0 is None else np.asarray(theta0, float), (n,))
            given = explicit_m0(device) if theta0 is None else None  # an explicit theta0 replaces it
            batch = cls._with_initial_state(base.shape, values, th, None if given is None else
                                            np.tile(np.asarray(given, float)[:, None], (1, n)))
        return batch

    # ---- derived quantities -------------------------------------------------------------
    @property
    def n(self) -> int:
        """Number of devices."""
        return int(self.Ms.size)

    @cached_property
    def N(self) -> np.ndarray:
        """Demagnetizing factors, shape (3, n)."""
        return _demag(self.L, self.W, self.T, self.shape, self.taper)

    @property
    def NK(self) -> np.ndarray:
        """Anisotropy factors, shape (3, n): the demagnetizing factors with the interface anisotropy
        folded into z, Nz - 2 Ki / (mu0 Ms^2 T) (:func:`~mtjspice.physics.llgs.anisotropy_factors`);
        the very array :attr:`N` when no device has interface anisotropy."""
        return anisotropy_factors(self.N, self.Ms, self.T, self.Ki)

    @property
    def heating(self) -> bool:
        """Whether any device has Joule heating on."""
        return bool(np.any(self.R_th > 0))

    @property
    def area(self) -> np.ndarray:
        """Cross-section area pi W L / 4 (m^2)."""
        return math.pi * self.W * self.L / 4.0

    @property
    def volume(self) -> np.ndarray:
        """Free-layer volume (m^3)."""
        factor = 1.0 / 6.0 if self.shape == "ellipsoid" else 1.0 / 4.0
        return math.pi * self.W * self.L * self.T * factor

    @property
    def gamma_prime(self) -> np.ndarray:
        """gamma mu0 / (1 + alpha^2) (m / (A s))."""
        return self.gamma * MU0 / (1.0 + self.alpha**2)

    @property
    def aj_per_amp(self) -> np.ndarray:
        """a_J / I = hbar eta / (2 e mu0 Ms T area) (A/m per A)."""
        return HBAR * self.eta / (2.0 * E_CHARGE * MU0 * self.Ms * self.T * self.area)

    @property
    def G_P(self) -> np.ndarray:
        """Parallel-state conductance area / RA (S)."""
        return self.area / self.RA

    def conductance(self, mp: np.ndarray, v: np.ndarray | float = 0.0) -> np.ndarray:
        """Junction conductance (S) at m.p = ``mp`` and junction voltage ``v`` (V)."""
        tmr = tmr_at_bias(self.TMR, v, self.V_half)
        return conductance(mp, self.G_P, self.G_P / (1.0 + tmr))

    def subset(self, index: Any) -> DeviceBatch:
        """The devices at ``index`` (an integer array or slice), as a new batch."""
        idx = np.arange(self.n)[index]
        vals: dict[str, Any] = {}
        for f in fields(self):
            a = getattr(self, f.name)
            if f.name == "shape":
                vals[f.name] = a
            elif f.name in _VECTORS:
                vals[f.name] = np.ascontiguousarray(a[:, idx])
            else:
                vals[f.name] = a[idx]
        return DeviceBatch(**vals)


#: Overrides that move the rest state (the others leave m0 as the base device's).
_REST_INPUTS = frozenset({"W", "L", "T", "Ms", "Ku", "H", "u", "Ki", "taper"})


def _demag(L: np.ndarray, W: np.ndarray, T: np.ndarray, shape: str, taper: np.ndarray | None = None) -> np.ndarray:
    """Demagnetizing factors of (n,) geometries, shape (3, n); tapered pillars get their taper's change."""
    n = np.asarray(L).size
    nx, ny, nz = demag_factors(L, W, T, shape)
    N = np.ascontiguousarray(np.stack([np.broadcast_to(x, (n,)) for x in (nx, ny, nz)]))
    if taper is not None and np.any(np.asarray(taper) != 0):
        if shape != "elliptic_cylinder":
            raise ParameterError("geometry.taper", float(np.max(taper)), "0 for the ellipsoid (a taper is a pillar's)")

        N = N + taper_changes(np.broadcast_to(L, (n,)), np.broadcast_to(W, (n,)), np.broadcast_to(T, (n,)),
                              np.broadcast_to(taper, (n,)))
    return N


def _check(name: str, a: np.ndarray) -> None:
    rule, unit = _RULES[name]
    ok = np.isfinite(a)
    if rule == "pos":
        ok &= a > 0
        allowed = f"finite numbers > 0 ({unit})"
    elif rule == "nonneg":
        ok &= a >= 0
        allowed = f"finite numbers >= 0 ({unit})"
    else:
        allowed = f"finite numbers ({unit})"
    if not np.all(ok):
        bad = np.asarray(a).reshape(-1)[~np.asarray(ok).reshape(-1)][0]
        raise ParameterError(name, float(bad), allowed)
