"""The physics added for the margin (issue 26) against analytic results: field-like torque,
interface anisotropy, Bloch's law and Joule heating in the Python engine; bad values refused by name."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy.optimize import fsolve

import mtjspice as ms
from mtjspice.constants import MU0
from mtjspice.errors import ParameterError
from mtjspice.physics.batch import DeviceBatch
from mtjspice.physics.devicedemag import device_demag
from mtjspice.physics.drive import as_drive
from mtjspice.physics.heating import bloch_ratio, heating_step
from mtjspice.physics.llgs import anisotropy_factors
from mtjspice.physics.rest import anisotropy_matrix, device_rest
from mtjspice.physics.trajectory import System


@pytest.fixture
def dev(ortho_path):
    return ms.load_device(ortho_path)


# ---- refused by name ----------------------------------------------------------------------
@pytest.mark.parametrize("key, value, name", [
    ("junction.thermal_resistance", -1.0, "junction.thermal_resistance"),
    ("junction.thermal_resistance", 1e5, "junction.thermal_time_constant"),  # heating with tau = 0
    ("junction.field_like_ratio", 3.0, "junction.field_like_ratio"),
    ("material.Ki_bottom", 0.02, "material.Ki_bottom"),
    ("material.curie_temperature", 250.0, "material.curie_temperature"),  # below the ambient 300 K
    ("material.bloch_exponent", 0.0, "material.bloch_exponent"),
])
def test_bad_values_are_refused_by_name(dev, key, value, name) -> None:
    with pytest.raises(ParameterError) as err:
        dev.replace(**{key: value})
    assert err.value.name == name
    assert "\n" not in str(err.value)


def test_interface_anisotropy_that_leaves_no_rest_direction_is_refused(dev) -> None:
    nx, _, nz = device_demag(dev)
    Ms, T = dev.material.Ms, dev.geometry.T
    ki = -(nx - nz) * MU0 * Ms**2 * T / 2.0  # makes Nz' = Nx: an easy plane, no rest direction
    bad = dev.replace(**{"material.Ki_bottom": ki})
    with pytest.raises(ParameterError) as err:
        device_rest(bad)
    assert err.value.name == "material.Ki_bottom"
    with pytest.raises(ParameterError):
        DeviceBatch.from_devices(bad)


# ---- effects at zero change nothing -------------------------------------------------------
def test_effects_at_zero_give_the_same_numbers_bit_for_bit(dev) -> None:
    """A Curie temperature without heating, and interfaces that cancel, leave every number as it was."""
    base = ms.simulate(dev, 0.5e-3, 2e-9, 10e-12, rtol=1e-8)
    other = dev.replace(**{"material.curie_temperature": 1100.0, "material.Ki_bottom": 1e-3,
                           "material.Ki_top": -1e-3})
    again = ms.simulate(other, 0.5e-3, 2e-9, 10e-12, rtol=1e-8)
    assert np.array_equal(base.m, again.m) and again.temperature is None and base.temperature is None
    b = DeviceBatch.from_devices(dev)
    assert b.NK is b.N  # no interface anisotropy: the very same array


# ---- field-like torque: the rest-state tilt it must produce ---------------------------------
def _equilibrium(device: ms.Device, current: float) -> np.ndarray:
    """m with dm/dt = 0 near +z under a DC current, found by root-finding on the solver's right-hand side."""
    sys = System(DeviceBatch.from_devices(device), as_drive(current))

    def resid(v: np.ndarray) -> np.ndarray:
        m = np.array([v[0], v[1], math.sqrt(1 - v[0] ** 2 - v[1] ** 2)])[:, None]
        return sys(0.0, m)[:2, 0] / 1e9

    v = fsolve(resid, [0.0, 0.0], xtol=1e-12)
    return np.array([v[0], v[1], math.sqrt(1 - v @ v)])


