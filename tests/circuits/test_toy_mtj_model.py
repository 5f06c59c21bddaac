"""A third MTJ model in one file: a fixed resistor with a leaky state, registered here and run
through the neuron, the array and the power sweep without any other module knowing of it.

The toy junction is R0 = the device's resistance at u = 0 between ``t1`` and ``t2`` (through the
0 V ``vsense``), and a state node ``my`` that leaks toward ``GAIN * R_STATE * I`` (V) with the
time constant ``R_STATE * C_STATE`` (1 ns): u follows the junction current but never moves the
resistance, so the readout stays at its u = 0 level and the neuron never fires.
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import pytest
from test_plugins import check_mtj_model, check_mtj_model_runs, check_mtj_twin

from mtjspice.circuits.array import ArrayJob, ArraySettings, run_array
from mtjspice.circuits.models import (
    MtjModel,
    StepSettings,
    mtj_model,
    mtj_models,
    register_mtj_model,
    unregister_mtj_model,
)
from mtjspice.circuits.neuron import Thermal, run_neuron
from mtjspice.circuits.neuronobject import Neuron
from mtjspice.circuits.power import power_sweep
from mtjspice.circuits.settings import NeuronSettings
from mtjspice.errors import ParameterError
from mtjspice.netlist.circuit import Comment, Element, Subckt
from mtjspice.params import Device, load_device
from mtjspice.physics.llgs import junction_resistance
from mtjspice.runoptions import RunOptions
from mtjspice.stimulus import DC, Waveform

#: State node: capacitor (F), leak resistor (Ohm) and current gain (-) of the F source.
C_STATE, R_STATE, GAIN = 1e-12, 1e3, 0.5
TAU = R_STATE * C_STATE  # s


class ToyResistor(MtjModel):
    """A fixed resistor R0 (Ohm) with a leaky state u: tau du/dt = -u + GAIN R_STATE I."""

    name = "toyres"
    label = "toy resistor MTJ"
    validity = "toy resistor: a fixed R at u = 0, no magnetization; for plumbing tests only"

    def step(self, settings: StepSettings) -> float:
        return settings.compact_step

    def subckt(self, device: Device, settings: StepSettings, name: str, params: object = None,
               noise: object = None) -> Subckt:
        r0 = junction_resistance(device, 0.0)
        return Subckt(name, ("t1", "t2"), (
            Comment("toy MTJ: fixed resistor; the state my leaks toward GAIN R_STATE I with tau = R_STATE C_STATE"),
            Element("Vsense", ("t1", "a"), (0.0,)),
            Element("R1", ("a", "t2"), (r0,)),
            Element("Fst", ("0", "my", "Vsense"), (GAIN,)),
            Element("Cst", ("my", "0"), (C_STATE,)),
            Element("Rst", ("my", "0"), (R_STATE,)),
        ))

    def twin(self, device: Device, params: object, current: Waveform, t_stop: float, dt: float) -> np.ndarray:
        """The state's exact exponential steps on a 1 ps grid (the drive's edges are 10 ps), kept every ``dt``."""
        h = 1e-12
        t = h * np.arange(int(round(t_stop / h)) + 1)
        i = np.array([float(current(x)) for x in t])
        a = np.exp(-h / TAU)
        u = np.zeros_like(t)
        for k in range(1, len(t)):
            u[k] = a * u[k - 1] + (1 - a) * GAIN * R_STATE * 0.5 * (i[k] + i[k - 1])
        return u[:: int(round(dt / h))]


DEVICE = load_device("orthogonal")


@pytest.fixture(autouse=True, scope="module")
def _toy() -> Iterator[None]:
    """The toy registered for this file's tests only (the registry is the process's)."""
    register_mtj_model(ToyResistor())
    yield
    unregister_mtj_model("toyres")


def settings() -> NeuronSettings:
    return NeuronSettings(mtj="toyres", i_th=0.38e-3)


def test_the_toy_passes_the_contract() -> None:
    check_mtj_model("toyres")


@pytest.mark.ngspice
def test_the_toy_runs_at_rest_and_its_twin_agrees() -> None:
    check_mtj_model_runs("toyres")
    # an RC: ngspice's steps (up to 200 ps, trapezoid) against the exact solution, within 1 % of the
    # state's 0.3 V swing (0.6 mA x GAIN x R_STATE); measured 1.1e-3
    check_mtj_twin("toyres", tol=3e-3)


def test_the_toy_is_registered_and_refuses_temperature() -> None:
    assert "toyres" in mtj_models() and mtj_model("toyres").validity.startswith("toy resistor")
    with pytest.raises(ParameterError, match="temperature"):
        Thermal.make(DEVICE, settings(), 300.0)


@pytest.mark.ngspice
def test_toy_neuron_junction_is_the_resistor_and_its_state_leaks() -> None:
    r = run_neuron(DEVICE, DC(0.6e-3), 20e-9, settings())
    assert ".subckt mtj t1 t2" in r.netlist and "toy resistor MTJ" in r.netlist.splitlines()[0]
    assert len(r.spikes) == 0  # the resistance never moves, so the readout never crosses a threshold
    t = r.wave.t
    i = r.wave[r.probes.i_junction.vector]
    v = r.wave[r.probes.t1.vector] - r.wave[r.probes.t2.vector]
    r0 = junction_resistance(DEVICE, 0.0)
    busy = np.abs(i) > 1e-5
    assert np.allclose(v[busy] / i[busy], r0, rtol=1e-6)
    # the junction's energy part is the resistor's R0 * integral(I^2)
    e_r = r0 * float(np.sum(0.5 * (i[1:] ** 2 + i[:-1] ** 2) * np.diff(t)))
    assert r.energy["junction"] == pytest.approx(e_r, rel=1e-6)
    # the state against the leaky integral of the same junction current (exact exponential steps)
    u = np.zeros_like(t)
    for k in range(1, len(t)):
        a = np.exp(-(t[k] - t[k - 1]) / TAU)
        u[k] = a * u[k - 1] + (1 - a) * GAIN * R_STATE * 0.5 * (i[k] + i[k - 1])
    my = r.wave[r.probes.u.vector]
    assert np.max(np.abs(my - u)) < 0.02 * np.max(np.abs(u))


@pytest.mark.ngspice
def test_toy_array_and_power_sweep_run() -> None:
    neuron, st = Neuron.build(DEVICE, settings()), ArraySettings()
    w = np.array([[2e-3, -2e-3], [1e-3, 1e-3]])
    run = run_array(neuron, ArrayJob(w, [0.2, 0.0], 10e-9), st, options=RunOptions(workers=1))
    assert len(run.spikes) == 0 and "toy resistor MTJs" in run.netlists[0].splitlines()[0]
    assert run.energy_neurons.shape == (2, 5) and np.all(run.energy_neurons[:, 0] > 0)
    done: list[int] = []
    sweep = power_sweep(neuron, [1, 2, 3], 6e-9, st, RunOptions(workers=1, progress=done.append))
    assert sweep.sizes == [1, 2, 3] and sweep.spikes == [0, 0, 0] and done == [1, 1, 1]  # one unit per size
    total = sweep.energy.sum(axis=1)
    assert total[0] < total[1] < total[2]  # more neurons and cells, more energy
