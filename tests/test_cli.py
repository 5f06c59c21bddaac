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
    script = Path(__file__).resolve().parent.parent / "bootstrap.sh"
    for mode in ("test", "demo"):
        assert f"./{script.name} {mode}" in hint
        assert f"{mode})" in script.read_text()  # a mode bootstrap.sh accepts


def test_console_script_help() -> None:
    res = subprocess.run([sys.executable, "-m", "mtjspice", "macrospin", "--help"], capture_output=True,
                         text=True, check=True)
    assert "--current AMPS" in res.stdout and "in A" in res.stdout
