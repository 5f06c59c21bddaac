"""The field-like torque's bias-quadratic part (junction.field_like_quadratic, issue 26):
H_FL = (xi a_J(I) + xi_v2 V_j^2) p, V_j the junction voltage. Checked against the rest-state tilt it
must produce (analytic, small angle), against the Gilbert equation written in tests/physics/test_references.py
(never the package's kernels), in the Python solver's every path (lean System, compiled-kernel steps,
heated and thermal) and on the rendered ngspice text; at zero it changes nothing, bit for bit."""

from __future__ import annotations

import math

import numpy as np
import pytest
from conftest import sibling_module
from scipy.optimize import fsolve
from test_references import gilbert_dmdt, spin_torque_field

import mtjspice as ms
from mtjspice.errors import ParameterError
from mtjspice.netlist import mtj as M
from mtjspice.physics.batch import DeviceBatch
from mtjspice.physics.devicedemag import device_demag
from mtjspice.physics.drive import CurrentDrive, DividerDrive, as_drive
from mtjspice.physics.heated import HeatedSystem
from mtjspice.physics.stepper import GridStepper
from mtjspice.physics.trajectory import System
from mtjspice.stimulus import DC

_effects = sibling_module("netlist/test_mtj_effects_reference.py")
_correction, _eval, _lines, _reference_f, _rhs = (
    _effects._correction, _effects._eval, _effects._lines, _effects._reference_f, _effects._rhs)

Q = 2000.0  # (A/m)/V^2: at the 0.8 V of a 0.6 mA drive, 1.3 kA/m, a third of the easy-axis margin


@pytest.fixture
def dev(ortho_path) -> ms.Device:
    return ms.load_device(ortho_path)


def _voltage(device: ms.Device, current: float, mp: float) -> float:
    """Junction voltage (V) at ``current`` (A) and m.p, by the bias-dependent TMR's fixed point written
    here: V = I / G(m.p, V), G = G_P (1 + m.p)/2 + G_AP(V) (1 - m.p)/2, G_AP = G_P / (1 + TMR / (1 + (V/V_half)^2))."""
    j, g = device.junction, device.geometry
    gp = math.pi * g.W * g.L / 4.0 / j.RA

    def resid(v: float) -> float:
        tmr = j.TMR / (1 + (v / j.V_half) ** 2) if j.V_half > 0 else j.TMR
        return v * (gp * (1 + mp) / 2 + gp / (1 + tmr) * (1 - mp) / 2) - current

    return float(fsolve(lambda x: [resid(x[0])], [current * 1e3])[0])


def _equilibrium(device: ms.Device, current: float) -> np.ndarray:
    sys = System(DeviceBatch.from_devices(device), as_drive(current))

    def resid(v: np.ndarray) -> np.ndarray:
        m = np.array([v[0], v[1], math.sqrt(1 - v[0] ** 2 - v[1] ** 2)])[:, None]
        return sys(0.0, m)[:2, 0] / 1e9

    v = fsolve(resid, [0.0, 0.0], xtol=1e-13)
    return np.array([v[0], v[1], math.sqrt(1 - v @ v)])


# ---- refused by name; zero changes nothing --------------------------------------------------
@pytest.mark.parametrize("value", [2e5, -2e5, math.inf, math.nan, "big"])
def test_bad_values_are_refused_by_name(dev, value) -> None:
    with pytest.raises(ParameterError) as err:
        dev.replace(**{"junction.field_like_quadratic": value})
    assert err.value.name == "junction.field_like_quadratic"
    assert "\n" not in str(err.value)
    with pytest.raises(ParameterError) as err:
        DeviceBatch.from_device(dev, n=2, xi_v2=[0.0, math.inf])
    assert err.value.name == "xi_v2"


def test_zero_gives_the_same_numbers_and_text_bit_for_bit(dev) -> None:
    zero = dev.replace(**{"junction.field_like_quadratic": 0.0, "junction.V_half": 0.5})
    base = ms.simulate(dev.replace(**{"junction.V_half": 0.5}), 0.5e-3, 2e-9, 10e-12, rtol=1e-8)
    again = ms.simulate(zero, 0.5e-3, 2e-9, 10e-12, rtol=1e-8)
    assert np.array_equal(base.m, again.m)
    assert M.field_like_v2_polynomials(zero) is None
    assert "vq" not in "".join(_lines(zero)) and "V(tb)" not in "".join(_lines(zero).values())
    on = dev.replace(**{"junction.field_like_quadratic": Q})
    assert "Btb" in _lines(on) and "Btd" in _lines(on)


