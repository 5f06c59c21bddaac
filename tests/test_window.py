"""The dimension design window: the representative design is LIF, every plane shows every regime,
and the batched classification agrees with single-device runs."""

from __future__ import annotations

import numpy as np
import pytest
from conftest import MODELS

import mtjspice as ms
from mtjspice.analysis.window import WindowSpec, boundaries, check_sample, classify_geometries, rest_theta, sweep_plane
from mtjspice.errors import ParameterError


@pytest.fixture(scope="module")
def dev():
    return ms.load_device(MODELS / "orthogonal.toml")


def test_representative_design_is_lif(dev):
    assert classify_geometries(dev, np.array([10e-9]), np.array([45e-9]), np.array([50e-9]))[0] == 1


def test_rest_state_follows_easy_axis():
    th = rest_theta(np.array([10e-9, 10e-9]), np.array([45e-9, 45e-9]), np.array([50e-9, 20e-9]), "elliptic_cylinder")
    assert th[0] == 0.0 and th[1] == pytest.approx(np.pi / 2)


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
