"""``mtjspice array``: a crossbar of synapses feeding a row of MTJ neurons; raster and energy."""

from __future__ import annotations

import argparse
import sys
import warnings

import numpy as np

from ..errors import printable
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
    nonnegative_si,
    positive_si,
)

HELP = "simulate an N x M neuron array (crossbar, drivers, neurons) in ngspice; spike raster and energy by part"


def add_array_options(p: argparse.ArgumentParser) -> None:
    """Crossbar, driver, pulse and parallelism options shared by ``array`` and ``power``."""
    p.add_argument("--v-spike", type=positive_si("--v-spike", "V"), default=0.2, metavar="V",
                   help="input pulse amplitude in V (default 0.2)")
    p.add_argument("--spike-width", type=positive_si("--spike-width", "s"), default=None, metavar="S",
                   help="input pulse width in s (default 2n for array, 8n for power)")
    p.add_argument("--g-min", type=positive_si("--g-min"), default=None, metavar="S",
                   help="off-state conductance of each crossbar device in S (default 1u); cancels in G+ - G-")
    p.add_argument("--r-driver", type=nonnegative_si("--r-driver", "ohm"), default=None, metavar="OHM",
                   help="row driver output resistance in Ohm (default 10)")
    p.add_argument("--i-driver-static", type=nonnegative_si("--i-driver-static", "A"), default=None, metavar="A",
                   help="static bias current of each row driver in A, from a 1 V supply (default 10u)")
    p.add_argument("--r-wire", type=nonnegative_si("--r-wire", "ohm"), default=None, metavar="OHM",
                   help="wire resistance per crossbar cell in Ohm on rows and columns (default 0); > 0 couples "
                        "the neurons, so the array runs as one netlist")
    p.add_argument("--group", type=count("--group"), default=None, metavar="K",
                   help="neurons per parallel part when splitting (default 8)")
    p.add_argument("--workers", type=count("--workers", 1, 1024), default=None, metavar="P",
                   help="parallel ngspice processes (default: the number of CPUs)")
    p.add_argument("--i-th", type=positive_si("--i-th", "A"), default=None, metavar="A",
                   help="neuron onset current in A (default: from a macrospin scan of the device)")
    add_mtj_argument(p)
    p.add_argument("--quiet", action="store_true", help="no progress bar and no progress messages")


def settings_from_args(args: argparse.Namespace, width_default: float):  # type: ignore[no-untyped-def]
    """The neuron's settings and the array's (crossbar, pulses, group) from the options: (NeuronSettings,
    ArraySettings)."""
    from dataclasses import fields

    from ..circuits.array import ArraySettings
    from ..circuits.settings import NeuronSettings
    from ..netlist.array import ArrayCircuit

    ns = NeuronSettings(comparator=getattr(args, "comparator", "behavioral"), reset=getattr(args, "reset", "leak"),
                        **mtj_settings(args)).with_overrides(i_th=args.i_th)  # type: ignore[arg-type]
    given = {f.name: getattr(args, f.name) for f in fields(ArrayCircuit)
             if getattr(args, f.name, None) is not None}  # unset options keep ArrayCircuit's defaults
    return ns, ArraySettings(crossbar=ArrayCircuit(**given), v_spike=args.v_spike,
                             spike_width=args.spike_width if args.spike_width is not None else width_default,
                             group=args.group)


