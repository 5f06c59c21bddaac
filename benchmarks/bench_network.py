"""Inference time per image of each neuron model of ``mtjspice network``, as ratios to the ideal
signed LIF, on the same weights and images (digits task, 32 hidden neurons, 40 ns window).
Run: python benchmarks/bench_network.py [IMAGES]."""

from __future__ import annotations

import sys
import time
import warnings
from dataclasses import replace

import numpy as np

from mtjspice import load_device
from mtjspice.analysis.lif import LIFParams
from mtjspice.network import Study, Timing, deploy, load_task, measure_curve, neuron_models, run_network, train
from mtjspice.variation import VariationSpec

images = int(sys.argv[1]) if len(sys.argv) > 1 else 32
tm = Timing()
device = load_device("orthogonal")
fitted = LIFParams(tau_m=9.1208e-10, a2=0.54004, R_m=1382.78, i_th=0.3828125e-3)  # mtjspice fit orthogonal
_, models = neuron_models(device, fitted, Study())
task = load_task("digits", 0, tm)
bars = deploy(train(task, measure_curve(models["ideal"], tm), tm, seed=0))
base = models["device"]
devs = VariationSpec.parse("L=1n,W=1n,T=0.5n,Ms=3%").devices(device, 0, range(42))
plan = [("ideal", models["ideal"]), ("fitted", models["fitted"]), ("device 0 K", base),
        ("device 300 K", replace(base, temperature=300.0)),
        ("variation", replace(base, devices={"hidden": devs[:32], "output": devs[32:]}))]
idx = np.arange(images)
times = {}
for name, model in plan:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        t0 = time.perf_counter()
        run_network(task, bars, model, tm, idx)
        times[name] = (time.perf_counter() - t0) / images
print(f"{images} images, 32 hidden + 10 output neurons, {tm.window * 1e9:g} ns window, grid {tm.dt * 1e12:g} ps")
print(f"{'model':14s} {'s per image':>12s} {'ratio to ideal':>15s}")
for name, t in times.items():
    print(f"{name:14s} {t:12.4g} {t / times['ideal']:15.1f}")
