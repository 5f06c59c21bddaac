"""``mtjspice power``: energy by part against array size, simulated and fitted, extrapolated."""

from __future__ import annotations

import argparse
import sys
import warnings

import numpy as np

from ..errors import ParameterError, printable
from ..io.outputs import write_csv
from ..params import load_device
from ..units import parse_count
from .array import add_array_options, check_i_th, settings_from_args
from .common import add_model_argument, add_out_argument, count, positive_si

HELP = "peripheral power: energy per part of n x n neuron arrays against n, simulated and a fitted model"


def _sizes(option: str):  # type: ignore[no-untyped-def]
    def convert(text: str) -> list[int]:
        allowed = "comma-separated whole numbers >= 1 (SPICE suffixes allowed: 1,4,16,1k)"
        try:
            vals = [parse_count(x, option, 1) for x in text.split(",") if x.strip()]
        except ParameterError:
            vals = []
        if not vals:
            raise argparse.ArgumentTypeError(str(ParameterError(option, text, allowed)))
        return vals

    return convert


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("power", help=HELP, description=HELP + ". Each size n is an n x n array under the same "
                       "workload (all inputs pulse in step every 10 ns; weights normalised by fan-in so every "
                       "neuron receives about 0.6 mA while they are on). Sizes up to --max-sim are simulated; "
                       "the per-part model (crossbar a M + b N M, drivers a N + b N M, neuron parts a M) is fitted "
                       "to them and evaluated at every size. Writes DIR/energy_by_size.csv, fit.csv, "
                       "fit_error.csv, power.png and report.txt.")
    add_model_argument(p)
    p.add_argument("--sizes", type=_sizes("--sizes"), default=[1, 4, 16, 64], metavar="LIST",
                   help="array sizes n, comma-separated (default 1,4,16,64)")
    p.add_argument("--max-sim", type=count("--max-sim"), default=16, metavar="N",
                   help="simulate sizes up to N, model the larger ones (default 16)")
    p.add_argument("--t-stop", type=positive_si("--t-stop", "s"), default=30e-9, metavar="SECONDS",
                   help="simulated time per size in s (default 30n)")
    add_array_options(p)
    add_out_argument(p)
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from ..analysis.power import BASES
    from ..circuits.cost import check_cost, describe, is_big
    from ..circuits.neuronobject import Neuron
    from ..circuits.power import power_sweep, sweep_cost
    from ..errors import CostWarning
    from ..io import columns as cols
    from ..plots.power import plot_power
    from ..results import ARRAY_PARTS
    from ..runoptions import RunOptions
    from .progress import Progress

    ns, st = settings_from_args(args, 8e-9)
    sim_sizes = sorted({n for n in args.sizes if n <= args.max_sim})
    if len(sim_sizes) < 2:
        raise ParameterError("--sizes", args.sizes, f"at least two sizes <= --max-sim {args.max_sim} to fit the model")
    device = load_device(args.model)
    neuron = Neuron.build(device, ns)  # characterises the device when no --i-th is given (said on stderr)
    check_i_th(args, device, neuron.circuit, override=None)  # power has no --allow-breakdown
    cost = sweep_cost(neuron, sim_sizes, args.t_stop, st, args.workers)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", CostWarning)  # said below, in full
        check_cost(cost, "--max-sim", args.max_sim, "simulate smaller sizes (--max-sim) and let the fitted model "
                   "extrapolate")
    if is_big(cost):
        print(f"mtjspice power: estimate: {describe(cost)}", file=sys.stderr, flush=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", CostWarning)
        with Progress(len(sim_sizes), "power", enabled=not args.quiet) as bar:
            sweep = power_sweep(neuron, sim_sizes, args.t_stop, st,
                                RunOptions(workers=args.workers, progress=bar.update))
    all_sizes = sorted(set(args.sizes) | set(sim_sizes))
    err = sweep.fit_error()
    rows = []
    for n in all_sizes:
        if n in sweep.sizes:
            e = sweep.energy[sweep.sizes.index(n)]
            rows.append((n, "simulated", *map(float, e), float(e.sum()), *map(float, e / e.sum())))
        mod = sweep.model(n)
        rows.append((n, "model", *map(float, mod), float(mod.sum()), *map(float, mod / mod.sum())))
    with args.output as tmp:
        write_csv(tmp / "energy_by_size.csv", cols.pick(cols.POWER_BY_SIZE, ("n", "source", *ARRAY_PARTS, "total",
                                                                            *(f"share_{p}" for p in ARRAY_PARTS))), rows)
        write_csv(tmp / "fit.csv", cols.pick(cols.POWER_FIT, ("part", "term", "joules_per_count")),
                  [(p, b, float(c)) for p in ARRAY_PARTS for b, c in zip(BASES[p], sweep.coef[p], strict=True)])
        write_csv(tmp / "fit_error.csv", cols.pick(cols.POWER_FIT_ERROR, ("n", *ARRAY_PARTS, "total")),
                  [(n, *map(float, e)) for n, e in zip(sweep.sizes, err, strict=True)])
        plot_power(sweep, all_sizes, tmp / "power.png")
        (tmp / "report.txt").write_text(report_text(sweep, all_sizes, ns.mtj), encoding="utf-8")
    worst = float(np.nanmax(np.abs(err[:, -1])))
    print(f"wrote {printable(args.out)}: simulated n = {','.join(map(str, sweep.sizes))}; fitted model's total energy within "
          f"{100 * worst:.2g} % of the simulations")
    return 0


def report_text(sweep, sizes: list[int], mtj: str = "macrospin") -> str:  # type: ignore[no-untyped-def]
    from ..analysis.power import BASES
    from ..io.reports import validity
    from ..results import ARRAY_PARTS

    err = sweep.fit_error()
    lines = [f"mtjspice power: n x n arrays, {sweep.t_stop:g} s each; simulated n = "
             f"{', '.join(map(str, sweep.sizes))} ({', '.join(f'{w:.1f} s' for w in sweep.walls)} wall)", "",
             "share of the energy per part (%), simulated (s) or model (m):",
             f"{'n':>6s} {'':2s} " + " ".join(f"{p[:10]:>10s}" for p in ARRAY_PARTS) + f" {'total J':>11s}"]
    for n in sizes:
        srcs = [("s", sweep.energy[sweep.sizes.index(n)])] if n in sweep.sizes else []
        for tag, e in [*srcs, ("m", sweep.model(n))]:
            lines.append(f"{n:6d} {tag:2s} " + " ".join(f"{100 * v / e.sum():10.2f}" for v in e) + f" {e.sum():11.4g}")
    lines += ["", "fitted model (J per count; N inputs, M neurons):"]
    for p in ARRAY_PARTS:
        lines.append(f"  {p:16s} " + " + ".join(f"{c:.4g} {b}" for c, b in zip(sweep.coef[p], BASES[p], strict=True)))
    lines += ["", "relative error of the model at the simulated sizes (model / simulated - 1):",
              f"{'n':>6s} " + " ".join(f"{p[:10]:>10s}" for p in ARRAY_PARTS) + f" {'total':>10s}"]
    for n, e in zip(sweep.sizes, err, strict=True):
        lines.append(f"{n:6d} " + " ".join(f"{v:10.2e}" if np.isfinite(v) else " " * 10 for v in e))
    if not np.all(np.isfinite(err)):
        lines.append("  (a blank cell: the part's simulated energy is 0, so it has no relative error)")
    lines += ["", f"validity: every junction a {validity(mtj)}; ideal column virtual grounds and mirrors (supply "
              "cost not modelled); the model extrapolates the simulated trend and cannot show effects absent at the "
              "simulated sizes (wire IR drop, driver sag)."]
    return "\n".join(lines) + "\n"
