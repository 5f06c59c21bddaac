"""Cost of each issue-26 effect in the ngspice MTJ, as ratios to the MTJ without it, measured in this process.

Run: python benchmarks/bench_effects.py [--repeat N]

One behavioral MTJ (the shipped ``orthogonal`` device), a 0.6 mA, 5 ns current pulse, 20 ns, default
preset, ngspice batch engine. For each effect (at the realistic device's value, cofeb_mgo.toml) the
deck is run ``--repeat`` times interleaved with the baseline deck, and the ratios of the medians are
printed: of the wall time, of the ngspice process's CPU time (user + system of the child process,
which a loaded machine moves far less than the wall time), and of the wall time per output time
point (an effect that changes the dynamics changes how many steps ngspice takes; the per-point ratio
is the cost of the effect's own terms). The target is at most 1.3x per effect.
"""

from __future__ import annotations

import argparse
import resource
import statistics
import time

import mtjspice as ms
from mtjspice.montecarlo.margin import EFFECTS, effects_off, with_effect
from mtjspice.netlist.testbench import mtj_testbench
from mtjspice.sim import run_deck

T_STOP = 20e-9


def _children_cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def wall(dev: ms.Device) -> tuple[float, float, int]:
    """Wall seconds, ngspice's CPU seconds and its number of time points."""
    deck = mtj_testbench(dev, ms.Pulse(0.0, 0.6e-3, 1e-9, 1e-11, 1e-11, 5e-9, 1.0), T_STOP, 10e-12)
    cpu = _children_cpu()
    t = time.perf_counter()
    wf = run_deck(deck)
    return time.perf_counter() - t, _children_cpu() - cpu, int(wf.t.size)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args()
    real = ms.load_device("cofeb_mgo")
    base = effects_off(real)
    wall(base)  # warm-up: imports, ngspice start
    cases = {"none": base, **{e: with_effect(real, e) for e in EFFECTS}, "all": real}
    # the field-like torque's two parts apart: cofeb_mgo's is all quadratic in V (field_like_quadratic,
    # which reads the junction voltage through one more node); the linear ratio at 0.2 for comparison
    cases["field_like_ratio_0.2"] = base.replace(**{"junction.field_like_ratio": 0.2})
    times: dict[str, list[float]] = {k: [] for k in cases}
    cpus: dict[str, list[float]] = {k: [] for k in cases}
    points: dict[str, int] = {}
    for _ in range(args.repeat):
        for k, dev in cases.items():
            sec, cpu, points[k] = wall(dev)
            times[k].append(sec)
            cpus[k].append(cpu)
    ref, ref_cpu = statistics.median(times["none"]), statistics.median(cpus["none"])
    per = ref / points["none"]
    print(f"ngspice MTJ, 20 ns, default preset: {ref:.3f} s wall, {ref_cpu:.3f} s CPU, {points['none']} points "
          f"without the effects (median of {args.repeat})")
    for k in cases:
        med, cpu = statistics.median(times[k]), statistics.median(cpus[k])
        r_pt = med / points[k] / per
        worst = max(med / ref, r_pt, cpu / ref_cpu)
        print(f"  {k:<22} {med:.3f} s  ratio {med / ref:.2f}  CPU ratio {cpu / ref_cpu:.2f}  points {points[k]:6d}  "
              f"per point {r_pt:.2f}" + ("" if k in ("none", "all") or worst <= 1.3 else "  ABOVE 1.3"))


if __name__ == "__main__":
    main()
