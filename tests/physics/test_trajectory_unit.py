"""physics/trajectory.py's System, the right-hand side both integrators share, on the paths the solver
tests leave out: Brown's field passed to it, the current read from a time-varying drive, and an absurd
current whose torque coefficients overflow. Checked against the Gilbert equation written in
tests/physics/test_references.py and the waveform's own values, never against the package's kernels."""

from __future__ import annotations

import numpy as np
import pytest
from test_references import gilbert_dmdt

import mtjspice as ms
from mtjspice.errors import CostError
from mtjspice.physics.batch import DeviceBatch
from mtjspice.physics.drive import CurrentDrive
from mtjspice.physics.trajectory import System
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
