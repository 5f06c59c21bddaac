"""``mtjspice neuron``: the whole signed LIF neuron as an ngspice circuit; spikes, timing, energy."""

from __future__ import annotations

import argparse
import os
import sys
import threading
import warnings
from typing import Any

import numpy as np

from ..errors import ParameterError, printable
from ..io.outputs import write_csv
from ..params import load_device
from .common import (
    KELVIN_HELP,
    add_breakdown_argument,
    add_comparator_argument,
    add_model_argument,
    add_mtj_argument,
    add_out_argument,
    add_seed_argument,
    count,
    kelvin,
    mtj_settings,
    si,
)

HELP = "simulate the signed LIF neuron circuit in ngspice (readout, comparators, reset, energy)"


def _choice(option: str, allowed: tuple[str, ...]):  # type: ignore[no-untyped-def]
    def convert(text: str) -> str:
        if text not in allowed:
            raise argparse.ArgumentTypeError(str(ParameterError(option, text, " or ".join(map(repr, allowed)))))
        return text

    return convert


def _given(args: argparse.Namespace, options: tuple[str, ...], fallback: tuple[str, object]) -> tuple[str, object]:
    """The first of ``options`` the user gave, with its value; else ``fallback`` (option, value)."""
    for opt in options:
        value = getattr(args, opt[2:].replace("-", "_"), None)
        if value is not None:
            return opt, value
    return fallback


def _currents(text: str) -> list[float]:
    """argparse type of --currents: a comma-separated list of currents (A), SPICE suffixes allowed."""
    from ..units import parse_si

    items = [x.strip() for x in text.split(",")]
    if not any(items) or len(items) > 1000:
        raise argparse.ArgumentTypeError(str(ParameterError("--currents", text, "1 to 1000 comma-separated currents in A "
                                                            "(e.g. 0.5m,0.6m,-0.6m)")))
    try:
        return [parse_si(x, "--currents", "A") for x in items]
    except ParameterError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("neuron", help=HELP, description=HELP + ". Writes DIR/netlist.cir (runs with ngspice -b), "
                       "waveforms.csv, spikes.csv (t,polarity), energy.csv (part,joules), report.txt, neuron.png "
                       "and, with --fi, fi_curve.csv and fi_curve.png (at temperature also fi_trials.csv: current A, "
                       "seed, rate 1/s, wrong_sign_spikes, v_junction_max V; one row per finished trial). With "
                       "--temperature: noise_mtj.txt (the seeded samples netlist.cir reads), trials.csv (one row per "
                       "seed) and trials.png.")
    add_model_argument(p)
    p.add_argument("--input", default="default", metavar="SPEC",
                   help="input current (A, s): default (positive then negative steps), dc:I, "
                        "pulse:I,T_ON,T_OFF[,DELAY], step:I,T_ON[,DELAY] or pwl:FILE.csv (columns t,I)")
    p.add_argument("--t-stop", type=si("--t-stop", "s"), default=None, metavar="SECONDS",
                   help="end of the simulation in s, and of each --fi run (default 110n for the default input, "
                        "else 100n; 100n for the F-I runs)")
    add_comparator_argument(p, "behavioral (B-sources with a supply-current model) or cmos (PTM 45 nm BSIM4)")
    p.add_argument("--reset", type=_choice("--reset", ("leak", "active")), default="leak",
                   help="leak (input gated off, damping relaxes) or active (opposite current pulse)")
    p.add_argument("--u-th", type=si("--u-th"), default=None, metavar="U",
                   help="membrane threshold |m_y| that sets both voltage thresholds (default 0.3)")
    for opt, unit, what in (("--v-hi", "V", "upper threshold on the readout"),
                            ("--v-lo", "V", "lower threshold on the readout"),
                            ("--r-ref", "Ohm", "divider reference resistor"),
                            ("--v-read", "V", "divider read bias"),
                            ("--i-read", "A", "read current used to derive r-ref and v-read"),
                            ("--i-th", "A", "onset current (default: from a macrospin scan)"),
                            ("--t-refractory", "s", "refractory time (one-shot width at half height; 2.51n leak, 1.51n active)"),
                            ("--i-reset", "A", "active-reset current magnitude"),
                            ("--i-trim", "A", "read-disturbance compensation current"),
                            ("--clock-period", "s", "read-clock period"),
                            ("--read-width", "s", "read window")):
        p.add_argument(opt, type=si(opt, unit), default=None, metavar=unit, help=f"{what} in {unit} (default derived)")
    p.add_argument("--settings", default=None, metavar="FILE",
                   help="a settings file ([neuron] table of values in SI units, as mtjspice design writes in "
                        "best/settings.toml); the options above override it")
    add_mtj_argument(p)
    add_breakdown_argument(p)
    p.add_argument("--fi", action="store_true", help="also sweep DC input for the firing-rate curve, both signs "
                   "(at temperature: --trials runs per current, with the spread, a progress bar per trial, and "
                   "fi_trials.csv with one row per trial; a sweep stopped by --timeout writes the trials that "
                   "finished, names the missing ones and exits with status 1). Each F-I run lasts --t-stop "
                   "(default 100n)")
    p.add_argument("--currents", type=_currents, default=None, metavar="LIST",
                   help="with --fi: the DC inputs to sweep in A, comma-separated, SPICE suffixes allowed, signs as "
                        "given (e.g. 0.5m,0.6m,-0.6m; default: six from 1.3 to 1.75 x the onset current, both signs)")
    p.add_argument("--temperature", type=kelvin(), default=None, metavar="KELVIN",
                   help=f"temperature of the MTJ's thermal field {KELVIN_HELP} (Brown's field from seeded samples; default: "
                        "none, a noiseless 0 K junction; the device file's temperature is not used)")
    add_seed_argument(p, "the thermal noise (trial k uses seed + k)")
    p.add_argument("--trials", type=count("--trials", 1, 10000), default=1, metavar="K",
                   help="seeded runs at --temperature, in parallel processes: spike-count mean and Fano factor, "
                        "latency, wrong-sign rate and energy per spike with their spread (dimensionless count)")
    add_out_argument(p)
    p.set_defaults(run=run)


