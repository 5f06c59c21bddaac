"""The one neuron object (mtjspice.circuits.neuronobject): what it holds, that resolve runs no
physics, that a characterisation run on the caller's behalf is logged, that run_neuron takes it."""

from __future__ import annotations

import logging
from dataclasses import replace

import numpy as np
import pytest

import mtjspice as ms
from mtjspice.characterize.character import DeviceCharacter, characterize
from mtjspice.circuits.neuronobject import Neuron, character_for
from mtjspice.circuits.settings import NeuronSettings, resolve
from mtjspice.errors import ParameterError
from mtjspice.montecarlo.testspec import NominalCircuit
from mtjspice.netlist.timing import NeuronTiming
from mtjspice.stimulus import DC

DEV = ms.load_device("orthogonal")


@pytest.fixture(scope="module")
def onset_only() -> DeviceCharacter:
    return characterize(DEV, negative=False, hysteresis=False)


def test_resolve_runs_no_physics_and_takes_the_character(onset_only: DeviceCharacter) -> None:
    with pytest.raises(ParameterError, match=r"i_th: got None; allowed: an onset current \(A\) in the settings"):
        resolve(DEV, NeuronSettings())
    s = NeuronSettings()
    assert resolve(DEV, s, onset_only) == resolve(DEV, NeuronSettings(i_th=onset_only.onset))
    # the settings' i_th wins over a character; a character of another device is refused
    assert resolve(DEV, NeuronSettings(i_th=0.5e-3), onset_only).i_reset == 0.0
    assert resolve(DEV, NeuronSettings(i_th=0.5e-3), onset_only).v_read == resolve(DEV, NeuronSettings(i_th=0.5e-3)).v_read
    with pytest.raises(ParameterError, match="character: got 'other'"):
        resolve(DEV, s, replace(onset_only, device="other"))


def test_character_for_characterises_only_when_needed(onset_only: DeviceCharacter,
                                                      caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.INFO, logger="mtjspice"):
        assert character_for(DEV, NeuronSettings(i_th=0.4e-3)) is None
        assert character_for(DEV, NeuronSettings(), onset_only) is onset_only
        assert not caplog.records
        ch = character_for(DEV, NeuronSettings())
    assert ch is not None and ch.onset == onset_only.onset
    assert len(caplog.records) == 1 and "characterisation of device 'orthogonal'" in caplog.records[0].getMessage()


def test_neuron_holds_circuit_timing_and_character(onset_only: DeviceCharacter,
                                                   caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.INFO, logger="mtjspice"):
        n = Neuron.build(DEV, character=onset_only)
        given = Neuron.build(DEV, NeuronSettings(i_th=0.5e-3))
        assert not caplog.records  # nothing measured: nothing said
        built = Neuron.build(DEV)
        assert len(caplog.records) == 1
    assert built == n  # the same neuron, characterised on the way
    assert n.circuit == resolve(DEV, NeuronSettings(), onset_only) and n.character is onset_only
    assert n.i_th == onset_only.onset and given.i_th == 0.5e-3 and given.character is None
    assert n.timing == NeuronTiming.of(n.circuit, n.settings.behavioral)
    c = n.circuit
    assert n.i_read == pytest.approx(c.v_read / (c.r_ref + 0.5 * (DEV.R_P + DEV.R_AP) + c.r_on), rel=0.2)
    assert vars(n.read_circuit()) == vars(NominalCircuit.resolved(DEV, NeuronSettings(i_th=n.i_th), n.i_th))
    with pytest.raises(ParameterError, match="circuit"):
        Neuron(DEV, NeuronSettings(), None)  # type: ignore[arg-type]


@pytest.mark.ngspice
def test_run_neuron_takes_the_neuron(onset_only: DeviceCharacter) -> None:
    n = Neuron.build(DEV, character=onset_only)
    a = ms.run_neuron(n, DC(0.7e-3), 4e-9, warn=False)
    b = ms.run_neuron(DEV, DC(0.7e-3), 4e-9, n.settings, n.circuit, warn=False)
    assert a.netlist == b.netlist and np.array_equal(a.spikes.t, b.spikes.t) and len(a.spikes) >= 1
    with pytest.raises(ParameterError, match="settings"):
        ms.run_neuron(n, DC(0.7e-3), 4e-9, n.settings)
