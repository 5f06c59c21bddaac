"""How fast the solvers' guards act, printed as ratios measured in this process.

Run: python benchmarks/bench_guards.py

These were wall-clock asserts in tests/physics/test_llgs.py and tests/physics/test_thermal.py (refused "within
5 s", stopped "within 1.5 s"); a loaded machine broke them, so they are measured here instead.

1. Refusal before any step: ``simulate`` with an absurd current (1e300 A, 1e20 A) and a
   femtometre pillar raises CostError; wall seconds of each refusal against the baseline of one
   short real run (0.05 ns of the default device), as a ratio.
2. Timeouts: ``simulate`` (a 10 us pulse train) and ``simulate_thermal`` (1 us at 300 K) with
   ``timeout = 0.2`` s; wall seconds until RunTimeoutError, and that over the 0.2 s asked for
   (1.0 would be exact; the solvers check the clock between steps).
"""

from __future__ import annotations

import sys
import time
import warnings
from pathlib import Path

sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]

import mtjspice as ms
from mtjspice.errors import CostError, CostWarning, RunTimeoutError
from mtjspice.physics.batch import DeviceBatch


def timed(fn, expected: type[BaseException]) -> float:  # type: ignore[no-untyped-def]
    t0 = time.perf_counter()
    try:
        fn()
    except expected:
        return time.perf_counter() - t0
    raise SystemExit(f"{fn} did not raise {expected.__name__}")


def main() -> None:
    dev = ms.load_device("orthogonal")
    tiny = DeviceBatch.from_device(dev, W=1e-15, L=1e-15, T=1e-15)
    t0 = time.perf_counter()
    ms.simulate(dev, 0.3e-3, 0.05e-9, 0.05e-9)
    base = time.perf_counter() - t0
    print(f"baseline: simulate 0.05 ns of the default device: {base * 1e3:.1f} ms")
    for label, fn in (("current 1e300 A", lambda: ms.simulate(dev, 1e300, 10e-9, 1e-11)),
                      ("current 1e20 A", lambda: ms.simulate(dev, 1e20, 10e-9, 1e-11)),
                      ("femtometre pillar", lambda: ms.simulate(tiny, 0.6e-3, 10e-9, 1e-11))):
        t = timed(fn, CostError)
        print(f"refusal, {label}: {t * 1e3:.2f} ms = {t / base:.3g} x the baseline run")
    limit = 0.2
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", CostWarning)
        for label, fn in (("simulate, 10 us pulse train",
                           lambda: ms.simulate(dev, ms.pulse_train(0.6e-3, 2e-9, 2e-9), 10e-6, 1e-10, timeout=limit)),
                          ("simulate_thermal, 1 us at 300 K",
                           lambda: ms.simulate_thermal(dev, 0.0, 1e-6, 1e-10, timeout=limit))):
            t = timed(fn, RunTimeoutError)
            print(f"timeout {limit} s, {label}: stopped after {t:.3f} s = {t / limit:.3g} x the limit")


if __name__ == "__main__":
    main()
