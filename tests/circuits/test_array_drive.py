"""An array report says what reached the neurons: each row's sag behind its driver's output resistance
and each neuron's input current (mtjspice/analysis/levels.py, circuits/array.py, io/reports.py)."""

from __future__ import annotations

import csv
import math
from pathlib import Path

import numpy as np
import pytest

from mtjspice.analysis.levels import neuron_drive, row_sag
from mtjspice.cli import main


def test_row_sag_of_a_resistive_row_is_its_divider_ratio() -> None:
    t = np.linspace(0, 10e-9, 1001)
    src = np.where((t > 2e-9) & (t < 6e-9), 0.2, 0.0)
    src[200:205] = np.linspace(0, 0.2, 5)  # a rising edge: the same ratio, a lower voltage
    sag = row_sag(src, 0.65 * src)
    assert sag.v_source_peak == pytest.approx(0.2)
    assert sag.v_row_worst == pytest.approx(0.13)  # reported on the pulse's top, not on its edge
    assert sag.sag == pytest.approx(0.35)
    silent = row_sag(np.zeros(5), np.zeros(5))
    assert silent.v_source_peak == 0 and math.isnan(silent.sag) and math.isnan(silent.v_row_worst)


def test_neuron_drive_mean_and_signed_peak() -> None:
    t = np.linspace(0, 4e-9, 401)
    i = np.where(t < 1e-9, -2e-3, 1e-3)  # 1 ns at -2 mA, 3 ns at +1 mA
    d = neuron_drive(t, i)
    assert d.peak == pytest.approx(-2e-3) and d.peak_t < 1e-9
    assert d.mean == pytest.approx((-2e-3 * 1 + 1e-3 * 3) / 4, rel=0.02)
    assert d.v_col_worst == 0.0
    assert neuron_drive(t, i, [np.full(t.size, -0.01), np.full(t.size, 0.02)]).v_col_worst == pytest.approx(0.02)


def _read(path: Path) -> list[dict[str, str]]:
    with open(path, newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


@pytest.mark.ngspice
def test_an_array_whose_drivers_sag_says_so(tmp_path: Path) -> None:
    """One row of 0.2 V pulses behind 10 Ohm into four 13.5 mS synapses: the row sits at
    0.2 / (1 + 10 x 54 mS) = 0.130 V, and each neuron receives 0.130 V x 13.5 mS = 1.75 mA, not the
    2.7 mA the weights promise. The report, rows.csv and neurons.csv show both."""
    g, m, r = 13.5e-3, 4, 10.0
    np.savetxt(tmp_path / "w.csv", np.full((1, m), g), delimiter=",")
    (tmp_path / "s.csv").write_text("t,input,sign\n1e-9,0,1\n", encoding="utf-8")
    out = tmp_path / "a"
    assert main(["array", "orthogonal", "--inputs", "1", "--neurons", str(m), "--weights", str(tmp_path / "w.csv"),
                 "--spikes", str(tmp_path / "s.csv"), "--t-stop", "4n", "--spike-width", "2n", "--i-th", "0.38m",
                 "--quiet", "--out", str(out)]) == 0
    g_row = m * (g + 2 * 1e-6)  # G+ = w + g_min, G- = g_min per cell (the default g_min 1 uS)
    v_row = 0.2 / (1 + r * g_row)
    row = _read(out / "rows.csv")[0]
    assert float(row["v_source_peak"]) == pytest.approx(0.2, rel=1e-6)
    assert float(row["v_row_worst"]) == pytest.approx(v_row, rel=2e-3)
    assert float(row["sag"]) == pytest.approx(1 - v_row / 0.2, rel=2e-3)
    neurons = _read(out / "neurons.csv")
    assert [int(n["neuron"]) for n in neurons] == list(range(m))
    for n in neurons:
        assert float(n["i_in_peak"]) == pytest.approx(v_row * g, rel=5e-3)
        assert 0 < float(n["i_in_mean"]) < float(n["i_in_peak"])
        assert 1e-9 <= float(n["i_in_peak_t"]) <= 3.1e-9
    report = (out / "report.txt").read_text(encoding="utf-8")
    assert f"reached {v_row:.4g} V of 0.2 V" in report and "sag 3" in report
    assert "neuron    3: mean +" in report and "peak +0.00175" in report


@pytest.mark.ngspice
def test_a_compact_run_states_the_compact_models_validity(tmp_path: Path) -> None:
    from mtjspice.analysis.lif import LIFParams, save_params

    save_params(LIFParams(tau_m=9.1208e-10, a2=0.54004, R_m=1382.78, i_th=0.3828125e-3), tmp_path / "lif.json",
                i_min=0.423e-3, i_max=1.38e-3)
    out = tmp_path / "c"
    assert main(["neuron", "orthogonal", "--mtj", "compact", "--lif-params", str(tmp_path / "lif.json"),
                 "--i-th", "0.38m", "--input", "dc:0.66m", "--t-stop", "5n", "--out", str(out)]) == 0
    lines = [line for line in (out / "report.txt").read_text(encoding="utf-8").splitlines()
             if line.startswith("validity:")]
    validity = [line for line in lines if "Oersted field" not in line]  # the device's own flag (#26) stands apart
    assert len(validity) == 1 and len(lines) == 2
    assert "compact MTJ" in validity[0] and "[i_min, i_max]" in validity[0]
    assert not validity[0].startswith("validity: macrospin model")


@pytest.mark.ngspice
def test_with_wire_resistance_the_far_ends_are_probed(tmp_path: Path) -> None:
    """With --r-wire the row sags further along its wire and the columns leave 0 V at their far end."""
    np.savetxt(tmp_path / "w.csv", np.full((2, 2), 5e-3), delimiter=",")
    (tmp_path / "s.csv").write_text("t,input,sign\n1e-9,0,1\n1e-9,1,1\n", encoding="utf-8")
    runs = {}
    for wire in ("0", "20"):
        out = tmp_path / f"w{wire}"
        assert main(["array", "orthogonal", "--inputs", "2", "--neurons", "2", "--weights", str(tmp_path / "w.csv"),
                     "--spikes", str(tmp_path / "s.csv"), "--t-stop", "3n", "--spike-width", "1n", "--i-th", "0.38m",
                     "--r-wire", wire, "--quiet", "--out", str(out)]) == 0
        runs[wire] = (_read(out / "rows.csv"), _read(out / "neurons.csv"))
    assert float(runs["20"][0][0]["sag"]) > float(runs["0"][0][0]["sag"]) + 0.05
    assert all(float(n["v_col_worst"]) == 0 for n in runs["0"][1])
    assert all(float(n["v_col_worst"]) > 1e-3 for n in runs["20"][1])
