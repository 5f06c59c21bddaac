"""Brown's thermal field in the ngspice MTJ: the deck's noise against the Python stochastic solver
and the exact Boltzmann averages, reproducibility from a seed, and the noiseless deck at 0 K.

The statistical tests run n single-MTJ decks in parallel; deck j reads column j of the samples a
seeded Python batch of n devices draws (``draw_noise``), so ngspice and the Python solver see the
same noise and their difference is much smaller than either's sampling error. The equilibrium
checks use the shipped pillar with alpha = 0.1: the Boltzmann averages do not depend on alpha, and
ten times the damping equilibrates ten times faster (at alpha = 0.01 the 5 % statistics would need
about 10 ngspice-minutes).
"""

from __future__ import annotations

import dataclasses
import time
from pathlib import Path

import numpy as np
import pytest
from conftest import boltzmann_averages, energy_kt, output_rows

import mtjspice as ms
from mtjspice import NetlistError, ParameterError
from mtjspice.constants import KB, MU0
from mtjspice.errors import CostError
from mtjspice.netlist import mtj as M
from mtjspice.netlist.circuit import Element, Instance, Probe
from mtjspice.netlist.deck import Analysis, Deck, FileName
from mtjspice.netlist.noise import (
    NOISE_STEP_RATE,
    ThermalNoise,
    brown_density,
    draw_noise,
    noise_file_text,
    noise_interval,
    noise_polynomials,
)
from mtjspice.netlist.render import render_subckt
from mtjspice.netlist.testbench import NOISE_FILE, mtj_testbench
from mtjspice.physics.batch import DeviceBatch
from mtjspice.physics.devicedemag import device_demag
from mtjspice.physics.llgs import effective_field, llgs_rhs
from mtjspice.sim import run_batch, run_deck, run_decks

DATA = Path(__file__).resolve().parents[1] / "data"


def _device(ortho_path: Path, alpha: float | None = None) -> ms.Device:
    dev = ms.load_device(ortho_path)
    return dev if alpha is None else dev.replace(**{"material.alpha": alpha})


def paired_runs(dev: ms.Device, current: float, temperature: float, n: int, t_stop: float, seed: int,
                every: int = 4) -> tuple[np.ndarray, np.ndarray, np.ndarray, dict[str, float]]:
    """n ngspice decks and the Python batch of n on the same noise: times, m_ng and m_py (k, n, 3)."""
    base = mtj_testbench(dev, current, t_stop, 50e-12, temperature=temperature, seed=seed)
    h = base.analysis.max_step
    assert h is not None
    z = draw_noise(seed, t_stop, h, n)
    decks = [dataclasses.replace(base, attachments={NOISE_FILE: noise_file_text(z[:, :, j], h)}) for j in range(n)]
    t0 = time.perf_counter()
    wfs = run_decks(decks)
    t_ng = time.perf_counter() - t0
    t0 = time.perf_counter()
    tr = ms.simulate_thermal(DeviceBatch.from_device(dev, n=n), current, t_stop, every * h, dt=h, seed=seed,
                             temperature=temperature)
    t_py = time.perf_counter() - t0
    ng = np.stack([np.stack([np.interp(tr.t, w.t, w.signals[f"v(x1.m{c})"]) for c in "xyz"], -1) for w in wfs], 1)
    return tr.t, ng, tr.m, {"ngspice_s": t_ng, "python_s": t_py}


def correlation_time(u: np.ndarray, dt: float, lags: int) -> float:
    """4 x integral of C(t)^2 over the first ``lags`` lags, C the normalised autocorrelation averaged
    over columns: the decay time tau of C = cos(w t) exp(-t / tau), insensitive to the oscillation."""
    u = u - u.mean(axis=0)
    c = np.array([np.mean(u[: u.shape[0] - k] * u[k:]) for k in range(lags)])
    c /= c[0]
    return float(4.0 * np.sum(c**2) * dt)


# --- the deck, without ngspice ------------------------------------------------------------------


def test_zero_temperature_is_todays_deck(ortho_path: Path) -> None:
    dev = _device(ortho_path)
    golden = (DATA / "mtj_orthogonal.sub").read_text()
    assert render_subckt(M.mtj_subckt(dev, "mtj", thermal=None)) + "\n" == golden
    today = mtj_testbench(dev, ms.DC(0.5e-3), 2e-9, 10e-12)
    for temperature in (None, 0.0, 0):
        deck = mtj_testbench(dev, ms.DC(0.5e-3), 2e-9, 10e-12, temperature=temperature, seed=9)
        assert deck.text() == today.text() and not deck.attachments
    assert "filesource" not in today.text()


