"""``--range`` bounds and ``--start`` values are checked before any design is evaluated
(:func:`mtjspice.design.space.check_ranges`, :func:`~mtjspice.design.space.check_start`, the CLI's
order), against the limits the device file itself is held to, the neuron settings' own limits and the
ratio knobs' :data:`~mtjspice.design.space.RATIO_LIMITS`; and a search in which no design is a device
ends in one line naming ``--range``, not in the report."""

from __future__ import annotations

import math
import shutil
from pathlib import Path

import pytest

from mtjspice.circuits.settings import LONGEST_TIME, NeuronSettings
from mtjspice.design.engine import NOT_A_DEVICE, DesignRecord, Evaluation
from mtjspice.design.report import choose
from mtjspice.design.space import RATIO_LIMITS, check_ranges, check_start, space_for
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
    assert ("SI units" in text) == (key not in ("junction.TMR",)), text  # no suffix hint for a plain ratio


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
    assert text.startswith("range: got 'the searched bounds'; allowed: bounds with at least one design that is a "
                           "device; none of the 1 designs evaluated is (design 0: ") and "W <= L" in text


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
    # b53s's drive_ratio (3.2) outside the bounds: refused before the onset table, naming --start and the knob
    assert main([*base, "orthogonal", "--start", str(B53S), "--range", "drive_ratio=1.1:2"]) == 2
    err = capsys.readouterr().err.strip()
    assert err == ("mtjspice design: error: --start: got 'drive_ratio=3.21655'; allowed: drive_ratio within the "
                   "searched bounds 1.1 to 2 (widen them with --range)"), err
    assert sorted(p.name for p in tmp_path.iterdir()) == []  # no output, no study


# ---------------------------------------------------------------- circuit knobs


def _settings_allowed(**kw: float) -> str:
    """What NeuronSettings itself says is allowed (the one source of the settings knobs' limits)."""
    with pytest.raises(ParameterError) as exc:
        NeuronSettings(**kw)
    return exc.value.allowed


@pytest.mark.parametrize("ranges,head,bad,allowed", [
    # unit slips: s for ns, V for mV, a percentage for a ratio
    ({"clock_period": (1.0, 2.0)}, "clock_period (s)", "1", _settings_allowed(clock_period=1.0)),
    ({"t_refractory": (0.5e-9, 3.0)}, "t_refractory (s)", "3", "a time > 0 and at most 1e-06 s (1 us)"),
    ({"v_mid": (400.0, 800.0)}, "v_mid (V)", "400", _settings_allowed(v_mid=400.0)),
    ({"v_mid": (0.4, 1.2)}, "v_mid (V)", "1.2", "below vdd = 1 V"),
    ({"read_ratio": (5.0, 50.0)}, "read_ratio (dimensionless)", "5", RATIO_LIMITS["read_ratio"][3]),
    ({"read_ratio": (0.1, 1.0)}, "read_ratio (dimensionless)", "1", "0 < read_ratio < 1"),
    ({"drive_ratio": (110.0, 500.0)}, "drive_ratio (dimensionless)", "110", RATIO_LIMITS["drive_ratio"][3]),
    ({"clamp_ratio": (1.2, 120.0)}, "clamp_ratio (dimensionless)", "120", RATIO_LIMITS["clamp_ratio"][3]),
    ({"drive_ratio": (-1.0, 2.0)}, "drive_ratio (dimensionless)", "-1", "0 < drive_ratio <= 100"),
    ({"u_th": (0.1, 1.5)}, "u_th (dimensionless)", "1.5", _settings_allowed(u_th=1.5)),
    # the read window against the fixed settle and edges, and against the longest clock of the search
    ({"read_width": (0.05e-9, 0.2e-9)}, "read_width (s)", "5e-11", "longer than settle + two edges = 9e-11 s"),
    ({"read_width": (0.1e-9, 2e-9)}, "read_width (s)", "2e-09",
     "shorter than the longest clock period of the design, 2e-09 s, less two edges of 1e-11 s"),
    ({"clock_period": (0.1e-9, 1e-9)}, "clock_period (s)", "1e-10", "read window plus two edges = 1.4e-10 s"),
])
def test_a_circuit_knobs_bound_outside_what_a_design_may_have_is_refused(ranges, head, bad, allowed):
    text = _refusal("orthogonal", ranges)
    item = ",".join(f"{n}={lo:g}:{hi:g}" for n, (lo, hi) in ranges.items())
    assert text.startswith(f"range: got '{item}'; allowed: bounds of {head} that a design may have ("), text
    assert allowed in text and f"; {bad} is not" in text, text


