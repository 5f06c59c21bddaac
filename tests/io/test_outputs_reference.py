"""Every output folder explains itself: each command, run small, describes every column of every CSV
file it writes in columns.csv, and docs/reference/outputs.md lists each of those columns with its unit
(so the page cannot drift from what the commands write)."""

from __future__ import annotations

import csv
import re
from pathlib import Path

import numpy as np
import pytest

from mtjspice.cli import main
from mtjspice.io.outputs import COLUMNS_FILE

ROOT = Path(__file__).resolve().parents[2]
PAGE = ROOT / "docs" / "reference" / "outputs.md"


def _rows(path: Path) -> list[list[str]]:
    with open(path, newline="", encoding="utf-8") as fh:
        return list(csv.reader(fh))


def _generic(file: str, column: str) -> tuple[str, str]:
    """A file and column as the reference page names them (a model or a design name as a placeholder)."""
    if file.startswith("confusion_"):
        file = "confusion_<model>.csv"
    if file == "compare.csv" and column.startswith("u_") and column != "u_lif":
        column = "u_<design>"
    return file, column


def _sections(text: str) -> dict[str, str]:
    """The page's text under each heading naming one file: ``### `name` `` (or several, comma-separated)."""
    out: dict[str, str] = {}
    parts = re.split(r"^#{2,4} (.*)$", text, flags=re.M)
    for head, body in zip(parts[1::2], parts[2::2], strict=True):
        for name in re.findall(r"`([^`]+)`", head):
            out[name] = out.get(name, "") + body
    return out


def check_folder(out: Path, command: str) -> list[list[str]]:
    """Every CSV file of ``out`` is described in its columns.csv, column by column with a unit and a
    description, and the reference page lists each column with the same unit under the file's heading."""
    described = _rows(out / COLUMNS_FILE)
    assert described[0] == ["file", "column", "unit", "description"]
    rows = described[1:]
    by_file: dict[str, list[str]] = {}
    for file, column, _unit, description in rows:
        assert description.strip(), (file, column)
        by_file.setdefault(file, []).append(column)
    csvs = sorted(p.name for p in out.glob("*.csv") if p.name != COLUMNS_FILE)
    assert csvs, f"{command} wrote no CSV file"
    for name in csvs:
        assert name in by_file, f"{name} of {command} is not described in {COLUMNS_FILE}"
        first = (out / name).read_text(encoding="utf-8").splitlines()[0]
        if not first.startswith("#"):  # a matrix file (weights) has a comment, not a header
            assert next(csv.reader([first])) == by_file[name], name
    sections = _sections(PAGE.read_text(encoding="utf-8"))
    assert command in PAGE.read_text(encoding="utf-8")
    for file, column, unit, _ in rows:
        gfile, gcol = _generic(file, column)
        assert gfile in sections, f"docs/reference/outputs.md has no heading for {gfile} ({command})"
        line = f"| `{gcol}` | {unit} |"
        assert line in sections[gfile], f"docs/reference/outputs.md: {gfile} lacks the row {line!r} ({command})"
    return rows


def _empty_cells_are_described(out: Path, rows: list[list[str]]) -> None:
    """A column with an empty cell (not applicable) says when, in words."""
    for name in {r[0] for r in rows}:
        table = _rows(out / name)
        if table and table[0] and not table[0][0].startswith("#"):
            for k, col in enumerate(table[0]):
                if any(len(r) > k and r[k] == "" for r in table[1:]):
                    desc = next(r[3] for r in rows if r[0] == name and r[1] == col)
                    assert "empty" in desc, (name, col, desc)
                    assert not any(len(r) > k and r[k].lower() == "nan" for r in table[1:])


def test_macrospin_folder_is_described(tmp_path: Path) -> None:
    out = tmp_path / "m"
    assert main(["macrospin", "orthogonal", "--t-on", "1n", "--t-stop", "2n", "--out", str(out)]) == 0
    rows = check_folder(out, "macrospin")
    assert ["trajectory.csv", "R", "Ohm"] == rows[-1][:3]


def test_window_folder_is_described(tmp_path: Path) -> None:
    out = tmp_path / "w"
    assert main(["window", "orthogonal", "--fix", "T", "--points", "2", "--workers", "1", "--t-on", "2n",
                 "--t-stop", "4n", "--t-relax", "1n", "--quiet", "--out", str(out)]) == 0
    rows = check_folder(out, "window")
    regime = next(r for r in rows if r[1] == "regime")
    assert all(word in regime[3] for word in ("under", "lif", "over"))


def test_compare_folder_is_described(tmp_path: Path) -> None:
    out = tmp_path / "c"
    assert main(["compare", "orthogonal", "parallel", "--trains", "1", "--t-stop", "6n", "--out", str(out)]) == 0
    rows = check_folder(out, "compare")
    assert {r[1] for r in rows} >= {"u_orthogonal", "u_parallel", "u_lif"}


