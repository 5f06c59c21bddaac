"""Speed of the device-level Monte Carlo, printed as ratios measured in this process.

Run: python benchmarks/bench_montecarlo.py [--samples N] [--modes dc,clocked,clocked+trim]
(default 100000 samples; the issue's target: 10^5 samples in under a minute on a 2-core machine)

1. The onset table (once per run): seconds.
2. For each device test (``dc``: one plain pulse; ``clocked``: both signs through the read clock,
   the default; ``+trim``: and the gain-trimmed run), the baseline: one chunk of 2000 samples run
   here, serially (seconds per sample); then the whole run, N samples on a Dask LocalCluster of all
   cores (cluster start included): wall seconds, seconds per sample, and the ratio of the
   per-sample cost to the serial baseline (1 / cores would be perfect scaling).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path = [p for p in sys.path if not p.endswith("benchmarks")]

import numpy as np

import mtjspice as ms
from mtjspice.montecarlo.device import DeviceMC, NominalCircuit, device_chunk
from mtjspice.montecarlo.onsettable import onset_table
from mtjspice.montecarlo.run import device_montecarlo
from mtjspice.montecarlo.scaleout import default_workers
from mtjspice.runoptions import RunOptions
from mtjspice.variation import VariationSpec


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--samples", type=int, default=100_000)
    ap.add_argument("--modes", default="dc,clocked", help="comma-separated among dc, clocked, clocked+trim")
    args = ap.parse_args()
    dev = ms.load_device("orthogonal")
    spec = VariationSpec.parse("L=1n,W=1n,T=0.5n,Ms=3%,RA=5%")
    t0 = time.perf_counter()
    table = onset_table(dev)
    t_table = time.perf_counter() - t0
    print(f"onset table: {t_table:.2f} s")
    circuit = NominalCircuit.of(dev, table)
    for mode in args.modes.split(","):
        read, _, trim = mode.partition("+")
        mc = DeviceMC(read=read, trim=bool(trim))
        t0 = time.perf_counter()
        device_chunk(dev, spec, 0, np.arange(2000), mc, table, circuit)
        base = (time.perf_counter() - t0) / 2000
        workers = default_workers()
        with tempfile.TemporaryDirectory() as tmp:
            t0 = time.perf_counter()
            r = device_montecarlo(dev, spec, args.samples, mc,
                                  RunOptions(chunk=5000, workers=workers, store=Path(tmp) / "store"), table=table)
            wall = time.perf_counter() - t0
        per = wall / args.samples
        print(f"{mode}: serial baseline {base * 1e3:.3f} ms/sample; {args.samples} samples on {workers} workers: "
              f"{wall:.1f} s wall (+ table {t_table:.1f} s = {wall + t_table:.1f} s), {per * 1e3:.3f} ms/sample, "
              f"ratio to serial {per / base:.3f} (1/{workers} = {1 / workers:.3f}); yield {r.columns['usable'].mean():.3f}")


if __name__ == "__main__":
    main()
