"""physics/trajectory.py: System, the right-hand side both integrators share, on the paths the solver
tests leave out: Brown's field passed to it, the current read from a time-varying drive, and an absurd
current whose torque coefficients overflow; and the shared helpers (output times, initial states, the
breakdown warning, the result's views) on values written by hand. Checked against the Gilbert equation
written in tests/physics/test_references.py and the waveform's own values, never against the package's kernels."""

from __future__ import annotations

import math
import sys
import warnings

import numpy as np
import pytest
from test_references import gilbert_dmdt

import mtjspice as ms
from mtjspice.errors import CostError, ParameterError
from mtjspice.physics.batch import DeviceBatch
from mtjspice.physics.drive import CurrentDrive
from mtjspice.physics.trajectory import System, Trajectory, check_breakdown, initial_state, output_times, warn_batch_breakdown
from mtjspice.stimulus import DC, PWL


@pytest.fixture
def dev(ortho_path) -> ms.Device:
    return ms.load_device(ortho_path).replace(**{"junction.pinned": (0.3, 0.9, 0.1)})


def test_browns_field_enters_h_as_a_field(dev) -> None:
    """The thermal field h_th (A/m) is part of H: dm/dt with it minus dm/dt without it is the Gilbert torque
    of h_th alone (the equation is linear in H; no spin torque in the difference). Tolerance 1e-7 of the
    largest difference: CODATA 2018 against 2022 constants (7e-10) and the rounding of two large right-hand
    sides subtracted (the fields' dm/dt is 48 times the thermal part's here)."""
    rng = np.random.default_rng(301)
    n = 8
    m = rng.normal(size=(3, n))
    m /= np.linalg.norm(m, axis=0)
    current = rng.uniform(-1e-3, 1e-3, n)
    h_th = rng.normal(size=(3, n)) * 2e3
    sys = System(DeviceBatch.from_device(dev, n=n), CurrentDrive(DC(current)))
    diff = sys(0.0, m.copy(), h_th.copy()) - sys(0.0, m.copy())
    p = np.repeat(np.array(dev.junction.pinned, float)[:, None], n, axis=1)
    want = gilbert_dmdt(m, h_th, np.zeros(n), p, dev.material.alpha, dev.material.gamma)
    assert np.allclose(diff, want, rtol=0, atol=1e-7 * np.abs(want).max())
    assert np.abs(want).max() > 1e8  # 1/s (1.0e9 here): far from zero, so a dropped or misscaled field shows


def test_current_is_the_waveforms_value_at_every_time(dev) -> None:
    """An ideal current drive's junction current is the waveform itself, at any time asked, in any order."""
    wave = PWL(np.array([0.0, 1e-9, 2e-9]), np.array([0.0, 1e-3, -0.5e-3]))
    sys = System(DeviceBatch.from_devices(dev), CurrentDrive(wave))
    m = DeviceBatch.from_devices(dev).m0.copy()
    for t in (1.5e-9, 0.25e-9, 2.5e-9, 1e-9):
        assert float(np.asarray(sys.current(t, m)).ravel()[0]) == pytest.approx(float(wave(t)), rel=1e-15, abs=0)


def test_absurd_current_is_refused_by_the_cost_guard_not_by_numpy(dev) -> None:
    """With the field-like ratio equal to alpha the damping coefficient (alpha - xi) a_J is 0 x inf at an
    absurd current: System must let that pass silently (the test run turns numpy warnings into errors) so
    that the cost guard refuses the run by name."""
    d = dev.replace(**{"junction.field_like_ratio": dev.material.alpha})
    with pytest.raises(CostError) as err:
        ms.simulate(d, 1e300, 1e-9, 1e-10)
    assert err.value.name == "current"


# ---- output times, initial states, the breakdown warning: values written by hand ------------------
@pytest.mark.parametrize("t_stop, dt_out, k", [(1e-9, 1e-10, 11), (1e-9, 3e-10, 4), (1e-9, 1e-9 / 3, 4),
                                               (1e-9, 1e-9, 2), (1e-9, 0.4e-9, 3)])
def test_output_times_are_multiples_of_dt_out_up_to_t_stop(t_stop, dt_out, k) -> None:
    """0, dt_out, ... up to t_stop, t_stop itself included when it is a multiple of dt_out within rounding
    (1e-9 / 3 three times is 1e-9 to 1 ulp)."""
    t = output_times(t_stop, dt_out)
    assert t.size == k
    assert np.array_equal(t, dt_out * np.arange(k))
    assert t[-1] <= t_stop * (1 + 1e-12)


