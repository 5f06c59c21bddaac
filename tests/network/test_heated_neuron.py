"""The network's device neuron with Joule heating (issue #26) against the heated solver on the same
device and the same drive: the junction temperature it reports, and its junction voltage."""

from __future__ import annotations

from dataclasses import replace

import numpy as np

import mtjspice as ms
from mtjspice.circuits.neuronobject import Neuron
from mtjspice.network import DeviceNeuron, Timing

SHORT = Timing(window=10e-9)


def _drive(model: DeviceNeuron, inputs: np.ndarray, timing: Timing) -> np.ndarray:
    """The junction current (A) the neuron applies while it does not spike: the read current in the
    read windows (and at each period's first sample, the end of the last read), the input minus the
    trim elsewhere (the timing of mtjspice.netlist.neuron, as DeviceNeuron documents it)."""
    ph = model.phases(timing)
    idx = np.arange(timing.steps)
    reading = (idx % ph.period >= ph.read) | ((idx % ph.period == 0) & (idx > 0))
    return np.where(reading[:, None], model.i_read, inputs[None, :] - model.circuit.i_trim)


def test_a_heated_device_neuron_is_the_heated_solver_on_its_drive() -> None:
    """Two neurons below their firing threshold (no spikes, so the drive is the read schedule and the
    input): the peak junction temperature and junction voltage the network reports against
    simulate(fixed_step) of the same device and current. The two integrate the same equation with the
    same steps; only t restarts each read period in the network (PWL sampling rounding; measured 0 K and
    5e-15 V): 1e-9 K, 1e-10 V.
    The same neurons without heating report no temperature and a different voltage."""
    cold = ms.load_device("orthogonal")
    hot = cold.replace(**{"junction.thermal_resistance": 5e5, "junction.thermal_time_constant": 0.5e-9,
                          "material.curie_temperature": 1100.0})
    base = DeviceNeuron.of("device", Neuron.build(cold))
    model = replace(base, device=hot)
    inputs = np.array([0.3e-3, -0.25e-3])
    current = np.broadcast_to(inputs[None, None, :], (SHORT.steps, 1, 2)).copy()
    run = model.simulate("hidden", current, SHORT)
    assert not run.spikes.any()  # below threshold: the drive is _drive's
    drive = _drive(model, inputs, SHORT)
    t = SHORT.dt * np.arange(SHORT.steps)
    ref = ms.simulate([hot, hot], ms.PWL(t, drive), t[-1], SHORT.dt, fixed_step=model.step, breakdown="ignore")
    assert ref.temperature is not None and run.t_max is not None
    np.testing.assert_allclose(run.t_max[0], ref.temperature.max(axis=0), rtol=0, atol=1e-9)
    np.testing.assert_allclose(run.v_max[0], np.abs(ref.voltage).max(axis=0), rtol=0, atol=1e-10)
    assert np.all(run.t_max[0] - 300.0 > 20.0)  # a real warming: 49 K and 50 K measured
    plain = base.simulate("hidden", current, SHORT)
    assert plain.t_max is None
    assert np.abs(plain.v_max - run.v_max).max() > 1e-4  # Ms(T) moves m, and so R and V
