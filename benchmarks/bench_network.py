"""Inference time per image of each neuron model of ``mtjspice network``, as ratios to the ideal
signed LIF, on the same weights and images (digits task, 32 hidden neurons, 40 ns window).

Run: python benchmarks/bench_network.py [--images 256] [--rounds 3] [--models ideal,device,device_300K]
(``python benchmarks/bench_network.py 16``: 16 images.) ``device_heated`` (not in the default list): the
device with Joule heating at cofeb_mgo's estimates (R_th 1e5 K/W, tau 2 ns, Tc 1100 K), whose junction
temperature the stepper carries through numpy steps (the compiled kernels carry none).

The models run in turn, round after round (so a machine whose load changes affects all of them
alike); each model's time is its median over the rounds, in CPU seconds of this process (the
solver is single-threaded; wall seconds are printed beside). With numba installed the device
models step through the compiled kernels (compiled once per process, in round 1); MTJSPICE_NUMBA=0
measures the numpy steps. Issue #29's target: the device
network at most 3x the ideal one per image at 0 K and at 300 K, on 256 images.
"""

from __future__ import annotations

import argparse
import time
import warnings
from dataclasses import replace

import numpy as np

from mtjspice import load_device
from mtjspice.analysis.lif import LIFParams
from mtjspice.circuits.neuronobject import Neuron
from mtjspice.network import Study, Timing, deploy, load_task, measure_curve, neuron_models, run_network, train
from mtjspice.physics.kernels import kernels
from mtjspice.variation import VariationSpec


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("count", nargs="?", type=int, help="images, as --images (the older form)")
    ap.add_argument("--images", type=int, default=256)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--models", default="ideal,fitted,device,device_300K,variation")
    args = ap.parse_args()
    if args.count is not None:
        args.images = args.count
    tm = Timing()
    device = load_device("orthogonal")
    fitted = LIFParams(tau_m=9.1208e-10, a2=0.54004, R_m=1382.78, i_th=0.3828125e-3)  # mtjspice fit orthogonal
    _, models = neuron_models(Neuron.build(device), fitted, Study())
    task = load_task("digits", 0, tm)
    bars = deploy(train(task, measure_curve(models["ideal"], tm), tm, seed=0))
    base = models["device"]
    devs = VariationSpec.parse("L=1n,W=1n,T=0.5n,Ms=3%").devices(device, 0, range(42))
    every = {"ideal": models["ideal"], "fitted": models["fitted"], "device": base,
             "device_300K": replace(base, temperature=300.0),
             "device_heated": replace(base, device=device.replace(**{
                 "junction.thermal_resistance": 1e5, "junction.thermal_time_constant": 2e-9,
                 "material.curie_temperature": 1100.0})),
             "variation": replace(base, devices={"hidden": devs[:32], "output": devs[32:]})}
    plan = [(name, every[name]) for name in args.models.split(",")]
    idx = np.arange(args.images)
    cpu: dict[str, list[float]] = {name: [] for name, _ in plan}
    wall: dict[str, list[float]] = {name: [] for name, _ in plan}
    spikes: dict[str, int] = {}
    for r in range(args.rounds):
        for name, model in plan:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                c0, w0 = time.process_time(), time.perf_counter()
                run = run_network(task, bars, model, tm, idx)
                cpu[name].append((time.process_time() - c0) / args.images)
                wall[name].append((time.perf_counter() - w0) / args.images)
            spikes[name] = int(run.hidden_spikes.sum())
        print(f"round {r + 1}: " + ", ".join(f"{n} {cpu[n][-1]:.4g}" for n, _ in plan) + " CPU s per image", flush=True)
    print(f"{args.images} images, 32 hidden + 10 output neurons, {tm.window * 1e9:g} ns window, grid {tm.dt * 1e12:g} ps, "
          f"median of {args.rounds} rounds; macrospin steps: {'numba kernels' if kernels() else 'numpy'} "
          f"(MTJSPICE_NUMBA=0: numpy)")
    print(f"{'model':12s} {'CPU s/image':>12s} {'wall s/image':>13s} {'ratio to ideal':>15s} {'hidden spikes':>14s}")
    ref = float(np.median(cpu[plan[0][0]]))
    for name, _ in plan:
        c = float(np.median(cpu[name]))
        print(f"{name:12s} {c:12.4g} {float(np.median(wall[name])):13.4g} {c / ref:15.2f} {spikes[name]:14d}")


if __name__ == "__main__":
    main()
