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
