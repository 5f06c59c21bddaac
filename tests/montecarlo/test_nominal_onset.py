"""A device with no onset for the nominal neuron circuit is refused by the Monte Carlo in one line
that says why and what to do instead, never "set i_th" (montecarlo has no i_th to set)
(:func:`mtjspice.montecarlo.testspec.check_onset`, and the CLI's check before any work)."""

from __future__ import annotations

import math
import re

import numpy as np
import pytest

import mtjspice.montecarlo.testspec as testspec
from mtjspice.characterize.character import DeviceCharacter
from mtjspice.characterize.onset import ONSET_I_MAX
from mtjspice.errors import ParameterError
from mtjspice.montecarlo.testspec import ONSET_HINT, NominalCircuit, check_onset
from mtjspice.params import load_device

#: The old advice, which montecarlo cannot follow ("onset i_th" is fine).
SET_I_TH = re.compile(r"\bset i_th")


def test_a_finite_onset_passes_and_none_is_refused_with_the_breakdown_it_implies():
    dev = load_device("cofeb_mgo")
    check_onset(dev, 0.4e-3)
    with pytest.raises(ParameterError) as exc:
        check_onset(dev, math.inf, "do this")
    text = str(exc.value)
    v = ONSET_I_MAX * dev.R_P  # 2 mA x 1132 Ohm = 2.26 V: past the 1 V breakdown
    assert v > dev.junction.breakdown_voltage
    assert text.startswith("device: got 'cofeb_mgo'; allowed: a device with an onset current from rest below 2 mA")
    assert f"2 mA already puts {v:.3g} V across R_P" in text and "cannot fire below breakdown" in text
    assert text.endswith("; do this") and not SET_I_TH.search(text)


def test_below_breakdown_at_the_scans_end_it_says_the_scan_stopped_there():
    dev = load_device("cofeb_mgo").replace(**{"junction.breakdown_voltage": 5.0})  # 2 mA: 2.26 V < 5 V
    with pytest.raises(ParameterError) as exc:
        check_onset(dev, math.inf)
    text = str(exc.value)
    assert "the scan stops at 2 mA" in text and "breakdown" not in text.split("allowed:", 1)[1]
    assert text.endswith(ONSET_HINT)


def test_the_library_refuses_in_the_nominal_circuit_not_in_resolve(monkeypatch):
    """NominalCircuit.of (what device_montecarlo reads every sample through) refuses before resolve's
    "set i_th": a table whose onset is finite (3.6 mA for cofeb_mgo) and a scan that found none."""
    dev = load_device("cofeb_mgo")

    class Table:
        def onset(self, batch):  # the onset table's interface, as the module calls it
            return np.array([3.6e-3]), None  # (onsets per device, ...)

    monkeypatch.setattr(testspec, "character_for", lambda device, settings: DeviceCharacter(device.name, math.inf))
    with pytest.raises(ParameterError) as exc:
        NominalCircuit.of(dev, Table())  # type: ignore[arg-type]
    assert str(exc.value).startswith("device: got 'cofeb_mgo'; allowed: a device with an onset")
    assert str(exc.value).endswith(ONSET_HINT) and not SET_I_TH.search(str(exc.value))


def test_cli_refuses_before_any_work_with_a_hint_it_can_follow(tmp_path, capsys, monkeypatch):
    """The CLI's check runs before the onset table and the progress bar (here the shipped device is
    made to have no onset, so the test takes no scan); the hint names commands that exist."""
    import importlib

    import mtjspice.montecarlo.run as mcrun
    from mtjspice.cli import main

    character = importlib.import_module("mtjspice.characterize.character")  # the package re-exports a function of that name

    monkeypatch.setattr(character, "characterize", lambda device, **kw: DeviceCharacter(device.name, math.inf))

    def stop(*args: object, **kw: object) -> None:
        raise AssertionError("the Monte Carlo started")

    monkeypatch.setattr(mcrun, "device_montecarlo", stop)
    rc = main(["montecarlo", "orthogonal", "--samples", "10", "--sigma", "L=1n", "--workers", "1",
               "--out", str(tmp_path / "mc")])
    err = capsys.readouterr().err.strip()
    assert rc == 2 and len(err.splitlines()) == 1, err
    assert err.startswith("mtjspice montecarlo: error: device: got 'orthogonal'; allowed: a device with an onset")
    assert "(mtjspice design orthogonal)" in err and "mtjspice verify DIR/best" in err and not SET_I_TH.search(err)
    assert sorted(p.name for p in tmp_path.iterdir()) == []


@pytest.mark.slow
def test_cli_refuses_the_cofeb_mgo_stack(tmp_path, capsys):
    """The real case: the nominal CoFeB/MgO stack has no onset below 2 mA (its onset scan, about 3 s)."""
    from mtjspice.cli import main

    rc = main(["montecarlo", "cofeb_mgo", "--samples", "10", "--sigma", "L=1n", "--workers", "1",
               "--out", str(tmp_path / "mc")])
    err = capsys.readouterr().err.strip()
    assert rc == 2 and err.startswith("mtjspice montecarlo: error: device: got 'cofeb_mgo'; allowed: a device with an "
                                      "onset current from rest below 2 mA"), err
    assert "2.26 V across R_P = 1132 Ohm" in err and "(mtjspice design cofeb_mgo)" in err
    assert not (tmp_path / "mc").exists() and not (tmp_path / "mc.parts").exists()
