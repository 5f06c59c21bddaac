"""How closely the two comparator flavours decide alike inside the neuron, and how often their spike
counts agree. Run: python benchmarks/bench_comparators.py [STEP_A] (default 0.02e-3).

DC inputs from 0.58 to 0.80 mA, both signs, both resets, 40 ns, each flavour. For every read the
comparators saw (not masked by the refractory time) it records whether a spike of the input's sign
fired and the membrane u = m_y at instants tau after the strobe's 50 % point. For each flavour,
polarity and tau it prints how many reads the best threshold on u misclassifies (u, rather than
the readout t2, because the latches' kickback moves t2 while they decide): a comparator that
samples t2 at one instant against one threshold is separated there without error. Then the
threshold at the behavioral comparator's sampling instant, and the 40 ns spike counts,
behavioral / cmos. An accuracy study, not a timing: about a minute here.
"""

from __future__ import annotations

import os
import sys
import warnings
from concurrent.futures import ThreadPoolExecutor

import numpy as np

from mtjspice import load_device
from mtjspice.circuits.neuron import run_neuron
from mtjspice.circuits.settings import NeuronSettings
from mtjspice.stimulus import DC

T_STOP = 40e-9
TAUS = np.arange(-40e-12, 120.1e-12, 5e-12)
device = load_device("orthogonal")
step = float(sys.argv[1]) if len(sys.argv) > 1 else 0.02e-3
currents = np.round(np.arange(0.58e-3, 0.80e-3 + step / 2, step), 7)
flavours = ("behavioral", "cmos")
resets = ("leak", "active")


def one(job: tuple[str, float, str]) -> tuple[np.ndarray, np.ndarray, int]:
    """u (signed by the input, one row per read, one column per tau), fired per read, spike count."""
    comparator, i_in, reset = job
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        r = run_neuron(device, DC(i_in), T_STOP, NeuronSettings(comparator=comparator, reset=reset), warn=False)
    c = r.circuit
    pol = 1 if i_in > 0 else -1
    first = c.strobe_delay + c.edge / 2  # strobe at 50 %, first read
    u_rows, fired = [], []
    for k in range(int(T_STOP / c.clock_period)):
        t_s = first + k * c.clock_period
        if np.interp(t_s + c.edge, r.t, r.wave[r.probes.t2.vector]) < 0.1:  # t2 grounded: masked by the refractory
            continue
        u_rows.append(pol * np.interp(t_s + TAUS, r.t, r.u))
        sel = (r.spikes.t > t_s) & (r.spikes.t < t_s + c.read_width) & (r.spikes.polarity == pol)
        fired.append(bool(np.any(sel)))
    return np.array(u_rows), np.array(fired), len(r.spikes)


def best_split(u: np.ndarray, fired: np.ndarray) -> tuple[int, float]:
    """Fewest reads misclassified by 'fired iff u > threshold', and that threshold."""
    order = np.argsort(u)
    f = fired[order]
    # threshold just above the k-th smallest u: fired reads at or below it, unfired ones above it
    errors = np.cumsum(f) + (np.sum(~f) - np.cumsum(~f))
    k = int(np.argmin(errors))
    return int(errors[k]), float(u[order][k])


jobs = [(f, sign * i, reset) for i in currents for sign in (1, -1) for reset in resets for f in flavours]
with ThreadPoolExecutor(max_workers=os.cpu_count() or 1) as pool:
    results = dict(zip(jobs, pool.map(one, jobs), strict=True))

t_sample = NeuronSettings().behavioral.sample_delay
j_s = int(np.argmin(np.abs(TAUS - t_sample)))
shown = [j for j in range(TAUS.size) if round(TAUS[j] * 1e12) % 10 == 0]
print("reads misclassified by the best threshold on u at tau after the strobe's 50 % point (m_y precesses")
print("with a period near 70 ps, so instants 70 ps apart predict alike), and the threshold on u at the")
print(f"behavioral comparator's sampling instant ({t_sample * 1e12:.0f} ps)")
print(f"{'tau (ps)':18s}" + "".join(f"{TAUS[j] * 1e12:5.0f}" for j in shown) + "   reads  u_th")
for pol in (1, -1):
    for f in flavours:
        runs = [v for (ff, i, _), v in results.items() if ff == f and np.sign(i) == pol and v[0].size]
        u = np.vstack([v[0] for v in runs])
        fired = np.concatenate([v[1] for v in runs])
        splits = [best_split(u[:, j], fired) for j in range(TAUS.size)]
        print(f"{f:11s} {'+' if pol > 0 else '-'}     " + "".join(f"{splits[j][0]:5d}" for j in shown)
              + f"  {fired.size:6d}  {splits[j_s][1]:.4f}")

print(f"\nspike counts in {T_STOP * 1e9:g} ns, behavioral / cmos, where they differ:")
equal = 0
for i in currents:
    for sign in (1, -1):
        for reset in resets:
            nb = results[("behavioral", sign * i, reset)][2]
            nc = results[("cmos", sign * i, reset)][2]
            equal += nb == nc
            if nb != nc:
                print(f"  {sign * i * 1e3:+.2f} mA {reset:6s} {nb} / {nc}")
print(f"equal in {equal} of {len(currents) * 2 * len(resets)} runs")
