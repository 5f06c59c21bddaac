"""Robust design: the yield over a plane of designs, each with its own circuit, drive and barrier,
and the onset's sensitivities against direct scans."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

import mtjspice as ms
from mtjspice.characterize.onset import onset_current
from mtjspice.cli import main
from mtjspice.errors import ParameterError
from mtjspice.montecarlo.device import DeviceMC
from mtjspice.montecarlo.robust import DesignPlane, design_device, robust_table, sensitivity, yield_map
from mtjspice.runoptions import RunOptions
from mtjspice.variation import VariationSpec

SHORT = DeviceMC(t_on=3e-9, t_relax=2e-9, t_stop=6e-9)


@pytest.fixture(scope="module")
def dev() -> ms.Device:
    return ms.load_device("orthogonal")


@pytest.fixture(scope="module")
def table(dev: ms.Device):  # type: ignore[no-untyped-def]
    return robust_table(dev, VariationSpec())


def test_design_device_sets_the_knobs(dev: ms.Device) -> None:
    d = design_device(dev, {"L": 46e-9, "Ku": 5e3})
    assert d.geometry.L == 46e-9 and d.field.Ku == 5e3 and d.field.axis == (0.0, 0.0, 1.0)
    with pytest.raises(ParameterError, match="axis"):
        design_device(dev, {"Ms": 1e6})


@pytest.mark.slow
def test_sensitivity_matches_direct_scans(dev: ms.Device, table) -> None:  # type: ignore[no-untyped-def]
    """d(i_th)/dL by the table against two direct onset scans at L +- 0.5 nm: within 3 %."""
    s = sensitivity(dev, table, step=0.5e-9)
    lo = onset_current(dev.replace(**{"geometry.L": 44.5e-9}), i_max=1.0e-3, points=20, rounds=2)
    hi = onset_current(dev.replace(**{"geometry.L": 45.5e-9}), i_max=1.0e-3, points=20, rounds=2)
    assert s["di_dL"] == pytest.approx((hi - lo) / 1e-9, rel=0.03)
    assert s["di_dL"] < 0 < s["di_dW"] and s["di_dT"] > 0  # longer pillar: smaller Nx - Nz
    # Ku adds to K_x - K_z without changing its L-derivative: the absolute slope stays, the relative one falls
    s_ku = sensitivity(design_device(dev, {"Ku": 5e3}), table, step=0.5e-9)
    assert s_ku["i_th"] > 1.5 * s["i_th"]
    assert s_ku["di_dL"] == pytest.approx(s["di_dL"], rel=0.15)
    assert abs(s_ku["rel_di_dL"]) < 0.7 * abs(s["rel_di_dL"])


@pytest.mark.slow  # 2.5 to 10 s on the idle 2-core machine: the fast subset stays under two minutes
def test_zero_spread_map_is_all_or_nothing_and_keeps_the_junction_voltage(dev: ms.Device, table) -> None:  # type: ignore[no-untyped-def]
    ym = yield_map(dev, VariationSpec.parse("L=0"), DesignPlane("Ku", np.array([0.0, 4e3]), "L", np.array([45e-9])), 3,
                   SHORT, RunOptions(workers=1), table=table)
    assert set(np.unique(ym.yields)) <= {0.0, 1.0}
    assert ym.yields[0, 0] == 1.0  # the nominal device, alone, is a usable neuron
    # each design's drive follows its firing threshold in its circuit (#26), its RA keeps the nominal junction voltage
    assert ym.drive[0, 0] == pytest.approx(SHORT.drive, rel=1e-12)  # the base device: its own drive
    assert ym.drive_ratio == pytest.approx(SHORT.drive / ym.firing[0, 0], rel=1e-12)
    assert ym.drive[0, 1] / ym.firing[0, 1] == pytest.approx(ym.drive[0, 0] / ym.firing[0, 0], rel=1e-12)
    # not its onset: Ku = 4 kJ/m^3 fires below its onset, the base device well above its own (0.94 and 1.5 x
    # with the 5 ns pulse), so an onset-scaled drive would have been 1.5 times this one
    assert ym.drive[0, 1] / ym.onset[0, 1] < 0.8 * ym.drive[0, 0] / ym.onset[0, 0]
    assert ym.RA[0, 1] == pytest.approx(dev.junction.RA * ym.drive[0, 0] / ym.drive[0, 1], rel=1e-9)
    with pytest.raises(ParameterError, match="two different"):
        DesignPlane("L", np.array([45e-9]), "L", np.array([45e-9]))


@pytest.mark.slow
def test_window_yield_command(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "y"
    assert main(["window", "orthogonal", "--yield", "--plane", "Ku,L", "--Ku-range", "0", "6000", "--L-range", "45n",
                 "47n", "--points", "2", "--samples", "12", "--sigma", "L=1n,W=1n", "--workers", "1", "--quiet",
                 "--out", str(out)]) == 0
    text = capsys.readouterr().out
    assert "best" in text and "d(i_th)/dL nominal" in text
    r = json.loads((out / "robust.json").read_text())
    rows = (out / "yield_map.csv").read_text().splitlines()
    assert rows[0] == "Ku,L,status,yield,yield_lo,yield_hi,yield_ref,yield_ref_lo,yield_ref_hi,onset,drive,RA,firing"
    assert len(rows) == 5  # the nominal (Ku 0, L 45 nm) is a grid point already: no row added
    ys = [float(x.split(",")[3]) for x in rows[1:]]
    assert r["best"]["yield"] == pytest.approx(max(ys), abs=1e-9)
    assert r["nominal"]["L"] == 45e-9 and r["nominal"]["Ku"] == 0.0
    assert r["drive_ratio"] == pytest.approx(0.6e-3 / r["nominal"]["firing"], rel=1e-9)
    assert {p.name for p in out.iterdir()} >= {"yield_map.png", "yield_ref_map.png"}


@pytest.mark.parametrize(("argv", "fragment"), [
    (["--yield", "--plane", "Q,L", "--sigma", "L=1n"], "--plane"),
    (["--fix", "T", "--sigma", "L=1n"], "only with --yield"),
    (["--yield", "--fix", "T"], "--sigma"),
    (["--yield", "--plane", "Ku,L", "--Ku-range", "5", "1", "--sigma", "L=1n"], "--Ku-range"),
])
def test_bad_yield_options_are_named(argv: list[str], fragment: str, tmp_path: Path,
                                     capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["window", "orthogonal", *argv, "--out", str(tmp_path / "o")])
    err = capsys.readouterr().err
    assert code == 2 and fragment in err and "Traceback" not in err
    assert not (tmp_path / "o").exists()
