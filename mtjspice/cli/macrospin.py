"""``mtjspice macrospin``: one square current pulse through one device, trajectory to CSV and PNG."""

from __future__ import annotations

import argparse
import warnings

import numpy as np

from ..errors import ParameterError
from ..outputs import OutputDir, write_csv
from ..params import load_device
from .common import add_model_argument, positive_si, si

HELP = "simulate one current pulse through one MTJ (macrospin LLGS)"


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("macrospin", help=HELP, description=HELP + ". Writes DIR/trajectory.csv "
                       "(t,mx,my,mz,R in s, unit vector, Ohm) and DIR/trajectory.png.")
    add_model_argument(p)
    p.add_argument("--current", type=si("--current"), default=0.6e-3, metavar="AMPS",
                   help="pulse current in A, negative allowed; positive pushes m toward +p (default 0.6m)")
    p.add_argument("--t-on", type=positive_si("--t-on"), default=5e-9, metavar="SECONDS",
                   help="pulse length in s, current applied from 0 to t-on (default 5n)")
    p.add_argument("--t-stop", type=positive_si("--t-stop"), default=10e-9, metavar="SECONDS",
                   help="end of the simulation in s (default 10n)")
    p.add_argument("--dt", type=positive_si("--dt"), default=10e-12, metavar="SECONDS",
                   help="output interval in s (default 10p)")
    p.add_argument("--edge", type=positive_si("--edge"), default=10e-12, metavar="SECONDS",
                   help="fall time of the pulse's trailing edge in s (default 10p)")
    p.add_argument("--rtol", type=positive_si("--rtol"), default=1e-8, metavar="TOL",
                   help="relative tolerance of the deterministic integrator, dimensionless (default 1e-8)")
    p.add_argument("--thermal", action="store_true",
                   help="add Brown's thermal field at the model's temperature (stochastic Heun, 0.1 ps step)")
    p.add_argument("--seed", type=int, default=0, help="seed of the thermal noise (integer, default 0)")
    p.add_argument("--out", required=True, metavar="DIR", help="output folder (created; written whole or not at all)")
    p.set_defaults(run=run)


def check_pulse(t_on: float, t_stop: float, dt: float) -> None:
    """Reject inconsistent pulse timing, naming the option."""
    if t_on > t_stop:
        raise ParameterError("--t-on", t_on, f"a time <= --t-stop = {t_stop!r} s")
    if dt > t_stop:
        raise ParameterError("--dt", dt, f"a time <= --t-stop = {t_stop!r} s")


def run(args: argparse.Namespace) -> int:
    from ..physics.solver import simulate, simulate_thermal
    from ..plots import plot_trajectory
    from ..stimulus import square_pulse

    check_pulse(args.t_on, args.t_stop, args.dt)
    device = load_device(args.model)
    drive = square_pulse(args.current, args.t_on, edge=args.edge)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        if args.thermal:
            traj = simulate_thermal(device, drive, args.t_stop, args.dt, seed=args.seed)
        else:
            traj = simulate(device, drive, args.t_stop, args.dt, rtol=args.rtol)
    for w in caught:
        print(f"warning: {w.message}")
    m = traj.m[:, 0, :]
    with OutputDir(args.out) as tmp:
        write_csv(tmp / "trajectory.csv", ("t", "mx", "my", "mz", "R"),
                  np.column_stack((traj.t, m, traj.resistance[:, 0])))
        plot_trajectory(traj.t, m, traj.current[:, 0], tmp / "trajectory.png",
                        title=f"{device.name}: I = {args.current:g} A for {args.t_on:g} s")
    print(f"wrote {args.out}/trajectory.csv and trajectory.png ({traj.t.size} samples); "
          f"max |V_junction| = {np.max(np.abs(traj.voltage)):.3g} V, "
          f"final m = ({m[-1, 0]:.3f}, {m[-1, 1]:.3f}, {m[-1, 2]:.3f})")
    return 0