@pytest.mark.parametrize("sign", [1.0, -1.0])
def test_field_like_torque_tilts_the_rest_state_toward_p_by_bJ_over_the_y_stiffness(dev, sign) -> None:
    """Linearised about +z (p = +y), m x (H + b_J p + a_J m x p) = 0 gives
    m_x = -a_J / (Ms (Nx - Nz)) and m_y = b_J / (Ms (Ny - Nz)), b_J = xi a_J. At 20 uA the tilt is
    about 0.02 rad, so the neglected terms are second order: relative 1e-3 is a safe bound."""
    xi, current = 0.3, sign * 20e-6
    fl = dev.replace(**{"junction.field_like_ratio": xi})
    nx, ny, nz = device_demag(fl)
    aj = fl.aj_per_amp * current
    Ms = fl.material.Ms
    m = _equilibrium(fl, current)
    assert m[1] == pytest.approx(xi * aj / (Ms * (ny - nz)), rel=1e-3)
    assert m[0] == pytest.approx(-aj / (Ms * (nx - nz)), rel=2e-3)
    assert abs(_equilibrium(dev, current)[1]) < 1e-12  # without it, no tilt toward p at all


# ---- interface anisotropy ------------------------------------------------------------------
def test_interface_anisotropy_is_Ku_along_z_of_Ki_over_T(dev) -> None:
    ki = 1.3e-3
    N = np.asarray(device_demag(dev), float)[:, None]
    Ms, T = dev.material.Ms, dev.geometry.T
    folded = anisotropy_factors(N, Ms, T, ki)
    as_ku = anisotropy_matrix(N, Ms, ki / T, np.array([0.0, 0.0, 1.0]))[0]
    assert np.allclose(np.diag(as_ku), folded[:, 0], rtol=0, atol=1e-15)


def test_interface_anisotropy_sets_the_kittel_frequency(dev) -> None:
    """Undamped small precession about +z: omega = gamma mu0 Ms sqrt((Nx - Nz')(Ny - Nz')),
    Nz' = Nz - 2 Ki / (mu0 Ms^2 T). At a 0.01 rad tilt the amplitude shift is 1e-4 relative; 1e-3 bounds it."""
    d = dev.replace(**{"material.Ki_bottom": 0.8e-3, "material.Ki_top": 0.5e-3, "material.alpha": 0.0,
                       "initial.theta0": 0.01})
    nx, ny, nz = device_demag(d)
    Ms = d.material.Ms
    nzp = nz - 2 * 1.3e-3 / (MU0 * Ms**2 * d.geometry.T)
    omega = d.material.gamma * MU0 * Ms * math.sqrt((nx - nzp) * (ny - nzp))
    period = 2 * math.pi / omega
    traj = ms.simulate(d, 0.0, 5 * period, period / 400, rtol=1e-11)
    mx = traj.mx[:, 0]
    up = np.nonzero((mx[:-1] < 0) & (mx[1:] >= 0))[0]
    t_cross = traj.t[up] - mx[up] * (traj.t[up + 1] - traj.t[up]) / (mx[up + 1] - mx[up])
    measured = 2 * math.pi / np.mean(np.diff(t_cross))
    assert measured == pytest.approx(omega, rel=1e-3)
    without = dev.material.gamma * MU0 * Ms * math.sqrt((nx - nz) * (ny - nz))
    assert omega > 3 * without  # the effect is large: the test could not pass without it


def test_interface_anisotropy_turns_the_rest_direction(dev) -> None:
    nx, _, nz = device_demag(dev)
    Ms, T = dev.material.Ms, dev.geometry.T
    edge = -(nx - nz) * MU0 * Ms**2 * T / 2.0
    assert device_rest(dev.replace(**{"material.Ki_bottom": 1.3e-3})) == (0.0, 0.0, 1.0)
    assert device_rest(dev.replace(**{"material.Ki_bottom": 1.01 * edge})) == (1.0, 0.0, 0.0)
    assert device_rest(dev.replace(**{"material.Ki_bottom": 0.99 * edge})) == (0.0, 0.0, 1.0)


# ---- Bloch's law and Joule heating --------------------------------------------------------
def test_bloch_ratio_is_blochs_law() -> None:
    T = np.array([0.0, 300.0, 500.0, 900.0])
    expect = (1 - (T / 1100.0) ** 1.5) / (1 - (300.0 / 1100.0) ** 1.5)
    assert np.allclose(bloch_ratio(T, 300.0, 1100.0, 1.5), expect, rtol=1e-15, atol=0)
    assert bloch_ratio(300.0, 300.0, 1100.0) == 1.0
    assert np.all(bloch_ratio(T, 300.0, 0.0) == 1.0)  # off


