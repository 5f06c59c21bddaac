"""Cost per neuron of the circuit-level Monte Carlo (mtjspice.montecarlo.circuit), on 1 worker against
2 workers, on the same K samples in this one process (each neuron is two ngspice runs, +drive and
-drive; the workers are threads that each wait on their own ngspice process). Prints the wall
times, the cost per neuron (wall, and the CPU seconds of the ngspice processes, which other load on
the machine does not inflate) and their ratios, the load average (the wall ratio needs two free
cores), and checks that the two give the same columns.
Run: python benchmarks/bench_circuit_mc.py [K] [T_STOP] [SPREAD]."""

from __future__ import annotations

import os
import resource
import sys
import time

import numpy as np

from mtjspice import load_device
from mtjspice.circuits.neuronobject import Neuron
from mtjspice.circuits.settings import NeuronSettings
from mtjspice.montecarlo.circuit import COLUMNS, CircuitMC, circuit_chunk
from mtjspice.variation import VariationSpec

device = load_device("orthogonal")
k = int(sys.argv[1]) if len(sys.argv) > 1 else 8
t_stop = float(sys.argv[2]) if len(sys.argv) > 2 else 40e-9
spec = VariationSpec.parse(sys.argv[3] if len(sys.argv) > 3 else "L=0.7n,W=0.7n")
neuron = Neuron.build(device, NeuronSettings(i_th=0.3828125e-3))
mc = CircuitMC(t_stop=t_stop, trim="reference")
circuit_chunk(neuron, spec, 0, [k], CircuitMC(t_stop=2e-9))  # warm-up, out of the table



def child_cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


print(f"K = {k} neurons ({2 * k} ngspice runs of {t_stop * 1e9:g} ns), {os.cpu_count()} cores, "
      f"load average {os.getloadavg()[0]:.2f} before")
print(f"{'workers':>7s} {'wall s':>8s} {'wall s/neuron':>14s} {'ngspice cpu s/neuron':>21s} {'yield':>6s}")
walls, cpus, outs = {}, {}, {}
for workers in (1, 2):
    t0, c0 = time.perf_counter(), child_cpu()
    outs[workers] = circuit_chunk(neuron, spec, 0, range(k), mc, workers=workers)
    walls[workers], cpus[workers] = time.perf_counter() - t0, child_cpu() - c0
    print(f"{workers:7d} {walls[workers]:8.2f} {walls[workers] / k:14.3f} {cpus[workers] / k:21.3f} "
          f"{outs[workers]['ok'].mean():6.2f}")
same = all(np.array_equal(outs[1][c], outs[2][c], equal_nan=True) for c in COLUMNS)
speedup = walls[1] / walls[2]
print(f"wall time, 1 / 2 workers: {speedup:.2f} (2.00 = halves)")
print(f"cost per neuron-worker, 2 workers / 1 worker: {2 * walls[2] / walls[1]:.2f} (1.00 = flat)")
print(f"ngspice cpu per neuron, 2 workers / 1 worker: {cpus[2] / cpus[1]:.2f} (1.00 = flat)")
print(f"load average {os.getloadavg()[0]:.2f} after")
print(f"same columns on 1 and 2 workers: {same}")
