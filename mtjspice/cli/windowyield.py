"""``mtjspice window --yield``: the Monte Carlo yield over a plane of designs, and the robust design."""

from __future__ import annotations

import argparse
import json

import numpy as np

from ..errors import ParameterError, printable
from .common import json_default, run_options, variation_spec

__all__ = ["run_yield"]

#: Default sweep ranges of the design parameters (SI units).
DEFAULT_RANGES = {"W": (8e-9, 12e-9), "L": (42e-9, 48e-9), "T": (47e-9, 53e-9), "Ku": (0.0, 2e4)}
#: The device's own drive (A) when --drive is not given.
DEFAULT_DRIVE = 0.6e-3
UNITS = {"W": ("nm", 1e9), "L": ("nm", 1e9), "T": ("nm", 1e9), "Ku": ("kJ/m^3", 1e-3)}


def _plane(args: argparse.Namespace) -> tuple[str, str]:
    if args.plane is not None:
        names = [x.strip() for x in str(args.plane).split(",")]
        if len(names) != 2 or names[0] == names[1] or not all(n in DEFAULT_RANGES for n in names):
            raise ParameterError("--plane", args.plane, "two different names among W, L, T, Ku, e.g. Ku,L")
        return names[0], names[1]
    if args.fix is None:
        raise ParameterError("--fix", None, "W, L or T (the other two are the plane), or --plane X,Y")
    x, y = [a for a in ("W", "L", "T") if a != args.fix]
    return x, y


def _axis(args: argparse.Namespace, name: str, points: int) -> np.ndarray:
    from ..device import LIMITS

    r = getattr(args, f"{name}_range", None)
    lo, hi = DEFAULT_RANGES[name] if r is None else (r[0], r[1])
    if not lo <= hi:
        raise ParameterError(f"--{name}-range", r, "MIN <= MAX")
    if name != "Ku":
        low, high, _, why = LIMITS[f"geometry.{name}"]
        if not (low * (1 - 1e-9) <= lo and hi <= high * (1 + 1e-9)):
            raise ParameterError(f"--{name}-range", r, f"dimensions within {why}")
    if points == 1 or lo == hi:
        return np.array([0.5 * (lo + hi)])
    return np.linspace(lo, hi, points)


def _with_nominal(axis: np.ndarray, nominal: float) -> np.ndarray:
    """The axis with the nominal value added where it lies inside and is not a grid point already, so
    the map's nominal marker sits on a cell computed at the nominal design (between two grid points it
    sat on a neighbour's cell: a 28 % cell marked while the nominal yield was 1 %)."""
    if axis.size < 2 or not axis[0] <= nominal <= axis[-1]:
        return axis
    if np.any(np.isclose(axis, nominal, rtol=0.0, atol=1e-6 * float(np.ptp(axis)))):
        return axis
    return np.sort(np.append(axis, nominal))


def _at(grid: np.ndarray | None, i: int, j: int) -> float:
    """A design's value of an optional grid (nan without one)."""
    return float(grid[i, j]) if grid is not None else float("nan")


