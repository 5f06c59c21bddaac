"""Where the digits network's drop comes from (docs/guide/design.md, "Networks"): b53s's deployed
weights (variation-aware training on the 64-device pool, as ``mtjspice verify`` trains them) run on
the validation split with the neurons swapped layer by layer between the ideal LIF, the nominal
device and the sampled devices, at 0 K and 300 K; and a network trained on the nominal device's own
curve (no pool) on nominal devices. Each line prints one accuracy (%), the wall time beside it.

    python docs/scripts/digits_gap.py [--window 40n] [--train-seed 11] [--per-class 1]

Units: SI inside (A, s, V, K); the window in s (``40n`` is 40 ns).
"""

from __future__ import annotations

import argparse
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np

from mtjspice.circuits.settings import NeuronSettings, resolve
from mtjspice.cli.common import positive_si
from mtjspice.cli.verify import design_file
from mtjspice.design import verifynet as vn
from mtjspice.design.verify import VerifySpec
from mtjspice.io.settingsfile import read_settings
from mtjspice.montecarlo.robust import robust_table
from mtjspice.network.infer import deploy, run_network
from mtjspice.network.neurons import LIFNeuron
from mtjspice.network.rates import RateCurve
from mtjspice.network.settings import Timing
from mtjspice.network.tasks import load_task
from mtjspice.network.train import TrainSettings, train
from mtjspice.params import load_device
from mtjspice.physics.llgs import junction_resistance
from mtjspice.variation import VariationSpec

DESIGN = Path(__file__).resolve().parents[2] / "tests" / "data" / "design_b53s"


class Mixed:
    """One neuron model for the hidden layer, another for the output layer."""

    def __init__(self, hidden: Any, output: Any) -> None:
        self.hidden, self.output, self.name = hidden, output, "mixed"

    def run(self, layer: str, current: np.ndarray, timing: Timing, chunk: int = 0) -> np.ndarray:
        return (self.hidden if layer == "hidden" else self.output).run(layer, current, timing, chunk)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--window", type=positive_si("--window", "s"), default=40e-9)
    ap.add_argument("--train-seed", type=int, default=11)
    ap.add_argument("--per-class", type=int, default=1, help="output neurons per class (default 1: the network the "
                    "diagnosis in docs/guide/design.md was measured on)")
    args = ap.parse_args()
    device = load_device(str(DESIGN / "device.toml"))
    settings = NeuronSettings(**read_settings(DESIGN / "settings.toml"))
    d = design_file(DESIGN)
    spec = VariationSpec.parse(d["sigma"])
    vs = VerifySpec(spec=spec, drive=d["drive"], trim=d["trim"], circuit_samples=0, tasks=("digits",),
                    split="validation", train_seed=args.train_seed, window=args.window, per_class=args.per_class)
    table = robust_table(device.replace(**{"field.Ku": 0.0}), spec)
    tm = Timing(window=vs.window)
    c = resolve(device, replace(settings, dac_bits=None))
    c = replace(c, clock_period=round(c.clock_period / tm.dt) * tm.dt)
    i_read = c.v_read / (junction_resistance(device, 0.0) + c.r_ref + c.r_on)
    i_safe = vn.safe_current(device, settings)
    lif = vn.ideal_lif(device, settings, vs, table)
    ideal = vn.ClampedLIF("ideal", LIFNeuron("ideal", lif), i_safe)
    n = vs.hidden + 10 * vs.per_class
    task = load_task("digits", vs.seed, tm, split="validation")
    index = np.arange(task.y_test.size)
    ts = TrainSettings(hidden=vs.hidden, epochs=vs.epochs, i_limit=i_safe, per_class=vs.per_class)

    def chip(devs: list[Any], idx: list[int], temperature: float) -> vn.ClampedNeuron:
        return vn._chip(device, c, i_read, replace(vs, temperature=temperature), 0, devs,
                        vn._thresholds(devs, idx, c, settings, vs), vn._limits(device, settings, devs), np.ones(n))

    devs, idx, _ = vn._sampled(device, spec, vs.seed, 0, n)
    nominal = [device] * n
    pool = vn.curve_pool(device, settings, vs, c, i_read, tm)
    bars = deploy(train(task, RateCurve.from_rates(pool.currents, pool.raw.mean(axis=1)), tm, ts,
                        seed=args.train_seed, pool=pool))

    def show(tag: str, model: Any) -> None:
        t0 = time.perf_counter()
        r = run_network(task, bars, model, tm, index)
        print(f"{tag:55s} {100 * r.accuracy:6.2f} %  ({time.perf_counter() - t0:.0f} s)", flush=True)

    print(f"window {vs.window * 1e9:g} ns, training seed {args.train_seed}, {vs.per_class} output neuron(s) per class, "
          f"{index.size} validation images")
    print("deployed weights (variation-aware, pool of 64):")
    show("  ideal LIF, both layers", ideal)
    show("  sampled devices, 300 K", chip(devs, idx, 300.0))
    show("  sampled devices, 0 K", chip(devs, idx, 0.0))
    show("  nominal devices, 300 K", chip(nominal, idx, 300.0))
    show("  nominal devices, 0 K", chip(nominal, idx, 0.0))
    sampled = chip(devs, idx, 300.0)
    show("  hidden ideal LIF, output sampled 300 K", Mixed(ideal, sampled))
    show("  hidden sampled 300 K, output ideal LIF", Mixed(sampled, ideal))
    show("  hidden sampled 300 K, output ideal LIF without clamp", Mixed(sampled, LIFNeuron("ideal", lif)))
    # a network trained on the nominal device's own curve (4 nominal devices' mean at 300 K), no pool
    own = vn.measure_curves(device, settings, vs, c, i_read, tm, nominal[:4], idx[:4])
    bars = deploy(train(task, RateCurve.from_rates(own.currents, own.raw.mean(axis=1)), tm, ts, seed=args.train_seed))
    print("trained on the nominal device's own curve:")
    show("  ideal LIF, both layers", ideal)
    show("  nominal devices, 300 K", chip(nominal, idx, 300.0))
    show("  nominal devices, 0 K", chip(nominal, idx, 0.0))


if __name__ == "__main__":
    main()
