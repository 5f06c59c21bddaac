"""Monte Carlo and window --yield outputs a reader understands without the source: every column
described with its unit, coded columns as words, a reason beside every empty onset, overlapping
failure reasons said to overlap, a Wilson interval on every yield, the yield map's nominal marker on
the nominal design's own cell and infeasible designs told apart, sensitivities in named units."""

from __future__ import annotations

import csv
import json
import math
from pathlib import Path

import numpy as np
import pytest

import mtjspice as ms
from mtjspice.analysis.stats import wilson_interval
from mtjspice.cli import main
from mtjspice.cli.windowyield import _with_nominal
from mtjspice.montecarlo.columns import ONSET_REASONS, sample_columns
from mtjspice.montecarlo.device import COLUMNS, DeviceMC, NominalCircuit, device_chunk
from mtjspice.montecarlo.onsettable import onset_table, reduce
from mtjspice.physics.batch import DeviceBatch
from mtjspice.variation import VariationSpec

SPEC = "L=1n,W=1n,T=0.5n,Ms=3%,RA=5%"


def read(path: Path) -> list[dict[str, str]]:
    with open(path, newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


@pytest.mark.slow
def test_every_empty_onset_has_its_reason() -> None:
    """Samples whose q falls below the onset table (easy and middle axes nearly degenerate) have no
    onset: i_th is nan exactly where i_th_reason is not 0, and the reason is the one the reduced
    parameters give (measured: all 36 of 2000 samples of SPEC, seed 0, with the run's table)."""
    dev = ms.load_device("orthogonal")
    table = onset_table(dev, q_range=(2e-3, 0.04), points=10)  # a narrow table: many samples fall below it
    circuit = NominalCircuit.of(dev, table)
    spec = VariationSpec.parse(SPEC)
    idx = np.arange(40)
    cols = device_chunk(dev, spec, 0, idx, DeviceMC(t_on=3e-9, t_relax=2e-9, t_stop=6e-9, trim=False), table, circuit)
    reason = cols["i_th_reason"]
    assert np.array_equal(np.isnan(cols["i_th"]), reason != 0)
    values = spec.sample(dev, 0, idx)
    from mtjspice.montecarlo.device import batch_overrides

    red = reduce(DeviceBatch.from_device(dev, n=idx.size, theta0=0.0, **batch_overrides(values)))
    assert np.array_equal(reason == 2, red.q < table.q[0]) and (reason == 2).sum() >= 5
    assert set(np.unique(reason)) <= {0, 2}
    assert all(ONSET_REASONS[r] for r in (1, 2, 3, 4, 5)) and ONSET_REASONS[0] == ""
    # every column the chunk returns is described with a unit (words columns: "")
    described = sample_columns([*cols])
    assert [c.name for c in described] == [*cols] and all(c.description for c in described)
    assert {c.name: c.unit for c in described}["i_th"] == "A" and set(COLUMNS) <= set(cols)


@pytest.mark.slow
def test_montecarlo_files_describe_every_column(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    import mtjspice.plots.montecarlo as plots

    titles: list[str] = []
    real = plots.plot_distributions
    monkeypatch.setattr(plots, "plot_distributions", lambda c, s, p, title="": (titles.append(title), real(c, s, p, title)))
    out = tmp_path / "mc"
    assert main(["montecarlo", "orthogonal", "--samples", "30", "--sigma", SPEC, "--workers", "1", "--quiet",
                 "--out", str(out)]) == 0
    text = capsys.readouterr().out
    rows = read(out / "samples.csv")
    described = read(out / "columns.csv")
    by_file: dict[str, dict[str, dict[str, str]]] = {}
    for d in described:
        by_file.setdefault(d["file"], {})[d["column"]] = d
    # every column of every CSV file is described once, with a unit cell and words
    for name in ("samples.csv", "onset_table.csv"):
        with open(out / name, newline="", encoding="utf-8") as fh:
            header = next(csv.reader(fh))
        assert list(by_file[name]) == header, name
    assert by_file["samples.csv"]["i_th"]["unit"] == "A" and by_file["samples.csv"]["tau_m"]["unit"] == "s"
    assert by_file["samples.csv"]["L"]["unit"] == "m" and by_file["samples.csv"]["RA"]["unit"] == "Ohm m^2"
    # coded columns as words, empty onsets explained
    assert {r["easy"] for r in rows} <= {"x", "y", "z", ""} and {r["regime"] for r in rows} <= {"under", "lif", "over", ""}
    assert any(r["regime"] for r in rows) and any(r["easy"] for r in rows)
    for r in rows:
        assert (r["i_th"] == "") == (r["i_th_reason"] != ""), r
        assert "nan" not in r.values()
    # a Wilson interval beside every yield, from analysis.stats; overlapping reasons said to overlap
    s = json.loads((out / "summary.json").read_text())
    for key in ("yield", "yield_ref", "yield_trim"):
        k = sum(int(r[{"yield": "usable", "yield_ref": "usable_ref", "yield_trim": "usable_trim"}[key]]) for r in rows)
        assert s[key] == pytest.approx(k / 30)
        assert s[key + "_ci95"] == pytest.approx(list(wilson_interval(k, 30)), abs=1e-12) or k in (0, 30)
    assert "overlap" in s["fails_note"] and "overlapping" in text
    assert sum(s["fails"].values()) > 1 - s["yield"]  # why the note is needed
    assert titles and ": sigma L=1e-09" in titles[0]  # a spread, not dimensions


def test_the_nominal_design_is_a_cell_of_the_map() -> None:
    axis = np.linspace(42e-9, 48e-9, 4)  # 42, 44, 46, 48 nm: 45 nm falls between two cells
    got = _with_nominal(axis, 45e-9)
    assert got.size == 5 and np.any(np.isclose(got, 45e-9, rtol=0, atol=1e-18)) and np.all(np.diff(got) > 0)
    assert np.array_equal(_with_nominal(got, 45e-9), got)  # already there: unchanged
    assert np.array_equal(_with_nominal(axis, 50e-9), axis)  # outside the plane: unchanged


@pytest.mark.slow
def test_yield_map_outputs(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """--points 2 over L 44-46 nm: the nominal 45 nm is added as its own row of the grid, whose yield
    is robust.json's nominal yield (the marker's cell); statuses, intervals and units are written."""
    out = tmp_path / "y"
    assert main(["window", "orthogonal", "--yield", "--plane", "Ku,L", "--Ku-range", "0", "30000", "--L-range", "44n",
                 "46n", "--points", "2", "--samples", "12", "--sigma", "L=1n,W=1n", "--workers", "1", "--quiet",
                 "--out", str(out)]) == 0
    text = capsys.readouterr().out
    r = json.loads((out / "robust.json").read_text())
    rows = read(out / "yield_map.csv")
    assert sorted({float(x["L"]) for x in rows}) == pytest.approx([44e-9, 45e-9, 46e-9])
    cell = next(x for x in rows if math.isclose(float(x["L"]), 45e-9) and float(x["Ku"]) == 0.0)
    assert float(cell["yield"]) == pytest.approx(r["nominal"]["yield"])
    assert {x["status"] for x in rows} <= {"feasible", "infeasible", "not a device", "no onset"}
    assert any(x["status"] == "infeasible" for x in rows)  # Ku 30 kJ/m^3 needs a thinner barrier than allowed
    for x in rows:
        if x["status"] == "infeasible":
            assert x["RA"] == "" and float(x["yield"]) == 0.0
        if x["yield"]:
            k = round(float(x["yield"]) * 12)
            lo, hi = wilson_interval(k, 12)
            assert float(x["yield_lo"]) == pytest.approx(0.0 if k == 0 else lo, abs=1e-9)
            assert float(x["yield_hi"]) == pytest.approx(1.0 if k == 12 else hi, abs=1e-9)
    units = {d["column"]: d["unit"] for d in read(out / "columns.csv") if d["file"] == "yield_map.csv"}
    assert units["L"] == "m" and units["Ku"] == "J/m^3" and units["RA"] == "Ohm m^2" and units["yield"] == "1"
    sens = r["nominal"]["sensitivity"]
    assert sens["rel_di_dL_percent_per_nm"] == pytest.approx(sens["rel_di_dL_per_m"] * 1e-7)
    assert sens["di_dL_mA_per_nm"] == pytest.approx(sens["di_dL_A_per_m"] * 1e-6)
    assert f"{sens['rel_di_dL_percent_per_nm']:+.3g} %/nm" in text  # the console's number, by name
    assert len(r["nominal"]["yield_ci95"]) == 2
