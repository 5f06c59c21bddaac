"""The behavioral MTJ's effects of issue 26 (field-like torque, interface anisotropy, Ms(T) with Joule
heating) against the Landau-Lifshitz-Slonczewski reference of tests/physics/test_references.py, evaluated on the
rendered ngspice text (no ngspice run, never against the package's own kernels).

The reference field is written here from the definitions: demag -Ms N m with the interface term
Ki / T along z as -Ms (-2 Ki / (mu0 Ms^2 T)) m_z, the field-like torque as the field b_J p = xi a_J p,
and, with Ms(T) = s Ms, every anisotropy energy scaled as Ms^2 (the model's statement in
mtjspice/netlist/heating.py) and a_J as 1 / Ms."""

from __future__ import annotations

import re

import numpy as np
import pytest
from conftest import sibling_module

import mtjspice as ms
from mtjspice.netlist import mtj as M
from mtjspice.netlist.render import render_subckt

_refs = sibling_module("physics/test_references.py")
MU0, _reference_demag, landau_lifshitz, spin_torque_field = (
    _refs.MU0, _refs._reference_demag, _refs.landau_lifshitz, _refs.spin_torque_field)


def _reference_f(dev: ms.Device, m: np.ndarray, current: np.ndarray, s: np.ndarray) -> np.ndarray:
    """dm/dt (1/ns) of ``dev`` at states m (3, n), currents (A) and Ms ratios s (n,), with the restoring
    term lambda s (1 - |m|^2) m the subcircuit adds (lambda = NORM_RATE, 1/s; a numerical term, which the
    subcircuit scales with s like the rest of its polynomial)."""
    mat, g = dev.material, dev.geometry
    Ms = mat.Ms * s
    nx, ny, nz = _reference_demag(dev)
    nz = nz - 2.0 * mat.Ki / (MU0 * mat.Ms**2 * g.T)  # Ki / T along z; Ki ~ Ms^2, so the ratio keeps
    N = np.array([nx, ny, nz])[:, None]
    p = np.repeat(np.array(dev.junction.pinned, float)[:, None], m.shape[1], axis=1)
    aJ = spin_torque_field(dev, current) / s  # a_J ~ 1 / Ms
    u = np.array(dev.field.axis)[:, None]
    H = (-Ms * N * m + np.array(dev.field.H)[:, None] + dev.junction.field_like_ratio * aJ * p
         + 2.0 * dev.field.Ku * s**2 / (MU0 * Ms) * np.sum(m * u, axis=0) * u)
    f = landau_lifshitz(m, H, aJ, p, mat.alpha, mat.gamma) + M.NORM_RATE * s * (1 - np.sum(m * m, axis=0)) * m
    return f * 1e-9


def _lines(dev: ms.Device) -> dict[str, str]:
    text = render_subckt(M.mtj_subckt(dev, "mtj"))
    return {ln.split(" ", 1)[0]: ln for ln in text.splitlines() if ln and not ln.startswith(("*", "."))}


def _eval(expr: str, env: dict[str, np.ndarray]) -> np.ndarray:
    """An ngspice expression of node voltages, i(Vsense) and sqrt, as numpy arithmetic."""
    py = expr
    for name in sorted(env, key=len, reverse=True):
        py = py.replace(name, f"env['{name}']")
    py = py.replace("sqrt(", "_sqrt(")
    rest = re.sub(r"env\['[^']*'\]|_sqrt\(", "", py)
    assert re.fullmatch(r"[-+*/ ().0-9e]*", rest), rest  # nothing but arithmetic (and sqrt) left
    return np.asarray(eval(py, {"__builtins__": {}}, {"env": env, "_sqrt": np.sqrt}))


def _rhs(line: str) -> str:
    return re.split(r" [IV] = ", line, maxsplit=1)[1]


def _correction(lines: dict[str, str], env: dict[str, np.ndarray]) -> np.ndarray:
    """V(sx), V(sy), V(sz) of the trapezoid correction; with Ms(T_j) through the nodes V(u) = -c J f."""
    env = dict(env)
    if "Bux" in lines:
        env.update({f"V(u{c})": _eval(_rhs(lines[f"Bu{c}"]), env) for c in "xyz"})
    return np.array([_eval(_rhs(lines[f"Bs{c}"]), env) for c in "xyz"])


@pytest.fixture
def cofeb() -> ms.Device:
    # without the sidewall taper: its demag factors are physics/taper.py's (tested in physics/test_taper.py), and
    # the reference here has the straight elliptic cylinder's (Beleggia et al.); and without the field-like
    # term quadratic in V, which reads the junction voltage (tests/physics/test_field_like_quadratic.py checks it)
    return ms.load_device("cofeb_mgo").replace(**{"geometry.taper": 0.0, "junction.field_like_quadratic": 0.0})


