"""Process variation as data: a spread per device parameter, sampled reproducibly per sample index.

A :class:`VariationSpec` holds one :class:`Spread` per parameter (absolute sigma in SI units, or
relative, ``3%``; normal or uniform) and optional correlations (W and L from one lithography step,
say). It comes from the command line (``"L=1n,W=1n,T=0.5n,Ms=3%,RA=5%"``, :meth:`VariationSpec.parse`)
or from a ``[variation]`` table (:meth:`VariationSpec.from_dict`)::

    [variation]
    L = "1n"            # m, absolute sigma
    W = "1n"
    Ms = "3%"           # relative sigma
    alpha = { sigma = "10%", distribution = "uniform" }
    correlation = [["W", "L", 0.8]]

Sampling. Sample i's draws depend only on ``(seed, i)`` (a numpy Generator seeded with the
sequence ``[seed, i]``), so any chunking of the samples, on any number of workers, gives the same
values. Each sample draws one standard normal per parameter (in the spec's sorted order), the
correlations mix them (Cholesky factor), and a uniform spread maps its normal through the normal
CDF (a Gaussian copula) onto an interval of the same standard deviation.

Parameters are named as in device files (``geometry.W``) or by their short names (``W``, ``L``,
``T``, ``Ms``, ``alpha``, ``P``, ``RA``, ``TMR``, ``Ku``, ``V_half``, ``taper``, ``etch``).

Etching. ``taper`` is the pillar's sidewall taper (rad, ``geometry.taper``; its nominal value is the
device's, and it cannot go below 0, so a taper spread needs a tapered nominal device). ``etch`` is a
shared etch bias (m, nominal 0): one draw per sample added to both W and L, as one etch widens or
narrows the whole ellipse; it is not a device parameter and appears in the samples as the W and L it
makes. Correlations by default: none between the listed spreads, so W and L vary independently
(separate lithography errors) except through the shared bias, which alone correlates them with
coefficient s_e^2 / sqrt((s_W^2 + s_e^2)(s_L^2 + s_e^2)) (:meth:`VariationSpec.wl_correlation`);
taper is independent of both.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from .device import LIMITS, Device
from .errors import ParameterError
from .units import parse_si

__all__ = ["Spread", "VariationSpec", "SHORT_NAMES", "DISTRIBUTIONS", "ETCH_BIAS"]

#: The shared W/L etch bias (m): not a device key; :meth:`VariationSpec.sample` adds it to W and L.
ETCH_BIAS = "geometry.etch_bias"
#: Short names of the parameters that can vary, and their keys in a device file.
SHORT_NAMES: dict[str, str] = {
    "W": "geometry.W", "L": "geometry.L", "T": "geometry.T",
    "Ms": "material.Ms", "alpha": "material.alpha", "P": "material.P",
    "RA": "junction.RA", "TMR": "junction.TMR", "V_half": "junction.V_half",
    "Ku": "field.Ku", "taper": "geometry.taper", "etch": ETCH_BIAS,
}
DISTRIBUTIONS = ("normal", "uniform")
#: A spread may put at most this many sigmas between the nominal value and zero (or a physical
#: bound): more spread would give unphysical samples (negative dimensions) too often to ignore.
MIN_SIGMAS_TO_BOUND = 5.0


def _key(name: str) -> str:
    key = SHORT_NAMES.get(name, name)
    if key not in SHORT_NAMES.values():
        raise ParameterError("variation", name, "a parameter among " + ", ".join(SHORT_NAMES))
    return key


@dataclass(frozen=True)
class Spread:
    """The spread of one parameter.

    Attributes
    ----------
    key : str
        The device-file key (``geometry.L``).
    sigma : float
        Standard deviation: in the parameter's SI unit, or a fraction of the nominal value when
        ``relative`` (0.03 for 3 %).
    relative : bool
        Whether ``sigma`` is a fraction of the nominal value.
    distribution : {"normal", "uniform"}
        Shape; a uniform spread spans +-sqrt(3) sigma.
    """

    key: str
    sigma: float
    relative: bool = False
    distribution: str = "normal"

    def __post_init__(self) -> None:
        object.__setattr__(self, "key", _key(self.key))
        if isinstance(self.sigma, bool) or not isinstance(self.sigma, (int, float)) or not math.isfinite(self.sigma) \
                or self.sigma < 0:
            raise ParameterError(f"variation.{self.short}", self.sigma, "a standard deviation >= 0")
        if self.distribution not in DISTRIBUTIONS:
            raise ParameterError(f"variation.{self.short}", self.distribution, " or ".join(map(repr, DISTRIBUTIONS)))

    @property
    def short(self) -> str:
        """The short name (``L``)."""
        return next(s for s, k in SHORT_NAMES.items() if k == self.key)

    def absolute(self, nominal: float) -> float:
        """The standard deviation in SI units for a nominal value."""
        return self.sigma * abs(nominal) if self.relative else self.sigma

    @staticmethod
    def parse(name: str, text: object) -> Spread:
        """``Spread`` from a short or full name and ``"1n"``, ``"3%"``, a number, or a table with
        ``sigma`` and ``distribution``."""
        if isinstance(text, Mapping):
            unknown = set(text) - {"sigma", "distribution"}
            if unknown:
                raise ParameterError(f"variation.{name}", dict(text), "a table with keys sigma and distribution")
            base = Spread.parse(name, text.get("sigma", 0.0))
            return Spread(base.key, base.sigma, base.relative, str(text.get("distribution", "normal")))
        if isinstance(text, str) and text.strip().endswith("%"):
            return Spread(name, parse_si(text.strip()[:-1], f"variation.{name}") / 100.0, relative=True)
        if isinstance(text, str):
            return Spread(name, parse_si(text, f"variation.{name}"))
        if isinstance(text, bool) or not isinstance(text, (int, float)):
            raise ParameterError(f"variation.{name}", text, "a sigma: a number in SI units, or a percentage '3%'")
        return Spread(name, float(text))


@dataclass(frozen=True)
class VariationSpec:
    """Spreads per parameter and their correlations (see the module docstring).

    Attributes
    ----------
    spreads : tuple of Spread
        One per varied parameter, sorted by key.
    correlations : tuple of (str, str, float)
        Pairs of keys and their correlation coefficient in [-1, 1].
    """

    spreads: tuple[Spread, ...] = ()
    correlations: tuple[tuple[str, str, float], ...] = ()

    def __post_init__(self) -> None:
        spreads = tuple(sorted(self.spreads, key=lambda s: s.key))
        keys = [s.key for s in spreads]
        if len(set(keys)) != len(keys):
            raise ParameterError("variation", keys, "each parameter once")
        pairs = []
        for a, b, rho in self.correlations:
            ka, kb = _key(a), _key(b)
            if ka not in keys or kb not in keys or ka == kb:
                raise ParameterError("variation.correlation", (a, b), "two different parameters that both vary")
            if isinstance(rho, bool) or not isinstance(rho, (int, float)) or not -1.0 <= rho <= 1.0:
                raise ParameterError("variation.correlation", rho, "a coefficient in [-1, 1]")
            pairs.append((ka, kb, float(rho)))
        object.__setattr__(self, "spreads", spreads)
        object.__setattr__(self, "correlations", tuple(pairs))
        try:
            self._cholesky()
        except np.linalg.LinAlgError:
            raise ParameterError("variation.correlation", self.correlations,
                                 "correlations that form a positive definite matrix") from None

    @property
    def keys(self) -> list[str]:
        """The varied parameters' keys, in sampling order."""
        return [s.key for s in self.spreads]

    def _cholesky(self) -> np.ndarray:
        n = len(self.spreads)
        c = np.eye(n)
        index = {k: i for i, k in enumerate(self.keys)}
        for a, b, rho in self.correlations:
            c[index[a], index[b]] = c[index[b], index[a]] = rho
        return np.linalg.cholesky(c + 1e-12 * np.eye(n)) if n else c

    def describe(self) -> str:
        """The spec as text: ``L=1e-09,Ms=3%,...`` (with non-normal shapes and correlations)."""
        items = []
        for s in self.spreads:
            sig = f"{100 * s.sigma:.6g}%" if s.relative else f"{s.sigma:.6g}"
            items.append(f"{s.short}={sig}" + ("" if s.distribution == "normal" else f"({s.distribution})"))
        items += [f"corr({_short(a)},{_short(b)})={rho:g}" for a, b, rho in self.correlations]
        return ",".join(items) if items else "none"

    @staticmethod
    def parse(text: str) -> VariationSpec:
        """From ``"L=1n,W=1n,T=0.5n,Ms=3%,RA=5%"`` (normal spreads, no correlation)."""
        spreads = []
        for item in (p.strip() for p in str(text).split(",")):
            if not item:
                continue
            name, eq, value = item.partition("=")
            if not eq:
                raise ParameterError("sigma", item, "NAME=SIGMA items such as L=1n or Ms=3%, comma-separated")
            spreads.append(Spread.parse(name.strip(), value.strip()))
        return VariationSpec(tuple(spreads))

    @staticmethod
    def from_dict(table: Mapping[str, Any]) -> VariationSpec:
        """From a ``[variation]`` table (module docstring)."""
        spreads, corr = [], []
        for name, value in table.items():
            if name == "correlation":
                if not isinstance(value, list) or not all(isinstance(r, list) and len(r) == 3 for r in value):
                    raise ParameterError("variation.correlation", value, "a list of [A, B, rho] triples")
                corr = [(str(a), str(b), rho) for a, b, rho in value]
            else:
                spreads.append(Spread.parse(name, value))
        return VariationSpec(tuple(spreads), tuple(corr))

    def check(self, device: Device) -> None:
        """Refuse spreads that put a physical bound (zero, or the device limits) within
        :data:`MIN_SIGMAS_TO_BOUND` sigmas of the nominal device's value."""
        for s in self.spreads:
            nominal = _get(device, s.key)
            if s.relative and s.sigma > 0 and nominal == 0:  # a percentage of zero is no spread at all
                raise ParameterError(f"variation.{s.short}", f"{100 * s.sigma:g}%",
                                     f"an absolute sigma in SI units: the nominal {s.short} is 0, so a relative "
                                     f"sigma would vary nothing; give an absolute sigma (e.g. {s.short}=1k)")
            sigma = s.absolute(nominal)
            low = LIMITS[s.key][0] if s.key in LIMITS else (0.0 if s.key not in ("field.Ku", ETCH_BIAS) else -math.inf)
            sigmas = math.sqrt(3.0) if s.distribution == "uniform" else MIN_SIGMAS_TO_BOUND
            if nominal - sigmas * sigma < low:
                most = (nominal - low) / sigmas
                size = f"{most / abs(nominal):.3g} of the nominal value" if s.relative else f"{most:.3g}"
                raise ParameterError(f"variation.{s.short}", f"{100 * s.sigma:g}%" if s.relative else s.sigma,
                                     f"a sigma of at most {size}, so that samples stay above {low:g} "
                                     f"(nominal {nominal:g}, {sigmas:.3g} sigmas of room)")

    def normals(self, seed: int, indices: Iterable[int]) -> np.ndarray:
        """Correlated standard normals, shape (samples, parameters): row i from ``(seed, i)`` only."""
        if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
            raise ParameterError("seed", seed, "an integer >= 0")
        idx = [int(i) for i in indices]
        if any(i < 0 for i in idx):
            raise ParameterError("indices", idx, "sample indices >= 0")
        n = len(self.spreads)
        z = np.array([np.random.default_rng([int(seed), i]).standard_normal(n) for i in idx]).reshape(len(idx), n)
        return z @ self._cholesky().T

    def sample(self, device: Device, seed: int, indices: Iterable[int],
               normals: np.ndarray | None = None) -> dict[str, np.ndarray]:
        """Sampled values (SI units) per varied key, one per index (see :meth:`normals`); ``normals``,
        when given, are :meth:`normals` of the same seed and indices computed before (many designs
        sampled alike reuse them)."""
        from scipy.special import ndtr

        self.check(device)
        z = self.normals(seed, indices) if normals is None else np.asarray(normals, float)
        out = {}
        for j, s in enumerate(self.spreads):
            nominal = _get(device, s.key)
            sigma = s.absolute(nominal)
            x = z[:, j] if s.distribution == "normal" else math.sqrt(3.0) * (2.0 * ndtr(z[:, j]) - 1.0)
            out[s.key] = nominal + sigma * x
        bias = out.pop(ETCH_BIAS, None)
        if bias is not None:  # one etch moves both in-plane dimensions alike
            for key in ("geometry.W", "geometry.L"):
                out[key] = out.get(key, _get(device, key)) + bias
        return out

    def wl_correlation(self, device: Device) -> float:
        """The correlation of the sampled W and L (dimensionless): the stated correlation, if any, plus
        what the shared etch bias adds; 0 when neither W nor L varies."""
        sig = {s.key: s.absolute(_get(device, s.key)) for s in self.spreads}
        sw, sl, se = (sig.get(k, 0.0) for k in ("geometry.W", "geometry.L", ETCH_BIAS))
        rho = next((r for a, b, r in self.correlations if {a, b} == {"geometry.W", "geometry.L"}), 0.0)
        var_w, var_l = sw**2 + se**2, sl**2 + se**2
        return 0.0 if var_w == 0 or var_l == 0 else (rho * sw * sl + se**2) / math.sqrt(var_w * var_l)

    def devices(self, device: Device, seed: int, indices: Sequence[int]) -> list[Device]:
        """The sampled devices (each validated; a sample outside the device limits raises)."""
        values = self.sample(device, seed, indices)
        return [device.replace(**{k: float(v[n]) for k, v in values.items()}) for n in range(len(indices))]


def _short(key: str) -> str:
    return next(s for s, k in SHORT_NAMES.items() if k == key)


def _get(device: Device, key: str) -> float:
    if key == ETCH_BIAS:
        return 0.0
    section, leaf = key.split(".")
    return float(getattr(getattr(device, section), leaf))
