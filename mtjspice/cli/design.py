"""``mtjspice design``: search device and circuit knobs for the neuron that survives fabrication."""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

from ..errors import ParameterError, RunTimeoutError, printable, shown
from .common import (
    add_model_argument,
    add_out_argument,
    add_run_arguments,
    add_seed_argument,
    count,
    json_default,
    nonnegative_si,
    positive_si,
    variation_spec,
)

HELP = "design for yield: search device and circuit knobs for the highest yield under hard constraints"


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser(
        "design", help=HELP,
        description=HELP + ". NSGA-II (Optuna, seeded) proposes designs a generation at a time: the device (W, L, T, "
        "Ku, RA, TMR, Ms; on a device with interface anisotropy Ki, the barrier interface's K_i, 0-1.3 mJ/m^2, in "
        "place of Ku; on a tapered pillar its taper, 0-5 degrees; a knob whose effect the device lacks cannot be "
        "named) and the circuit (test input, read current, read-out level, threshold u_th, read clock "
        "and window, refractory time, the input limiter's compliance, the trim). Each design runs --samples "
        "device-level Monte Carlo samples of --sigma (sample i from (--seed, i), the same draws for every design) "
        "as the Monte Carlo does, with comparator offsets; objectives: yield, input window, rate levels, energy per "
        "spike, junction area; hard constraints: no junction above breakdown at the limiter's compliance, the test "
        "input within it, the energy budget. Designs run as tasks on a local Dask cluster (or --scheduler); the "
        "study is kept in DIR.study beside --out, so a killed search restarted with the same arguments resumes "
        "without recomputing a finished design, and a later run with more --designs extends it. Writes "
        "DIR/designs.csv (every design; columns.csv describes each column), best/device.toml, best/settings.toml, "
        "sensitivity.csv, report.md with pareto.png, chosen_vs_paper.png, sensitivity.png, summary.json.")
    add_model_argument(p)
    p.add_argument("--sigma", default=None, metavar="SPEC",
                   help="spreads, e.g. L=1n,W=1n,T=0.5n,Ms=3%%,RA=5%%; default: the device file's [variation] table")
    p.add_argument("--designs", type=count("--designs", 1, 100_000), default=20, metavar="N",
                   help="designs to evaluate in all (default 20; a resumed search counts its finished ones)")
    p.add_argument("--samples", type=count("--samples", 10, 1_000_000), default=200, metavar="M",
                   help="Monte Carlo samples per design (default 200)")
    p.add_argument("--population", type=count("--population", 2, 10_000), default=10, metavar="N",
                   help="designs per generation of NSGA-II (default 10)")
    add_seed_argument(p, "the samples and the search")
    p.add_argument("--offset", type=nonnegative_si("--offset"), default=5e-3, metavar="VOLTS",
                   help="comparator offset sigma per threshold in V (default 5m)")
    p.add_argument("--temperature", type=nonnegative_si("--temperature"), default=300.0, metavar="KELVIN",
                   help="device temperature in K (default 300; the device-level test itself is noiseless)")
    p.add_argument("--energy-budget", type=positive_si("--energy-budget"), default=1e-12, metavar="JOULES",
                   help="largest energy per spike in J (default 1p)")
    p.add_argument("--rate-min", type=positive_si("--rate-min"), default=10e6, metavar="HZ",
                   help="slowest rate counted as a level, in Hz (default 10meg)")
    p.add_argument("--levels-min", type=count("--levels-min", 0, 10_000), default=0, metavar="N",
                   help="hard constraint: at least N distinguishable rate levels (default 0: none; issue #27 asks 8)")
    p.add_argument("--breakdown-samples", type=count("--breakdown-samples", 0, 10_000_000), default=100_000,
                   metavar="N", help="samples over which the breakdown constraint takes the highest R_AP (their "
                   "W, L, RA, TMR only; default 100000, the verification's device level; 0: the --samples only)")
    p.add_argument("--range", default=None, metavar="RANGES",
                   help="knob bounds replacing the defaults, e.g. L=40n:50n,Ku=0:2e4 (SI units; a knob named here "
                        "joins the device's default knobs); every knob's bounds are checked before any work against "
                        "the limits a device file is held to and what a neuron's settings accept (Ki=0:1.3 is 1.3 "
                        "J/m^2, refused: 1.3m is meant; clock_period=1:2 is 1 to 2 s, refused: 1n:2n is meant)")
    p.add_argument("--only", default=None, metavar="KNOBS",
                   help="search only these knobs, e.g. L,Ku,drive_ratio,trim (the others keep the device's values "
                        "and the circuit's defaults)")
    p.add_argument("--start", default=None, metavar="DIR",
                   help="a known design (a best/ folder: device.toml, settings.toml, design.toml), evaluated first so "
                        "the search breeds from it; the knobs --only leaves out keep its values")
    p.add_argument("--objectives", default=None, metavar="NAMES",
                   help="the objectives the search optimises, e.g. yield or yield,window (default all: yield, window, "
                        "levels, energy, footprint); every one is reported either way")
    add_run_arguments(p, store="folder of the study (default: DIR.study beside --out); kept, so the same command "
                               "resumes")
    add_out_argument(p)
    p.set_defaults(run=run)