def test_field_like_and_interface_terms_in_the_netlist(cofeb: ms.Device) -> None:
    # cofeb_mgo without heating: Ki = 1.3 mJ/m^2 (dNz = -0.041), xi = 0, then xi = -0.3. Also a tilted p so that
    # every component of b_J p enters. Tolerance as test_references' netlist test: 1e-8 of max |f|
    # (CODATA 2018 vs 2022 mu0, the demag quadrature's 1e-9, 15 significant digits in the text).
    rng = np.random.default_rng(26)
    cold = cofeb.replace(**{"junction.thermal_resistance": 0.0})
    for dev in (cold, cold.replace(**{"junction.pinned": (0.3, 0.9, 0.1), "junction.field_like_ratio": -0.3})):
        lines = _lines(dev)
        m = rng.normal(size=(3, 60))
        m *= rng.uniform(0.99, 1.01, 60) / np.linalg.norm(m, axis=0)  # on and off the unit sphere
        current = rng.uniform(-3e-3, 3e-3, 60)
        env = {"V(mx)": m[0], "V(my)": m[1], "V(mz)": m[2], "i(Vsense)": current}
        got = np.array([_eval(_rhs(lines[f"Bf{c}"]), env) for c in "xyz"])
        want = _reference_f(dev, m, current, np.ones(60))
        assert np.allclose(got, want, rtol=0, atol=1e-8 * np.abs(want).max())
        without = _reference_f(dev.replace(**{"junction.field_like_ratio": 0.0, "material.Ki_bottom": 0.0}), m,
                               current, np.ones(60))
        assert np.abs(want - without).max() > 1e-3 * np.abs(want).max()  # the effects are far above the tolerance
        assert "Bmx" not in lines and lines["Gmx"] == "Gmx 0 mx fx 0 0.001"  # no Ms(T): a plain transconductance


def test_heated_netlist_is_the_equation_at_ms_of_tj(cofeb: ms.Device) -> None:
    """With heating and a Curie temperature, dm/dt = V(ms) V(f) with f read at V(ar) = I / V(ms)^2 must be
    the equation at Ms(T_j) = s Ms; the trapezoid correction V(s) = -c J f with J and f of that equation,
    J by central differences of the reference (step 1e-6: error about 1e-12 relative)."""
    rng = np.random.default_rng(27)
    lines = _lines(cofeb)
    n = 40
    m = rng.normal(size=(3, n))
    m *= rng.uniform(0.99, 1.01, n) / np.linalg.norm(m, axis=0)
    current = rng.uniform(-3e-3, 3e-3, n)
    s = rng.uniform(0.5, 1.0, n)
    env = {"V(mx)": m[0], "V(my)": m[1], "V(mz)": m[2], "V(ar)": current / s**2, "V(ms)": s}
    f_node = np.array([_eval(_rhs(lines[f"Bf{c}"]), env) for c in "xyz"])  # V(fx), V(fy), V(fz)
    want = _reference_f(cofeb, m, current, s)
    cap, unit = M.STATE_CAP, M.TIME_UNIT
    for i, c in enumerate("xyz"):
        assert lines[f"Bm{c}"].startswith(f"Bm{c} 0 m{c} I = ")  # from ground into the state node
        drive = _eval(_rhs(lines[f"Bm{c}"]), {**env, f"V(f{c})": f_node[i]})  # state current (A)
        assert np.allclose(drive * unit / cap, want[i], rtol=0, atol=1e-8 * np.abs(want).max())
    # the correction: -c sum_j d f_i / d m_j f_j, c = h^2 / 12 in ns^2
    h = M.max_step("default") / unit
    eps = 1e-6
    jac = np.empty((3, 3, n))
    for j in range(3):
        d = np.zeros((3, 1))
        d[j] = eps
        jac[:, j] = (_reference_f(cofeb, m + d, current, s) - _reference_f(cofeb, m - d, current, s)) / (2 * eps)
    corr = -(h * h / 12.0) * np.einsum("ijn,jn->in", jac, want)
    fenv = {**env, "V(fx)": f_node[0], "V(fy)": f_node[1], "V(fz)": f_node[2]}
    got = _correction(lines, fenv)
    assert np.allclose(got, corr, rtol=0, atol=1e-6 * np.abs(corr).max())
    assert np.abs(s - 1).max() > 0.3  # Ms far from its ambient value: a missing s would show


@pytest.mark.parametrize("xi, ku", [(1.0, 0.0), (0.0, 1.0)])
def test_effects_at_the_value_one(cofeb: ms.Device, xi: float, ku: float) -> None:
    """xi = 1 and Ku = 1 J/m^3 (a field of 1.6 A/m, 1.6e-6 of Ms: far above the 1e-8 tolerance) enter
    the polynomials like any other value."""
    rng = np.random.default_rng(28)
    dev = cofeb.replace(**{"junction.thermal_resistance": 0.0, "junction.field_like_ratio": xi, "field.Ku": ku,
                           "field.axis": (0.6, 0.0, 0.8)})
    lines = _lines(dev)
    m = rng.normal(size=(3, 30))
    m /= np.linalg.norm(m, axis=0)
    current = rng.uniform(-3e-3, 3e-3, 30)
    env = {"V(mx)": m[0], "V(my)": m[1], "V(mz)": m[2], "i(Vsense)": current}
    got = np.array([_eval(_rhs(lines[f"Bf{c}"]), env) for c in "xyz"])
    want = _reference_f(dev, m, current, np.ones(30))
    assert np.allclose(got, want, rtol=0, atol=1e-8 * np.abs(want).max())