def test_junction_temperature_follows_the_rc_step_response(dev) -> None:
    """With TMR = 0 the resistance, hence P = I^2 R_P, is constant whatever m does, and the junction
    temperature is T_amb + R_th P (1 - exp(-t / tau)). The solver's rtol 1e-10 bounds the error far
    below the 1e-6 relative tolerance."""
    r_th, tau, current = 5e4, 1e-9, 0.2e-3
    hot = dev.replace(**{"junction.thermal_resistance": r_th, "junction.thermal_time_constant": tau,
                         "material.curie_temperature": 1100.0, "junction.TMR": 0.0})
    traj = ms.simulate(hot, current, 4e-9, 0.1e-9, rtol=1e-10)
    assert traj.temperature is not None
    power = current * traj.voltage[:, 0]
    assert np.ptp(power) / power[0] < 1e-9  # constant power, as assumed
    expect = 300.0 + heating_step(traj.t, power[0], r_th, tau)
    assert np.allclose(traj.temperature[:, 0], expect, rtol=1e-6, atol=0)
    assert traj.temperature[-1, 0] - 300.0 > 0.9 * r_th * power[0]


def test_heating_lowers_ms_and_so_the_tilt_by_blochs_law(dev) -> None:
    """Once the junction is hot, the damping-like tilt is m_x = -a_J(T) / (Ms(T) (Nx - Nz)) with
    a_J proportional to 1 / Ms(T): m_x scales as 1 / s^2, s = Ms(T) / Ms(T_amb)."""
    r_th, tau, current = 5e7, 0.2e-9, 50e-6
    hot = dev.replace(**{"junction.thermal_resistance": r_th, "junction.thermal_time_constant": tau,
                         "material.curie_temperature": 1100.0, "material.alpha": 0.5})
    cold = dev.replace(**{"material.alpha": 0.5})
    t_hot = ms.simulate(hot, current, 6e-9, 1e-9, rtol=1e-10)
    t_cold = ms.simulate(cold, current, 6e-9, 1e-9, rtol=1e-10)
    assert t_hot.temperature is not None
    s = float(bloch_ratio(t_hot.temperature[-1, 0], 300.0, 1100.0))
    assert s < 0.9
    assert t_hot.mx[-1, 0] == pytest.approx(t_cold.mx[-1, 0] / s**2, rel=2e-3)


# ---- Oersted field -------------------------------------------------------------------------
def test_oersted_field_against_biot_savart_and_its_zero_average(dev) -> None:
    """The closed form against a direct 2D Biot-Savart sum over the cross-section (a 1200 x 1200 grid of
    current filaments; its discretisation error is below 1 % at the probe points), its rim value against
    Ampere's law, and the volume average against a grid average (zero to rounding)."""
    from mtjspice.physics.oersted import oersted_check, oersted_field, oersted_peak

    a, b, current = 22.5e-9, 5e-9, 0.6e-3
    n = 1200
    xs = (np.arange(n) + 0.5) / n * 2 - 1
    X, Y = np.meshgrid(xs * a, xs * b, indexing="ij")
    inside = (X / a) ** 2 + (Y / b) ** 2 <= 1
    dI = current / inside.sum()
    for px, py in [(0.3 * a, 0.2 * b), (-0.5 * a, 0.7 * b), (0.0, 0.95 * b)]:
        dx, dy = px - X[inside], py - Y[inside]
        r2 = dx * dx + dy * dy
        hx = np.sum(-dI * dy / (2 * np.pi * r2))
        hy = np.sum(dI * dx / (2 * np.pi * r2))
        ex, ey = oersted_field(px, py, current, a, b)
        assert math.hypot(hx - ex, hy - ey) < 0.01 * math.hypot(ex, ey)
    # Ampere: the circulation around the rim is the current; the rim field is constant.
    phi = np.linspace(0, 2 * np.pi, 4001)
    x, y = a * np.cos(phi), b * np.sin(phi)
    hx, hy = oersted_field(x, y, current, a, b)
    assert np.trapezoid(hx * np.gradient(x) + hy * np.gradient(y)) == pytest.approx(current, rel=1e-5)
    assert np.allclose(np.hypot(hx, hy), oersted_peak(current, a, b), rtol=1e-12)
    gx, gy = oersted_field(X[inside], Y[inside], current, a, b)
    assert abs(gx.mean()) < 1e-9 * oersted_peak(current, a, b) and abs(gy.mean()) < 1e-9 * oersted_peak(current, a, b)
    check = oersted_check(dev, current)
    assert check.peak == pytest.approx(current / (np.pi * (a + b)))
    assert check.margin == pytest.approx(dev.material.Ms * (device_demag(dev)[0] - device_demag(dev)[2]))
    assert not check.valid and check.ratio > 1  # the paper's device: 6.9 kA/m at the rim against 4.3 kA/m


