"""Characterisation as an explicit step (mtjspice.characterize.character) and the one neuron object
(mtjspice.circuits.neuronobject): what each holds, that resolve runs no physics, that a
characterisation run on the caller's behalf is logged."""

from __future__ import annotations

import logging
import math
from dataclasses import replace

import numpy as np
import pytest

import mtjspice as ms
from mtjspice.characterize.character import DeviceCharacter, characterize, circuit_firing
from mtjspice.characterize.firing import firing_threshold, mean_threshold
from mtjspice.characterize.onset import onset_current, onset_hysteresis
from mtjspice.circuits.neuronobject import Neuron, character_for
from mtjspice.circuits.settings import NeuronSettings, resolve
from mtjspice.errors import ParameterError
from mtjspice.montecarlo.firing import firing_thresholds
from mtjspice.montecarlo.testspec import NominalCircuit
from mtjspice.netlist.timing import NeuronTiming
from mtjspice.stimulus import DC

DEV = ms.load_device("orthogonal")


@pytest.fixture(scope="module")
def onset_only() -> DeviceCharacter:
    return characterize(DEV, negative=False, hysteresis=False)


def test_the_onset_is_onset_currents(onset_only: DeviceCharacter) -> None:
    assert onset_only.onset == onset_current(DEV) and onset_only.i_th == onset_only.onset
    assert onset_only.device == DEV.name
    assert (onset_only.onset_negative, onset_only.hysteresis, onset_only.fit, onset_only.firing) == (None,) * 4
    assert not onset_only.asymmetric and onset_only.summary() == {"onset_pos": onset_only.onset}


def test_a_character_checks_its_onset() -> None:
    with pytest.raises(ParameterError, match="onset"):
        DeviceCharacter(DEV.name, 0.0)
    none = DeviceCharacter(DEV.name, math.inf)
    with pytest.raises(ParameterError, match="i_th"):
        _ = none.i_th


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


@pytest.mark.slow
def test_full_character_measures_each_part() -> None:
    circuit = resolve(DEV, NeuronSettings(i_th=onset_current(DEV)))
    ch = characterize(DEV, circuit=circuit)
    assert ch.onset_negative == abs(onset_current(DEV, sign=-1))
    assert ch.hysteresis is not None and ch.hysteresis.up == onset_hysteresis(DEV).up
    assert ch.hysteresis.up[0] == ch.onset  # the same onset, measured by its own scan
    assert ch.fit is None and ch.circuit == circuit
    # the firing threshold is the Monte Carlo's: same circuit, same protocol
    assert ch.firing is not None
    nominal, _ = firing_thresholds(DEV, [], NeuronSettings(i_th=ch.onset), ch.onset)
    assert mean_threshold(ch.firing) == nominal
    assert 1.3 < ch.firing.positive / ch.onset < 1.6  # FINDINGS: fires from about 1.45 x its onset
    assert set(ch.summary()) == {"onset_pos", "onset_neg", "onset_down_pos", "onset_down_neg", "firing_pos",
                                 "firing_neg"}
    n = Neuron.build(DEV, NeuronSettings(i_th=ch.onset), ch)
    assert n.firing_threshold() is ch.firing  # measured in this circuit: reused, not measured again
    other = Neuron.build(DEV, NeuronSettings(i_th=ch.onset, u_th=0.25), ch)
    assert other.firing_threshold() == circuit_firing(DEV, other.circuit, other.settings.behavioral, ch.onset)
    assert other.firing_threshold() == firing_threshold(DEV, other.read_circuit(), i_max=3 * ch.onset, points=12,
                                                        rounds=1)


@pytest.mark.ngspice
def test_run_neuron_takes_the_neuron(onset_only: DeviceCharacter) -> None:
    n = Neuron.build(DEV, character=onset_only)
    a = ms.run_neuron(n, DC(0.7e-3), 4e-9, warn=False)
    b = ms.run_neuron(DEV, DC(0.7e-3), 4e-9, n.settings, n.circuit, warn=False)
    assert a.netlist == b.netlist and np.array_equal(a.spikes.t, b.spikes.t) and len(a.spikes) >= 1
    with pytest.raises(ParameterError, match="settings"):
        ms.run_neuron(n, DC(0.7e-3), 4e-9, n.settings)


@pytest.mark.ngspice
def test_the_command_line_says_what_it_characterises_and_caches(tmp_path, monkeypatch, capsys) -> None:  # type: ignore[no-untyped-def]
    # the fit itself is replaced by a fixed one (the cache and the messages are under test, not the fit)
    from mtjspice.analysis.lif import LIFParams
    from mtjspice.circuits import compact as CC
    from mtjspice.cli import main

    class Fit:
        params = LIFParams(tau_m=0.91e-9, a2=0.549, R_m=1383.0, i_th=0.383e-3)
        i_min, i_max, hysteresis = 0.42e-3, 1.1e-3, None

    monkeypatch.setattr(CC, "fit_device", lambda dev: Fit())
    monkeypatch.setattr(CC, "steady_gain", lambda dev, lo, hi: 760.0)
    monkeypatch.delenv("MTJSPICE_CACHE")
    CC._compact_params.cache_clear()
    argv = ["neuron", "orthogonal", "--mtj", "compact", "--input", "dc:0.6m", "--t-stop", "2n"]
    assert main([*argv, "--cache", str(tmp_path / "cache"), "--out", str(tmp_path / "a")]) == 0
    err = capsys.readouterr().err
    [written] = list((tmp_path / "cache").glob("compact-*.json"))
    assert "mtjspice neuron: characterisation of device 'orthogonal': onset scan" in err
    assert f"mtjspice neuron: compact of device 'orthogonal' written to the cache: {written}" in err
    CC._compact_params.cache_clear()
    assert main([*argv, "--i-th", "0.383m", "--cache", str(tmp_path / "cache"), "--out", str(tmp_path / "b")]) == 0
    err = capsys.readouterr().err
    assert "characterising" not in err  # --i-th given: nothing to measure, nothing said
    assert f"read from the cache: {written}" in err and "fitting" not in err
    CC._compact_params.cache_clear()
    assert main([*argv, "--i-th", "0.383m", "--out", str(tmp_path / "c")]) == 0
    err = capsys.readouterr().err
    assert "no cache folder given" in err and len(list(tmp_path.rglob("compact-*.json"))) == 1
    CC._compact_params.cache_clear()