def check_i_th(args: argparse.Namespace, device, circuit, allow_breakdown: bool = False,  # type: ignore[no-untyped-def]
               override: str | None = "allow_breakdown") -> None:
    """Refuse, before any run, an --i-th whose neuron currents (the read current v_read / (r_ref + R_P)
    and the reset current, both scaled by it) would break the junction down as a drive would
    (:func:`~mtjspice.circuits.breakdown.check_drive`): 0.38 for 0.38m. Nothing to check without
    --i-th (the onset is then the device's own)."""
    from ..circuits.breakdown import check_drive, read_peak_current

    if args.i_th is None:
        return
    peak = max(read_peak_current(device, circuit), circuit.i_reset)
    check_drive(device, peak, "--i-th", args.i_th, allow_breakdown, "check the unit (0.38m is 0.38 mA, 0.38 is "
                "0.38 A): the read and reset currents scale with it", override)


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("array", help=HELP, description=HELP + ". Weights: N lines of M signed conductances in S "
                       "(times --g-unit), comma-separated. Spikes: header t,input,sign then one event per line "
                       "(s, 0-based input, +1/-1); each event is a pulse of sign x --v-spike for --spike-width. "
                       "Writes DIR/netlist.cir (the whole array; runs with ngspice -b), raster.csv "
                       "(neuron,t,polarity), raster.png, energy.csv, energy_neurons.csv, neurons.csv (each neuron's input "
                       "current), rows.csv (each row's sag), columns.csv (every column's unit) and report.txt.")
    add_model_argument(p)
    p.add_argument("--inputs", type=count("--inputs"), required=True, metavar="N",
                   help="number of inputs (rows), a count (dimensionless)")
    p.add_argument("--neurons", type=count("--neurons"), required=True, metavar="M",
                   help="number of neurons, a count (dimensionless)")
    p.add_argument("--weights", required=True, metavar="FILE", help="weights CSV (N lines x M values, S)")
    p.add_argument("--g-unit", type=positive_si("--g-unit"), default=1.0, metavar="S",
                   help="siemens per weight-file unit (default 1: the file holds siemens)")
    p.add_argument("--spikes", required=True, metavar="FILE", help="input events CSV: t,input,sign")
    p.add_argument("--t-stop", type=positive_si("--t-stop", "s"), required=True, metavar="SECONDS",
                   help="end of the simulation in s")
    add_comparator_argument(p, "neuron comparators (default behavioral: several times cheaper than cmos)")
    p.add_argument("--reset", choices=("leak", "active"), default="leak", help="neuron reset mode")
    p.add_argument("--temperature", type=kelvin(), default=None, metavar="KELVIN",
                   help=f"temperature of every MTJ's thermal field {KELVIN_HELP}, each neuron with its own noise stream from "
                        "--seed (default: none, noiseless 0 K junctions)")
    add_seed_argument(p, "the thermal noise")
    p.add_argument("--split", dest="split", action="store_true", default=None,
                   help="run independent neuron groups as parallel decks (default when uncoupled)")
    p.add_argument("--no-split", dest="split", action="store_false", help="run the array as one netlist")
    add_array_options(p)
    add_breakdown_argument(p)
    add_out_argument(p)
    p.set_defaults(run=run)


def estimate(args: argparse.Namespace, neuron, st, thermal):  # type: ignore[no-untyped-def]
    """The run's cost (:class:`~mtjspice.circuits.cost.RunCost`) as :func:`run_array` will estimate it,
    from the options alone (before the weight and spike files are read)."""
    from ..circuits.array import plan_parts
    from ..circuits.comparators import comparator_kind
    from ..circuits.cost import array_cost
    from ..circuits.models import mtj_model
    from ..circuits.neuron import NEURON_VECTORS, cost_step

    parts = plan_parts(args.neurons, st, args.split, mtj=neuron.settings.mtj)
    cost = array_cost(args.inputs, args.neurons, args.t_stop, cost_step(neuron.settings, thermal), NEURON_VECTORS + 3,
                      comparator_kind(neuron.circuit.comparator).cost_factor, max(len(p) for p in parts), args.workers,
                      split=len(parts) > 1, noise=thermal is not None)
    return mtj_model(neuron.settings.mtj).cost(cost)


