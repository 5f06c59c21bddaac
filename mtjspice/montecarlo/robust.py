"""Robust design: the Monte Carlo yield over a plane of designs, and the onset's sensitivities.

A *design* is the device with two of its parameters set: geometry (W, L, T, in m) and, as the
knob that sets the easy axis by material rather than by shape, an interface perpendicular
anisotropy Ku along z (J/m^3; a CoFeB/MgO interface gives Ks of about 1 mJ/m^2, i.e. Ku = Ks / T of
about 2e4 J/m^3 for a 50 nm pillar). Each design gets its own nominal neuron circuit, derived from
it as for any device (read current, thresholds: :func:`mtjspice.circuits.settings.resolve`, with
its onset from the onset table), and its own drive: the nominal drive scaled by the design's
firing threshold in its own circuit (``drive_ratio`` = drive / the base device's firing threshold,
1.05 for the default 0.6 mA), so every design is judged at the same operating point relative to the
threshold its circuit fires at (#26). Not the onset: the firing threshold over the onset runs from
0.65 (L = 45 nm, Ku = 8 kJ/m^3) to 11.4 (next to the degenerate shape, onsets of 0.07 mA) over the
plane of docs/guide/robust-design.md (1.52 for the base device), so a drive scaled by the onset put
designs anywhere from 0.14 to 2.4 times their firing threshold. The firing thresholds of a row of
designs are bisected in one batch (:func:`~mtjspice.characterize.firing.batch_thresholds`, each
design in its own circuit, 12 rounds: 0.07 %); the co-designed barrier below moves a threshold by up
to 3 % (RA x 0.6 measured), so it is measured twice, at the base RA and again at the RA the first
drive gives. Its barrier is co-designed too: a design
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

from ..characterize.firing import batch_thresholds
from ..circuits.settings import NeuronSettings
from ..device import Device
from ..errors import ParameterError
from ..frame import Frame
from ..physics.batch import DeviceBatch
from ..runoptions import RunOptions
from ..variation import VariationSpec
from .columns import DESIGN_AXES, yield_map_columns
from .device import NOMINAL_ROUNDS, DeviceMC, NominalCircuit, device_chunk, u_thresholds
from .onsettable import OnsetTable, onset_table, table_model
from .run import alpha_grid, wilson
from .scaleout import run_chunks

__all__ = ["DESIGN_AXES", "DesignPlane", "YieldMap", "design_device", "design_firing", "yield_map", "sensitivity", "robust_table",
           "table_model"]


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
    """An onset table wide enough for a design plane (q up to 0.5: Ku of a few 1e5 J/m^3), built on
    :func:`table_model` of ``device``."""
    model = table_model(device)
    return onset_table(model, q_range=(2e-4, 0.5), points=40, alphas=alpha_grid(model, spec))


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
        Each design's drive (A): ``drive_ratio`` times its firing threshold.
    RA : (b, a) array
        Each design's barrier (Ohm m^2).
    samples : int
        Samples per design.
    firing : (b, a) array or None
        Each design's firing threshold in its own circuit (A, mean of both signs; nan where it has no
        onset, inf where it does not fire below 4 max(onset, drive / 2)).
    drive_ratio : float
        The base device's drive over its firing threshold (dimensionless), every design's operating point.
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
    firing: np.ndarray | None = None
    drive_ratio: float = math.nan

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
        if self.firing is not None:
            out[np.isfinite(self.onset) & np.isinf(self.firing)] = "does not fire"
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
        if self.firing is not None:
            cols["firing"] = self.firing.ravel()
        return Frame(cols, {c.name: c.unit for c in yield_map_columns(self.x_name, self.y_name, n) if c.name in cols})

    def rows(self) -> list[tuple[float, ...]]:
        """(x, y, yield, yield after reference trim, onset, drive, RA) per design, for a CSV."""
        out: list[tuple[float, ...]] = []
        for i, yv in enumerate(self.y):
            for j, xv in enumerate(self.x):
                out.append((float(xv), float(yv), float(self.yields[i, j]), float(self.yields_ref[i, j]),
                            float(self.onset[i, j]), float(self.drive[i, j]), float(self.RA[i, j])))
        return out


def design_firing(devices: list[Device], onsets: list[float], mc: DeviceMC) -> np.ndarray:
    """Firing thresholds (A, mean of both signs) of ``devices``, each in the nominal circuit resolved for it
    with its onset (A) from ``onsets``, in one batch (:func:`~mtjspice.characterize.firing.batch_thresholds`
    between onset / 4 and 4 max(onset, mc.drive / 2), :data:`~mtjspice.montecarlo.device.NOMINAL_ROUNDS`
    rounds, the nominal thresholds through each device's own resistance); inf where a device does not fire
    below the top. (Measured: designs next to the degenerate shape, onsets of 0.07-0.08 mA, fire only from
    0.78-0.92 mA, kicked by the read clock, so the top does not follow the onset down.)"""
    if not devices:
        return np.zeros(0)
    circuits = [NominalCircuit.resolved(d, NeuronSettings(u_th=mc.u_th, i_th=i), i) for d, i in zip(devices, onsets,
                                                                                                   strict=True)]
    batch = DeviceBatch.from_devices(devices)
    hi, lo = (np.concatenate(x) for x in zip(*(u_thresholds(batch.subset([j]), c, mc)[:2]
                                                  for j, c in enumerate(circuits)), strict=True))
    i = np.asarray(onsets, float)
    top = 4.0 * np.maximum(i, mc.drive / 2.0)  # a design with a near-zero onset still fires only near the drive
    fp, fn = batch_thresholds(batch, circuits, mc, hi, lo, i / 4.0, top, rounds=NOMINAL_ROUNDS)
    return 0.5 * (fp + fn)


def _design_task(device: Device, spec: VariationSpec, seed: int, samples: int, mc: DeviceMC, table: OnsetTable,
                 drive_ratio: float, ra_min: float, x_name: str, y_name: str, xs: np.ndarray, ys: np.ndarray,
                 designs: np.ndarray) -> list[tuple[int, float, float, float, float, float, float]]:
    """(design index, yield, yield after reference trim, onset, drive, RA, firing threshold) of each design in
    ``designs``."""
    nan = math.nan
    out = []
    todo: list[tuple[int, Device, float]] = []
    for k in designs:
        i, j = divmod(int(k), xs.size)
        values = {x_name: float(xs[j]), y_name: float(ys[i])}
        g = {**{n: getattr(device.geometry, n) for n in ("W", "L", "T")}, **values}
        if g["W"] > g["L"]:
            out.append((int(k), nan, nan, nan, nan, nan, nan))
            continue
        dev = design_device(device, values)
        i_th = float(table.onset(DeviceBatch.from_device(dev, theta0=0.0))[0][0])
        if not math.isfinite(i_th):
            out.append((int(k), 0.0, 0.0, i_th, nan, nan, nan))
            continue
        todo.append((int(k), dev, i_th))

    def barrier(dev: Device, drive: float) -> float:  # the RA that keeps the base device's junction voltage
        return device.junction.RA * (mc.drive / device.geometry.area) / (drive / dev.geometry.area)

    devs, onsets = [d for _, d, _ in todo], [i for _, _, i in todo]
    firing = design_firing(devs, onsets, mc)  # at the base RA
    ras = [barrier(d, drive_ratio * f) if math.isfinite(f) else nan for d, f in zip(devs, firing, strict=True)]
    again = [j for j, ra in enumerate(ras) if math.isfinite(ra) and ra >= ra_min and ra != device.junction.RA]
    if again:  # once more at the barrier the first drive gives
        redo = design_firing([devs[j].replace(**{"junction.RA": ras[j]}) for j in again], [onsets[j] for j in again], mc)
        firing[again] = redo
    for (k, dev, i_th), f in zip(todo, firing, strict=True):
        if not math.isfinite(f):
            out.append((k, 0.0, 0.0, i_th, nan, nan, f))
            continue
        drive = drive_ratio * f
        ra = barrier(dev, drive)
        if ra < ra_min:
            out.append((k, 0.0, 0.0, i_th, drive, nan, f))
            continue
        dev = dev.replace(**{"junction.RA": ra})
        circuit = NominalCircuit.resolved(dev, NeuronSettings(u_th=mc.u_th, i_th=i_th), i_th)
        cols = device_chunk(dev, spec, seed, np.arange(samples), replace(mc, drive=drive, trim=True, gain_trim=False), table,
                            circuit)
        out.append((k, float(np.mean(cols["usable"])), float(np.mean(cols["usable_ref"])), i_th, drive, ra, f))
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
    opt = RunOptions.given(options)
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
    base_firing = float(design_firing([device], [base_onset], mc)[0])  # the designs' own method: bit for bit
    if not math.isfinite(base_firing):
        raise ParameterError("device", device.name, "a device that fires in its circuit below 4 max(onset, drive / 2)")
    ratio = mc.drive / base_firing
    task = functools.partial(_design_task, device, spec, opt.seed, samples, mc, table, ratio, ra_min, x_name, y_name,
                             xs, ys)
    shape = plane.shape
    names = ("yields", "yields_ref", "onset", "drive", "RA", "firing")
    grids = {k: np.full(shape, np.nan) for k in names}

    def sink(rows: list[tuple[int, float, float, float, float, float, float]]) -> None:
        for k, *vals in rows:
            i, j = divmod(k, xs.size)
            for name, v in zip(names, vals, strict=True):
                grids[name][i, j] = v

    chunks = [np.arange(i * xs.size, (i + 1) * xs.size) for i in range(ys.size)]
    run_chunks(task, chunks, sink, workers=opt.local_workers, scheduler=opt.scheduler, progress=opt.progress)
    return YieldMap(x_name=x_name, y_name=y_name, x=xs, y=ys, samples=samples, drive_ratio=ratio, **grids)


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
