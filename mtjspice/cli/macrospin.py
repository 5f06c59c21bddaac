"""``mtjspice macrospin``: one square current pulse through one device, trajectory to CSV and PNG."""

from __future__ import annotations

import argparse
import warnings

import numpy as np

from ..errors import BreakdownWarning, ParameterError, printable
from ..io.columns import TRAJECTORY, pick
from ..io.outputs import write_csv
from ..params import load_device
from ..physics.llgs import junction_resistance
from .common import add_model_argument, add_out_argument, add_seed_argument, nonnegative_si, positive_si, si

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
                   help="python engine: add Brown's thermal field at the model's temperature (stochastic Heun, "
                        "0.1 ps step)")
    p.add_argument("--temperature", type=nonnegative_si("--temperature"), default=None, metavar="KELVIN",
                   help="temperature of Brown's thermal field in K, overriding the model file's: with the python "
                        "engine it implies --thermal; with ngspice the MTJ reads seeded noise samples (default: "
                        "ngspice runs a noiseless 0 K junction)")
    add_seed_argument(p, "the thermal noise")
    p.add_argument("--engine", choices=("python", "ngspice"), default="python",
                   help="python: the batched macrospin solver; ngspice: the stamped behavioral MTJ in ngspice")
    p.add_argument("--drive", choices=("current", "divider"), default="current",
                   help="ngspice engine: an ideal current (--current), or a voltage --vdd through --rref")
    p.add_argument("--vdd", type=si("--vdd"), default=None, metavar="VOLTS",
                   help="divider drive: source voltage in V during the pulse")
    p.add_argument("--rref", type=positive_si("--rref"), default=None, metavar="OHMS",
                   help="divider drive: reference resistor in Ohm between the source and the junction")
    p.add_argument("--preset", choices=("default", "accurate"), default="default",
                   help="ngspice engine: simulator option preset (accurate: about 10x smaller error, slower)")
    add_out_argument(p)
    p.set_defaults(run=run)


def check_pulse(t_on: float, t_stop: float, dt: float) -> None:
    """Reject inconsistent pulse timing, naming the option."""
    if t_on > t_stop:
        raise ParameterError("--t-on", t_on, f"a time <= --t-stop = {t_stop!r} s")
    if dt > t_stop:
        raise ParameterError("--dt", dt, f"a time <= --t-stop = {t_stop!r} s")


def _check_drive(args: argparse.Namespace) -> None:
    if args.drive == "divider":
        if args.engine != "ngspice":
            raise ParameterError("--drive", "divider", "'current' with --engine python (the divider needs ngspice)")
        if args.vdd is None or args.rref is None:
            raise ParameterError("--vdd/--rref", (args.vdd, args.rref), "both given with --drive divider")
    elif args.vdd is not None or args.rref is not None:
        raise ParameterError("--vdd/--rref", (args.vdd, args.rref), "only with --drive divider")
    if args.thermal and args.engine == "ngspice":
        raise ParameterError("--thermal", True, "only with --engine python (ngspice takes --temperature)")


def _check_cost(args: argparse.Namespace) -> None:
    """Refuse output that cannot fit in memory, and an ngspice run that cannot finish in time."""
    from ..budget import check_memory
    from ..circuits.cost import RunCost, check_cost
    from ..netlist.mtj import max_step

    samples = args.t_stop / args.dt + 1
    # t, m (3), R, current and voltage as float64, about three copies on the way to the CSV text
    check_memory(samples * 7 * 8 * 3, "--dt", args.dt, f"{samples:.3g} output samples",
                 "raise --dt or shorten --t-stop")
    if args.engine == "ngspice":
        points = args.t_stop / min(args.dt, max_step(args.preset)) + 1000
        # s of ngspice: 0.01 (default) or 0.04 (accurate) per simulated ns at the preset's step, about
        # 2e-5 per time point when a finer --dt sets the step (README, bench_spice)
        seconds = max((0.01 if args.preset == "default" else 0.04) * args.t_stop * 1e9, 2e-5 * points)
        check_cost(RunCost(points, points * 8 * 8 * 3, seconds + 0.3, seconds,
                           f"an ngspice run of {args.t_stop:.3g} s ({points:.3g} time points)"),
                   "--t-stop", args.t_stop, "shorten --t-stop")


