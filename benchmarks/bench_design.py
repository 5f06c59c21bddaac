"""Speed of a design search, printed as ratios measured in this process.

Run: python benchmarks/bench_design.py [--designs N] [--samples M] [--population P]
(default 20 designs x 200 samples; the issue's target: 200 designs x 2000 samples in under 15 minutes
on a 2-core machine)

1. The onset table (once per search): seconds.
2. The baseline: one design evaluated here, serially, after one warm-up evaluation (the first
   call's one-off costs once made the 1-sample design slower than the M-sample one), with 1 sample
   (its fixed cost: the circuit and the nominal sample) and with M samples: seconds, and seconds
   per further sample.
3. The bookkeeping alone: N designs of a cheap toy objective through the same engine and store
   (Optuna's NSGA-II, the journal), one process: seconds per design.
4. The search: N designs x M samples on a Dask LocalCluster of all cores (cluster start included):
   wall seconds, seconds per design, the ratio of the per-design cost to the serial baseline
   (1 / cores would be perfect scaling), and the projection to 200 designs x 2000 samples (each
   design's serial cost at 2000 samples times that ratio, plus the bookkeeping and the table).
   With few designs the cluster's start and each worker's one-off costs (imports, compiling the
   kernels, the breakdown samples' draws) weigh on the ratio, so that projection is an upper bound;
   a second search of 2N designs separates them: its further N designs' wall time per design (in
   its later generations, so other designs than the first N's) against the serial baseline, and
   the one-off costs once (the first search's wall time less N such designs), give the second
   projection: the table, the one-off costs, and 200 designs at that per-design cost scaled to 2000
   samples.
5. Old against new, one design of M samples here, alternately (``--repeat`` times each): the
   numpy steps with each design drawing its samples (``MTJSPICE_NUMBA=0``, the path before the
   compiled kernel took simulate's fixed steps) against the compiled kernel with the draws shared;
   the ratio new / old of the medians (the same numbers either way: tests/design/test_design_speed.py).
"""

from __future__ import annotations

import argparse
import functools
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path = [p for p in sys.path if not p.endswith("benchmarks")]

import mtjspice as ms
from mtjspice.design import neuron
from mtjspice.design.engine import Evaluation, Objective, search
from mtjspice.design.neuron import OBJECTIVES, DesignSpec, evaluate_design
from mtjspice.design.space import Knob, SearchSpace, space_for
from mtjspice.montecarlo.robust import robust_table
from mtjspice.montecarlo.scaleout import default_workers
from mtjspice.physics import kernels
from mtjspice.variation import VariationSpec


