"""``--range`` bounds and ``--start`` values are checked before any design is evaluated
(:func:`mtjspice.design.space.check_ranges`, the CLI's order), against the limits the device file
itself is held to; and a search in which no design is a device ends in one line, not in the report."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from mtjspice.design.engine import NOT_A_DEVICE, DesignRecord, Evaluation
from mtjspice.design.report import choose
from mtjspice.design.space import check_ranges, space_for
from mtjspice.errors import ParameterError
from mtjspice.limits import LIMITS
from mtjspice.params import load_device

B53S = Path(__file__).resolve().parents[1] / "data" / "design_b53s"


def _refusal(device_name: str, ranges: dict[str, tuple[float, float]]) -> str:
    with pytest.raises(ParameterError) as exc:
        space_for(load_device(device_name), None, ranges)
    text = str(exc.value)
    assert "\n" not in text and text.startswith("range: got "), text
    return text


def test_ki_in_joules_per_square_metre_is_refused_with_the_device_files_limit():
    text = _refusal("cofeb_mgo", {"Ki": (0.0, 1.3)})
    assert text.startswith("range: got 'Ki=0:1.3'; allowed: bounds of Ki (material.Ki_bottom, J/m^2)"), text
    assert LIMITS["material.Ki_bottom"][3] in text and "; 1.3 is not" in text
    assert space_for(load_device("cofeb_mgo"), None, {"Ki": (0.0, 1.3e-3)}).knob("Ki").high == 1.3e-3  # 1.3m runs


@pytest.mark.parametrize("ranges,key,bad,allowed", [
    ({"W": (8e-9, 14.0)}, "geometry.W", "14", LIMITS["geometry.W"][3]),  # 14 m: the n forgotten
    ({"Ms": (0.7e6, 1.3e9)}, "material.Ms", "1.3e+09", LIMITS["material.Ms"][3]),
    ({"TMR": (-1.0, 2.0)}, "junction.TMR", "-1", LIMITS["junction.TMR"][3]),
    ({"TMR": (50.0, 200.0)}, "junction.TMR", "50", "a percentage given for the ratio"),  # 50-200 % typed as such
    ({"Ku": (0.0, 1e9)}, "field.Ku", "1e+09", LIMITS["field.Ku"][3]),
    ({"taper": (0.0, 5.0)}, "geometry.taper", "5", "pi/2"),  # 5 degrees given as 5 rad
    ({"taper": (0.0, 0.34)}, "geometry.taper", "0.34", "atan(W / T) = 0.3367 rad for W = 1.4e-08 m, T = 4e-08 m"),
])
def test_a_device_knobs_bound_outside_what_a_device_file_may_hold_is_refused(ranges, key, bad, allowed):
    text = _refusal("cofeb_mgo", ranges)
    assert f"({key}, " in text and allowed in text and f"; {bad} is not" in text, text


def test_a_taper_is_judged_on_the_widest_thinnest_pillar_of_the_search():
    """cofeb_mgo's own pillar (10 x 50 nm) closes at atan(0.2) = 0.197 rad, the search's widest and
    thinnest (W 14 nm, T 40 nm) at 0.337 rad: 0.3 is a bound some designs can have."""
    dev = load_device("cofeb_mgo")
    assert math.atan(dev.geometry.W / dev.geometry.T) < 0.3 < math.atan(14e-9 / 40e-9)
    assert space_for(dev, None, {"taper": (0.0, 0.3)}).knob("taper").high == 0.3
    # a thinner W range moves the limit: W at most 9 nm over T from 40 nm closes at atan(9/40) = 0.221
    assert "0.2213 rad" in _refusal("cofeb_mgo", {"W": (8e-9, 9e-9), "taper": (0.0, 0.3)})


def test_bounds_that_no_design_can_have_are_refused():
    assert "LOW < HIGH" in _refusal("orthogonal", {"L": (50e-9, 40e-9)})
    assert "numeric knobs only" in _refusal("orthogonal", {"trim": (0.0, 1.0)})
    text = _refusal("orthogonal", {"L": (5e-9, 6e-9)})  # W (8 to 14 nm) never <= L: no design is a device
    assert "W <= L" in text and "W is at least 8e-09 m and L at most 6e-09 m" in text
    check_ranges(load_device("orthogonal"), {"W": (30e-9, 60e-9)})  # some W <= L (L up to 56 nm): left to the designs
    # neither W nor L ranged: W from the space's bounds, L the device's own (--only W): named as the search's
    tiny = load_device("orthogonal").replace(**{"geometry.W": 5e-9, "geometry.L": 6e-9})
    with pytest.raises(ParameterError, match="^range: got 'the W and L bounds of the search'; allowed: bounds that leave "
                                             "some design with W <= L"):
        check_ranges(tiny, {"Ms": (1e6, 1.2e6)}, space_for(tiny, ["W", "Ms"]))


def test_a_search_without_a_device_ends_in_one_line_and_a_device_is_chosen_over_a_non_device():
    nan = math.nan

    def rec(number: int, why: str, constraints: tuple[float, ...]) -> DesignRecord:
        return DesignRecord(number, {}, Evaluation((0.0, nan, 0.0, nan, nan), constraints, why))

    non_device = rec(0, NOT_A_DEVICE + "geometry.W: got 5e-08; allowed: W <= L", (1.0, 1.0))
    worse_device = rec(1, "breakdown", (5.0, 3.0))  # breaks its constraints more than the non-device
    assert choose([non_device, worse_device]) == (worse_device, False)
    with pytest.raises(ParameterError) as exc:
        choose([non_device])
    text = str(exc.value)
    assert text.startswith("search: got '1 designs'; allowed: at least one design that is a device") and "W <= L" in text


def _stop_at_the_onset_table(monkeypatch: pytest.MonkeyPatch) -> None:
    import mtjspice.montecarlo.robust as robust

    def stop(*args: object, **kw: object) -> None:
        raise AssertionError("the onset table was built before the check")

    monkeypatch.setattr(robust, "robust_table", stop)


def test_cli_refuses_a_bad_range_and_a_start_outside_the_bounds_before_any_work(tmp_path, capsys, monkeypatch):
    pytest.importorskip("optuna")
    from mtjspice.cli import main

    _stop_at_the_onset_table(monkeypatch)
    base = ["design", "--sigma", "L=1n", "--designs", "2", "--population", "2", "--samples", "10", "--workers", "1",
            "--quiet", "--out", str(tmp_path / "d")]
    assert main([*base, "cofeb_mgo", "--range", "Ki=0:1.3"]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("mtjspice design: error: --range: got 'Ki=0:1.3'; allowed: bounds of Ki") and "\n" not in err
    # b53s's drive_ratio (3.2) outside the bounds: refused before the onset table, naming the knob
    assert main([*base, "orthogonal", "--start", str(B53S), "--range", "drive_ratio=1.1:2"]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("mtjspice design: error: start design's drive_ratio: got 3.2165"), err
    assert "bounds 1.1 to 2 (widen them with --range)" in err
    assert sorted(p.name for p in tmp_path.iterdir()) == []  # no output, no study
