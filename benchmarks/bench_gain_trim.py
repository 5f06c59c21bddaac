"""Cost of the device-level gain trim to the firing threshold (#26), printed as ratios measured in this process.

Run: python benchmarks/bench_gain_trim.py [--samples N] [--scan K]

1. Baseline: one chunk of N samples (default 500) of the issue's spread, clocked test, no trim
   (CPU seconds per sample).
2. The same chunk with the reference trim and the gain trim matching onsets (the code before #26):
   ratio to the baseline.
3. The same chunk with the gain trim matching firing thresholds (the default: every sample bisected
   at once, ``batch_thresholds``): ratio to the baseline.
4. The per-device scan the circuit Monte Carlo uses (``firing_threshold``, 12 x 12 points, on the first
   K samples, default 3): seconds per sample and ratio to the batched trim's per-sample cost.
"""

from __future__ import annotations

import argparse
import sys
import time
from dataclasses import replace

sys.path = [p for p in sys.path if not p.endswith("benchmarks")]

import numpy as np

import mtjspice as ms
from mtjspice.characterize.firing import firing_threshold
from mtjspice.montecarlo.device import DeviceMC, NominalCircuit, device_chunk, nominal_firing
from mtjspice.montecarlo.onsettable import onset_table
from mtjspice.variation import VariationSpec

SPEC = "L=1n,W=1n,T=0.5n,Ms=3%,RA=5%"


def _cpu(f):  # type: ignore[no-untyped-def]
    t = time.process_time()
    out = f()
    return time.process_time() - t, out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--samples", type=int, default=500)
    ap.add_argument("--scan", type=int, default=3)
    args = ap.parse_args()
    dev = ms.load_device("orthogonal")
    spec = VariationSpec.parse(SPEC)
    table = onset_table(dev)
    mc = DeviceMC()
    circuit = NominalCircuit.of(dev, table, mc.u_th)
    circuit = replace(circuit, i_fire=nominal_firing(dev, circuit, mc))
    idx = np.arange(args.samples)
    base, _ = _cpu(lambda: device_chunk(dev, spec, 11, idx, replace(mc, trim=False), table, circuit))
    onset, _ = _cpu(lambda: device_chunk(dev, spec, 11, idx, replace(mc, gain_reference="onset"), table, circuit))
    fire, _ = _cpu(lambda: device_chunk(dev, spec, 11, idx, mc, table, circuit))
    n = args.samples
    print(f"{n} samples, clocked test, CPU seconds")
    print(f"  untrimmed (baseline):           {base:7.2f} s  ({1e3 * base / n:.2f} ms/sample)  ratio 1")
    print(f"  + reference + onset gain trim:  {onset:7.2f} s  ratio {onset / base:.2f}")
    print(f"  + reference + firing gain trim: {fire:7.2f} s  ratio {fire / base:.2f}")
    values = spec.sample(dev, 11, np.arange(args.scan))
    t = 0.0
    for i in range(args.scan):
        d = dev.replace(**{k: float(v[i]) for k, v in values.items()})
        dt, _ = _cpu(lambda d=d: firing_threshold(d, circuit, mc, i_max=3 * circuit.i_th, points=12, rounds=1))
        t += dt
    per_batch = (fire - onset) / n
    print(f"  per-device scan (firing_threshold, {args.scan} samples): {t / args.scan:.2f} s/sample, "
          f"{t / args.scan / per_batch:.0f} x the batched trim's {1e3 * per_batch:.2f} ms/sample")


if __name__ == "__main__":
    main()
