"""The library's parametrised MTJ (models/<device>.lib) against the package's baked one: cost, in one run.

The same deck twice: N junctions of the shipped ``orthogonal`` device, each driven by its own
current pulse (0.5 to 0.95 mA, 1 to 11 ns), 20 ns, default preset (trap, reltol 1e-3, 2 ps steps),
ngspice batch. Baked: the subcircuit of :func:`mtjspice.netlist.mtj.mtj_subckt` (numbers). Library:
:func:`mtjspice.netlist.library.library_subckt` with W=10n on every instance line (so ngspice
expands the parameter expressions per instance). Each deck is run ``--repeat`` times, alternating;
the ratio is of the medians of ngspice's CPU time (child process user + system). Target: <= 1.2.
Run: python benchmarks/bench_library.py [--n 10] [--repeat 3]
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import sys
from pathlib import Path

sys.path[:] = [p for p in sys.path if Path(p).resolve() != Path(__file__).resolve().parent]

from mtjspice import load_device
from mtjspice.netlist.circuit import Probe
from mtjspice.netlist.deck import Analysis, Deck
from mtjspice.netlist.library import library_subckt
from mtjspice.netlist.mtj import OPTION_PRESETS, max_step, mtj_subckt
from mtjspice.netlist.sources import isource
from mtjspice.sim import run_deck
from mtjspice.stimulus import Pulse

ap = argparse.ArgumentParser(description=__doc__)
ap.add_argument("--n", type=int, default=10, help="junctions per deck (default 10)")
ap.add_argument("--repeat", type=int, default=3, help="runs of each deck (default 3)")
args = ap.parse_args()

device = load_device("orthogonal")
print(f"{os.cpu_count()} CPUs; load average {os.getloadavg()[0]:.2f}")


def deck(library: bool) -> Deck:
    sub = library_subckt(device) if library else mtj_subckt(device, "mtj")
    items: list = []
    for k in range(args.n):
        amp = 0.5e-3 + 0.45e-3 * k / max(args.n - 1, 1)
        items.append(isource(f"in{k}", "0", f"a{k}", Pulse(0.0, amp, 1e-9, 10e-12, 10e-12, 10e-9, 1.0)))
        items.append(sub.instance(f"X{k}", {"W": 10e-9} if library else None, t1=f"a{k}", t2="0"))
    probes = tuple(Probe.node("my").inside(f"X{k}") for k in range(args.n))
    return Deck("bench", tuple(items), Analysis(20e-9, 10e-12, max_step=max_step()), options=OPTION_PRESETS["default"],
                probes=probes)


def child_cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


decks = {"baked": deck(False), "library": deck(True)}
times: dict[str, list[float]] = {k: [] for k in decks}
results = {}
for _ in range(args.repeat):
    for name, d in decks.items():
        c0 = child_cpu()
        results[name] = run_deck(d)
        times[name].append(child_cpu() - c0)
for name, ts in times.items():
    print(f"{name:8s}: ngspice CPU median {statistics.median(ts):.3f} s over {len(ts)} runs "
          f"({', '.join(f'{t:.3f}' for t in ts)}); {results[name].stats['points']:.0f} time points")
a, b = results["baked"], results["library"]
diff = max(float(abs(a[v] - b[v]).max()) for v in a.signals) if a.t.size == b.t.size else float("nan")
print(f"largest difference in m_y between the two decks: {diff:.3g}")
print(f"library / baked CPU ratio: {statistics.median(times['library']) / statistics.median(times['baked']):.3f} "
      "(target <= 1.2)")