def _space(args: argparse.Namespace, device):  # type: ignore[no-untyped-def]
    from ..design.space import SearchSpace, space_for

    only = [n.strip() for n in str(args.only).split(",") if n.strip()] if args.only else None
    return space_for(device, only, SearchSpace.parse_ranges(args.range) if args.range else None)


def _objectives(args: argparse.Namespace) -> list[int] | None:
    from ..design.neuron import OBJECTIVES

    if args.objectives is None:
        return None
    names = [o.name for o in OBJECTIVES]
    wanted = [n.strip() for n in str(args.objectives).split(",") if n.strip()]
    if not wanted or any(n not in names for n in wanted) or len(set(wanted)) != len(wanted):
        raise ParameterError("--objectives", args.objectives, "distinct names among " + ", ".join(names))
    return [names.index(n) for n in wanted]


def start_params(folder: str, spec) -> dict[str, object]:  # type: ignore[no-untyped-def]
    """Every knob of the design in ``folder`` (device.toml, settings.toml, design.toml's test input and trim)."""
    from ..circuits.settings import NeuronSettings
    from ..design.space import check_start
    from ..design.verify import VerifySpec, design_params
    from ..io.settingsfile import read_settings
    from ..params import load_device
    from .verify import design_file, design_value

    d = Path(folder)
    if not (d / "device.toml").is_file() or not (d / "settings.toml").is_file():
        raise ParameterError("--start", folder, "a design folder holding device.toml, settings.toml and design.toml")
    table = design_file(d)
    if "drive" not in table:
        raise ParameterError("--start", folder, "a design folder whose design.toml states the test input (drive)")
    try:  # a value the settings or the test refuse: named as --start, with the file and the key
        where = d / "settings.toml"
        settings = NeuronSettings(**read_settings(str(where)))
        where = d / "design.toml"
        vs = VerifySpec(spec=spec, drive=float(design_value(table, "drive", None, d)),
                        trim=design_value(table, "trim", "none", d), dac_bits=design_value(table, "dac_bits", 8, d))
    except ParameterError as exc:
        key = exc.name.rsplit(": ", 1)[-1]  # read_settings and design_value name "FILE: [neuron.]KEY"
        raise ParameterError("--start", f"{where}: {key} = {shown(exc.value)}", exc.allowed) from None
    if settings.i_th is None:
        raise ParameterError("--start", folder, "a settings.toml stating the design's onset i_th")
    device = load_device(str(d / "device.toml"))
    params = design_params(device, settings, vs)
    check_start(device, params, f"{folder}: ")
    return params


def paper_params(device, i_th: float) -> dict[str, object]:  # type: ignore[no-untyped-def]
    """The paper's neuron as a design: the device as it is, the default circuit, 0.6 mA test input,
    its working range's top (0.65 mA) as the largest input, no trim."""
    from ..design.space import DEVICE_KNOBS

    out: dict[str, object] = {}
    for k in DEVICE_KNOBS:
        section, leaf = k.key.split(".")
        out[k.name] = float(getattr(getattr(device, section), leaf))
    out.update({"drive_ratio": 0.6e-3 / i_th, "read_ratio": 0.25, "v_mid": 0.65, "u_th": 0.3, "clock_period": 1e-9,
                "read_width": 0.2e-9, "t_refractory": 1.5e-9, "clamp_ratio": 0.65e-3 / i_th, "trim": "none"})
    return out


