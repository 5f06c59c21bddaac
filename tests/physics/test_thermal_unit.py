"""Brown's thermal field in the stochastic solver, checked in short runs against its definition.

Brown (Phys. Rev. 130, 1677 (1963)): each component of the field is white noise with
<H_i(t) H_j(t')> = 2D delta_ij delta(t - t'), 2D = 2 alpha kB T / (gamma mu0^2 Ms V).
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import constants as sc

import mtjspice as ms
from mtjspice.physics.thermal import brown_density


def test_brown_density_is_the_textbook_value(ortho_path) -> None:
    dev = ms.load_device(ortho_path)
    mat, V = dev.material, dev.geometry.volume
    want = 2 * mat.alpha * sc.k * 300.0 / (mat.gamma * sc.mu_0**2 * mat.Ms * V)
    # mu0 enters squared: CODATA 2018 (package) vs 2022 (scipy) differ by 1.4e-9 relative
    assert float(brown_density(mat.alpha, mat.gamma, mat.Ms, V, 300.0)) == pytest.approx(want, rel=3e-9)
    # linear in alpha and T, inverse in Ms and V, per-device arrays broadcast
    got = brown_density(np.array([0.01, 0.02]), mat.gamma, np.array([1e6, 5e5]), V, np.array([300.0, 150.0]))
    assert got[1] / got[0] == pytest.approx(2 * 0.5 / 0.5, rel=1e-12)


def test_short_time_diffusion_matches_the_field_strength(ortho_path) -> None:
    # From rest along +z (no torque at rest), over a time t much shorter than the relaxation time
    # (2 ps vs about 1 ns), m_x and m_y diffuse: <m_x^2> = gamma'^2 (1 + alpha^2) 2D t with
    # gamma' = gamma mu0 / (1 + alpha^2) (the precession and damping torques of the field). Over
    # 4000 devices the sample variance has a relative standard error sqrt(2 / 4000) = 2.2 %, and the
    # deterministic restoring torque changes it by about t / tau = 0.2 %: 10 % is 4.5 sigma, and a
    # field off by a factor sqrt(2) (a variance off by 2) is 45 sigma away.
    dev = ms.load_device(ortho_path).replace(**{"material.temperature": 300.0})
    n, t = 4000, 2e-12
    traj = ms.simulate_thermal([dev] * n, 0.0, t, t, dt=1e-13, seed=11)
    mat = dev.material
    two_d = 2 * mat.alpha * sc.k * 300.0 / (mat.gamma * sc.mu_0**2 * mat.Ms * dev.geometry.volume)
    gp = mat.gamma * sc.mu_0 / (1 + mat.alpha**2)
    want = gp**2 * (1 + mat.alpha**2) * two_d * t
    m_end = traj.m[-1]  # (n, 3)
    for comp in (0, 1):
        assert float(np.mean(m_end[:, comp] ** 2)) == pytest.approx(want, rel=0.10)
    # |m| stays 1 (the solver renormalises each step)
    assert np.allclose(np.linalg.norm(m_end, axis=1), 1.0, atol=1e-12)
    # the temperature argument overrides the device's: at 75 K the variance is a quarter
    cold = ms.simulate_thermal([dev] * n, 0.0, t, t, dt=1e-13, seed=11, temperature=75.0)
    assert float(np.mean(cold.m[-1][:, 0] ** 2)) == pytest.approx(want / 4, rel=0.10)


@pytest.mark.parametrize(("kw", "match"), [
    ({"dt": 0.0}, r"^dt: got 0\.0; allowed: a time step > 0 \(s\)"),
    ({"dt": math.nan}, r"^dt: got nan"),
    ({"temperature": -1.0}, r"^temperature: got -1\.0; allowed: finite numbers >= 0 \(K\)"),
    ({"temperature": math.inf}, r"^temperature: got inf"),
])
def test_bad_arguments_are_refused_by_name(ortho_path, kw: dict[str, float], match: str) -> None:
    dev = ms.load_device(ortho_path)
    with pytest.raises(ms.ParameterError, match=match):
        ms.simulate_thermal(dev, 0.0, 1e-12, 1e-12, **kw)  # type: ignore[arg-type]


def test_output_times_and_step(ortho_path) -> None:
    # dt_out = 1 ps with dt = 0.3 ps: the step shrinks to 0.25 ps so that four divide each output
    # interval; the output grid is exact and the step count is 4 per output
    dev = ms.load_device(ortho_path)
    traj = ms.simulate_thermal(dev, 0.0, 5e-12, 1e-12, dt=0.3e-12, seed=1)
    assert traj.t == pytest.approx(np.arange(6) * 1e-12, abs=1e-24)
    assert traj.m.shape == (6, 1, 3)
    assert traj.steps == 20


def test_time_dependent_drive_at_zero_kelvin_follows_the_deterministic_solver(ortho_path) -> None:
    # At 0 K the stochastic Heun scheme is a second-order deterministic method; with a pulse that
    # switches on at 0.1 ns and off at 0.3 ns it must see the drive at the right times (each stage at
    # its own time). Step 20 fs against rates of ~1e11 1/s: Heun's error ~ (h rate)^2 x rate x t ~ 1e-6;
    # a drive seen one step early or late moves m by rate x a_J-torque x h ~ 1e-4.
    dev = ms.load_device(ortho_path)
    wave = ms.Pulse(0.0, 0.5e-3, 0.1e-9, 1e-12, 1e-12, 0.2e-9, 1.0)
    cold = ms.simulate_thermal(dev, wave, 0.4e-9, 10e-12, dt=2e-14, temperature=0.0)
    det = ms.simulate(dev, wave, 0.4e-9, 10e-12, rtol=1e-10)
    assert np.max(np.abs(cold.m - det.m)) < 1e-5
    assert np.max(np.abs(cold.m[-1] - cold.m[0])) > 1e-3  # the pulse did move m


def test_initial_state_default_seed_and_single_substep(ortho_path) -> None:
    dev = ms.load_device(ortho_path)
    # an explicit m0 is where the run starts (row 0 is the initial state, exactly)
    m0 = np.array([0.6, 0.0, 0.8])
    traj = ms.simulate_thermal(dev, 0.0, 1e-12, 1e-12, m0=m0, temperature=0.0)
    assert traj.m[0, 0] == pytest.approx(m0, abs=1e-15)
    # the default seed is 0
    a = ms.simulate_thermal(dev, 0.0, 2e-12, 1e-12)
    b = ms.simulate_thermal(dev, 0.0, 2e-12, 1e-12, seed=0)
    assert np.array_equal(a.m, b.m)
    # a Generator is used as given (its state advances)
    g = np.random.default_rng(5)
    c = ms.simulate_thermal(dev, 0.0, 2e-12, 1e-12, seed=g)
    d = ms.simulate_thermal(dev, 0.0, 2e-12, 1e-12, seed=g)
    assert np.array_equal(c.m, ms.simulate_thermal(dev, 0.0, 2e-12, 1e-12, seed=5).m) and not np.array_equal(c.m, d.m)
    # dt equal to dt_out: one step per output interval
    assert ms.simulate_thermal(dev, 0.0, 5e-12, 1e-13, dt=1e-13).steps == 50


def test_refusals_and_warnings_say_what_to_do(ortho_path, monkeypatch) -> None:
    from mtjspice import budget
    from mtjspice.errors import CostError, CostWarning
    from mtjspice.physics.batch import DeviceBatch

    dev = ms.load_device(ortho_path)
    with pytest.raises(CostError, match=r"raise dt \(or dt_out\) or shorten t_stop"):
        ms.simulate_thermal(dev, 0.0, 1e-3, 1e-9)
    with pytest.raises(ms.ParameterError, match=r"allowed: a step that resolves the fastest rate \(step x rate <= 1\.0\)"
                                                 r": the step is 1e-11 s and "):
        ms.simulate_thermal(dev, 0.0, 1e-9, 1e-10, dt=1e-11)
    # the run-time estimate grows with the devices: 10 steps x 1000 devices x (55 + 0.13 x 1000) us
    monkeypatch.setattr(budget, "SLOW_SECONDS", 1e-6)
    with pytest.warns(CostWarning, match=r"\(10 steps x 1000 devices\) is estimated to take about 0\.0019 s; "
                                         r"raise dt or shorten t_stop"):
        ms.simulate_thermal(DeviceBatch.from_device(dev, n=1000), 0.0, 1e-12, 1e-12, dt=1e-13)
    # the output's memory counts every device: 101 samples x 1000 devices x 10 values x 8 bytes = 8 MB
    monkeypatch.setenv("MTJSPICE_MEMORY_LIMIT", "10e6")
    with pytest.raises(CostError, match="^t_stop: "):
        ms.simulate_thermal(DeviceBatch.from_device(dev, n=1000), 0.0, 1e-12, 1e-14, dt=1e-14)


def test_a_drive_on_from_t0_is_seen_from_the_first_stage(ortho_path) -> None:
    # 0.5 mA from t = 0, off after 0.2 ns (PWL): the very first Heun stage must use the drive at t = 0.
    # Same tolerance as the pulse test above (a first stage at any other time moves m by ~1e-4).
    dev = ms.load_device(ortho_path)
    wave = ms.PWL([0.0, 0.2e-9, 0.201e-9], [0.5e-3, 0.5e-3, 0.0])
    cold = ms.simulate_thermal(dev, wave, 0.3e-9, 10e-12, dt=2e-14, temperature=0.0)
    det = ms.simulate(dev, wave, 0.3e-9, 10e-12, rtol=1e-10)
    assert np.max(np.abs(cold.m - det.m)) < 1e-5


def test_breakdown_warning_and_step_counts(ortho_path) -> None:
    import warnings

    from mtjspice.errors import BreakdownWarning

    dev = ms.load_device(ortho_path)
    # 1.5 mA through R_P ~ 1.13 kOhm is about 1.7 V, above the 1 V rating: warned by default ...
    with pytest.warns(BreakdownWarning, match="above its breakdown voltage"):
        hot = ms.simulate_thermal(dev, 1.5e-3, 1e-12, 1e-12, dt=1e-14)
    assert hot.steps == 100 and hot.rejected == 0 and type(hot.rejected) is int  # a fixed step rejects nothing
    # ... and silent with breakdown="ignore"; below the rating there is nothing to warn about
    with warnings.catch_warnings():
        warnings.simplefilter("error", BreakdownWarning)
        ms.simulate_thermal(dev, 1.5e-3, 1e-12, 1e-12, dt=1e-14, breakdown="ignore")
        ms.simulate_thermal(dev, 0.1e-3, 1e-12, 1e-12, dt=1e-14)


def test_a_heated_junction_takes_every_argument_to_the_heated_solver(ortho_path) -> None:
    """A junction with Joule heating runs the stochastic solver over the heated state (physics/heated.py), and each
    argument of simulate_thermal reaches it: each one is seen in the result."""
    import warnings

    from mtjspice.errors import BreakdownWarning, CostError, RunTimeoutError

    r_th, tau, current = 5e4, 0.1e-9, 0.2e-3
    dev = ms.load_device(ortho_path).replace(**{"junction.thermal_resistance": r_th, "junction.thermal_time_constant": tau,
                                                "material.curie_temperature": 1100.0, "junction.TMR": 0.0})
    m0 = np.array([0.6, 0.0, 0.8])
    cold = ms.simulate_thermal(dev, current, 0.3e-9, 0.1e-9, dt=1e-13, temperature=0.0, m0=m0)
    assert cold.t == pytest.approx([0.0, 0.1e-9, 0.2e-9, 0.3e-9], abs=1e-24)  # t_stop and dt_out
    assert cold.steps == 3000  # dt: 1000 steps of 0.1 ps per output interval
    assert cold.m[0, 0] == pytest.approx(m0, abs=1e-15)
    # TMR = 0: the power I^2 R_P is constant, so the junction warms as the RC step response written here,
    # T_amb + R_th P (1 - exp(-t / tau)), from the device's 300 K (the temperature argument sets the noise
    # only). Heun's error over a step of tau / 1000 is of order (h / tau)^2 = 1e-6 of the rise (measured
    # 1e-7): 1e-6.
    assert cold.temperature is not None and cold.voltage is not None
    power = current * float(cold.voltage[0, 0])
    rise = r_th * power * (1.0 - np.exp(-cold.t / tau))
    assert cold.temperature[:, 0] - 300.0 == pytest.approx(rise, rel=1e-6, abs=1e-9)
    assert rise[-1] > 1.0  # a real warming (2.3 K)
    # at 0 K the scheme is deterministic and follows the heated deterministic solver (rtol 1e-10): Heun's
    # error at 0.1 ps, measured 2.6e-7 in m here; 2e-6 (a drive or temperature seen one step off moves
    # m by ~1e-4, as in the tests above)
    det = ms.simulate(dev, current, 0.3e-9, 0.1e-9, m0=m0, rtol=1e-10)
    assert np.max(np.abs(cold.m - det.m)) < 2e-6
    # at the device's 300 K the noise moves m, reproducibly from the seed
    a, b, c = (ms.simulate_thermal(dev, current, 20e-12, 10e-12, dt=1e-13, m0=m0, seed=s) for s in (3, 3, 4))
    assert np.array_equal(a.m, b.m) and not np.array_equal(a.m, c.m)
    assert np.max(np.abs(a.m[-1] - cold.m[0])) > 1e-4
    # max_steps and timeout reach it: 1000 steps against a limit of 10; a deadline 1 ns after the start
    # has passed at the first look at the clock (after 32 steps)
    with pytest.raises(CostError, match=r"^dt: "):
        ms.simulate_thermal(dev, current, 0.1e-9, 0.1e-9, dt=1e-13, max_steps=10)
    with pytest.raises(RunTimeoutError):
        ms.simulate_thermal(dev, current, 0.1e-9, 0.1e-9, dt=1e-13, timeout=1e-9)
    # 1.5 mA through R_P ~ 1.13 kOhm is about 1.7 V, above the 1 V rating: warned unless breakdown="ignore"
    with pytest.warns(BreakdownWarning, match="above its breakdown voltage"):
        ms.simulate_thermal(dev, 1.5e-3, 1e-12, 1e-12, dt=1e-14)
    with warnings.catch_warnings():
        warnings.simplefilter("error", BreakdownWarning)
        ms.simulate_thermal(dev, 1.5e-3, 1e-12, 1e-12, dt=1e-14, breakdown="ignore")