@pytest.mark.parametrize(("name", "value"), [("temperature", -1.0), ("temperature", 1500.0),
                                             ("temperature", float("nan")), ("temperature", "300"),
                                             ("temperature", True), ("seed", -1), ("seed", 1.5),
                                             ("seed", "3"), ("seed", True)])
def test_bad_temperature_or_seed(ortho_path: Path, name: str, value: object) -> None:
    dev = _device(ortho_path)
    with pytest.raises(ParameterError, match=rf"^{name}: got "):
        mtj_testbench(dev, 0.0, 1e-9, 10e-12, **{name: value})  # type: ignore[arg-type]


def test_noise_matches_python_convention(ortho_path: Path) -> None:
    dev = _device(ortho_path)
    T = 300.0
    m = dev.material
    # the spectral density of physics/thermal.py: per-step variance 2 alpha kB T / (gamma mu0^2 Ms V dt)
    assert brown_density(dev, T) == pytest.approx(2 * m.alpha * KB * T / (m.gamma * MU0**2 * m.Ms * dev.geometry.volume))
    h = noise_interval(dev, M.max_step())
    noise = ThermalNoise(T, "n.txt", h)
    assert noise.sigma(dev) * m.Ms == pytest.approx(np.sqrt(brown_density(dev, T) / h))
    field_rate = dev.gamma_prime * m.Ms * max(device_demag(dev))
    assert h == pytest.approx(min(M.max_step(), NOISE_STEP_RATE / field_rate))
    # the samples are the Python solver's draws, step by step, device by device
    z = draw_noise(4, 10 * h, h, n=3)
    rng = np.random.default_rng(4)
    assert np.array_equal(z, np.array([rng.standard_normal((3, 3)) for _ in range(z.shape[0])]))
    rows = np.loadtxt(noise_file_text(z[:, :, 1], h).splitlines())
    assert np.allclose(rows[1:, 0], (np.arange(z.shape[0]) + 0.5) * h) and rows[0, 0] == 0.0
    assert np.allclose(rows[1:, 1:], z[:, :, 1], rtol=1e-9) and np.allclose(rows[0, 1:], z[0, :, 1], rtol=1e-9)
    assert not np.allclose(z[:, :, 0], z[:, :, 1])  # different MTJs, independent noise
    with pytest.raises(CostError, match=r"^t_stop: got 1000.0; allowed: a run that fits"):
        draw_noise(0, 1e3, h)  # 1000 s of samples: refused before drawing


def test_noise_torque_equals_numpy_kernel(ortho_path: Path) -> None:
    dev = _device(ortho_path)
    b = DeviceBatch.from_devices(dev)
    rng = np.random.default_rng(2)
    m = rng.normal(size=(3, 20))
    m /= np.linalg.norm(m, axis=0)
    h_th = rng.normal(size=(3, 20)) * 1e3  # A/m
    H = effective_field(m, b.Ms, b.N, b.H, b.Ku, b.u)
    ref = (llgs_rhs(m, H + h_th, 0.0, b.p, b.alpha, b.gamma_prime) - llgs_rhs(m, H, 0.0, b.p, b.alpha, b.gamma_prime))
    L = noise_polynomials(dev, dev.gamma_prime * dev.material.Ms * M.TIME_UNIT)
    got = np.array([sum(L[i][j].evaluate([m[0], m[1], m[2], 0.0]) * h_th[j] / dev.material.Ms for j in range(3))
                    for i in range(3)]) / M.TIME_UNIT
    assert np.allclose(got, ref, rtol=1e-12, atol=1e-12 * np.abs(ref).max())