def _toy(number: int, p: dict) -> Evaluation:
    return Evaluation(values=(-(p["x"] - 0.3) ** 2,), constraints=(0.0,))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--designs", type=int, default=20)
    ap.add_argument("--samples", type=int, default=200)
    ap.add_argument("--population", type=int, default=10)
    ap.add_argument("--repeat", type=int, default=3, help="repetitions of old and new in part 5 (default 3)")
    args = ap.parse_args()
    dev = ms.load_device("orthogonal")
    spec = VariationSpec.parse("L=1n,W=1n,T=0.5n,Ms=3%,RA=5%")
    t0 = time.perf_counter()
    table = robust_table(dev, spec)
    t_table = time.perf_counter() - t0
    print(f"onset table: {t_table:.2f} s")
    ds = DesignSpec(dev, spec, args.samples, 11, table)
    params = {"drive_ratio": 1.6, "clamp_ratio": 2.0, "trim": "dac"}
    evaluate_design(DesignSpec(dev, spec, 1, 11, table), 0, params)  # warm-up: the first call's one-off costs
    t0 = time.perf_counter()
    evaluate_design(DesignSpec(dev, spec, 1, 11, table), 0, params)
    fixed = time.perf_counter() - t0
    t0 = time.perf_counter()
    evaluate_design(ds, 0, params)
    base = time.perf_counter() - t0
    per_sample = max(base - fixed, 0.0) / args.samples
    print(f"baseline, one design here: {fixed:.2f} s with 1 sample (the fixed cost: circuit, nominal sample), "
          f"{base:.2f} s with {args.samples} ({per_sample * 1e3:.2f} ms per further sample)")
    with tempfile.TemporaryDirectory() as tmp:
        toy = SearchSpace((Knob("x", "circuit", "x", "1", 0.0, 1.0, "toy"),))
        t0 = time.perf_counter()
        search(_toy, toy, (Objective("f", "maximize", "1", "toy"),), args.designs, Path(tmp) / "toy",
               population=args.population, workers=1)
        book = (time.perf_counter() - t0) / args.designs
        print(f"bookkeeping (Optuna NSGA-II + journal), {args.designs} toy designs: {book * 1e3:.0f} ms per design")
        cores = default_workers()
        walls = []
        for k, n in enumerate((args.designs, 2 * args.designs)):  # the second search's extra designs: no one-off costs
            t0 = time.perf_counter()
            search(functools.partial(evaluate_design, ds), space_for(dev), OBJECTIVES, n, Path(tmp) / f"s{k}",
                   seed=11, population=args.population, identity=ds.identity())
            walls.append(time.perf_counter() - t0)
    wall = walls[0]
    per = wall / args.designs
    print(f"search, {args.designs} designs x {args.samples} samples on {cores} workers: {wall:.1f} s wall, {per:.2f} s "
          f"per design = {per / base:.2f} x the serial baseline (1/{cores} = {1 / cores:.2f} is perfect scaling)")
    ratio = per / base
    proj = t_table + 200 * (book + ratio * (fixed + 2000 * per_sample))
    print(f"projected 200 designs x 2000 samples (this ratio to the serial cost): {proj / 60:.1f} min (target 15 min)")
    marginal = max(walls[1] - walls[0], 0.0) / args.designs
    once = max(walls[0] - args.designs * marginal, 0.0)
    proj2 = t_table + once + 200 * marginal * (fixed + 2000 * per_sample) / base
    print(f"search of {2 * args.designs} designs: {walls[1]:.1f} s wall; the further {args.designs} designs "
          f"{marginal:.2f} s each = {marginal / base:.2f} x the serial baseline, one-off costs (cluster start, the "
          f"workers' imports and compilation) {once:.1f} s; projected with these: {proj2 / 60:.1f} min")
    print(f"load average after the search: {' '.join(f'{x:.1f}' for x in os.getloadavg())}")
    old_new(ds, params, args.repeat)


def _own_draws(ds: DesignSpec) -> Any:
    """No shared draws: each design draws its own samples (the path before they were shared)."""
    return None


def old_new(ds: DesignSpec, params: dict, repeat: int) -> None:
    """Part 5 (module docstring): old and new alternately in this process, the medians' ratio."""
    own_draws = neuron._draws
    times: dict[str, list[float]] = {"old": [], "new": []}
    for _ in range(repeat):
        for which in ("old", "new"):
            kernels.kernels.cache_clear()
            os.environ["MTJSPICE_NUMBA"] = "0" if which == "old" else "1"
            neuron._draws = _own_draws if which == "old" else own_draws  # type: ignore[assignment]
            evaluate_design(ds, 0, params)  # warm-up: the kernels' compilation, the draws
            t0 = time.perf_counter()
            evaluate_design(ds, 0, params)
            times[which].append(time.perf_counter() - t0)
    neuron._draws = own_draws  # type: ignore[assignment]
    os.environ.pop("MTJSPICE_NUMBA", None)
    kernels.kernels.cache_clear()
    old, new = statistics.median(times["old"]), statistics.median(times["new"])
    print(f"old (numpy steps, own draws) against new (compiled kernel, shared draws), one design of {ds.samples} "
          f"samples, median of {repeat}: {old:.2f} s against {new:.2f} s = {new / old:.2f} x")


if __name__ == "__main__":
    main()
