"""The Monte Carlo's typed results: each ``to_frame()`` holds the same columns, units and values as the
CSV file the command line writes for the same run (samples.csv, circuit.csv, yield_map.csv)."""

from __future__ import annotations

import csv
import math
from pathlib import Path

import numpy as np
import pytest

import mtjspice as ms
from mtjspice.cli import main
from mtjspice.errors import ParameterError
from mtjspice.frame import Frame
from mtjspice.montecarlo.circuit import CircuitMC
from mtjspice.montecarlo.circuitrun import circuit_montecarlo
from mtjspice.montecarlo.device import DeviceMC
from mtjspice.montecarlo.robust import DesignPlane, robust_table, yield_map
from mtjspice.montecarlo.run import device_montecarlo
from mtjspice.runoptions import RunOptions
from mtjspice.variation import VariationSpec

SIGMA = "L=1n,W=1n"


def read_csv(path: Path) -> tuple[list[str], list[list[str]]]:
    with open(path, newline="", encoding="utf-8") as fh:
        rows = list(csv.reader(fh))
    return rows[0], rows[1:]



def units_of(folder: Path, name: str) -> dict[str, str]:
    with open(folder / "columns.csv", newline="", encoding="utf-8") as fh:
        return {r["column"]: r["unit"] for r in csv.DictReader(fh) if r["file"] == name}



def assert_frame_is_csv(frame: Frame, folder: Path, name: str, columns: list[str] | None = None) -> None:
    """Names in order, units as columns.csv gives them, every value as written (10 digits; empty = nan)."""
    header, rows = read_csv(folder / name)
    names = list(frame.names) if columns is None else columns
    assert (header if columns is None else [h for h in header if h in names]) == names
    units = units_of(folder, name)
    assert {k: frame.units[k] for k in names} == {k: units[k] for k in names}
    assert len(frame) == len(rows) > 0
    for k in names:
        cells = [r[header.index(k)] for r in rows]
        got = frame[k]
        if got.dtype == object:
            assert [str(v) for v in got] == cells, k
        else:
            want = np.array([math.nan if c == "" else float(c) for c in cells])
            np.testing.assert_allclose(np.asarray(got, float), want, rtol=1e-9, atol=0, equal_nan=True, err_msg=k)



