"""Where the two comparator flavours decide, measured in the neuron itself, and how often their
spike counts agree. Run: python benchmarks/comparators.py [STEP_A] (default 0.02e-3).

For every DC input from 0.58 to 0.80 mA (both signs, both resets, 40 ns) each read's margin is
t2 at the moment the strobe is fully open, less the behavioral trip point (v_hi + h/2 for a
positive spike, mirrored for a negative one), in mV; the table gives the share of reads that fired
per 0.1 mV bin of that margin, per flavour and polarity. A comparator that decided on t2 at that
instant would step from 0 % to 100 % at 0 mV. Then the 40 ns spike counts, behavioral / cmos.
An accuracy study, not a timing: it takes a few minutes (one ngspice run per input and flavour).
"""

from __future__ import annotations

import sys
from pathlib import Path

# benchmarks/array.py shares its name with the standard library's array module, which numpy
# imports: drop this folder from the import path before anything else is imported.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]

import os
import warnings
from concurrent.futures import ThreadPoolExecutor

import numpy as np

from mtjspice import load_device
from mtjspice.neuron import NeuronSettings, neuron_circuit, run_neuron
from mtjspice.stimulus import DC

T_STOP = 40e-9
device = load_device(Path(__file__).resolve().parent.parent / "models" / "orthogonal.toml")
step = float(sys.argv[1]) if len(sys.argv) > 1 else 0.02e-3
currents = np.round(np.arange(0.58e-3, 0.80e-3 + step / 2, step), 7)
flavours = ("behavioral", "cmos")
resets = ("leak", "active")


def one(job: tuple[str, float, str]) -> tuple[list[tuple[float, bool]], int]:
    """(margin in mV, fired) for every enabled read, and the spike count, of one run."""
    comparator, i_in, reset = job
    s = NeuronSettings(comparator=comparator, reset=reset)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        r = run_neuron(device, DC(i_in), T_STOP, s, warn=False)
    nominal = neuron_circuit(device, NeuronSettings(reset=reset))  # behavioral thresholds
    half_h = 0.5 * s.behavioral.hysteresis
    pol = 1 if i_in > 0 else -1
    c = r.circuit
    first = c.clock_period - c.read_width + c.settle  # the strobe fully open in the first read window
    reads = []
    for k in range(int(T_STOP / c.clock_period)):
        t_s = first + k * c.clock_period
        v = float(np.interp(t_s, r.t, r.wave["v(t2)"]))
        if v < 0.1:  # t2 grounded: the read is masked by the refractory time
            continue
        margin = v - nominal.v_hi - half_h if pol > 0 else nominal.v_lo - half_h - v
        sel = (r.spikes[:, 0] > t_s) & (r.spikes[:, 0] < t_s + c.read_width) & (r.spikes[:, 1] == pol)
        reads.append((1e3 * margin, bool(np.any(sel))))
    return reads, int(r.spikes.shape[0])


jobs = [(f, sign * i, reset) for i in currents for sign in (1, -1) for reset in resets for f in flavours]
with ThreadPoolExecutor(max_workers=os.cpu_count() or 1) as pool:
    results = dict(zip(jobs, pool.map(one, jobs), strict=True))

bins = np.round(np.arange(-1.0, 1.0, 0.1), 1)
print("% of reads that fired, by margin bin (t2 at the open strobe - behavioral trip point, mV from)")
print(f"{'':18s}" + "".join(f"{x:+6.1f}" for x in bins))
for f in flavours:
    for pol in (1, -1):
        reads = [x for (ff, i, _), (rd, _) in results.items() if ff == f and np.sign(i) == pol for x in rd]
        m = np.array([x for x, _ in reads])
        fired = np.array([y for _, y in reads])
        share, count = [], []
        for x in bins:
            sel = (m >= x - 1e-9) & (m < x + 0.1 - 1e-9)
            share.append(f"{100 * fired[sel].mean():6.0f}" if sel.any() else "     -")
            count.append(f"{int(sel.sum()):6d}")
        print(f"{f:10s} {'+' if pol > 0 else '-'} fired " + "".join(share))
        print(f"{'':12s} reads " + "".join(count))

print(f"\nspike counts in {T_STOP * 1e9:g} ns, behavioral / cmos, where they differ:")
equal = 0
for i in currents:
    for sign in (1, -1):
        for reset in resets:
            nb = results[("behavioral", sign * i, reset)][1]
            nc = results[("cmos", sign * i, reset)][1]
            equal += nb == nc
            if nb != nc:
                print(f"  {sign * i * 1e3:+.2f} mA {reset:6s} {nb} / {nc}")
print(f"equal in {equal} of {len(currents) * 2 * len(resets)} runs")
