"""The device network's spikes against spikes stored before the device neuron was batched (issue #29).

tests/data/network_*.txt were written by the solver as it was before issue #29 (main at 56a709f)
with the one-shot timing of issue #24 (refractory exactly ``t_refractory``, the timing branch at
771c494 and after), by ``PYTHONPATH=<that checkout> python tests/network/test_network_reference.py --write``;
rewriting them with the code under test would defeat the test. ``network_neuron_*.txt``: one row
per spike, (grid step, image, neuron, sign), of :meth:`DeviceNeuron.run` on synthetic input
currents; ``network_run.txt``: one row per test image, (positive output spikes of the 10 classes,
negative ones, hidden spikes, prediction) of :func:`run_network` with the device model at 0 K,
on the weights ``network_run_hidden.txt`` / ``network_run_output.txt`` hold: the training's
weights at 0459e94, stored when the training's gradient units were corrected (which changed the
weights the training gives, not the device network this file tests).
"""

from __future__ import annotations

import sys
from dataclasses import replace
from functools import cache
from pathlib import Path

import numpy as np
import pytest

import mtjspice as ms
from mtjspice.analysis.lif import LIFParams
from mtjspice.circuits.neuronobject import Neuron
from mtjspice.network import (
    DeviceNeuron,
    Study,
    Timing,
    deploy,
    load_task,
    neuron_models,
    run_network,
)
from mtjspice.network.train import Weights
from mtjspice.variation import VariationSpec

DATA = Path(__file__).resolve().parents[1] / "data"
TM = Timing()
SHORT = Timing(window=12e-9)
FITTED = LIFParams(tau_m=9.1208e-10, a2=0.54004, R_m=1382.78, i_th=0.3828125e-3)


@cache
def _models() -> tuple[ms.Device, dict]:
    dev = ms.load_device("orthogonal")
    return dev, neuron_models(Neuron.build(dev), FITTED, Study())[1]


def _currents() -> np.ndarray:
    """(steps, 2 images, 4 neurons) input currents (A): DC levels of both signs, a step halfway."""
    k = SHORT.steps
    a = np.array([[0.55e-3, 0.62e-3, -0.7e-3, 0.9e-3], [-0.6e-3, 1.0e-3, 0.3e-3, -1.1e-3]])
    cur = np.broadcast_to(a[None], (k, 2, 4)).copy()
    cur[k // 2:] *= np.array([[1.2, 0.5, -1.0, 0.8], [0.0, -0.9, 2.5, 1.0]])[None]
    return cur


def _neuron(kind: str) -> DeviceNeuron:
    dev, models = _models()
    base: DeviceNeuron = models["device"]
    if kind == "cold":
        return base
    if kind == "hot":
        return replace(base, temperature=300.0, seed=5)
    devs = VariationSpec.parse("L=1n,W=1n,T=0.5n,Ms=3%").devices(dev, 0, range(4))
    return replace(base, devices={"hidden": devs}, trims={"hidden": np.array([1.0, 1.1, 0.9, 1.05])})


def _neuron_spikes(kind: str) -> np.ndarray:
    s = _neuron(kind).run("hidden", _currents(), SHORT, chunk=1)
    t, b, j = np.nonzero(s)
    return np.column_stack([t, b, j, s[t, b, j]]).astype(int)


def _network() -> np.ndarray:
    _, models = _models()
    task = load_task("digits", 0, TM)
    w = Weights(np.loadtxt(DATA / "network_run_hidden.txt"), np.loadtxt(DATA / "network_run_output.txt"))
    bars = deploy(w)
    run = run_network(task, bars, models["device"], TM, np.arange(12))
    return np.column_stack([run.pos, run.neg, run.hidden_spikes, run.predictions]).astype(int)


KINDS = ("cold", "hot", "varied")


@pytest.mark.parametrize("kind", KINDS)
def test_device_neuron_spikes_are_the_stored_ones(kind: str) -> None:
    ref = np.loadtxt(DATA / f"network_neuron_{kind}.txt", dtype=int, ndmin=2)
    assert ref.shape[0] > 3  # the case does spike
    np.testing.assert_array_equal(_neuron_spikes(kind), ref)


@pytest.mark.slow
def test_device_network_gives_the_stored_spikes() -> None:
    ref = np.loadtxt(DATA / "network_run.txt", dtype=int, ndmin=2)
    np.testing.assert_array_equal(_network(), ref)


if __name__ == "__main__":
    if sys.argv[1:] == ["--write"]:
        for kind in KINDS:
            sp = _neuron_spikes(kind)
            np.savetxt(DATA / f"network_neuron_{kind}.txt", sp, fmt="%d", header="step image neuron sign")
            print(kind, sp.shape[0], "spikes")
        net = _network()
        np.savetxt(DATA / "network_run.txt", net, fmt="%d",
                   header="pos[10] neg[10] hidden_spikes prediction, one row per test image 0..11")
        print("network", net[:, :20].sum(), "output spikes", net[:, 20].sum(), "hidden")


@pytest.mark.slow
def test_device_spikes_at_0K_do_not_depend_on_the_minibatch() -> None:
    """Every image's spikes at 0 K are its own: the same in minibatches of 1, 2 or 4 images."""
    _, models = _models()
    task = load_task("digits", 0, TM)
    rng = np.random.default_rng(2)
    bars = deploy(Weights(hidden=rng.normal(0, 6e-4, (65, 5)), output=rng.normal(0, 6e-4, (6, 10))))
    runs = [run_network(task, bars, models["device"], SHORT, np.arange(4), batch=b) for b in (4, 2, 1)]
    assert runs[0].hidden_spikes.sum() > 0
    for r in runs[1:]:
        assert np.array_equal(r.pos, runs[0].pos) and np.array_equal(r.neg, runs[0].neg)
        assert np.array_equal(r.hidden_spikes, runs[0].hidden_spikes)
