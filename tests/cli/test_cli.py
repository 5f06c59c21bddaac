"""The command line: help texts, the macrospin command's files, bad input leaving nothing behind, and
library errors shown with the option's name."""

from __future__ import annotations

import argparse
import csv
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
from conftest import sibling_module

from mtjspice import ParameterError, SimulatorNotFoundError, cli
from mtjspice.cli import as_option_error, build_parser, main
from mtjspice.units import parse_si


def test_parse_si() -> None:
    assert parse_si("2m") == pytest.approx(2e-3)
    assert parse_si("5n") == pytest.approx(5e-9)
    assert parse_si("1meg") == pytest.approx(1e6)
    assert parse_si("-2.2mA") == pytest.approx(-2.2e-3)
    assert parse_si("3e-9") == 3e-9
    assert parse_si("10pS") == pytest.approx(10e-12)
    for bad in ("abc", "1x", "nan", "inf", "", "2m;.control"):
        with pytest.raises(ValueError, match="allowed"):
            parse_si(bad, "--current")


def test_help_lists_subcommands_and_units(capsys) -> None:
    with pytest.raises(SystemExit):
        main(["--help"])
    out = capsys.readouterr().out
    assert "macrospin" in out
    parser = build_parser()
    sub = next(a for a in parser._actions if a.dest == "command")
    for name, p in sub.choices.items():
        for action in p._actions:
            if action.option_strings and action.help and action.dest not in ("help",):
                if action.type is not None and action.dest not in ("seed",):
                    assert any(u in action.help for u in (" A", " V", " s", "Ohm", " m", "dimensionless", " K", "(")), (
                        f"{name} {action.option_strings}: help states no unit"
                    )


def test_macrospin_writes_csv_and_png(tmp_path: Path, ortho_path: Path) -> None:
    out = tmp_path / "run"
    rc = main(["macrospin", str(ortho_path), "--current", "-0.6m", "--t-on", "3n", "--t-stop", "5n",
               "--dt", "50p", "--out", str(out)])
    assert rc == 0
    with (out / "trajectory.csv").open() as fh:
        rows = list(csv.reader(fh))
    assert rows[0] == ["t", "mx", "my", "mz", "R"]
    data = np.array(rows[1:], dtype=float)
    assert data.shape == (101, 5)
    assert np.allclose(data[:, 0], np.arange(101) * 50e-12)
    assert np.allclose(np.linalg.norm(data[:, 1:4], axis=1), 1, atol=1e-8)
    assert data[55, 2] < -0.2  # negative current: m_y goes negative
    assert np.all(data[:, 4] > 1000) and np.all(data[:, 4] < 2000)  # between R_P and R_AP (Ohm)
    assert (out / "trajectory.png").stat().st_size > 10_000
    assert not list(tmp_path.glob(".*partial"))


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["--t-on", "20n", "--t-stop", "10n"], "--t-on"),
        (["--t-stop", "-1n"], "--t-stop"),
        (["--current", "2q"], "--current"),
        (["--dt", "0"], "--dt"),
    ],
)
def test_bad_input_writes_nothing(tmp_path: Path, ortho_path: Path, capsys, args, needle) -> None:
    out = tmp_path / "run"
    try:
        rc = main(["macrospin", str(ortho_path), "--out", str(out), *args])
    except SystemExit as exc:
        rc = exc.code
    assert rc == 2
    assert needle in capsys.readouterr().err
    assert not out.exists()
    assert not list(tmp_path.iterdir())


def test_bad_model_file_writes_nothing(tmp_path: Path) -> None:
    model = tmp_path / "m.toml"
    model.write_text("[geometry]\nW = 10e-9\nL = 45e-9\nT = 0\n[material]\nMs=1e6\nalpha=0.01\n"
                     "[junction]\nRA=4e-13\nTMR=0.5\npinned='orthogonal'\n")
    out = tmp_path / "run"
    assert main(["macrospin", str(model), "--out", str(out)]) == 2
    assert not out.exists()


def test_library_errors_name_the_option() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--t-stop")
    parser.add_argument("--out")
    exc = ParameterError("t_stop", 1e-9, "a time >= 2e-09 (s)")
    shown = as_option_error(exc, parser)
    assert isinstance(shown, ParameterError)
    assert str(shown) == "--t-stop: got 1e-09; allowed: a time >= 2e-09 (s)"
    assert (shown.value, shown.allowed) == (exc.value, exc.allowed)
    assert str(as_option_error(ParameterError("out", "x", "a folder"), parser)).startswith("--out: got 'x'")
    for unchanged in (ParameterError("dt_out", 1.0, "a time"), ParameterError("geometry.W", 1.0, "W <= L"),
                      ParameterError("--t-on", 1.0, "a time <= --t-stop")):
        assert as_option_error(unchanged, parser) is unchanged


