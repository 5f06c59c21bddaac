"""Device files: loading, and one rejected case per validation rule."""

from __future__ import annotations

import copy
import math
import tomllib
from pathlib import Path

import pytest

import mtjspice as ms
from mtjspice import InputFileError, ParameterError, device_from_dict, load_device, shipped_devices
from mtjspice.circuits.settings import model_card_path
from mtjspice.cli import main
from mtjspice.errors import shown
from mtjspice.params import PINNED_PRESETS, Geometry, Material, shipped_path

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
        ("junction", "RA", 0.4, "junction.RA"),  # 0.4 Ohm um^2 written without its 1e-12: 1e12 Ohm um^2
        ("junction", "RA", 0.0, "junction.RA"),  # no barrier
        ("junction", "pinned", [0.0, 0.0, 0.0], "junction.pinned"),  # zero pinned vector
        ("junction", "pinned", "sideways", "junction.pinned"),  # unknown preset
        ("geometry", "W", 50e-9, "geometry.W"),  # W > L
        ("geometry", "shape", "cube", "geometry.shape"),  # unknown shape
        ("material", "P", 1.5, "material.P"),  # P > 1
        ("material", "alpha", "lots", "material.alpha"),  # a string that is no number
        ("material", "alpha", "0.01x", "material.alpha"),  # a suffix that is no SPICE suffix
        ("material", "alpha", True, "material.alpha"),  # a boolean, not a number
        ("geometry", "W", {"nm": 10}, "geometry.W"),  # a table, not a number
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
    with pytest.raises(InputFileError, match="missing.toml: device file: no such file"):
        load_device(tmp_path / "missing.toml")
    with pytest.raises(InputFileError, match="device file: not a regular file"):
        load_device(tmp_path)
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


# ---------------------------------------------------------------- physical guards
@pytest.mark.parametrize(
    ("section", "key", "value", "reason"),
    [
        ("material", "alpha", 1.5, "overdamped beyond any ferromagnet"),
        ("geometry", "W", 1e-10, "not a continuous film"),
        ("geometry", "W", 1e3, "macrospin is meaningless"),
        ("geometry", "T", 10, "macrospin is meaningless"),  # an integer: 10 m, not 10 nm
        ("geometry", "L", 1e-5 * 1.01, "macrospin is meaningless"),
        ("material", "P", 0.0, "P = 0 gives no spin torque"),
        ("material", "P", 1.2, "0 < P <= 1"),
        ("material", "Ms", 5e6, "Fe65Co35"),
        ("material", "temperature", 3000.0, "Curie temperature"),
        ("material", "temperature", 1600, "Curie temperature"),  # an integer
        ("junction", "TMR", 57, "a percentage given for the ratio"),  # 57 % typed as 57
        ("junction", "TMR", -0.1, "0 to 15"),
        ("field", "Ku", 2.1e7, "SmCo5"),
        ("field", "Ku", -3e7, "-2e7 to 2e7 J/m^3"),
    ],
)
def test_unphysical_values_are_refused_with_the_reason(section: str, key: str, value: object, reason: str) -> None:
    d = with_change(section, key, value) if section in BASE else {**copy.deepcopy(BASE), section: {key: value}}
    if key == "W" and value == 1e3:
        d["geometry"]["L"] = 2e3  # so W <= L holds and the bound is what refuses
    with pytest.raises(ParameterError) as info:
        device_from_dict(d)
    err = info.value
    assert err.name == f"{section}.{key}" and err.value == value
    assert reason in err.allowed, err.allowed
    assert str(err).startswith(f"{section}.{key}: got {shown(value)}; allowed: ")  # 1.01e-05, not its round-off


def test_guards_apply_to_the_dataclasses_and_replace() -> None:
    with pytest.raises(ParameterError, match=r"^material\.alpha: got 2; allowed: 0 <= alpha <= 1 "):
        Material(Ms=1e6, alpha=2)
    with pytest.raises(ParameterError, match=r"^geometry\.T: got 5e-10; allowed: 1 nm to 10 um"):
        Geometry(W=1e-9, L=2e-9, T=0.5e-9)
    d = device_from_dict(BASE)
    with pytest.raises(ParameterError, match="^material.Ms:"):
        d.replace(**{"material.Ms": 3.5e6})


def test_bounds_themselves_are_allowed() -> None:
    d = device_from_dict(with_change("material", "alpha", 1.0))
    assert d.material.alpha == 1.0
    d = device_from_dict({**BASE, "geometry": {"W": "1n", "L": "10u", "T": "1n"}})
    assert (d.geometry.W, d.geometry.T) == (1e-9, 1e-9) and d.geometry.L == pytest.approx(1e-5)
    assert device_from_dict(with_change("material", "Ms", 3e6)).material.Ms == 3e6
    assert device_from_dict(with_change("material", "P", 1)).material.P == 1.0
    assert device_from_dict(with_change("material", "temperature", 0)).material.temperature == 0.0
    assert device_from_dict(with_change("material", "temperature", 1500)).material.temperature == 1500.0


# ---------------------------------------------------------------- SPICE suffixes in device files
SUFFIXED = """
[geometry]
W = "10n"
L = "45nm"
T = 50e-9
shape = "ellipsoid"
[material]
Ms = "1meg"
alpha = "10m"
P = "0.6"
temperature = "300"
[junction]
RA = "0.4p"
TMR = 0.57
pinned = "orthogonal"
V_half = "500mV"
[field]
H = ["1k", 0, "-2.5k"]
axis = "parallel"
"""


