"""Onset hysteresis: from rest the device answers only above its onset current; driven, it keeps
answering far below it, with u proportional to I."""

from __future__ import annotations

import math

import numpy as np
import pytest
from conftest import MODELS

import mtjspice as ms
from mtjspice.characterize.onset import onset_current, onset_hysteresis
from mtjspice.errors import BreakdownWarning, ParameterError


@pytest.fixture(scope="module")
def ortho():
    return ms.load_device(MODELS / "orthogonal.toml")


def test_onset_from_rest_is_symmetric(ortho):
    pos = onset_current(ortho, i_max=1e-3, points=10, rounds=1)
    neg = onset_current(ortho, i_max=1e-3, points=10, rounds=1, sign=-1)
    assert 0.36e-3 < pos < 0.40e-3
    assert neg == pos  # the mirror image: m_y -> -m_y with I -> -I, from the rest state +z


def test_bad_staircase_settings_name_themselves(ortho):
    with pytest.raises(ParameterError, match="^tail"):
        onset_hysteresis(ortho, dwell=1e-9, tail=2e-9)
    with pytest.raises(ParameterError, match="^fine"):
        onset_hysteresis(ortho, fine=1)
    with pytest.raises(ParameterError, match="^sign"):
        onset_current(ortho, sign=0)


@pytest.mark.slow
def test_driven_state_survives_far_below_the_onset(ortho):
    h = onset_hysteresis(ortho)
    up = onset_current(ortho)
    assert h.up == (up, -onset_current(ortho, sign=-1))
    assert h.i_start == pytest.approx(1.8 * up)
    # down onsets: measured 0.0738 mA (resolution 2.5 uA), a fifth of the up onset, both signs alike
    assert 0.06e-3 < h.down[0] < 0.09e-3 and h.down[1] == -h.down[0]
    assert h.down[0] < 0.25 * up
    assert h.resolution == pytest.approx(h.i_start / 35 / 8)
    lv, u = h.levels[:, 0], h.u[:, 0]
    ok = np.isfinite(lv)
    lv, u, u_neg = lv[ok], u[ok], h.u[ok, 1]
    # on the driven branch u is odd in I and proportional to it (within 2 %) down to 0.14 mA
    assert np.allclose(u_neg, -u, atol=1e-9)
    ratio = u[0] / lv[0]
    band = lv >= 0.14e-3
    assert np.all(np.abs(u[band] / lv[band] / ratio - 1) < 0.02)
    # still clearly on just above the down onset, back at rest below it
    assert np.all(u[(lv >= h.down[0]) & (lv < 0.14e-3)] > 0.03)
    assert np.all(np.abs(u[lv < h.down[0] - 1e-12]) < 0.01)
    # from rest, the same currents below the up onset leave u at 0
    below = np.array([0.9 * up, 0.5 * up, 1.2 * h.down[0]])
    traj = ms.simulate(ms.DeviceBatch.from_device(ortho, n=3), ms.DC(below), 10e-9, 20e-12, rtol=1e-7)
    assert np.max(np.abs(traj.my[traj.t > 8e-9])) < 0.01
    s = h.summary()
    assert s["onset_down_neg"] == h.down[1] and s["onset_up_pos"] == up
    assert h.v_max > 1.0  # the start at 1.8 x onset passes the 1 V breakdown (u < 0 raises R)


@pytest.mark.slow
def test_fit_carries_the_onsets(ortho, tmp_path):
    from mtjspice.characterize.devicefit import fit_device
    from mtjspice.plots.fit import plot_fit

    with pytest.warns(BreakdownWarning, match=r"onset staircase 1\.\d+ V"):
        res = fit_device(ortho, n_random=0, t_stop=10e-9, i_th=0.383e-3, scan=np.array([0.6e-3, 0.9e-3]))
    s = res.summary()
    assert res.hysteresis is not None
    for key in ("onset_up_pos", "onset_up_neg", "onset_down_pos", "onset_down_neg"):
        assert math.isfinite(s[key])
    assert s["onset_down_pos"] < s["onset_up_pos"] and s["onset_down_neg"] > s["onset_up_neg"]
    plot_fit(res, tmp_path / "fit.png")
    assert (tmp_path / "fit.png").stat().st_size > 1000