def run_ngspice(args: argparse.Namespace) -> int:
    """The same pulse through the stamped behavioral MTJ in ngspice (batch mode)."""
    from ..netlist.testbench import mtj_testbench
    from ..plots.macrospin import plot_trajectory
    from ..sim import run_deck
    from ..stimulus import square_pulse

    device = load_device(args.model)
    amplitude = args.current if args.drive == "current" else args.vdd
    source = square_pulse(amplitude, args.t_on, edge=args.edge)
    deck = mtj_testbench(device, source, args.t_stop, args.dt, drive=args.drive, r_ref=args.rref or 0.0,
                         preset=args.preset, temperature=args.temperature, seed=args.seed)
    wf = run_deck(deck)
    t = np.arange(int(round(args.t_stop / args.dt)) + 1) * args.dt
    t = t[t <= args.t_stop * (1 + 1e-12)]
    sig = wf.at(t)
    m = np.column_stack([sig[f"v(x1.m{c})"] for c in "xyz"])
    current = sig["i(v.x1.vsense)"]
    v_j = sig["v(a)"]
    with np.errstate(divide="ignore", invalid="ignore"):
        r_direct = v_j / current
    r_state = np.array([junction_resistance(device, float(x)) for x in m @ np.asarray(device.p)])
    resistance = np.where(np.abs(current) > 1e-9, r_direct, r_state)
    vmax = float(np.max(np.abs(v_j)))
    if vmax > device.junction.breakdown_voltage:
        warnings.warn(BreakdownWarning(f"junction voltage reached {vmax:.3g} V, above its breakdown voltage "
                                       f"{device.junction.breakdown_voltage:.3g} V"), stacklevel=1)
    with args.output as tmp:
        write_csv(tmp / "trajectory.csv", pick(TRAJECTORY, ("t", "mx", "my", "mz", "R")), np.column_stack((t, m, resistance)))
        (tmp / "netlist.cir").write_text(deck.text(), encoding="utf-8")
        for name, text in deck.attachments.items():  # the noise samples netlist.cir reads
            (tmp / name).write_text(text, encoding="utf-8")
        plot_trajectory(t, m, current, tmp / "trajectory.png",
                        title=f"{device.name} in ngspice ({args.drive} drive, {args.preset} preset)")
    print(f"wrote {printable(args.out)}/trajectory.csv, trajectory.png and netlist.cir ({t.size} samples, "
          f"{wf.t.size} ngspice points); max |V_junction| = {vmax:.3g} V, "
          f"final m = ({m[-1, 0]:.3f}, {m[-1, 1]:.3f}, {m[-1, 2]:.3f})")
    return 0


def run(args: argparse.Namespace) -> int:
    from ..physics.solver import simulate, simulate_thermal
    from ..plots.macrospin import plot_trajectory
    from ..stimulus import square_pulse

    check_pulse(args.t_on, args.t_stop, args.dt)
    _check_drive(args)
    _check_cost(args)
    if args.engine == "ngspice":
        return run_ngspice(args)
    device = load_device(args.model)
    drive = square_pulse(args.current, args.t_on, edge=args.edge)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        if args.temperature is not None:
            device = device.replace(**{"material.temperature": args.temperature})
        if args.thermal or args.temperature is not None:
            traj = simulate_thermal(device, drive, args.t_stop, args.dt, seed=args.seed)
        else:
            traj = simulate(device, drive, args.t_stop, args.dt, rtol=args.rtol)
    for w in caught:  # shown after the run (and its progress bar), through the command line's printer
        warnings.showwarning(w.message, w.category, w.filename, w.lineno)
    m = traj.m[:, 0, :]
    with args.output as tmp:
        write_csv(tmp / "trajectory.csv", pick(TRAJECTORY, ("t", "mx", "my", "mz", "R")),
                  np.column_stack((traj.t, m, traj.resistance[:, 0])))
        plot_trajectory(traj.t, m, traj.current[:, 0], tmp / "trajectory.png",
                        title=f"{device.name}: I = {args.current:g} A for {args.t_on:g} s")
    print(f"wrote {printable(args.out)}/trajectory.csv and trajectory.png ({traj.t.size} samples); "
          f"max |V_junction| = {np.max(np.abs(traj.voltage)):.3g} V, "
          f"final m = ({m[-1, 0]:.3f}, {m[-1, 1]:.3f}, {m[-1, 2]:.3f})")
    return 0