def _cmtj_my(dev, current: float, t_on: float, t_stop: float, dt_out: float, beta: float = 0.0,
             field: float = 0.0) -> tuple[np.ndarray, np.ndarray]:
    """m_y(t) from cmtj (an independent C++ macrospin solver, optional) on ``dev``: a current step of
    ``current`` (A) from 0 to ``t_on`` (s) through its STT layer with field-like ``beta`` (-), and an
    external field of ``field`` (A/m) along p switched with it; RK4 at 2e-14 s, logged every ``dt_out``."""
    cmtj = pytest.importorskip("cmtj")
    from cmtj import AxialDriver, CVector, Junction, Layer, ScalarDriver

    b = DeviceBatch.from_devices(dev)
    N = b.N[:, 0]
    area = float(b.area[0])
    p = [float(x) for x in b.p[:, 0]]
    demag = [CVector(float(N[0]), 0, 0), CVector(0, float(N[1]), 0), CVector(0, 0, float(N[2]))]
    layer = Layer.createSTTLayer("free", CVector(*map(float, b.m0[:, 0])), CVector(0, 0, 1), float(MU0 * b.Ms[0]),
                                 float(b.T[0]), area, demag, damping=float(b.alpha[0]),
                                 SlonczewskiSpacerLayerParameter=1.0, beta=beta, spinPolarisation=float(b.eta[0]))
    layer.setReferenceLayer(CVector(*p))
    j = Junction([layer])
    j.setLayerAnisotropyDriver("free", ScalarDriver.getConstantDriver(0.0))
    j.setLayerCurrentDriver("free", ScalarDriver.getStepDriver(0.0, current / area, 0.0, t_on))
    if field:
        j.setLayerExternalFieldDriver(
            "free", AxialDriver(*[ScalarDriver.getStepDriver(0.0, field * c, 0.0, t_on) for c in p]))
    j.runSimulation(t_stop, 2e-14, dt_out, solverMode=cmtj.RK4)
    log = j.getLog()
    return np.asarray(log["time"]), np.asarray(log["free_my"])


def test_field_like_torque_against_cmtj(dev) -> None:
    """cmtj on the same device at 0.2 mA below onset: the change of m_y that b_J / a_J = 0.3 makes, in
    both codes. cmtj's STT ``beta`` is -b_J / a_J in this package's convention (measured: with +0.3 the
    codes disagree by three times the effect). The difference of the two changes cancels what the codes
    do differently without the effect (the step edge, cmtj's RK4 step) to first order: measured 5e-5
    against a change of 8e-4; 15 % bounds it."""
    pytest.importorskip("cmtj")
    t_stop, dt_out, t_on, current = 8e-9, 10e-12, 5e-9, 0.2e-3
    wave = ms.Pulse(0.0, current, 0.0, 1e-15, 1e-15, t_on, 1.0)
    ours0 = ms.simulate(dev, wave, t_stop, dt_out, rtol=1e-10)
    ours1 = ms.simulate(dev.replace(**{"junction.field_like_ratio": 0.3}), wave, t_stop, dt_out, rtol=1e-10)
    (t0, c0), (t1, c1) = (_cmtj_my(dev, current, t_on, t_stop, dt_out, beta=beta) for beta in (0.0, -0.3))
    d_ours = ours1.my[:, 0] - ours0.my[:, 0]
    d_cmtj = np.interp(ours0.t, t1, c1) - np.interp(ours0.t, t0, c0)
    effect = float(np.max(np.abs(d_ours)))
    assert effect > 5e-4
    assert float(np.max(np.abs(d_ours - d_cmtj))) < 0.15 * effect


