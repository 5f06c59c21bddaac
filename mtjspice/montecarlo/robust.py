"""Robust design: the Monte Carlo yield over a plane of designs, and the onset's sensitivities.

A *design* is the device with two of its parameters set: geometry (W, L, T, in m) and, as the
knob that sets the easy axis by material rather than by shape, an interface perpendicular
anisotropy Ku along z (J/m^3; a CoFeB/MgO interface gives Ks of about 1 mJ/m^2, i.e. Ku = Ks / T of
about 2e4 J/m^3 for a 50 nm pillar). Each design gets its own nominal neuron circuit, derived from
it as for any device (read current, thresholds: :func:`mtjspice.circuits.settings.resolve`, with
its onset from the onset table), and its own drive: the nominal drive scaled by the design's
onset (``drive_ratio`` = drive / i_th of the base device, 1.59 for the default 0.6 mA), so every
design is judged at the same relative operating point. Its barrier is co-designed too: a design
that needs more current density would break its junction down at the base device's RA, so its RA
is set to keep the base device's junction voltage (RA_design = RA J_base / J_design, J the drive
over the area), down to ``ra_min`` (0.1 Ohm um^2, about the thinnest MgO barriers that keep a
useful TMR); a design that would need less is infeasible (yield 0, flagged in ``feasible``).
Each design's yield is the usable fraction of the same ``samples`` draws of the variation spec
(sample i from (seed, i), common to all designs, so differences between designs are not sampling
noise of different draws).

:func:`sensitivity` gives d(i_th)/dX of the onset for X in W, L, T (A/m) by central differences
of the onset table, and relative to i_th (1/m).
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from ..circuits.settings import NeuronSettings
from ..device import Device
from ..errors import ParameterError
from ..frame import Frame
from ..physics.batch import DeviceBatch
from ..runoptions import RunOptions
from ..variation import VariationSpec
from .columns import DESIGN_AXES, yield_map_columns
from .device import DeviceMC, NominalCircuit, device_chunk
from .onsettable import OnsetTable, onset_table
from .run import alpha_grid, wilson
from .scaleout import run_chunks

__all__ = ["DESIGN_AXES", "DesignPlane", "YieldMap", "design_device", "yield_map", "sensitivity", "robust_table"]


def design_device(device: Device, values: dict[str, float]) -> Device:
    """``device`` with design parameters set (short names of :data:`DESIGN_AXES`); Ku along z."""
    changes: dict[str, Any] = {}
    for name, v in values.items():
        if name not in DESIGN_AXES:
            raise ParameterError("axis", name, "one of " + ", ".join(DESIGN_AXES))
        changes[DESIGN_AXES[name][0]] = float(v)
    if "Ku" in values:
        changes["field.axis"] = (0.0, 0.0, 1.0)
    return device.replace(**changes)


def robust_table(device: Device, spec: VariationSpec) -> OnsetTable:
    """An onset table wide enough for a design plane (q up to 0.5: Ku of a few 1e5 J/m^3)."""
    return onset_table(device, q_range=(2e-4, 0.5), points=40, alphas=alpha_grid(device, spec))


@dataclass(frozen=True, eq=False)
class DesignPlane:
    """A grid of designs: two design parameters (:data:`DESIGN_AXES`) and their values.

    Attributes
    ----------
    x_name, y_name : str
        Two different names among W, L, T (m) and Ku (J/m^3).
    x, y : (a,), (b,) arrays
        Their values, SI units (m or J/m^3), finite.
    """

    x_name: str
    x: np.ndarray
    y_name: str
    y: np.ndarray

    def __post_init__(self) -> None:
        for name in (self.x_name, self.y_name):
            if name not in DESIGN_AXES:
                raise ParameterError("axis", name, "one of " + ", ".join(DESIGN_AXES))
        if self.x_name == self.y_name:
            raise ParameterError("axis", (self.x_name, self.y_name), "two different design parameters")
        for attr, name in (("x", self.x_name), ("y", self.y_name)):
            a = np.asarray(getattr(self, attr), float)
            if a.ndim != 1 or a.size < 1 or not np.all(np.isfinite(a)):
                raise ParameterError(attr, getattr(self, attr), f"a non-empty 1-D array of finite {name} values "
                                     f"({DESIGN_AXES[name][1]})")
            object.__setattr__(self, attr, a)

    @property
    def shape(self) -> tuple[int, int]:
        """(b, a): rows follow y, columns x."""
        return (self.y.size, self.x.size)


@dataclass(frozen=True, eq=False)
class YieldMap:
    """Yields over a grid of designs.

    Attributes
    ----------
    x_name, y_name : str
        The swept parameters (:data:`DESIGN_AXES`).
    x, y : arrays
        Their values (SI units), shapes (a,) and (b,).
    yields : (b, a) array
        Usable fraction of each design (nan where the design itself is not a device: W > L).
    yields_ref : (b, a) array
        The same after each neuron's reference trim.
    onset : (b, a) array
        Each design's own onset (A).
    drive : (b, a) array
        Each design's drive (A).
    RA : (b, a) array
        Each design's barrier (Ohm m^2).
    samples : int
        Samples per design.
    """

    x_name: str
    y_name: str
    x: np.ndarray
    y: np.ndarray
    yields: np.ndarray
    yields_ref: np.ndarray
    onset: np.ndarray
    drive: np.ndarray
    RA: np.ndarray
    samples: int

    @property
    def feasible(self) -> np.ndarray:
        """Designs whose barrier is at least ``ra_min`` (nan RA marks the others and non-devices)."""
        return np.isfinite(self.RA)

    def best(self, which: str = "yields") -> tuple[int, int]:
        """(row, column) of the highest yield (the first of ties, in grid order)."""
        a = np.nan_to_num(getattr(self, which), nan=-1.0)
        j = int(np.argmax(a))
        return divmod(j, a.shape[1])

    def status(self) -> np.ndarray:
        """(b, a) words: 'feasible', 'infeasible' (barrier below ra_min), 'not a device' (W > L), 'no onset'."""
        out = np.full(self.yields.shape, "feasible", dtype=object)
        out[~np.isfinite(self.RA)] = "infeasible"
        out[~np.isfinite(self.onset)] = "no onset"
        out[~np.isfinite(self.yields)] = "not a device"
        return out

    def to_frame(self) -> Frame:
        """One row per design (x varying fastest), as ``yield_map.csv`` holds it: the design values, its
        status, the yields with their 95 % Wilson intervals, its onset (A), drive (A) and RA (Ohm m^2)."""
        n = self.samples

        def ci(y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
            lo, hi = zip(*(wilson(round(v * n), n) if np.isfinite(v) else (np.nan, np.nan) for v in y), strict=True)
            return np.array(lo, float), np.array(hi, float)

        X, Y = np.meshgrid(self.x, self.y)
        yl, yr = self.yields.ravel(), self.yields_ref.ravel()
        (lo, hi), (rlo, rhi) = ci(yl), ci(yr)
        cols = {self.x_name: X.ravel(), self.y_name: Y.ravel(), "status": self.status().ravel(), "yield": yl,
                "yield_lo": lo, "yield_hi": hi, "yield_ref": yr, "yield_ref_lo": rlo, "yield_ref_hi": rhi,
                "onset": self.onset.ravel(), "drive": self.drive.ravel(), "RA": self.RA.ravel()}
        return Frame(cols, {c.name: c.unit for c in yield_map_columns(self.x_name, self.y_name, n)})

    def rows(self) -> list[tuple[float, ...]]:
        """(x, y, yield, yield after reference trim, onset, drive, RA) per design, for a CSV."""
        out: list[tuple[float, ...]] = []
        for i, yv in enumerate(self.y):
            for j, xv in enumerate(self.x):
                out.append((float(xv), float(yv), float(self.yields[i, j]), float(self.yields_ref[i, j]),
                            float(self.onset[i, j]), float(self.drive[i, j]), float(self.RA[i, j])))
        return out


def _design_task(device: Device, spec: VariationSpec, seed: int, samples: int, mc: DeviceMC, table: OnsetTable,
                 drive_ratio: float, ra_min: float, x_name: str, y_name: str, xs: np.ndarray, ys: np.ndarray,
                 designs: np.ndarray) -> list[tuple[int, float, float, float, float, float]]:
    """(design index, yield, yield after reference trim, onset, drive, RA) of each design in ``designs``."""
    out = []
    for k in designs:
        i, j = divmod(int(k), xs.size)
        values = {x_name: float(xs[j]), y_name: float(ys[i])}
        g = {**{n: getattr(device.geometry, n) for n in ("W", "L", "T")}, **values}
        if g["W"] > g["L"]:
            out.append((int(k), math.nan, math.nan, math.nan, math.nan, math.nan))
            continue
        dev = design_device(device, values)
        i_th = float(table.onset(DeviceBatch.from_device(dev, theta0=0.0))[0][0])
        if not math.isfinite(i_th):
            out.append((int(k), 0.0, 0.0, i_th, math.nan, math.nan))
            continue
        drive = drive_ratio * i_th
        ra = device.junction.RA * (mc.drive / device.geometry.area) / (drive / dev.geometry.area)
        if ra < ra_min:
            out.append((int(k), 0.0, 0.0, i_th, drive, math.nan))
            continue
        dev = dev.replace(**{"junction.RA": ra})
        circuit = NominalCircuit.resolved(dev, NeuronSettings(u_th=mc.u_th, i_th=i_th), i_th)
        cols = device_chunk(dev, spec, seed, np.arange(samples), replace(mc, drive=drive, trim=True, gain_trim=False), table,
                            circuit)
        out.append((int(k), float(np.mean(cols["usable"])), float(np.mean(cols["usable_ref"])), i_th, drive, ra))
    return out


def yield_map(device: Device, spec: VariationSpec, plane: DesignPlane, samples: int = 200, mc: DeviceMC | None = None,
              options: RunOptions | None = None, *, table: OnsetTable | None = None,
              ra_min: float = 0.1e-12) -> YieldMap:
    """The yield of every design of ``plane`` (module docstring). Designs run as tasks
    (:func:`~mtjspice.montecarlo.scaleout.run_chunks`: here for one worker, else on a Dask cluster), one
    row of the grid per task.

    Parameters
    ----------
    device : Device
        The base design.
    spec : VariationSpec
        The spreads; sample i of every design is drawn from (``options.seed``, i).
    plane : DesignPlane
        The two swept design parameters and their values.
    samples : int
        Samples per design (>= 1).
    mc : DeviceMC, optional
        The device-level test (its drive is the base device's; each design's is scaled by its onset).
    options : RunOptions, optional
        Seed, workers or scheduler, progress (one call per finished row of the grid).
    table : OnsetTable, optional
        A precomputed onset table (default :func:`robust_table`).
    ra_min : float
        Thinnest barrier a design may have (Ohm m^2).
    """
    mc = DeviceMC() if mc is None else mc
    opt = RunOptions() if options is None else options
    if not isinstance(opt, RunOptions):
        raise ParameterError("options", opt, "a RunOptions")
    if not isinstance(plane, DesignPlane):
        raise ParameterError("plane", plane, "a DesignPlane")
    x_name, xs, y_name, ys = plane.x_name, plane.x, plane.y_name, plane.y
    if isinstance(samples, bool) or not isinstance(samples, int) or samples < 1:
        raise ParameterError("samples", samples, "an integer >= 1")
    spec.check(device)
    table = robust_table(device, spec) if table is None else table
    base_onset = float(table.onset(DeviceBatch.from_device(device, theta0=0.0))[0][0])
    if not math.isfinite(base_onset):
        raise ParameterError("device", device.name, "a device with an onset below the table's range")
    ratio = mc.drive / base_onset
    task = functools.partial(_design_task, device, spec, opt.seed, samples, mc, table, ratio, ra_min, x_name, y_name,
                             xs, ys)
    shape = plane.shape
    names = ("yields", "yields_ref", "onset", "drive", "RA")
    grids = {k: np.full(shape, np.nan) for k in names}

    def sink(rows: list[tuple[int, float, float, float, float, float]]) -> None:
        for k, *vals in rows:
            i, j = divmod(k, xs.size)
            for name, v in zip(names, vals, strict=True):
                grids[name][i, j] = v

    chunks = [np.arange(i * xs.size, (i + 1) * xs.size) for i in range(ys.size)]
    run_chunks(task, chunks, sink, workers=opt.local_workers, scheduler=opt.scheduler, progress=opt.progress)
    return YieldMap(x_name=x_name, y_name=y_name, x=xs, y=ys, samples=samples, **grids)


def sensitivity(device: Device, table: OnsetTable, step: float = 0.05e-9) -> dict[str, float]:
    """d(i_th)/dX (A/m) and (1/i_th) d(i_th)/dX (1/m) for X in W, L, T, by central differences of
    ``step`` (m) on the onset table, and the onset itself (A)."""
    g = device.geometry
    out: dict[str, float] = {}
    base = DeviceBatch.from_device(device, theta0=0.0)
    i0 = float(table.onset(base)[0][0])
    out["i_th"] = i0
    for name in ("W", "L", "T"):
        v = getattr(g, name)
        batch = DeviceBatch.from_device(device, n=2, theta0=0.0, **{name: np.array([v - step, v + step])})
        lo, hi = table.onset(batch)[0]
        d = float((hi - lo) / (2 * step))
        out[f"di_d{name}"] = d
        out[f"rel_di_d{name}"] = d / i0 if i0 else math.nan
    return out