# ---- the rest-state tilt it must produce --------------------------------------------------
@pytest.mark.parametrize("v_half", [0.0, 0.5])
def test_rest_tilt_toward_p_is_even_in_the_current(dev, v_half) -> None:
    """Linearised about +z (p = +y), the field b p tilts m toward p by m_y = b / (Ms (Ny - Nz)), with
    b = xi a_J + xi_v2 V^2 and V from the resistance at that state (and bias). So the quadratic part's
    tilt is the same for +I and -I, the linear part's changes sign: half the sum of the two tilts is
    xi_v2 V^2 / (Ms (Ny - Nz)), half the difference xi a_J / (Ms (Ny - Nz)). At 20 uA the tilts are 1e-4
    to 1e-2 rad; the neglected terms are second order (m_x^2 about 4e-4): relative 2e-3."""
    xi, q, current = 0.3, 1e5, 20e-6
    d = dev.replace(**{"junction.field_like_ratio": xi, "junction.field_like_quadratic": q,
                       "junction.V_half": v_half})
    _, ny, nz = device_demag(d)
    stiff = d.material.Ms * (ny - nz)
    up, down = _equilibrium(d, current), _equilibrium(d, -current)
    p = np.array(d.junction.pinned)
    v_up, v_down = _voltage(d, current, float(up @ p)), _voltage(d, -current, float(down @ p))
    assert v_up == pytest.approx(-v_down, rel=1e-3)  # the same |V| both ways at this tiny tilt
    quad = 0.5 * (up[1] + down[1])
    lin = 0.5 * (up[1] - down[1])
    assert quad == pytest.approx(q * 0.5 * (v_up**2 + v_down**2) / stiff, rel=2e-3)
    assert lin == pytest.approx(xi * d.aj_per_amp * current / stiff, rel=2e-3)
    assert quad > 0.01 * abs(lin)  # both far above the tolerance
    alone = _equilibrium(d.replace(**{"junction.field_like_ratio": 0.0}), -current)
    assert alone[1] == pytest.approx(q * v_down**2 / stiff, rel=2e-3)  # toward +p for -I too


# ---- the Gilbert equation, written in tests/physics/test_references.py ----------------------------
def _gilbert(d: ms.Device, m: np.ndarray, current: np.ndarray, volt: np.ndarray) -> np.ndarray:
    mat = d.material
    nx, ny, nz = device_demag(d)
    p = np.repeat(np.array(d.junction.pinned, float)[:, None], m.shape[1], axis=1)
    aJ = spin_torque_field(d, current)
    b = d.junction.field_like_ratio * aJ + d.junction.field_like_quadratic * volt**2
    H = -mat.Ms * np.array([nx, ny, nz])[:, None] * m + b * p
    return gilbert_dmdt(m, H, aJ, p, mat.alpha, mat.gamma)


@pytest.mark.parametrize("drive", ["current", "divider"])
def test_python_rhs_is_the_gilbert_equation_with_the_quadratic_field(dev, drive) -> None:
    """System (the lean solver) and HeatedSystem (the generic one) against the implicit Gilbert form,
    V from the fixed point written above. Tolerance 1e-7 of max |dm/dt|: CODATA 2018 against 2022
    constants (7e-10) and the fixed points' 1e-10 or so."""
    rng = np.random.default_rng(261)
    d = dev.replace(**{"junction.field_like_quadratic": -3e4, "junction.field_like_ratio": 0.2,
                       "junction.V_half": 0.5, "junction.pinned": (0.3, 0.9, 0.1)})
    n = 12
    m = rng.normal(size=(3, n))
    m /= np.linalg.norm(m, axis=0)
    src = rng.uniform(-1.0, 1.0, n)
    batch = DeviceBatch.from_device(d, n=n)
    p = np.array(d.junction.pinned)
    if drive == "current":
        drv = CurrentDrive(DC(src))
        current = src
    else:
        r_ref = 800.0
        drv = DividerDrive(DC(src), r_ref)

        def loop(k: int) -> float:
            return float(fsolve(lambda x: [x[0] * r_ref + _voltage(d, x[0], float(m[:, k] @ p)) - src[k]],
                                [src[k] / 2000])[0])

        current = np.array([loop(k) for k in range(n)])
    volt = np.array([_voltage(d, float(c), float(m[:, k] @ p)) for k, c in enumerate(current)])
    want = _gilbert(d, m, current, volt)
    scale = np.abs(want).max()
    for sys in (System(batch, drv), HeatedSystem(batch, drv)):
        got = sys(0.0, m.copy())
        assert np.allclose(got, want, rtol=0, atol=1e-7 * scale), type(sys).__name__
    without = _gilbert(d.replace(**{"junction.field_like_quadratic": 0.0}), m, current, volt)
    assert np.abs(want - without).max() > 1e-3 * scale  # the term is far above the tolerance


