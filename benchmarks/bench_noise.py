"""Cost of Brown's thermal field in the ngspice MTJ, printed as ratios measured in this process.

Run: python benchmarks/bench_noise.py [--quick]

1. The single-MTJ testbench (0.6 mA, 5 ns pulse, then rest) noiseless and at 300 K, both presets:
   wall seconds per simulated ns of the ngspice run, time points, and the thermal / noiseless
   ratio. The thermal deck's maximum step is the noise interval dt_n (min(preset step,
   0.25 / field rate): 1.56 ps instead of 2 ps with the default preset, unchanged 0.5 ps with
   the accurate one), and it has a filesource and three more behavioral sources.
2. Building the thermal deck: drawing and formatting the samples (seconds, file size).
3. K seeded thermal decks run as parallel processes (run_decks) against K times one: wall ratio.
"""

from __future__ import annotations

import argparse
import os
import time

import mtjspice as ms
from mtjspice.netlist.deck import Deck
from mtjspice.netlist.testbench import NOISE_FILE, mtj_testbench
from mtjspice.sim import run_deck, run_decks


def timed_run(deck: Deck, repeat: int) -> tuple[float, float]:
    """Best wall seconds of ``repeat`` runs, and the number of time points."""
    best, points = float("inf"), 0.0
    for _ in range(repeat):
        wf = run_deck(deck)
        best = min(best, wf.stats["wall_s"])
        points = wf.stats["points"]
    return best, points


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true", help="20 ns runs, one repeat")
    args = ap.parse_args()
    t_stop = 20e-9 if args.quick else 100e-9
    repeat = 1 if args.quick else 3
    dev = ms.load_device("orthogonal")
    drive = ms.Pulse(0.0, 0.6e-3, 1e-9, 1e-11, 1e-11, 5e-9, 1.0)
    ns = t_stop * 1e9
    print(f"single MTJ ('orthogonal'), {ns:g} ns, best of {repeat}; wall s per simulated ns (time points)")
    for preset in ("default", "accurate"):
        cold = mtj_testbench(dev, drive, t_stop, 10e-12, preset=preset)
        t0 = time.perf_counter()
        hot = mtj_testbench(dev, drive, t_stop, 10e-12, preset=preset, temperature=300.0, seed=1)
        build = time.perf_counter() - t0
        w0, p0 = timed_run(cold, repeat)
        w1, p1 = timed_run(hot, repeat)
        size = len(hot.attachments[NOISE_FILE]) / 1e6
        print(f"  {preset:8s} noiseless {w0 / ns:.4f} s/ns ({p0:.0f} points, max step {cold.analysis.max_step:.3g} s)"
              f"  300 K {w1 / ns:.4f} s/ns ({p1:.0f} points, max step {hot.analysis.max_step:.3g} s)"
              f"  ratio thermal/noiseless {w1 / w0:.2f}")
        print(f"           building the thermal deck: {build:.3f} s, noise file {size:.2f} MB")
    k = os.cpu_count() or 1
    decks = [mtj_testbench(dev, drive, t_stop, 10e-12, temperature=300.0, seed=s) for s in range(k)]
    t0 = time.perf_counter()
    run_deck(decks[0])
    one = time.perf_counter() - t0
    t0 = time.perf_counter()
    run_decks(decks)
    many = time.perf_counter() - t0
    print(f"K = {k} seeded thermal decks in parallel: {many:.2f} s against K x one = {k * one:.2f} s "
          f"(ratio {many / (k * one):.2f})")


if __name__ == "__main__":
    main()
