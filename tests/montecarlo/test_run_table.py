"""The device Monte Carlo builds its onset table on :func:`table_model` of the device, as the design
search and the verification do: a table built on the Joule-heated device heats the junction past its
Curie point at the bracket's top (no onset beyond q of about 0.05 on cofeb_mgo)."""

from __future__ import annotations

import pytest

from mtjspice.errors import ParameterError
from mtjspice.montecarlo import run as mc_run
from mtjspice.params import load_device
from mtjspice.variation import VariationSpec


class _Built(Exception):
    pass


def test_the_table_is_built_without_the_currents_own_heating(monkeypatch):
    seen = []

    def record(device, **kwargs):
        seen.append(device)
        raise _Built

    monkeypatch.setattr(mc_run, "onset_table", record)
    device = load_device("cofeb_mgo")
    assert device.junction.thermal_resistance > 0 and device.junction.field_like_quadratic != 0
    with pytest.raises(_Built):
        mc_run.device_montecarlo(device, VariationSpec.parse("L=1n,W=1n"), 4)
    (built,) = seen
    assert built.junction.thermal_resistance == 0.0
    assert built.junction.field_like_quadratic == 0.0
    assert built.material == device.material and built.geometry == device.geometry  # nothing else changed


def test_a_device_without_those_effects_gets_its_own_table(monkeypatch):
    seen = []

    def record(device, **kwargs):
        seen.append(device)
        raise ParameterError("stop", 0, "recorded")

    monkeypatch.setattr(mc_run, "onset_table", record)
    paper = load_device("orthogonal")
    with pytest.raises(ParameterError):
        mc_run.device_montecarlo(paper, VariationSpec.parse("L=1n,W=1n"), 4)
    assert seen == [paper]