def settings_from_args(args: argparse.Namespace):  # type: ignore[no-untyped-def]
    from ..circuits.settings import NeuronSettings

    kw = {name: getattr(args, name) for name in ("u_th", "v_hi", "v_lo", "r_ref", "v_read", "i_read", "i_th",
                                                 "t_refractory", "i_reset", "i_trim", "clock_period", "read_width")}
    base: dict[str, Any] = {}
    if getattr(args, "settings", None) is not None:
        from ..io.settingsfile import read_settings

        base = read_settings(args.settings)
    return NeuronSettings(comparator=args.comparator, reset=args.reset, **mtj_settings(args),  # type: ignore[arg-type]
                          **base).with_overrides(**kw)


def run(args: argparse.Namespace) -> int:
    from ..analysis.trials import FI_TRIAL_COLUMNS, TRIAL_COLUMNS, trial_stats, trial_table
    from ..circuits.breakdown import check_drive, read_peak_current, waveform_peak
    from ..circuits.neuron import (
        Thermal,
        fi_currents,
        fi_curve,
        idle_power,
        neuron_trials,
        run_neuron,
    )
    from ..circuits.neuronobject import Neuron
    from ..io import columns as cols
    from ..io.inputs import parse_input
    from ..io.reports import energy_per_spike, input_current, neuron_report
    from ..plots.neuron import plot_fi, plot_neuron, plot_trials
    from ..results import NEURON_PARTS
    from ..stimulus import default_stimulus
    from .progress import Progress

    t_stop = args.t_stop if args.t_stop is not None else (110e-9 if args.input == "default" else 100e-9)
    if not t_stop > 0:
        raise ParameterError("--t-stop", t_stop, "a time > 0 (s)")
    settings = settings_from_args(args)
    wave = parse_input(args.input)
    device = load_device(args.model)
    neuron = Neuron.build(device, settings)  # characterises the device when no --i-th is given (said on stderr)
    circuit = neuron.circuit
    if args.input == "default":
        wave = default_stimulus(1.62 * neuron.i_th)
    # the junction carries the input (with the trim) or, during reads, the divider's current, or the reset pulse:
    # the largest of the three is checked, named by its option
    # each named by the option the user gave that sets it (the default input is 1.62 --i-th; the read
    # current follows --v-read, --i-read or --i-th; the reset --i-reset or --i-th)
    drives = [(waveform_peak(wave, t_stop) + circuit.i_trim,
               *_given(args, ("--i-th",) if args.input == "default" else (), ("--input", args.input))),
              (read_peak_current(device, circuit),
               *_given(args, ("--v-read", "--i-read", "--i-th"), ("--v-read", circuit.v_read))),
              (circuit.i_reset, *_given(args, ("--i-reset", "--i-th"), ("--i-reset", circuit.i_reset)))]
    peak, option, given = max(drives, key=lambda d: d[0])
    check_drive(device, peak, option, given, args.allow_breakdown)
    currents: list[float] = []
    if args.currents is not None and not args.fi:
        raise ParameterError("--currents", args.currents, "a list only with --fi")
    if args.fi:  # checked before any run
        if args.currents is not None:
            currents = list(args.currents)
        else:
            currents = list(fi_currents(device, settings))
            currents += [-c for c in currents]
        check_drive(device, max(abs(c) for c in currents), "--currents", args.currents or currents,
                    args.allow_breakdown)
    thermal = Thermal.make(device, settings, args.temperature, args.seed)
    if args.trials > 1 and thermal is None:
        raise ParameterError("--trials", args.trials, "1 without --temperature > 0 (a noiseless run repeats itself "
                             "exactly)")
    table = None
    # refused (or its slowness said) before any run or progress bar; the runs' own checks then stay quiet
    _check_runs(device, settings, circuit, thermal, t_stop, args.trials,
                "run fewer --trials or shorten --t-stop" if args.trials > 1 else "shorten --t-stop")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        if args.trials > 1:
            with Progress(args.trials, "trials", enabled=True) as bar:
                runs = neuron_trials(device, wave, t_stop, settings, args.temperature, range(args.seed,
                                     args.seed + args.trials), circuit, progress=lambda d, n: bar.update(1))
            res = runs[0]
        else:
            runs = [res := run_neuron(device, wave, t_stop, settings, circuit, thermal=thermal)]
    _show(caught)
    p_idle = idle_power(device, settings, circuit)
    stats = None
    if thermal is not None:
        table = trial_table([int(r.seed or 0) for r in runs], [r.spikes for r in runs], [r.energy.total for r in runs],
                            [r.v_junction_max for r in runs], wave, t_stop, p_idle)
        stats = trial_stats(table, t_stop)
    fi = fi_rows = fi_counts = None
    fi_stopped = ""
    if args.fi:
        fi_t_stop = args.t_stop if args.t_stop is not None else 100e-9
        _check_runs(device, settings, circuit, thermal, fi_t_stop, len(currents) * args.trials,
                    "sweep fewer --currents, run fewer --trials or shorten --t-stop")
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            if thermal is None:
                fi = fi_curve(neuron, currents, t_stop=fi_t_stop)
            else:
                fi, fi_rows, fi_counts, fi_stopped = _fi_thermal(device, currents, settings, thermal.temperature,
                                                                 args.trials, args.seed, fi_t_stop)
        _show(caught)
    with args.output as tmp:
        (tmp / "netlist.cir").write_text(res.netlist, encoding="utf-8")
        for name, text in res.attachments.items():  # the noise samples netlist.cir reads
            (tmp / name).write_text(text, encoding="utf-8")
        names = list(res.wave)
        write_csv(tmp / "waveforms.csv", cols.waveform_columns(names, res.probes),
                  np.column_stack([res.t] + [res.wave[n] for n in names]))
        write_csv(tmp / "spikes.csv", cols.pick(cols.SPIKES, ("t", "polarity")),
                  [(float(t), int(p)) for t, p in res.spikes.rows()])
        extra = tuple(q for q in res.energy.parts if q not in NEURON_PARTS)  # the input clamp, when there is one
        rows = [(p, float(res.energy[p])) for p in (*NEURON_PARTS, *extra)] + [("total", res.energy.total)]
        write_csv(tmp / "energy.csv", cols.pick(cols.ENERGY, ("part", "joules")), rows)
        report = neuron_report(res, device, fi, idle_power=p_idle, trials=stats.lines() if stats else None,
                               mtj=settings.mtj)
        if fi_stopped and fi_counts is not None:
            report += (f"\nThe F-I sweep stopped early ({fi_stopped}): {len(fi_rows or [])} of "
                       f"{len(fi_counts) * args.trials} trials finished; the curve above holds only those "
                       f"(fi_curve.csv column trials); missing: {_missing(fi_counts, currents, args.trials)}\n")
        (tmp / "report.txt").write_text(report, encoding="utf-8")
        if table is not None:
            write_csv(tmp / "trials.csv", cols.pick(cols.TRIALS, TRIAL_COLUMNS), table)
            plot_trials(table, TRIAL_COLUMNS, tmp / "trials.png", f"{len(runs)} trial(s) at {args.temperature:g} K")
        plot_neuron(res, tmp / "neuron.png", input_current(res))
        if fi is not None and fi.shape[1] == 3:
            write_csv(tmp / "fi_curve.csv", cols.pick(cols.FI, ("current", "rate", "wrong_sign_spikes")), fi)
            plot_fi(fi, tmp / "fi_curve.png")
        elif fi is not None and fi_counts is not None:
            done = fi_counts[fi_counts > 0]
            write_csv(tmp / "fi_curve.csv", cols.pick(cols.FI, ("current", "rate_mean", "rate_std",
                                                                "wrong_sign_spikes_mean", "trials")),
                      [(*row, int(k)) for row, k in zip(fi, done, strict=True)])
            write_csv(tmp / "fi_trials.csv", cols.pick(cols.FI, FI_TRIAL_COLUMNS), sorted(fi_rows or []))
            if fi.shape[0]:
                plot_fi(fi, tmp / "fi_curve.png", f"{args.temperature:g} K, up to {args.trials} trial(s) per current")
    whole, active = energy_per_spike(res.energy.total, p_idle, t_stop, len(res.spikes))
    per_spike = f"; per spike {whole:.3g} J (whole run) or {active:.3g} J (active)" if len(res.spikes) else ""
    print(f"wrote {printable(args.out)}: {res.spikes.n_positive} positive and {res.spikes.n_negative} negative spikes in "
          f"{t_stop:g} s; energy delivered {res.energy.total:.4g} J{per_spike}; ngspice {res.wall_ngspice:.2f} s")
    if stats is not None:
        print(f"at {args.temperature:g} K (seed {args.seed}" + (f" and up, {stats.trials} trials" if stats.trials > 1
              else "") + f"): spike count {_num(stats.count_mean, '.4g')} +- {_num(stats.count_std, '.2g')}, "
              f"Fano factor {_num(stats.fano, '.3g')}; first-spike latency {_num(stats.latency_mean, '.4g', ' s')}; "
              f"wrong-sign {stats.wrong_sign_rate:.3g} per s (see report.txt, trials.csv, trials.png; n/a: no "
              "spike, or one trial)")
    if fi_stopped and fi_counts is not None:
        print(f"mtjspice neuron: error: the F-I sweep stopped early ({fi_stopped}); {printable(args.out)} holds the "
              f"{len(fi_rows or [])} of {len(fi_counts) * args.trials} trials that finished (fi_trials.csv, "
              f"fi_curve.csv); missing: {_missing(fi_counts, currents, args.trials)}", file=sys.stderr)
        return 1
    return 0


