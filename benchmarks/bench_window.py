"""Benchmark: a 100 x 100 window map (10,000 geometries, 20 ns each) against looping the single-device solver.

Prints the map's wall time and the ratio against the single-device loop, measured in this process:
the loop is timed on a sample of geometries of the same map (one ``simulate`` call per device,
same tolerance and sampling) and scaled to 10,000. Run: ``python benchmarks/bench_window.py [--workers N]``.
"""

from __future__ import annotations

import argparse
import os
import time
import warnings

import numpy as np

from mtjspice import load_device, simulate
from mtjspice.characterize.window import WindowSpec, plane_grid, sweep_plane
from mtjspice.errors import BreakdownWarning
from mtjspice.runoptions import RunOptions
from mtjspice.stimulus import square_pulse

MODEL = "orthogonal"  # the shipped device, loaded by name


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--points", type=int, default=100)
    ap.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    ap.add_argument("--sample", type=int, default=8, help="single-device runs timed for the baseline")
    args = ap.parse_args()
    dev = load_device(MODEL)
    spec = WindowSpec()
    grid = plane_grid(dev, "L", points=args.points, spec=spec)  # W-T plane: every point is a geometry
    W, _, T = (a.ravel() for a in grid.geometry())
    n = W.size

    t0 = time.perf_counter()
    wmap = sweep_plane(dev, "L", points=args.points, spec=spec, options=RunOptions(workers=args.workers, chunk=1000))
    t_map = time.perf_counter() - t0

    rng = np.random.default_rng(0)
    pick = rng.choice(n, size=args.sample, replace=False)
    t0 = time.perf_counter()
    for i in pick:
        d = dev.replace(**{"geometry.W": float(W[i]), "geometry.T": float(T[i])})  # starts at its own rest state
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", BreakdownWarning)
            simulate(d, square_pulse(spec.J * d.geometry.area, spec.t_on, edge=10e-12), spec.t_stop, spec.dt,
                     rtol=spec.rtol)
    t_single = (time.perf_counter() - t0) / args.sample
    t_loop = t_single * n
    print(f"window map {args.points} x {args.points} (L fixed = 45 nm, {n} geometries, 20 ns each, "
          f"rtol {spec.rtol:g}, {args.workers} worker(s)): {t_map:.1f} s wall; regimes {wmap.counts()}")
    print(f"single-device loop: {t_single:.3f} s per device over {args.sample} sampled geometries "
          f"-> {t_loop:.0f} s estimated for {n}")
    print(f"speed-up: {t_loop / t_map:.0f}x; target < 60 s: {'met' if t_map < 60 else 'NOT met'}")


if __name__ == "__main__":
    main()