def run(args: argparse.Namespace) -> int:
    from ..circuits.array import ArrayJob, array_deck, plan_parts, run_array
    from ..circuits.breakdown import array_peak_current, check_drive, refuse_current
    from ..circuits.cost import check_cost, describe, is_big
    from ..circuits.neuron import Thermal, idle_power
    from ..circuits.neuronobject import Neuron
    from ..errors import CostWarning
    from ..io import columns as cols
    from ..io.arrayfiles import read_spikes, read_weights
    from ..io.reports import array_report
    from ..plots.array import plot_raster
    from ..results import ARRAY_PARTS, NEURON_PARTS
    from ..runoptions import RunOptions
    from ..stimulus import spike_waveforms
    from .progress import Progress

    ns, st = settings_from_args(args, 2e-9)
    device = load_device(args.model)
    neuron = Neuron.build(device, ns)  # characterises the device when no --i-th is given (said on stderr)
    circuit = neuron.circuit
    check_i_th(args, device, circuit, args.allow_breakdown)
    thermal = Thermal.make(device, ns, args.temperature, args.seed)
    cost = estimate(args, neuron, st, thermal)  # before the files are read: a 2000 x 2000 array says so first
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", CostWarning)  # said below, in full
        check_cost(cost, "--t-stop", args.t_stop, "shorten --t-stop or simulate fewer --neurons")
    if is_big(cost):
        print(f"mtjspice array: estimate: {describe(cost)}", file=sys.stderr, flush=True)
    w = read_weights(args.weights, (args.inputs, args.neurons), args.g_unit)
    ev = read_spikes(args.spikes, args.inputs)
    outside = int(np.sum(ev[:, 0] >= args.t_stop))
    if outside:
        warnings.warn(f"{outside} of the {ev.shape[0]} events in {printable(args.spikes)} lie at or after --t-stop "
                      f"{args.t_stop:g} s; they are outside the run and ignored (not counted as input events)",
                      stacklevel=1)
        ev = ev[ev[:, 0] < args.t_stop]
    peak = array_peak_current(w, ev, st.v_spike, st.spike_width, refuse_current(device))
    worst = int(np.argmax(peak))
    check_drive(device, float(peak[worst]), "--weights", f"{args.weights} (neuron {worst}, events of --spikes at "
                f"--v-spike {st.v_spike:g} V)", args.allow_breakdown,
                "check the weights' unit (the file holds siemens times --g-unit: 1m is 1 mS) and --v-spike (V)")
    inputs = spike_waveforms(ev, args.inputs, st.v_spike, st.spike_width)
    with Progress(len(plan_parts(args.neurons, st, args.split, mtj=ns.mtj)), "array", enabled=not args.quiet) as bar:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            res = run_array(neuron, ArrayJob(w, inputs, args.t_stop, int(ev.shape[0])), st,
                            thermal=thermal, split=args.split, options=RunOptions(workers=args.workers,
                                                                                 progress=bar.update))
    for cw in caught:  # shown after the run (and its progress bar), through the command line's printer
        if not issubclass(cw.category, CostWarning):  # the estimate was said before the run
            warnings.showwarning(cw.message, cw.category, cw.filename, cw.lineno)
    full_deck, _ = array_deck(neuron, w, inputs, args.t_stop, st, thermal=thermal)
    xb = st.crossbar
    p_idle = args.neurons * idle_power(device, ns, circuit) + args.inputs * xb.i_driver_static * xb.v_driver_supply
    e = res.energy
    with args.output as tmp:
        (tmp / "netlist.cir").write_text(full_deck.text(), encoding="utf-8")
        for name, text in full_deck.attachments.items():  # each MTJ's noise samples, read by netlist.cir
            (tmp / name).write_text(text, encoding="utf-8")
        write_csv(tmp / "raster.csv", cols.pick(cols.RASTER, ("neuron", "t", "polarity")),
                  [(int(j), float(t), int(p)) for j, t, p in res.spikes.rows()])
        plot_raster(res.spikes, args.neurons, args.t_stop, tmp / "raster.png",
                    f"{args.inputs} x {args.neurons} array, {len(res.spikes)} spikes")
        write_csv(tmp / "energy.csv", cols.pick(cols.ARRAY_ENERGY, ("part", "joules", "share")),
                  [(p, float(e[p]), float(e[p] / e.parts_sum)) for p in ARRAY_PARTS] + [("total", e.total, 1.0)])
        write_csv(tmp / "energy_neurons.csv", cols.pick(cols.ENERGY_NEURONS, ("neuron", *NEURON_PARTS)),
                  [(j, *map(float, row)) for j, row in enumerate(res.energy_neurons)])
        (tmp / "report.txt").write_text(array_report(res, args.inputs, args.neurons, idle_power=p_idle,
                                                     events_outside=outside, mtj=ns.mtj,
                                                     i_th=neuron.i_th), encoding="utf-8")
        counts = np.bincount(res.spikes.neuron, minlength=args.neurons)
        write_csv(tmp / "neurons.csv", cols.pick(cols.ARRAY_NEURONS, cols.ARRAY_NEURONS),
                  [(j, d.mean, d.peak, d.peak_t, int(counts[j]), d.v_col_worst) for j, d in res.drive])
        write_csv(tmp / "rows.csv", cols.pick(cols.ARRAY_ROWS, cols.ARRAY_ROWS),
                  [(i, r.v_source_peak, r.v_row_worst, r.sag) for i, r in enumerate(res.row_sag)])
    print(f"wrote {printable(args.out)}: {len(res.spikes)} spikes from {args.neurons} neurons in {args.t_stop:g} s; "
          f"energy {e.total:.4g} J; {len(res.parts)} part(s), {res.wall:.1f} s")
    return 0
