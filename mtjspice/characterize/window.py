"""The dimension design window: which free-layer geometries integrate, fire and leak.

Standard test (:class:`WindowSpec`, every number stated and overridable):

* Stimulus: a square current pulse of fixed current *density* J = 1.7e12 A/m^2 (the representative
  10 x 45 x 50 nm pillar at 0.6 mA) from t = 0 for ``t_on`` = 10 ns, then nothing until
  ``t_stop`` = 20 ns. A fixed density, not a fixed current, is the fair standard across geometries:
  every junction then sees about the same bias, J RA = 0.68 V in the parallel state and
  J RA 2 (1 + TMR) / (2 + TMR) = 0.87 V at u = 0, below the 1 V breakdown; cells driven to u < 0
  (toward the antiparallel state) can pass it.
* Start: each geometry exactly at its own rest state (:mod:`mtjspice.physics.rest`: the minimum of
  its anisotropy energy; +z if Nz <= Nx, else +x for the default device; m.p = 0 either way),
  whatever the device's ``theta0``.
* Threshold: reached if u = m.p >= ``u_th`` = 0.3 at some sample during the pulse.
* Relaxation: relaxed if |u| < ``u_relax`` = 0.1 at every sample from ``t_on + t_relax``
  (t_relax = 5 ns, about 5 tau_m of the representative device) to ``t_stop``.
* Regime: ``over`` if not relaxed (stuck near +p, switched to a state with u != 0, or still
  oscillating); else ``lif`` if the threshold was reached; else ``under``.

Sweeps (:func:`sweep_plane`) hold one dimension at the representative value and sweep the other
two on a regular grid; grid points with W > L are not geometries (W is the short axis) and are
left out of the result (``regime == -1`` in arrays, absent from ``window.csv``, grey in the map).
Devices run in chunks (default 1000) sorted by their largest demagnetizing factor, so devices of
similar stiffness share the batched solver's step; chunks can run in parallel processes.

Accuracy: the sweep uses rtol = 1e-6 and 50 ps samples; :func:`check_sample` re-runs chosen
geometries one by one at rtol = 1e-8 and 10 ps samples and compares regimes (the tests do this).

Breakdown: every cell records the largest junction voltage of its run (``WindowMap.v_max``, V; the
bias is J R(u), with R following the cell's own u) and is marked ``breakdown`` when it exceeds the
device's ``breakdown_voltage``; the sweep warns once (:class:`~mtjspice.errors.BreakdownWarning`)
with the count and the worst cell.

Boundaries (:func:`boundaries`): midpoints between neighbouring grid points of different regimes,
with a total-least-squares straight line through each boundary's points. A grid may be a single
point (1 x 1: ``points=1`` takes the middle of each range, a range with MIN == MAX its value).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..errors import ParameterError
from ..frame import Frame
from ..limits import warn_over_breakdown
from ..params import Device
from ..physics.batch import DeviceBatch
from ..physics.demag import demag_factors
from ..physics.rest import device_rest
from ..physics.solver import simulate
from ..runoptions import RunOptions, default_workers
from ..stimulus import square_pulse
from .readtest import ReadCircuit
from .windowclock import classify_clocked
from .windowspec import AXES, REGIMES, WindowSpec, classify

__all__ = [
    "REGIMES",
    "WindowMap",
    "WindowSpec",
    "boundaries",
    "check_sample",
    "classify",
    "classify_geometries",
    "classify_with_voltage",
    "sweep_plane",
]

def _run_chunk(args: tuple[Device, np.ndarray, np.ndarray, np.ndarray, WindowSpec, ReadCircuit | None]
               ) -> tuple[np.ndarray, np.ndarray]:
    device, W, L, T, spec, circuit = args
    if circuit is not None:  # the circuit's threshold: fires under its clocked read (windowclock)
        return classify_clocked(device, W, L, T, spec, circuit)
    batch = DeviceBatch.from_device(device, n=W.size, W=W, L=L, T=T, theta0=0.0)  # exactly at rest
    current = spec.J * math.pi * W * L / 4.0
    traj = simulate(batch, square_pulse(current, spec.t_on, edge=10e-12), spec.t_stop, spec.dt, rtol=spec.rtol,
                    breakdown="ignore")  # reported per cell by the caller
    u = np.einsum("knc,cn->kn", traj.m, batch.p)
    return classify(traj.t, u, spec), np.max(np.abs(traj.voltage), axis=0)


def classify_with_voltage(device: Device, W: np.ndarray, L: np.ndarray, T: np.ndarray, spec: WindowSpec | None = None,
                          *, chunk: int = 1000, workers: int = 1, progress: Callable[[int], None] | None = None,
                          circuit: ReadCircuit | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Regime code and largest junction voltage (V) of each geometry (W, L, T in m, shape (n,)) under the standard test,
    or with ``circuit`` under its clocked read (:mod:`.windowclock`: whether it fires, the circuit's threshold).

    Every other parameter comes from ``device``. Chunks of at most ``chunk`` devices, sorted by
    their largest demagnetizing factor, run in ``workers`` processes; ``progress(k)`` is called
    with the number of devices finished after each chunk. Warns once
    (:class:`~mtjspice.errors.BreakdownWarning`) if some junction exceeds its breakdown voltage.

    Returns
    -------
    codes : (n,) int array (0 under, 1 lif, 2 over); v_max : (n,) array (V)
    """
    spec = WindowSpec() if spec is None else spec
    W, L, T = (np.asarray(a, float).ravel() for a in (W, L, T))
    if not (W.size == L.size == T.size) or W.size == 0:
        raise ParameterError("W, L, T", (W.size, L.size, T.size), "arrays of one nonzero length")
    if not (isinstance(chunk, int) and chunk >= 1):
        raise ParameterError("chunk", chunk, "an integer >= 1")
    if not (isinstance(workers, int) and workers >= 1):
        raise ParameterError("workers", workers, "an integer >= 1")
    N = np.stack(demag_factors(L, W, T, device.geometry.shape))
    order = np.argsort(np.max(N, axis=0), kind="stable")
    pieces = [order[i:i + chunk] for i in range(0, order.size, chunk)]
    jobs = [(device, W[ix], L[ix], T[ix], spec, circuit) for ix in pieces]
    out = np.empty(W.size, int)
    vmax = np.empty(W.size)
    if workers == 1 or len(jobs) == 1:
        for ix, job in zip(pieces, jobs, strict=True):
            out[ix], vmax[ix] = _run_chunk(job)
            if progress:
                progress(ix.size)
    else:
        with ProcessPoolExecutor(max_workers=workers) as pool:
            for ix, (codes, v) in zip(pieces, pool.map(_run_chunk, jobs), strict=True):
                out[ix], vmax[ix] = codes, v
                if progress:
                    progress(ix.size)
    _warn_breakdown(device, W, L, T, vmax, spec)
    return out, vmax


