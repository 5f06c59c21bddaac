"""Orthogonal against parallel, and the fit / compare / window command lines."""

from __future__ import annotations

import csv
import json

import pytest
from conftest import MODELS

import mtjspice as ms
from mtjspice.analysis.lif import load_params
from mtjspice.characterize.compare import compare_designs
from mtjspice.cli import main


@pytest.mark.slow
def test_parallel_design_fits_the_lif_clearly_worse():
    o = ms.load_device(MODELS / "orthogonal.toml")
    p = ms.load_device(MODELS / "parallel.toml")
    with pytest.warns(ms.BreakdownWarning, match=r"^compare_designs: .*largest orthogonal [\d.]+ V .*, parallel") as rec:
        cmp = compare_designs([o, p], n_trains=1, t_stop=15e-9)
    assert len(rec) == 1
    s = cmp.summary()
    # the reported voltage is the junction's: between |I| R_P and |I| R_AP at the largest input
    i_max = float(abs(cmp.current).max())
    for d, dev in ((s["orthogonal"], o), (s["parallel"], p)):
        assert i_max * dev.R_P <= d["v_max"] <= i_max * dev.R_AP * (1 + 1e-9)
        assert d["breakdown_voltage"] == 1.0
    assert s["parallel"]["v_max"] > 1.0
    assert s["orthogonal"]["r2"] > 0.98
    assert s["parallel"]["r2"] < 0.8
    assert s["parallel"]["nrmse"] > 2 * s["orthogonal"]["nrmse"]


@pytest.mark.slow
def test_window_cli_writes_csv_and_png(tmp_path, capsys):
    out = tmp_path / "w"
    rc = main(["window", str(MODELS / "orthogonal.toml"), "--fix", "T", "--points", "3", "--workers", "1",
               "--quiet", "--out", str(out)])
    assert rc == 0
    with open(out / "window.csv", newline="") as fh:
        rows = list(csv.reader(fh))
    assert rows[0][:4] == ["W", "L", "T", "regime"]
    assert len(rows) > 1 and all(r[3] in ("under", "lif", "over") for r in rows[1:])
    assert all(r[4] in ("0", "1") for r in rows[1:])  # the breakdown column
    assert all(float(r[0]) <= float(r[1]) for r in rows[1:])  # W > L points are omitted
    assert (out / "window.png").stat().st_size > 1000


def _exit_code(argv: list[str]) -> int | str | None:
    """main()'s status, whether it returns it or argparse exits with it."""
    try:
        return main(argv)
    except SystemExit as exc:
        return exc.code


def test_cli_bad_input_writes_nothing(tmp_path, capsys):
    out = tmp_path / "w"
    rc = _exit_code(["window", str(MODELS / "orthogonal.toml"), "--fix", "T", "--points", "0", "--out", str(out)])
    assert rc == 2
    assert "--points" in capsys.readouterr().err
    assert not out.exists()
    rc = _exit_code(["compare", str(MODELS / "orthogonal.toml"), str(MODELS / "parallel.toml"), "--i-lo", "2m",
                     "--i-hi", "1m", "--out", str(out)])
    assert rc == 2 and not out.exists()


@pytest.mark.slow
def test_fit_cli_writes_fit_json(tmp_path):
    out = tmp_path / "f"
    rc = main(["fit", str(MODELS / "orthogonal.toml"), "--t-stop", "15n", "--random", "1", "--out", str(out)])
    assert rc == 0
    fit = json.loads((out / "fit.json").read_text())
    for key in ("tau_m", "a1", "a2", "R_m", "r2", "nrmse", "i_min", "i_max", "i_breakdown", "v_at_i_max",
                "onset_up_pos", "onset_down_neg"):
        assert key in fit
    assert fit["a1"] == 1.0 and fit["r2"] > 0.95 and fit["i_min"] < fit["i_max"]
    assert load_params(out / "lif_params.json").tau_m == pytest.approx(fit["tau_m"])
    # the file carries the down-sweep onset, so --lif-params gives the compact MTJ its hysteresis
    from mtjspice.circuits.compact import load_compact

    info = json.loads((out / "lif_params.json").read_text())["info"]
    assert info["i_down"] == pytest.approx(max(abs(fit["onset_down_pos"]), abs(fit["onset_down_neg"])))
    assert load_compact(out / "lif_params.json").i_down == pytest.approx(info["i_down"])
    assert (out / "fit.png").exists()