def test_thermal_deck_and_attachments(ortho_path: Path) -> None:
    dev = _device(ortho_path)
    deck = mtj_testbench(dev, 0.0, 1e-9, 10e-12, temperature=300.0, seed=3)
    text = deck.text()
    assert list(deck.attachments) == [NOISE_FILE]
    assert 'filesource(file="noise_x1.txt"' in text and "Athermal [ hx hy hz ]" in text
    assert deck.analysis.max_step == noise_interval(dev, M.max_step())
    assert deck.text() == mtj_testbench(dev, 0.0, 1e-9, 10e-12, temperature=300.0, seed=3).text()
    assert deck.attachments != mtj_testbench(dev, 0.0, 1e-9, 10e-12, temperature=300.0, seed=4).attachments
    for bad in ("../x.txt", "a b.txt", 'x".txt', "-x", "waveforms.raw", ""):
        with pytest.raises(NetlistError):
            Deck("t", (), deck.analysis, attachments={bad: ""})
    with pytest.raises(NetlistError):
        ThermalNoise(300.0, "a/b.txt", 1e-12)
    with pytest.raises(ParameterError, match="^step: got"):  # the correction's step must be the noise's
        M.mtj_subckt(dev, "mtj", thermal=ThermalNoise(300.0, "n.txt", 1e-12))
    with pytest.raises(ParameterError, match="^attachments: got 'circuit.cir'"):
        run_batch(text, deck.vectors, attachments={"circuit.cir": ""})
    with pytest.raises(ParameterError, match="^engine: got 'shared'"):
        run_deck(deck, engine="shared")
    assert FileName("n.txt").text == "n.txt"
    # a deck must carry the files its cards read, and one noise subcircuit serves one MTJ only
    with pytest.raises(NetlistError, match="reads 'noise_x1.txt', which the deck does not carry"):
        dataclasses.replace(deck, attachments={}).text()
    sub = next(it for it in deck.items if isinstance(it, Instance)).subckt
    twice = dataclasses.replace(deck, items=(*deck.items, sub.instance("X2", t1="a", t2="0")))
    with pytest.raises(NetlistError, match="instantiated 2 times; build one subcircuit"):
        twice.text()


# --- ngspice ------------------------------------------------------------------------------------


@pytest.mark.ngspice
def test_same_seed_same_output_two_seeds_differ(ortho_path: Path) -> None:
    dev = _device(ortho_path)
    decks = [mtj_testbench(dev, 0.3e-3, 2e-9, 10e-12, temperature=300.0, seed=s) for s in (1, 1, 2)]
    a, b, c = run_decks(decks)
    assert np.array_equal(a.t, b.t)
    for v in decks[0].vectors:
        assert np.array_equal(a.signals[v], b.signals[v])
    assert not np.allclose(np.interp(c.t, a.t, a.signals["v(x1.my)"]), c.signals["v(x1.my)"], atol=1e-4)


@pytest.mark.ngspice
def test_mtjs_in_one_deck_draw_independent_noise(ortho_path: Path) -> None:
    # two MTJs of one deck: each follows its own device of the Python batch on the same seed
    dev = _device(ortho_path)
    t_stop = 5e-9
    mtjs = M.mtj_subckts([dev, dev], ["mtja", "mtjb"], t_stop, temperature=300.0, seed=8)
    assert sorted(mtjs.attachments) == ["noise_mtja.txt", "noise_mtjb.txt"]
    items = (*(Element(f"R{k}", (f"a{k}", "0"), (1e9,)) for k in "ab"),
             *(s.instance(f"X{k}", t1=f"a{k}", t2="0") for s, k in zip(mtjs.subckts, "ab", strict=True)))
    probes = tuple(Probe.node("my").inside(f"X{k}") for k in "ab")
    deck = Deck("two", items, Analysis(t_stop, 10e-12, max_step=mtjs.max_step), options=mtjs.options,
                probes=probes, attachments=mtjs.attachments)
    wf = run_deck(deck)
    tr = ms.simulate_thermal(DeviceBatch.from_device(dev, n=2), 0.0, t_stop, 8 * mtjs.max_step, dt=mtjs.max_step,
                             seed=8, temperature=300.0)
    ng = [np.interp(tr.t, wf.t, wf.signals[p.vector]) for p in probes]
    for j in range(2):
        assert np.sqrt(np.mean((ng[j] - tr.my[:, j]) ** 2)) < 0.15 * np.std(tr.my[:, j])
    assert np.sqrt(np.mean((ng[0] - ng[1]) ** 2)) > 0.5 * np.std(ng[0])


@pytest.mark.ngspice
def test_written_deck_runs_beside_its_noise_file(tmp_path: Path) -> None:
    # what a results folder holds: netlist.cir with its noise file beside it, run from elsewhere
    import subprocess

    dev = ms.load_device("orthogonal")
    deck = mtj_testbench(dev, 0.0, 0.5e-9, 10e-12, temperature=300.0, seed=5)
    (tmp_path / "netlist.cir").write_text(deck.text())
    for name, text in deck.attachments.items():
        (tmp_path / name).write_text(text)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    proc = subprocess.run(["ngspice", "-b", str(tmp_path / "netlist.cir")], cwd=elsewhere, capture_output=True,
                          text=True, timeout=60)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    ran = output_rows(elsewhere / deck.data_file)
    wf = run_deck(deck)
    assert np.array_equal(ran[:, 2], wf.signals["v(x1.my)"])