@pytest.mark.ngspice
@pytest.mark.slow
def test_montecarlo_frames_are_the_csv_files(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """samples.csv and circuit.csv against device_montecarlo's and circuit_montecarlo's frames of the same run."""
    out = tmp_path / "mc"
    assert main(["montecarlo", "orthogonal", "--samples", "20", "--sigma", SIGMA, "--workers", "1", "--quiet", "--circuit",
                 "2", "--circuit-t-stop", "10n", "--out", str(out)]) == 0
    capsys.readouterr()
    dev, spec = ms.load_device("orthogonal"), VariationSpec.parse(SIGMA)
    res = device_montecarlo(dev, spec, 20, DeviceMC(), RunOptions(workers=1))
    frame = res.to_frame()
    assert_frame_is_csv(frame, out, "samples.csv")
    assert frame.units["i_th"] == "A" and frame.units["regime"] == "" and frame["usable"].dtype == np.int64
    circ = circuit_montecarlo(ms.Neuron.build(dev), spec, 2, CircuitMC(t_stop=10e-9), RunOptions(workers=1),
                              onsets=np.asarray(res.columns["i_th"], float)[:2])
    cf = circ.to_frame()
    assert_frame_is_csv(cf, out, "circuit.csv", columns=list(cf.names))  # the untrimmed run's columns
    assert cf.units["energy_per_spike"] == "J" and circ.yield_fraction == pytest.approx(float(np.mean(cf["ok"])))



@pytest.mark.slow
def test_yield_map_frame_is_the_csv_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "y"
    assert main(["window", "orthogonal", "--yield", "--plane", "Ku,L", "--Ku-range", "0", "30000", "--L-range", "44n",
                 "46n", "--points", "2", "--samples", "6", "--sigma", SIGMA, "--workers", "1", "--quiet",
                 "--out", str(out)]) == 0
    capsys.readouterr()
    dev, spec = ms.load_device("orthogonal"), VariationSpec.parse(SIGMA)
    plane = DesignPlane("Ku", np.array([0.0, 3e4]), "L", np.array([44e-9, 45e-9, 46e-9]))  # the CLI adds the nominal L
    ym = yield_map(dev, spec, plane, 6, DeviceMC(), RunOptions(workers=1), table=robust_table(dev, spec))
    frame = ym.to_frame()
    assert_frame_is_csv(frame, out, "yield_map.csv")
    assert frame.units["RA"] == "Ohm m^2" and frame.units["Ku"] == "J/m^3" and len(frame) == 6



def test_results_refuse_options_of_another_type() -> None:
    dev = ms.load_device("orthogonal")
    with pytest.raises(ParameterError, match="^options: .*a RunOptions$"):
        device_montecarlo(dev, VariationSpec.parse(SIGMA), 5, options={"workers": 1})  # type: ignore[arg-type]
    with pytest.raises(ParameterError, match="^plane: "):
        yield_map(dev, VariationSpec.parse(SIGMA), ("L", [45e-9], "W", [10e-9]))  # type: ignore[arg-type]
    with pytest.raises(ParameterError, match="^y: "):
        DesignPlane("L", np.array([45e-9]), "W", np.array([]))



def test_montecarlo_result_gives_its_yield_as_attributes() -> None:
    dev = ms.load_device("orthogonal")
    res = device_montecarlo(dev, VariationSpec.parse(SIGMA), 8, DeviceMC(t_on=3e-9, t_relax=2e-9, t_stop=6e-9, trim=False),
                            RunOptions(workers=1, seed=2))
    k = int(np.sum(res.to_frame()["usable"]))
    assert res.yield_fraction == k / 8 and res.n == 8
    lo, hi = res.yield_ci95
    assert lo <= res.yield_fraction <= hi and 0 <= lo and hi <= 1


def test_circuit_montecarlo_takes_the_neuron_object() -> None:
    dev, spec = ms.load_device("orthogonal"), VariationSpec.parse(SIGMA)
    with pytest.raises(ParameterError, match="^neuron: got 'Device'; allowed: a Neuron"):
        circuit_montecarlo(dev, spec, 2, CircuitMC())  # type: ignore[arg-type]
    neuron = ms.Neuron.build(dev, ms.NeuronSettings(i_th=0.38e-3))
    with pytest.raises(ParameterError, match="^options: got 'dict'; allowed: a RunOptions$"):
        circuit_montecarlo(neuron, spec, 2, CircuitMC(), {"workers": 1})  # type: ignore[arg-type]


@pytest.mark.slow  # 2.5 to 10 s on the idle 2-core machine: the fast subset stays under two minutes
def test_summary_is_a_typed_frozen_result_whose_dict_is_summary_json() -> None:
    import dataclasses
    import json

    from mtjspice.cli.common import json_default
    from mtjspice.montecarlo.run import summarize
    from mtjspice.montecarlo.summary import MonteCarloSummary, Spread

    dev = ms.load_device("orthogonal")
    mc = DeviceMC(t_on=3e-9, t_relax=2e-9, t_stop=6e-9)  # trimmed: the trim's keys too
    res = device_montecarlo(dev, VariationSpec.parse(SIGMA), 12, mc, RunOptions(workers=1, seed=2))
    s = summarize(res, mc)
    assert isinstance(s, MonteCarloSummary) and isinstance(s.i_th, Spread)
    with pytest.raises(dataclasses.FrozenInstanceError):
        s.samples = 3  # type: ignore[misc]
    d = s.to_dict()
    assert list(d)[:15] == ["samples", "valid", "drive", "yield", "yield_ci95", "regimes", "fails", "fails_note",
                            "i_th_missing", "i_th", "tau_m", "a2", "delta", "tau_relax", "v_max"]
    assert list(d["i_th"]) == ["p5", "p50", "p95", "mean", "std", "nominal"] and list(d["tau_m"]) == ["p5", "p50", "p95"]
    # the numbers, counted here from the columns
    c = res.columns
    assert d["samples"] == 12 and d["yield"] == res.yield_fraction and tuple(d["yield_ci95"]) == res.yield_ci95
    assert d["valid"] == int(np.sum(c["valid"])) and d["fails"]["invalid_sample"] == pytest.approx(1 - d["valid"] / 12)
    i_th = np.asarray(c["i_th"], float)
    assert s.i_th.p50 == pytest.approx(float(np.median(i_th[np.isfinite(i_th)])), rel=1e-12)
    assert s.i_th.nominal == res.nominal["i_th"]
    assert d["yield_ref"] == pytest.approx(float(np.mean(c["usable_ref"])))
    assert sum(d["regimes"].values()) == pytest.approx(1.0)
    back = json.loads(json.dumps(d, default=json_default))
    assert back["regimes"] == d["regimes"] and back["yield_ci95"] == list(d["yield_ci95"])


def test_an_untrimmed_summary_has_no_trim_keys() -> None:
    from mtjspice.montecarlo.summary import MonteCarloSummary, Spread

    sp = Spread(1.0, 2.0, 3.0)
    s = MonteCarloSummary(samples=4, valid=4, drive=6e-4, yield_fraction=0.5, yield_ci95=(0.15, 0.85),
                          regimes={"under": 0.0, "lif": 1.0, "over": 0.0}, fails={}, fails_note="overlap",
                          i_th_missing={}, i_th=Spread(1.0, 2.0, 3.0, mean=2.0, std=0.5, nominal=2.1), tau_m=sp, a2=sp,
                          delta=sp, tau_relax=sp, v_max=sp)
    d = s.to_dict()
    assert not {"yield_ref", "yield_trim", "k_trim", "trim_cost", "fails_trim"} & set(d)
    assert d["i_th"] == {"p5": 1.0, "p50": 2.0, "p95": 3.0, "mean": 2.0, "std": 0.5, "nominal": 2.1}
    assert d["yield"] == 0.5 and d["tau_m"] == {"p5": 1.0, "p50": 2.0, "p95": 3.0}
