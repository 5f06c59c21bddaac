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
from .llgs import conductance, tmr_at_bias

__all__ = ["DeviceBatch"]

_SCALARS = (
    "W", "L", "T", "Ms", "alpha", "gamma", "eta", "temperature", "RA", "TMR", "V_half",
    "breakdown_voltage", "Ku",
)
_VECTORS = ("p", "m0", "H", "u")
# name -> (rule, unit) for checks on per-device overrides
_RULES: dict[str, tuple[str, str]] = {
    "W": ("pos", "m"), "L": ("pos", "m"), "T": ("pos", "m"), "Ms": ("pos", "A/m"),
    "alpha": ("nonneg", "-"), "gamma": ("pos", "rad/(s T)"), "eta": ("nonneg", "-"),
    "temperature": ("nonneg", "K"), "RA": ("pos", "Ohm m^2"), "TMR": ("nonneg", "-"),
    "V_half": ("nonneg", "V"), "breakdown_voltage": ("pos", "V"), "Ku": ("finite", "J/m^3"),
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
    p, m0, H, u : (3, n) arrays
        Polarization, initial magnetization, applied field (A/m) and anisotropy axis.
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
        cols: dict[str, Any] = {name: [] for name in _SCALARS + _VECTORS}
        for d in devs:
            g, m, j, f = d.geometry, d.material, d.junction, d.field
            for name, v in (("W", g.W), ("L", g.L), ("T", g.T), ("Ms", m.Ms), ("alpha", m.alpha),
                            ("gamma", m.gamma), ("eta", m.efficiency), ("temperature", m.temperature),
                            ("RA", j.RA), ("TMR", j.TMR), ("V_half", j.V_half),
                            ("breakdown_voltage", j.breakdown_voltage), ("Ku", f.Ku),
                            ("p", j.pinned), ("m0", d.initial.m0), ("H", f.H), ("u", f.axis)):
                cols[name].append(v)
        arrays = {k: np.asarray(v, dtype=float) for k, v in cols.items()}
        for k in _VECTORS:
            arrays[k] = np.ascontiguousarray(arrays[k].T)
        return cls(shape=shapes.pop(), **arrays)

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
            also ``theta0`` (rad), which sets m0 = (sin theta0, 0, cos theta0).
        """
        base = cls.from_devices(device)
        if "theta0" in overrides:
            th = np.asarray(overrides.pop("theta0"), dtype=float)
            if not np.all(np.isfinite(th)):
                raise ParameterError("theta0", th, "finite numbers (rad)")
            overrides["m0"] = np.stack((np.sin(th), np.zeros_like(th), np.cos(th)))
        sizes = set()
        for k, v in overrides.items():
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
        values: dict[str, Any] = {}
        for f in fields(cls):
            if f.name == "shape":
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
        batch = cls(shape=base.shape, **values)
        if np.any(batch.W > batch.L):
            i = int(np.argmax(batch.W > batch.L))
            raise ParameterError(f"W[{i}]", float(batch.W[i]), f"W <= L (L[{i}] = {float(batch.L[i])!r} m)")
        return batch

    # ---- derived quantities -------------------------------------------------------------
    @property
    def n(self) -> int:
        """Number of devices."""
        return int(self.Ms.size)

    @cached_property
    def N(self) -> np.ndarray:
        """Demagnetizing factors, shape (3, n)."""
        nx, ny, nz = demag_factors(self.L, self.W, self.T, self.shape)
        return np.ascontiguousarray(np.stack([np.broadcast_to(x, (self.n,)) for x in (nx, ny, nz)]))

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
