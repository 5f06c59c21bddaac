"""Wall time per simulated microsecond of the neuron circuit, per comparator flavour and reset mode,
and the share spent in ngspice against Python, then the two flavours' spike counts on +-0.66 mA DC
(where they must agree). Run: python benchmarks/bench_neuron.py [T_STOP]."""

from __future__ import annotations

import sys
import warnings

from mtjspice import load_device
from mtjspice.circuits.neuron import run_neuron
from mtjspice.circuits.settings import NeuronSettings
from mtjspice.stimulus import DC, default_stimulus

device = load_device("orthogonal")
t_stop = float(sys.argv[1]) if len(sys.argv) > 1 else 200e-9
wave = default_stimulus(0.62e-3, t_on=80e-9, gap=18e-9)
print(f"{'comparator':11s} {'reset':7s} {'s per us':>9s} {'ngspice %':>9s} {'python %':>9s} spikes (+/-)")
for comparator in ("behavioral", "cmos"):
    for reset in ("leak", "active"):
        s = NeuronSettings(comparator=comparator, reset=reset, i_th=0.38e-3)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            r = run_neuron(device, wave, t_stop, s)
        tot = r.wall_ngspice + r.wall_python
        print(f"{comparator:11s} {reset:7s} {tot / (t_stop * 1e6):9.2f} {100 * r.wall_ngspice / tot:9.1f} "
              f"{100 * r.wall_python / tot:9.1f} {r.spikes.n_positive}/{r.spikes.n_negative}")

print("\nspike counts in 40 ns of DC input (behavioral / cmos)")
for reset in ("leak", "active"):
    for i_in in (0.66e-3, -0.66e-3):
        counts = []
        for comparator in ("behavioral", "cmos"):
            s = NeuronSettings(comparator=comparator, reset=reset, i_th=0.38e-3)
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                counts.append(len(run_neuron(device, DC(i_in), 40e-9, s).spikes))
        print(f"{reset:7s} {i_in * 1e3:+.2f} mA  {counts[0]} / {counts[1]}")
