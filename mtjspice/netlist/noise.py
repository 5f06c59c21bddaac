"""Brown's thermal field for the behavioral MTJ: seeded samples in a file, read by an XSPICE filesource.

Physics and convention. The thermal field is white, isotropic and Gaussian with
<H_i(t) H_j(t')> = 2D delta_ij delta(t - t'), 2D = 2 alpha kB T / (gamma mu0^2 Ms V) ((A/m)^2 s)
(:func:`brown_density`), the fluctuation-dissipation value of the device's own alpha, Ms, volume
and temperature in the convention of :func:`mtjspice.physics.thermal.simulate_thermal`, which holds
one Gaussian field of variance 2D / dt per component over each step dt. It enters the torque
exactly as the effective field does (H_eff + H_th in both the precession and the damping term).

Delivery. Debian's ngspice 39 ``trnoise`` is not reproducible, so the package draws the samples
itself: a numpy Generator seeded with ``seed`` draws standard normals z_k (shape (K, 3, n) for n
MTJs, in the order in which the Python solver draws its (3, n) field per step, so MTJ j of a
deck and device j of a Python batch of n with the same seed and step get the same numbers), and
each MTJ's file holds rows ``t zx zy zz`` with z_k at t = (k + 1/2) dt_n (the middle of the
Python solver's k-th step; the first row, at t = 0, repeats z_0). An XSPICE ``filesource`` in the
MTJ subcircuit reads them with linear interpolation and scales them (``amplscale``) to the reduced
field h_th = H_th / Ms, with per-sample standard deviation sqrt(2D / dt_n) / Ms.

Why this is the right white noise, and which calculus. The integral of the linearly interpolated
samples over any long interval T is dt_n times the sum of the samples it covers, up to end terms,
so its variance is dt_n^2 (T / dt_n) 2D / dt_n = 2D T: the Wiener increment of the white field.
The interpolated field is a smooth (piecewise-linear) approximation of white noise, and by the
Wong-Zakai theorem ordinary differential equations driven by such approximations converge, as
dt_n -> 0, to the Stratonovich SDE; the stochastic Heun scheme of the Python solver converges to
the same Stratonovich equation, which is the one Brown's LLG means (it conserves |m| and has the
Boltzmann distribution as its equilibrium). ngspice's trapezoidal rule then integrates that
ordinary equation; its steps need not land on the sample corners: with a uniform step dt_n (the
deck's maximum step, which the MTJ deck takes between breakpoints), the trapezoid sum of each
interpolation hat is its exact integral dt_n whatever the phase (Poisson summation: the hat's
Fourier transform vanishes at the multiples of 1 / dt_n), so the integrated noise is exact.
(The filesource sets no breakpoints; measured. Steps stay uniform only with ``THERMAL_OPTIONS``.)

Sample interval. dt_n = min(deck step, ``NOISE_STEP_RATE`` / rate), rate = gamma' (Ms max(N) +
|H| + 2 Ku / (mu0 Ms)) the fastest field rate of the device (:func:`mtjspice.physics.cost.rates`).
The interpolated noise's spectrum is sinc^4(pi f dt_n) times the white value, so at the fastest
rate the magnet can respond to it is within about 1 % of white (and at the precession frequency
of the default device within 1e-4); the deck's maximum step is then dt_n.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from ..budget import check_memory
from ..errors import ParameterError
from ..params import Device
from ..physics.batch import DeviceBatch
from ..physics.cost import rates
from ..physics.drive import as_drive
from ..physics.thermal import brown_density as thermal_density
from . import safe
from .circuit import Comment, Element, Expr, Item, Model, Param, Word
from .deck import FileName
from .poly import Poly, const, var

__all__ = ["NOISE_STEP_RATE", "MAX_TEMPERATURE", "THERMAL_OPTIONS", "ThermalNoise", "check_temperature", "check_seed",
           "brown_density", "noise_interval", "draw_noise", "noise_file_text", "noise_items", "noise_polynomials"]

#: Largest (sample interval x fastest field rate) of the thermal noise.
NOISE_STEP_RATE = 0.25
#: Options a deck with noise sources adds to its preset: ngspice lowers trtol from 7 to 1 in any deck
#: with XSPICE ('A') devices, which made the thermal MTJ take 1.1 (default preset) to 2.4 (accurate)
#: times more, non-uniform steps; ``xtrtol`` keeps the step control of the noiseless deck, so the
#: step stays the uniform dt_n that the trapezoid correction and the noise integration assume.
THERMAL_OPTIONS: dict[str, float | str] = {"xtrtol": 7}
#: Highest temperature accepted (K), as for device files: above cobalt's Curie point nothing is magnetic.
MAX_TEMPERATURE = 1500.0


def check_temperature(value: object) -> float:
    """A temperature in [0, 1500) K, else :class:`ParameterError` naming ``temperature``."""
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)) \
            or not math.isfinite(value) \
            or not 0.0 <= value < MAX_TEMPERATURE:
        raise ParameterError("temperature", value, f"a number of kelvin >= 0 and < {MAX_TEMPERATURE:g} "
                             "(0 or None: a noiseless deck)")
    return float(value)


def check_seed(value: object) -> int:
    """A seed: an integer >= 0, else :class:`ParameterError` naming ``seed``."""
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 0:
        raise ParameterError("seed", value, "an integer >= 0")
    return int(value)


def brown_density(device: Device, temperature: float) -> float:
    """2D = 2 alpha kB T / (gamma mu0^2 Ms V) ((A/m)^2 s): the thermal field's spectral density per
    component, as :func:`mtjspice.physics.thermal.simulate_thermal` uses it (variance 2D / dt per step)."""
    m = device.material
    return float(thermal_density(m.alpha, m.gamma, m.Ms, device.geometry.volume, temperature))


def noise_interval(device: Device, step: float) -> float:
    """The sample interval dt_n (s): ``step`` (the deck's maximum step), shortened so that
    dt_n x (fastest field rate) <= :data:`NOISE_STEP_RATE`. Use it as the deck's maximum step too."""
    rate = rates(DeviceBatch.from_devices(device), as_drive(0.0), 1e-9).field
    return float(min(step, NOISE_STEP_RATE / rate))


@dataclass(frozen=True)
class ThermalNoise:
    """The thermal field of one MTJ instance.

    Attributes
    ----------
    temperature : float
        Temperature (K), > 0.
    file : str
        The sample file beside the netlist (a bare name; a :attr:`Deck.attachments` key).
    interval : float
        Sample interval dt_n (s) (:func:`noise_interval`).
    """

    temperature: float
    file: str
    interval: float

    def __post_init__(self) -> None:
        if check_temperature(self.temperature) <= 0.0:
            raise ParameterError("temperature", self.temperature, "a temperature > 0 K for a noise source")
        safe.filename(self.file, "noise file")
        if not (isinstance(self.interval, float) and 0.0 < self.interval < 1e-9):
            raise ParameterError("interval", self.interval, "a sample interval > 0 and < 1e-9 s")

    def sigma(self, device: Device) -> float:
        """Standard deviation of each sample of the reduced field h_th = H_th / Ms (-)."""
        return math.sqrt(brown_density(device, self.temperature) / self.interval) / device.material.Ms


def draw_noise(seed: int, t_stop: float, interval: float, n: int = 1, stream: int | None = None) -> np.ndarray:
    """Standard normal samples, shape (K, 3, n), K = enough to cover ``t_stop`` (s): the numbers
    :func:`mtjspice.physics.thermal.simulate_thermal` draws for a batch of n devices with
    ``seed`` and step ``interval``, in the same order. ``stream`` (an index >= 0) draws instead
    from the seed sequence ``[seed, stream]``: one MTJ's own stream, independent of the others and
    the same whichever MTJs share its deck."""
    check_seed(seed)
    if not (isinstance(t_stop, (int, float)) and 0 < t_stop < math.inf):
        raise ParameterError("t_stop", t_stop, "a time > 0 (s)")
    k = int(math.ceil(min(t_stop / interval, 1e18) - 1e-9)) + 2
    # the samples, and their text (about 70 bytes a row, written beside the netlist), must fit
    check_memory(float(k) * n * (3 * 8 + 70), "t_stop", t_stop, f"{k:.3g} noise samples x {n} MTJs",
                 f"shorten t_stop (the thermal field is sampled every {interval:.3g} s)")
    rng = np.random.default_rng(seed if stream is None else [seed, check_seed(stream)])
    return rng.standard_normal((k, 3, n))


def noise_file_text(z: np.ndarray, interval: float) -> str:
    """The filesource file of one MTJ: rows ``t zx zy zz``, z[k] at (k + 1/2) interval, z[0] also at 0."""
    z = np.asarray(z, dtype=float).reshape(-1, 3)
    t = np.concatenate(([0.0], (np.arange(z.shape[0]) + 0.5) * interval))
    rows = np.column_stack((t, np.vstack((z[:1], z))))
    lines = [f"{r[0]:.12e} {r[1]:.9e} {r[2]:.9e} {r[3]:.9e}" for r in rows]
    return "\n".join(lines) + "\n"


def noise_polynomials(device: Device, k: float) -> list[list[Poly]]:
    """``L[i][j]``: the coefficient of h_th,j in dm_i/dt (1/``TIME_UNIT``), polynomials in m:
    -k [m x e_j + alpha (m m_j - e_j |m|^2)], the field term of the LLGS equation with h = e_j
    (``k`` = gamma' Ms TIME_UNIT)."""
    alpha = device.material.alpha
    m = (var("mx"), var("my"), var("mz"))
    mm = m[0] * m[0] + m[1] * m[1] + m[2] * m[2]
    out: list[list[Poly]] = [[const(0.0)] * 3 for _ in range(3)]
    for j in range(3):
        e = [const(1.0 if i == j else 0.0) for i in range(3)]
        cross = (m[1] * e[2] - m[2] * e[1], m[2] * e[0] - m[0] * e[2], m[0] * e[1] - m[1] * e[0])
        for i in range(3):
            out[i][j] = (cross[i] + (m[i] * m[j] - e[i] * mm) * alpha) * -k
    return out


def noise_items(device: Device, noise: ThermalNoise, k: float, names: dict[str, str],
                scale: float, factor: str | None = None) -> list[Item]:
    """The subcircuit items of the thermal field: the filesource writing V(hx), V(hy), V(hz) = h_th
    and a behavioral current source per state node injecting ``scale`` x L(m) h_th (see
    :func:`noise_polynomials`); the trapezoid correction does not see them (see mtj.py). ``factor``,
    an expression, multiplies the field (the heated junction's sqrt(T_j / (T_amb s)))."""
    sig = noise.sigma(device)
    model = "thermal_" + "".join(c if c.isalnum() else "_" for c in noise.file)[:48]
    items: list[Item] = [
        Comment(f"Brown's thermal field at {noise.temperature:g} K: 2D = 2 alpha kB T / (gamma mu0^2 Ms V) = "
                f"{brown_density(device, noise.temperature):.6g} (A/m)^2 s; samples every {noise.interval:.6g} s "
                f"from {noise.file}, linearly interpolated, scaled to h_th = H_th/Ms (std {sig:.6g})"),
        Element("Athermal", (), (Word("["), Word("hx"), Word("hy"), Word("hz"), Word("]"), Word(model))),
        Model(model, "filesource", (Param("file", FileName(noise.file)), Param("amploffset", (0.0, 0.0, 0.0)),
                                    Param("amplscale", (sig, sig, sig)), Param("timeoffset", 0.0),
                                    Param("timescale", 1.0), Param("timerelative", Word("false")),
                                    Param("amplstep", Word("false")))),
        Comment(f"noise torque n = -gamma' Ms [m x h_th + alpha (m (m.h_th) - h_th |m|^2)] in 1/ns, "
                f"injected into each state node as {scale:g} S x n"),
    ]
    L = noise_polynomials(device, k)
    for i, comp in enumerate(("mx", "my", "mz")):
        terms = [f"({L[i][j].spice(names)})*V({h})" for j, h in enumerate(("hx", "hy", "hz")) if not L[i][j].is_zero()]
        items.append(Element(f"Bn{comp[1]}", ("0", comp),
                             (Word("I"), Word("="), Expr(f"{safe.num(scale)}*" + (f"{factor}*" if factor else "")
                                                         + "(" + " + ".join(terms) + ")"))))
    return items

