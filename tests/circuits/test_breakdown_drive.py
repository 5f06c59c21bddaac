"""The refusal of a drive before a run (:mod:`mtjspice.circuits.breakdown`): the way to run it anyway
is said only by a caller that has one, and a test input behind an input clamp is held to the same
current limit as an unclamped one."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from mtjspice.circuits.breakdown import REFUSE_FACTOR, check_drive, check_test_drive, refuse_current
from mtjspice.circuits.settings import NeuronSettings
from mtjspice.errors import ParameterError
from mtjspice.io.settingsfile import read_settings
from mtjspice.params import load_device

B53S = Path(__file__).resolve().parents[1] / "data" / "design_b53s"


def test_the_override_is_named_only_when_the_caller_has_one() -> None:
    dev = load_device("orthogonal")
    with pytest.raises(ParameterError) as exc:
        check_drive(dev, 0.6, "--current", 0.6)
    assert str(exc.value).endswith("check the unit (0.6m is 0.6 mA, 0.6 is 0.6 A), or run it anyway with allow_breakdown")
    with pytest.raises(ParameterError) as exc:
        check_drive(dev, 0.6, "--drive", 0.6, hint="check --drive", override=None)
    text = str(exc.value)
    assert text.endswith("; check --drive") and "allow_breakdown" not in text and "anyway" not in text


def test_an_unclamped_test_input_has_the_drive_limit_and_no_override() -> None:
    dev = load_device("orthogonal")
    limit = REFUSE_FACTOR * dev.junction.breakdown_voltage / dev.R_P  # 8.84 mA for the shipped device
    assert limit == pytest.approx(8.8357e-3, rel=1e-4)
    check_test_drive(dev, 0.999 * limit, "--drive", 0)
    for v_clamp in (None, 0.0):
        with pytest.raises(ParameterError) as exc:
            check_test_drive(dev, 1.001 * limit, "--drive", "x", v_clamp)
        assert str(exc.value).startswith("--drive: got 'x'; allowed: a drive that keeps the junction below 10 x")
        assert "allow_breakdown" not in str(exc.value) and "anyway" not in str(exc.value)


def test_behind_the_clamp_the_design_drive_runs_and_a_unit_slip_is_refused() -> None:
    """tests/data/design_b53s: 0.539 mA behind a 0.473 V clamp runs; 0.539 A is refused with the share
    of it the clamp's rails would take, 1 - (v_clamp / R_P) / I, computed here from the files."""
    dev = load_device(str(B53S / "device.toml"))
    settings = NeuronSettings(**read_settings(str(B53S / "settings.toml")))
    v_clamp = settings.v_clamp
    assert v_clamp == pytest.approx(0.4726, rel=1e-3)
    drive = 0.0005391044938052962  # design.toml's
    check_test_drive(dev, drive, "--drive", drive, v_clamp)
    check_test_drive(dev, 10 * drive, "--drive", drive, v_clamp)  # the clamp test's 10 x: runs
    limit = refuse_current(dev)
    assert limit == pytest.approx(10 * 1.0 / dev.R_P) and limit > 50 * drive  # 31.8 mA: far above any design's drive
    check_test_drive(dev, 0.999 * limit, "--drive", 0, v_clamp)
    with pytest.raises(ParameterError) as exc:
        check_test_drive(dev, 1.001 * limit, "--drive", 0, v_clamp)
    with pytest.raises(ParameterError) as exc:
        check_test_drive(dev, 0.539, "--drive", 0.539, v_clamp)
    text = str(exc.value)
    assert text.startswith("--drive: got 0.539; allowed: a test input up to 0.0318 A"), text
    share = 100 * (1 - v_clamp / dev.R_P / 0.539)
    m = re.search(r"so ([0-9.]+) % of this 0\.539 A would flow into its rails", text)
    assert m and float(m.group(1)) == pytest.approx(share, abs=0.01), text
    assert share > 99.7 and "allow_breakdown" not in text and "anyway" not in text
