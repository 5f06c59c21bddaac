"""The dimension design window: the representative design is LIF, every plane shows every regime,
and the batched classification agrees with single-device runs."""

from __future__ import annotations

import numpy as np
import pytest
from conftest import MODELS

import mtjspice as ms
from mtjspice.characterize.window import (
    WindowSpec,
    boundaries,
    check_sample,
    classify_geometries,
    classify_with_voltage,
    sweep_plane,
)
from mtjspice.errors import BreakdownWarning, ParameterError


@pytest.fixture(scope="module")
def dev():
    return ms.load_device(MODELS / "orthogonal.toml")


def test_representative_design_is_lif(dev):
    assert classify_geometries(dev, np.array([10e-9]), np.array([45e-9]), np.array([50e-9]))[0] == 1


def test_single_point_window(dev, tmp_path):
    from mtjspice.plots.window import plot_window

    wmap = sweep_plane(dev, "T", ranges={"W": (10e-9, 10e-9), "L": (45e-9, 45e-9)})  # MIN == MAX: one point
    assert wmap.regime.shape == (1, 1) and wmap.regime[0, 0] == 1
    assert wmap.x.tolist() == [10e-9] and wmap.y.tolist() == [45e-9]
    assert wmap.rows() == [(10e-9, 45e-9, 50e-9, "lif", 0)]
    assert wmap.counts() == {"under": 0, "lif": 1, "over": 0, "invalid": 0, "breakdown": 0}
    assert boundaries(wmap) == {}
    plot_window(wmap, tmp_path / "one.png", boundaries(wmap), mark=(10e-9, 45e-9))
    assert (tmp_path / "one.png").stat().st_size > 1000
    # points=1 takes the middle of each range
    one = sweep_plane(dev, "T", points=1, ranges={"W": (8e-9, 12e-9), "L": (40e-9, 50e-9)})
    assert one.x == pytest.approx([10e-9]) and one.y == pytest.approx([45e-9]) and one.regime[0, 0] == 1


@pytest.mark.slow
def test_breakdown_cells_are_measured_marked_and_warned(dev, tmp_path):
    from mtjspice.plots.window import plot_window

    # Every run starts at u = 0, where the bias is J R(u = 0) = J RA 2 (1 + TMR) / (2 + TMR) whatever
    # the geometry (R scales as 1 / area): 1.075 V at J = 2.2e12 A/m^2, over the 1 V breakdown.
    spec = WindowSpec(J=2.2e12)
    tmr, ra = dev.junction.TMR, dev.junction.RA
    v0 = spec.J * ra * 2 * (1 + tmr) / (2 + tmr)
    with pytest.warns(BreakdownWarning, match=r"^window: 2 of 2 geometries .* breakdown voltage 1 V .* 1.0\d V") as rec:
        codes, vmax = classify_with_voltage(dev, np.array([10e-9, 28e-9]), np.array([45e-9, 52e-9]),
                                            np.array([50e-9, 50e-9]), spec)
    assert len(rec) == 1
    assert codes.tolist() == [1, 2]
    assert vmax == pytest.approx([v0, v0], rel=2e-3)
    with pytest.warns(BreakdownWarning):
        wmap = sweep_plane(dev, "T", points=(2, 2), spec=spec, ranges={"W": (4e-9, 10e-9), "L": (8e-9, 40e-9)})
    assert wmap.breakdown.tolist() == [[True, False], [True, True]]  # (L 8 nm, W 10 nm) is no geometry (W > L)
    assert [r[4] for r in wmap.rows()] == [1, 1, 1]
    assert wmap.counts()["breakdown"] == 3 and wmap.counts()["invalid"] == 1
    plot_window(wmap, tmp_path / "bd.png")
    assert (tmp_path / "bd.png").stat().st_size > 1000
    # at the standard J = 1.7e12 A/m^2 (0.83 V) nothing is marked and nothing warns (warnings are errors here)
    low = sweep_plane(dev, "T", points=(2, 1), ranges={"W": (4e-9, 10e-9), "L": (40e-9, 40e-9)})
    assert not low.breakdown.any() and np.nanmax(low.v_max) < 1.0
    assert np.nanmin(low.v_max) == pytest.approx(1.7e12 * ra * 2 * (1 + tmr) / (2 + tmr), rel=2e-3)


@pytest.mark.slow
@pytest.mark.parametrize("fix", ["W", "L", "T"])
def test_each_plane_shows_all_regimes(dev, fix):
    wmap = sweep_plane(dev, fix, points=(16, 30))
    counts = wmap.counts()
    assert counts["under"] > 0 and counts["lif"] > 0 and counts["over"] > 0, counts
    lines = boundaries(wmap)
    assert "under|lif" in lines and np.isfinite(lines["under|lif"]["rms"])


@pytest.mark.slow
def test_sample_agrees_with_single_device_runs(dev):
    # points in each regime and beside the boundaries (T = 50 nm plane)
    W = np.array([10e-9, 10e-9, 28e-9, 4e-9, 20e-9, 10e-9])
    L = np.array([45e-9, 70e-9, 52e-9, 40e-9, 47e-9, 30e-9])
    T = np.full(W.size, 50e-9)
    batched = classify_geometries(dev, W, L, T, chunk=4)
    single = check_sample(dev, W, L, T)
    assert set(batched.tolist()) == {0, 1, 2}
    np.testing.assert_array_equal(batched, single)


def test_bad_input_names_the_parameter(dev):
    with pytest.raises(ParameterError, match=r"^fix: got 'X'"):
        sweep_plane(dev, "X")
    with pytest.raises(ParameterError, match="t_stop"):
        WindowSpec(t_on=10e-9, t_relax=5e-9, t_stop=12e-9)
    with pytest.raises(ParameterError, match="^points"):
        sweep_plane(dev, "T", points=0)
    with pytest.raises(ParameterError, match="^range of W"):
        sweep_plane(dev, "T", ranges={"W": (12e-9, 10e-9)})