def test_heated_rhs_scales_the_quadratic_field_as_one_over_ms(dev) -> None:
    """With Joule heating the field-like field, a torque per unit moment like a_J, is xi_v2 V^2 / s,
    s = Ms(T_j) / Ms(T_amb): the heated right-hand side with and without xi_v2 differs by the Gilbert
    torque of that field alone on a magnet of Ms s."""
    d = dev.replace(**{"junction.thermal_resistance": 1e5, "junction.thermal_time_constant": 1e-9,
                       "material.curie_temperature": 600.0})
    on = d.replace(**{"junction.field_like_quadratic": Q})
    rng = np.random.default_rng(262)
    n = 6
    m = rng.normal(size=(3, n))
    m /= np.linalg.norm(m, axis=0)
    rise = rng.uniform(50.0, 250.0, n)
    current = rng.uniform(-1e-3, 1e-3, n)
    y = np.vstack([m, rise])
    f_on = HeatedSystem(DeviceBatch.from_device(on, n=n), CurrentDrive(DC(current)))(0.0, y)[:3]
    f_off = HeatedSystem(DeviceBatch.from_device(d, n=n), CurrentDrive(DC(current)))(0.0, y)[:3]
    s = (1 - ((300.0 + rise) / 600.0) ** 1.5) / (1 - 0.5**1.5)
    p = np.repeat(np.array(d.junction.pinned, float)[:, None], n, axis=1)
    volt = np.array([_voltage(d, float(c), float(m[:, k] @ p[:, 0])) for k, c in enumerate(current)])
    H = Q * volt**2 / s * p
    want = gilbert_dmdt(m, H, np.zeros(n), p, d.material.alpha, d.material.gamma)  # linear in H
    assert np.allclose(f_on - f_off, want, rtol=0, atol=1e-7 * np.abs(want).max())
    assert np.abs(s - 1).max() > 0.2


def test_grid_stepper_with_the_term_equals_the_fixed_step_solver(dev) -> None:
    """The network's stepper (with the compiled kernels when numba is there) integrates a segment as
    simulate(fixed_step) does, bit for bit, and the term moves the result."""
    d = dev.replace(**{"junction.field_like_quadratic": Q})
    step, dt, k = 1e-12, 10e-12, 101
    current = np.full((k, 1), 0.6e-3)
    batch = DeviceBatch.from_devices(d)
    got = GridStepper(batch, batch.m0.copy(), step=step).advance(current, dt)
    ref = ms.simulate(d, ms.PWL(dt * np.arange(k), current[:, 0]), dt * (k - 1), dt, fixed_step=step)
    assert np.array_equal(got[:, 0], ref.my[:, 0])
    plain = DeviceBatch.from_devices(dev)
    other = GridStepper(plain, plain.m0.copy(), step=step).advance(current, dt)
    assert np.abs(other - got).max() > 1e-3  # 2.95e-3 measured at 1 ns


def test_thermal_runs_carry_the_term_in_both_integrators(dev) -> None:
    """simulate_thermal at 0 K reduces to the deterministic drift, integrated by the stochastic Heun
    steps (numpy; the compiled kernel stands aside): with the quadratic term it settles at the analytic
    tilt toward p (relaxation time about 1 ns; 40 ns; second-order terms 4e-4 relative)."""
    q, current = 1e5, 20e-6
    d = dev.replace(**{"junction.field_like_quadratic": q, "material.temperature": 0.0})
    traj = ms.simulate_thermal(d, current, 40e-9, 1e-9, dt=1e-12, seed=1)
    _, ny, nz = device_demag(d)
    v = _voltage(d, current, float(traj.my[-1, 0]))
    assert traj.my[-1, 0] == pytest.approx(q * v * v / (d.material.Ms * (ny - nz)), rel=5e-3)


