"""The command line: help texts, the macrospin command's files, and bad input leaving nothing behind."""

from __future__ import annotations

import csv
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from mtjspice.cli import build_parser, main
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


def test_import_is_light() -> None:
    code = "import sys, mtjspice; print(sorted(m for m in ('PySpice', 'matplotlib') if m in sys.modules))"
    res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert res.stdout.strip() == "[]"


def test_console_script_help() -> None:
    res = subprocess.run([sys.executable, "-m", "mtjspice", "macrospin", "--help"], capture_output=True,
                         text=True, check=True)
    assert "--current AMPS" in res.stdout and "in A" in res.stdout