def _raises(name: str) -> Callable[[argparse.Namespace], int]:
    """A subcommand whose library call rejects the parameter ``name``."""

    def run(args: argparse.Namespace) -> int:
        raise ParameterError(name, 3.0, "what the library allows")

    return run


def test_main_shows_a_library_error_with_the_subcommands_option(monkeypatch, capsys) -> None:
    def fake_parser() -> argparse.ArgumentParser:
        parser = argparse.ArgumentParser(prog="mtjspice")
        sub = parser.add_subparsers(dest="command", required=True)
        for name, raised in (("run", "t_stop"), ("other", "t_stop"), ("io", "out")):
            p = sub.add_parser(name)
            if name != "other":
                p.add_argument("--t-stop")
            p.set_defaults(run=_raises(raised))
        return parser

    monkeypatch.setattr(cli, "build_parser", fake_parser)
    assert cli.main(["run"]) == 2
    assert capsys.readouterr().err == "mtjspice run: error: --t-stop: got 3.0; allowed: what the library allows\n"
    assert cli.main(["other"]) == 2  # no --t-stop on this subcommand: the library's name stays
    assert capsys.readouterr().err == "mtjspice other: error: t_stop: got 3.0; allowed: what the library allows\n"
    assert cli.main(["io"]) == 2
    assert capsys.readouterr().err == "mtjspice io: error: out: got 3.0; allowed: what the library allows\n"


