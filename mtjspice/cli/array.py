"""``mtjspice array``: a crossbar of synapses feeding a row of MTJ neurons; raster and energy."""

from __future__ import annotations

import argparse
import warnings

import numpy as np

from ..errors import ParameterError
from ..io.outputs import OutputDir, write_csv
from ..params import load_device
from .common import add_model_argument, add_out_argument, nonnegative_si, positive_si

HELP = "simulate an N x M neuron array (crossbar, drivers, neurons) in ngspice; spike raster and energy by part"


def _count(option: str):  # type: ignore[no-untyped-def]
    def convert(text: str) -> int:
        try:
            v = int(text)
        except ValueError:
            v = 0
        if v < 1:
            raise argparse.ArgumentTypeError(str(ParameterError(option, text, "an integer >= 1")))
        return v

    return convert


def add_array_options(p: argparse.ArgumentParser) -> None:
    """Crossbar, driver, pulse and parallelism options shared by ``array`` and ``power``."""
    p.add_argument("--v-spike", type=positive_si("--v-spike"), default=0.2, metavar="V",
                   help="input pulse amplitude in V (default 0.2)")
    p.add_argument("--spike-width", type=positive_si("--spike-width"), default=None, metavar="S",
                   help="input pulse width in s (default 2n for array, 8n for power)")
    p.add_argument("--g-min", type=nonnegative_si("--g-min"), default=1e-6, metavar="S",
                   help="off-state conductance of each crossbar device in S (default 1u); cancels in G+ - G-")
    p.add_argument("--r-driver", type=nonnegative_si("--r-driver"), default=10.0, metavar="OHM",
                   help="row driver output resistance in Ohm (default 10)")
    p.add_argument("--i-driver-static", type=nonnegative_si("--i-driver-static"), default=10e-6, metavar="A",
                   help="static bias current of each row driver in A, from a 1 V supply (default 10u)")
    p.add_argument("--r-wire", type=nonnegative_si("--r-wire"), default=0.0, metavar="OHM",
                   help="wire resistance per crossbar cell in Ohm on rows and columns (default 0); > 0 couples "
                        "the neurons, so the array runs as one netlist")
    p.add_argument("--group", type=_count("--group"), default=None, metavar="K",
                   help="neurons per parallel part when splitting (default 8)")
    p.add_argument("--workers", type=_count("--workers"), default=None, metavar="P",
                   help="parallel ngspice processes (default: the number of CPUs)")
    p.add_argument("--i-th", type=positive_si("--i-th"), default=None, metavar="A",
                   help="neuron onset current in A (default: from a macrospin scan of the device)")
    p.add_argument("--quiet", action="store_true", help="no progress bar")


