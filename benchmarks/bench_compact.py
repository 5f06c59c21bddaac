"""The compact signed-LIF MTJ against the macrospin MTJ: cost and agreement, in one run.

1. Cost per neuron per simulated ns (CPU of ngspice and this process), one neuron, DC 0.7 mA,
   leak reset: macrospin, compact, and the same neuron with a fixed resistor for a junction (the
   floor the neuron's clock, strobe and comparators set). Runs of 20, 100 and 200 ns, fitted as a
   cost per run (process start, deck, analysis) plus a cost per simulated ns; the ratios of the
   latter (the target) and of whole 100 ns runs.
2. The same in arrays (the power workload: 4 inputs, pulses of 0.2 V, split into parts): 64 neurons
   with each model, then 1024 neurons x 100 ns with the compact MTJ (target: under 60 s wall).
3. Agreement on the neuron benchmark inputs: DC from 0.58 to 0.80 mA in 0.02 mA steps, both
   signs, both resets, 40 ns: spike counts (within one, equal, bias by sign) and energy per spike.

The compact parameters are the shipped device's fit (:func:`mtjspice.circuits.compact.compact_params`,
cached on disk after the first run, about 30 s).
Run: python benchmarks/bench_compact.py [--skip-1024] [--skip-agreement] [--group 4]
"""

from __future__ import annotations

import argparse
import os
import resource
import time
import warnings
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace

import numpy as np

from mtjspice import DC, load_device
from mtjspice.circuits.array import ArrayJob, ArraySettings, run_array
from mtjspice.circuits.compact import compact_params
from mtjspice.circuits.neuron import neuron_deck, run_neuron
from mtjspice.circuits.neuronobject import Neuron
from mtjspice.circuits.power import workload
from mtjspice.circuits.settings import NeuronSettings, resolve
from mtjspice.netlist.array import ArrayCircuit
from mtjspice.netlist.circuit import Element, Subckt
from mtjspice.sim import run_deck
from mtjspice.stimulus import spike_waveforms

ap = argparse.ArgumentParser(description=__doc__)
ap.add_argument("--skip-1024", action="store_true")
ap.add_argument("--skip-agreement", action="store_true")
ap.add_argument("--group", type=int, default=4, help="neurons per part of the compact arrays (default 4)")
args = ap.parse_args()
warnings.simplefilter("ignore")

device = load_device("orthogonal")
t0 = time.perf_counter()
cp = compact_params(device)
print(f"compact parameters ({time.perf_counter() - t0:.1f} s): tau_m {cp.tau_m:.4g} s, gain {cp.gain:.4g} 1/A, "
      f"i_th {cp.i_th * 1e3:.4g} mA, i_down {cp.i_down * 1e3:.4g} mA, range {cp.i_min * 1e3:.4g} to "
      f"{cp.i_max * 1e3:.4g} mA")
print(f"{os.cpu_count()} CPUs; load average {os.getloadavg()[0]:.2f}")


def cpu() -> float:
    own, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def settings(mtj: str, **kw: object) -> NeuronSettings:
    return NeuronSettings(i_th=cp.i_th, mtj=mtj, compact=cp, **kw)  # type: ignore[arg-type]


# ---- 1. one neuron
# Each run costs a fixed part (an ngspice process, its code models, the deck and its analysis) and a
# part per simulated ns; a line through the best of 3 runs at three lengths gives both.
LENGTHS = (20e-9, 100e-9, 200e-9)
T = 100e-9
run_neuron(device, DC(0.7e-3), 5e-9, settings("compact"), warn=False)  # warm-up
s = settings("compact")
fixed = Subckt("mtj", ("t1", "t2"), (Element("Vsense", ("t1", "n1"), (0,)), Element("Rj", ("n1", "t2"), (1382.8,)),
                                     Element("Cu", ("my", "0"), (1e-12,)), Element("Ru", ("my", "0"), (1e3,))))


def resistor_run(t_stop: float) -> None:
    deck, _ = neuron_deck(device, resolve(device, s), DC(0.7e-3), t_stop, s)
    run_deck(replace(deck, items=tuple(replace(it, subckt=fixed) if getattr(it, "name", "") == "XMTJ" else it
                                       for it in deck.items)))


runs = {"macrospin": lambda t: run_neuron(device, DC(0.7e-3), t, settings("macrospin"), warn=False),
        "compact": lambda t: run_neuron(device, DC(0.7e-3), t, settings("compact"), warn=False),
        "resistor": resistor_run}
per_ns, per_run, whole = {}, {}, {}
for name, fn in runs.items():
    costs = []
    for t_stop in LENGTHS:
        best = np.inf
        for _ in range(3):
            c0 = cpu()
            fn(t_stop)
            best = min(best, cpu() - c0)
        costs.append(best)
    slope, icpt = np.polyfit(np.array(LENGTHS) * 1e9, costs, 1)
    per_ns[name], per_run[name], whole[name] = slope, icpt, costs[LENGTHS.index(T)] / (T * 1e9)
print(f"\n1. one neuron, DC 0.7 mA, leak reset; CPU s (best of 3) at {', '.join(f'{t * 1e9:g}' for t in LENGTHS)} ns, "
      "fitted as per run + per simulated ns x length")