@pytest.mark.parametrize("t_stop, dt_out, name", [(0.0, 1e-12, "t_stop"), (-1e-9, 1e-12, "t_stop"),
                                                  (math.inf, 1e-12, "t_stop"), (math.nan, 1e-12, "t_stop"),
                                                  (1e-9, 0.0, "dt_out"), (1e-9, 2e-9, "dt_out"),
                                                  (1e-9, math.nan, "dt_out"), (1e-9, -1e-12, "dt_out")])
def test_output_times_refuse_by_name(t_stop, dt_out, name) -> None:
    with pytest.raises(ParameterError) as err:
        output_times(t_stop, dt_out)
    assert err.value.name == name
    assert "\n" not in str(err.value)


def test_initial_state_takes_any_layout_and_normalizes(dev) -> None:
    batch = DeviceBatch.from_device(dev, n=2)
    assert np.array_equal(initial_state(batch, None), batch.m0 / np.linalg.norm(batch.m0, axis=0))
    one = initial_state(batch, [0.0, 3.0, 4.0])
    assert np.allclose(one, [[0.0, 0.0], [0.6, 0.6], [0.8, 0.8]], rtol=0, atol=1e-15)
    rows = initial_state(batch, [[2.0, 0.0, 0.0], [0.0, 0.0, -5.0]])  # (n, 3): one row per device
    assert np.array_equal(rows, [[1.0, 0.0], [0.0, 0.0], [0.0, -1.0]])
    cols = initial_state(DeviceBatch.from_device(dev, n=3), np.array([[1.0, 0.0, 0.0], [0.0, 2.0, 0.0],
                                                                      [0.0, 0.0, 3.0]]))  # (3, n) as given
    assert np.array_equal(cols, np.eye(3))
    shapes = "finite vectors, shape (3,), (n, 3) or (3, n)"
    for bad, value, allowed in (([0.0, 0.0, 0.0], "zero vector", "vectors of nonzero length"),
                                ([1.0, math.nan, 0.0], (3,), shapes), ([1.0, 0.0], (2,), shapes)):
        with pytest.raises(ParameterError) as err:
            initial_state(batch, bad)
        assert (err.value.name, err.value.value, err.value.allowed) == ("m0", value, allowed)


def test_breakdown_option_and_warning_text() -> None:
    check_breakdown("warn")
    check_breakdown("ignore")
    with pytest.raises(ParameterError) as err:
        check_breakdown("error")
    assert (err.value.name, err.value.value, err.value.allowed) == ("breakdown", "error", "'warn' or 'ignore'")
    with pytest.warns(ms.BreakdownWarning) as rec:
        warn_batch_breakdown(np.array([0.5, 2.0, 1.5, 2.4]), np.array([1.0, 1.0, 1.0, 3.0]))
    # the worst device is the largest ratio v / V_bd (2.0 / 1.0, device 1; device 3 has the largest v and
    # the largest v V_bd but is under); devices 1 and 2 are over
    assert str(rec[0].message) == ("junction voltage reached 2 V in device 1, above its breakdown voltage 1 V "
                                   "(2 of 4 devices over)")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        warn_batch_breakdown(np.array([0.9, 1.0]), np.array([1.0, 1.0]))  # at, not over: silent


def test_trajectory_components_and_count() -> None:
    m = np.arange(2 * 3 * 3, dtype=float).reshape(2, 3, 3)  # (k, n, 3)
    z = np.zeros((2, 3))
    tr = Trajectory(t=np.array([0.0, 1.0]), m=m, current=z, voltage=z, resistance=z)
    assert np.array_equal(tr.mx, m[..., 0]) and np.array_equal(tr.my, m[..., 1]) and np.array_equal(tr.mz, m[..., 2])
    assert tr.n == 3 and isinstance(tr.n, int)


def test_breakdown_warning_points_at_the_callers_caller(dev) -> None:
    """warn_batch_breakdown(stacklevel=2) warns as warnings.warn(stacklevel=2) would in its caller: at the line
    that called that caller. Under mutmut the module's functions are wrapped (one more frame each), so the
    frame count cannot hold there; tests/mutation.sh's fresh-process recheck runs it on the plain source."""
    from mtjspice.physics import trajectory

    if hasattr(trajectory, "x_warn_batch_breakdown__mutmut_orig"):
        pytest.skip("mutmut's trampolines add frames")

    def api() -> None:  # a package function that checked its run
        warn_batch_breakdown(np.array([2.0]), np.array([1.0]))

    with pytest.warns(ms.BreakdownWarning) as rec:
        line = sys._getframe().f_lineno + 1
        api()
    assert (rec[0].filename, rec[0].lineno) == (__file__, line)
