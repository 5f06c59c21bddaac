"""``mtjspice neuron``: the whole signed LIF neuron as an ngspice circuit; spikes, timing, energy."""

from __future__ import annotations

import argparse
import warnings

import numpy as np

from ..errors import ParameterError, printable
from ..io.outputs import write_csv
from ..params import load_device
from .common import add_model_argument, add_out_argument, si

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
                       "and, with --fi, fi_curve.csv and fi_curve.png.")
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
                            ("--t-refractory", "s", "one-shot length after a spike"),
                            ("--i-reset", "A", "active-reset current magnitude"),
                            ("--i-trim", "A", "read-disturbance compensation current"),
                            ("--clock-period", "s", "read-clock period"),
                            ("--read-width", "s", "read window")):
        p.add_argument(opt, type=si(opt), default=None, metavar=unit, help=f"{what} in {unit} (default derived)")
    p.add_argument("--fi", action="store_true", help="also sweep DC input for the firing-rate curve, both signs")
    add_out_argument(p)
    p.set_defaults(run=run)


def settings_from_args(args: argparse.Namespace):  # type: ignore[no-untyped-def]
    from ..circuits.settings import NeuronSettings

    kw = {name: getattr(args, name) for name in ("u_th", "v_hi", "v_lo", "r_ref", "v_read", "i_read", "i_th",
                                                 "t_refractory", "i_reset", "i_trim", "clock_period", "read_width")}
    return NeuronSettings(comparator=args.comparator, reset=args.reset).with_overrides(**kw)


def run(args: argparse.Namespace) -> int:
    from ..circuits.neuron import fi_currents, fi_curve, idle_power, run_neuron
    from ..circuits.settings import device_onset, resolve
    from ..io.inputs import parse_input
    from ..io.reports import energy_per_spike, input_current, neuron_report
    from ..plots.neuron import plot_fi, plot_neuron
    from ..results import NEURON_PARTS
    from ..stimulus import default_stimulus

    t_stop = args.t_stop if args.t_stop is not None else (110e-9 if args.input == "default" else 100e-9)
    if not t_stop > 0:
        raise ParameterError("--t-stop", t_stop, "a time > 0 (s)")
    settings = settings_from_args(args)
    wave = parse_input(args.input)
    device = load_device(args.model)
    circuit = resolve(device, settings)
    if args.input == "default":
        wave = default_stimulus(1.62 * device_onset(device, settings))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        res = run_neuron(device, wave, t_stop, settings, circuit)
    for w in caught:  # shown after the run (and its progress bar), through the command line's printer
        warnings.showwarning(w.message, w.category, w.filename, w.lineno)
    p_idle = idle_power(device, settings, circuit)
    fi = None
    if args.fi:
        currents = fi_currents(device, settings)
        fi = fi_curve(device, list(currents) + [-c for c in currents], settings)
    with args.output as tmp:
        (tmp / "netlist.cir").write_text(res.netlist, encoding="utf-8")
        names = list(res.wave)
        write_csv(tmp / "waveforms.csv", ["t", *names], np.column_stack([res.t] + [res.wave[n] for n in names]))
        write_csv(tmp / "spikes.csv", ("t", "polarity"), [(float(t), int(p)) for t, p in res.spikes.rows()])
        rows = [(p, float(res.energy[p])) for p in NEURON_PARTS] + [("total", res.energy.total)]
        write_csv(tmp / "energy.csv", ("part", "joules"), rows)
        (tmp / "report.txt").write_text(neuron_report(res, device, fi, idle_power=p_idle), encoding="utf-8")
        plot_neuron(res, tmp / "neuron.png", input_current(res))
        if fi is not None:
            write_csv(tmp / "fi_curve.csv", ("current", "rate", "wrong_sign_spikes"), fi)
            plot_fi(fi, tmp / "fi_curve.png")
    whole, active = energy_per_spike(res.energy.total, p_idle, t_stop, len(res.spikes))
    per_spike = f"; per spike {whole:.3g} J (whole run) or {active:.3g} J (active)" if len(res.spikes) else ""
    print(f"wrote {printable(args.out)}: {res.spikes.n_positive} positive and {res.spikes.n_negative} negative spikes in "
          f"{t_stop:g} s; energy delivered {res.energy.total:.4g} J{per_spike}; ngspice {res.wall_ngspice:.2f} s")
    return 0
