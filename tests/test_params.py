"""Device files: loading, and one rejected case per validation rule."""

from __future__ import annotations

import copy
import math
import tomllib
from pathlib import Path

import pytest

from mtjspice import InputFileError, ParameterError, device_from_dict, load_device
from mtjspice.params import PINNED_PRESETS

BASE = {
    "geometry": {"W": 10e-9, "L": 45e-9, "T": 50e-9, "shape": "ellipsoid"},
    "material": {"Ms": 1e6, "alpha": 0.01, "P": 0.6, "temperature": 300.0},
    "junction": {"RA": 0.4e-12, "TMR": 0.57, "pinned": "orthogonal"},
    "initial": {"theta0": 0.0},
}


def with_change(section: str, key: str, value: object) -> dict:
    d = copy.deepcopy(BASE)
    if value is _DELETE:
        del d[section][key]
    else:
        d[section][key] = value
    return d


_DELETE = object()


def test_models_load(ortho_path: Path, parallel_path: Path) -> None:
    o = load_device(ortho_path)
    p = load_device(parallel_path)
    assert o.junction.pinned == PINNED_PRESETS["orthogonal"]
    assert p.junction.pinned == PINNED_PRESETS["parallel"]
    assert (o.geometry.W, o.geometry.L, o.geometry.T) == (10e-9, 45e-9, 50e-9)
    assert o.material.efficiency == pytest.approx(o.material.P / 2)
    assert p.geometry == o.geometry and p.material == o.material


def test_eta_default_and_explicit() -> None:
    d = device_from_dict(with_change("material", "eta", 0.4))
    assert d.material.efficiency == 0.4
    assert device_from_dict(BASE).material.efficiency == pytest.approx(0.3)


def test_pinned_vector_is_normalised() -> None:
    d = device_from_dict(with_change("junction", "pinned", [0.0, 3.0, 4.0]))
    assert d.junction.pinned == pytest.approx((0.0, 0.6, 0.8))


@pytest.mark.parametrize(
    ("section", "key", "value", "expect"),
    [
        ("geometry", "W", _DELETE, "geometry.W"),  # missing key
        ("geometry", "height", 5e-9, "geometry.height"),  # unknown key
        ("geometry", "T", 0.0, "geometry.T"),  # non-positive length
        ("geometry", "L", -45e-9, "geometry.L"),  # negative length
        ("material", "Ms", 0.0, "material.Ms"),  # Ms <= 0
        ("material", "alpha", -0.01, "material.alpha"),  # alpha < 0
        ("material", "Ms", math.nan, "material.Ms"),  # NaN
        ("junction", "RA", math.inf, "junction.RA"),  # not finite
        ("junction", "pinned", [0.0, 0.0, 0.0], "junction.pinned"),  # zero pinned vector
        ("junction", "pinned", "sideways", "junction.pinned"),  # unknown preset
        ("geometry", "W", 50e-9, "geometry.W"),  # W > L
        ("geometry", "shape", "cube", "geometry.shape"),  # unknown shape
        ("material", "P", 1.5, "material.P"),  # P > 1
        ("material", "alpha", "0.01", "material.alpha"),  # a string, not a number
    ],
)
def test_each_rule_rejects(section: str, key: str, value: object, expect: str) -> None:
    with pytest.raises(ParameterError) as info:
        device_from_dict(with_change(section, key, value))
    msg = str(info.value)
    assert msg.startswith(expect + ":"), msg
    assert "allowed" in msg
    if value is not _DELETE:
        assert repr(value) in msg or str(value) in msg


def test_unknown_and_missing_sections() -> None:
    d = copy.deepcopy(BASE)
    d["extras"] = {"x": 1}
    with pytest.raises(ParameterError, match="^extras:"):
        device_from_dict(d)
    d = copy.deepcopy(BASE)
    del d["junction"]
    with pytest.raises(ParameterError, match="^junction:"):
        device_from_dict(d)


def test_not_a_table() -> None:
    # The error names the argument as Python spells it.
    with pytest.raises(ParameterError, match="^data: got 'W = 1'; allowed: a table of sections"):
        device_from_dict("W = 1")  # type: ignore[arg-type]


def test_bad_files(tmp_path: Path) -> None:
    with pytest.raises(InputFileError, match="cannot read"):
        load_device(tmp_path / "missing.toml")
    bad = tmp_path / "bad.toml"
    bad.write_text("[geometry\nW = 1\n")
    with pytest.raises(InputFileError, match="bad.toml: not valid TOML"):
        load_device(bad)


def test_model_files_state_units_and_sources(ortho_path: Path) -> None:
    """Every key in the shipped model has a comment with a unit (or '-')."""
    data = tomllib.loads(ortho_path.read_text())
    lines = ortho_path.read_text().splitlines()
    for section in data.values():
        for key in section:
            line = next(ln for ln in lines if ln.split("=")[0].strip() == key)
            assert "#" in line, f"{key} has no comment"


def test_replace_dotted() -> None:
    d = device_from_dict(BASE)
    e = d.replace(**{"geometry.W": 12e-9, "material.alpha": 0.02})
    assert e.geometry.W == 12e-9 and e.material.alpha == 0.02 and d.geometry.W == 10e-9
    with pytest.raises(ParameterError, match="geometry.W"):
        d.replace(**{"geometry.W": -1.0})
