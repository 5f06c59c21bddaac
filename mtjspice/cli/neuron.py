"""``mtjspice neuron``: the whole signed LIF neuron as an ngspice circuit; spikes, timing, energy."""

from __future__ import annotations

import argparse
import warnings

import numpy as np

from ..errors import ParameterError, printable
from ..io.outputs import write_csv
from ..params import load_device
from .common import (
    add_model_argument,
    add_mtj_argument,
    add_out_argument,
    add_seed_argument,
    count,
    mtj_settings,
    nonnegative_si,
    si,
)

HELP = "simulate the signed LIF neuron circuit in ngspice (readout, comparators, reset, energy)"


def _choice(option: str, allowed: tuple[str, ...]):  # type: ignore[no-untyped-def]
    def convert(text: str) -> str:
        if text not in allowed:
            raise argparse.ArgumentTypeError(str(ParameterError(option, text, " or ".join(map(repr, allowed)))))
        return text

    return convert


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("neuron", help=HELP, description=HELP + ". Writes DIR/netlist.cir (runs with ngspice -b), "
                       "waveforms.csv, spikes.csv (t,polarity), energy.csv (part,joules), report.txt, neuron.png "
                       "and, with --fi, fi_curve.csv and fi_curve.png. With --temperature: noise_mtj.txt (the "
                       "seeded samples netlist.cir reads), trials.csv (one row per seed) and trials.png.")
    add_model_argument(p)
    p.add_argument("--input", default="default", metavar="SPEC",
                   help="input current (A, s): default (positive then negative steps), dc:I, "
                        "pulse:I,T_ON,T_OFF[,DELAY], step:I,T_ON[,DELAY] or pwl:FILE.csv (columns t,I)")
    p.add_argument("--t-stop", type=si("--t-stop"), default=None, metavar="SECONDS",
                   help="end of the simulation in s (default 110n for the default input, else 100n)")
    p.add_argument("--comparator", type=_choice("--comparator", ("behavioral", "cmos")), default="behavioral",
                   help="behavioral (B-sources with a supply-current model) or cmos (PTM 45 nm BSIM4)")
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
                            ("--t-refractory", "s", "one-shot pulse width after a spike (the one-shot adds 1 ns of fall delay)"),
                            ("--i-reset", "A", "active-reset current magnitude"),
                            ("--i-trim", "A", "read-disturbance compensation current"),
                            ("--clock-period", "s", "read-clock period"),
                            ("--read-width", "s", "read window")):
        p.add_argument(opt, type=si(opt), default=None, metavar=unit, help=f"{what} in {unit} (default derived)")
    add_mtj_argument(p)
    p.add_argument("--fi", action="store_true", help="also sweep DC input for the firing-rate curve, both signs "
                   "(at temperature: --trials runs per current, with the spread)")
    p.add_argument("--temperature", type=nonnegative_si("--temperature"), default=None, metavar="KELVIN",
                   help="temperature of the MTJ's thermal field in K (Brown's field from seeded samples; default: "
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
    return NeuronSettings(comparator=args.comparator, reset=args.reset, **mtj_settings(args)).with_overrides(**kw)  # type: ignore[arg-type]


def run(args: argparse.Namespace) -> int:
    from ..analysis.trials import TRIAL_COLUMNS, trial_stats, trial_table
    from ..circuits.neuron import (
        Thermal,
        fi_currents,
        fi_curve,
        fi_curve_thermal,
        idle_power,
        neuron_trials,
        run_neuron,
    )
    from ..circuits.settings import device_onset, resolve
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
    circuit = resolve(device, settings)
    if args.input == "default":
        wave = default_stimulus(1.62 * device_onset(device, settings))
    thermal = Thermal.make(device, settings, args.temperature, args.seed)
    if args.trials > 1 and thermal is None:
        raise ParameterError("--trials", args.trials, "1 without --temperature > 0 (a noiseless run repeats itself "
                             "exactly)")
    table = None
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        if args.trials > 1:
            with Progress(args.trials, "trials", enabled=True) as bar:
                runs = neuron_trials(device, wave, t_stop, settings, args.temperature, range(args.seed,
                                     args.seed + args.trials), circuit, progress=lambda d, n: bar.update(1))
            res = runs[0]
        else:
            runs = [res := run_neuron(device, wave, t_stop, settings, circuit, thermal=thermal)]
    for w in caught:  # shown after the run (and its progress bar), through the command line's printer
        warnings.showwarning(w.message, w.category, w.filename, w.lineno)
    p_idle = idle_power(device, settings, circuit)
    stats = None
    if thermal is not None:
        table = trial_table([int(r.seed or 0) for r in runs], [r.spikes for r in runs], [r.energy.total for r in runs],
                            [r.v_junction_max for r in runs], wave, t_stop, p_idle)
        stats = trial_stats(table, t_stop)
    fi = None
    if args.fi:
        currents = list(fi_currents(device, settings))
        currents += [-c for c in currents]
        if thermal is None:
            fi = fi_curve(device, currents, settings)
        else:
            fi = fi_curve_thermal(device, currents, settings, thermal.temperature, args.trials, args.seed)
    with args.output as tmp:
        (tmp / "netlist.cir").write_text(res.netlist, encoding="utf-8")
        for name, text in res.attachments.items():  # the noise samples netlist.cir reads
            (tmp / name).write_text(text, encoding="utf-8")
        names = list(res.wave)
        write_csv(tmp / "waveforms.csv", cols.waveform_columns(names, res.probes),
                  np.column_stack([res.t] + [res.wave[n] for n in names]))
        write_csv(tmp / "spikes.csv", cols.pick(cols.SPIKES, ("t", "polarity")),
                  [(float(t), int(p)) for t, p in res.spikes.rows()])
        rows = [(p, float(res.energy[p])) for p in NEURON_PARTS] + [("total", res.energy.total)]
        write_csv(tmp / "energy.csv", cols.pick(cols.ENERGY, ("part", "joules")), rows)
        (tmp / "report.txt").write_text(neuron_report(res, device, fi, idle_power=p_idle,
                                                      trials=stats.lines() if stats else None, mtj=settings.mtj),
                                         encoding="utf-8")
        if table is not None:
            write_csv(tmp / "trials.csv", cols.pick(cols.TRIALS, TRIAL_COLUMNS), table)
            plot_trials(table, TRIAL_COLUMNS, tmp / "trials.png", f"{len(runs)} trial(s) at {args.temperature:g} K")
        plot_neuron(res, tmp / "neuron.png", input_current(res))
        if fi is not None:
            header = ("current", "rate", "wrong_sign_spikes") if fi.shape[1] == 3 else \
                ("current", "rate_mean", "rate_std", "wrong_sign_spikes_mean")
            write_csv(tmp / "fi_curve.csv", cols.pick(cols.FI, header), fi)
            plot_fi(fi, tmp / "fi_curve.png", "" if thermal is None else f"{thermal.temperature:g} K, "
                    f"{args.trials} trial(s) per current")
    whole, active = energy_per_spike(res.energy.total, p_idle, t_stop, len(res.spikes))
    per_spike = f"; per spike {whole:.3g} J (whole run) or {active:.3g} J (active)" if len(res.spikes) else ""
    print(f"wrote {printable(args.out)}: {res.spikes.n_positive} positive and {res.spikes.n_negative} negative spikes in "
          f"{t_stop:g} s; energy delivered {res.energy.total:.4g} J{per_spike}; ngspice {res.wall_ngspice:.2f} s")
    if stats is not None:
        print(f"at {args.temperature:g} K (seed {args.seed}" + (f" and up, {stats.trials} trials" if stats.trials > 1
              else "") + f"): spike count {stats.count_mean:.4g} +- {stats.count_std:.2g}, Fano factor "
              f"{stats.fano:.3g}; first-spike latency {stats.latency_mean:.4g} s; wrong-sign "
              f"{stats.wrong_sign_rate:.3g} per s (see report.txt, trials.csv, trials.png)")
    return 0
