"""Wall time of neuron arrays against their size, with and without splitting into parallel decks.

Prints, per size, the wall time and the seconds per neuron per simulated ns, in wall time and in
CPU time (this process and its ngspice children); the target is a flat cost per neuron from 1 to
256 neurons (within a factor 1.5) and 1024 neurons x 100 ns in under 10 minutes on 2 cores. A
single neuron is one deck on one core, so its wall cost per neuron is up to a factor of the core
count above a split run's; the CPU column shows the work itself.
Run: python benchmarks/bench_array.py [--sizes 1,16,64,256,1024] [--t-stop 100n]
[--modes split,one] [--max-one 64] [--group 8]. One-netlist runs above --max-one neurons are
skipped (FINDINGS: the cost of one netlist grows super-linearly with the number of MTJs).
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import time
import warnings

from mtjspice import load_device
from mtjspice.circuits.array import ArrayJob, ArraySettings, run_array
from mtjspice.circuits.neuronobject import Neuron
from mtjspice.circuits.power import workload
from mtjspice.circuits.settings import NeuronSettings
from mtjspice.netlist.array import ArrayCircuit
from mtjspice.stimulus import spike_waveforms

ap = argparse.ArgumentParser(description=__doc__)
ap.add_argument("--sizes", default="1,16,64,256,1024")
ap.add_argument("--t-stop", type=float, default=100e-9)
ap.add_argument("--modes", default="split,one")
ap.add_argument("--max-one", type=int, default=64)
ap.add_argument("--group", type=int, default=None)
ap.add_argument("--inputs", type=int, default=4)
args = ap.parse_args()

device = load_device("orthogonal")
ns = NeuronSettings(i_th=0.38e-3)
# Ideal row drivers (r_driver = 0): with 4 inputs feeding up to 1024 neurons a 10 Ohm driver would
# sag under the row current and change the workload with the size; this script measures speed.
st = ArraySettings(crossbar=ArrayCircuit(r_driver=0.0), v_spike=0.2, spike_width=8e-9, group=args.group)
neuron = Neuron.build(device, ns)


def _cpu() -> float:
    """CPU seconds of this process and of its finished children (the ngspice processes)."""
    own, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


print(f"{os.cpu_count()} CPUs; load average {os.getloadavg()[0]:.2f}; {args.inputs} inputs; t_stop {args.t_stop:g} s")
print(f"{'neurons':>7s} {'mode':>5s} {'parts':>5s} {'wall s':>8s} {'s/neuron/ns':>12s} {'cpu s/n/ns':>11s} "
      f"{'spikes':>7s} {'load':>5s}",
      flush=True)
# Warm-up, untimed: the first run pays one-time costs (imports, the first ngspice start-up).
with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    w0, ev0 = workload(args.inputs, 1, 5e-9)
    run_array(neuron, ArrayJob(w0, spike_waveforms(ev0, args.inputs, st.v_spike, st.spike_width), 5e-9), st)
for m in (int(x) for x in args.sizes.split(",")):
    w, ev = workload(args.inputs, m, args.t_stop)
    inputs = spike_waveforms(ev, args.inputs, st.v_spike, st.spike_width)
    for mode in args.modes.split(","):
        if mode == "one" and m > args.max_one:
            print(f"{m:7d} {mode:>5s}  skipped (one netlist above --max-one {args.max_one})", flush=True)
            continue
        t0 = time.perf_counter()
        cpu0 = _cpu()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            r = run_array(neuron, ArrayJob(w, inputs, args.t_stop), st, split=(mode == "split"))
        wall = time.perf_counter() - t0
        cpu = _cpu() - cpu0
        per = m * args.t_stop * 1e9
        print(f"{m:7d} {mode:>5s} {len(r.parts):5d} {wall:8.1f} {wall / per:12.4f} {cpu / per:11.4f} "
              f"{len(r.spikes):7d} {os.getloadavg()[0]:5.2f}", flush=True)
sys.exit(0)
