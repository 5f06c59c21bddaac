"""The physics kernels and the behavioral netlist against references written here from the textbook.

Nothing in this file's references calls the code under test: the LLGS reference solves the implicit
Gilbert form numerically (a 3 x 3 linear system per state), the effective field and the spin-torque
field are written from their definitions with scipy's CODATA constants, and the demagnetizing
factors come from published closed forms (Osborn 1945; Joseph 1966 / Chen, Brug & Goldfarb 1991)
and from a real-space integral over the faces' magnetic charge. Each tolerance says where it comes
from.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable

import numpy as np
import pytest
from scipy import constants as sc
from scipy import integrate, special

import mtjspice as ms
from mtjspice.netlist import mtj as M
from mtjspice.netlist.render import render_subckt
from mtjspice.physics.batch import DeviceBatch
from mtjspice.physics.demag import demag_factors, ellipsoid_factors, elliptic_cylinder_factors
from mtjspice.physics.devicedemag import device_demag
from mtjspice.physics.llgs import effective_field, llgs_rhs

MU0 = sc.mu_0  # CODATA 2022 (the package uses CODATA 2018: they differ by 7e-10 relative)

# ---------------------------------------------------------------- references


def gilbert_dmdt(m: np.ndarray, H: np.ndarray, aJ: np.ndarray, p: np.ndarray, alpha: float, gamma: float) -> np.ndarray:
    """dm/dt (1/s) from the implicit Gilbert form with Slonczewski's damping-like torque,

        dm/dt = -gamma mu0 m x H + alpha m x dm/dt - gamma mu0 a_J m x (m x p),

    solved for dm/dt as the linear system (1 - alpha [m]x) dm/dt = rhs, one 3 x 3 solve per
    column (numpy's LU; no closed form). Shapes (3, n); aJ (n,) in A/m; gamma in rad/(s T)."""
    g0 = gamma * MU0
    out = np.empty_like(m)
    for j in range(m.shape[1]):
        mj, Hj, pj = m[:, j], H[:, j], p[:, j]
        rhs = -g0 * np.cross(mj, Hj) - g0 * aJ[j] * np.cross(mj, np.cross(mj, pj))
        cross_m = np.array([[0.0, -mj[2], mj[1]], [mj[2], 0.0, -mj[0]], [-mj[1], mj[0], 0.0]])  # [m]x v = m x v
        out[:, j] = np.linalg.solve(np.eye(3) - alpha * cross_m, rhs)
    return out


def gilbert_closed_form(m: np.ndarray, H: np.ndarray, aJ: np.ndarray, p: np.ndarray, alpha: float,
                        gamma: float) -> np.ndarray:
    """The same equation solved by hand (|m| = 1): (1 + alpha^2) dm/dt = A + alpha m x A, with A the
    explicit right-hand side -gamma mu0 [m x H + a_J m x (m x p)] (e.g. Slonczewski 1996; Sun 2000)."""
    g0 = gamma * MU0
    A = -g0 * (np.cross(m.T, H.T) + aJ[:, None] * np.cross(m.T, np.cross(m.T, p.T))).T
    return (A + alpha * np.cross(m.T, A.T).T) / (1.0 + alpha**2)


def landau_lifshitz(m: np.ndarray, H: np.ndarray, aJ: np.ndarray, p: np.ndarray, alpha: float,
                    gamma: float) -> np.ndarray:
    """The explicit Landau-Lifshitz-Slonczewski form, -gamma' [m x H + alpha m x (m x H)]
    - gamma' a_J [m x (m x p) - alpha m x p], gamma' = gamma mu0 / (1 + alpha^2), with np.cross:
    at |m| = 1 it is gilbert_closed_form expanded; off the sphere it is what the cross products give."""
    gp = gamma * MU0 / (1.0 + alpha**2)
    mT, HT, pT = m.T, H.T, p.T
    out = -gp * (np.cross(mT, HT) + alpha * np.cross(mT, np.cross(mT, HT)))
    out -= gp * aJ[:, None] * (np.cross(mT, np.cross(mT, pT)) - alpha * np.cross(mT, pT))
    return np.asarray(out.T)


def spin_torque_field(dev: ms.Device, current: np.ndarray) -> np.ndarray:
    """a_J (A/m) = hbar eta J / (2 e mu0 Ms t), J = I / (pi W L / 4), eta = P / 2 (Slonczewski 2005)."""
    g, mat = dev.geometry, dev.material
    eta = mat.P / 2.0 if mat.eta is None else mat.eta
    area = math.pi * g.W * g.L / 4.0
    return sc.hbar * eta * (current / area) / (2.0 * sc.e * MU0 * mat.Ms * g.T)


def field(dev: ms.Device, m: np.ndarray, N: tuple[float, float, float]) -> np.ndarray:
    """H (A/m): demag -Ms N m, applied field, uniaxial anisotropy 2 Ku / (mu0 Ms) (m.u) u."""
    Ms = dev.material.Ms
    H = -Ms * np.array(N)[:, None] * m + np.array(dev.field.H)[:, None]
    u = np.array(dev.field.axis)[:, None]
    return H + 2.0 * dev.field.Ku / (MU0 * Ms) * np.sum(m * u, axis=0) * u


def osborn(a: float, b: float, c: float) -> tuple[float, float, float]:
    """Demagnetizing factors of an ellipsoid with semi-axes a >= b >= c: Osborn, Phys. Rev. 67, 351
    (1945), eqs. (2.6)-(2.8), in Legendre's incomplete elliptic integrals F and E of amplitude
    theta = arccos(c/a) and modulus k = sin(phi)/sin(theta), cos(phi) = b/a (factors sum to 1)."""
    ct, cp = c / a, b / a
    th = math.acos(ct)
    st = math.sin(th)
    k2 = (1.0 - cp * cp) / (1.0 - ct * ct)
    F, E = special.ellipkinc(th, k2), special.ellipeinc(th, k2)
    pre = cp * ct / st**3
    Na = pre * (F - E) / k2
    Nb = pre * (E - (1 - k2) * F - k2 * st * ct / cp) / (k2 * (1 - k2))
    Nc = pre * (st * cp / ct - E) / (1 - k2)
    return Na, Nb, Nc


def chen_axial(gamma: float) -> float:
    """Axial magnetometric factor of a circular cylinder of length / diameter gamma: the closed form of
    Joseph (J. Appl. Phys. 37, 4639 (1966)) that Chen, Brug & Goldfarb, IEEE Trans. Magn. 27, 3601
    (1991) tabulate, N = 1 + 4 / (3 pi gamma) [1 - ((1 - gamma^2) E(k) + gamma^2 K(k)) / k],
    k^2 = 1 / (1 + gamma^2), K and E complete elliptic integrals."""
    m = 1.0 / (1.0 + gamma * gamma)
    return 1.0 + 4.0 / (3.0 * math.pi * gamma) * (
        1.0 - ((1.0 - gamma**2) * special.ellipe(m) + gamma**2 * special.ellipk(m)) / math.sqrt(m))


def beleggia(a: float, b: float, t: float) -> tuple[float, float, float]:
    """Elliptic cylinder (semi-axes a > b, height t): Beleggia, De Graef, Millev, Goode & Rowlands,
    J. Phys. D 38, 3333 (2005), eqs. (22)-(23): with beta = b/a, e^2 = 1 - beta^2, xi = t/(2b),
    g^2 = 1 - e^2 cos^2 phi and f = 2F1(-1/2, 1/2; 2; -1/(xi^2 g^2)),
    Nx = 8/(3 pi^2 xi e^2) (beta^2 K - E) + (2 beta^2/pi) int_0^{pi/2} cos^2 phi / g^2 f dphi,
    Nz = 1 + 8/(3 pi^2 xi) K - (2/pi) int_0^{pi/2} f dphi; adaptive quadrature to 1e-12."""
    beta = b / a
    e2 = 1.0 - beta * beta
    xi = t / (2.0 * b)
    K, E = special.ellipk(e2), special.ellipe(e2)

    def f(phi: float) -> float:
        return float(special.hyp2f1(-0.5, 0.5, 2.0, -1.0 / (xi * xi * (1.0 - e2 * math.cos(phi) ** 2))))

    def quad(fn: Callable[[float], float]) -> float:
        return float(integrate.quad(fn, 0.0, math.pi / 2, epsabs=1e-13, epsrel=1e-12)[0])

    c1 = 8.0 / (3.0 * math.pi**2 * xi)
    nx = c1 / e2 * (beta * beta * K - E) + 2.0 * beta * beta / math.pi * quad(
        lambda p: math.cos(p) ** 2 / (1.0 - e2 * math.cos(p) ** 2) * f(p))
    nz = 1.0 + c1 * K - 2.0 / math.pi * quad(f)
    return nx, 1.0 - nx - nz, nz


def face_charge_nz(a: float, b: float, t: float) -> float:
    """Nz of an elliptic cylinder from the energy of its two charged faces (sigma = +-Ms), in real
    space: E = mu0/(8 pi) sum sigma sigma' / |r - r'| = mu0 Nz Ms^2 V / 2. The double area integral
    over the faces folds into the ellipse's overlap with its shifted copy, a b A(r) with
    A(r) = 2 acos(r/2) - (r/2) sqrt(4 - r^2) in the scaled shift r; with rho(phi)^2 = a^2 cos^2 +
    b^2 sin^2, Nz = a b / (2 pi^2 t) int_0^{2 pi} int_0^2 A(r) [1/rho - r / sqrt(r^2 rho^2 + t^2)] dr dphi."""

    def inner(phi: float) -> float:
        rho = math.hypot(a * math.cos(phi), b * math.sin(phi))

        def overlap(r: float) -> float:
            return 2 * math.acos(r / 2) - r / 2 * math.sqrt(4 - r * r)

        return float(integrate.quad(lambda r: overlap(r) * (1 / rho - r / math.sqrt(r * r * rho * rho + t * t)),
                                    0.0, 2.0, epsabs=1e-13, epsrel=1e-12)[0])

    total = 4.0 * integrate.quad(inner, 0.0, math.pi / 2, epsabs=1e-13, epsrel=1e-12)[0]
    return a * b / (2.0 * math.pi**2 * t) * total


# ---------------------------------------------------------------- the references agree with each other


def test_references_are_self_consistent() -> None:
    # The numeric Gilbert solve and the hand-solved closed form are two routes to one equation:
    # they agree to rounding (LU on a 3 x 3 system, relative 1e-13 of |dm/dt|).
    rng = np.random.default_rng(11)
    m = rng.normal(size=(3, 40))
    m /= np.linalg.norm(m, axis=0)
    H = rng.normal(size=(3, 40)) * 3e5
    aJ = rng.uniform(-5e4, 5e4, 40)
    p = rng.normal(size=(3, 40))
    p /= np.linalg.norm(p, axis=0)
    for alpha in (0.01, 0.3):
        num, closed = gilbert_dmdt(m, H, aJ, p, alpha, 1.76e11), gilbert_closed_form(m, H, aJ, p, alpha, 1.76e11)
        assert np.allclose(num, closed, rtol=0, atol=1e-13 * np.abs(num).max())
        ll = landau_lifshitz(m, H, aJ, p, alpha, 1.76e11)
        assert np.allclose(num, ll, rtol=0, atol=1e-13 * np.abs(num).max())
    # Osborn's three factors sum to 1 (a check of the transcription: nothing forces it).
    for axes in ((3.0, 2.0, 1.0), (22.5, 25.0 - 1e-3, 5.0)):
        a, b, c = sorted(axes, reverse=True)
        assert sum(osborn(a, b, c)) == pytest.approx(1.0, abs=1e-13)
    # Beleggia's circular limit is Joseph/Chen's closed form, and the face-charge integral is Beleggia's
    # Nz: three published or derived routes to one quantity, agreeing to the quadratures' 1e-12.
    for g in (0.25, 1.0, 3.0):
        assert beleggia(1.0, 1.0 - 1e-7, 2.0 * g)[2] == pytest.approx(chen_axial(g), abs=1e-6)  # e -> 0: O(e^2)
    assert face_charge_nz(22.5, 5.0, 50.0) == pytest.approx(beleggia(22.5, 5.0, 50.0)[2], abs=1e-11)
    assert face_charge_nz(2.0, 1.0, 0.4) == pytest.approx(beleggia(2.0, 1.0, 0.4)[2], abs=1e-11)


# ---------------------------------------------------------------- LLGS kernel


@pytest.mark.parametrize("alpha", [0.01, 0.1, 0.5])
def test_llgs_rhs_is_the_gilbert_equation(alpha: float) -> None:
    # Random unit states, fields of +-3e5 A/m (the shipped device's demag field is about 7e5 A/m at
    # most), spin-torque fields up to 1e5 A/m and random p: llgs_rhs equals the implicit Gilbert form
    # solved for dm/dt. Tolerance: double rounding of two O(1e16) sums, 1e-12 of the largest |dm/dt|.
    rng = np.random.default_rng(int(alpha * 1000))
    n = 200
    m = rng.normal(size=(3, n))
    m /= np.linalg.norm(m, axis=0)
    H = rng.normal(size=(3, n)) * 3e5
    aJ = rng.uniform(-1e5, 1e5, n)
    p = rng.normal(size=(3, n))
    p /= np.linalg.norm(p, axis=0)
    gamma = 1.76085963023e11
    got = llgs_rhs(m, H, aJ, p, alpha, gamma * MU0 / (1 + alpha**2))
    want = gilbert_dmdt(m, H, aJ, p, alpha, gamma)
    assert np.allclose(got, want, rtol=0, atol=1e-12 * np.abs(want).max())
    # and with the torque alone (H = 0): the a_J terms are checked on their own, where the field
    # terms cannot hide an error in them
    got = llgs_rhs(m, 0 * H, aJ, p, alpha, gamma * MU0 / (1 + alpha**2))
    want = gilbert_dmdt(m, 0 * H, aJ, p, alpha, gamma)
    assert np.allclose(got, want, rtol=0, atol=1e-12 * np.abs(want).max())
    # off the unit sphere (|m| = 1.02, as an integrator's step leaves it) the kernel is the explicit
    # form with the double cross products written out, m x (m x v) = m (m.v) - v |m|^2 (np.cross here)
    s = 1.02 * m
    got = llgs_rhs(s, H, aJ, p, alpha, gamma * MU0 / (1 + alpha**2))
    want = landau_lifshitz(s, H, aJ, p, alpha, gamma)
    assert np.allclose(got, want, rtol=0, atol=1e-12 * np.abs(want).max())


def test_device_rhs_is_the_gilbert_equation(ortho_path, parallel_path) -> None:
    # The whole chain a device goes through (DeviceBatch's gamma', a_J per ampere and N; effective_field;
    # llgs_rhs) against the reference built from the device's numbers and the published demag factors.
    # Tolerance 1e-8 relative: CODATA 2018 vs 2022 mu0 (7e-10) and the demag quadrature (1e-9 in N).
    rng = np.random.default_rng(3)
    o = ms.load_device(ortho_path)
    devices = [o, ms.load_device(parallel_path),
               o.replace(**{"junction.pinned": (0.3, 0.9, 0.1), "field.H": (1e3, -2e3, 5e3), "field.Ku": 2e4,
                            "field.axis": (0.36, 0.48, 0.8), "material.alpha": 0.05}),
               o.replace(**{"geometry.shape": "ellipsoid"})]
    for dev in devices:
        N = _reference_demag(dev)
        b = DeviceBatch.from_devices(dev)
        m = rng.normal(size=(3, 60))
        m /= np.linalg.norm(m, axis=0)
        current = rng.uniform(-2e-3, 2e-3, 60)
        got = llgs_rhs(m, effective_field(m, b.Ms, b.N, b.H, b.Ku, b.u), b.aj_per_amp * current, b.p, b.alpha,
                       b.gamma_prime)
        p = np.repeat(np.array(dev.junction.pinned)[:, None], 60, axis=1)
        want = gilbert_dmdt(m, field(dev, m, N), spin_torque_field(dev, current), p, dev.material.alpha,
                            dev.material.gamma)
        assert np.allclose(got, want, rtol=0, atol=1e-8 * np.abs(want).max()), dev.name


def _reference_demag(dev: ms.Device) -> tuple[float, float, float]:
    g = dev.geometry
    if g.shape == "ellipsoid":
        # Osborn needs a >= b >= c; the device's axes are x = L, y = W, z = T
        axes = {"x": g.L / 2, "y": g.W / 2, "z": g.T / 2}
        order = sorted(axes, key=lambda k: -axes[k])
        vals = osborn(*(axes[k] for k in order))
        out = dict(zip(order, vals, strict=True))
        return out["x"], out["y"], out["z"]
    return beleggia(g.L / 2, g.W / 2, g.T)


# ---------------------------------------------------------------- the behavioral netlist


def _rendered_rhs(dev: ms.Device) -> dict[str, str]:
    """The B-source expressions of f = dm/dt (1/ns) exactly as the deck writes them."""
    text = render_subckt(M.mtj_subckt(dev, "mtj"))
    out = {}
    for comp in "xyz":
        line = next(ln for ln in text.splitlines() if ln.startswith(f"Bf{comp} 0 f{comp} I = "))
        out[comp] = line.split(" I = ", 1)[1]
    return out


def _eval_spice(expr: str, m: np.ndarray, current: np.ndarray) -> np.ndarray:
    """Evaluate an ngspice behavioral expression of V(mx), V(my), V(mz) and i(Vsense) (products, sums)."""
    py = expr.replace("V(mx)", "mx").replace("V(my)", "my").replace("V(mz)", "mz").replace("i(Vsense)", "a")
    assert re.fullmatch(r"[-+*/ ().0-9eamxyz]+", py), py  # nothing but arithmetic left
    return np.asarray(eval(py, {"__builtins__": {}}, {"mx": m[0], "my": m[1], "mz": m[2], "a": current}))


def test_netlist_dmdt_is_the_gilbert_equation(ortho_path, parallel_path) -> None:
    # What ngspice integrates: the rendered B-source text of each shipped device (and one with a
    # tilted p, an applied field and an extra anisotropy), evaluated at random unit states and
    # currents, against the reference in 1/ns (the subcircuit's time unit). At |m| = 1 the
    # renormalisation term vanishes. Tolerance: the text's 15 significant digits and the mu0 / demag
    # differences above, 1e-8 of the largest |dm/dt|.
    rng = np.random.default_rng(8)
    o = ms.load_device(ortho_path)
    for dev in (o, ms.load_device(parallel_path),
                o.replace(**{"junction.pinned": (0.3, 0.9, 0.1), "field.H": (1e3, -2e3, 5e3), "field.Ku": 2e4,
                             "field.axis": (0.36, 0.48, 0.8)})):
        exprs = _rendered_rhs(dev)
        m = rng.normal(size=(3, 80))
        m /= np.linalg.norm(m, axis=0)
        current = rng.uniform(-2e-3, 2e-3, 80)
        p = np.repeat(np.array(dev.junction.pinned)[:, None], 80, axis=1)
        want = gilbert_dmdt(m, field(dev, m, _reference_demag(dev)), spin_torque_field(dev, current), p,
                            dev.material.alpha, dev.material.gamma) * 1e-9
        got = np.array([_eval_spice(exprs[c], m, current) for c in "xyz"])
        assert np.allclose(got, want, rtol=0, atol=1e-8 * np.abs(want).max())
        # off the unit sphere (|m| = 1.01, as ngspice's trapezoidal steps leave it): the polynomials are
        # the explicit Landau-Lifshitz form, whose double cross products np.cross evaluates as written,
        # plus the restoring term lambda (1 - |m|^2) m, lambda = NORM_RATE. Same tolerance.
        s = 1.01 * m
        polys = M.llgs_polynomials(dev)
        got = np.array([poly.evaluate([s[0], s[1], s[2], current]) for poly in polys])
        want = (landau_lifshitz(s, field(dev, s, _reference_demag(dev)), spin_torque_field(dev, current), p,
                                dev.material.alpha, dev.material.gamma)
                + M.NORM_RATE * (1 - np.sum(s * s, axis=0)) * s) * 1e-9
        assert np.allclose(got, want, rtol=0, atol=1e-8 * np.abs(want).max())


# ---------------------------------------------------------------- demagnetizing factors


def test_ellipsoid_against_osborn() -> None:
    # Osborn's closed form against the code's Carlson R_D form, over shapes from needles to discs.
    # Tolerance 1e-12: both are elliptic integrals evaluated by scipy to near rounding.
    rng = np.random.default_rng(2)
    for _ in range(30):
        a, b, c = sorted(rng.uniform(0.05, 20.0, 3), reverse=True)
        perm = rng.permutation(3)  # the code takes the axes in any order
        axes = np.array([a, b, c])[perm]
        got = ellipsoid_factors(*axes)
        want = np.array(osborn(a, b, c))[perm]
        assert np.allclose(got, want, rtol=0, atol=1e-12)
    # the paper's 10 x 45 x 50 nm ellipsoid (FINDINGS.md: 0.139741, 0.739569, 0.120690)
    nt, nl, nw = osborn(25.0, 22.5, 5.0)  # semi-axes T/2 > L/2 > W/2
    assert demag_factors(45e-9, 10e-9, 50e-9, "ellipsoid") == pytest.approx((nl, nw, nt), abs=1e-12)


def test_circular_cylinder_against_chen_brug_goldfarb() -> None:
    # Closed form (chen_axial) over aspect ratios 0.05 to 20; the code's quadrature is stated
    # accurate to 1e-9 (its spline of F to about 1e-10), so 1e-9.
    for g in (0.05, 0.1, 0.25, 0.5, 1.0, 2.0, 5.0, 20.0):
        nx, ny, nz = elliptic_cylinder_factors(1.0, 1.0, 2.0 * g)
        assert nz == pytest.approx(chen_axial(g), abs=1e-9), g
        assert nx == pytest.approx((1 - chen_axial(g)) / 2, abs=1e-9), g
        assert ny == pytest.approx(nx, abs=1e-12)
    # Chen, Brug & Goldfarb's table prints four decimals: N_m = 0.4745 at gamma = 0.5, 0.3116 at 1
    assert chen_axial(0.5) == pytest.approx(0.4745, abs=5e-5)
    assert chen_axial(1.0) == pytest.approx(0.3116, abs=5e-5)


@pytest.mark.parametrize(("L", "W", "T"), [(45e-9, 10e-9, 50e-9), (44e-9, 10e-9, 50e-9), (60e-9, 30e-9, 2e-9),
                                           (100e-9, 20e-9, 10e-9), (30e-9, 29e-9, 100e-9)])
def test_elliptic_cylinder_against_beleggia_and_face_charges(L: float, W: float, T: float) -> None:
    # Beleggia et al.'s hypergeometric closed form for all three factors, and the real-space face-charge
    # integral for Nz; both converge to 1e-12 (adaptive quadrature), the code to 1e-9 (its docstring).
    want = beleggia(L / 2, W / 2, T)
    got = demag_factors(L, W, T, "elliptic_cylinder")
    assert got == pytest.approx(want, abs=1e-9)
    assert got[2] == pytest.approx(face_charge_nz(L / 2, W / 2, T), abs=1e-9)


def test_shipped_device_shape(ortho_path) -> None:
    # The shipped orthogonal pillar, 45 x 10 x 50 nm: Nx - Nz (which sets the onset current) is
    # 0.00427; the published forms give it to 1e-9, i.e. 2.5e-7 of the difference.
    dev = ms.load_device(ortho_path)
    want = beleggia(dev.geometry.L / 2, dev.geometry.W / 2, dev.geometry.T)
    got = device_demag(dev)
    assert got == pytest.approx(want, abs=1e-9)
    assert got[0] - got[2] == pytest.approx(want[0] - want[2], abs=2e-9)
    assert want[0] - want[2] == pytest.approx(0.004270, abs=1e-6)


def test_device_of_ellipsoid_shape_is_osborns(ortho_path) -> None:
    # The shipped pillar made an ellipsoid (no taper): device_demag must give Osborn's factors of the
    # 10 x 45 x 50 nm ellipsoid (the elliptic cylinder's are 0.02-0.05 away), to the 1e-12 of
    # test_ellipsoid_against_osborn (both elliptic integrals evaluated by scipy).
    dev = ms.load_device(ortho_path).replace(**{"geometry.shape": "ellipsoid"})
    g = dev.geometry
    nt, nl, nw = osborn(g.T / 2, g.L / 2, g.W / 2)  # semi-axes T/2 > L/2 > W/2
    assert device_demag(dev) == pytest.approx((nl, nw, nt), abs=1e-12)
