"""Cost of the behavioral MTJ in ngspice (batch engine), printed as ratios measured in this process.

Run: python benchmarks/bench_spice.py [--quick]

1. The same single-junction testbench with the behavioral MTJ against a fixed resistor of the
   same value R(m.p = 0): wall-time ratio.
2. N = 1, 10, 100 independent MTJs (each with its own current pulse), 20 ns, for both presets,
   in one netlist and split into one deck per MTJ run as parallel processes: wall seconds,
   seconds per MTJ per simulated ns, peak memory of an ngspice process.
3. A 1 us pulse train on one MTJ, both presets.
4. The planning prototype's figures for comparison (FINDINGS.md: 1 F states, time in s, default
   options): 1 MTJ 20 ns 0.62 s at an error of about 1e-2; 5e-4 needed reltol 1e-8 and 3 s per
   15 ns; 100 MTJs 20 ns 43 s.
"""

from __future__ import annotations

import argparse
import time
import warnings
from dataclasses import replace

import numpy as np

import mtjspice as ms
from mtjspice.netlist.circuit import Element, Instance, Probe, Subckt
from mtjspice.netlist.deck import Analysis, Deck
from mtjspice.netlist.mtj import OPTION_PRESETS, max_step, mtj_subckt
from mtjspice.netlist.sources import isource
from mtjspice.netlist.testbench import mtj_testbench
from mtjspice.physics.llgs import junction_resistance
from mtjspice.physics.rest import initial_magnetization
from mtjspice.sim import run_deck, run_decks

T_STOP = 20e-9


def many(dev: ms.Device, n: int, preset: str, t_stop: float = T_STOP) -> Deck:
    """n independent MTJs, currents spread over 0.3..0.7 mA of both signs, 5 ns pulses; probes m_y of each."""
    amps = np.linspace(0.3e-3, 0.7e-3, n) * np.where(np.arange(n) % 2, -1, 1)
    mtj = mtj_subckt(dev, "mtj", preset)
    items: list[Element | Instance] = []
    for k, a in enumerate(amps, 1):
        items += [isource(f"in{k}", "0", f"a{k}", ms.Pulse(0.0, float(a), 1e-9, 1e-11, 1e-11, 5e-9, 10e-9)),
                  mtj.instance(f"X{k}", t1=f"a{k}", t2="0")]
    probes = tuple(Probe.node("my").inside(f"X{k}") for k in range(1, n + 1))
    return Deck(f"{n} MTJs", tuple(items), Analysis(t_stop, 10e-12, max_step=max_step(preset)),
                options=OPTION_PRESETS[preset], probes=probes)