def _show(caught: list[warnings.WarningMessage]) -> None:
    """Warnings recorded during a run, shown after it (and its progress bar) through the command line's printer;
    the cost estimates were said before the run."""
    from ..errors import CostWarning

    for w in caught:
        if not issubclass(w.category, CostWarning):
            warnings.showwarning(w.message, w.category, w.filename, w.lineno)


def _check_runs(device, settings, circuit, thermal, t_stop: float, runs: int, advice: str) -> None:  # type: ignore[no-untyped-def]
    """Refuse (or warn about) ``runs`` neuron runs of ``t_stop`` before any starts or any bar is drawn."""
    from ..circuits.comparators import comparator_kind
    from ..circuits.cost import check_cost, neuron_cost
    from ..circuits.models import mtj_model
    from ..circuits.neuron import NEURON_VECTORS, cost_step

    n = max(1, min(runs, os.cpu_count() or 1))
    cost = neuron_cost(t_stop, cost_step(settings, thermal), NEURON_VECTORS,
                       comparator_kind(circuit.comparator).cost_factor, runs=runs, workers=n, noise=thermal is not None)
    check_cost(mtj_model(settings.mtj).cost(cost), "--t-stop", t_stop, advice)


def _fi_thermal(device, currents: list[float], settings, temperature: float, trials: int, seed: int,  # type: ignore[no-untyped-def]
                t_stop: float) -> tuple[np.ndarray, list[tuple[float, ...]], np.ndarray, str]:
    """The thermal F-I sweep with a progress bar per trial; a sweep stopped by a time limit keeps
    the trials that finished. Returns (curve, trial rows, finished trials per current, why it stopped or "")."""
    from ..analysis.trials import fi_summary
    from ..circuits.neuron import fi_curve_thermal
    from ..errors import RunTimeoutError
    from .progress import Progress

    rows: list[tuple[float, ...]] = []
    lock = threading.Lock()

    def keep(row: tuple[float, ...]) -> None:
        with lock:
            rows.append(row)

    stopped = ""
    with Progress(len(currents) * trials, "F-I trials", enabled=True) as bar:
        try:
            fi_curve_thermal(device, currents, settings, temperature, trials, seed, t_stop=t_stop,
                             progress=lambda d, n: bar.update(1), on_trial=keep)
        except RunTimeoutError as exc:
            stopped = str(exc).split(";")[0]
    curve, counts = fi_summary(rows, currents)
    return curve, rows, counts, stopped


def _missing(counts: np.ndarray, currents: list[float], trials: int) -> str:
    """The currents whose trials did not all finish, in words."""
    out = [f"{i:.4g} A ({trials - int(n)} of {trials})" for i, n in zip(currents, counts, strict=True) if n < trials]
    return ", ".join(out) or "nothing"


def _num(x: float, fmt: str, unit: str = "") -> str:
    """``x`` formatted, or "n/a" where it does not exist (no spike, one trial): never "nan"."""
    return f"{x:{fmt}}{unit}" if np.isfinite(x) else "n/a"