def test_library_error_through_a_subcommand_shows_the_option(tmp_path: Path, ortho_path: Path, capsys) -> None:
    # --rtol passes the command line's check (> 0); the solver rejects it as "rtol".
    out = tmp_path / "run"
    assert main(["macrospin", str(ortho_path), "--rtol", "2", "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert "error: --rtol: got 2.0; allowed: " in err
    assert not list(tmp_path.iterdir())
    # OutputDir rejects a file as its "out"; the command line names --out.
    taken = tmp_path / "taken"
    taken.write_text("not a folder")
    assert main(["macrospin", str(ortho_path), "--t-on", "1n", "--t-stop", "1n", "--dt", "0.1n",
                 "--out", str(taken)]) == 2
    assert f"error: --out: got {str(taken)!r}; allowed: " in capsys.readouterr().err
    assert taken.read_text() == "not a folder"


def test_install_hint_names_the_projects_set_up_command() -> None:
    hint = str(SimulatorNotFoundError("ngspice"))
    assert hint.startswith("ngspice not found; ") and "apt-get install -y ngspice" in hint
    script = Path(__file__).resolve().parents[2] / "bootstrap.sh"
    for mode in ("test", "demo"):
        assert f"./{script.name} {mode}" in hint
        assert f"{mode})" in script.read_text()  # a mode bootstrap.sh accepts


def test_console_script_help() -> None:
    res = subprocess.run([sys.executable, "-m", "mtjspice", "macrospin", "--help"], capture_output=True,
                         text=True, check=True)
    assert "--current AMPS" in res.stdout and "in A" in res.stdout


# --- issue 24: numbers, counts, option errors, drives, estimates, the thermal F-I sweep ---------


def test_a_unit_letter_that_spice_reads_as_a_scale_is_refused_for_that_unit() -> None:
    from mtjspice.units import parse_si

    assert parse_si("300K") == 300e3  # SPICE's reading, where no unit is asked for
    with pytest.raises(ParameterError, match=r"kelvin without a suffix \(300\): SPICE reads 'K' as kilo"):
        parse_si("300K", "--temperature", "K")
    with pytest.raises(ParameterError, match="farads without a suffix"):
        parse_si("1F", "c", "F")
    with pytest.raises(ParameterError, match="metres without a suffix"):
        parse_si("2m", "L", "m")
    assert parse_si("2nm", "L", "m") == pytest.approx(2e-9)
    assert parse_si("300", "--temperature", "K") == 300.0 and parse_si("3e2", "T", "K") == 300.0
    assert parse_si("5nA", "i", "A") == pytest.approx(5e-9) and parse_si("1kOhms", "r", "ohm") == 1e3
    with pytest.raises(ParameterError, match="a finite number of seconds"):
        parse_si("100nA", "--t-stop", "s")
    with pytest.raises(ParameterError, match=r"SPICE reads 'M' as milli \(x0\.001\), not mega; write 1m .* or 1meg"):
        parse_si("1M", "--r-ref", "ohm")  # a megohm to most readers, a milliohm to SPICE
    assert parse_si("1MEG", "r", "ohm") == 1e6 and parse_si("1Meg") == 1e6 and parse_si("1mOhm") == 1e-3


def test_counts_take_suffixes_and_exponents_and_must_be_whole() -> None:
    from mtjspice.units import parse_count

    assert parse_count("20k", "n") == 20_000 and parse_count("1e3", "n") == 1000 and parse_count("2_000", "n") == 2000
    assert parse_count("1.5k", "n") == 1500 and parse_count("1meg", "n") == 10**6
    assert parse_count(str(2**63 - 1), "seed", 0, 2**63 - 1) == 2**63 - 1  # every digit kept
    with pytest.raises(ParameterError, match=r"^--samples: got '2\.5'; allowed: a whole number >= 1"):
        parse_count("2.5", "--samples", 1)
    with pytest.raises(ParameterError, match=r"1\.2345k is 1234\.5, not whole"):
        parse_count("1.2345k", "--samples", 1)
    for bad in ("1e999999", "1mil", "5A", "-1", "abc", "", "nan"):
        with pytest.raises(ParameterError, match="--samples"):
            parse_count(bad, "--samples", 1)
    args = build_parser().parse_args(["montecarlo", "orthogonal", "--samples", "20k", "--chunk", "1e3", "--out", "x"])
    assert args.samples == 20_000 and args.chunk == 1000


@pytest.mark.parametrize(("argv", "expected"), [
    (["neuron", "orthogonal", "--reset", "hard"], "mtjspice neuron: error: --reset: got 'hard'; allowed: 'leak' or "
     "'active'"),
    (["array", "orthogonal", "--comparator", "x"], "mtjspice array: error: --comparator: got 'x'; allowed: "
     "'behavioral' or 'cmos'"),
    (["neuron", "orthogonal", "--t-stop"], "mtjspice neuron: error: --t-stop: expected one argument"),
    (["neuron", "orthogonal", "--temperature", "300K"], "mtjspice neuron: error: --temperature: got '300K'; allowed: "
     "kelvin without a suffix (300)"),
])
def test_an_option_error_is_one_line_naming_the_option_once(argv: list[str], expected: str, capsys) -> None:
    with pytest.raises(SystemExit) as exc:
        main([*argv, "--out", "never"])
    err = capsys.readouterr().err
    assert exc.value.code == 2
    assert len(err.strip().splitlines()) == 1 and err.startswith(expected), err
    option = argv[2]
    assert err.count(option) == 1, err
    assert "usage:" not in err


def test_a_drive_far_past_breakdown_is_refused_before_the_run(tmp_path: Path, capsys) -> None:
    from mtjspice.circuits.breakdown import REFUSE_FACTOR, check_drive, refuse_current
    from mtjspice.params import load_device

    dev = load_device("orthogonal")
    assert refuse_current(dev) == pytest.approx(REFUSE_FACTOR * dev.junction.breakdown_voltage / dev.R_P)
    check_drive(dev, 0.99 * refuse_current(dev), "i", 0)  # below: runs
    with pytest.raises(ParameterError, match=r"^i: got 0\.6; allowed: a drive that keeps the junction below 10 x"):
        check_drive(dev, 0.6, "i", 0.6)
    check_drive(dev, 0.6, "i", 0.6, allow_breakdown=True)
    # macrospin: the current, and the divider's voltage; both before any run
    rc = main(["macrospin", "orthogonal", "--current", "0.6", "--out", str(tmp_path / "m")])
    err = capsys.readouterr().err.strip()
    assert rc == 2 and err.startswith("mtjspice macrospin: error: --current: got 0.6; allowed: a drive that keeps")
    assert "679 to 1.07e+03 V" in err and "--allow-breakdown" in err and len(err.splitlines()) == 1
    rc = main(["macrospin", "orthogonal", "--engine", "ngspice", "--drive", "divider", "--vdd", "50", "--rref", "1k",
               "--out", str(tmp_path / "d")])
    err = capsys.readouterr().err.strip()
    assert rc == 2 and "--vdd: got 50.0" in err and "R_P" in err
    assert not (tmp_path / "m").exists() and not (tmp_path / "d").exists()
    # the neuron's input, its F-I currents
    rc = main(["neuron", "orthogonal", "--i-th", "0.38m", "--input", "dc:0.6", "--t-stop", "5n",
               "--out", str(tmp_path / "n")])
    err = capsys.readouterr().err.strip()
    assert rc == 2 and err.startswith("mtjspice neuron: error: --input: got 'dc:0.6'; allowed: a drive") and \
        "junction voltage reached" not in err
    rc = main(["neuron", "orthogonal", "--i-th", "0.38m", "--input", "dc:0.6m", "--t-stop", "2n", "--fi", "--currents",
               "0.6m,-60m",
               "--out", str(tmp_path / "f")])
    err = capsys.readouterr().err.strip()
    assert rc == 2 and "--currents: got" in err and not (tmp_path / "f").exists()


def test_the_python_macrospin_runs_a_big_drive_when_allowed(tmp_path: Path, capsys) -> None:
    rc = main(["macrospin", "orthogonal", "--current", "20m", "--t-on", "0.2n", "--t-stop", "0.5n",
               "--allow-breakdown", "--out", str(tmp_path / "m")])
    err = capsys.readouterr().err
    assert rc == 0 and "junction voltage reached" in err and (tmp_path / "m" / "trajectory.csv").exists()


def test_an_array_drive_far_past_breakdown_is_refused_by_its_weights(tmp_path: Path, capsys) -> None:
    from mtjspice.circuits.breakdown import array_peak_current

    w = np.array([[1e-3, -1e-3], [1e-3, 1e-3]])  # S
    ev = np.array([[1e-9, 0, 1], [1e-9, 1, 1], [5e-9, 1, -1]])
    peak = array_peak_current(w, ev, 0.2, 2e-9, limit=0.0)
    # both inputs on at 1 ns: neuron 0 gets 0.2 (1m + 1m), neuron 1 0.2 (-1m + 1m) = 0; then input 1 alone, -0.2 V
    np.testing.assert_allclose(peak, [4e-4, 2e-4], rtol=1e-12)
    np.testing.assert_allclose(array_peak_current(w, ev, 0.2, 2e-9, limit=1.0), [4e-4, 4e-4])  # the bound
    (tmp_path / "w.csv").write_text("1,-1\n1,1\n", encoding="utf-8")  # siemens, the unit forgotten
    (tmp_path / "s.csv").write_text("t,input,sign\n1n,0,1\n", encoding="utf-8")
    rc = main(["array", "orthogonal", "--i-th", "0.38m", "--inputs", "2", "--neurons", "2", "--weights",
               str(tmp_path / "w.csv"), "--spikes", str(tmp_path / "s.csv"), "--t-stop", "5n", "--quiet",
               "--out", str(tmp_path / "a")])
    err = capsys.readouterr().err.strip()
    assert rc == 2 and err.startswith("mtjspice array: error: --weights: got") and "peak |I| = 0.2 A" in err
    assert not (tmp_path / "a").exists()


def test_a_big_array_says_its_estimate_before_reading_its_files(tmp_path: Path, capsys, monkeypatch) -> None:
    monkeypatch.setenv("MTJSPICE_MEMORY_LIMIT", "64e9")
    rc = main(["array", "orthogonal", "--i-th", "0.38m", "--inputs", "300", "--neurons", "300",
               "--weights", str(tmp_path / "no.csv"),
               "--spikes", str(tmp_path / "no_s.csv"), "--t-stop", "20n", "--quiet", "--out", str(tmp_path / "a")])
    lines = capsys.readouterr().err.strip().splitlines()
    assert rc == 2 and "no.csv" in lines[-1]  # the files come after the estimate
    assert lines[0].startswith("mtjspice array: estimate: a 300 x 300 array over 2e-08 s") and "of wall time" in \
        lines[0] and "iB of memory" in lines[0]
    monkeypatch.setenv("MTJSPICE_MEMORY_LIMIT", "4e9")
    rc = main(["array", "orthogonal", "--i-th", "0.38m", "--inputs", "2000", "--neurons", "2000",
               "--weights", str(tmp_path / "no.csv"),
               "--spikes", str(tmp_path / "no_s.csv"), "--t-stop", "20n", "--quiet", "--out", str(tmp_path / "a")])
    err = capsys.readouterr().err.strip()
    assert rc == 2 and len(err.splitlines()) == 1 and "a 2000 x 2000 array" in err and "may be used" in err
    assert "no.csv" not in err


def test_a_big_power_sweep_says_its_estimate_first(tmp_path: Path, capsys, monkeypatch) -> None:
    import mtjspice.circuits.power as power

    def stop(*a: object, **k: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(power, "run_array", stop)
    rc = main(["power", "orthogonal", "--sizes", "1,64", "--max-sim", "64", "--quiet", "--out", str(tmp_path / "p")])
    lines = capsys.readouterr().err.strip().splitlines()
    assert rc == 130 and lines[0].startswith("mtjspice power: estimate: simulated sizes 1, 64") and \
        "of wall time" in lines[0]


@pytest.mark.ngspice
@pytest.mark.slow
def test_thermal_fi_takes_currents_and_t_stop_and_keeps_finished_trials(tmp_path: Path, capsys, monkeypatch) -> None:
    """The F-I runs last --t-stop at the --currents given, a bar counts trials, and a sweep stopped by
    a time limit after two trials writes those two, names what is missing and exits with status 1.
    (One trial per current: the F-I runs are then the only ones without waveforms kept.)"""
    import threading

    import mtjspice.circuits.neuron as neuron
    from mtjspice.errors import RunTimeoutError

    real = neuron.run_neuron
    fi_calls: list[float] = []
    lock = threading.Lock()

    def limited(device, wave, t_stop, *a, **kw):  # type: ignore[no-untyped-def]
        if kw.get("keep_wave", True):
            return real(device, wave, t_stop, *a, **kw)
        with lock:
            fi_calls.append(t_stop)
            k = len(fi_calls)
        if k > 2:
            raise RunTimeoutError("stopped after --timeout 9 s; nothing was written")
        return real(device, wave, t_stop, *a, **kw)

    monkeypatch.setattr(neuron, "run_neuron", limited)
    out = tmp_path / "fi"
    rc = main(["neuron", "orthogonal", "--i-th", "0.38m", "--input", "dc:0.6m", "--t-stop", "4n", "--temperature", "300",
               "--fi",
               "--currents", "0.6m,-0.6m,0.7m", "--out", str(out)])
    err = capsys.readouterr().err
    assert rc == 1, err
    assert fi_calls and set(fi_calls) == {4e-9}  # --t-stop reaches the F-I runs
    assert "F-I trials" in err and "/3" in err  # a bar over the 3 x 1 trials
    last = err.strip().splitlines()[-1]
    assert last.startswith("mtjspice neuron: error: the F-I sweep stopped early (stopped after --timeout 9 s)")
    assert "the 2 of 3 trials that finished" in last and "missing: " in last and " A (1 of 1)" in last
    with open(out / "fi_trials.csv", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) == 2 and {float(r["current"]) for r in rows} < {6e-4, -6e-4, 7e-4}
    with open(out / "fi_curve.csv", encoding="utf-8") as fh:
        curve = list(csv.DictReader(fh))
    assert sum(int(r["trials"]) for r in curve) == 2
    assert (out / "spikes.csv").exists()  # the main run is written too
    assert "The F-I sweep stopped early" in (out / "report.txt").read_text(encoding="utf-8")
    check_folder = sibling_module("io/test_outputs_reference.py").check_folder  # every column, on the page too

    assert {r[0] for r in check_folder(out, "neuron")} >= {"fi_curve.csv", "fi_trials.csv"}


def test_montecarlo_checks_its_variation_spec_before_the_onset_scan(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                                     capsys: pytest.CaptureFixture[str]) -> None:
    """A bad --sigma is said at once, before the nominal circuit's onset scan (seconds of solver)."""
    from mtjspice.characterize import character
    from mtjspice.cli import main

    def no_scan(*a: object, **k: object) -> None:
        raise AssertionError("the onset scan ran before --sigma was checked")

    monkeypatch.setattr(character, "characterize", no_scan)
    code = main(["montecarlo", "orthogonal", "--sigma", "L=1x", "--out", str(tmp_path / "mc")])
    err = capsys.readouterr().err
    assert code == 2 and "variation.L: got '1x'" in err and len(err.strip().splitlines()) == 1, err
    assert not (tmp_path / "mc").exists()