@pytest.mark.parametrize("heated, t0, curie", [(True, 300.0, 1100.0), (True, 0.5, 1100.0), (False, 300.0, 1100.0),
                                               (True, 300.0, 0.0)])
def test_thermal_field_at_the_junctions_temperature_and_ms(cofeb: ms.Device, heated: bool, t0: float,
                                                           curie: float) -> None:
    """Brown's field has variance ~ T / Ms: a heated junction's field is the ambient one (the file's
    samples h_th = H_th / Ms at T_amb) times sqrt(T_j / (T_amb s)), T_j = T_amb + V(tj), s = V(ms). The
    noise current must be C / t_unit times the LLG torque of that field (no spin torque), in 1/ns.
    Without a Curie temperature Ms stays put (s = 1, no node ms)."""
    from mtjspice.netlist.noise import ThermalNoise

    rng = np.random.default_rng(29)
    dev = cofeb.replace(**{"material.temperature": t0, "material.curie_temperature": curie})
    if not heated:
        dev = dev.replace(**{"junction.thermal_resistance": 0.0})
    h = M.max_step("default")
    text = render_subckt(M.mtj_subckt(dev, "mtj", step=h, thermal=ThermalNoise(t0, "n.txt", h)))
    lines = {ln.split(" ", 1)[0]: ln for ln in text.splitlines() if ln.startswith("Bn")}
    n = 30
    m = rng.normal(size=(3, n))
    m *= rng.uniform(0.99, 1.01, n) / np.linalg.norm(m, axis=0)
    hth = rng.normal(size=(3, n)) * 3e-3
    tj = rng.uniform(0.0, 200.0, n) if heated else np.zeros(n)
    s = rng.uniform(0.5, 1.0, n) if heated and curie > 0 else np.ones(n)
    env = {"V(mx)": m[0], "V(my)": m[1], "V(mz)": m[2], "V(hx)": hth[0], "V(hy)": hth[1], "V(hz)": hth[2],
           "V(tj)": tj}
    if curie > 0:
        env["V(ms)"] = s
    got = np.array([_eval(_rhs(lines[f"Bn{c}"]), env) for c in "xyz"]) * M.TIME_UNIT / M.STATE_CAP
    mat = dev.material
    H = mat.Ms * hth * np.sqrt((t0 + tj) / (t0 * s))
    want = landau_lifshitz(m, H, np.zeros(n), np.zeros((3, n)), mat.alpha, mat.gamma) * 1e-9
    assert np.allclose(got, want, rtol=0, atol=1e-8 * np.abs(want).max())
    assert ("sqrt" in lines["Bnx"]) == heated



def test_heated_junction_at_zero_kelvin_ambient_keeps_the_files_field(cofeb: ms.Device) -> None:
    """The scale sqrt(T_j / (T_amb s)) is defined only for T_amb > 0: a heated device whose ambient is 0 K,
    given a noise source at 300 K, must take the file's field as it stands (the noise current is the LLG
    torque of H = Ms h_th, finite), never divide by T_amb = 0. Tolerance as above (rounding only)."""
    from mtjspice.netlist.noise import ThermalNoise

    rng = np.random.default_rng(30)
    dev = cofeb.replace(**{"material.temperature": 0.0, "material.curie_temperature": 1100.0})
    assert dev.junction.heating
    h = M.max_step("default")
    text = render_subckt(M.mtj_subckt(dev, "mtj", step=h, thermal=ThermalNoise(300.0, "n.txt", h)))
    lines = {ln.split(" ", 1)[0]: ln for ln in text.splitlines() if ln.startswith("Bn")}
    n = 20
    m = rng.normal(size=(3, n))
    m /= np.linalg.norm(m, axis=0)
    hth = rng.normal(size=(3, n)) * 3e-3
    env = {"V(mx)": m[0], "V(my)": m[1], "V(mz)": m[2], "V(hx)": hth[0], "V(hy)": hth[1], "V(hz)": hth[2],
           "V(tj)": rng.uniform(0.0, 200.0, n), "V(ms)": rng.uniform(0.5, 1.0, n)}
    with np.errstate(divide="ignore", invalid="ignore"):
        got = np.array([_eval(_rhs(lines[f"Bn{c}"]), env) for c in "xyz"]) * M.TIME_UNIT / M.STATE_CAP
    mat = dev.material
    want = landau_lifshitz(m, mat.Ms * hth, np.zeros(n), np.zeros((3, n)), mat.alpha, mat.gamma) * 1e-9
    assert np.all(np.isfinite(got))
    assert np.allclose(got, want, rtol=0, atol=1e-8 * np.abs(want).max())
