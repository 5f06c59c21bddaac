"""``mtjspice budget``: each physical effect against the easy-axis margin, and what it does to the onset and
the firing threshold (:mod:`mtjspice.montecarlo.margin`)."""

from __future__ import annotations

import argparse
import math

from ..circuits.breakdown import REFUSE_FACTOR
from ..errors import printable
from ..io.outputs import Column, write_csv
from ..montecarlo.budgetyield import BUDGET_SPREAD
from ..params import load_device
from .common import add_model_argument, add_out_argument, count, positive_si

HELP = "the margin budget: each effect's field scale against the easy-axis margin, and its onset and firing threshold"

#: The columns of budget.csv.
COLUMNS = (
    Column("effect", "", "row: 'none' (every effect off), one effect alone on at the device's value, 'oersted' "
           "(scale only: a macrospin feels no Oersted field), 'all' (the device as given)"),
    Column("field", "A/m", "the effect's field scale at --current (module mtjspice.montecarlo.margin); empty for "
           "none, all and bias_tmr"),
    Column("ratio", "1", "field over the easy-axis margin of the device with every effect off; empty where field is"),
    Column("temperature_rise", "K", "steady Joule heating of the junction at --current (joule_heating only; empty "
           "in the other rows)"),
    Column("tmr_loss", "1", "fraction of the TMR lost at the junction's bias at --current (bias_tmr only; empty in "
           "the other rows)"),
    Column("margin", "A/m", "easy-axis margin Ms (min(Nx, Ny) - Nz') of the row's device, K_i folded into Nz'"),
    Column("onset_pos", "A", "onset from rest for a positive DC current (magnitude); empty for oersted"),
    Column("onset_neg", "A", "onset from rest for a negative DC current (magnitude); empty for oersted"),
    Column("firing_pos", "A", "firing threshold, positive spikes, under the row device's own clocked read drive; "
           "inf when it does not fire up to 3 x its onset; empty for oersted"),
    Column("firing_neg", "A", "firing threshold, negative spikes (magnitude), as firing_pos; empty for oersted"),
    Column("tau_m", "s", "the LIF's time constant of the row's device: decay time of u after one clocked 5 ns pulse "
           "at --current from rest (module mtjspice.montecarlo.budgetyield); empty for oersted, with --samples 0 and "
           "where there is no onset"),
    Column("a2", "1/V", "the LIF's gain of the row's device from the same pulse: mean u over its last 2 ns / (R(u = 0) "
           "x mean junction current), a1 = 1; empty as tau_m"),
    Column("yield", "1", "usable fraction of --samples seeded samples of --sigma around the row's device at --current "
           "through its nominal circuit, clocked read, no trim (fires both signs, no wrong sign, relaxes, below "
           "breakdown; a sample outside the device limits fails); empty as tau_m"),
    Column("yield_lo", "1", "lower end of the yield's 95 % Wilson interval; empty as yield"),
    Column("yield_hi", "1", "upper end of the yield's 95 % Wilson interval; empty as yield"),
)


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("budget", help=HELP, description=HELP + ". Rows: every effect off, each effect the device "
                       "has alone on, the Oersted field (scale only), all on. Writes DIR/budget.csv (columns in "
                       "DIR/columns.csv), DIR/budget.png and DIR/report.txt. About 0.5 to 3 minutes per row with the yield.")
    add_model_argument(p)
    p.add_argument("--current", type=positive_si("--current", "A"), default=0.6e-3, metavar="AMPS",
                   help="working current for the effects' scales and the yield's drive in A (default 0.6m, the "
                   f"neuron's input); refused before any work above {REFUSE_FACTOR:g} x the device's breakdown "
                   "voltage / R_P (a unit slip: 0.6 is 0.6 A)")
    p.add_argument("--samples", type=count("--samples", 0, 100_000), default=500, metavar="N",
                   help="samples of each row's device-level yield (default 500; 0 skips the LIF and yield columns)")
    p.add_argument("--sigma", default=BUDGET_SPREAD, metavar="SPEC",
                   help=f"the yield's variation (default {BUDGET_SPREAD.replace('%', '%%')}, the network study's)")
    p.add_argument("--seed", type=count("--seed", 0, 2**32 - 1), default=0, metavar="N",
                   help="the yield's seed (default 0): sample i from (seed, i)")
    p.add_argument("--quiet", action="store_true", help="no progress lines and no progress messages")
    add_out_argument(p)
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from ..circuits.breakdown import check_test_drive
    from ..montecarlo.margin import margin_budget
    from ..physics.oersted import oersted_check
    from ..plots.margin import plot_margin

    device = load_device(args.model)
    check_test_drive(device, args.current, "--current", args.current)  # before any row runs

    def say(name: str) -> None:
        if not args.quiet:
            print(f"budget: {name}", flush=True)

    rows = margin_budget(device, args.current, progress=say, samples=args.samples, seed=args.seed, spread=args.sigma)
    table = [(r.effect, r.field, r.ratio, r.temperature_rise, r.tmr_loss, r.margin, r.onset_pos, r.onset_neg,
              r.firing_pos, r.firing_neg, r.tau_m, r.a2, r.yield_, r.yield_lo, r.yield_hi) for r in rows]
    lines = [f"margin budget of {printable(device.name)} at {args.current * 1e3:.3g} mA (SI units; mtjspice budget)",
             "macrospin validity: " + oersted_check(device, args.current).describe(), ""]
    lines.append(f"{'effect':<22}{'field A/m':>11}{'/margin':>9}{'margin A/m':>12}{'onset+ mA':>11}{'onset- mA':>11}"
                 f"{'fire+ mA':>10}{'fire- mA':>10}{'tau_m ns':>10}{'a2 1/V':>10}{'yield %':>9}{'95 % CI':>14}")
    for r in rows:
        lines.append(f"{r.effect:<22}{_f(r.field, 1, '.3g'):>11}{_f(r.ratio, 1, '.3g'):>9}{_f(r.margin, 1, '.4g'):>12}"
                     f"{_f(r.onset_pos, 1e3, '.4g'):>11}{_f(r.onset_neg, 1e3, '.4g'):>11}"
                     f"{_f(r.firing_pos, 1e3, '.4g'):>10}{_f(r.firing_neg, 1e3, '.4g'):>10}"
                     f"{_f(r.tau_m, 1e9, '.3g'):>10}{_f(r.a2, 1, '.3g'):>10}{_f(r.yield_, 100, '.3g'):>9}"
                     f"{_ci(r.yield_lo, r.yield_hi):>14}")
    if args.samples:
        lines.append(f"yield: {args.samples} samples of {printable(args.sigma)} (seed {args.seed}) around each row's "
                     f"device at {args.current * 1e3:.3g} mA, its own nominal circuit, clocked read, no trim")
    for r in rows:
        if math.isfinite(r.temperature_rise):
            lines.append(f"joule_heating: the junction warms by {r.temperature_rise:.3g} K at {args.current * 1e3:.3g} mA")
        if math.isfinite(r.tmr_loss):
            lines.append(f"bias_tmr: {100 * r.tmr_loss:.3g} % of the TMR is lost at the bias of {args.current * 1e3:.3g} "
                         "mA (the device-level onset and firing scans read the junction at zero bias: this loss acts "
                         "in the circuit, not in these columns)")
    with args.output as tmp:
        write_csv(tmp / "budget.csv", COLUMNS, table)
        measured = [r for r in rows if r.effect != "oersted"]
        plot_margin([r.effect for r in rows], [r.ratio for r in rows],
                    [(r.onset_pos, r.onset_neg) if r in measured else (math.nan, math.nan) for r in rows],
                    [(r.firing_pos, r.firing_neg) if r in measured else (math.nan, math.nan) for r in rows],
                    tmp / "budget.png")
        (tmp / "report.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
    print("\n".join(lines))
    return 0


def _f(v: float, scale: float, fmt: str) -> str:
    if math.isnan(v):
        return "-"
    if math.isinf(v):
        return "none"
    return format(v * scale, fmt)


def _ci(lo: float, hi: float) -> str:
    """A yield's Wilson interval in %, '-' where there is none."""
    return "-" if math.isnan(lo) else f"{100 * lo:.3g}-{100 * hi:.3g}"