print(f"   {'':10s} {'per ns':>10s} {'per run':>9s} {'100 ns run / 100':>17s}")
for k in runs:
    print(f"   {k:10s} {per_ns[k]:10.3e} {per_run[k]:9.4f} {whole[k]:17.3e}")
print(f"   per simulated ns: macrospin / compact = {per_ns['macrospin'] / per_ns['compact']:.2f} (target >= 10); "
      f"compact / fixed resistor = {per_ns['compact'] / per_ns['resistor']:.2f}; macrospin / fixed resistor = "
      f"{per_ns['macrospin'] / per_ns['resistor']:.2f}")
print(f"   whole 100 ns runs: macrospin / compact = {whole['macrospin'] / whole['compact']:.2f}")


# ---- 2. arrays
def array(n: int, mtj: str, group: int | None) -> tuple[float, float, int]:
    w, ev = workload(4, n, T)
    st = ArraySettings(crossbar=ArrayCircuit(r_driver=0.0), v_spike=0.2, spike_width=8e-9, group=group)
    neuron = Neuron.build(device, settings(mtj))
    c0, w0 = cpu(), time.perf_counter()
    r = run_array(neuron, ArrayJob(w, spike_waveforms(ev, 4, 0.2, 8e-9), T), st)
    return time.perf_counter() - w0, cpu() - c0, len(r.spikes)


print(f"\n2. arrays (4 inputs, power workload, 100 ns, ideal drivers, split): {'wall s':>8s} {'s/neuron/ns':>12s} "
      f"{'cpu s/n/ns':>11s} {'spikes':>7s}")
rows = {}
for n, mtj, group in ((64, "macrospin", 8), (64, "compact", args.group)):
    wall, c, spikes = array(n, mtj, group)
    rows[mtj] = c / n / (T * 1e9)
    print(f"   {n:5d} {mtj:10s} group {group:3d} {wall:8.1f} {wall / n / (T * 1e9):12.3e} {rows[mtj]:11.3e} {spikes:7d}")
print(f"   CPU per neuron-ns, macrospin / compact = {rows['macrospin'] / rows['compact']:.2f}")
if not args.skip_1024:
    wall, c, spikes = array(1024, "compact", args.group)
    print(f"   {1024:5d} {'compact':10s} group {args.group:3d} {wall:8.1f} {wall / 1024 / (T * 1e9):12.3e} "
          f"{c / 1024 / (T * 1e9):11.3e} {spikes:7d}   (target: under 60 s wall)")

# ---- 3. agreement
if not args.skip_agreement:
    cur = np.round(np.arange(0.58e-3, 0.80e-3 + 1e-6, 0.02e-3), 7)
    jobs = [(m, sg * i, r) for r in ("leak", "active") for i in cur for sg in (1, -1) for m in ("macrospin", "compact")]

    def one(job: tuple[str, float, str]) -> tuple[int, float, bool]:
        m, i, r = job
        res = run_neuron(device, DC(i), 40e-9, settings(m, reset=r), warn=False)
        return len(res.spikes), res.energy.total, bool(np.all(res.spikes.polarity == np.sign(i)))

    with ThreadPoolExecutor(max_workers=os.cpu_count() or 1) as pool:
        out = np.array(list(pool.map(one, jobs)), dtype=float).reshape(-1, 2, 3)
    mac, cmp = out[:, 0], out[:, 1]
    d = cmp[:, 0] - mac[:, 0]
    sign = np.array([np.sign(j[1]) for j in jobs[::2]])
    print(f"\n3. agreement, 40 ns DC, 0.58 to 0.80 mA, both signs and resets ({d.size} runs per model)")
    print(f"   counts within one: {np.mean(np.abs(d) <= 1) * 100:.1f} %, equal: {np.mean(d == 0) * 100:.1f} %, "
          f"largest difference {int(np.max(np.abs(d)))}; compact - macrospin summed: {int(d.sum())} of "
          f"{int(mac[:, 0].sum())} spikes (+I {int(d[sign > 0].sum())}, -I {int(d[sign < 0].sum())})")
    print(f"   wrong-sign spikes: macrospin {int(np.sum(mac[:, 2] == 0))} runs, compact {int(np.sum(cmp[:, 2] == 0))} runs")
    for r in ("leak", "active"):
        sel = np.array([j[2] == r for j in jobs[::2]])
        em = mac[sel, 1].sum() / mac[sel, 0].sum()
        ec = cmp[sel, 1].sum() / cmp[sel, 0].sum()
        same = sel & (d == 0)
        rel = np.abs(cmp[same, 1] / mac[same, 1] - 1)
        print(f"   {r:6s} energy per spike (all runs): macrospin {em * 1e12:.3f} pJ, compact {ec * 1e12:.3f} pJ "
              f"({(ec / em - 1) * 100:+.1f} %); runs with equal counts: energy within {rel.max() * 100:.2f} %")
    print("   current   reset   macrospin compact")
    for j, m, c in zip(jobs[::2], mac, cmp, strict=True):
        if m[0] != c[0]:
            print(f"   {j[1] * 1e3:+.2f} mA {j[2]:6s} {int(m[0]):5d} {int(c[0]):7d}")
