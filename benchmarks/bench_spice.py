"""Cost of the behavioral MTJ in ngspice (batch engine), printed as ratios measured in this process.

Run: python benchmarks/spice.py [--quick]

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

import sys
from pathlib import Path

# benchmarks/array.py shares its name with the standard library's array module, which numpy
# imports: drop this folder from the import path before anything else is imported.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]

import argparse
import time
import warnings

import numpy as np

import mtjspice as ms
from mtjspice.netlist import mtj as M
from mtjspice.netlist.deck import Analysis, deck
from mtjspice.netlist.sources import isource
from mtjspice.netlist.testbench import TESTBENCH_VECTORS, mtj_testbench
from mtjspice.physics.llgs import junction_resistance
from mtjspice.sim import run_batch, run_batch_many

T_STOP = 20e-9


def many(dev: ms.Device, n: int, preset: str, t_stop: float = T_STOP) -> tuple[str, list[str]]:
    """n independent MTJs, currents spread over 0.3..0.7 mA of both signs, 5 ns pulses."""
    amps = np.linspace(0.3e-3, 0.7e-3, n) * np.where(np.arange(n) % 2, -1, 1)
    blocks = [M.mtj_subckt(dev, "mtj", preset)]
    ic: dict[str, float] = {}
    for k, a in enumerate(amps, 1):
        blocks += [isource(f"in{k}", "0", f"a{k}", ms.Pulse(0.0, float(a), 1e-9, 1e-11, 1e-11, 5e-9, 10e-9)),
                   f"X{k} a{k} 0 mtj"]
        ic.update(M.mtj_ic(f"x{k}", dev))
    vectors = [f"v(x{k}.my)" for k in range(1, n + 1)]
    return deck(f"{n} MTJs", blocks, Analysis(t_stop, 10e-12, max_step=M.max_step(preset)),
                options=M.OPTION_PRESETS[preset], ic=ic, vectors=vectors), vectors


def resistor_testbench(dev: ms.Device, preset: str) -> str:
    text = mtj_testbench(dev, ms.Pulse(0.0, 0.6e-3, 1e-9, 1e-11, 1e-11, 5e-9, 1.0), T_STOP, 10e-12, preset=preset)
    r0 = junction_resistance(dev, 0.0)
    lines = [ln for ln in text.splitlines()]
    start, end = lines.index(next(ln for ln in lines if ln.startswith(".subckt"))), None
    end = lines.index(next(ln for ln in lines if ln.startswith(".ends")))
    sub = [".subckt mtj t1 t2", "Vsense t1 n1 0", f"Rfixed n1 t2 {r0:.15g}",
           "Cmx mx 0 1e-9", "Rmx mx 0 1", "Cmy my 0 1e-9", "Rmy my 0 1", "Cmz mz 0 1e-9", "Rmz mz 0 1", ".ends mtj"]
    return "\n".join(lines[:start] + sub + lines[end + 1 :]) + "\n"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--quick", action="store_true", help="N = 1, 10 only, and a 200 ns train")
    args = ap.parse_args()
    warnings.simplefilter("ignore", ms.BreakdownWarning)
    dev = ms.load_device("models/orthogonal.toml")
    sizes = (1, 10) if args.quick else (1, 10, 100)
    train = 200e-9 if args.quick else 1e-6

    print("1. behavioral MTJ against a fixed resistor, same testbench, 20 ns")
    for preset in ("default", "accurate"):
        mtj = run_batch(mtj_testbench(dev, ms.Pulse(0.0, 0.6e-3, 1e-9, 1e-11, 1e-11, 5e-9, 1.0), T_STOP, 10e-12,
                                      preset=preset), TESTBENCH_VECTORS)
        res = run_batch(resistor_testbench(dev, preset), TESTBENCH_VECTORS)
        print(f"   {preset:9s} MTJ {mtj.stats['wall_s']:.3f} s, resistor {res.stats['wall_s']:.3f} s, "
              f"ratio {mtj.stats['wall_s'] / res.stats['wall_s']:.1f} (same max step; {mtj.t.size} points)")

    print("2. N independent MTJs, 20 ns: in one netlist, and split into one deck per MTJ run as parallel")
    print("   ngspice processes (2 cores); cost per MTJ per simulated ns")
    print(f"   {'preset':9s} {'N':>4} {'one deck s':>10} {'s/(MTJ ns)':>11} {'peak MB':>8} {'split s':>8} "
          f"{'s/(MTJ ns)':>11} {'peak MB':>8}")
    for preset in ("default", "accurate"):
        for n in sizes:
            text, vectors = many(dev, n, preset)
            t0 = time.perf_counter()
            wf = run_batch(text, vectors)
            w1 = time.perf_counter() - t0
            jobs = [many(dev, 1, preset) for _ in range(n)]
            t0 = time.perf_counter()
            parts = run_batch_many(jobs)
            w2 = time.perf_counter() - t0
            peak2 = max(p.stats["peak_rss_bytes"] for p in parts)
            ns = T_STOP * 1e9
            print(f"   {preset:9s} {n:>4} {w1:>10.2f} {w1 / n / ns:>11.2e} {wf.stats['peak_rss_bytes'] / 1e6:>8.1f} "
                  f"{w2:>8.2f} {w2 / n / ns:>11.2e} {peak2 / 1e6:>8.1f}")

    print(f"3. one MTJ, {train * 1e9:.0f} ns pulse train (0.6 mA, 5 ns on, 15 ns off)")
    for preset in ("default", "accurate"):
        wf = run_batch(mtj_testbench(dev, ms.pulse_train(0.6e-3, 5e-9, 15e-9), train, 100e-12, preset=preset),
                       TESTBENCH_VECTORS)
        norm = np.sqrt(wf["v(x1.mx)"] ** 2 + wf["v(x1.my)"] ** 2 + wf["v(x1.mz)"] ** 2)
        print(f"   {preset:9s} {wf.stats['wall_s']:.2f} s ({wf.stats['wall_s'] / (train * 1e9) * 1e3:.1f} ms per ns), "
              f"max | |m|-1 | = {np.max(np.abs(norm - 1)):.1e}, peak {wf.stats['peak_rss_bytes'] / 1e6:.0f} MB")

    print("4. accuracy per preset (max |m_y - Python rtol 1e-11| over 15 ns, 0.6 mA 6 ns pulse) and speed-up")
    wave = ms.Pulse(0.0, 0.6e-3, 0.0, 10e-12, 10e-12, 6e-9, 1.0)
    ref = ms.simulate(dev, wave, 15e-9, 10e-12, rtol=1e-11)
    for preset in ("default", "accurate"):
        wf = run_batch(mtj_testbench(dev, wave, 15e-9, 10e-12, preset=preset), TESTBENCH_VECTORS)
        err = np.max(np.abs(np.interp(ref.t, wf.t, wf["v(x1.my)"]) - ref.my[:, 0]))
        per_ns = wf.stats["wall_s"] / 15
        print(f"   {preset:9s} error {err:.1e}, {per_ns * 1e3:.1f} ms per ns; prototype at its best accuracy (5e-4): "
              f"{3.0 / 15 * 1e3:.0f} ms per ns -> {3.0 / 15 / per_ns:.1f}x faster")


if __name__ == "__main__":
    main()