@pytest.mark.ngspice
def test_neuron_folder_is_described(tmp_path: Path) -> None:
    out = tmp_path / "n"
    assert main(["neuron", "orthogonal", "--i-th", "0.38m", "--input", "dc:0.7m", "--t-stop", "8n",
                 "--out", str(out)]) == 0
    rows = check_folder(out, "neuron")
    polarity = next(r for r in rows if r[:2] == ["spikes.csv", "polarity"])
    assert "positive" in polarity[3] and "negative" in polarity[3]
    units = {r[1]: r[2] for r in rows if r[0] == "waveforms.csv"}
    assert units["t"] == "s" and units["v(t2)"] == "V" and units["i(vsi)"] == "A" and units["v(xmtj.my)"] == "1"


@pytest.mark.ngspice
@pytest.mark.slow
def test_neuron_trials_and_fi_folder_is_described(tmp_path: Path) -> None:
    out = tmp_path / "n"
    assert main(["neuron", "orthogonal", "--i-th", "0.38m", "--input", "dc:0.5m", "--t-stop", "4n",
                 "--temperature", "300", "--trials", "2", "--out", str(out)]) == 0
    rows = check_folder(out, "neuron")
    assert {r[0] for r in rows} >= {"trials.csv"}
    _empty_cells_are_described(out, rows)


def _array_inputs(tmp_path: Path) -> list[str]:
    np.savetxt(tmp_path / "w.csv", np.array([[0.0035, -0.0035], [0.0035, 0.0035]]), delimiter=",")
    (tmp_path / "s.csv").write_text("t,input,sign\n1e-9,0,1\n1e-9,1,1\n", encoding="utf-8")
    return ["--weights", str(tmp_path / "w.csv"), "--spikes", str(tmp_path / "s.csv")]


@pytest.mark.ngspice
def test_array_folder_is_described(tmp_path: Path) -> None:
    out = tmp_path / "a"
    assert main(["array", "orthogonal", "--inputs", "2", "--neurons", "2", *_array_inputs(tmp_path),
                 "--t-stop", "6n", "--spike-width", "4n", "--i-th", "0.38m", "--quiet", "--out", str(out)]) == 0
    rows = check_folder(out, "array")
    _empty_cells_are_described(out, rows)


@pytest.mark.ngspice
@pytest.mark.slow
def test_power_folder_is_described(tmp_path: Path) -> None:
    out = tmp_path / "p"
    assert main(["power", "orthogonal", "--sizes", "1,2,8", "--max-sim", "2", "--t-stop", "6n", "--i-th", "0.38m",
                 "--quiet", "--out", str(out)]) == 0
    rows = check_folder(out, "power")
    _empty_cells_are_described(out, rows)


@pytest.mark.slow
def test_fit_folder_is_described_on_the_page(tmp_path: Path) -> None:
    out = tmp_path / "f"
    assert main(["fit", "orthogonal", "--t-stop", "10n", "--random", "1", "--no-hysteresis", "--out", str(out)]) == 0
    text = PAGE.read_text(encoding="utf-8")
    sections = _sections(text)
    import json

    for key in json.loads((out / "fit.json").read_text(encoding="utf-8")):
        assert f"| `{key}` |" in sections["fit.json"], key
    for name in ("fit.json", "fit.png", "lif_params.json"):
        assert (out / name).is_file() and name in sections


@pytest.mark.ngspice
@pytest.mark.slow
def test_network_folder_is_described(tmp_path: Path) -> None:
    from mtjspice.analysis.lif import LIFParams, save_params

    save_params(LIFParams(tau_m=9.1208e-10, a2=0.54004, R_m=1382.78, i_th=0.3828125e-3), tmp_path / "lif.json")
    out = tmp_path / "net"
    assert main(["network", "orthogonal", "--lif", str(tmp_path / "lif.json"), "--images", "3", "--circuit-images",
                 "1", "--hidden", "4", "--epochs", "2", "--sigma", "none", "--temperature", "0", "--quiet",
                 "--out", str(out)]) == 0
    rows = check_folder(out, "network")
    _empty_cells_are_described(out, rows)
    acc = _rows(out / "accuracy.csv")
    head = acc[0]
    spice = next(r for r in acc if r[0] == "ngspice")
    lo, hi = float(spice[head.index("accuracy_low_percent")]), float(spice[head.index("accuracy_high_percent")])
    assert spice[head.index("images")] == "1" and hi - lo > 70  # one image: a wide interval, not a full bar
    assert spice[head.index("v_junction_max")] == ""
    report = (out / "report.txt").read_text(encoding="utf-8")
    assert "nan" not in report
    for heading in ("undec %", "hid sp", "out sp", "drop pp", "V max"):
        assert f"{heading}:" in report or f"{heading} /" in report or f"/ {heading}" in report, heading