@pytest.mark.ngspice
@pytest.mark.slow
def test_rest_300K_matches_python_and_boltzmann(ortho_path: Path) -> None:
    dev = _device(ortho_path, alpha=0.1)
    T = 300.0
    t, ng, py, cost = paired_runs(dev, 0.0, T, n=8, t_stop=150e-9, seed=11)
    keep = t >= 2e-9  # 13 relaxation times (about 0.15 ns at alpha = 0.1)
    exact = boltzmann_averages(dev, T)
    got = {}
    for name, m in (("ngspice", ng[keep]), ("python", py[keep])):
        got[name] = [float(np.mean(m[..., i] ** 2)) for i in range(3)] + [float(np.mean(energy_kt(dev, m, T)))]
    print("300 K <mx^2> <my^2> <mz^2> <E>/kT", got, "exact", exact, cost)
    # statistical: 8 devices x 148 ns with a correlation time of about 0.3 ns (twice the relaxation time)
    # give about 4000 independent samples, a relative standard error of sqrt(2 / 4000) = 2.2 % for a
    # mean square: 5 % for each average, and for ngspice against Python (two such estimates)
    for q in range(4):
        assert got["ngspice"][q] == pytest.approx(exact[q], rel=0.05)
        assert got["ngspice"][q] == pytest.approx(got["python"][q], rel=0.05)
    dt = t[1] - t[0]
    tau_ng = correlation_time(ng[keep][..., 1], dt, int(1.5e-9 / dt))
    tau_py = correlation_time(py[keep][..., 1], dt, int(1.5e-9 / dt))
    print("my correlation time (s)", tau_ng, tau_py)
    assert tau_ng == pytest.approx(tau_py, rel=0.10)  # a correlation time's estimate: about twice a variance's error


@pytest.mark.ngspice
@pytest.mark.slow
def test_equipartition_30K(ortho_path: Path) -> None:
    dev = _device(ortho_path, alpha=0.1)
    T = 30.0
    t, ng, py, cost = paired_runs(dev, 0.0, T, n=8, t_stop=100e-9, seed=12, every=16)
    keep = t >= 2e-9
    nx, ny, nz = device_demag(dev)
    Ms, V = dev.material.Ms, dev.geometry.volume
    m = ng[keep]
    mx2, my2 = (KB * T / (MU0 * Ms**2 * V * (n - nz)) for n in (nx, ny))
    q = py[keep]
    print("30 K ngspice", np.mean(m[..., 0] ** 2) / mx2, np.mean(m[..., 1] ** 2) / my2, np.mean(energy_kt(dev, m, T)),
          "python", np.mean(q[..., 0] ** 2) / mx2, np.mean(q[..., 1] ** 2) / my2, np.mean(energy_kt(dev, q, T)), cost)
    # statistical, as in the 300 K test (8 devices x 98 ns: about 2600 samples, 2.8 % per mean square): 5 %
    assert np.mean(m[..., 0] ** 2) == pytest.approx(mx2, rel=0.05)
    assert np.mean(m[..., 1] ** 2) == pytest.approx(my2, rel=0.05)
    assert np.mean(energy_kt(dev, m, T)) == pytest.approx(1.0, rel=0.05)  # two quadratic modes: kT
    for i in range(3):
        assert np.mean(m[..., i] ** 2) == pytest.approx(np.mean(py[keep][..., i] ** 2), rel=0.05)


@pytest.mark.ngspice
@pytest.mark.slow
def test_dc_above_onset_matches_python(ortho_path: Path) -> None:
    dev = _device(ortho_path)  # the shipped device, alpha = 0.01
    current = 0.45e-3  # onset about 0.383 mA
    t, ng, py, cost = paired_runs(dev, current, 300.0, n=8, t_stop=60e-9, seed=13, every=16)
    keep = t >= 10e-9
    a, b = ng[keep][..., 1], py[keep][..., 1]
    print("my mean", a.mean(), b.mean(), "std", a.std(), b.std(), cost)
    # two independent noisy runs of 8 devices x 50 ns of steady precession: their m_y means and spreads
    # agree to a few percent (each is averaged over about a hundred precession periods): 5 %
    assert a.mean() == pytest.approx(b.mean(), rel=0.05)
    assert a.std() == pytest.approx(b.std(), rel=0.05)