# ---- the ngspice text ---------------------------------------------------------------------
@pytest.mark.parametrize("heated", [False, True])
def test_netlist_field_is_the_reference_with_v_squared(dev, heated) -> None:
    """The rendered Bf sources, reading the torque nodes tb and td computed by their own rendered sources from
    the current and V (divided by s^2 when Ms follows T_j), against the
    Landau-Lifshitz-Slonczewski reference of test_mtj_effects_reference with the field b p,
    b = xi a_J + xi_v2 V^2 / s; and the correction sources against -c J f with J by central differences
    at fixed current and voltage. Tolerances as there."""
    rng = np.random.default_rng(263)
    d = dev.replace(**{"junction.field_like_quadratic": -3e4, "junction.field_like_ratio": 0.2,
                       "junction.pinned": (0.3, 0.9, 0.1)})
    if heated:
        d = d.replace(**{"junction.thermal_resistance": 1e5, "junction.thermal_time_constant": 1e-9,
                         "material.curie_temperature": 1100.0})
    lines = _lines(d)
    n = 40
    m = rng.normal(size=(3, n))
    m *= rng.uniform(0.99, 1.01, n) / np.linalg.norm(m, axis=0)
    current = rng.uniform(-2e-3, 2e-3, n)
    volt = rng.uniform(-1.0, 1.0, n)
    s = rng.uniform(0.5, 1.0, n) if heated else np.ones(n)
    # the torque nodes V(tb), V(td) (netlist/junction.py) from the current and voltage, as ngspice computes them
    src = {"i(Vsense)": current, "V(n1,t2)": volt, **({"V(ms)": s} if heated else {})}
    env = {"V(mx)": m[0], "V(my)": m[1], "V(mz)": m[2], "V(tb)": _eval(_rhs(lines["Btb"]), src),
           "V(td)": _eval(_rhs(lines["Btd"]), src), **({"V(ms)": s} if heated else {})}
    assert "Bar" not in lines and "V(ar)" not in "".join(lines.values())  # the nodes carry the current

    def ref(mm: np.ndarray) -> np.ndarray:
        plain = _reference_f(d.replace(**{"junction.field_like_quadratic": 0.0}), mm, current, s)
        p = np.repeat(np.array(d.junction.pinned, float)[:, None], n, axis=1)
        H = d.junction.field_like_quadratic * volt**2 / s * p
        return plain + _ll_field(mm, H, d) * 1e-9

    want = ref(m)
    f_node = np.array([_eval(_rhs(lines[f"Bf{c}"]), env) for c in "xyz"]) * s  # the state current scales by s
    assert np.allclose(f_node, want, rtol=0, atol=1e-8 * np.abs(want).max())
    h = M.max_step("default") / M.TIME_UNIT
    eps = 1e-6
    jac = np.empty((3, 3, n))
    for j in range(3):
        dm = np.zeros((3, 1))
        dm[j] = eps
        jac[:, j] = (ref(m + dm) - ref(m - dm)) / (2 * eps)
    corr = -(h * h / 12.0) * np.einsum("ijn,jn->in", jac, want)
    fenv = {**env, "V(fx)": f_node[0] / s, "V(fy)": f_node[1] / s, "V(fz)": f_node[2] / s}
    got = _correction(lines, fenv)
    assert np.allclose(got, corr, rtol=0, atol=1e-6 * np.abs(corr).max())


def _ll_field(m: np.ndarray, H: np.ndarray, d: ms.Device) -> np.ndarray:
    """The field term of the Landau-Lifshitz form, -gamma' [m x H + alpha m x (m x H)] (1/s), off the sphere
    as the cross products give it (the reference's own form, test_references.landau_lifshitz, at a_J = 0)."""
    from test_references import landau_lifshitz

    return landau_lifshitz(m, H, np.zeros(m.shape[1]), np.zeros_like(m), d.material.alpha, d.material.gamma)


@pytest.mark.ngspice
@pytest.mark.parametrize("current", [0.6e-3, -0.6e-3])
def test_ngspice_with_noise_agrees_with_python_on_the_same_noise(dev, current) -> None:
    """At 300 K, two MTJs on the very noise samples simulate_thermal draws (tests/netlist/test_noise.py's pairing):
    with xi_v2 = 2e4 (A/m)/V^2 m_y agrees within the default preset's 1e-2 over 3 ns (measured 2e-3 to 4e-3,
    as without the term), and the term moves the noisy trajectory by more than that bound."""
    paired_runs = sibling_module("netlist/test_noise.py").paired_runs

    d = dev.replace(**{"junction.field_like_quadratic": 2e4})
    _, ng, py, _ = paired_runs(d, current, 300.0, n=2, t_stop=3e-9, seed=5)
    assert float(np.abs(ng[..., 1] - py[..., 1]).max()) < 1e-2
    _, _, plain, _ = paired_runs(dev, current, 300.0, n=2, t_stop=3e-9, seed=5)  # the same noise, no term
    assert float(np.abs(plain[..., 1] - py[..., 1]).max()) > 2e-2


def test_voltage_follows_a_piecewise_linear_drive_across_segments(dev) -> None:
    """System.voltage reads the drive through the Sampler that the torques move segment by segment
    (Sampler.locate): the value must be the waveform's own at every time, whichever was asked first."""
    d = dev.replace(**{"junction.field_like_quadratic": Q})
    wave = ms.PWL(np.array([0.0, 1e-9, 2e-9, 3e-9]), np.array([0.0, 1e-3, -0.5e-3, 0.2e-3]))
    sys = System(DeviceBatch.from_devices(d), CurrentDrive(wave))
    m = DeviceBatch.from_devices(d).m0.copy()
    for t in (0.5e-9, 1.5e-9, 2.5e-9, 0.2e-9, 2.9e-9):
        sys.torques(t, m)  # moves the sampler's segment
        want = float(wave(t)) / float(DeviceBatch.from_devices(d).conductance(np.sum(m * sys.p, axis=0))[0])
        assert sys.voltage(t, m)[0] == pytest.approx(want, rel=1e-12)
