"""The library's parametrised MTJ (models/<device>.lib) against the package's baked one: cost, in one run.

The same deck twice: N junctions of the shipped ``orthogonal`` device, each driven by its own
current pulse (0.5 to 0.95 mA, 1 to 11 ns), 20 ns, default preset (trap, reltol 1e-3, 2 ps steps),
ngspice batch. Baked: the subcircuit of :func:`mtjspice.netlist.mtj.mtj_subckt` (numbers). Library:
:func:`mtjspice.netlist.library.library_subckt` with W=10n on every instance line (so ngspice
expands the parameter expressions per instance). Each deck is run ``--repeat`` times, alternating;
the ratio is of the medians of ngspice's CPU time (child process user + system). Target: <= 1.2.

With ``--effects`` the same comparison runs for the issue-26 effects, one device each (the paper's
device with interface anisotropy, field-like torque (linear ratio 0.2; quadratic 2.6e3 (A/m)/V^2, cofeb_mgo's),
bias-dependent TMR (V_half 0.5 V), Joule heating, heating with Bloch's law, a 0.02 rad taper; and the shipped
``cofeb_mgo`` with all of them): the library with the effect against the baked subcircuit with it (target
<= 1.2), each against the baked subcircuit of the paper's device without effects, and the library with the
effect against the library without it, in the same run (issue 26's target for an effect: <= 1.3).
Run: python benchmarks/bench_library.py [--n 10] [--repeat 3] [--effects]
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
ap.add_argument("--effects", action="store_true", help="also the issue-26 effects, one device each")
args = ap.parse_args()

base = load_device("orthogonal")
EFFECTS = {
    "ki": {"material.Ki_bottom": 0.6e-4, "material.Ki_top": 0.4e-4},
    "fieldlike": {"junction.field_like_ratio": 0.2},
    "flq": {"junction.field_like_quadratic": 2.6e3},
    "bias_tmr": {"junction.V_half": 0.5},
    "heating": {"junction.thermal_resistance": 1e5, "junction.thermal_time_constant": 2e-9},
    "bloch": {"junction.thermal_resistance": 1e5, "junction.thermal_time_constant": 2e-9,
              "material.curie_temperature": 1100.0},
    "taper": {"geometry.taper": 0.02},
}
devices = {"orthogonal": base}
if args.effects:
    devices.update({k: base.replace(**v) for k, v in EFFECTS.items()})
    devices["cofeb_mgo"] = load_device("cofeb_mgo")
print(f"{os.cpu_count()} CPUs; load average {os.getloadavg()[0]:.2f}")


def deck(device, library: bool) -> Deck:  # type: ignore[no-untyped-def]
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


decks = {(dev, kind): deck(d, kind == "library") for dev, d in devices.items() for kind in ("baked", "library")}
times: dict[tuple[str, str], list[float]] = {k: [] for k in decks}
results = {}
for _ in range(args.repeat):
    for key, d in decks.items():
        c0 = child_cpu()
        results[key] = run_deck(d)
        times[key].append(child_cpu() - c0)
for (dev, kind), ts in times.items():
    print(f"{dev:10s} {kind:8s}: ngspice CPU median {statistics.median(ts):.3f} s over {len(ts)} runs "
          f"({', '.join(f'{t:.3f}' for t in ts)}); {results[dev, kind].stats['points']:.0f} time points")
med = {k: statistics.median(ts) for k, ts in times.items()}
for dev in devices:
    a, b = results[dev, "baked"], results[dev, "library"]
    diff = max(float(abs(a[v] - b[v]).max()) for v in a.signals) if a.t.size == b.t.size else float("nan")
    line = (f"{dev:10s}: library / baked CPU ratio {med[dev, 'library'] / med[dev, 'baked']:.3f} (target <= 1.2); "
            f"largest difference in m_y {diff:.3g}")
    if dev != "orthogonal":
        line += (f"; against the baked MTJ without effects: baked {med[dev, 'baked'] / med['orthogonal', 'baked']:.3f}, "
                 f"library {med[dev, 'library'] / med['orthogonal', 'baked']:.3f}; library against the library "
                 f"without effects {med[dev, 'library'] / med['orthogonal', 'library']:.3f} (issue 26: <= 1.3)")
    print(line)