def settings_from_args(args: argparse.Namespace, width_default: float):  # type: ignore[no-untyped-def]
    from ..circuits.array import ArraySettings
    from ..circuits.neuron import NeuronSettings
    from ..netlist.array import ArrayCircuit

    kw = {"i_th": args.i_th} if args.i_th is not None else {}
    comparator = getattr(args, "comparator", "behavioral")
    reset = getattr(args, "reset", "leak")
    ns = NeuronSettings(comparator=comparator, reset=reset, **kw)
    xb = ArrayCircuit(g_min=args.g_min, r_driver=args.r_driver, i_driver_static=args.i_driver_static,
                      r_wire=args.r_wire)
    return ArraySettings(neuron=ns, crossbar=xb, v_spike=args.v_spike,
                         spike_width=args.spike_width if args.spike_width is not None else width_default,
                         group=args.group)


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("array", help=HELP, description=HELP + ". Weights: N lines of M signed conductances in S "
                       "(times --g-unit), comma-separated. Spikes: header t,input,sign then one event per line "
                       "(s, 0-based input, +1/-1); each event is a pulse of sign x --v-spike for --spike-width. "
                       "Writes DIR/netlist.cir (the whole array; runs with ngspice -b), raster.csv "
                       "(neuron,t,polarity), raster.png, energy.csv, energy_neurons.csv and report.txt.")
    add_model_argument(p)
    p.add_argument("--inputs", type=_count("--inputs"), required=True, metavar="N",
                   help="number of inputs (rows), a count (dimensionless)")
    p.add_argument("--neurons", type=_count("--neurons"), required=True, metavar="M",
                   help="number of neurons, a count (dimensionless)")
    p.add_argument("--weights", required=True, metavar="FILE", help="weights CSV (N lines x M values, S)")
    p.add_argument("--g-unit", type=positive_si("--g-unit"), default=1.0, metavar="S",
                   help="siemens per weight-file unit (default 1: the file holds siemens)")
    p.add_argument("--spikes", required=True, metavar="FILE", help="input events CSV: t,input,sign")
    p.add_argument("--t-stop", type=positive_si("--t-stop"), required=True, metavar="SECONDS",
                   help="end of the simulation in s")
    p.add_argument("--comparator", choices=("behavioral", "cmos"), default="behavioral",
                   help="neuron comparators (default behavioral: several times cheaper than cmos)")
    p.add_argument("--reset", choices=("leak", "active"), default="leak", help="neuron reset mode")
    p.add_argument("--split", dest="split", action="store_true", default=None,
                   help="run independent neuron groups as parallel decks (default when uncoupled)")
    p.add_argument("--no-split", dest="split", action="store_false", help="run the array as one netlist")
    add_array_options(p)
    add_out_argument(p)
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from ..circuits.array import ARRAY_PARTS, array_deck, read_spikes, read_weights, run_array, spike_waveforms, write_raster_png
    from ..circuits.neuron import neuron_circuit
    from ..progress import Progress

    st = settings_from_args(args, 2e-9)
    w = read_weights(args.weights, (args.inputs, args.neurons), args.g_unit)
    ev = read_spikes(args.spikes, args.inputs)
    inputs = spike_waveforms(ev, args.inputs, st.v_spike, st.spike_width)
    device = load_device(args.model)
    circuit = neuron_circuit(device, st.neuron)
    full_deck, _ = array_deck(device, circuit, w, inputs, args.t_stop, st)
    with Progress(1, "array", enabled=not args.quiet) as bar:
        def tick(done: int, total: int) -> None:
            bar.total = total
            bar.done = done - 1
            bar.update(1)

        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            res = run_array(device, w, inputs, args.t_stop, st, split=args.split, workers=args.workers,
                            input_events=int(ev.shape[0]), circuit=circuit, progress=tick)
    for cw in caught:
        print(f"warning: {cw.message}")
    e = res.energy
    parts_sum = sum(e[p] for p in ARRAY_PARTS)
    with OutputDir(args.out) as tmp:
        (tmp / "netlist.cir").write_text(full_deck, encoding="utf-8")
        write_csv(tmp / "raster.csv", ("neuron", "t", "polarity"),
                  [(int(j), float(t), int(p)) for j, t, p in res.spikes])
        write_raster_png(res.spikes, args.neurons, args.t_stop, tmp / "raster.png",
                         f"{args.inputs} x {args.neurons} array, {res.spikes.shape[0]} spikes")
        write_csv(tmp / "energy.csv", ("part", "joules", "share"),
                  [(p, float(e[p]), float(e[p] / parts_sum)) for p in ARRAY_PARTS]
                  + [("total", float(e["total"]), 1.0)])
        write_csv(tmp / "energy_neurons.csv", ("neuron", *ARRAY_PARTS[2:]),
                  [(j, *map(float, row)) for j, row in enumerate(res.energy_neurons)])
        (tmp / "report.txt").write_text(report_text(args, res), encoding="utf-8")
    print(f"wrote {args.out}: {res.spikes.shape[0]} spikes from {args.neurons} neurons in {args.t_stop:g} s; "
          f"energy {e['total']:.4g} J; {len(res.parts)} part(s), {res.wall:.1f} s")
    return 0


def report_text(args: argparse.Namespace, res) -> str:  # type: ignore[no-untyped-def]
    from ..circuits.array import ARRAY_PARTS

    e = res.energy
    parts_sum = sum(e[p] for p in ARRAY_PARTS)
    n_pos = int(np.sum(res.spikes[:, 2] > 0)) if res.spikes.size else 0
    lines = [f"mtjspice array: {args.inputs} inputs x {args.neurons} neurons, {args.t_stop:g} s simulated",
             f"ran as {len(res.parts)} part(s) in {res.wall:.2f} s wall "
             f"({'one netlist' if len(res.parts) == 1 else 'independent neuron groups in parallel ngspice processes'})",
             f"input events {res.input_events}; output spikes {res.spikes.shape[0]} ({n_pos} positive, "
             f"{res.spikes.shape[0] - n_pos} negative)", "", "energy dissipated per part, summed over the array (J):"]
    lines += [f"  {p:16s} {e[p]:.5g}  {100 * e[p] / parts_sum:5.1f} %" for p in ARRAY_PARTS]
    lines += [f"  {'sum of parts':16s} {parts_sum:.5g}",
              f"  {'total delivered':16s} {e['total']:.5g}  (parts / total - 1 = {parts_sum / e['total'] - 1:.2e})",
              f"energy per output spike: {res.energy_per_spike:.5g} J",
              f"energy per input event: {res.energy_per_input_event:.5g} J",
              "", "validity: macrospin model of each free layer; ideal column virtual grounds and current mirrors "
              "(their supply cost is not modelled)"]
    return "\n".join(lines) + "\n"