def classify_geometries(device: Device, W: np.ndarray, L: np.ndarray, T: np.ndarray, spec: WindowSpec | None = None,
                        *, chunk: int = 1000, workers: int = 1,
                        progress: Callable[[int], None] | None = None) -> np.ndarray:
    """Regime code of each geometry (W, L, T in m, shape (n,)) under the standard test: the codes of
    :func:`classify_with_voltage` (which see; it warns when a junction exceeds breakdown)."""
    return classify_with_voltage(device, W, L, T, spec, chunk=chunk, workers=workers, progress=progress)[0]


def _warn_breakdown(device: Device, W: np.ndarray, L: np.ndarray, T: np.ndarray, vmax: np.ndarray,
                    spec: WindowSpec) -> None:
    v_bd = device.junction.breakdown_voltage

    def message(over: np.ndarray) -> str:
        i = int(np.argmax(vmax))
        return (f"window: {int(over.sum())} of {vmax.size} geometries put more than the breakdown voltage "
                f"{v_bd:.3g} V across the junction during the standard pulse (J = {spec.J:.3g} A/m^2); the worst, "
                f"W = {W[i] * 1e9:.3g} nm, L = {L[i] * 1e9:.3g} nm, T = {T[i] * 1e9:.3g} nm, reached "
                f"{vmax[i]:.3g} V (marked 'breakdown' in the map)")

    warn_over_breakdown(vmax, v_bd, message, stacklevel=3)