def run(args: argparse.Namespace) -> int:
    import functools

    from ..design.engine import search, start_point
    from ..design.neuron import OBJECTIVES, DesignSpec, evaluate_design
    from ..design.report import write_report
    from ..montecarlo.robust import robust_table
    from ..montecarlo.scaleout import check_scheduler
    from ..params import load_device
    from ..physics.batch import DeviceBatch
    from .progress import Progress

    if args.scheduler is not None:
        check_scheduler(args.scheduler)
    device = load_device(args.model)
    spec = variation_spec(args)
    spec.check(device)
    space = _space(args, device)
    use = _objectives(args)  # checked before the onset table is built
    start = start_params(args.start, spec) if args.start else {}
    if start:  # within the searched bounds, said before the onset table is built (the search checks it too)
        start_point(space, start)
    fixed = {k: v for k, v in start.items() if k not in space.names}
    out = Path(args.out)
    store = Path(args.store) if args.store else out.parent / (out.name + ".study")
    if store.resolve() == out.resolve():
        raise ParameterError("--store", args.store, "a folder other than --out")
    t0 = time.monotonic()
    table = robust_table(device, spec)
    ds = DesignSpec(device, spec, args.samples, args.seed, table, offset_sigma=args.offset,
                    temperature=args.temperature, energy_budget=args.energy_budget, rate_min=args.rate_min,
                    levels_min=args.levels_min, breakdown_samples=args.breakdown_samples,
                    fixed=fixed)
    workers = args.workers if args.scheduler is None else None
    try:
        with Progress(args.designs, "design search", enabled=not args.quiet) as bar:
            result = search(functools.partial(evaluate_design, ds), space, OBJECTIVES, args.designs, store,
                            seed=args.seed, population=args.population, identity=ds.identity(),
                            reset=args.overwrite, workers=workers, scheduler=args.scheduler, progress=bar.update,
                            use=use, start=[start] if start else ())
    except (RunTimeoutError, KeyboardInterrupt):
        print(f"mtjspice design: the finished designs are kept in {printable(store)}; the same command resumes "
              "from them", file=sys.stderr)
        raise
    i0 = float(table.onset(DeviceBatch.from_device(device, theta0=0.0))[0][0])
    pp = paper_params(device, i0)
    paper = evaluate_design(ds, -1, pp)
    command = "mtjspice " + " ".join(sys.argv[1:]) if sys.argv[1:] and sys.argv[1] == "design" else "mtjspice design"
    with args.output as tmp:
        try:
            summary = write_report(tmp, result, space, ds, paper, pp, command, time.monotonic() - t0)
        except ParameterError as exc:  # no design is a device: the --range the user gave, if any, is at fault
            if exc.name == "range":
                if args.range:
                    raise ParameterError("--range", args.range, exc.allowed) from None
                raise ParameterError("design search", "the default bounds", f"{exc.allowed}; move them with "
                                     "--range") from None
            raise
        (tmp / "summary.json").write_text(json.dumps(summary, indent=2, default=json_default) + "\n", encoding="utf-8")
    lo, hi = summary["yield_ci95"]
    print(f"{device.name}, {spec.describe()}: {summary['designs']} designs x {args.samples} samples "
          f"({summary['designs'] - summary['computed']} resumed), {summary['feasible']} feasible")
    print(f"  chosen design {summary['best']} ({'feasible' if summary['best_feasible'] else 'NOT feasible: ' + summary['why']}): "
          f"yield {100 * summary['yield']:.1f} % (95 % CI {100 * lo:.1f} to {100 * hi:.1f}); the paper's device "
          f"{100 * summary['paper']['yield']:.1f} %")
    if summary["broken"]:
        print("  constraints broken (designs): " + ", ".join(f"{k} {v}" for k, v in summary["broken"].items()))
    print(f"wrote {printable(args.out)}/designs.csv, report.md, best/device.toml, best/settings.toml; study kept in "
          f"{printable(store)}")
    return 0