def test_circuit_bounds_a_design_may_have_are_searched():
    dev = load_device("orthogonal")
    ok = {"clock_period": (0.2e-9, 1e-6), "read_width": (0.1e-9, 0.15e-9), "t_refractory": (0.1e-9, LONGEST_TIME),
          "v_mid": (0.1, 0.99), "read_ratio": (0.01, 0.99), "drive_ratio": (1.0, 100.0), "clamp_ratio": (0.5, 100.0),
          "u_th": (0.05, 0.95)}
    space = space_for(dev, None, ok)
    assert {n: (space.knob(n).low, space.knob(n).high) for n in ok} == ok
    # the clock's low end is judged with the search's shortest read window, not the default 0.2 ns
    assert space_for(dev, None, {"clock_period": (0.2e-9, 1e-9), "read_width": (0.1e-9, 0.15e-9)})
    assert "1e-10 is not" in _refusal("orthogonal", {"clock_period": (0.1e-9, 1e-9), "read_width": (0.1e-9, 0.15e-9)})
    # a clock too short for the read window is the clock's (or the window's) refusal, not that of a knob
    # checked before them with the two as its context (v_mid here)
    text = _refusal("orthogonal", {"v_mid": (0.5, 0.7), "clock_period": (0.3e-9, 0.4e-9), "read_width": (0.5e-9, 0.6e-9)})
    assert text.startswith("range: got 'clock_period=3e-10:4e-10'; allowed: bounds of clock_period (s)") and (
        "read window plus two edges = 5.2e-10 s (read_width = 5e-10 s)); 3e-10 is not" in text), text
    text = _refusal("orthogonal", {"v_mid": (0.5, 0.7), "read_width": (0.5e-9, 0.6e-9), "clock_period": (0.3e-9, 2e-9)})
    assert text.startswith("range: got 'clock_period=3e-10:2e-09'; allowed: bounds of clock_period (s)"), text


def test_check_start_refuses_a_known_designs_ratio_no_design_may_have():
    dev = load_device("orthogonal")
    check_start(dev, {"drive_ratio": 3.2, "read_ratio": 0.42, "clock_period": 1e-9, "read_width": 0.17e-9, "trim": "dac"})
    with pytest.raises(ParameterError) as exc:
        check_start(dev, {"drive_ratio": 3216.0}, "b53s: ")  # the design's drive written in A, its onset in mA
    assert str(exc.value).startswith("start: got 'b53s: drive_ratio=3216'; allowed: a design whose drive_ratio "
                                     "(dimensionless) is one a design may have (0 < drive_ratio <= 100"), exc.value
    with pytest.raises(ParameterError, match="^start: got 'read_ratio=1.5'; allowed: .*0 < read_ratio < 1"):
        check_start(dev, {"read_ratio": 1.5})


def _stop_before_any_design(monkeypatch: pytest.MonkeyPatch) -> None:
    import mtjspice.design.neuron as neuron

    def stop(*args: object, **kw: object) -> None:
        raise AssertionError("a design was evaluated before the check")

    _stop_at_the_onset_table(monkeypatch)
    monkeypatch.setattr(neuron, "evaluate_design", stop)