def run_yield(args: argparse.Namespace) -> int:
    from ..budget import warn_time
    from ..circuits.breakdown import check_test_drive
    from ..io.outputs import write_csv
    from ..montecarlo.columns import yield_map_columns
    from ..montecarlo.device import DeviceMC
    from ..montecarlo.robust import DesignPlane, design_device, robust_table, sensitivity, yield_map
    from ..montecarlo.run import wilson
    from ..montecarlo.scaleout import default_workers, reach_scheduler
    from ..params import load_device
    from ..plots.montecarlo import plot_yield_map
    from ..runoptions import RunOptions
    from .progress import Progress

    if args.scheduler is not None:  # before any work: a wrong address is said within seconds
        reach_scheduler(args.scheduler)
    x_name, y_name = _plane(args)
    points = 9 if args.points is None else args.points
    device = load_device(args.model)
    drive = DEFAULT_DRIVE if args.drive is None else args.drive
    check_test_drive(device, drive, "--drive", drive)  # the device's own, unclamped
    xs = _with_nominal(_axis(args, x_name, points), _value(device, x_name))
    ys = _with_nominal(_axis(args, y_name, points), _value(device, y_name))
    spec = variation_spec(args)
    spec.check(device)
    designs = xs.size * ys.size
    workers = args.workers if args.scheduler is None else None
    warn_time(designs * args.samples * 1.4e-3 / (workers or default_workers()) + 10,
              f"a yield map of {designs} designs x {args.samples} samples", "use fewer --points or --samples")
    table = robust_table(device, spec)
    mc = DeviceMC(drive=drive)
    with Progress(ys.size * xs.size, f"yield map ({x_name}, {y_name})", enabled=not args.quiet) as bar:
        ym = yield_map(device, spec, DesignPlane(x_name, xs, y_name, ys), args.samples, mc,
                       run_options(args, progress=bar.update), table=table)
    here = DesignPlane(x_name, np.array([_value(device, x_name)]), y_name, np.array([_value(device, y_name)]))
    nominal = yield_map(device, spec, here, args.samples, mc, RunOptions(seed=args.seed, workers=1), table=table)
    bi, bj = ym.best("yields")
    ri, rj = ym.best("yields_ref")
    best = design_device(device, {x_name: float(xs[bj]), y_name: float(ys[bi])})
    best_ref = design_device(device, {x_name: float(xs[rj]), y_name: float(ys[ri])})
    def ci(y: float) -> tuple[float, float] | None:
        return wilson(round(y * args.samples), args.samples) if np.isfinite(y) else None

    report = {
        "plane": [x_name, y_name], "variation": spec.describe(), "samples_per_design": args.samples, "seed": args.seed,
        "drive_ratio": ym.drive_ratio,
        "units": "SI (m, J/m^3, A, Ohm m^2) unless a key names its unit; yields are fractions 0..1 with their 95 % "
                 "Wilson score interval (_ci95) over samples_per_design",
        "nominal": {x_name: _value(device, x_name), y_name: _value(device, y_name), "yield": float(nominal.yields[0, 0]),
                    "yield_ci95": ci(float(nominal.yields[0, 0])), "yield_ref": float(nominal.yields_ref[0, 0]),
                    "yield_ref_ci95": ci(float(nominal.yields_ref[0, 0])), "onset": float(nominal.onset[0, 0]),
                    "firing": float(_at(nominal.firing, 0, 0)),
                    "sensitivity": _named(sensitivity(device, table))},
        "best": {x_name: float(xs[bj]), y_name: float(ys[bi]), "yield": float(ym.yields[bi, bj]),
                 "yield_ci95": ci(float(ym.yields[bi, bj])), "onset": float(ym.onset[bi, bj]), "RA": float(ym.RA[bi, bj]),
                 "firing": float(_at(ym.firing, bi, bj)),
                 "sensitivity": _named(sensitivity(best, table))},
        "best_with_reference_trim": {x_name: float(xs[rj]), y_name: float(ys[ri]),
                                     "yield_ref": float(ym.yields_ref[ri, rj]),
                                     "yield_ref_ci95": ci(float(ym.yields_ref[ri, rj])), "onset": float(ym.onset[ri, rj]),
                                     "firing": float(_at(ym.firing, ri, rj)),
                                     "RA": float(ym.RA[ri, rj]), "sensitivity": _named(sensitivity(best_ref, table))},
        "infeasible_designs": int(np.sum(~ym.feasible & np.isfinite(ym.onset))),
    }
    ux, fx = UNITS[x_name]
    uy, fy = UNITS[y_name]
    with args.output as tmp:
        frame = ym.to_frame()
        write_csv(tmp / "yield_map.csv", yield_map_columns(x_name, y_name, args.samples), frame.rows())
        (tmp / "robust.json").write_text(json.dumps(report, indent=2, default=json_default) + "\n", encoding="utf-8")
        mark = (_value(device, x_name) * fx, _value(device, y_name) * fy)
        for grid, name, title in ((ym.yields, "yield_map.png", "yield, nominal circuit per design"),
                                  (ym.yields_ref, "yield_ref_map.png", "yield after each neuron's reference trim")):
            i, j = np.unravel_index(int(np.argmax(np.nan_to_num(grid, nan=-1))), grid.shape)
            plot_yield_map(xs * fx, ys * fy, grid, tmp / name, x_label=f"{x_name} ({ux})", y_label=f"{y_name} ({uy})",
                           title=f"{device.name}: {title}\nsigma {spec.describe()}, {args.samples} samples per design",
                           mark=mark, best=(float(xs[j] * fx), float(ys[i] * fy)),
                           infeasible=~ym.feasible & np.isfinite(ym.onset))
    n, b, r = report["nominal"], report["best"], report["best_with_reference_trim"]
    print(f"{device.name}, {spec.describe()}: {designs} designs x {args.samples} samples, drive {report['drive_ratio']:.3g} "
          "x each design's firing threshold")
    lo, hi = n["yield_ci95"] or (np.nan, np.nan)
    print(f"  nominal ({_fmt(x_name, n[x_name])}, {_fmt(y_name, n[y_name])}): yield {100 * n['yield']:.1f} % (95 % CI "
          f"{100 * lo:.1f} to {100 * hi:.1f}), after reference trim {100 * n['yield_ref']:.1f} %; onset "
          f"{n['onset'] * 1e3:.3g} mA, firing threshold {n['firing'] * 1e3:.3g} mA")
    print(f"  best ({_fmt(x_name, b[x_name])}, {_fmt(y_name, b[y_name])}): yield {100 * b['yield']:.1f} %; onset "
          f"{b['onset'] * 1e3:.3g} mA, firing {b['firing'] * 1e3:.3g} mA, RA {b['RA'] * 1e12:.3g} Ohm um^2")
    print(f"  best with reference trim ({_fmt(x_name, r[x_name])}, {_fmt(y_name, r[y_name])}): "
          f"{100 * r['yield_ref']:.1f} %; onset {r['onset'] * 1e3:.3g} mA, firing {r['firing'] * 1e3:.3g} mA, "
          f"RA {r['RA'] * 1e12:.3g} Ohm um^2")
    for label, s in (("nominal", n["sensitivity"]), ("best", b["sensitivity"]), ("best (ref. trim)", r["sensitivity"])):
        print(f"  d(i_th)/dL {label}: {s['di_dL_mA_per_nm']:+.3g} mA/nm ({s['rel_di_dL_percent_per_nm']:+.3g} %/nm); dW "
              f"{s['rel_di_dW_percent_per_nm']:+.3g} %/nm, dT {s['rel_di_dT_percent_per_nm']:+.3g} %/nm")
    if report["infeasible_designs"]:
        print(f"  {report['infeasible_designs']} designs would need RA below 0.1 Ohm um^2 (counted as yield 0)")
    print(f"wrote {printable(args.out)}/yield_map.csv, yield_map.png, yield_ref_map.png, robust.json, columns.csv")
    return 0


def _named(sens: dict[str, float]) -> dict[str, float]:
    """The onset's sensitivities with their units in their names: SI, and as the console prints them."""
    out = {"i_th_A": sens["i_th"]}
    for x in ("W", "L", "T"):
        d, rel = sens[f"di_d{x}"], sens[f"rel_di_d{x}"]
        out.update({f"di_d{x}_A_per_m": d, f"di_d{x}_mA_per_nm": d * 1e-6, f"rel_di_d{x}_per_m": rel,
                    f"rel_di_d{x}_percent_per_nm": rel * 1e-7})
    return out


def _value(device, name: str) -> float:  # type: ignore[no-untyped-def]
    return float(device.field.Ku) if name == "Ku" else float(getattr(device.geometry, name))


def _fmt(name: str, v: float) -> str:
    unit, f = UNITS[name]
    return f"{name} = {v * f:.3g} {unit}"