#: Units of :meth:`WindowMap.to_frame`'s columns (the same as ``window.csv``'s in ``columns.csv``).
WINDOW_UNITS = {"W": "m", "L": "m", "T": "m", "regime": "", "breakdown": "1"}


@dataclass(frozen=True)
class WindowMap:
    """A classified plane of geometries.

    Attributes
    ----------
    fix : {"W", "L", "T"}
        The fixed dimension; ``fixed`` its value (m).
    x_name, y_name : str
        The swept dimensions (x the first in W, L, T order).
    x, y : (nx,), (ny,) arrays
        Grid values (m).
    regime : (ny, nx) int array
        Regime codes (0 under, 1 lif, 2 over; -1 invalid geometry, W > L).
    spec : WindowSpec
    v_max : (ny, nx) array or None
        Largest junction voltage (V) of each cell's run (nan where not run); None before classification.
    breakdown_voltage : float
        The device's barrier breakdown voltage (V).
    """

    fix: str
    fixed: float
    x_name: str
    y_name: str
    x: np.ndarray
    y: np.ndarray
    regime: np.ndarray
    spec: WindowSpec = field(default_factory=WindowSpec)
    v_max: np.ndarray | None = None
    breakdown_voltage: float = math.inf

    @property
    def breakdown(self) -> np.ndarray:
        """(ny, nx) bool: cells whose junction voltage exceeded the breakdown voltage during the standard pulse."""
        if self.v_max is None:
            return np.zeros(self.regime.shape, bool)
        return np.nan_to_num(self.v_max, nan=-np.inf) > self.breakdown_voltage

    def geometry(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """W, L, T (m) of every grid point, each shape (ny, nx)."""
        X, Y = np.meshgrid(self.x, self.y)
        dims = {self.x_name: X, self.y_name: Y, self.fix: np.full_like(X, self.fixed)}
        return dims["W"], dims["L"], dims["T"]

    def rows(self) -> list[tuple[float, float, float, str, int]]:
        """(W, L, T, regime name, breakdown 0/1) of every valid grid point: the rows of ``window.csv``
        (header ``W,L,T,regime,breakdown``)."""
        W, L, T = self.geometry()
        ok = self.regime >= 0
        bd = self.breakdown
        return [(float(w), float(l_), float(t), REGIMES[int(r)], int(b))
                for w, l_, t, r, b in zip(W[ok], L[ok], T[ok], self.regime[ok], bd[ok], strict=True)]

    def to_frame(self) -> Frame:
        """Every valid grid point (W <= L) as ``window.csv`` holds it: W, L, T (m), the regime's name
        and breakdown (1 if the junction voltage passed the breakdown voltage, else 0); grid order, x
        varying fastest."""
        W, L, T = self.geometry()
        ok = self.regime >= 0
        cols = {"W": W[ok], "L": L[ok], "T": T[ok],
                "regime": np.array([REGIMES[int(r)] for r in self.regime[ok]], dtype=object),
                "breakdown": self.breakdown[ok].astype(np.int64)}
        return Frame(cols, WINDOW_UNITS)

    def counts(self) -> dict[str, int]:
        """Number of grid points per regime, ``invalid``, and ``breakdown`` (valid cells above breakdown)."""
        c = {name: int(np.sum(self.regime == i)) for i, name in enumerate(REGIMES)}
        c["invalid"] = int(np.sum(self.regime < 0))
        c["breakdown"] = int(np.sum(self.breakdown & (self.regime >= 0)))
        return c


#: Default sweep ranges (m): wide enough that every plane shows all three regimes.
#: The LIF band is narrow (a few nm across, where Nx ~ Nz), so the ranges are wide enough to show
#: every regime on both sides of it but not so wide that a 40 x 40 grid steps over it.
DEFAULT_RANGES: dict[str, tuple[float, float]] = {"W": (4e-9, 30e-9), "L": (15e-9, 75e-9), "T": (15e-9, 80e-9)}


def plane_grid(device: Device, fix: str, *, points: int | tuple[int, int] = 40,
               ranges: dict[str, tuple[float, float]] | None = None, spec: WindowSpec | None = None) -> WindowMap:
    """The unclassified grid of :func:`sweep_plane` (every regime -1); ``valid_count`` tells its size.

    An axis with one point holds the device's own value when no range is given for it (so
    ``points=1`` evaluates the device's geometry), else the middle of its range (MIN for
    MIN == MAX).
    """
    if fix not in AXES:
        raise ParameterError("fix", fix, "one of W, L, T")
    nxy = (points, points) if isinstance(points, int) else tuple(points)
    if len(nxy) != 2 or not all(isinstance(k, int) and not isinstance(k, bool) and k >= 1 for k in nxy):
        raise ParameterError("points", points, "an integer >= 1 (or two)")
    rng = dict(DEFAULT_RANGES)
    x_name, y_name = (a for a in AXES if a != fix)
    for name, k in ((x_name, nxy[0]), (y_name, nxy[1])):
        if k == 1:  # one point and no range of its own: the device's value
            v = float(getattr(device.geometry, name))
            rng[name] = (v, v)
    rng.update(ranges or {})
    for name, (lo, hi) in rng.items():
        if not (math.isfinite(lo) and math.isfinite(hi) and 0 < lo <= hi):
            raise ParameterError(f"range of {name}", (lo, hi), "0 < min <= max (m)")
    x, y = (_axis(*rng[name], k) for name, k in ((x_name, nxy[0]), (y_name, nxy[1])))
    fixed = float(getattr(device.geometry, fix))
    grid = WindowMap(fix, fixed, x_name, y_name, x, y, np.full((y.size, x.size), -1), spec or WindowSpec(),
                     np.full((y.size, x.size), math.nan), device.junction.breakdown_voltage)
    return grid


def _axis(lo: float, hi: float, k: int) -> np.ndarray:
    """k grid values over [lo, hi] (m); one (the middle) if k == 1 or lo == hi."""
    if k == 1 or lo == hi:
        return np.array([0.5 * (lo + hi)])
    return np.linspace(lo, hi, k)


def valid_count(wmap: WindowMap) -> int:
    """Number of grid points that are geometries (W <= L)."""
    W, L, _ = wmap.geometry()
    return int(np.sum(W <= L))


def sweep_plane(device: Device, fix: str, *, points: int | tuple[int, int] = 40, spec: WindowSpec | None = None,
                ranges: dict[str, tuple[float, float]] | None = None, options: RunOptions | None = None,
                circuit: ReadCircuit | None = None) -> WindowMap:
    """Classify a regular grid over the two dimensions other than ``fix`` (held at the device's value).

    Parameters
    ----------
    device : Device
        Material, junction and the fixed dimension.
    fix : {"W", "L", "T"}
        The dimension held fixed.
    points : int or (nx, ny)
        Grid points along each swept axis (>= 1; one point is the middle of the range).
    ranges : dict, optional
        (min, max) in m per swept axis (min <= max); default :data:`DEFAULT_RANGES`.
    options : RunOptions, optional
        ``workers`` (processes of this machine; None: its cores), ``chunk`` (devices per batch) and
        ``progress`` (called with each finished batch's size); default one worker, chunks of 1000.
    circuit : ReadCircuit, optional
        Classify under this neuron circuit's clocked read (:mod:`.windowclock`; e.g. ``Neuron.read_circuit``):
        ``lif`` where the geometry fires both signs at the standard density, the circuit's threshold; default
        the DC test of the module docstring (u passes u_th under a clean pulse).

    Warns
    -----
    BreakdownWarning
        Once, if some cell's junction voltage exceeded its breakdown voltage (``WindowMap.breakdown``).
    """
    opt = RunOptions.given(options, RunOptions(workers=1, chunk=1000))
    grid = plane_grid(device, fix, points=points, ranges=ranges, spec=spec)
    W, L, T = grid.geometry()
    valid = W <= L
    codes = np.full(W.shape, -1)
    vmax = np.full(W.shape, math.nan)
    if valid.any():
        codes[valid], vmax[valid] = classify_with_voltage(device, W[valid], L[valid], T[valid], grid.spec,
                                                          chunk=opt.chunk, workers=opt.workers or default_workers(),
                                                          progress=opt.progress, circuit=circuit)
    object.__setattr__(grid, "regime", codes)
    object.__setattr__(grid, "v_max", vmax)
    return grid


def boundaries(wmap: WindowMap) -> dict[str, dict[str, Any]]:
    """Boundary points between regimes and a straight-line fit to each.

    Returns
    -------
    dict keyed ``"under|lif"``, ``"lif|over"``, ``"under|over"`` (only those present), each with
    ``points`` ((p, 2) array of (x, y) midpoints, m), ``slope`` (dy/dx, dimensionless; inf for a
    vertical line), ``intercept`` (y at x = 0, m; for a vertical line the x position) and
    ``rms`` (RMS distance of the points from the line, m).
    """
    R = wmap.regime
    found: dict[str, list[tuple[float, float]]] = {}

    def add(a: int, b: int, x: float, y: float) -> None:
        if a < 0 or b < 0 or a == b:
            return
        lo, hi = sorted((a, b))
        found.setdefault(f"{REGIMES[lo]}|{REGIMES[hi]}", []).append((x, y))

    for j in range(R.shape[0]):
        for i in range(R.shape[1] - 1):
            add(int(R[j, i]), int(R[j, i + 1]), 0.5 * (wmap.x[i] + wmap.x[i + 1]), float(wmap.y[j]))
    for j in range(R.shape[0] - 1):
        for i in range(R.shape[1]):
            add(int(R[j, i]), int(R[j + 1, i]), float(wmap.x[i]), 0.5 * (wmap.y[j] + wmap.y[j + 1]))
    out: dict[str, dict[str, Any]] = {}
    for key, pts in found.items():
        P = np.array(pts)
        out[key] = {"points": P, **_line_fit(P)}
    return out


def _line_fit(P: np.ndarray) -> dict[str, float]:
    """Total-least-squares line through points P (p, 2)."""
    if P.shape[0] < 2:
        return {"slope": math.nan, "intercept": math.nan, "rms": math.nan}
    c = P.mean(axis=0)
    _, _, vt = np.linalg.svd(P - c)
    d = vt[0]
    normal = vt[1]
    rms = float(np.sqrt(np.mean(((P - c) @ normal) ** 2)))
    if abs(d[0]) < 1e-12 * abs(d[1]):
        return {"slope": math.inf, "intercept": float(c[0]), "rms": rms}
    slope = float(d[1] / d[0])
    return {"slope": slope, "intercept": float(c[1] - slope * c[0]), "rms": rms}


def check_sample(device: Device, W: np.ndarray, L: np.ndarray, T: np.ndarray, spec: WindowSpec | None = None,
                 *, rtol: float = 1e-8, dt: float = 10e-12) -> np.ndarray:
    """Regimes of geometries re-run one by one as single :class:`Device` objects (tight tolerance).

    The independent check of :func:`classify_geometries`: the same test, but each geometry built
    with :meth:`Device.replace`, started at its rest state from :func:`mtjspice.physics.rest.device_rest`
    and integrated alone at ``rtol`` with ``dt`` samples. Warns once if a junction exceeds breakdown.
    """
    spec = WindowSpec() if spec is None else spec
    tight = WindowSpec(**{**spec.__dict__, "rtol": rtol, "dt": dt})
    out, vmax = [], []
    for w, l_, t in zip(np.ravel(W), np.ravel(L), np.ravel(T), strict=True):
        dev = device.replace(**{"geometry.W": float(w), "geometry.L": float(l_), "geometry.T": float(t)})
        current = tight.J * dev.geometry.area
        traj = simulate(dev, square_pulse(current, tight.t_on, edge=10e-12), tight.t_stop, tight.dt, rtol=rtol,
                        m0=device_rest(dev), breakdown="ignore")
        u = traj.m[:, 0, :] @ np.asarray(dev.p)
        out.append(int(classify(traj.t, u[:, None], tight)[0]))
        vmax.append(float(np.max(np.abs(traj.voltage))))
    _warn_breakdown(device, np.ravel(W), np.ravel(L), np.ravel(T), np.array(vmax), tight)
    return np.array(out, int)