@pytest.mark.parametrize("rng,expect", [
    ("clock_period=1:2", "--range: got 'clock_period=1:2'; allowed: bounds of clock_period (s) that a design may have "
                         "(a time > 0 and at most 1e-06 s (1 us)"),
    ("v_mid=400:800", "--range: got 'v_mid=400:800'; allowed: bounds of v_mid (V) that a design may have (a read-out "
                      "level > 0 and below vdd = 1 V"),
    ("Ku=0:1e9", "--range: got 'Ku=0:1e9'; allowed: bounds of Ku (field.Ku, J/m^3) that a device file may hold "
                 "(-2e7 to 2e7 J/m^3"),
    ("read_ratio=5:50", "--range: got 'read_ratio=5:50'; allowed: bounds of read_ratio (dimensionless) that a design "
                        "may have (0 < read_ratio < 1"),
])
def test_cli_refuses_a_circuit_or_device_bound_before_any_design(rng, expect, tmp_path, capsys, monkeypatch):
    pytest.importorskip("optuna")
    from mtjspice.cli import main

    _stop_before_any_design(monkeypatch)
    out = tmp_path / "d"
    assert main(["design", "orthogonal", "--sigma", "L=1n", "--designs", "2", "--population", "2", "--samples", "10",
                 "--workers", "1", "--quiet", "--range", rng, "--out", str(out)]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("mtjspice design: error: " + expect.replace("'Ku=0:1e9'", "'Ku=0:1e+09'")), err
    assert "\n" not in err and sorted(p.name for p in tmp_path.iterdir()) == []  # nothing written, no study


def _b53s_copy(tmp_path: Path, name: str, file: str, old: str, new: str) -> Path:
    d = tmp_path / name
    shutil.copytree(B53S, d)
    text = (d / file).read_text(encoding="utf-8")
    assert old in text
    (d / file).write_text(text.replace(old, new), encoding="utf-8")
    return d


def test_cli_refuses_a_start_design_no_design_may_have_naming_start(tmp_path, capsys, monkeypatch):
    pytest.importorskip("optuna")
    from mtjspice.cli import main

    _stop_before_any_design(monkeypatch)
    base = ["design", "orthogonal", "--sigma", "L=1n", "--designs", "2", "--population", "2", "--samples", "10",
            "--workers", "1", "--quiet", "--only", "L", "--out", str(tmp_path / "out" / "d")]
    (tmp_path / "out").mkdir()
    # a clock in s in its settings (1.5 meant 1.5n): the settings' own limit, the file and the key named
    slow = _b53s_copy(tmp_path, "slow", "settings.toml", "clock_period = 9.813702816555742e-10", "clock_period = 1.5")
    assert main([*base, "--start", str(slow)]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith(f"mtjspice design: error: --start: got '{slow / 'settings.toml'}: clock_period = 1.5'; "
                          "allowed: a time > 0 and at most 1e-06 s (1 us)"), err
    # its test input in A (0.539 for 0.539 mA): a drive_ratio of 3216 (0.539 / 0.1676 mA), beyond any design; --only leaves it
    # out of the search, so it would have been every design's fixed test input
    amps = _b53s_copy(tmp_path, "amps", "design.toml", "drive = 0.0005391044938052962", "drive = 0.539")
    assert main([*base, "--start", str(amps)]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith(f"mtjspice design: error: --start: got '{amps}: drive_ratio=3215.92'"), err
    assert "allowed: a design whose drive_ratio (dimensionless) is one a design may have (0 < drive_ratio <= 100" in err
    assert "\n" not in err and sorted(p.name for p in (tmp_path / "out").iterdir()) == []


@pytest.mark.parametrize("given", [True, False])
def test_cli_names_the_range_when_no_design_of_the_search_is_a_device(given, tmp_path, capsys, monkeypatch):
    """The search ran, none of its designs is a device: one line naming the --range given (or, with
    none given, the search's default bounds and --range to move them), and no report."""
    pytest.importorskip("optuna")
    import mtjspice.design.engine as engine
    import mtjspice.design.neuron as neuron
    import mtjspice.montecarlo.robust as robust
    from mtjspice.cli import main
    from mtjspice.design.engine import SearchResult

    class Table:
        def onset(self, batch: object) -> list[list[float]]:
            return [[3.8e-4]]

    nan = math.nan
    bad = Evaluation((0.0, nan, 0.0, nan, nan), (1.0,) * 4, NOT_A_DEVICE + "geometry.W: got 5e-08; allowed: W <= L")
    monkeypatch.setattr(robust, "robust_table", lambda *a, **k: Table())
    monkeypatch.setattr(neuron, "evaluate_design", lambda *a, **k: bad)
    monkeypatch.setattr(engine, "search", lambda *a, **k: SearchResult([DesignRecord(0, {}, bad), DesignRecord(1, {}, bad)],
                                                                      2, neuron.OBJECTIVES))
    out = tmp_path / "d"
    assert main(["design", "orthogonal", "--sigma", "L=1n", "--designs", "2", "--population", "2", "--samples", "10",
                 "--workers", "1", "--quiet", *(["--range", "W=30n:40n"] if given else []), "--out", str(out)]) == 2
    err = capsys.readouterr().err.strip()
    head = "--range: got 'W=30n:40n'" if given else "design search: got 'the default bounds'"
    assert err.startswith(f"mtjspice design: error: {head}; allowed: bounds with at least one design "
                          "that is a device; none of the 2 designs evaluated is (design 0: "), err
    assert given or err.endswith("; move them with --range"), err
    assert "\n" not in err and not out.exists()
    assert not [p.name for p in tmp_path.iterdir() if p.name.endswith((".partial", ".old"))]


def test_a_start_ratio_on_its_bound_after_a_round_trip_is_the_bound():
    """A ratio recomputed from a design's files (drive / i_th) can land a rounding error past the
    bound it was found on: it starts on the bound; 1 % past it is still refused."""
    from mtjspice.design.engine import start_point

    sp = space_for(load_device("orthogonal"), ["drive_ratio"])
    k = sp.knob("drive_ratio")
    assert start_point(sp, {"drive_ratio": k.high * (1 + 1e-12)}) == {"drive_ratio": k.high}
    assert start_point(sp, {"drive_ratio": k.low * (1 - 1e-12)}) == {"drive_ratio": k.low}
    with pytest.raises(ParameterError, match=r"^start: got 'drive_ratio=5.05'; allowed: drive_ratio within"):
        start_point(sp, {"drive_ratio": k.high * 1.01})


def test_a_range_only_leaves_out_is_no_context_for_another_knobs_check():
    """--only read_width leaves the clock at its default (1 ns), so a clock range given beside it
    (discarded) must not make read windows up to 1.5 ns look possible."""
    ranges = {"read_width": (0.1e-9, 1.5e-9), "clock_period": (1e-9, 2e-9)}
    with pytest.raises(ParameterError, match=r"^range: got 'read_width=1e-10:1.5e-09'; allowed: .*longest clock period"):
        space_for(load_device("orthogonal"), ["read_width"], ranges)
    assert space_for(load_device("orthogonal"), ["read_width", "clock_period"], ranges).knob("read_width").high == 1.5e-9
