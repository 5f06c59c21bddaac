"""``mtjspice window``: classify a plane of free-layer geometries as under / lif / over."""

from __future__ import annotations

import argparse
import json
import math
import os

from ..circuits.breakdown import REFUSE_FACTOR
from ..errors import printable
from ..io.columns import WINDOW, pick
from ..io.outputs import write_csv
from ..params import load_device
from .common import add_model_argument, add_out_argument, add_run_arguments, count, positive_si, run_options, seed, si

HELP = "map the dimension design window: sweep two of W, L, T and classify each geometry"


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("window", help=HELP, description=HELP + ". Standard test: a square pulse of current "
                       "density --J for --t-on from rest; 'lif' if u = m.p reaches --u-th during it and |u| < "
                       "--u-relax from --t-relax after it to the end; 'over' if it does not relax; 'under' if "
                       "it relaxes but never reaches --u-th. Writes DIR/window.csv (W,L,T,regime,breakdown; metres, "
                       "breakdown = 1 where the junction voltage passes its breakdown voltage; W > L "
                       "points omitted), DIR/window.png and DIR/boundaries.json (straight-line fits, m).")
    add_model_argument(p)
    p.add_argument("--fix", choices=("W", "L", "T"), default=None,
                   help="dimension held at the model's value; the other two are swept (required unless --plane)")
    p.add_argument("--points", type=count("--points"), default=None, metavar="N",
                   help="grid points per swept axis (default 40, 9 with --yield); 1 evaluates one geometry: the "
                        "device's own, or MIN of a MIN = MAX range")
    for name, (lo, hi) in (("W", (4e-9, 30e-9)), ("L", (15e-9, 75e-9)), ("T", (15e-9, 80e-9))):
        p.add_argument(f"--{name}-range", nargs=2, type=positive_si(f"--{name}-range"), default=None,
                       metavar=("MIN", "MAX"), help=f"sweep range of {name} in m (default {lo:g} {hi:g})")
    p.add_argument("--J", type=positive_si("--J"), default=1.7e12, metavar="A_PER_M2",
                   help="pulse current density in A/m^2 (default 1.7e12: 0.6 mA in the 10x45 nm pillar)")
    p.add_argument("--t-on", type=positive_si("--t-on"), default=10e-9, metavar="SECONDS",
                   help="pulse length in s (default 10n)")
    p.add_argument("--t-stop", type=positive_si("--t-stop"), default=20e-9, metavar="SECONDS",
                   help="run length in s (default 20n)")
    p.add_argument("--u-th", type=positive_si("--u-th"), default=0.3, metavar="U",
                   help="threshold on u (default 0.3)")
    p.add_argument("--t-relax", type=positive_si("--t-relax"), default=5e-9, metavar="SECONDS",
                   help="time after the pulse by which |u| < --u-relax, in s (default 5n)")
    p.add_argument("--u-relax", type=positive_si("--u-relax"), default=0.1, metavar="U",
                   help="relaxed bound on |u| (default 0.1)")
    p.add_argument("--rtol", type=positive_si("--rtol"), default=1e-6, metavar="TOL",
                   help="solver tolerance (default 1e-6)")
    add_run_arguments(p, chunk=(1000, "devices"), workers="parallel processes (default: number of CPUs)",
                      workers_default=os.cpu_count() or 1, scheduler="with --yield: run the designs on an existing Dask "
                      "cluster", quiet=True)
    y = p.add_argument_group("yield map (robust design): the Monte Carlo yield of every design of the plane")
    y.add_argument("--yield", dest="yield_map", action="store_true",
                   help="map the yield instead of the regimes: each design (its own nominal circuit, its drive "
                        "scaled to its firing threshold in that circuit, its RA to keep the junction voltage) gets "
                        "--samples draws of --sigma; "
                        "writes yield_map.csv, yield_map.png, yield_ref_map.png and robust.json")
    y.add_argument("--sigma", default=None, metavar="SPEC",
                   help="spreads for --yield, e.g. L=1n,W=1n,T=0.5n,Ms=3%%,RA=5%% (default: the device file's "
                        "[variation] table)")
    y.add_argument("--plane", default=None, metavar="X,Y",
                   help="the two design parameters of the yield map among W, L, T, Ku (default: the two --fix sweeps)")
    y.add_argument("--Ku-range", nargs=2, type=si("--Ku-range"), default=None, metavar=("MIN", "MAX"),
                   help="sweep range of an interface anisotropy Ku along z, J/m^3 (default 0 2e4)")
    y.add_argument("--samples", type=count("--samples", 1, 100_000), default=200, metavar="N",
                   help="Monte Carlo samples per design (default 200)")
    y.add_argument("--seed", type=seed(), default=0, metavar="N", help="seed of the samples (default 0)")
    y.add_argument("--drive", type=positive_si("--drive", "A"), default=None, metavar="AMPS",
                   help="the device's own drive in A (default 0.6m; the regime map's pulse is --J); each design's is "
                        f"scaled by its firing threshold; refused before any work above {REFUSE_FACTOR:g} x the "
                        "device's breakdown voltage / R_P (a unit slip: 0.6 is 0.6 A)")
    p.add_argument("--read", choices=("clocked", "dc"), default="clocked",
                   help="how a geometry is judged to fire: 'clocked' (default), under the nominal neuron circuit's "
                        "clocked read, both signs, u read at the comparators' strobes (the circuit's threshold; "
                        "characterises the device's onset for the circuit, about 2 x the time), or 'dc', u passing "
                        "--u-th under a plain pulse (the onset's picture)")
    add_out_argument(p)
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    if args.yield_map:
        from .windowyield import run_yield

        return run_yield(args)
    from ..errors import ParameterError as _PE

    if args.fix is None:
        raise _PE("--fix", None, "W, L or T: the dimension held (the other two are swept)")
    for opt, given in (("--sigma", args.sigma), ("--plane", args.plane), ("--Ku-range", args.Ku_range),
                       ("--drive", args.drive)):
        if given is not None:
            raise _PE(opt, given, "only with --yield")
    if args.points is None:
        args.points = 40
    from ..budget import check_memory, warn_time
    from ..characterize.window import REGIMES, WindowSpec, boundaries, plane_grid, sweep_plane, valid_count
    from ..device import LIMITS
    from ..errors import ParameterError
    from ..plots.window import plot_window
    from .progress import Progress

    n = args.points**2
    # Cost, before the grid exists: per geometry its dimensions, regime and trajectory summary
    # (about 200 bytes, a chunk's trajectories aside) and about 3 ms of solver per worker.
    check_memory(200.0 * n + args.chunk * 2e5, "--points", args.points, f"{n:.3g} geometries",
                 "use fewer --points or narrower ranges")
    per = 3e-3 * (2 if args.read == "clocked" else 1)  # s per geometry; the clocked read runs both signs
    warn_time(per * n / max(1, min(args.workers, os.cpu_count() or 1)), f"a window of {n:.3g} geometries",
              "use fewer --points")
    ranges = {}
    for name in ("W", "L", "T"):
        r = getattr(args, f"{name}_range")
        if r is not None:
            if not r[0] <= r[1]:
                raise ParameterError(f"--{name}-range", r, "MIN <= MAX (m)")
            low, high, _, why = LIMITS[f"geometry.{name}"]
            if not (low * (1 - 1e-9) <= r[0] and r[1] <= high * (1 + 1e-9)):
                raise ParameterError(f"--{name}-range", r, f"dimensions within {why}")
            ranges[name] = (r[0], r[1])
    spec = WindowSpec(J=args.J, t_on=args.t_on, t_stop=args.t_stop, u_th=args.u_th, t_relax=args.t_relax,
                      u_relax=args.u_relax, rtol=args.rtol)
    device = load_device(args.model)
    n_valid = valid_count(plane_grid(device, args.fix, points=args.points, ranges=ranges, spec=spec))
    circuit = None
    if args.read == "clocked":  # the nominal neuron's circuit (its onset characterised, logged)
        from ..circuits.neuronobject import Neuron

        circuit = Neuron.build(device).read_circuit()
    with Progress(n_valid, f"window ({args.fix} fixed)", enabled=not args.quiet) as bar:
        wmap = sweep_plane(device, args.fix, points=args.points, spec=spec, ranges=ranges,
                           options=run_options(args, progress=bar.update), circuit=circuit)
    lines = boundaries(wmap)
    g = device.geometry
    mark = {"W": g.W, "L": g.L, "T": g.T}
    report = {key: {"slope": v["slope"], "intercept_m": v["intercept"], "rms_m": v["rms"], "points": len(v["points"]),
                    "form": f"{wmap.y_name} = slope * {wmap.x_name} + intercept" if math.isfinite(v["slope"])
                    else f"{wmap.x_name} = intercept"} for key, v in lines.items()}
    report["counts"] = wmap.counts()  # type: ignore[assignment]
    report["spec"] = dict(spec.__dict__)  # type: ignore[assignment]
    report["read"] = args.read  # type: ignore[assignment]
    with args.output as tmp:
        frame = wmap.to_frame()
        write_csv(tmp / "window.csv", pick(WINDOW, frame.names), frame.rows())
        (tmp / "boundaries.json").write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
        plot_window(wmap, tmp / "window.png", lines, mark=(mark[wmap.x_name], mark[wmap.y_name]))
    counts = wmap.counts()
    print(f"{args.fix} = {wmap.fixed * 1e9:.3g} nm ({args.read} read): "
          + ", ".join(f"{k} {counts[k]}" for k in (*REGIMES, "invalid"))
          + f"; {counts['breakdown']} above the junction's breakdown voltage (marked in window.csv and window.png)")
    for key, v in lines.items():
        if math.isfinite(v["slope"]):
            print(f"  boundary {key}: {wmap.y_name} = {v['slope']:.3g} {wmap.x_name} + {v['intercept'] * 1e9:.3g} nm "
                  f"(rms {v['rms'] * 1e9:.2g} nm, {len(v['points'])} points)")
        else:
            print(f"  boundary {key}: {wmap.x_name} = {v['intercept'] * 1e9:.3g} nm")
    print(f"wrote {printable(args.out)}/window.csv, window.png, boundaries.json")
    return 0