@pytest.mark.parametrize("current", [0.2e-3, -0.2e-3, 0.1e-3])
def test_quadratic_field_like_torque_against_cmtj(dev, current) -> None:
    """The field-like term quadratic in bias (junction.field_like_quadratic, H_FL = xi_v2 V_j^2 p) against
    cmtj, which has no bias-dependent torque: with TMR = 0 the junction's resistance is R_P whatever m
    does, so at a constant current I the term is the constant field H = xi_v2 (I R_P)^2 along +p for
    either sign of I, and cmtj is given exactly that, two ways, switched on and off with the current.

    * As an external field along p: cmtj adds it to its effective field, as this package adds H_FL (so
      with its damping companion, the same torque term for term). This checks the term as written: V_j
      = I R_P, squared (the +-0.2 mA cases get the same field, 0.1 mA a quarter of it), the direction
      +p for both signs, the factor gamma'. Measured: the codes' changes of m_y differ by 1.3e-5 against
      a change of 1.2e-3 at 0.2 mA (1.1 %); 5 % bounds it.
    * As cmtj's own STT field-like torque, beta = -H / a_J(I) (the linear test's convention), which must
      flip its sign with I to give a field even in I: cmtj writes that torque as gamma' a_J eta beta
      (m x p) without the damping companion and with its eta = P / (1 + m.p), so the codes differ at
      O(alpha) and in the tilt: measured 8e-5 against 1.2e-3 (7 %); 15 % bounds it, as the linear test."""
    pytest.importorskip("cmtj")
    xi_v2, t_stop, dt_out, t_on = 8e3, 8e-9, 10e-12, 5e-9  # (A/m)/V^2: 410 A/m at 0.2 mA (0.226 V)
    plain = dev.replace(**{"junction.TMR": 0.0})
    b = DeviceBatch.from_devices(plain)
    r_p = plain.junction.RA / float(b.area[0])
    field = xi_v2 * (current * r_p) ** 2
    beta = -field / (float(b.aj_per_amp[0]) * current)
    wave = ms.Pulse(0.0, current, 0.0, 1e-15, 1e-15, t_on, 1.0)
    ours0 = ms.simulate(plain, wave, t_stop, dt_out, rtol=1e-10)
    ours1 = ms.simulate(plain.replace(**{"junction.field_like_quadratic": xi_v2}), wave, t_stop, dt_out, rtol=1e-10)
    d_ours = ours1.my[:, 0] - ours0.my[:, 0]
    t0, c0 = _cmtj_my(plain, current, t_on, t_stop, dt_out)
    t1, c1 = _cmtj_my(plain, current, t_on, t_stop, dt_out, field=field)
    t2, c2 = _cmtj_my(plain, current, t_on, t_stop, dt_out, beta=beta)
    base = np.interp(ours0.t, t0, c0)
    d_field = np.interp(ours0.t, t1, c1) - base
    d_beta = np.interp(ours0.t, t2, c2) - base
    effect = float(np.max(np.abs(d_ours)))
    assert effect > 2.5e-4 * (current / 0.2e-3) ** 2  # a tilt toward +p of about H / (Ms (Ny - Nz))
    assert float(np.max(d_ours)) == pytest.approx(effect)  # toward +p, for either sign of I
    assert float(np.max(np.abs(d_ours - d_field))) < 0.05 * effect
    assert float(np.max(np.abs(d_ours - d_beta))) < 0.15 * effect


@pytest.mark.ngspice
@pytest.mark.slow
def test_the_neuron_report_states_the_oersted_validity(tmp_path) -> None:
    """The neuron's report.txt ends with the Oersted line for the run's peak input: the default 0.62 mA
    input gives 0.62e-3 / (pi 27.5 nm) = 7.18 kA/m at the rim, above the paper device's 4.27 kA/m margin."""
    from mtjspice.cli import main

    out = tmp_path / "n"
    assert main(["neuron", "orthogonal", "--t-stop", "3n", "--out", str(out)]) == 0
    last = (out / "report.txt").read_text(encoding="utf-8").splitlines()[-1]
    assert last.startswith("validity: Oersted field at") and "ABOVE" in last and "volume average 0 A/m" in last