def resistor_testbench(dev: ms.Device, preset: str) -> Deck:
    """The 20 ns testbench with the MTJ replaced by a fixed resistor R(m.p = 0) and idle state nodes."""
    bench = mtj_testbench(dev, ms.Pulse(0.0, 0.6e-3, 1e-9, 1e-11, 1e-11, 5e-9, 1.0), T_STOP, 10e-12, preset=preset)
    items: list[Element] = [Element("Vsense", ("t1", "n1"), (0,)),
                            Element("Rfixed", ("n1", "t2"), (junction_resistance(dev, 0.0),))]
    for c in ("mx", "my", "mz"):
        items += [Element(f"C{c}", (c, "0"), (1e-9,)), Element(f"R{c}", (c, "0"), (1,))]
    fixed = Subckt("mtj", ("t1", "t2"), tuple(items), ic=tuple(zip(("mx", "my", "mz"), initial_magnetization(dev), strict=True)))
    swapped = tuple(fixed.instance(it.name, **dict(it.connections)) if isinstance(it, Instance) else it
                    for it in bench.items)
    return replace(bench, items=swapped)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--quick", action="store_true", help="N = 1, 10 only, and a 200 ns train")
    args = ap.parse_args()
    warnings.simplefilter("ignore", ms.BreakdownWarning)
    dev = ms.load_device("orthogonal")
    sizes = (1, 10) if args.quick else (1, 10, 100)
    train = 200e-9 if args.quick else 1e-6

    print("1. behavioral MTJ against a fixed resistor, same testbench, 20 ns")
    for preset in ("default", "accurate"):
        mtj = run_deck(mtj_testbench(dev, ms.Pulse(0.0, 0.6e-3, 1e-9, 1e-11, 1e-11, 5e-9, 1.0), T_STOP, 10e-12,
                                     preset=preset))
        res = run_deck(resistor_testbench(dev, preset))
        print(f"   {preset:9s} MTJ {mtj.stats['wall_s']:.3f} s, resistor {res.stats['wall_s']:.3f} s, "
              f"ratio {mtj.stats['wall_s'] / res.stats['wall_s']:.1f} (same max step; {mtj.t.size} points)")

    print("2. N independent MTJs, 20 ns: in one netlist, and split into one deck per MTJ run as parallel")
    print("   ngspice processes (2 cores); cost per MTJ per simulated ns")
    print(f"   {'preset':9s} {'N':>4} {'one deck s':>10} {'s/(MTJ ns)':>11} {'peak MB':>8} {'split s':>8} "
          f"{'s/(MTJ ns)':>11} {'peak MB':>8}")
    for preset in ("default", "accurate"):
        for n in sizes:
            one = many(dev, n, preset)
            t0 = time.perf_counter()
            wf = run_deck(one)
            w1 = time.perf_counter() - t0
            jobs = [many(dev, 1, preset) for _ in range(n)]
            t0 = time.perf_counter()
            parts = run_decks(jobs)
            w2 = time.perf_counter() - t0
            peak2 = max(p.stats["peak_rss_bytes"] for p in parts)
            ns = T_STOP * 1e9
            print(f"   {preset:9s} {n:>4} {w1:>10.2f} {w1 / n / ns:>11.2e} {wf.stats['peak_rss_bytes'] / 1e6:>8.1f} "
                  f"{w2:>8.2f} {w2 / n / ns:>11.2e} {peak2 / 1e6:>8.1f}")

    print(f"3. one MTJ, {train * 1e9:.0f} ns pulse train (0.6 mA, 5 ns on, 15 ns off)")
    for preset in ("default", "accurate"):
        wf = run_deck(mtj_testbench(dev, ms.pulse_train(0.6e-3, 5e-9, 15e-9), train, 100e-12, preset=preset))
        norm = np.sqrt(wf["v(x1.mx)"] ** 2 + wf["v(x1.my)"] ** 2 + wf["v(x1.mz)"] ** 2)
        print(f"   {preset:9s} {wf.stats['wall_s']:.2f} s ({wf.stats['wall_s'] / (train * 1e9) * 1e3:.1f} ms per ns), "
              f"max | |m|-1 | = {np.max(np.abs(norm - 1)):.1e}, peak {wf.stats['peak_rss_bytes'] / 1e6:.0f} MB")

    print("4. accuracy per preset (max |m_y - Python rtol 1e-11| over 15 ns, 0.6 mA 6 ns pulse) and speed-up")
    wave = ms.Pulse(0.0, 0.6e-3, 0.0, 10e-12, 10e-12, 6e-9, 1.0)
    ref = ms.simulate(dev, wave, 15e-9, 10e-12, rtol=1e-11)
    for preset in ("default", "accurate"):
        wf = run_deck(mtj_testbench(dev, wave, 15e-9, 10e-12, preset=preset))
        err = np.max(np.abs(np.interp(ref.t, wf.t, wf["v(x1.my)"]) - ref.my[:, 0]))
        per_ns = wf.stats["wall_s"] / 15
        print(f"   {preset:9s} error {err:.1e}, {per_ns * 1e3:.1f} ms per ns; prototype at its best accuracy (5e-4): "
              f"{3.0 / 15 * 1e3:.0f} ms per ns -> {3.0 / 15 / per_ns:.1f}x faster")


if __name__ == "__main__":
    main()
