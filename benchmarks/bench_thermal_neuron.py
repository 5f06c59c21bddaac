"""Cost of the neuron at temperature, as ratios measured in this one run: a thermal neuron against
the noiseless one per simulated ns (the noise forces a shorter step), and K seeded trials against
K times one trial (the trials run as parallel ngspice processes).
Run: python benchmarks/bench_thermal_neuron.py [T_STOP] [K]."""

from __future__ import annotations

import os
import sys
import time
import warnings

from mtjspice import load_device
from mtjspice.circuits.neuron import Thermal, neuron_trials, run_neuron
from mtjspice.circuits.settings import NeuronSettings, resolve
from mtjspice.stimulus import DC

device = load_device("orthogonal")
t_stop = float(sys.argv[1]) if len(sys.argv) > 1 else 100e-9
k = int(sys.argv[2]) if len(sys.argv) > 2 else 8
s = NeuronSettings(i_th=0.38e-3)
c = resolve(device, s)
wave = DC(0.6e-3)
warnings.simplefilter("ignore")
run_neuron(device, wave, 5e-9, s, c)  # warm-up: ngspice start-up out of the table


def timed(f):  # type: ignore[no-untyped-def]
    t0 = time.perf_counter()
    out = f()
    return time.perf_counter() - t0, out


cold, r0 = timed(lambda: run_neuron(device, wave, t_stop, s, c))
th = Thermal.make(device, s, 300.0, 0)
warm, r1 = timed(lambda: run_neuron(device, wave, t_stop, s, c, thermal=th))
print(f"one neuron, {t_stop * 1e9:g} ns of {wave.value * 1e3:g} mA, {os.cpu_count()} CPUs")
print(f"  noiseless: {cold / (t_stop * 1e9) * 1e3:.2f} ms per simulated ns ({r0.wave.t.size} time points, "
      f"max step {s.max_step:.3g} s)")
print(f"  300 K:     {warm / (t_stop * 1e9) * 1e3:.2f} ms per simulated ns ({r1.wave.t.size} time points, "
      f"noise step {th.interval:.3g} s)")  # type: ignore[union-attr]
print(f"  ratio thermal / noiseless: {warm / cold:.2f}")
one, _ = timed(lambda: run_neuron(device, wave, t_stop, s, c, thermal=Thermal.make(device, s, 300.0, 1)))
many, runs = timed(lambda: neuron_trials(device, wave, t_stop, s, 300.0, range(k), c))
print(f"{k} trials: {many:.2f} s against {k} x one trial = {k * one:.2f} s; ratio {many / (k * one):.2f} "
      f"(spike counts {[len(r.spikes) for r in runs]})")
