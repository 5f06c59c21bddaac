"""``mtjspice design`` end to end, small: the report's files, their columns described, best/ ready for
``mtjspice neuron --settings``, and a second run resuming the study without evaluating again."""

from __future__ import annotations

import csv

import pytest
from conftest import sibling_module

pytest.importorskip("optuna")

from mtjspice.cli import main
from mtjspice.io.settingsfile import read_settings
from mtjspice.params import load_device

ARGS = ["design", "orthogonal", "--sigma", "L=1n,W=1n,T=0.5n,Ms=3%,RA=5%", "--designs", "4", "--population", "4",
        "--samples", "20", "--seed", "2", "--workers", "1", "--quiet"]


def _rows(path):
    return list(csv.DictReader((path).read_text(encoding="utf-8").splitlines()))


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    base = tmp_path_factory.mktemp("design")
    out = base / "d"
    assert main([*ARGS, "--out", str(out)]) == 0
    return out


@pytest.mark.slow
def test_report_files(run):
    for name in ("designs.csv", "columns.csv", "report.md", "pareto.png", "chosen_vs_paper.png", "summary.json",
                 "sensitivity.csv", "best/device.toml"):
        assert (run / name).is_file(), name
    rows = _rows(run / "designs.csv")
    assert [int(r["design"]) for r in rows] == [0, 1, 2, 3]
    described = {(r["file"], r["column"]) for r in _rows(run / "columns.csv")}
    header = (run / "designs.csv").read_text(encoding="utf-8").splitlines()[0].split(",")
    assert all(("designs.csv", c) in described for c in header)
    for r in rows:
        y = float(r["yield"])
        assert 0.0 <= float(r["yield_lo"]) <= y <= float(r["yield_hi"]) <= 1.0  # the Wilson interval brackets it
        assert r["feasible"] in ("0", "1") and (r["feasible"] == "1") == (r["why"] == "")
    report = (run / "report.md").read_text(encoding="utf-8")
    assert "paper's device" in report and "Pareto" in report
    dev = load_device(run / "best" / "device.toml")  # a device file the package reads back
    best = int(__import__("json").loads((run / "summary.json").read_text())["best"])
    row = rows[best]
    assert dev.geometry.L == pytest.approx(float(row["L"]), rel=1e-9)
    assert dev.junction.RA == pytest.approx(float(row["RA"]), rel=1e-9)


@pytest.mark.slow
def test_settings_file_for_neuron(run):
    if not (run / "best" / "settings.toml").is_file():
        pytest.skip("the chosen design has no onset, so no settings")
    kw = read_settings(run / "best" / "settings.toml")
    assert {"u_th", "i_th", "i_read", "clock_period", "read_width", "t_refractory"} <= set(kw)
    from mtjspice.circuits.settings import NeuronSettings

    NeuronSettings(**kw)  # valid settings


@pytest.mark.slow
def test_resume_evaluates_nothing_again(run, tmp_path, capsys):
    out2 = run.parent / "d2"
    store = run.parent / "d.study"
    assert main([*ARGS, "--out", str(out2), "--store", str(store)]) == 0
    assert "(4 resumed)" in capsys.readouterr().out
    a = (run / "designs.csv").read_text()
    b = (out2 / "designs.csv").read_text()
    assert a == b


def test_settings_file_refuses_unknown_key(tmp_path):
    from mtjspice.errors import ParameterError

    p = tmp_path / "s.toml"
    p.write_text("[neuron]\nu_th = 0.3\nbogus = 1\n")
    with pytest.raises(ParameterError, match="bogus"):
        read_settings(p)
    p.write_text('[neuron]\ni_read = "0.1m"\n')
    assert read_settings(p) == {"i_read": pytest.approx(1e-4)}


@pytest.mark.slow
def test_folder_is_described_on_the_reference_page(run):
    ref = sibling_module("io/test_outputs_reference.py")
    check_folder, _empty_cells_are_described = ref.check_folder, ref._empty_cells_are_described

    rows = check_folder(run, "design")
    _empty_cells_are_described(run, rows)


@pytest.mark.slow
def test_start_from_a_known_design(tmp_path, capsys):
    """``--start`` with ``--only``: design 0 is the known design (b53) itself, and every design keeps
    its values of the knobs not searched, in its evaluation and in best/'s files."""
    from pathlib import Path

    b53 = Path(__file__).resolve().parents[1] / "data" / "design_b53"
    out = tmp_path / "d"
    assert main([*ARGS[:4], "--designs", "2", "--population", "2", "--samples", "20", "--seed", "11", "--workers",
                 "1", "--quiet", "--start", str(b53), "--only", "drive_ratio,clamp_ratio", "--out", str(out)]) == 0
    rows = _rows(out / "designs.csv")
    known = load_device(b53 / "device.toml")
    kw = read_settings(b53 / "settings.toml")
    assert float(rows[0]["drive_ratio"]) == pytest.approx(0.0004452861956 / kw["i_th"], rel=1e-9)
    assert float(rows[0]["i_th"]) == pytest.approx(kw["i_th"], rel=1e-3)  # b53's device, not orthogonal's
    dev = load_device(out / "best" / "device.toml")
    assert dev.geometry.L == pytest.approx(known.geometry.L, rel=1e-9)
    assert dev.field.Ku == pytest.approx(known.field.Ku, rel=1e-9)
    best = read_settings(out / "best" / "settings.toml")
    assert best["u_th"] == pytest.approx(kw["u_th"], rel=1e-9) and best["dac_bits"] == 8
    capsys.readouterr()
    assert main([*ARGS, "--start", str(tmp_path), "--out", str(tmp_path / "e")]) != 0  # not a design folder
    err = capsys.readouterr().err
    assert "--start" in err and "design.toml" in err and not (tmp_path / "e").exists()
