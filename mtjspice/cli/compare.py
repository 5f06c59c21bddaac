"""``mtjspice compare``: the orthogonal and the parallel design on the same inputs, against the LIF."""

from __future__ import annotations

import argparse
import json

from ..circuits.breakdown import REFUSE_FACTOR
from ..errors import printable
from ..io.columns import compare_columns
from ..io.outputs import write_csv
from ..params import load_device
from .common import add_out_argument, add_seed_argument, count, positive_si

HELP = "drive two designs with the same random signed trains and give each its best-LIF error"


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("compare", help=HELP, description=HELP + ". Writes DIR/compare.json (per design: nrmse = "
                       "RMS error of its best LIF / range of its u, r2, fitted parameters in SI units), "
                       "DIR/compare.png (input, both designs' u = m.p and the ideal LIF) and DIR/compare.csv.")
    p.add_argument("ortho", metavar="ORTHO.toml", help="orthogonal design (the reference for the ideal LIF)")
    p.add_argument("parallel", metavar="PARALLEL.toml", help="parallel design")
    p.add_argument("--trains", type=count("--trains", 1, 1000), default=3, metavar="N",
                   help="number of random signed trains (default 3)")
    p.add_argument("--t-stop", type=positive_si("--t-stop"), default=40e-9, metavar="SECONDS",
                   help="length of the trains in s (default 40n)")
    p.add_argument("--i-lo", type=positive_si("--i-lo", "A"), default=0.45e-3, metavar="AMPS",
                   help="smallest input magnitude in A (default 0.45m)")
    p.add_argument("--i-hi", type=positive_si("--i-hi", "A"), default=1.2e-3, metavar="AMPS",
                   help=f"largest input magnitude in A (default 1.2m); refused before any work above {REFUSE_FACTOR:g} x either "
                        "device's breakdown voltage / R_P (a unit slip: 1.2 is 1.2 A)")
    add_seed_argument(p, "the random trains")
    add_out_argument(p)
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    import numpy as np

    from ..characterize.compare import compare_designs
    from ..circuits.breakdown import check_test_drive
    from ..errors import ParameterError
    from ..plots.compare import plot_comparison

    if args.trains < 1:
        raise ParameterError("--trains", args.trains, "an integer >= 1")
    if args.i_lo > args.i_hi:
        raise ParameterError("--i-lo", args.i_lo, f"a current <= --i-hi = {args.i_hi!r} A")
    ortho, par = load_device(args.ortho), load_device(args.parallel)
    for dev in (ortho, par):  # the largest input reaches both junctions
        check_test_drive(dev, args.i_hi, "--i-hi", args.i_hi, hint="check the unit (1.2m is 1.2 mA, 1.2 is 1.2 A); "
                         f"the junction is {printable(dev.name)}'s")
    if ortho.name == par.name:
        par = par.replace(name=par.name + "_2")
    cmp = compare_designs([ortho, par], n_trains=args.trains, t_stop=args.t_stop, i_lo=args.i_lo, i_hi=args.i_hi,
                          seed=args.seed)
    summary = cmp.summary()
    header = ["t", "I"] + [f"u_{d.name}" for d in cmp.designs] + ["u_lif"]
    cols = [cmp.t, cmp.current[:, 0]] + [d.u[:, 0] for d in cmp.designs] + [cmp.u_lif[:, 0]]
    with args.output as tmp:
        (tmp / "compare.json").write_text(json.dumps(summary, indent=2) + "\n", encoding="utf-8")
        write_csv(tmp / "compare.csv", compare_columns(header), np.column_stack(cols))
        plot_comparison(cmp, tmp / "compare.png")
    for name, s in summary.items():
        print(f"{name}: best-LIF nrmse = {s['nrmse']:.4f}, R^2 = {s['r2']:.4f}, tau_m = {s['tau_m'] * 1e9:.3g} ns; "
              f"junction up to {s['v_max']:.3g} V (breakdown {s['breakdown_voltage']:g} V)")
    print(f"wrote {printable(args.out)}/compare.json, compare.csv, compare.png")
    return 0