def test_suffix_strings_in_a_device_file(tmp_path: Path) -> None:
    f = tmp_path / "suffixed.toml"
    f.write_text(SUFFIXED, encoding="utf-8")
    d = load_device(f)
    assert d.name == "suffixed"
    assert (d.geometry.W, d.geometry.L, d.geometry.T) == pytest.approx((10e-9, 45e-9, 50e-9))
    assert d.geometry.shape == "ellipsoid"  # a string field keeps its meaning
    assert d.material.Ms == pytest.approx(1e6) and d.material.alpha == pytest.approx(0.01)
    assert d.material.P == pytest.approx(0.6) and d.material.temperature == 300.0
    assert d.junction.RA == pytest.approx(0.4e-12) and d.junction.V_half == pytest.approx(0.5)
    assert d.junction.pinned == PINNED_PRESETS["orthogonal"]  # a preset keeps its meaning
    assert d.field.H == pytest.approx((1e3, 0.0, -2.5e3))
    assert d.field.axis == PINNED_PRESETS["parallel"]


def test_bad_suffix_string_names_the_key(tmp_path: Path) -> None:
    f = tmp_path / "bad.toml"
    f.write_text(SUFFIXED.replace('"0.4p"', '"0.4 pico"'), encoding="utf-8")
    with pytest.raises(ParameterError, match=r"bad\.toml: junction\.RA: got '0\.4 pico'; allowed: .*SPICE suffix"):
        load_device(f)
    f.write_text(SUFFIXED.replace('["1k", 0, "-2.5k"]', '["1k", 0, "lots"]'), encoding="utf-8")
    with pytest.raises(ParameterError, match=r"bad\.toml: field\.H\[2\]: got 'lots'; allowed: "):
        load_device(f)
    # "10m" for a length is 10 milli-metres to SPICE, 10 metres to a reader: refused as ambiguous
    f.write_text(SUFFIXED.replace('"10n"', '"10m"'), encoding="utf-8")
    with pytest.raises(ParameterError, match=r"bad\.toml: geometry\.W: got '10m'; allowed: metres without a suffix"):
        load_device(f)
    f.write_text(SUFFIXED.replace('"10n"', '"0.01"'), encoding="utf-8")  # 1 cm: the length bound
    with pytest.raises(ParameterError, match=r"bad\.toml: geometry\.W: got 0\.01; allowed: 1 nm to 10 um"):
        load_device(f)


# ---------------------------------------------------------------- encodings
def test_device_file_with_bom_loads(tmp_path: Path, ortho_path: Path) -> None:
    f = tmp_path / "bom.toml"
    f.write_bytes(b"\xef\xbb\xbf" + ortho_path.read_bytes())
    assert load_device(f).replace(name="orthogonal") == load_device(ortho_path)


def test_latin1_device_file_is_refused(tmp_path: Path, ortho_path: Path) -> None:
    f = tmp_path / "latin1.toml"
    text = "# Ms in A/m, \u00e9chantillon recuit \u00e0 300 \u00b0C\n" + ortho_path.read_text(encoding="utf-8")
    f.write_bytes(text.encode("latin-1", errors="replace"))
    with pytest.raises(InputFileError) as info:
        load_device(f)
    msg = str(info.value)
    assert msg.startswith(f"{f}: device file: not UTF-8 text"), msg
    assert "save the file as UTF-8" in msg


# ---------------------------------------------------------------- shipped devices
def test_shipped_devices_load_by_name(ortho_path: Path) -> None:
    assert shipped_devices() == ("cofeb_mgo", "orthogonal", "parallel")
    assert ms.shipped_devices is shipped_devices and "shipped_devices" in ms.__all__
    by_name = load_device("orthogonal")
    assert by_name == load_device("orthogonal.toml") == load_device(ortho_path)
    assert by_name.name == "orthogonal"
    assert load_device("parallel").junction.pinned == PINNED_PRESETS["parallel"]
    assert ortho_path == shipped_path("orthogonal.toml") and ortho_path.is_file()


def test_an_existing_file_wins_over_a_shipped_name(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    Path("orthogonal.toml").write_text(SUFFIXED, encoding="utf-8")
    assert load_device("orthogonal.toml").geometry.shape == "ellipsoid"  # the local file
    assert load_device("orthogonal").geometry.shape == "elliptic_cylinder"  # no such file: the shipped one


@pytest.mark.parametrize("given", ["orthogonl", "nomodels/orthogonal.toml", "sub/parallel"])
def test_unknown_name_lists_the_shipped_devices(given: str) -> None:
    with pytest.raises(InputFileError) as info:
        load_device(given)
    msg = str(info.value)
    assert msg.startswith(f"{given}: device file: no such file, and not the name of a shipped device"), msg
    assert msg.endswith("shipped devices: cofeb_mgo, orthogonal, parallel")
    if given != "orthogonl":
        assert f"did you mean '{Path(given).stem}'?" in msg


def test_packaged_model_card_exists() -> None:
    card = model_card_path()
    assert card == shipped_path("ptm45hp.lib") and card.parent.name == "models"
    assert ".model ptm45n nmos level=54" in card.read_text(encoding="utf-8")
    with pytest.raises(InputFileError, match="models/nothing.lib: missing from the installed package"):
        shipped_path("nothing.lib")


def test_cli_takes_a_shipped_name(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "run"
    assert main(["macrospin", "orthogonal", "--t-on", "1n", "--t-stop", "1n", "--dt", "0.1n", "--out", str(out)]) == 0
    assert (out / "trajectory.csv").is_file()
    assert main(["macrospin", "orthogonl", "--out", str(tmp_path / "x")]) == 2
    assert "shipped devices: cofeb_mgo, orthogonal, parallel" in capsys.readouterr().err
    assert not (tmp_path / "x").exists()
